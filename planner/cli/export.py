"""The ``export`` command: handouts, team summaries and hand-off packets from the shell.

    transplant-planner export handout --patient MRN --out FILE.pdf [--lang es]
                                      [--large-print] [--no-phi] [--overwrite]
    transplant-planner export handout --patients MRN,MRN --out-dir DIR
    transplant-planner export handout --all-visits-tomorrow --out-dir DIR
    transplant-planner export timeline|calendar|checklists --patient MRN --out FILE.pdf
                                      [--no-phi] [--overwrite]

``run_export`` runs it (the grammar is ``planner.cli.parser``) against a repository and returns the exit code and the text to print: 0 when everything was
written, 1 when some patients of a batch failed, 2 for a mistake in the request
(one sentence, nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
from pathlib import Path

from planner.app.context import Context
from planner.app.exports import (
    BATCH_WORKERS,
    BatchItem,
    ExportResult,
    batch_export,
    check_variant,
    document_warnings,
    export_document,
    export_view,
    transplants_with_visit_on,
)
from planner.cli.choose import RefusedError as _RefusedError
from planner.cli.choose import check_writable_folder as _check_writable_folder
from planner.cli.choose import transplant_of as _transplant_of
from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL
from planner.cli.export_data import run_data_export
from planner.cli.parser import DATA_KINDS
from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError
from planner.export.atomic import ExportWriteError, TargetExistsError
from planner.export.names import default_file_name
from planner.export.texts import REFERENCE_LANGUAGE
from planner.export.views import VIEW_KINDS, view_file_name
from planner.records.ports import Repository


def _single(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    if not args.out or args.out_dir:
        raise _RefusedError("Give --out FILE.pdf for one patient (--out-dir is for batches).")
    if args.document in VIEW_KINDS:
        return _view(repo, ctx, args, settings)
    tid = _transplant_of(repo, args.patient)
    out = Path(args.out).expanduser()
    if out.is_dir():  # a folder: the default, patient-data-free name inside it
        out = out / default_file_name(args.document, ctx.today, secrets.token_hex(3))
    _check_writable_folder(out.parent, "--out")
    result: ExportResult = export_document(
        repo,
        ctx,
        tid,
        args.document,
        out,
        language=args.lang,
        large_print=args.large_print,
        no_phi=args.no_phi,
        overwrite=args.overwrite,
        settings=settings,
    )
    return EXIT_OK, (
        f"Wrote {result.entry.kind} ({_variant(args)}) to {result.path}."
        + _warnings(args.document, result, settings)
    )


def _view(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    """``export timeline|calendar|checklists --patient MRN --out FILE.pdf [--no-phi]``."""
    if args.lang != REFERENCE_LANGUAGE or args.large_print:
        raise _RefusedError(
            f"The {args.document} is printed in English, normal print; --lang and "
            "--large-print are for handouts."
        )
    tid = _transplant_of(repo, args.patient)
    out = Path(args.out).expanduser()
    if out.is_dir():  # a folder: the default, patient-data-free name inside it
        out = out / view_file_name(args.document, ctx.today, secrets.token_hex(3))
    _check_writable_folder(out.parent, "--out")
    result = export_view(
        repo,
        ctx,
        tid,
        args.document,
        out,
        no_phi=args.no_phi,
        overwrite=args.overwrite,
        settings=settings,
    )
    variant = " (no identifiers)" if args.no_phi else ""
    pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
    notes = document_warnings("", result.missing_glyphs, (), settings)
    return EXIT_OK, f"Wrote the {args.document}{variant}, {pages}, to {result.path}." + "".join(
        f"\nWarning: {n}" for n in notes
    )


def _exists_sentence(path: Path) -> str:
    return f"{path.name} already exists; {_CLI_EXISTS_ENDING}"


def _warnings(
    kind: str, result: ExportResult, settings: ClinicSettings | None, *, handout_phone: bool = True
) -> str:
    """The document's warnings (``document_warnings``), one "Warning:" line each; a batch
    names the missing 24-hour number once, not per patient."""
    notes = document_warnings(
        kind if handout_phone else "", result.missing_glyphs, result.untranslated_steps, settings
    )
    return "".join(f"\nWarning: {n}" for n in notes)


def _variant(args: argparse.Namespace) -> str:
    parts = [args.lang]
    if args.large_print:
        parts.append("large print")
    if args.no_phi:
        parts.append("no identifiers")
    return ", ".join(parts)


def _batch_ids(repo: Repository, ctx: Context, args: argparse.Namespace) -> list[str]:
    if args.all_visits_tomorrow:
        return transplants_with_visit_on(repo, ctx.today + dt.timedelta(days=1))
    mrns = [m.strip() for m in str(args.patients).split(",") if m.strip()]
    if not mrns:
        raise _RefusedError("Give at least one MRN after --patients.")
    ids = [_transplant_of(repo, m) for m in dict.fromkeys(mrns)]
    return list(dict.fromkeys(ids))


_APP_EXISTS_ENDING = "choose another name or allow overwriting it."
_CLI_EXISTS_ENDING = "add --overwrite to replace it, or choose another name."


def _batch_line(item: BatchItem) -> str:
    if item.result is not None:
        return f"{item.mrn}: wrote {item.result.path.name}" + _warnings(
            item.result.entry.kind, item.result, None, handout_phone=False
        )
    error = item.error
    # The batch reports the app's own sentence, which says "allow overwriting": the
    # command line's way to allow it is --overwrite.
    if error.endswith(_APP_EXISTS_ENDING):
        error = error.removesuffix(_APP_EXISTS_ENDING) + _CLI_EXISTS_ENDING
    return f"{item.mrn}: not written: {error}"


def _batch(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    if args.document in VIEW_KINDS:
        raise _RefusedError(
            f"The {args.document} is written for one patient at a time: give --patient MRN "
            "--out FILE.pdf."
        )
    if not args.out_dir or args.out:
        raise _RefusedError("Give --out-dir DIR for several patients (--out is for one patient).")
    out_dir = Path(args.out_dir).expanduser()
    _check_writable_folder(out_dir, "--out-dir")
    check_variant(args.document, args.lang, args.large_print, args.no_phi, settings)
    ids = _batch_ids(repo, ctx, args)
    if not ids:
        return EXIT_OK, "Nobody has a planned visit or procedure tomorrow; nothing written."
    items = batch_export(
        repo,
        ctx,
        ids,
        args.document,
        out_dir,
        language=args.lang,
        large_print=args.large_print,
        no_phi=args.no_phi,
        overwrite=args.overwrite,
        settings=settings,
        max_workers=BATCH_WORKERS if args.workers is None else max(1, int(args.workers)),
    )
    written = sum(1 for i in items if i.result is not None)
    lines = [_batch_line(i) for i in items]
    plural = "summaries" if args.document == "summary" else f"{args.document}s"
    lines.append(f"{written} of {len(items)} {plural} written to {out_dir}.")
    return (EXIT_OK if written == len(items) else EXIT_PARTIAL), "\n".join(lines)


def run_export(
    repo: Repository,
    ctx: Context,
    args: argparse.Namespace,
    *,
    settings: ClinicSettings | None = None,
) -> tuple[int, str]:
    """Run ``export`` as parsed by ``add_export_parser``; returns (exit code, text).

    A failed write (disk full) gives exit code 1. A mistake (unknown MRN or language, an existing file without ``--overwrite``, a
    missing ``--out``) gives exit code 2 and one sentence; nothing is written then.
    A document whose audit row cannot be written (the database is locked, read-only or
    on a full disk) is refused the same way, exit code 2, and no file is left: patient
    data never leaves without its row (``planner.app.exports.save_rendered``). In a
    batch that patient's line says so and the others go on.
    """
    try:
        if args.document in DATA_KINDS:
            return run_data_export(repo, ctx, args, settings)
        if args.clinic:
            raise _RefusedError(f"--clinic is for calendar files (ics), not the {args.document}.")
        if args.with_phi or args.days is not None:
            raise _RefusedError(
                "--with-phi and --days are for calendar files (ics); a PDF names the "
                "patient unless --no-phi is given."
            )
        if args.patient:
            return _single(repo, ctx, args, settings)
        if not (args.patients or args.all_visits_tomorrow):
            raise _RefusedError(
                "Say whose: --patient MRN, --patients MRN,MRN or --all-visits-tomorrow."
            )
        return _batch(repo, ctx, args, settings)
    except TargetExistsError as exc:
        return EXIT_BAD_INPUT, _exists_sentence(exc.path)
    except ExportWriteError as exc:  # one sentence, nothing written: exit 2 like any refusal
        return EXIT_BAD_INPUT, str(exc)
    except (_RefusedError, PlannerError) as exc:
        return EXIT_BAD_INPUT, str(exc)
