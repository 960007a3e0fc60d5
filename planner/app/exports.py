"""Use cases: export or print a handout, team summary or hand-off packet.

Three steps, so the app can preview exactly what it then saves or prints:

1. ``prepare_job`` reads the patient, transplant, plan and the optional records from
   the repository and checks the request; the job holds plain picklable values.
2. ``render`` is a pure function of the job returning the PDF bytes (it runs in a
   worker thread for the preview, or in a worker process for a batch).
3. ``save_rendered`` writes the bytes to a temporary file beside the target, records
   the document history and the audited export event in one commit, then gives the
   file its name. ``record_printed`` records a printout, before it is printed.

``export_document`` chains the three; ``batch_export`` renders many on two cores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import multiprocessing
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from planner.app.audited_output import (
    NO_FILE,
    NOTHING_PRINTED,
    THE_EXPORT,
    THE_PRINT,
    refusal,
    write_recorded_file,
)
from planner.app.changes import Change, save_record, stored_record
from planner.app.checklists import checklist_states
from planner.app.complications import complication_log
from planner.app.context import Context
from planner.domain.accounts import Permission
from planner.domain.i18n import english, tr, tr_n
from planner.domain.labs import LabSample
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Plan, StepStatus
from planner.domain.templates import StepKind
from planner.errors import NotFoundError, PlannerError, StorageError, ValidationError
from planner.export.atomic import export_target, write_atomically
from planner.export.inputs import HarvestRow, SummaryInputs
from planner.export.names import default_file_name
from planner.export.pdfkit import BuildInfo
from planner.export.texts import REFERENCE_LANGUAGE, available_languages, centre_text_errors
from planner.export.views import VIEW_KINDS
from planner.records.checklists import applicable_templates, checklist_view, load_checklists
from planner.records.documents import (
    DOCUMENT_KINDS,
    KIND_LABEL,
    DocumentEntry,
    schedule_fingerprint,
    with_entry,
)
from planner.records.harvest_log import HarvestLog
from planner.records.infusion_log import InfusionLog, product_line, reaction_line, total_lines
from planner.records.ports import (
    DOCUMENTS,
    ENGRAFTMENT,
    HARVEST,
    INFUSION,
    ClinicalRecord,
    Repository,
    Scope,
)

if TYPE_CHECKING:  # engraftment imports pandas; only its result type is needed here
    from planner.clinical.engraftment import EngraftmentResult

BATCH_WORKERS: Final = 2
_VISIT_KINDS: Final = frozenset({StepKind.VISIT, StepKind.PROCEDURE})


@dataclass(frozen=True)
class RenderJob:
    """Everything one document is made from: plain domain values, picklable.

    Attributes:
        kind: handout, summary or handoff.
        patient, transplant, plan, settings: the data printed.
        printed_on: the print date.
        language, large_print, no_phi: the variant (handouts only; team documents are
            English, normal print, with identifiers).
        inputs: optional sections of the team documents.
    """

    kind: str
    patient: Patient
    transplant: Transplant
    plan: Plan
    settings: ClinicSettings
    printed_on: dt.date
    language: str = REFERENCE_LANGUAGE
    large_print: bool = False
    no_phi: bool = False
    inputs: SummaryInputs = field(default_factory=SummaryInputs)

    def entry(self, output: str = "file") -> DocumentEntry:
        """The document-history entry of this job (no path, no patient data)."""
        return DocumentEntry(
            kind=self.kind,
            language=self.language,
            large_print=self.large_print,
            no_phi=self.no_phi,
            plan_version=self.plan.version,
            schedule=schedule_fingerprint(self.plan),
            printed_on=self.printed_on,
            output=output,
        )

    def description(self) -> str:
        """ "handout (es, large print, no identifiers)": for the audit trail and messages."""
        details = [self.language]
        if self.large_print:
            details.append("large print")
        if self.no_phi:
            details.append("no identifiers")
        return f"{KIND_LABEL[self.kind]} ({', '.join(details)})"


@dataclass(frozen=True)
class Rendered:
    """A rendered document.

    Attributes:
        pdf: the PDF bytes.
        missing_glyphs: characters the font lacks (the app must warn).
        untranslated_steps: handout steps without wording in the chosen language.
    """

    pdf: bytes
    missing_glyphs: tuple[str, ...] = ()
    untranslated_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        path: the file written; entry: the history entry recorded.
        missing_glyphs, untranslated_steps: as in ``Rendered``.
        change: the document history recorded (not undoable: a printed page stays
            printed).
    """

    path: Path
    entry: DocumentEntry
    missing_glyphs: tuple[str, ...] = ()
    untranslated_steps: tuple[str, ...] = ()
    change: Change | None = None


@dataclass(frozen=True)
class BatchItem:
    """One patient's outcome in a batch: a result, or the error in one sentence."""

    transplant_id: str
    mrn: str
    result: ExportResult | None = None
    error: str = ""


# --- preparing -------------------------------------------------------------------------------


def check_variant(
    kind: str,
    language: str,
    large_print: bool,
    no_phi: bool,
    settings: ClinicSettings | None = None,
) -> None:
    """Refuse a document kind or variant that does not exist (one sentence).

    ``settings`` names the centre's own handout texts (its added languages count).
    """
    if kind not in DOCUMENT_KINDS:
        raise ValidationError(
            "kind",
            tr("Unknown document '{kind}'; choose one of: {known}.").format(
                kind=kind, known=", ".join(DOCUMENT_KINDS)
            ),
        )
    if kind == "handout":
        languages = available_languages((settings or ClinicSettings()).handout_folder)
        if language not in languages:
            raise ValidationError(
                "language",
                tr("There are no handout texts in '{language}'; available: {known}.").format(
                    language=language, known=", ".join(languages)
                ),
            )
        return
    if language != REFERENCE_LANGUAGE or large_print or no_phi:
        raise ValidationError(
            "variant",
            tr(
                "The {document} is a team document: English, normal print, "
                "with identifiers; languages and variants are for handouts."
            ).format(document=KIND_LABEL[kind]),
        )


def _harvest_rows(
    body: Mapping[str, Any] | None, transplant: Transplant
) -> tuple[tuple[HarvestRow, ...], str]:
    """Collections of the stored harvest log with the running total, as the app shows them.

    Read with ``planner.records.harvest_log`` (the dose of each collection is ``Collection.dose``).
    Returns the rows and "" or, when the stored log cannot be read, no rows and the reason:
    a malformed collection is never left out silently.
    """
    try:
        log = HarvestLog.from_body(body, transplant)
        doses, totals = log.doses(), log.cumulative()
    except PlannerError as exc:
        return (), str(exc)
    return tuple(
        HarvestRow(c.date, d.value, t.value)
        for c, d, t in zip(log.collections, doses, totals, strict=True)
    ), ""


def engraftment_results(
    transplant: Transplant,
    samples: Sequence[LabSample],
    record: Mapping[str, Any] | None,
    today: dt.date,
) -> tuple[tuple[EngraftmentResult, ...], tuple[LabSample, ...], str]:
    """Engraftment as the app shows it: ``planner.records.recovery.assess`` on the stored record.

    Platelet transfusions and clinician overrides of the "engraftment" record are applied,
    and samples a correction superseded are left out. Without counts since Day 0 only the
    overridden results are given (none: "No engraftment results recorded").

    Returns:
        (results, the samples the chart shows, "" or why engraftment could not be computed).
    """
    from planner.records.recovery import RecoveryRecord, assess, effective_samples  # imports pandas

    try:
        rec = RecoveryRecord.from_body(record) if record else RecoveryRecord()
        own = tuple(effective_samples(samples, rec))
        status = assess(transplant, own, rec, today)
    except (PlannerError, ValueError, TypeError) as exc:
        return (), tuple(samples), str(exc)
    results: tuple[EngraftmentResult, ...] = (
        status.neutrophil,
        status.platelet20,
        status.platelet50,
    )
    day0 = transplant.day0
    if day0 is None or not any(
        s.date >= day0 and s.analyte in ("anc", "plt") and s.patient_id == transplant.patient_id
        for s in own
    ):
        results = tuple(r for r in results if r.overridden)
    return results, own, ""


def summary_inputs(repo: Repository, patient: Patient, plan: Plan, today: dt.date) -> SummaryInputs:
    """Optional team-document sections from what is on file; absent records give empty ones."""
    samples = repo.list_lab_samples(patient.id)
    transplant = repo.get_transplant(plan.transplant_id)
    harvest = repo.get_record(plan.transplant_id, HARVEST)
    recovery = repo.get_record(plan.transplant_id, ENGRAFTMENT)
    episodes = complication_log(repo, plan.transplant_id).episodes
    rows, harvest_error = _harvest_rows(harvest.body if harvest is not None else None, transplant)
    infusion, reactions, infusion_error = _infusion_lines(
        repo.get_record(plan.transplant_id, INFUSION)
    )
    # Engraftment is computed from these counts and the record in ``render`` (pandas, off
    # the GUI thread).
    return SummaryInputs(
        harvest=rows,
        harvest_error=harvest_error,
        engraftment_record=dict(recovery.body) if recovery is not None else None,
        labs=tuple(samples),
        episodes=tuple(e.episode for e in episodes),
        checklist=_checklist_lines(repo, plan, today),
        infusion=infusion,
        infusion_reactions=reactions,
        infusion_error=infusion_error,
        dose_check=_dose_check_lines(repo, patient, transplant, plan),
    )


def _dose_check_lines(
    repo: Repository, patient: Patient, transplant: Transplant, plan: Plan
) -> tuple[str, ...]:
    """The double check for the team summary: where it stands, then every signature
    (who, role, meaning, date and time) with whether it stands or why it is void."""
    from planner.app.dose_check import dose_check  # the dose lines: plan rules

    if not plan.dose_signatures and not repo.accounts_in_use():
        return ()
    check = dose_check(plan, patient, transplant)
    if not check.doses:
        return ()
    lines = [check.sentence(with_void=False)]  # each void signature says why below
    for state in check.signatures:
        status = (
            tr("stands") if not state.void else tr("void: {why}").format(why=state.void.rstrip("."))
        )
        lines.append(tr("Signed: {who} ({status})").format(who=state.describe(), status=status))
    return tuple(lines)


def _infusion_lines(
    record: ClinicalRecord | None,
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(product and total lines, reaction lines, why the record could not be read)."""
    try:
        log = InfusionLog.from_body(record.body if record is not None else None)
    except ValidationError as exc:
        return (), (), str(exc)
    products = (*(product_line(p) for p in log.products), *total_lines(log))
    return products, tuple(reaction_line(r, log) for r in log.reactions), ""


def _checklist_lines(repo: Repository, plan: Plan, today: dt.date) -> tuple[str, ...]:
    """ "Pre-transplant work-up: 5 of 12 done" per started checklist, then its warnings."""
    states, _ = checklist_states(repo, plan.transplant_id)
    if not states:
        return ()
    templates = load_checklists()
    transplant_type = repo.get_transplant(plan.transplant_id).transplant_type.value
    lines: list[str] = []
    for template_id, state in states.items():
        template = templates.get(template_id)
        if template is None:
            continue
        view = checklist_view(template, state, plan, today, transplant_type)
        lines.append(f"{template.title}: {view.done_count} of {len(view.items)} done")
        lines.extend(view.warnings)
    return tuple(lines)


def prepare_job(
    repo: Repository,
    transplant_id: str,
    kind: str,
    *,
    printed_on: dt.date,
    settings: ClinicSettings | None = None,
    language: str = REFERENCE_LANGUAGE,
    large_print: bool = False,
    no_phi: bool = False,
) -> RenderJob:
    """Read what a document needs and check the request.

    Raises:
        ValidationError: unknown kind or language, or a variant the kind lacks.
        NotFoundError: no such transplant, or it has no plan yet.
    """
    check_variant(kind, language, large_print, no_phi, settings)
    transplant = repo.get_transplant(transplant_id)
    plan = repo.get_plan(transplant_id)
    if plan is None:
        raise NotFoundError(tr("This transplant has no plan yet; there is nothing to print."))
    patient = repo.get_patient(transplant.patient_id)
    # The team documents print in English: their sentences (checklist warnings, a record
    # that cannot be read) are made in English whatever the interface's language.
    with english():
        inputs = (
            summary_inputs(repo, patient, plan, printed_on)
            if kind != "handout"
            else SummaryInputs()
        )
    return RenderJob(
        kind=kind,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=settings or ClinicSettings(),
        printed_on=printed_on,
        language=language,
        large_print=large_print,
        no_phi=no_phi,
        inputs=inputs,
    )


# --- rendering -------------------------------------------------------------------------------


def render(job: RenderJob) -> Rendered:
    """The PDF of a job: a pure function (safe in a worker thread or process).

    Team documents are English whatever the interface's language (``english``); a
    handout's words come from its own language files.
    """
    with english():
        return _render(job)


def _render(job: RenderJob) -> Rendered:
    from planner.export.handout import write_handout
    from planner.export.summary import write_handoff_packet, write_team_summary

    out = io.BytesIO()
    common: dict[str, Any] = {
        "patient": job.patient,
        "transplant": job.transplant,
        "plan": job.plan,
        "settings": job.settings,
        "printed_on": job.printed_on,
        "plan_version": job.plan.version,
    }
    if job.kind == "handout":
        info = write_handout(
            out, language=job.language, large_print=job.large_print, no_phi=job.no_phi, **common
        )
        return Rendered(out.getvalue(), info.missing_glyphs, info.untranslated_steps)
    inputs = job.inputs
    if not inputs.engraftment and not inputs.engraftment_error:
        results, labs, error = engraftment_results(
            job.transplant, inputs.labs, inputs.engraftment_record, job.printed_on
        )
        inputs = replace(inputs, engraftment=results, labs=labs, engraftment_error=error)
    writer = write_team_summary if job.kind == "summary" else write_handoff_packet
    missing = writer(out, inputs=inputs, **common)
    return Rendered(out.getvalue(), tuple(missing))


def document_warnings(
    kind: str,
    missing_glyphs: Sequence[str],
    untranslated_steps: Sequence[str],
    settings: ClinicSettings | None,
) -> list[str]:
    """What a coordinator must know before handing a document over, one sentence each:
    characters the font cannot print, handout steps without wording in the chosen
    language, a handout without the centre's 24-hour number. The desktop app and the
    command line show the same sentences."""
    notes: list[str] = []
    if missing_glyphs:
        # Code points too: the screen font may lack the characters as well.
        chars = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing_glyphs[:12])
        notes.append(
            tr(
                "The font cannot show {n} character(s) of this document: {chars}. They print "
                "as a box ({box}); write them in by hand or correct the record."
            ).format(n=len(missing_glyphs), chars=chars, box="\N{REPLACEMENT CHARACTER}")
        )
    if untranslated_steps:
        n = len(untranslated_steps)
        shown = ", ".join(untranslated_steps[:5]) + ("..." if n > 5 else "")
        notes.append(
            tr_n(
                "{n} step has no wording in this language and print with a general phrase "
                'and "ask your team": {steps}.',
                "{n} steps have no wording in this language and print with a general phrase "
                'and "ask your team": {steps}.',
                n,
            ).format(n=n, steps=shown)
        )
    folder = settings.handout_folder if settings else None
    if kind == "handout" and folder is not None:
        notes += [
            tr("The centre's handout texts were not used: {error}").format(error=err)
            for err in centre_text_errors(folder)
        ]
    if kind == "handout" and not (settings and settings.phone_24h.strip()):
        notes.append(
            tr(
                "No 24-hour phone number is set (phone_24h in centre.toml): the handout "
                "asks the patient to write it in by hand."
            )
        )
    return notes


# --- saving and recording --------------------------------------------------------------------


def _record(repo: Repository, ctx: Context, job: RenderJob, output: str) -> Change:
    """Add the job to the transplant's document history, with the audited event."""
    entry = job.entry(output)
    stored = stored_record(repo, job.transplant.id, DOCUMENTS)
    verb = "Export" if output == "file" else "Print"
    return save_record(
        repo,
        ctx,
        f"{verb} {job.kind}",
        stored,
        with_entry(stored, job.transplant.id, entry).body,
        patient_id=job.patient.id,
        event=f"{verb} {job.description()}, plan version {job.plan.version}",
        reversible=False,
        # Printing is reading: the history of printed documents is its record, not an edit.
        permission=Permission.READ,
    )


def save_rendered(
    repo: Repository,
    ctx: Context,
    job: RenderJob,
    rendered: Rendered,
    out_path: Path,
    *,
    overwrite: bool,
) -> ExportResult:
    """Write rendered bytes atomically, recording history and audit in one commit.

    The document is written and synced under a temporary name in the target's folder,
    the commit made, and only then is the file renamed into place; a commit that fails
    removes the temporary file. So a document never appears without its audit row. The
    other order (file, then row) would leave a patient's document on disk, unrecorded,
    whenever the database cannot be written; in this order the rare rename that fails
    after the commit leaves a row of an attempted export and no file.

    Raises:
        TargetExistsError: the file exists and ``overwrite`` is False (nothing recorded).
        UnrecordedOutputError: the database could not be written; no file was left.
        ExportPathError, ExportWriteError: see ``planner.export.atomic``.
    """
    target = export_target(out_path.parent, out_path.name)
    recorded: list[Change] = []

    def record() -> None:
        try:
            recorded.append(_record(repo, ctx, job, "file"))
        except StorageError as exc:
            raise refusal(NO_FILE, THE_EXPORT, exc) from exc

    write_atomically(
        target,
        lambda stream: stream.write(rendered.pdf),
        overwrite=overwrite,
        before_publish=record,
    )
    return ExportResult(
        target, job.entry("file"), rendered.missing_glyphs, rendered.untranslated_steps, recorded[0]
    )


def record_printed(repo: Repository, ctx: Context, job: RenderJob) -> Change:
    """Record that a job is sent to a printer (history and audit, one commit).

    Called before printing: paper cannot be taken back, so a print that fails after it
    leaves a row of an attempt rather than a printout without one.

    Raises:
        UnrecordedOutputError: the database could not be written; do not print.
    """
    try:
        return _record(repo, ctx, job, "printer")
    except StorageError as exc:
        raise refusal(NOTHING_PRINTED, THE_PRINT, exc) from exc


def export_document(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    kind: str,
    out_path: Path,
    *,
    language: str = REFERENCE_LANGUAGE,
    large_print: bool = False,
    no_phi: bool = False,
    overwrite: bool = False,
    printed_on: dt.date | None = None,
    settings: ClinicSettings | None = None,
) -> ExportResult:
    """Render one document and save it to ``out_path`` (see ``save_rendered``)."""
    job = prepare_job(
        repo,
        transplant_id,
        kind,
        printed_on=printed_on or ctx.today,
        settings=settings,
        language=language,
        large_print=large_print,
        no_phi=no_phi,
    )
    return save_rendered(repo, ctx, job, render(job), out_path, overwrite=overwrite)


# --- batches ---------------------------------------------------------------------------------


def batch_file_name(kind: str, printed_on: dt.date, transplant_id: str) -> str:
    """A stable, patient-data-free name per transplant: a re-run meets its own files."""
    token = hashlib.sha256(transplant_id.encode()).hexdigest()[:8]
    return default_file_name(kind, printed_on, token)


def transplants_with_visit_on(repo: Repository, day: dt.date) -> list[str]:
    """Transplants on the board (not completed, cancelled or deceased) with a planned
    visit or procedure on ``day``, by MRN.

    Reads the open transplants' plans only, and their transplants and patients in one
    batched read each: the archived history (tens of thousands of plans) has no visit to
    print, and reading it made the batch wait seconds before its first handout.
    """
    with_visit = [
        plan.transplant_id
        for plan in repo.list_plans(Scope.OPEN)
        if any(
            o.date == day and o.kind in _VISIT_KINDS and o.status is StepStatus.PLANNED
            for o in plan.sorted_occurrences()
        )
    ]
    # Open when read with the plans; checked again, as a commit may fall in between.
    transplants = [t for t in repo.get_transplants(with_visit) if t.is_active]
    mrns = {p.id: p.mrn for p in repo.get_patients({t.patient_id for t in transplants})}
    return [tid for _, tid in sorted((mrns[t.patient_id], t.id) for t in transplants)]


def _render_all(
    jobs: Sequence[RenderJob],
    max_workers: int,
) -> Iterable[tuple[RenderJob, Callable[[], Rendered]]]:
    """Each job with a callable giving its rendering (computed in worker processes)."""
    if len(jobs) <= 1 or max_workers <= 1:
        for job in jobs:
            yield job, partial(render, job)
        return
    # "spawn": a forked child of a Qt app (threads, GUI state) is not safe to run.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max_workers, mp_context=context) as pool:
        futures: list[Future[Rendered]] = [pool.submit(render, job) for job in jobs]
        for job, future in zip(jobs, futures, strict=True):
            yield job, future.result


def batch_export(
    repo: Repository,
    ctx: Context,
    transplant_ids: Sequence[str],
    kind: str,
    out_dir: Path,
    *,
    language: str = REFERENCE_LANGUAGE,
    large_print: bool = False,
    no_phi: bool = False,
    overwrite: bool = False,
    printed_on: dt.date | None = None,
    settings: ClinicSettings | None = None,
    max_workers: int = BATCH_WORKERS,
) -> list[BatchItem]:
    """Export one document per transplant into ``out_dir``, rendering on ``max_workers`` cores.

    Rendering runs in worker processes on plain values; the files are written and the
    history recorded here, one commit per file. A patient's failure does not stop the
    others: each item carries its result or its error.

    Raises:
        ValidationError: an unknown kind or language (before anything is written).
        ExportPathError: ``out_dir`` is not a folder.
    """
    check_variant(kind, language, large_print, no_phi, settings)
    day = printed_on or ctx.today
    items: dict[str, BatchItem] = {}
    jobs: list[RenderJob] = []
    targets: dict[str, Path] = {}
    for tid in transplant_ids:
        try:
            job = prepare_job(
                repo,
                tid,
                kind,
                printed_on=day,
                settings=settings,
                language=language,
                large_print=large_print,
                no_phi=no_phi,
            )
            targets[tid] = export_target(out_dir, batch_file_name(kind, day, tid))
        except PlannerError as exc:
            items[tid] = BatchItem(tid, _mrn_of(repo, tid), error=str(exc))
            continue
        jobs.append(job)
    for job, result in _render_all(jobs, max_workers):
        tid = job.transplant.id
        try:
            saved = save_rendered(repo, ctx, job, result(), targets[tid], overwrite=overwrite)
        except PlannerError as exc:
            items[tid] = BatchItem(tid, job.patient.mrn, error=str(exc))
        else:
            items[tid] = BatchItem(tid, job.patient.mrn, result=saved)
    return [items[tid] for tid in transplant_ids]


def _mrn_of(repo: Repository, transplant_id: str) -> str:
    try:
        return repo.get_patient(repo.get_transplant(transplant_id).patient_id).mrn
    except PlannerError:
        return "?"


# --- the patient's views as PDF --------------------------------------------------------------


@dataclass(frozen=True)
class ViewExportResult:
    """What ``export_view`` wrote.

    Attributes:
        path: the file; pages: its page count.
        missing_glyphs: characters the font lacks (printed as U+FFFD; the caller warns).
    """

    path: Path
    pages: int
    missing_glyphs: tuple[str, ...] = ()


def render_view(
    repo: Repository,
    transplant_id: str,
    view: str,
    *,
    today: dt.date,
    settings: ClinicSettings | None = None,
    no_phi: bool = False,
) -> tuple[bytes, BuildInfo]:
    """The PDF of a patient's view (timeline, calendar or checklists) as of ``today``,
    in English like the team documents.

    Raises:
        ValidationError: an unknown view.
        NotFoundError: no such transplant, or it has no plan yet.
    """
    with english():
        from planner.export.views_pdf import write_calendar, write_checklists, write_timeline

        if view not in VIEW_KINDS:
            raise ValidationError(
                "view",
                tr("Unknown view '{view}'; choose one of: {known}.").format(
                    view=view, known=", ".join(VIEW_KINDS)
                ),
            )
        transplant = repo.get_transplant(transplant_id)
        plan = repo.get_plan(transplant_id)
        if plan is None:
            raise NotFoundError(tr("This transplant has no plan yet; there is nothing to print."))
        common: dict[str, Any] = {
            "patient": repo.get_patient(transplant.patient_id),
            "plan": plan,
            "settings": settings or ClinicSettings(),
            "printed_on": today,
            "no_phi": no_phi,
        }
        out = io.BytesIO()
        if view == "checklists":
            kind = transplant.transplant_type.value
            states, _ = checklist_states(repo, transplant_id)
            views = [
                checklist_view(t, states.get(t.id), plan, today, kind)
                for t in applicable_templates(load_checklists(), kind)
            ]
            info = write_checklists(out, checklists=views, **common)
        else:
            writer = write_timeline if view == "timeline" else write_calendar
            info = writer(out, today=today, **common)
        return out.getvalue(), info


def export_view(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    view: str,
    out_path: Path,
    *,
    no_phi: bool = False,
    overwrite: bool = False,
    settings: ClinicSettings | None = None,
) -> ViewExportResult:
    """Render a patient's view and write it to ``out_path``, audited like every export.

    As in ``save_rendered``: the file is written under a temporary name, the "Export
    timeline" row committed, then the file renamed into place; a row that cannot be
    written leaves no file.

    Raises:
        TargetExistsError, UnrecordedOutputError, ExportPathError, ExportWriteError: see
            ``save_rendered``; ValidationError, NotFoundError: see ``render_view``.
    """
    pdf, info = render_view(
        repo, transplant_id, view, today=ctx.today, settings=settings, no_phi=no_phi
    )
    target = export_target(out_path.parent, out_path.name)
    patient_id = repo.get_transplant(transplant_id).patient_id
    version = repo.get_plan(transplant_id)
    event = (
        f"Export {view}{' (no identifiers)' if no_phi else ''}"
        f", plan version {version.version if version is not None else 0}"
    )

    write_recorded_file(repo, ctx, target, pdf, event, overwrite=overwrite, patient_id=patient_id)
    return ViewExportResult(target, info.pages, info.missing_glyphs)
