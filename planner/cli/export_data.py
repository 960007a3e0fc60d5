"""``export`` of data files: calendars, FHIR bundles and spreadsheets.

    transplant-planner export ics --patient MRN --out FILE.ics [--lang es] [--with-phi]
    transplant-planner export ics --clinic [--days 30] --out FILE.ics [--with-phi]
    transplant-planner export fhir --patient MRN --out FILE.json [--no-phi]
    transplant-planner export board|worklist|forms --out FILE.csv|FILE.xlsx
    transplant-planner export plan --patient MRN --out FILE.csv|FILE.xlsx

Every file is written all or nothing with its audit row; an existing file is kept unless
``--overwrite``. Returns (exit code, text) like ``planner.cli.export.run_export``.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from planner.app.calendars import (
    TEAM_DAYS_DEFAULT,
    check_team_days,
    export_patient_calendar,
    export_team_calendar,
)
from planner.app.context import Context
from planner.app.tables import CLINIC_TABLES, export_table, make_table
from planner.cli.choose import RefusedError, check_writable_folder, transplant_of
from planner.cli.exit_codes import EXIT_OK
from planner.domain.patients import ClinicSettings
from planner.export.texts import REFERENCE_LANGUAGE
from planner.records.ports import Repository


def _out(args: argparse.Namespace, suffixes: str) -> Path:
    if not args.out or args.out_dir:
        raise RefusedError(f"Give --out FILE ({suffixes}) for the {args.document}.")
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise RefusedError(f"--out {out} is a folder; give a file name ({suffixes}).")
    check_writable_folder(out.parent, "--out")
    return out


def _refuse_pdf_options(args: argparse.Namespace) -> None:
    if args.patients or args.all_visits_tomorrow:
        raise RefusedError(
            f"The {args.document} file is written for one patient (--patient MRN) or, for "
            "the board, worklist and forms, for the clinic."
        )
    if args.large_print:
        raise RefusedError("--large-print is for handouts.")


def _days(args: argparse.Namespace) -> int:
    if args.days is None:
        return TEAM_DAYS_DEFAULT
    try:
        days = int(args.days)
    except ValueError:
        raise RefusedError(f"--days '{args.days}' is not a whole number of days.") from None
    check_team_days(days)
    return days


def _ics(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    if args.no_phi:
        raise RefusedError(
            "A calendar file names no one unless --with-phi is given; --no-phi is not needed."
        )
    out = _out(args, ".ics")
    if args.clinic:
        if args.lang != REFERENCE_LANGUAGE:
            raise RefusedError("The team calendar is in English; --lang is for a patient's.")
        result = export_team_calendar(
            repo,
            ctx,
            out,
            days=_days(args),
            with_phi=args.with_phi,
            overwrite=args.overwrite,
        )
        return EXIT_OK, f"Wrote the team calendar, {result.events} events, to {result.path}."
    if not args.patient:
        raise RefusedError("Say whose calendar: --patient MRN, or --clinic for the team's.")
    if args.days is not None:
        raise RefusedError("--days is for the team calendar (--clinic).")
    result = export_patient_calendar(
        repo,
        ctx,
        transplant_of(repo, args.patient),
        out,
        language=args.lang,
        with_phi=args.with_phi,
        overwrite=args.overwrite,
        settings=settings,
    )
    return EXIT_OK, f"Wrote the calendar ({args.lang}), {result.events} events, to {result.path}."


def _fhir(repo: Repository, ctx: Context, args: argparse.Namespace) -> tuple[int, str]:
    from planner.app.fhir_export import export_fhir_bundle

    if not args.patient or args.clinic:
        raise RefusedError("A FHIR bundle is one patient's: give --patient MRN.")
    if args.with_phi or args.days is not None or args.lang != REFERENCE_LANGUAGE:
        raise RefusedError(
            "A FHIR bundle holds the Patient resource unless --no-phi is given; --with-phi, "
            "--days and --lang are for calendar files."
        )
    out = _out(args, ".json")
    result = export_fhir_bundle(
        repo,
        ctx,
        transplant_of(repo, args.patient),
        out,
        with_phi=not args.no_phi,
        overwrite=args.overwrite,
    )
    variant = " (no Patient resource)" if args.no_phi else ""
    plural = "s" if result.entries != 1 else ""
    return EXIT_OK, (
        f"Wrote the FHIR bundle{variant}, {result.entries} resource{plural}, to {result.path}."
    )


def _table(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    if args.with_phi or args.no_phi or args.days is not None or args.lang != REFERENCE_LANGUAGE:
        raise RefusedError(
            f"The {args.document} spreadsheet has one form: --with-phi, --no-phi, --days and "
            "--lang do not apply."
        )
    out = _out(args, ".csv or .xlsx")
    patient_id, tid = None, ""
    if args.document in CLINIC_TABLES:
        if args.patient or args.clinic:
            raise RefusedError(f"The {args.document} is the clinic's: give no --patient.")
    else:
        if not args.patient:
            raise RefusedError("Say whose plan: --patient MRN.")
        tid = transplant_of(repo, args.patient)
        patient_id = repo.get_transplant(tid).patient_id
    closures = sorted(settings.closures) if settings is not None else []
    make = partial(make_table, repo, args.document, ctx.today, closures=closures, transplant_id=tid)
    result = export_table(
        repo,
        ctx,
        make,
        out,
        overwrite=args.overwrite,
        patient_id=patient_id,
        what=args.document,
    )
    rows = f"{result.rows} row{'s' if result.rows != 1 else ''}"
    return EXIT_OK, f"Wrote the {args.document}, {rows}, to {result.path}."


def run_data_export(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    """``export ics|fhir|board|worklist|plan|forms``; mistakes raise ``RefusedError`` or a
    ``PlannerError`` (one sentence, exit code 2, nothing written)."""
    _refuse_pdf_options(args)
    if args.document == "ics":
        return _ics(repo, ctx, args, settings)
    if args.document == "fhir":
        return _fhir(repo, ctx, args)
    return _table(repo, ctx, args, settings)
