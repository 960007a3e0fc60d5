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

from planner.app.context import Context
from planner.cli.parser import DB_ENV, UserError
from planner.domain.patients import ClinicSettings
from planner.records.ports import Actor

if TYPE_CHECKING:
    import argparse

    from planner.app.snapshot import StartBoard
    from planner.storage import SqlRepository
    from planner.storage.lock import InstanceLock
    from planner.storage.quick import QuickOpen


@dataclass(frozen=True)
class Shell:
    """The program's surroundings for one run.

    Attributes:
        clock: the current time, timezone-aware (the only clock the program reads).
        actor: the signed-in user and this workstation.
    """

    clock: Callable[[], dt.datetime]
    actor: Actor

    def context(self) -> Context:
        """Who acts and when, for one use case."""
        return Context(self.actor, self.clock())

    def out(self, text: str) -> None:
        """Print a line of a command's result."""
        sys.stdout.write(text + "\n")

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
        """The SQLite file a maintenance command works on (refusing a server URL)."""
        target = self.database_target(args)
        if "://" in target:
            raise UserError(
                f"{what} works on SQLite files; use the server's own tools for PostgreSQL."
            )
        path = Path(target)
        if not path.is_file():
            raise UserError(f"There is no database file at {path}.")
        return path

    def open_repository(
        self, args: argparse.Namespace, lock: InstanceLock | None = None
    ) -> SqlRepository:
        """Open the chosen database; with ``--demo``, fill an empty demo database first.

        ``lock``: the instance lock a quick start already holds on the file.
        """
        from planner.app.demo import load_demo_clinic
        from planner.storage import open_repository

        # The lock and any pre-migration backup are stamped with the clock's time.
        repo = open_repository(
            self.database_target(args),
            user=self.actor.user,
            workstation=self.actor.workstation,
            now=self.clock(),
            lock=lock,
        )
        if args.demo and not args.db and not repo.list_patients():
            load_demo_clinic(repo, self.context())
        return repo

    def quick_start(
        self, args: argparse.Namespace, settings: ClinicSettings
    ) -> tuple[QuickOpen | None, StartBoard | None]:
        """Lock the SQLite file and decode the board it stored for today (or None).

        Only the standard library and the board's own modules run here: SQLAlchemy is
        imported later, in a worker thread, while the stored board is already on screen.
        """
        from planner.storage.files import is_url
        from planner.storage.quick import quick_open

        target = self.database_target(args)
        if is_url(target):
            return None, None
        quick = quick_open(
            Path(os.path.abspath(target)),
            user=self.actor.user,
            workstation=self.actor.workstation,
            now=self.clock(),
        )
        if quick is None or quick.payload is None:
            return quick, None
        from planner.app.snapshot import SnapshotKey, decode_start_board

        key = SnapshotKey(quick.data_mark, tuple(sorted(settings.closures)))
        return quick, decode_start_board(quick.payload, key, self.clock().date())

    @staticmethod
    def local_templates() -> Path:
        """The folder of the centre's own protocol templates."""
        from planner.storage.paths import local_templates_dir

        return local_templates_dir()
