"""Composition root: parse arguments, pick the database, run a command or the desktop app.

``python main.py ...`` and the installed ``transplant-planner ...`` are the same
entry. Global options (``--db``, ``--demo``) come before the command. A user
mistake prints one plain sentence on stderr and exits with code 2, never a
traceback. This is the only module that imports both ``ui`` and ``planner.storage``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import re
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError
from planner.records.ports import Actor

if TYPE_CHECKING:
    from planner.app.snapshot import StartBoard
    from planner.storage import SqlRepository
    from planner.storage.lock import InstanceLock
    from planner.storage.quick import QuickOpen

EXIT_BAD_INPUT = 2
DB_ENV = "TRANSPLANT_PLANNER_DB"


class UserError(Exception):
    """A mistake in the command line: reported in one sentence, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(message[0].upper() + message[1:].rstrip(".") + ".")


def build_parser() -> argparse.ArgumentParser:
    """The command-line grammar of DESIGN.md section 6."""
    parser = _Parser(
        prog="transplant-planner", description="Plan and follow stem-cell transplants."
    )
    parser.add_argument(
        "--db",
        help=f"SQLite file or PostgreSQL URL (default: the user data folder; also ${DB_ENV})",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the demo clinic (synthetic patients)"
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("protocols", help="list the protocol templates")
    sch = sub.add_parser("schedule", help="print the dated schedule of a template")
    sch.add_argument("protocol_id")
    sch.add_argument("--day0", required=True, help="Day 0 as YYYY-MM-DD")
    sch.add_argument("--json", action="store_true")
    board = sub.add_parser("board", help="print the clinic board")
    board.add_argument("--json", action="store_true")
    demo = sub.add_parser("demo-db", help="write the demo clinic to a new SQLite file")
    demo.add_argument("path")
    sub.add_parser("check", help="check the database's integrity and audit trail")
    backup = sub.add_parser("backup", help="write a verified backup")
    backup.add_argument("--dest", help="folder for the backup (default: the data folder)")
    labs = sub.add_parser("import-labs", help="import blood counts from a CSV/XLSX lab export")
    labs.add_argument("file")
    labs.add_argument(
        "--dry-run", action="store_true", help="report accepted and rejected rows; change nothing"
    )
    from planner.cli.export import add_export_parser

    add_export_parser(sub)
    return parser


def parse_date(text: str, what: str) -> dt.date:
    """Strict ISO date; anything else is a user error naming the expected form."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        if (
            len(text) == 10
            and text[4] == "-"
            and text[7] == "-"
            and text.replace("-", "").isdigit()
        ):
            raise UserError(f"{what} '{text}' is not a real calendar date.") from None
        raise UserError(f"{what} '{text}' is not a date in the form YYYY-MM-DD.") from None


def local_now() -> dt.datetime:
    """The one place the program reads the clock (timezone-aware, local)."""
    return dt.datetime.now().astimezone()


def actor() -> Actor:
    """The signed-in OS user and this workstation's name."""
    return Actor(user=getpass.getuser(), workstation=socket.gethostname())


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def cmd_protocols(_: argparse.Namespace) -> int:
    """List bundled and local templates."""
    from planner.domain.templates import all_protocols

    protocols, errors = all_protocols(_local_template_dir())
    for proto in sorted(protocols.values(), key=lambda p: (p.category.value, p.id)):
        _out(f"{proto.id:<36} {proto.category.value:<17} {proto.review_status:<17} {proto.title}")
    for err in errors:
        sys.stderr.write(f"warning: {err}\n")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Print a template's dated schedule."""
    from planner.domain.plans import instantiate, schedule_rows
    from planner.domain.templates import all_protocols, get_protocol

    day0 = parse_date(args.day0, "Day 0")
    protocols, _ = all_protocols(_local_template_dir())
    plan = instantiate(get_protocol(protocols, args.protocol_id), day0)
    rows = schedule_rows(plan)
    if args.json:
        _out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        label = r.label if r.label.startswith("M-Day") else f"Day {r.day:+d}" if r.day else "Day 0"
        _out(f"{label:<9} {r.date.isoformat()}  {r.phase:<17} {r.title}")
    return 0


def centre_settings() -> ClinicSettings:
    """The centre's settings; a bad file is reported on stderr and the defaults used."""
    settings, problem = centre_settings_and_problem()
    if problem:
        sys.stderr.write(f"warning: {problem}\n")
    return settings


def centre_settings_and_problem() -> tuple[ClinicSettings, str]:
    """The settings, and a sentence about a bad settings file ("" when fine)."""
    from planner.domain.centre import load_centre_settings
    from planner.storage.paths import centre_settings_path

    settings, error = load_centre_settings(centre_settings_path())
    return settings, (f"{error} Using the default settings." if error is not None else "")


def cmd_board(args: argparse.Namespace) -> int:
    """Print the clinic board for today."""
    from planner.app.clinic import clinic_board

    settings = centre_settings()
    repo = _open_repo(args)
    try:
        rows = clinic_board(repo, local_now().date(), sorted(settings.closures))
    finally:
        repo.close()
    if args.json:
        _out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        due = "; ".join(r.due_today) or "-"
        alerts = "; ".join(r.alerts) or "-"
        _out(f"{r.mrn:<12} {r.name:<28} {r.day_label:<9} {r.phase:<20} due: {due} | {alerts}")
    return 0


def cmd_demo_db(args: argparse.Namespace) -> int:
    """Write the demo clinic to a new SQLite file."""
    from planner.app.context import Context
    from planner.app.demo import load_demo_clinic
    from planner.storage import open_repository

    path = Path(_require_folder(args.path, "the demo database"))
    if path.exists():
        raise UserError(f"{path} already exists; choose a new file name.")
    repo = open_repository(
        str(path), user=getpass.getuser(), workstation=socket.gethostname(), now=local_now()
    )
    try:
        count = load_demo_clinic(repo, Context(actor(), local_now()))
    finally:
        repo.close()
    _out(f"Wrote a demo clinic of {count} patients to {path}.")
    return 0


def cmd_import_labs(args: argparse.Namespace) -> int:
    """Import counts; report accepted and rejected rows (exit 1 when some were rejected)."""
    from planner.app.context import Context
    from planner.cli.labs import run_import_labs

    repo = _open_repo(args)
    try:
        code, text = run_import_labs(
            repo, Context(actor(), local_now()), Path(args.file), args.dry_run
        )
    finally:
        repo.close()
    if code == EXIT_BAD_INPUT:
        sys.stderr.write(f"transplant-planner: {text}\n")
    else:
        _out(text)
    return code


def cmd_export(args: argparse.Namespace) -> int:
    """Write handouts, team summaries or hand-off packets as PDF (one or a batch)."""
    from planner.app.context import Context
    from planner.cli.export import run_export

    settings = centre_settings()
    repo = _open_repo(args)
    try:
        code, text = run_export(repo, Context(actor(), local_now()), args, settings=settings)
    finally:
        repo.close()
    if code == 0:
        _out(text)
    else:
        sys.stderr.write(f"transplant-planner: {text}\n")
    return code


def _sqlite_target(args: argparse.Namespace, what: str) -> Path:
    target = _database_target(args)
    if "://" in target:
        raise UserError(f"{what} works on SQLite files; use the server's own tools for PostgreSQL.")
    path = Path(target)
    if not path.is_file():
        raise UserError(f"There is no database file at {path}.")
    return path


def cmd_check(args: argparse.Namespace) -> int:
    """Integrity check and audit-chain verification; exit 1 when a problem is found."""
    from planner.storage.backup import check

    path = _sqlite_target(args, "check")
    report = check(path)
    integrity = "ok" if report.integrity == ("ok",) else "; ".join(report.integrity[:5])
    chain = (
        "intact"
        if report.audit_first_bad_seq is None
        else f"broken at row {report.audit_first_bad_seq}"
    )
    _out(f"Integrity: {integrity}. Audit trail: {report.audit_rows} rows, {chain}.")
    # The check reads a file the app would refuse to open: it says so rather than refusing.
    private = os.name != "posix" or not os.stat(path).st_mode & 0o077
    if not private:
        _out(
            f"Permissions: other users of this computer can read it; make it private with: "
            f"chmod 600 '{path}'"
        )
    if not report.ok:
        _out("Problems found: restore the last verified backup before working on.")
    return 0 if report.ok and private else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a verified backup (SQLite online backup API, integrity-checked, rotated)."""
    from planner.storage.backup import backup
    from planner.storage.paths import data_dir

    _sqlite_target(args, "backup")
    dest = Path(args.dest) if args.dest else data_dir() / "backups"
    repo = _open_repo(args)
    try:
        # The label names the database file (never a patient) so backups of several
        # databases in one folder stay apart.
        label = re.sub(r"[^A-Za-z0-9_-]", "", Path(_database_target(args)).stem)[:40]
        info = backup(repo, dest, now=local_now(), label=label)
    finally:
        repo.close()
    _out(f"Backup written and verified: {info.path} (sha256 {info.sha256[:12]}...).")
    return 0


def _local_template_dir() -> Path:
    from planner.storage.paths import local_templates_dir

    return local_templates_dir()


def _require_folder(path: str, what: str) -> str:
    """A path the user typed must be in an existing folder: a typo must not quietly make
    a new, empty clinic database somewhere (the data folder itself is made when needed)."""
    from planner.storage.files import is_url

    folder = Path(os.path.abspath(path)).parent
    if not is_url(path) and not folder.is_dir():
        raise UserError(
            f"The folder {folder} for {what} does not exist; check the path "
            "(a new database is only created in an existing folder)."
        )
    return path


def _database_target(args: argparse.Namespace) -> str:
    from planner.storage.paths import default_database_path, demo_database_path

    if args.db:
        return _require_folder(str(args.db), "--db")
    # --demo wins over the environment variable: demo patients never go into the
    # clinic database that TRANSPLANT_PLANNER_DB points at.
    if args.demo:
        return str(demo_database_path())
    if os.environ.get(DB_ENV):
        # Set by a site's administrator: its folder is made like the data folder.
        return os.environ[DB_ENV]
    return str(default_database_path())


def _open_repo(args: argparse.Namespace, lock: InstanceLock | None = None) -> SqlRepository:
    """Open the chosen database; with ``--demo``, fill an empty demo database first.

    ``lock``: the instance lock a quick start already holds on the file.
    """
    from planner.app.context import Context
    from planner.app.demo import load_demo_clinic
    from planner.storage import open_repository

    # The clock is read here, in the composition root: the lock and any pre-migration
    # backup are stamped with it.
    repo = open_repository(
        _database_target(args),
        user=getpass.getuser(),
        workstation=socket.gethostname(),
        now=local_now(),
        lock=lock,
    )
    if args.demo and not args.db and not repo.list_patients():
        load_demo_clinic(repo, Context(actor(), local_now()))
    return repo


def _quick_start(
    args: argparse.Namespace, settings: ClinicSettings
) -> tuple[QuickOpen | None, StartBoard | None]:
    """Lock the SQLite file and decode the board it stored for today (or None).

    Only the standard library and the board's own modules run here: SQLAlchemy is
    imported later, in a worker thread, while the stored board is already on screen.
    """
    from planner.storage.files import is_url
    from planner.storage.quick import quick_open

    target = _database_target(args)
    if is_url(target):
        return None, None
    quick = quick_open(
        Path(os.path.abspath(target)),
        user=getpass.getuser(),
        workstation=socket.gethostname(),
        now=local_now(),
    )
    if quick is None or quick.payload is None:
        return quick, None
    from planner.app.snapshot import SnapshotKey, decode_start_board

    key = SnapshotKey(quick.data_mark, tuple(sorted(settings.closures)))
    return quick, decode_start_board(quick.payload, key, local_now().date())


def _show_start_error(message: str) -> None:
    """Say why the app cannot start in a dialog too: from a desktop icon nobody sees stderr."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return  # no screen to show it on (tests, a server): stderr says it
    from PySide6.QtWidgets import QApplication, QMessageBox

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    QMessageBox.critical(None, "Transplant Planner", message)


def run_gui(args: argparse.Namespace) -> int:
    """Open the desktop app (the demo clinic with ``--demo``).

    With a board stored for today by the last run (planner.app.snapshot), the window paints
    it first and the database is opened and the clinic loaded behind it.
    """
    settings, problem = centre_settings_and_problem()
    try:
        quick, start_board = _quick_start(args, settings)
    except PlannerError as exc:
        _show_start_error(str(exc))
        raise
    lock = quick.lock if quick is not None else None
    opened: list[SqlRepository] = []

    def open_repo() -> SqlRepository:
        opened.append(_open_repo(args, lock))
        return opened[-1]

    from planner.app.context import Context
    from planner.app.demo import load_demo_clinic
    from planner.storage.files import is_url
    from planner.storage.location import sync_warning
    from planner.storage.paths import local_templates_dir, log_dir, window_settings_path
    from ui.app import run

    target = _database_target(args)
    warning = "" if is_url(target) else sync_warning(Path(target))
    window_settings = None
    if (ini := window_settings_path()) is not None:
        from PySide6.QtCore import QSettings

        window_settings = QSettings(str(ini), QSettings.Format.IniFormat)

    try:
        try:
            repo = None if start_board is not None else open_repo()
        except PlannerError as exc:
            _show_start_error(str(exc))
            raise
        return run(
            repo,
            actor=actor(),
            clock=local_now,
            demo=bool(args.demo),
            load_demo=lambda: load_demo_clinic(opened[-1], Context(actor(), local_now())),
            log_dir=log_dir(),
            local_templates=local_templates_dir(),
            settings=settings,
            settings_problem=problem,
            start_board=start_board,
            open_repo=open_repo,
            storage_warning=warning,
            window_settings=window_settings,
        )
    finally:
        # A worker may still be opening or reading (the window closed meanwhile): the
        # repository is closed and the lock released only after it has finished.
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()
        for repo in opened:
            repo.close()
        if lock is not None:
            lock.release()  # idempotent: the repository released it already if it opened


COMMANDS = {
    "protocols": cmd_protocols,
    "schedule": cmd_schedule,
    "board": cmd_board,
    "demo-db": cmd_demo_db,
    "check": cmd_check,
    "backup": cmd_backup,
    "export": cmd_export,
    "import-labs": cmd_import_labs,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``transplant-planner`` and ``python main.py``."""
    try:
        args = build_parser().parse_args(argv)
        handler = COMMANDS.get(args.command) if args.command else None
        return handler(args) if handler else run_gui(args)
    except (UserError, PlannerError) as exc:
        sys.stderr.write(f"transplant-planner: {exc}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
