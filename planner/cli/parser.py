"""The command-line grammar (the README lists every command) and its one-sentence errors."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any, Final, NoReturn

from planner.records.kinds import DOCUMENT_KINDS, REFERENCE_LANGUAGE, VIEW_KINDS

DB_ENV: Final = "TRANSPLANT_PLANNER_DB"
PROGRAM: Final = "transplant-planner"

# ``export`` of data files rather than PDFs (planner.cli.export_data); spelled here, as
# the parser loads no use case module.
DATA_KINDS: Final = ("ics", "fhir", "board", "worklist", "plan", "forms")
TEAM_DAYS: Final = 30

# Schedules add hundreds of days to Day 0: a date near year 1 or 9999 would overflow
# deep inside the date arithmetic, and no transplant is planned outside these years.
EARLIEST_DATE: Final = dt.date(1900, 1, 1)
LATEST_DATE: Final = dt.date(2200, 12, 31)


class UserError(Exception):
    """A mistake in the command line: reported in one sentence, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(message[0].upper() + message[1:].rstrip(".") + ".")


# Options of the whole program: accepted before the command and after it.
GLOBAL_OPTIONS: Final[tuple[tuple[str, dict[str, Any]], ...]] = (
    (
        "--db",
        {"help": f"SQLite file or PostgreSQL URL (default: the user data folder; also ${DB_ENV})"},
    ),
    ("--demo", {"action": "store_true", "help": "open the demo clinic (synthetic patients)"}),
    (
        "--user",
        {
            "dest": "sign_in_as",
            "metavar": "NAME",
            "help": "act as this account of a database with accounts (the password is asked, "
            "or read from $TRANSPLANT_PLANNER_PASSWORD)",
        },
    ),
)


def _add_global_options(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    """The ``GLOBAL_OPTIONS``, on the program and again on every command.

    Users type ``board --db x.db`` as often as ``--db x.db board``. On a command the
    options default to ``SUPPRESS``: argparse then leaves out what was not typed after
    the command, so a value typed before it is kept.
    """
    known = getattr(parser, "_option_string_actions", {})
    for flag, options in GLOBAL_OPTIONS:
        if flag not in known:  # a command's own option of that name wins
            extra: dict[str, Any] = {"default": argparse.SUPPRESS} if after_command else {}
            parser.add_argument(flag, **options, **extra)


def build_parser() -> argparse.ArgumentParser:
    """The command line: global options before or after the command, then the command's own."""
    parser = _Parser(prog=PROGRAM, description="Plan and follow stem-cell transplants.")
    parser.add_argument(
        "--version", action="store_true", help="print the program's version and exit"
    )
    _add_global_options(parser, after_command=False)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("protocols", help="list the protocol templates")
    sch = sub.add_parser(
        "schedule",
        help="print the dated schedule of one template or a combination, dosed for a patient",
    )
    sch.add_argument("protocol_ids", nargs="+", metavar="ID")
    sch.add_argument("--day0", required=True, help="Day 0 as YYYY-MM-DD")
    sch.add_argument("--weight", help="actual weight in kg")
    sch.add_argument("--height", help="height in cm")
    sch.add_argument("--sex", choices=("F", "M", "female", "male"), help="F or M")
    sch.add_argument("--age", help="age in years (Cockcroft-Gault needs 18 or more)")
    sch.add_argument("--creatinine", help="serum creatinine in mg/dL")
    for flag, what in (
        ("--cmv-recipient", "recipient CMV IgG"),
        ("--cmv-donor", "donor CMV IgG"),
        ("--hbsag", "recipient HBsAg"),
        ("--anti-hbc", "recipient anti-HBc"),
    ):
        sch.add_argument(flag, choices=("pos", "neg"), help=f"{what}: pos or neg")
    sch.add_argument("--graft-source", choices=("pbsc", "marrow", "cord"))
    sch.add_argument("--json", action="store_true")
    board = sub.add_parser("board", help="print the clinic board")
    board.add_argument("--json", action="store_true")
    forms = sub.add_parser(
        "forms",
        help="list the registry forms past due, in their window, or due in the next 31 days",
    )
    forms.add_argument(
        "--json", action="store_true", help="keys: mrn, form, due, window_end, status"
    )
    forms.add_argument(
        "--all", action="store_true", help="every registry form, done and later ones too"
    )
    demo = sub.add_parser("demo-db", help="write the demo clinic to a new SQLite file")
    demo.add_argument("path")
    sub.add_parser("check", help="check the database's integrity and audit trail")
    backup = sub.add_parser("backup", help="write a verified backup (also while the app is open)")
    backup.add_argument(
        "--dest", help="folder for the backup (default: the backups folder beside the database)"
    )
    backup.add_argument(
        "--keep", type=int, default=None, help="backups of this database to keep (default 20)"
    )
    restore = sub.add_parser(
        "restore", help="replace the database with a verified backup (the app must be closed)"
    )
    restore.add_argument("backup", help="the backup file (planner-....db)")
    labs = sub.add_parser(
        "import-labs",
        help="import counts, chemistry and drug levels from a CSV, XLSX or HL7 v2 lab file",
    )
    labs.add_argument("file")
    labs.add_argument(
        "--dry-run", action="store_true", help="report accepted and rejected rows; change nothing"
    )
    labs.add_argument(
        "--mapping", metavar="NAME", help="a column mapping saved by name in the import dialog"
    )
    labs.add_argument(
        "--decimal-comma", action="store_true", help="results are written 1,5 (not 1.5)"
    )
    _add_templates_parser(sub)
    add_export_parser(sub)
    _add_audit_parser(sub)
    _add_users_parser(sub)
    for command in sub.choices.values():
        _add_global_options(command, after_command=True)
    return parser


ROLES: Final = (
    "coordinator",
    "nurse",
    "physician",
    "pharmacist",
    "viewer",
    "administrator",
)  # planner.domain.accounts.Role, spelled here: the parser loads no domain module


def _add_users_parser(subparsers: Any) -> None:
    users = subparsers.add_parser("users", help="accounts: add, list, disable (administrators)")
    what = users.add_subparsers(dest="users_command", parser_class=_Parser, required=True)
    add = what.add_parser(
        "add",
        help="add an account (its password is asked, or read from "
        "$TRANSPLANT_PLANNER_NEW_PASSWORD); the first must be an administrator",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    listing = what.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true", help="keys: name, role, active")
    for verb, text in (("disable", "disable an account"), ("enable", "enable it again")):
        what.add_parser(verb, help=text).add_argument("name")
    role = what.add_parser("role", help="give an account another role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    what.add_parser("password", help="set an account's password").add_argument("name")
    rules = what.add_parser("rules", help="show or change how people sign in")
    rules.add_argument(
        "--sign-in", choices=("password", "os"), help="a password, or the computer's login"
    )
    rules.add_argument("--idle-lock", metavar="MINUTES", help="hide patient data after")
    for command in what.choices.values():
        _add_global_options(command, after_command=True)


def _add_templates_parser(subparsers: Any) -> None:
    templates = subparsers.add_parser(
        "templates", help="protocol templates to and from FHIR PlanDefinition"
    )
    what = templates.add_subparsers(dest="what", required=True, parser_class=_Parser)
    out = what.add_parser("export-fhir", help="write a template as a FHIR PlanDefinition")
    out.add_argument("id", help="the template's id (see `protocols`)")
    out.add_argument("--out", required=True, metavar="FILE.json")
    inp = what.add_parser(
        "import-fhir", help="save a FHIR PlanDefinition as a local template of the centre"
    )
    inp.add_argument("file", metavar="FILE.json")
    for command in what.choices.values():
        command.add_argument(
            "--overwrite", action="store_true", help="replace an existing file of the same name"
        )
        _add_global_options(command, after_command=True)


def _add_audit_parser(subparsers: Any) -> None:
    audit = subparsers.add_parser(
        "audit", help="read the audit trail: who changed what and when, newest first"
    )
    audit.add_argument("--patient", metavar="MRN", help="the rows of one patient")
    audit.add_argument("--user", metavar="NAME", help="the rows one user wrote")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="from this day (this computer's)")
    audit.add_argument("--until", metavar="YYYY-MM-DD", help="to this day, included")
    audit.add_argument("--action", metavar="TEXT", help="actions containing this text")
    audit.add_argument(
        "--limit", metavar="N", default="1000", help="the newest N rows at most (default 1000)"
    )
    shown = audit.add_mutually_exclusive_group()
    shown.add_argument(
        "--json",
        action="store_true",
        help="keys: seq, at, user, workstation, action, mrn, patient, what, before, after, reason",
    )
    shown.add_argument(
        "--out", metavar="FILE", help="write a .csv or .xlsx file (formulas neutralised)"
    )


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``export`` on an ``add_subparsers()`` object; returns the new parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write a handout, team summary or hand-off packet, or the patient's timeline, "
        "calendar or checklists, as PDF; a calendar file (ics); a FHIR bundle (fhir); the "
        "board, worklist, a plan or the registry forms as a spreadsheet",
    )
    parser.add_argument(
        "document",
        choices=(*DOCUMENT_KINDS, *VIEW_KINDS, *DATA_KINDS),
        help="which document, view or data file",
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--patient", metavar="MRN", help="one patient, by MRN")
    who.add_argument(
        "--clinic", action="store_true", help="ics: the team's calendar of every patient"
    )
    who.add_argument(
        "--patients",
        metavar="MRN,MRN",
        help="several patients, by MRN, separated by commas (needs --out-dir)",
    )
    who.add_argument(
        "--all-visits-tomorrow",
        action="store_true",
        help="everyone with a planned visit or procedure tomorrow (needs --out-dir)",
    )
    parser.add_argument("--out", metavar="FILE.pdf", help="the file to write (one patient)")
    parser.add_argument(
        "--out-dir", metavar="DIR", help="the folder for a batch (file names carry no patient data)"
    )
    parser.add_argument("--lang", default=REFERENCE_LANGUAGE, help="handout language (default en)")
    parser.add_argument("--large-print", action="store_true", help="large-print handout")
    parser.add_argument(
        "--no-phi",
        action="store_true",
        help="handout, timeline, calendar or checklists without name, MRN or date of birth",
    )
    parser.add_argument(
        "--with-phi",
        action="store_true",
        help="ics: name the patient (a calendar file names no one unless asked)",
    )
    parser.add_argument(
        "--days",
        metavar="N",
        help=f"ics --clinic: the days from today the team calendar covers (default {TEAM_DAYS})",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace an existing file of the same name"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes that render a batch (default: the program's, two)",
    )
    return parser


def parse_measure(text: str | None, what: str, low: float, high: float, unit: str) -> float | None:
    """A number option within its plausible range (None when not given)."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{what} '{text}' is not a number.") from None
    if value != value or not low <= value <= high:
        raise UserError(f"{what} {text} {unit} is outside {low:g} to {high:g} {unit}.")
    return value


def parse_date(text: str, what: str) -> dt.date:
    """Strict ISO date between 1900 and 2200; anything else is a user error naming the
    expected form."""
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        if (
            len(text) == 10
            and text[4] == "-"
            and text[7] == "-"
            and text.replace("-", "").isdigit()
        ):
            raise UserError(f"{what} '{text}' is not a real calendar date.") from None
        raise UserError(f"{what} '{text}' is not a date in the form YYYY-MM-DD.") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise UserError(f"{what} {text} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}.")
    return value
