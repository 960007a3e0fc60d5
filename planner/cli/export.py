"""The ``export`` command: handouts, team summaries and hand-off packets from the shell.

    transplant-planner export handout --patient MRN --out FILE.pdf [--lang es]
                                      [--large-print] [--no-phi] [--overwrite]
    transplant-planner export handout --patients MRN,MRN --out-dir DIR
    transplant-planner export handout --all-visits-tomorrow --out-dir DIR

``add_export_parser`` registers the grammar; ``run_export`` runs it against a
repository and returns the exit code and the text to print: 0 when everything was
written, 1 when some patients of a batch failed, 2 for a mistake in the request
(one sentence, nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
from pathlib import Path
from typing import Any, Final

from planner.app.context import Context
from planner.app.exports import (
    BATCH_WORKERS,
    BatchItem,
    ExportResult,
    batch_export,
    check_variant,
    export_document,
    transplants_with_visit_on,
)
from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError
from planner.export.atomic import ExportWriteError
from planner.export.names import default_file_name
from planner.export.texts import REFERENCE_LANGUAGE
from planner.records.documents import DOCUMENT_KINDS
from planner.records.ports import Repository

EXIT_OK: Final = 0
EXIT_PARTIAL: Final = 1
EXIT_BAD_INPUT: Final = 2


class _RefusedError(Exception):
    """A mistake in the request: one sentence, exit code 2."""


def add_export_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``export`` on an ``add_subparsers()`` object; returns the new parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export", help="write a handout, team summary or hand-off packet as PDF"
    )
    parser.add_argument("document", choices=DOCUMENT_KINDS, help="which document")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--patient", metavar="MRN", help="one patient, by MRN")
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
        "--no-phi", action="store_true", help="handout without name, MRN or date of birth"
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="replace an existing file of the same name"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=BATCH_WORKERS,
        help=f"processes for a batch (default {BATCH_WORKERS})",
    )
    return parser


def _transplant_of(repo: Repository, mrn: str) -> str:
    """The transplant to print for an MRN: the one with a plan and the latest Day 0."""
    patient = repo.find_patient_by_mrn(mrn.strip())
    if patient is None:
        raise _RefusedError(f"No patient has MRN {mrn.strip()}.")
    planned = [t for t in repo.list_transplants(patient.id) if repo.get_plan(t.id) is not None]
    if not planned:
        raise _RefusedError(f"Patient {patient.mrn} has no transplant plan to print.")
    return max(planned, key=lambda t: (t.day0 or dt.date.min, t.id)).id


def _glyph_note(missing: tuple[str, ...]) -> str:
    if not missing:
        return ""
    shown = " ".join(missing[:10])
    return (
        f"\n  warning: the font lacks {len(missing)} character(s) ({shown}); they print as boxes."
    )


def _single(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    if not args.out or args.out_dir:
        raise _RefusedError("Give --out FILE.pdf for one patient (--out-dir is for batches).")
    tid = _transplant_of(repo, args.patient)
    out = Path(args.out).expanduser()
    if out.is_dir():  # a folder: the default, patient-data-free name inside it
        out = out / default_file_name(args.document, ctx.today, secrets.token_hex(3))
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
        + _glyph_note(result.missing_glyphs)
        + _handout_notes(args.document, result, settings)
    )


def _handout_notes(kind: str, result: ExportResult, settings: ClinicSettings | None) -> str:
    """What a coordinator must know before handing the document to a patient."""
    notes = []
    if kind == "handout" and not (settings and settings.phone_24h.strip()):
        notes.append(
            "No 24-hour phone number is set (phone_24h in centre.toml): the handout "
            "asks the patient to write it in by hand."
        )
    if result.untranslated_steps:
        notes.append(
            f"{len(result.untranslated_steps)} step(s) have no wording in this "
            "language and print a general sentence: "
            + ", ".join(result.untranslated_steps[:5])
            + ("..." if len(result.untranslated_steps) > 5 else "")
            + "."
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


def _batch_line(item: BatchItem) -> str:
    if item.result is not None:
        return f"{item.mrn}: wrote {item.result.path.name}{_glyph_note(item.result.missing_glyphs)}"
    return f"{item.mrn}: not written: {item.error}"


def _batch(
    repo: Repository, ctx: Context, args: argparse.Namespace, settings: ClinicSettings | None
) -> tuple[int, str]:
    if not args.out_dir or args.out:
        raise _RefusedError("Give --out-dir DIR for several patients (--out is for one patient).")
    out_dir = Path(args.out_dir).expanduser()
    if not out_dir.is_dir():
        raise _RefusedError(f"The folder {out_dir} does not exist.")
    check_variant(args.document, args.lang, args.large_print, args.no_phi)
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
        max_workers=max(1, int(args.workers)),
    )
    written = sum(1 for i in items if i.result is not None)
    lines = [_batch_line(i) for i in items]
    lines.append(f"{written} of {len(items)} {args.document}s written to {out_dir}.")
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
    """
    try:
        if args.patient:
            return _single(repo, ctx, args, settings)
        return _batch(repo, ctx, args, settings)
    except ExportWriteError as exc:  # the disk, not the request: not a usage error
        return EXIT_PARTIAL, str(exc)
    except (_RefusedError, PlannerError) as exc:
        return EXIT_BAD_INPUT, str(exc)
