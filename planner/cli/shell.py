"""What a command reads from outside the program: the clock, who runs it, the centre's
settings and which database to open.

``main.py`` builds one ``Shell`` with the clock and the user; every command and the
desktop app's start-up ask it, so the clock is read in one place and a path typed on
the command line is checked the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.app.context import Context, SignedIn
from planner.cli.parser import DB_ENV, PROGRAM, UserError
from planner.domain.patients import ClinicSettings
from planner.records.ports import Actor

if TYPE_CHECKING:
    import argparse

    from planner.app.snapshot import StartBoard
    from planner.storage import SqlRepository
    from planner.storage.lock import InstanceLock
    from planner.storage.quick import QuickOpen


PASSWORD_ENV = "TRANSPLANT_PLANNER_PASSWORD"
NEW_PASSWORD_ENV = "TRANSPLANT_PLANNER_NEW_PASSWORD"


@dataclass
class Shell:
    """The program's surroundings for one run.

    Attributes:
        clock: the current time, timezone-aware (the only clock the program reads).
        actor: who acts and this workstation: the computer's login until a command signs
            in to a database with accounts (``open_repository``), then that account.
    """

    clock: Callable[[], dt.datetime]
    actor: Actor

    def context(self) -> Context:
        """Who acts and when, for one use case."""
        return Context(self.actor, self.clock())

    def out(self, text: str) -> None:
        """Print a line of a command's result.

        A reader that stops early (``| head``) closes the pipe: the write raises
        ``BrokenPipeError``, which ``main.main`` ends quietly.
        """
        sys.stdout.write(text + "\n")

    @staticmethod
    def version() -> str:
        """The installed package's version; from a source checkout that was never
        installed, the version in ``pyproject.toml``."""
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed_version

        try:
            return installed_version(PROGRAM)
        except PackageNotFoundError:
            import tomllib

            pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
            try:
                return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
            except (OSError, KeyError, tomllib.TOMLDecodeError):
                from planner import __version__

                return __version__

    # --- centre settings ---------------------------------------------------------------------

    def centre_settings(self) -> ClinicSettings:
        """The centre's settings; a bad file is reported on stderr and the defaults used."""
        settings, problem = self.centre_settings_and_problem()
        if problem:
            sys.stderr.write(f"warning: {problem}\n")
        return settings

    @staticmethod
    def centre_settings_and_problem() -> tuple[ClinicSettings, str]:
        """The settings, and a sentence about a bad settings file ("" when fine)."""
        from planner.domain.centre import load_centre_settings
        from planner.storage.paths import centre_settings_path

        settings, error = load_centre_settings(centre_settings_path())
        return settings, (f"{error} Using the default settings." if error is not None else "")

    # --- the database ------------------------------------------------------------------------

    @staticmethod
    def require_folder(path: str, what: str) -> str:
        """A path the user typed must be in an existing folder: a typo must not quietly
        make a new, empty clinic database somewhere (the data folder itself is made when
        needed)."""
        from planner.storage.files import is_url

        folder = Path(os.path.abspath(path)).parent
        if not is_url(path) and not folder.is_dir():
            raise UserError(
                f"The folder {folder} for {what} does not exist; check the path "
                "(a new database is only created in an existing folder)."
            )
        return path

    def database_target(self, args: argparse.Namespace) -> str:
        """The database to open: ``--db``, the demo's, ``TRANSPLANT_PLANNER_DB`` or the
        default file in the data folder."""
        from planner.storage.paths import default_database_path, demo_database_path

        if args.db:
            return self.require_folder(str(args.db), "--db")
        # --demo wins over the environment variable: demo patients never go into the
        # clinic database that TRANSPLANT_PLANNER_DB points at.
        if args.demo:
            return str(demo_database_path())
        if os.environ.get(DB_ENV):
            # Set by a site's administrator: its folder is made like the data folder.
            return os.environ[DB_ENV]
        return str(default_database_path())

    def sqlite_file(self, args: argparse.Namespace, what: str) -> Path:
        """The SQLite file a maintenance command works on (refusing a server URL, a
        missing file and an empty one)."""
        target = self.database_target(args)
        if "://" in target:
            raise UserError(
                f"{what} works on SQLite files; use the server's own tools for PostgreSQL."
            )
        path = Path(target)
        self.refuse_missing_or_empty(target)
        return path

    @staticmethod
    def refuse_empty(target: str) -> None:
        """A zero-length file is not a clinic: SQLite would quietly make it a new, empty
        database, and the clinic would seem to have lost every patient."""
        from planner.storage.files import is_url

        if not is_url(target) and os.path.isfile(target) and os.path.getsize(target) == 0:
            raise UserError(
                f"{target} is empty (0 bytes): not a clinic database; restore a backup or "
                "remove the file."
            )

    @classmethod
    def refuse_missing_or_empty(cls, target: str) -> None:
        """A command that reads must find a database: a mistyped ``--db`` must not
        create an empty clinic and report that all is well."""
        from planner.storage.files import is_url

        if not is_url(target) and not os.path.exists(target):
            raise UserError(
                f"There is no database at {target}; check the path, or create one with "
                "demo-db or by opening the app."
            )
        if not is_url(target) and not os.path.isfile(target):
            raise UserError(f"{target} is not a file: not a clinic database; check the path.")
        cls.refuse_empty(target)

    def open_repository(
        self,
        args: argparse.Namespace,
        lock: InstanceLock | None = None,
        *,
        existing: bool = False,
        defer_check: bool = False,
        sign_in: bool = True,
    ) -> SqlRepository:
        """Open the chosen database; with ``--demo``, fill an empty demo database first;
        where the database has accounts, sign in (``sign_in_to``; ``sign_in`` False: the
        desktop app, which signs in in a window).

        ``lock``: the instance lock a quick start already holds on the file.
        ``existing``: the command only reads, so the database must exist already (the
        demo clinic is the exception: it is made on first use).
        ``defer_check``: the desktop app runs the file's check beside its first load
        (``open_repository``'s ``defer_check``).
        """
        from planner.app.demo import load_demo_clinic
        from planner.storage import open_repository

        target = self.database_target(args)
        if existing and not (args.demo and not args.db):
            self.refuse_missing_or_empty(target)
        else:
            self.refuse_empty(target)
        # The lock and any pre-migration backup are stamped with the clock's time.
        repo = open_repository(
            target,
            user=self.actor.user,
            workstation=self.actor.workstation,
            now=self.clock(),
            lock=lock,
            defer_check=defer_check,
        )
        if args.demo and not args.db and not repo.list_patients():
            repo.check_file()  # an empty file: at once
            load_demo_clinic(repo, self.context())
        if sign_in:
            try:
                self.sign_in_to(repo, args)
            except BaseException:
                repo.close()
                raise
        return repo

    def sign_in_to(self, repo: SqlRepository, args: argparse.Namespace) -> None:
        """Act as a signed-in account of ``repo`` from now on, where it has accounts.

        ``--user NAME`` signs in with a password (``TRANSPLANT_PLANNER_PASSWORD``, else
        asked on the terminal); without it, where the centre signs in with the computer's
        login, as that login.

        Raises:
            UserError: no name or no password where one is needed, or ``--user`` on a
                database without accounts.
            SignInError: refused (after a second's wait, as the desktop's sign-in).
        """
        import time

        from planner.app.accounts import FAILURE_DELAY_S, sign_in, sign_in_with_login
        from planner.domain.accounts import SignInMethod
        from planner.errors import SignInError

        name = (getattr(args, "sign_in_as", None) or "").strip()
        if not repo.accounts_in_use():
            if name:
                raise UserError(
                    "This database has no accounts yet: leave out --user (the first account, "
                    "an administrator's, is added with 'users add NAME --role administrator')."
                )
            return
        ws, now = self.actor.workstation, self.clock()
        try:
            if name:
                done = sign_in(repo, name, self.password(f"Password for {name}: "), ws, now)
            elif repo.sign_in_policy().method is SignInMethod.OS_ACCOUNT:
                done = sign_in_with_login(repo, self.actor.user, ws, now)
            else:
                filtered = (
                    " (after 'audit', --user chooses the rows shown)"
                    if getattr(args, "user", None)
                    else ""
                )
                raise UserError(
                    "This database has accounts: give --user NAME before the command (the "
                    f"password is asked, or read from {PASSWORD_ENV}){filtered}."
                )
        except SignInError as exc:
            time.sleep(min(exc.wait_s, FAILURE_DELAY_S))
            raise
        self.actor = done.actor

    @staticmethod
    def password(prompt: str, env: str = PASSWORD_ENV) -> str:
        """A password from ``env``, else typed on the terminal (not echoed).

        Raises:
            UserError: neither is there (a script without the variable).
        """
        import getpass

        given = os.environ.get(env)
        if given:
            return given
        if not sys.stdin.isatty():
            raise UserError(f"No password: set {env} or run the command in a terminal.")
        return getpass.getpass(prompt)

    def quick_start(
        self, args: argparse.Namespace, settings: ClinicSettings
    ) -> tuple[QuickOpen | None, StartBoard | None, SignedIn | None]:
        """Lock the SQLite file and decode the board it stored for today (or None; it may
        lack transplants changed since, completed once the database is open). On a file
        with accounts, the board comes with who the computer's login signed in as (the
        board of such a file is never shown without it), else None.

        Only the standard library and the board's own modules run here: SQLAlchemy is
        imported later, in a worker thread, while the stored board is already on screen.
        """
        from planner.storage.files import is_url
        from planner.storage.quick import quick_open

        target = self.database_target(args)
        if is_url(target):
            return None, None, None
        self.refuse_empty(target)
        now = self.clock()
        quick = quick_open(
            Path(os.path.abspath(target)),
            user=self.actor.user,
            workstation=self.actor.workstation,
            now=now,
            day=now.date(),  # the entries' lines of today only: all a start reads
            login=self.actor.user,  # the computer's: it may sign in on a file with accounts
        )
        if quick is None or quick.index is None:
            return quick, None, None
        from planner.app.snapshot import start_board_of

        board = start_board_of(quick.index, now.date(), settings.closures)
        return quick, board, self._login_signed_in(quick)

    def _login_signed_in(self, quick: QuickOpen) -> SignedIn | None:
        """Who the computer's login signed in as when the quick start read a file with
        accounts (``QuickOpen.login``), on this workstation; None otherwise. Confirmed and
        recorded once the database is open (``ui.app``)."""
        if quick.login is None:
            return None
        account = quick.login.account
        actor = Actor(account.name, self.actor.workstation, account.role)
        return SignedIn(actor, quick.login.policy)

    @staticmethod
    def local_templates() -> Path:
        """The folder of the centre's own protocol templates."""
        from planner.storage.paths import local_templates_dir

        return local_templates_dir()
