"""One function per command of the command line; each returns the exit code.

A user mistake raises ``UserError`` or a ``PlannerError``: ``run_command``'s caller
prints it as one sentence and exits 2, never with a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK
from planner.cli.maintenance import cmd_backup, cmd_check, cmd_restore
from planner.cli.parser import UserError, parse_date, parse_measure
from planner.cli.shell import Shell

if TYPE_CHECKING:
    from planner.app.context import Context
    from planner.cli.board_index import BoardKeeper
    from planner.clinical.plan_rules.facts import PatientFacts
    from planner.records.ports import Repository

Command = Callable[[argparse.Namespace, Shell], int]


def cmd_protocols(_: argparse.Namespace, shell: Shell) -> int:
    """List bundled and local templates."""
    from planner.domain.templates import all_protocols

    protocols, errors = all_protocols(shell.local_templates())
    for proto in sorted(protocols.values(), key=lambda p: (p.category.value, p.id)):
        shell.out(
            f"{proto.id:<36} {proto.category.value:<17} {proto.review_status:<17} {proto.title}"
        )
    for err in errors:
        sys.stderr.write(f"warning: {err}\n")
    return EXIT_OK


_SERO = {"pos": "positive", "neg": "negative", None: None}


def _schedule_facts(args: argparse.Namespace) -> PatientFacts:
    from planner.clinical.plan_rules.facts import PatientFacts
    from planner.domain.patients import (
        MAX_CREATININE_MG_DL,
        MAX_HEIGHT_CM,
        MAX_WEIGHT_KG,
        MIN_CREATININE_MG_DL,
        MIN_HEIGHT_CM,
        MIN_WEIGHT_KG,
    )

    sex = {"F": "female", "M": "male"}.get(args.sex, args.sex)
    return PatientFacts(
        weight_kg=parse_measure(args.weight, "--weight", MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg"),
        height_cm=parse_measure(args.height, "--height", MIN_HEIGHT_CM, MAX_HEIGHT_CM, "cm"),
        sex=sex,
        age_years=parse_measure(args.age, "--age", 0, 120, "years"),
        creatinine_mg_dl=parse_measure(
            args.creatinine, "--creatinine", MIN_CREATININE_MG_DL, MAX_CREATININE_MG_DL, "mg/dL"
        ),
        recipient_cmv=_SERO[args.cmv_recipient],
        donor_cmv=_SERO[args.cmv_donor],
        hbsag=_SERO[args.hbsag],
        anti_hbc=_SERO[args.anti_hbc],
        graft_source=args.graft_source,
    )


def cmd_schedule(args: argparse.Namespace, shell: Shell) -> int:
    """Print the dated, dosed schedule of one template or a combination for a patient.

    Clashing templates exit 2 with the rule; findings go to stderr as warnings.
    """
    from planner.app.schedule import dosed_schedule
    from planner.domain.templates import all_protocols, get_protocol

    day0 = parse_date(args.day0, "--day0")
    facts = _schedule_facts(args)
    protocols, _ = all_protocols(shell.local_templates())
    if len(set(args.protocol_ids)) != len(args.protocol_ids):
        raise UserError("The same template is named twice.")
    chosen = [get_protocol(protocols, pid) for pid in args.protocol_ids]
    schedule = dosed_schedule(chosen, day0, facts)
    for finding in schedule.findings:
        if finding.action:
            sys.stderr.write(f"warning: [{finding.rule.id}] {finding.text}\n")
    for text in schedule.left_out:
        sys.stderr.write(f"left out: {text}\n")
    if args.json:
        shell.out(json.dumps([r.as_json() for r in schedule.rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for dosed in schedule.rows:
        r = dosed.row
        label = r.label if r.label.startswith("M-Day") else f"Day {r.day:+d}" if r.day else "Day 0"
        dose = f"  {dosed.dose}" if dosed.dose else ""
        rules = f"  [{', '.join(dosed.rules)}]" if dosed.rules else ""
        shell.out(f"{label:<9} {r.date.isoformat()}  {r.phase:<17} {r.title}{dose}{rules}")
    return EXIT_OK


def cmd_board(args: argparse.Namespace, shell: Shell) -> int:
    """Print the clinic board for today; each row's alerts most severe first.

    In the text form a high alert starts with "!" (as on the desktop board); ``--json``
    gives each alert's text, severity and rule. The JSON is patient data leaving for a
    file or another program: it is audited like an export ("Export board as JSON
    (12 patients)") and refused in one sentence when the row cannot be written. The text
    form is the terminal's view of the board, which no screen records.
    """
    from planner.app.audited_output import patients_phrase, record_output
    from planner.app.clinic import clinic_board

    settings = shell.centre_settings()
    repo = shell.open_repository(args, existing=True)
    try:
        rows = clinic_board(repo, shell.clock().date(), sorted(settings.closures))
        if args.json and rows:  # an empty board holds no patient data
            record_output(
                repo,
                shell.context(),
                f"Export board as JSON ({patients_phrase(r.patient_id for r in rows)})",
                outcome="The board was not exported",
                what="the export",
            )
    finally:
        repo.close()
    if args.json:
        shell.out(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in rows:
        due = "; ".join(r.due_today) or "-"
        alerts = "; ".join(a.marked for a in r.alert_items) or "-"
        shell.out(f"{r.mrn:<12} {r.name:<28} {r.day_label:<9} {r.phase:<20} due: {due} | {alerts}")
    return EXIT_OK


def cmd_forms(args: argparse.Namespace, shell: Shell) -> int:
    """List the registry forms of the clinic: past due, in their window, or due in the next
    31 days (``--all``: every form). ``--json`` is patient data leaving for another program:
    audited like ``board --json``."""
    from planner.app.audited_output import patients_phrase, record_output
    from planner.app.forms import forms_due

    repo = shell.open_repository(args, existing=True)
    try:
        found = forms_due(repo, shell.clock().date(), everything=args.all)
        if args.json and found:
            record_output(
                repo,
                shell.context(),
                f"Export registry forms as JSON ({patients_phrase(f.patient_id for f in found)})",
                outcome="The forms were not exported",
                what="the export",
            )
    finally:
        repo.close()
    if args.json:
        shell.out(json.dumps([f.as_json() for f in found], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found:
        shell.out("No registry form is past due or due in the next 31 days.")
    for f in found:
        shell.out(
            f"{f.mrn:<12} {f.due.isoformat()}  window to {f.window_end.isoformat()}  "
            f"{f.status:<10} {f.form}"
        )
    return EXIT_OK


def cmd_demo_db(args: argparse.Namespace, shell: Shell) -> int:
    """Write the demo clinic to a new SQLite file."""
    from planner.app.demo import load_demo_clinic
    from planner.storage import open_repository

    path = Path(shell.require_folder(args.path, "the demo database"))
    if path.exists():
        raise UserError(f"{path} already exists; choose a new file name.")
    repo = open_repository(
        str(path), user=shell.actor.user, workstation=shell.actor.workstation, now=shell.clock()
    )
    try:
        count = load_demo_clinic(repo, shell.context())
    finally:
        repo.close()
    shell.out(f"Wrote a demo clinic of {count} patients to {path}.")
    return EXIT_OK


def cmd_import_labs(args: argparse.Namespace, shell: Shell) -> int:
    """Import counts; report accepted and rejected rows (exit 1 when some were rejected).
    The desktop's stored board is kept current for what the import touched."""
    from planner.cli.labs import run_import_labs

    # Results are matched to patients already in the database: a database created here
    # (a mistyped --db) could accept no row, so a missing one is refused, dry run or not.
    repo = shell.open_repository(args, existing=True)
    try:
        ctx = shell.context()
        keeper = None
        if not args.dry_run:
            # The settings only for their closure days, and quietly: a nightly job's
            # output is mailed, and a bad settings file is the desktop's to report.
            closures = shell.centre_settings_and_problem()[0].closures
            keeper = _board_keeper(repo, ctx, closures)
        code, text = run_import_labs(
            repo,
            ctx,
            Path(args.file),
            args.dry_run,
            mapping_name=args.mapping,
            decimal_comma=args.decimal_comma,
        )
        if keeper is not None and code != EXIT_BAD_INPUT:
            text = "\n".join(t for t in (text, *keeper.renew()) if t)
    finally:
        repo.close()
    if code == EXIT_BAD_INPUT:
        sys.stderr.write(f"transplant-planner: {text}\n")
    else:
        shell.out(text)
    return code


def cmd_export(args: argparse.Namespace, shell: Shell) -> int:
    """Write handouts, team summaries or hand-off packets as PDF (one or a batch). Each
    document is recorded with its transplant: the desktop's stored board is kept current
    for those."""
    from planner.cli.export import run_export

    settings = shell.centre_settings()
    repo = shell.open_repository(args, existing=True)
    try:
        ctx = shell.context()
        keeper = _board_keeper(repo, ctx, settings.closures)
        code, text = run_export(repo, ctx, args, settings=settings)
        text = "\n".join(t for t in (text, *keeper.renew()) if t)
    finally:
        repo.close()
    if code == EXIT_OK:
        shell.out(text)
    else:
        sys.stderr.write(f"transplant-planner: {text}\n")
    return code


def _board_keeper(repo: Repository, ctx: Context, closures: Iterable[dt.date]) -> BoardKeeper:
    """What the desktop's next start would paint, read before a command's commits
    (``planner.cli.board_index``)."""
    from planner.cli.board_index import BoardKeeper

    return BoardKeeper(repo, ctx.today, sorted(closures))


def cmd_audit(args: argparse.Namespace, shell: Shell) -> int:
    """Print the audit trail's rows that pass the filters, newest first (``--json``:
    audited like ``board --json``; ``--out``: a CSV or XLSX file, audited before it
    appears)."""
    from planner.cli.audit import run_audit

    repo = shell.open_repository(args, existing=True)
    try:
        text = run_audit(repo, shell.context(), args)
    finally:
        repo.close()
    shell.out(text)
    return EXIT_OK


def cmd_users(args: argparse.Namespace, shell: Shell) -> int:
    """Add, list, disable and change accounts; show or change the sign-in rules."""
    from planner.cli.users import run_users

    shell.out(run_users(args, shell))
    return EXIT_OK


def cmd_templates(args: argparse.Namespace, shell: Shell) -> int:
    """Export a template as a FHIR PlanDefinition, or import one as a local template."""
    from planner.cli.choose import RefusedError
    from planner.cli.templates import run_templates

    try:
        shell.out(run_templates(args, shell.local_templates()))
    except RefusedError as exc:
        raise UserError(str(exc)) from None
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "protocols": cmd_protocols,
    "schedule": cmd_schedule,
    "board": cmd_board,
    "forms": cmd_forms,
    "demo-db": cmd_demo_db,
    "check": cmd_check,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "export": cmd_export,
    "import-labs": cmd_import_labs,
    "audit": cmd_audit,
    "users": cmd_users,
    "templates": cmd_templates,
}


def run_command(args: argparse.Namespace, shell: Shell) -> int:
    """Run the command ``args`` names.

    Raises:
        UserError, PlannerError: a mistake in the request (one sentence, exit 2).
    """
    return COMMANDS[args.command](args, shell)
