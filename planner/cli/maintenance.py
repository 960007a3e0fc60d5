"""The maintenance commands of a clinic's SQLite file: check, backup and restore.

``backup`` reads the file without the instance lock (the lock is for writers), so a
site's scheduled job backs up while coordinators have the app open. ``restore``
replaces the file, so it takes the lock and is refused while the app has it open.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.exit_codes import EXIT_OK, EXIT_PARTIAL
from planner.cli.parser import UserError
from planner.cli.shell import Shell

if TYPE_CHECKING:
    from planner.records.audit import AuditProblem
    from planner.storage.backup import CheckReport

RESTORE_HINT = "transplant-planner --db FILE restore BACKUP"


def _summary(report: CheckReport) -> str:
    integrity = "ok" if report.integrity == ("ok",) else "; ".join(report.integrity[:5])
    return f"Integrity: {integrity}. {_audit_line(report.audit_rows, report.audit_problems)}"


def _audit_line(rows: int, problems: tuple[AuditProblem, ...]) -> str:
    state = "verified" if not problems else f"{len(problems)} problem(s)"
    return f"Audit trail: {rows} rows, {state}."


def _print_problems(shell: Shell, problems: tuple[AuditProblem, ...]) -> None:
    """One line per problem: where (row or table and id), what, expected and found."""
    for found in problems[:50]:
        shell.out(f"  {found.sentence()}")
    if len(problems) > 50:
        shell.out(f"  ... and {len(problems) - 50} more.")


def cmd_check(args: argparse.Namespace, shell: Shell) -> int:
    """Integrity check and the full audit check (keyed chain, anchors, documents against
    their audit rows); exit 1 when a problem is found. SQLite file or PostgreSQL URL."""
    from planner.storage.backup import check

    target = shell.database_target(args)
    if "://" in target:
        return _check_server(target, shell)
    path = shell.sqlite_file(args, "check")
    report = check(path)
    shell.out(_summary(report))
    _print_problems(shell, report.audit_problems)
    # The check reads a file the app would refuse to open: it says so rather than refusing.
    private = os.name != "posix" or not os.stat(path).st_mode & 0o077
    if not private:
        shell.out(
            f"Permissions: other users of this computer can read it; make it private with: "
            f"chmod 600 '{path}'"
        )
    if not report.ok:
        shell.out(f"Problems found: restore the last verified backup ({RESTORE_HINT}).")
    return EXIT_OK if report.ok and private else EXIT_PARTIAL


def _check_server(url: str, shell: Shell) -> int:
    """The audit check of a PostgreSQL database (its pages are the server's to check):
    read only, with this workstation's key file and anchor."""
    from sqlalchemy.exc import DBAPIError

    from planner.storage.audit_trail import anchor_file_for, key_file_for, read_anchor, read_key
    from planner.storage.audit_trail import verify as verify_audit
    from planner.storage.engine import map_open_error, postgres_engine

    key = read_key(key_file_for(None))
    anchor = read_anchor(anchor_file_for(None, url), "this workstation's anchor")
    engine = postgres_engine(url)
    try:
        with engine.connect() as conn:
            report = verify_audit(conn, key, [anchor] if anchor is not None else [])
            conn.rollback()
    except DBAPIError as exc:
        raise map_open_error(exc) from None
    finally:
        engine.dispose()
    shell.out(
        f"Integrity: checked by the PostgreSQL server. {_audit_line(report.rows, report.problems)}"
    )
    _print_problems(shell, report.problems)
    if report.problems:
        shell.out("Problems found: restore the server's last verified dump (pg_restore).")
    return EXIT_OK if not report.problems else EXIT_PARTIAL


def cmd_backup(args: argparse.Namespace, shell: Shell) -> int:
    """Write a verified backup (SQLite online backup API, integrity- and chain-checked,
    rotated), also while the app has the database open."""
    from planner.storage.backup import DEFAULT_KEEP, backup, label_for

    path = shell.sqlite_file(args, "backup")
    keep = DEFAULT_KEEP if args.keep is None else args.keep
    if keep < 1:
        raise UserError(f"--keep {keep} keeps no backup; give 1 or more.")
    # Beside the database by default: where the app's own backups and the safety copy
    # taken before a migration go, so one folder holds a database's every backup.
    dest = Path(args.dest) if args.dest else path.parent / "backups"
    # The label names the database file (never a patient), so backups of several
    # databases in one folder stay apart and rotate separately.
    info = backup(path, dest, now=shell.clock(), keep=keep, label=label_for(path))
    shell.out(f"Backup written and verified: {info.path} (sha256 {info.sha256[:12]}...).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, shell: Shell) -> int:
    """Replace the database with a verified backup; the current file is kept aside."""
    from planner.storage.backup import restore

    target = shell.database_target(args)
    if "://" in target:
        raise UserError("restore works on SQLite files; use the server's own tools for PostgreSQL.")
    source = Path(args.backup)
    if not source.is_file():
        raise UserError(f"There is no backup file at {source}.")
    info = restore(
        source,
        Path(target),
        now=shell.clock(),
        user=shell.actor.user,
        workstation=shell.actor.workstation,
    )
    shell.out(f"Restored {target} from {source}.")
    if info.kept_aside is not None:
        shell.out(f"The replaced database was kept as {info.kept_aside}.")
    shell.out(_summary(info.report))
    return EXIT_OK if info.report.ok else EXIT_PARTIAL
