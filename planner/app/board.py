"""The clinic board: one row per active transplant with its live day and what is due.

Pure functions of records and ``today``; the GUI board, the ``board`` command and
the printed worklist all read these rows. The phase shown is a reading of the plan
and the day number, stated with the rule that produced it, never a clinical decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.app import alert_rules
from planner.app.board_rows import HIGH_MARK as HIGH_MARK
from planner.app.board_rows import Alert as Alert
from planner.app.board_rows import BoardRow as BoardRow
from planner.app.board_rows import WorklistItem as WorklistItem
from planner.app.board_rows import board_order as board_order
from planner.app.board_rows import closed_order as closed_order
from planner.app.board_rows import most_severe_first as most_severe_first
from planner.app.board_rows import worklist_order as worklist_order
from planner.domain.days import mobilisation_day, mobilisation_label, short_date, short_day_label
from planner.domain.i18n import tr, tr_n, tr_noop
from planner.domain.patients import (
    Patient,
    Transplant,
    TransplantStatus,
    TransplantType,
    status_label,
)
from planner.domain.plans import (
    CLINIC_CLOSED,
    Occurrence,
    Plan,
    StepStatus,
    by_date_key,
    calendar_flags,
    overdue_before,
)
from planner.domain.templates import Phase, StepKind

LOOKAHEAD_DAYS = 14
# Without a recorded engraftment date, "pre-engraftment" is shown up to the Day +28
# early-warning point of the graft-failure watch (Kharfan-Dabaja et al., Transplant Cell Ther
# 2021, ASTCT graft-failure consensus); after it the phase reads "recovery".
PRE_ENGRAFTMENT_LAST_DAY = 28


@dataclass(frozen=True)
class PhaseReading:
    """The patient's phase today and the rule that gave it.

    Attributes:
        phase: work-up, mobilising, conditioning, infusion, pre-engraftment, engrafted,
            recovery, day +100, late phase, long-term follow-up (English ids, compared).
        rule: one sentence naming the values used, in the interface's language.
    """

    phase: str
    rule: str


def _first_conditioning_day(plan: Plan) -> int | None:
    days = [o.day for o in plan.phase_occurrences(Phase.CONDITIONING)]
    return min(days) if days else None


CAR_T_WATCH_DAYS = 29
"""Days after a CAR T-cell infusion shown as "monitoring" (to Day +28)."""


def _after_day0(day: int, engrafted_on: dt.date | None, today: dt.date) -> PhaseReading:
    if day > 365:
        return PhaseReading(
            "long-term follow-up", tr("Day {day} is beyond Day +365.").format(day=f"{day:+d}")
        )
    if day > 120:
        return PhaseReading(
            "late phase",
            tr("Day {day} is between Day +121 and Day +365.").format(day=f"{day:+d}"),
        )
    if day >= 90:
        return PhaseReading(
            "day +100",
            tr("Day {day} is in the Day +100 window (+90 to +120).").format(day=f"{day:+d}"),
        )
    if engrafted_on is not None and engrafted_on <= today:
        return PhaseReading(
            "engrafted",
            tr("Neutrophil engraftment recorded on {date}.").format(date=engrafted_on.isoformat()),
        )
    if day <= PRE_ENGRAFTMENT_LAST_DAY:
        return PhaseReading(
            "pre-engraftment",
            tr("Day {day}, no engraftment date recorded.").format(day=f"{day:+d}"),
        )
    return PhaseReading(
        "recovery",
        tr("Day {day}, after Day +{last}; no engraftment date recorded.").format(
            day=f"{day:+d}", last=PRE_ENGRAFTMENT_LAST_DAY
        ),
    )


def current_phase(
    transplant: Transplant,
    plan: Plan | None,
    today: dt.date,
    engrafted_on: dt.date | None = None,
) -> PhaseReading:
    """Which phase the patient is in today, with the rule that decided it."""
    if transplant.day0 is None or plan is None:
        return PhaseReading("work-up", tr("No plan with a Day 0 yet."))
    day = (today - plan.day0).days
    if day > 0 and transplant.transplant_type is TransplantType.CAR_T and day < CAR_T_WATCH_DAYS:
        # No engraftment after CAR T cells: the weeks after infusion are for watching
        # for cytokine release syndrome and neurotoxicity (labels: daily for a week,
        # then for at least 2 weeks; CRS and ICANS can start later, to about Day +28).
        return PhaseReading(
            "monitoring",
            tr("Day {day} after the CAR T-cell infusion: watch for CRS and ICANS.").format(
                day=f"{day:+d}"
            ),
        )
    if day > 0:
        return _after_day0(day, engrafted_on, today)
    if day == 0:
        return PhaseReading("infusion", tr("Today is Day 0."))
    window = plan.mobilisation_window()
    if window is not None and window[0] <= today <= window[1]:
        mday = mobilisation_day(today, window[0])
        return PhaseReading(
            "mobilising",
            tr("{label}: between the first G-CSF dose and the last planned collection.").format(
                label=mobilisation_label(mday)
            ),
        )
    first = _first_conditioning_day(plan)
    if first is not None and day >= first:
        return PhaseReading(
            "conditioning",
            tr("Day {day} is on or after the first conditioning day (Day {first}).").format(
                day=f"{day:+d}", first=f"{first:+d}"
            ),
        )
    return PhaseReading(
        "work-up", tr("Day {day} is before conditioning starts.").format(day=f"{day:+d}")
    )


def _live_label(plan: Plan | None, today: dt.date, phase: str) -> tuple[int | None, str]:
    if plan is None:
        return None, ""
    day = (today - plan.day0).days
    if phase == "mobilising":
        window = plan.mobilisation_window()
        if window is not None:
            return day, mobilisation_label(mobilisation_day(today, window[0]))
    return day, short_day_label(day)


def _last_due_or_overdue(plan: Plan, today: dt.date) -> dt.date:
    """The last date an occurrence can have and still be due or overdue today.

    Overdue means dated before ``overdue_before(today, window)``. Template windows are
    never negative, so that is yesterday; a stored plan is not re-validated, so allow for
    a negative one.
    """
    narrowest = min((s.window_after for s in plan.steps), default=0)
    return max(today, overdue_before(today, narrowest) - dt.timedelta(days=1))


def _planned_by_date(plan: Plan, first: dt.date | None, last: dt.date) -> list[Occurrence]:
    """Planned occurrences dated ``first`` to ``last``, in ``sorted_occurrences`` order.

    Reads only the steps dated in the range instead of every occurrence of the plan.
    """
    return sorted(plan.occurrences_dated(first, last, planned_only=True), key=by_date_key)


def due_and_overdue(plan: Plan, today: dt.date) -> tuple[list[Occurrence], list[Occurrence]]:
    """Planned occurrences dated today, and planned ones whose date and window have passed."""
    due: list[Occurrence] = []
    overdue: list[Occurrence] = []
    for occ in _planned_by_date(plan, None, _last_due_or_overdue(plan, today)):
        if occ.status is StepStatus.PLANNED and occ.date == today:
            due.append(occ)
        elif occ.is_overdue(today):
            overdue.append(occ)
    return due, overdue


def _due_within(plan: Plan, today: dt.date, days: int) -> list[Occurrence]:
    return _planned_by_date(plan, today, today + dt.timedelta(days=days - 1))


CALENDAR_LINE = tr_noop("Weekend/closure: ")


def _calendar_alert(plan: Plan, today: dt.date, closures: Iterable[dt.date]) -> Alert | None:
    """One line for every weekend and closure clash of the next two weeks, or None.

    The line names each step and date ("(clinic closed)" when the day is a closure: a
    weekend shows in the day's name); the rule repeats each note with its reason.
    """
    horizon = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    flags = sorted(
        calendar_flags(plan, closures, first=today, last=horizon),
        key=lambda f: by_date_key(f.occurrence),
    )
    if not flags:
        return None
    closed = CLINIC_CLOSED
    text = tr(CALENDAR_LINE) + ", ".join(
        tr("{step} {date}").format(step=tr(f.occurrence.title), date=short_date(f.occurrence.date))
        + (tr(" ({reason})").format(reason=tr(closed)) if f.reason == closed else "")
        for f in flags
    )
    notes = "; ".join(
        tr("{step} on {date} ({reason})").format(
            step=tr(f.occurrence.title), date=short_date(f.occurrence.date), reason=tr(f.reason)
        )
        for f in flags
    )
    return Alert(
        text,
        tr("{rule} {notes}.").format(rule=alert_rules.shown(alert_rules.CALENDAR), notes=notes),
        alert_rules.severity_of(alert_rules.CALENDAR),
    )


def _unique(titles: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(titles))


def board_row(
    patient: Patient,
    transplant: Transplant,
    plan: Plan | None,
    today: dt.date,
    closures: Iterable[dt.date] = (),
    engrafted_on: dt.date | None = None,
    extra_alerts: Sequence[Alert | str] = (),
) -> BoardRow:
    """The board row of one transplant.

    Its alerts are most severe first (``alert_rules.SEVERITY``); within a severity the
    overdue count and the weekend/closure line come before ``extra_alerts`` (counts,
    harvest, complications, plan checks, checklists, documents), in the order given. A
    plain text has no rule to show and is medium.
    """
    reading = current_phase(transplant, plan, today, engrafted_on)
    day, label = _live_label(plan, today, reading.phase)
    due, overdue = due_and_overdue(plan, today) if plan is not None else ([], [])
    alerts = (
        [
            Alert.of(
                tr_n("{n} overdue", "{n} overdue", len(overdue)).format(n=len(overdue)),
                alert_rules.OVERDUE,
            )
        ]
        if overdue
        else []
    )
    calendar = _calendar_alert(plan, today, closures) if plan is not None else None
    if calendar is not None:
        alerts.append(calendar)
    held = _on_hold_alert(transplant)
    if held is not None:
        alerts.append(held)
    visits = _visit_window_alert(plan, today) if plan is not None else None
    if visits is not None:
        alerts.append(visits)
    alerts.extend(a if isinstance(a, Alert) else Alert(a) for a in extra_alerts)
    alerts = most_severe_first(alerts)
    return BoardRow(
        patient_id=patient.id,
        transplant_id=transplant.id,
        mrn=patient.mrn,
        name=patient.display_name,
        transplant_type=transplant.transplant_type.value,
        coordinator=patient.coordinator,
        day=day,
        day_label=label,
        phase=reading.phase,
        phase_rule=reading.rule,
        due_today=_unique(o.title for o in due),
        overdue=_unique(o.title for o in overdue),
        alerts=tuple(a.text for a in alerts),
        due_this_week=_unique(o.title for o in _due_within(plan, today, 7)) if plan else (),
        alert_rules=tuple(a.rule for a in alerts),
        alert_severities=tuple(a.severity for a in alerts),
    )


def _on_hold_alert(transplant: Transplant) -> Alert | None:
    """ "On hold since 2026-12-01: infection" for a transplant on hold."""
    if transplant.status is not TransplantStatus.ON_HOLD:
        return None
    last = transplant.last_status_change
    if last is None:
        return Alert.of(tr("On hold"), alert_rules.ON_HOLD)
    text = tr("On hold since {date}").format(date=short_date(last.on))
    return Alert.of(f"{text}: {last.reason}" if last.reason else text, alert_rules.ON_HOLD)


def open_visit_windows(plan: Plan, today: dt.date) -> list[Occurrence]:
    """The planned visits whose window holds ``today``, by date.

    A visit's window is its date minus ``window_before`` to its date plus
    ``window_after`` (Day +100 +/-7), both days included; a visit without one (both 0)
    is simply due on its day. Past the window a planned visit is overdue
    (``due_and_overdue``), so no visit is open and overdue at once.
    """
    found: list[Occurrence] = []
    # Only the visit steps with a window are read (a few occurrences each), never the
    # daily medicines around today.
    visit = StepKind.VISIT  # read once: an enum member is a slow attribute to look up
    for step in plan.steps:
        if step.kind is not visit:
            continue
        before, after = max(step.window_before, 0), max(step.window_after, 0)
        if not (before or after):
            continue
        # Open today: dated from ``after`` days ago to ``before`` days ahead.
        first, last = today - dt.timedelta(days=after), today + dt.timedelta(days=before)
        found.extend(
            occ
            for occ in plan.step_occurrences(step)
            if first <= occ.date <= last
            and occ.status is StepStatus.PLANNED
            and not occ.is_overdue(today)
        )
    return sorted(found, key=by_date_key)


def _visit_window_alert(plan: Plan, today: dt.date) -> Alert | None:
    """ "Visit window open: Day +100 clinic visit until Mon 15 Mar" (low), or None.

    One line for every planned visit whose window is open today; the rule names each
    visit with its planned date and its window.
    """
    visits = [(o, w) for o in open_visit_windows(plan, today) if (w := o.window)]
    if not visits:
        return None
    text = tr("Visit window open: {visits}").format(
        visits=", ".join(
            tr("{step} until {date}").format(step=tr(o.title), date=short_date(last))
            for o, (_first, last) in visits
        )
    )
    notes = "; ".join(
        tr("{step} planned {date}, window {first} to {last}").format(
            step=tr(o.title),
            date=short_date(o.date),
            first=short_date(first),
            last=short_date(last),
        )
        for o, (first, last) in visits
    )
    return Alert(
        text,
        tr("{rule} {notes}.").format(rule=alert_rules.shown(alert_rules.VISIT_WINDOW), notes=notes),
        alert_rules.severity_of(alert_rules.VISIT_WINDOW),
    )


def board_rows(
    patients: Iterable[Patient],
    transplants: Iterable[Transplant],
    plans: Iterable[Plan],
    today: dt.date,
    closures: Iterable[dt.date] = (),
    engraftment: Mapping[str, dt.date] | None = None,
    extra_alerts: Mapping[str, Sequence[Alert | str]] | None = None,
) -> list[BoardRow]:
    """Rows for every active transplant, most urgent (lowest day number) first.

    ``engraftment`` and ``extra_alerts`` (issue 4) are keyed by transplant id.
    """
    by_patient = {p.id: p for p in patients}
    by_transplant = {p.transplant_id: p for p in plans}
    closed = frozenset(closures)
    engraftment = engraftment or {}
    extra = extra_alerts or {}
    rows = [
        board_row(
            by_patient[t.patient_id],
            t,
            by_transplant.get(t.id),
            today,
            closed,
            engraftment.get(t.id),
            extra.get(t.id, ()),
        )
        for t in transplants
        if t.is_active and t.patient_id in by_patient
    ]
    rows.sort(key=board_order)
    return rows


def closed_rows(
    patients: Iterable[Patient],
    transplants: Iterable[Transplant],
    plans: Iterable[Plan],
    today: dt.date,
) -> list[BoardRow]:
    """Rows for the transplants that left the board (completed, cancelled, deceased), for
    the board's "closed" filter: the status as the phase, its date and reason as the
    rule, no alerts (nothing is planned for them any more). A cancelled transplant has
    no day number; the others count from their Day 0 (the plan's, or the transplant's
    when no plan is given: the two move together). In ``closed_order``.
    """
    by_patient = {p.id: p for p in patients}
    by_transplant = {p.transplant_id: p for p in plans}
    rows: list[BoardRow] = []
    for t in transplants:
        patient = by_patient.get(t.patient_id)
        if t.is_active or patient is None:
            continue
        plan = by_transplant.get(t.id)
        day0 = plan.day0 if plan is not None else t.day0
        day = (
            None if t.status is TransplantStatus.CANCELLED or day0 is None else (today - day0).days
        )
        label = short_day_label(day) if day is not None else ""
        last = t.last_status_change
        rule = status_label(t.status).capitalize()
        if last is not None:
            rule = tr("{status} on {date}").format(status=rule, date=last.on.isoformat())
            if last.reason:
                rule += f": {last.reason}"
        row = BoardRow(
            patient_id=patient.id,
            transplant_id=t.id,
            mrn=patient.mrn,
            name=patient.display_name,
            transplant_type=t.transplant_type.value,
            coordinator=patient.coordinator,
            day=day,
            day_label=label,
            phase=t.status.value,
            phase_rule=rule,
            due_today=(),
            overdue=(),
            alerts=(),
        )
        rows.append(row)
    rows.sort(key=closed_order)
    return rows


def worklist(
    patients: Iterable[Patient],
    transplants: Iterable[Transplant],
    plans: Iterable[Plan],
    today: dt.date,
) -> list[WorklistItem]:
    """Steps due today and overdue across active transplants: overdue first, then by name."""
    by_patient = {p.id: p for p in patients}
    by_transplant = {t.id: t for t in transplants if t.is_active}
    items: list[WorklistItem] = []
    for plan in plans:
        transplant = by_transplant.get(plan.transplant_id)
        patient = by_patient.get(transplant.patient_id) if transplant else None
        if transplant is None or patient is None:
            continue
        reading = current_phase(transplant, plan, today)
        _, label = _live_label(plan, today, reading.phase)
        due, overdue = due_and_overdue(plan, today)
        for occ, late in [*((o, True) for o in overdue), *((o, False) for o in due)]:
            items.append(
                WorklistItem(
                    transplant_id=transplant.id,
                    patient_id=patient.id,
                    mrn=patient.mrn,
                    name=patient.display_name,
                    day_label=label,
                    step_id=occ.step_id,
                    offset=occ.anchor_day,
                    title=occ.title,
                    date=occ.date,
                    overdue=late,
                )
            )
    items.sort(key=worklist_order)
    return items
