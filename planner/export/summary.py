"""Team documents: the transplant team summary and the community hand-off packet.

Pure functions of domain objects writing to a binary stream (no database, Qt or clock inside).
Optional sections take plain inputs that may be empty, gathered in ``SummaryInputs``.
Doses always come from ``plan_dose_line`` (the plan rules applied, ISMP formatting,
basis, inputs and rules shown) and drug names in tall-man lettering; a "Plan checks"
section lists every plan-rule finding with its rule and source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from planner.clinical.dosing import tall_man
from planner.clinical.plan_rules.checks import plan_checks
from planner.clinical.plan_rules.facts import PatientFacts, facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.days import day_label, mobilisation_day, mobilisation_label
from planner.domain.numbers import format_number
from planner.domain.patients import (
    ClinicSettings,
    Donor,
    DonorRelation,
    GraftManipulation,
    Patient,
    Transplant,
    status_label,
)
from planner.domain.plans import Plan, StepStatus, occurrence_notes
from planner.domain.templates import StepKind
from planner.export.inputs import HarvestRow, SummaryInputs
from planner.export.pdfkit import FONT, DocMeta, PdfDocument
from planner.records.complications import episode_summary
from planner.records.count_chart import CountChart, CountSeries, count_chart_data

if TYPE_CHECKING:  # engraftment imports pandas; only its result type is needed here
    pass

BASE_PT = 9.0
# Nothing on a team document is smaller than this: table cells, chart labels and the
# page furniture alike.
MIN_PT = 9.0
# CD34+ yields are shown to two decimals (collection targets are whole or tenths of
# x10^6/kg); the ISMP rules then drop trailing zeros: 4.6875 prints as 4.69, 4.5 as 4.5.
CD34_DECIMALS = 2
HANDOFF_UNTIL_DAY = 100
_MONITOR_KINDS = frozenset({StepKind.LAB, StepKind.VISIT, StepKind.PROCEDURE})
_SERIES_COLOURS = (
    colors.HexColor("#1d3557"),
    colors.HexColor("#e63946"),
    colors.HexColor("#2a9d8f"),
    colors.HexColor("#f4a261"),
)


def _meta(
    title: str,
    subject: str,
    patient: Patient,
    settings: ClinicSettings,
    printed_on: dt.date,
    plan_version: int,
) -> DocMeta:
    # Identifiers go in the page banner only: never in the PDF metadata.
    banner = f"{patient.display_name} · MRN {patient.mrn} · DOB {patient.date_of_birth.isoformat()}"
    return DocMeta(
        title=title,
        author=settings.centre_name,
        subject=subject,
        keywords="stem cell transplant, care plan",
        lang="en",
        footer=f"Plan version {plan_version} · Printed {printed_on.isoformat()}",
        banner=banner,
    )


def _fmt_measure(value: float | None, unit: str) -> str:
    return f"{format_number(value)} {unit}" if value is not None else "not recorded"


def _blood_group(abo: str, cmv_igg: str) -> str:
    """ABO and CMV IgG in words, saying plainly what is not recorded (never "?")."""
    cmv_known = cmv_igg not in ("", "unknown")
    if not abo and not cmv_known:
        return "not recorded"
    group = f"ABO {abo}" if abo else "ABO not recorded"
    cmv = f"CMV IgG {cmv_igg}" if cmv_known else "CMV IgG not recorded"
    return f"{group}; {cmv}"


def _transplant_text(t: Transplant) -> str:
    """ "allogeneic, pbsc, CD34+ selected, RIC; transplant 2 (tandem)"."""
    parts = [t.transplant_type.value, t.graft_source.value]
    if t.manipulation is not GraftManipulation.NONE:
        parts.append(t.manipulation.value)
    if t.intensity:
        parts.append(t.intensity)
    number = f"transplant {t.number}" + (" (tandem)" if t.tandem else "")
    return f"{', '.join(parts)}; {number}"


def _status_text_of(t: Transplant) -> str:
    """ "on hold since 2026-03-01: infection" (the status alone when never changed)."""
    text = status_label(t.status)
    last = t.last_status_change
    if last is not None:
        text += f" since {last.on.isoformat()}" + (f": {last.reason}" if last.reason else "")
    return text


def _donor_text(donor: Donor) -> str:
    """ "MUD 10/10, unrelated, female, 31 years, registry ID 9999-0001-2; work-up cleared"."""
    parts = [f"{donor.donor_type.value} {donor.hla_match}".strip()]
    if donor.relation is not DonorRelation.NOT_RECORDED:
        parts.append(donor.relation.value)
    if donor.sex:
        parts.append(donor.sex)
    if donor.age_years is not None:
        parts.append(f"{donor.age_years} years")
    if donor.registry_id:
        parts.append(f"registry ID {donor.registry_id}")
    text = ", ".join(parts)
    return f"{text}; work-up {donor.workup_status}" if donor.workup_status else text


def _details(
    doc: PdfDocument, patient: Patient, transplant: Transplant, plan: Plan, printed_on: dt.date
) -> None:
    weight = _fmt_measure(patient.weight_kg, "kg")
    if patient.weight_date is not None:
        weight += f" (weighed {patient.weight_date.isoformat()})"
    donor = transplant.donor
    rows: list[list[object]] = [
        ["Patient", patient.display_name, "MRN", patient.mrn],
        [
            "Date of birth",
            f"{patient.date_of_birth.isoformat()} (age {patient.age_on(printed_on)})",
            "Sex",
            patient.sex.value,
        ],
        ["Height", _fmt_measure(patient.height_cm, "cm"), "Weight", weight],
        ["Diagnosis", patient.diagnosis, "Disease status", patient.disease_status],
        [
            "ABO and CMV",
            _blood_group(patient.abo, patient.cmv_igg),
            "Coordinator",
            patient.coordinator,
        ],
        [
            "CIBMTR CRID",
            patient.cibmtr_crid or "not assigned",
            "EBMT ID",
            patient.ebmt_id or "not assigned",
        ],
        ["Transplant", _transplant_text(transplant), "Status", _status_text_of(transplant)],
        ["Day 0", plan.day0.isoformat(), "Today", _today_label(plan, printed_on)],
    ]
    if donor is not None:
        rows.append(
            [
                "Donor",
                _donor_text(donor),
                "Donor ABO and CMV",
                _blood_group(donor.abo, donor.cmv_igg),
            ]
        )
    templates = "; ".join(f"{t.title} (v{t.version}, {t.checksum[:8]})" for t in plan.templates)
    rows.append(["Templates", templates, "", ""])
    w = doc.frame_width()
    doc.heading("Patient and transplant")
    doc.table(
        rows,
        [w * 0.15, w * 0.38, w * 0.17, w * 0.30],
        header=False,
        extra=[("SPAN", (1, len(rows) - 1), (3, len(rows) - 1))],
    )


def _status_text(status: StepStatus, planned: dt.date, actual: dt.date) -> str:
    if status is StepStatus.DONE and actual != planned:
        return f"done {actual.isoformat()} (planned {planned.isoformat()})"
    return status.value


def _plan_checks(doc: PdfDocument, plan: Plan, facts: PatientFacts, printed_on: dt.date) -> None:
    doc.heading("Plan checks")
    found = plan_checks(plan, facts, printed_on)
    if not found:
        doc.paragraph("The plan rules found nothing to act on and adjusted no dose.")
        return
    rows: list[list[object]] = [["Severity", "Finding, rule and source"]]
    rows += [[f.label, f.sentence] for f in found]
    w = doc.frame_width()
    doc.table(rows, [w * 0.14, w * 0.86], style="small")


def _plan_table(doc: PdfDocument, facts: PatientFacts, plan: Plan) -> None:
    rows: list[list[object]] = [["Day", "Date", "Step", "Dose and basis", "Status"]]
    for occ in plan.sorted_occurrences():
        step = plan.step(occ.step_id)
        line = plan_dose_line(step, plan, facts, occ.date)
        title = occ.title if not step.drug else f"{occ.title}\n{tall_man(step.drug)}"
        notes = occurrence_notes(plan, occ)
        if notes and not (step.status is StepStatus.CANCELLED and step.status_reason):
            title = f"{title}\n" + "\n".join(notes)  # reasons and notes, for the team
        dose = "" if line is None else f"{line.text}\n{line.explanation}"
        if step.dose is not None and step.dose.frequency:
            dose = f"{dose}\n{step.dose.frequency}"
        if step.status is StepStatus.CANCELLED and step.status_reason:
            # A step for other patients: why it is not given, not a dose.
            dose = f"Cancelled: {step.status_reason}"
        rows.append(
            [
                occ.label,
                occ.date.isoformat(),
                title,
                dose,
                _status_text(occ.status, occ.planned_date, occ.date),
            ]
        )
    w = doc.frame_width()
    doc.heading("Plan")
    doc.table(rows, [w * 0.10, w * 0.12, w * 0.30, w * 0.38, w * 0.10], style="small")


def _harvest(doc: PdfDocument, plan: Plan, rows_in: Sequence[HarvestRow], error: str = "") -> None:
    doc.heading("Harvest")
    if error:
        doc.paragraph(f"The harvest log could not be read: {error}")
        return
    if not rows_in:
        doc.paragraph("No collections recorded.")
        return
    first_dose = plan.mobilisation_start()
    rows: list[list[object]] = [["Date", "Day", "CD34+ x10^6/kg", "Cumulative x10^6/kg"]]
    rows += [
        [
            r.date.isoformat(),
            # Collections are counted from the first G-CSF dose, as on the board and
            # the harvest tab; Day numbers only without a mobilisation anchor.
            mobilisation_label(mobilisation_day(r.date, first_dose))
            if first_dose is not None
            else day_label((r.date - plan.day0).days),
            format_number(r.cd34_per_kg, CD34_DECIMALS),
            format_number(r.cumulative, CD34_DECIMALS),
        ]
        for r in rows_in
    ]
    w = doc.frame_width()
    doc.table(rows, [w * 0.25] * 4)


def _series_plot(series: CountSeries, chart: CountChart, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 28, width - 55, height - 50
    plot.data = [list(series.points)]
    plot.lines[0].strokeColor = _SERIES_COLOURS[0]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = chart.first_day, chart.last_day
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, series.max_value * 1.1
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, MIN_PT
    drawing.add(plot)
    top = series.max_value * 1.1
    for value in series.thresholds:
        y = plot.y + plot.height * value / top
        drawing.add(
            Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.grey, strokeDashArray=[3, 2])
        )
    span = max(1, chart.last_day - chart.first_day)
    for day, _ in chart.markers:
        x = plot.x + plot.width * (day - chart.first_day) / span
        drawing.add(Line(x, plot.y, x, plot.y + plot.height, strokeColor=_SERIES_COLOURS[2]))
    drawing.add(
        String(
            plot.x,
            height - 13,
            f"{series.label} ({series.unit}) by transplant day",
            fontName=FONT,
            fontSize=MIN_PT,
        )
    )
    return drawing


def _engraftment(doc: PdfDocument, plan: Plan, inputs: SummaryInputs) -> None:
    doc.heading("Engraftment and counts")
    if inputs.engraftment_error:
        doc.paragraph(f"Engraftment could not be computed: {inputs.engraftment_error}")
    elif not inputs.engraftment:
        doc.paragraph("No engraftment results recorded.")
    for result in inputs.engraftment:
        when = f" ({day_label((result.date - plan.day0).days)})" if result.date else ""
        doc.paragraph(f"{result.explanation()}{when}")  # an override names its clinician
    markers = {f"{r.lineage} {r.threshold:g} engraftment": r.date for r in inputs.engraftment}
    chart = count_chart_data(inputs.labs, plan.day0, markers=markers)
    if not chart.series:
        doc.paragraph("No blood counts recorded for the chart.")
        return
    width = doc.frame_width() / 2
    cells = [_series_plot(s, chart, width - 6, 150) for s in chart.series]
    grid = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    doc.table(
        grid, [width, width], header=False, extra=[("GRID", (0, 0), (-1, -1), 0, colors.white)]
    )
    doc.paragraph(
        "Dashed lines: engraftment thresholds (neutrophils 0.5, platelets 20 and 50 "
        "x10^9/L). Vertical lines: engraftment days.",
        "small",
    )


def _infusion(doc: PdfDocument, inputs: SummaryInputs) -> None:
    """The products infused with their DIN and doses per kg, then the reactions."""
    doc.heading("Infusion")
    if inputs.infusion_error:
        doc.paragraph(f"The infusion record could not be read: {inputs.infusion_error}")
        return
    if not inputs.infusion:
        doc.paragraph("No infused product recorded.")
    else:
        doc.bullets(inputs.infusion)
    if inputs.infusion_reactions:
        doc.paragraph("Infusion reactions:")
        doc.bullets(inputs.infusion_reactions)
    elif inputs.infusion:
        doc.paragraph("No infusion reaction recorded.")


def _lines(doc: PdfDocument, title: str, lines: Sequence[str], empty: str) -> None:
    doc.heading(title)
    if lines:
        doc.bullets(lines)
    else:
        doc.paragraph(empty)


def _day0_changes(doc: PdfDocument, plan: Plan) -> None:
    doc.heading("Day 0 changes")
    if not plan.day0_history:
        doc.paragraph("Day 0 has not been moved.")
        return
    rows: list[list[object]] = [["From", "To", "Reason"]]
    rows += [[c.old.isoformat(), c.new.isoformat(), c.reason] for c in plan.day0_history]
    w = doc.frame_width()
    doc.table(rows, [w * 0.18, w * 0.18, w * 0.64])


def _today_label(plan: Plan, printed_on: dt.date) -> str:
    """ "Day -35", with the M-Day while stem cells are mobilised ("Day -35, M-Day 5")."""
    label = day_label((printed_on - plan.day0).days)
    window = plan.mobilisation_window()
    if window is not None and window[0] <= printed_on <= window[1]:
        return f"{label}, {mobilisation_label(mobilisation_day(printed_on, window[0]))}"
    return label


def write_team_summary(
    out: BinaryIO,
    *,
    patient: Patient,
    transplant: Transplant,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    inputs: SummaryInputs,
    plan_version: int,
) -> tuple[str, ...]:
    """Write the team summary PDF; return the characters the font could not show."""
    doc = PdfDocument(
        out,
        _meta(
            "Transplant team summary",
            "Team summary of a transplant plan",
            patient,
            settings,
            printed_on,
            plan_version,
        ),
        BASE_PT,
        MIN_PT,
    )
    _details(doc, patient, transplant, plan, printed_on)
    _day0_changes(doc, plan)
    _harvest(doc, plan, inputs.harvest, inputs.harvest_error)
    _infusion(doc, inputs)
    _engraftment(doc, plan, inputs)
    _lines(doc, "Checklist status", inputs.checklist, "No checklist items recorded.")
    _lines(
        doc,
        "Complications",
        [episode_summary(e, plan.day0) for e in inputs.episodes],
        "No complication episodes recorded.",
    )
    facts = facts_of(patient, transplant, printed_on)
    _plan_checks(doc, plan, facts, printed_on)
    if inputs.dose_check:
        # Before the plan: the signatures stand for the doses the plan table prints.
        _lines(doc, "Dose verification (independent double check)", inputs.dose_check, "")
    _plan_table(doc, facts, plan)
    return doc.build().missing_glyphs


def _monitoring(doc: PdfDocument, plan: Plan, printed_on: dt.date) -> None:
    until = plan.day0 + dt.timedelta(days=HANDOFF_UNTIL_DAY)
    rows: list[list[object]] = [["Day", "Date", "What", "Status"]]
    rows += [
        [o.label, o.date.isoformat(), o.title, o.status.value]
        for o in plan.sorted_occurrences()
        if o.kind in _MONITOR_KINDS and printed_on <= o.date <= until
    ]
    w = doc.frame_width()
    doc.heading(f"Monitoring calendar to Day +{HANDOFF_UNTIL_DAY}")
    if len(rows) == 1:
        doc.paragraph("Nothing planned in this period.")
        return
    doc.table(rows, [w * 0.1, w * 0.14, w * 0.6, w * 0.16])


def _medicines(doc: PdfDocument, facts: PatientFacts, plan: Plan) -> None:
    rows: list[list[object]] = [["Medicine", "Dose and basis", "Schedule"]]
    for step in plan.steps:
        if step.kind is not StepKind.MEDICATION or step.status is not StepStatus.PLANNED:
            continue
        line = plan_dose_line(step, plan, facts)
        days = (
            ", ".join(day_label(d) for d in step.days)
            if step.anchor == "day0"
            else (f"{len(step.days)} day(s) from anchor {step.anchor}")
        )
        schedule = "; ".join(
            x for x in (step.dose.frequency if step.dose else "", days, step.until) if x
        )
        name = f"{tall_man(step.drug)}\n{step.title}" if step.drug else step.title
        rows.append([name, "" if line is None else f"{line.text}\n{line.explanation}", schedule])
    w = doc.frame_width()
    doc.heading("Medicines")
    doc.table(rows, [w * 0.3, w * 0.45, w * 0.25], style="small")


def _contacts(doc: PdfDocument, patient: Patient, settings: ClinicSettings) -> None:
    doc.heading("Contacts")
    doc.bullets(
        [
            f"Transplant centre: {settings.centre_name}",
            f"24-hour number: {settings.phone_24h or 'not set in centre settings'}",
            f"Coordinator: {patient.coordinator or 'not recorded'}",
            f"Patient contacts: {patient.contacts or 'not recorded'}",
            "Call the transplant centre before starting or stopping any medicine, and for fever "
            f"of {format_number(settings.fever_threshold_c)} °C or higher.",
        ]
    )


def write_handoff_packet(
    out: BinaryIO,
    *,
    patient: Patient,
    transplant: Transplant,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    inputs: SummaryInputs,
    plan_version: int,
) -> tuple[str, ...]:
    """Write the community hand-off packet; return the characters the font could not show."""
    doc = PdfDocument(
        out,
        _meta(
            "Community hand-off packet",
            "Hand-off to community care",
            patient,
            settings,
            printed_on,
            plan_version,
        ),
        BASE_PT,
        MIN_PT,
    )
    _details(doc, patient, transplant, plan, printed_on)
    _contacts(doc, patient, settings)
    _infusion(doc, inputs)
    _engraftment(doc, plan, inputs)
    _lines(
        doc,
        "Complications",
        [episode_summary(e, plan.day0) for e in inputs.episodes],
        "No complication episodes recorded.",
    )
    _monitoring(doc, plan, printed_on)
    _medicines(doc, facts_of(patient, transplant, printed_on), plan)
    return doc.build().missing_glyphs
