"""Care plans: templates instantiated around Day 0, and pure edits on them.

A ``Plan`` is an immutable snapshot. Every edit is a function returning a new plan
(and, where the user needs a preview, the list of date changes), so the UI can keep
before/after snapshots for undo and storage can diff them for the audit trail.

Dates follow the transplant day convention (Day 0 = infusion day): each step sits on days
relative to one anchor (Day 0 or a named anchor such as the first G-CSF dose). Moving Day 0
moves every step that is not done; what was already done keeps its real date; anchors set to
real dates (a collection that happened) stay where they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Final, NamedTuple

from planner.domain.conditions import StepCondition
from planner.domain.days import (
    MDAY,
    OFFSET,
    day_label,
    days_after_anchor,
    mobilisation_label,
    short_date,
)
from planner.domain.i18n import tr, tr_noop
from planner.domain.patients import new_id
from planner.domain.step_status import OVERDUE as OVERDUE
from planner.domain.step_status import StepStatus as StepStatus
from planner.domain.step_status import overdue_before as overdue_before
from planner.domain.step_status import shown_status as shown_status
from planner.domain.templates import (
    DAY0,
    AnchorDef,
    DoseRule,
    Phase,
    Protocol,
    StepKind,
    StepTemplate,
)
from planner.errors import ValidationError

# Kinds that need a clinic slot; a weekend or closure day is worth a flag for them.
# Inpatient medicines are given every day, so flagging them would only be noise.
CLINIC_KINDS = frozenset({StepKind.VISIT, StepKind.PROCEDURE, StepKind.LAB, StepKind.EDUCATION})

# The steps that date a plan's checklist anchors (collection, admission; day0 is the
# plan's own): those of the collection and conditioning phases and the admission step
# (``planner.records.checklists.plan_anchors``). A list over the whole history that needs
# only the anchors (the registry forms) decodes only these steps.
ANCHOR_PHASES: Final = frozenset({Phase.COLLECTION, Phase.CONDITIONING})
ADMISSION_STEP: Final = "admission"


def is_admission_step(step_id: str) -> bool:
    """Whether a plan step is a template's admission step. Plan step ids are
    "<template id>/<step id>" (``instantiate``): the template's own id is the last part."""
    return step_id.rsplit("/", 1)[-1] == ADMISSION_STEP


def dates_an_anchor(step_id: str, phase: str) -> bool:
    """Whether a step of this id and phase can date a checklist anchor."""
    return phase in ANCHOR_PHASES or is_admission_step(step_id)


# A status as a word in a sentence, in the interface's language (``status_word``).
_STATUS_WORDS: Final = {
    StepStatus.PLANNED: tr_noop("planned"),
    StepStatus.DONE: tr_noop("done"),
    StepStatus.SKIPPED: tr_noop("skipped"),
    StepStatus.CANCELLED: tr_noop("cancelled"),
}


def status_word(status: StepStatus) -> str:
    """ "done", "skipped"... in the interface's language."""
    return tr(_STATUS_WORDS.get(status, status.value))


@dataclass(frozen=True)
class AnchorState:
    """An anchor of one plan.

    Attributes:
        name: "day0" or a template-declared name such as "mobilisation".
        default_day: position relative to Day 0 while not set to a real date.
        label: what the date is ("first G-CSF dose").
        numbering: ``MDAY`` (M-Day 1 = anchor date) or ``OFFSET``.
        fixed_date: a real date the user set; it no longer follows Day 0.
    """

    name: str
    default_day: int
    label: str = ""
    numbering: str = OFFSET
    fixed_date: dt.date | None = None

    @property
    def is_mobilisation(self) -> bool:
        """True for the anchor of the mobilisation (its days are M-Days)."""
        return self.numbering == MDAY


@dataclass(frozen=True)
class OccurrenceRecord:
    """What happened to one occurrence of a step, and who said so.

    Attributes:
        offset: the occurrence's day in its anchor's numbering.
        status: done or skipped; planned for an occurrence only moved.
        actual_date: when it really happened (done), or the date a skip was recorded for
            (a recorded event keeps its date when the series or Day 0 moves).
        by: user name; at: ISO UTC time of the entry; reason: why (skips, late entries).
        shift: days this one occurrence was moved off the step's days (its own move,
            beside the step's ``shift``; it follows Day 0 like the rest of the step).
        override: why a rule that refuses this entry was overridden (a conditioning dose
            given before the graft was secured); ``by`` and ``at`` say who and when.
    """

    offset: int
    status: StepStatus
    actual_date: dt.date | None = None
    by: str = ""
    at: str = ""
    reason: str = ""
    shift: int = 0
    override: str = ""


@dataclass(frozen=True)
class PlanStep:
    """One step of a plan, made from a template step.

    Attributes:
        id: unique in the plan: "<template id>/<step id>".
        template_id: the template it came from ("" for steps added by hand).
        title, phase, kind, anchor, days, window_*, dose, drug, regimen_tied,
        patient_text, until, notes, when: copied from the template step (``when``: the
            patients it applies to; see planner.domain.conditions).
        shift: days the user moved the step off its template days (drag).
        status: planned, or skipped/cancelled for the whole step.
        status_reason: why it was skipped or cancelled.
        records: done/skipped occurrences.
        note: the team's free-text note.
    """

    id: str
    template_id: str
    title: str
    phase: Phase
    kind: StepKind
    anchor: str
    days: tuple[int, ...]
    window_before: int = 0
    window_after: int = 0
    dose: DoseRule | None = None
    drug: str = ""
    regimen_tied: bool = False
    patient_text: str = ""
    until: str = ""
    notes: str = ""
    shift: int = 0
    status: StepStatus = StepStatus.PLANNED
    status_reason: str = ""
    records: tuple[OccurrenceRecord, ...] = ()
    note: str = ""
    when: StepCondition | None = None

    def record_for(self, offset: int) -> OccurrenceRecord | None:
        """The record of the occurrence at ``offset``, if any."""
        for rec in self.records:
            if rec.offset == offset:
                return rec
        return None

    @property
    def is_done(self) -> bool:
        """Every occurrence is done."""
        done = {r.offset for r in self.records if r.status is StepStatus.DONE}
        return all(d in done for d in self.days)


@dataclass(frozen=True)
class TemplateRef:
    """The template a plan was made from, frozen at that moment.

    Attributes:
        id, version, checksum, title: identity of the file used; editing the file later
            never changes the plan silently because the plan holds its own steps.
    """

    id: str
    version: str
    checksum: str
    title: str


@dataclass(frozen=True)
class Day0Change:
    """One move of Day 0, kept with the plan for the team summary.

    Attributes:
        old, new: the Day 0 dates; reason: why it moved.
    """

    old: dt.date
    new: dt.date
    reason: str


class Occurrence(NamedTuple):
    """One dated occurrence of a step (a named tuple: a plan has thousands of them).

    Attributes:
        step_id, title, phase, kind: from the step.
        day: transplant day number of ``date``.
        date: the actual date when done, else the planned date.
        planned_date: where the plan puts it.
        anchor: the step's anchor; anchor_day: its number in that anchor's counting.
        numbering: ``MDAY`` for mobilisation days, else ``OFFSET``.
        position: place among the step's occurrences (0-based; "index" is a tuple method).
        status: planned, done, skipped or cancelled.
        dose, drug, regimen_tied, window_before, window_after: from the step.
    """

    step_id: str
    title: str
    phase: Phase
    kind: StepKind
    day: int
    date: dt.date
    planned_date: dt.date
    anchor: str
    anchor_day: int
    numbering: str
    position: int
    status: StepStatus
    dose: DoseRule | None = None
    drug: str = ""
    regimen_tied: bool = False
    window_before: int = 0
    window_after: int = 0

    @property
    def label(self) -> str:
        """ "Day +3", or "M-Day 4" for a mobilisation-day step."""
        if self.is_mobilisation:
            return mobilisation_label(self.anchor_day)
        return day_label(self.day)

    @property
    def is_mobilisation(self) -> bool:
        """True for a step counted in M-Days (from the first G-CSF dose)."""
        return self.numbering == MDAY

    @property
    def window(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day of its window (its date minus ``window_before`` to its
        date plus ``window_after``, as in Day +28 +/-3), or None when it has none."""
        before, after = max(self.window_before, 0), max(self.window_after, 0)
        if not (before or after):
            return None
        return self.date - dt.timedelta(days=before), self.date + dt.timedelta(days=after)

    def shown_status(self, today: dt.date | None) -> str:
        """ "overdue" when planned and past its window today, else its status."""
        return shown_status(self.status, self.date, self.window_after, today)

    def is_overdue(self, today: dt.date) -> bool:
        """True when planned and its date and window have passed."""
        return self.shown_status(today) == OVERDUE


@dataclass(frozen=True)
class DateChange:
    """A date that a re-plan moves: shown in the preview, written to the audit trail.

    Attributes:
        step_id, title, index: which occurrence.
        old_date, new_date: before and after.
        old_day, new_day: transplant day numbers before and after.
    """

    step_id: str
    title: str
    index: int
    old_date: dt.date
    new_date: dt.date
    old_day: int
    new_day: int


@dataclass(frozen=True)
class DoseSignature:
    """One person's electronic signature on a plan's doses: the independent double check
    of chemotherapy before the first dose (ASCO/ONS Chemotherapy Administration Safety
    Standards; ISMP). It shows, as 21 CFR 11.50 asks of a signed record, the signer's
    name, the date and time and the meaning of the signature, and it keeps what was
    signed, so a later change of a dose or of the measurements voids it
    (``planner.app.dose_check``).

    Attributes:
        user, role: the signed-in account and its role then.
        meaning: what the signature means ("verified doses").
        at: when, ISO 8601 UTC to the second.
        doses: (step id, dose as shown) of every dose signed for.
        basis: the measurements the doses were computed from, as shown.
    """

    user: str
    role: str
    meaning: str
    at: str
    doses: tuple[tuple[str, str], ...]
    basis: str


@dataclass(frozen=True)
class Plan:
    """The steps of one transplant around its Day 0.

    Attributes:
        id: opaque identifier; transplant_id: the transplant it plans.
        day0: the infusion date.
        anchors: every anchor by name ("day0" included).
        steps: in display order.
        templates: the templates (and their checksums) it was made from.
        day0_history: every move of Day 0 with its reason.
        dose_signatures: the signatures of the double check of its doses, oldest first
            (void ones stay: they are the record of what was signed).
        version: optimistic-concurrency counter kept by storage.
        calendar_revisions: how often each source of an occurrence's date or wording
            changed (``planner.domain.calendar_revisions``): a calendar file's SEQUENCE.
    """

    id: str
    transplant_id: str
    day0: dt.date
    anchors: Mapping[str, AnchorState]
    steps: tuple[PlanStep, ...]
    templates: tuple[TemplateRef, ...] = ()
    day0_history: tuple[Day0Change, ...] = ()
    version: int = 0
    dose_signatures: tuple[DoseSignature, ...] = ()
    calendar_revisions: Mapping[str, int] = field(default_factory=dict)

    def anchor_date(self, name: str) -> dt.date:
        """The date of an anchor: its real date if set, else Day 0 + its default day."""
        if name == DAY0:
            return self.day0
        try:
            anchor = self.anchors[name]
        except KeyError:
            raise ValidationError(
                "anchor", tr("The plan has no anchor '{name}'.").format(name=name)
            ) from None
        if anchor.fixed_date is not None:
            return anchor.fixed_date
        return self.day0 + dt.timedelta(days=anchor.default_day)

    def step(self, step_id: str) -> PlanStep:
        """The step with ``step_id``."""
        for st in self.steps:
            if st.id == step_id:
                return st
        raise ValidationError("step", tr("The plan has no step '{step}'.").format(step=step_id))

    def _numbering(self, anchor: str) -> str:
        return self.anchors[anchor].numbering if anchor in self.anchors else OFFSET

    def mobilisation_anchor(self) -> str | None:
        """The name of the anchor counted in M-Days (the first G-CSF dose), if any."""
        return next((name for name, a in self.anchors.items() if a.is_mobilisation), None)

    def mobilisation_window(self) -> tuple[dt.date, dt.date, str] | None:
        """M-Day 1, the last mobilisation or collection date on that anchor, and its name."""
        for name, anchor in self.anchors.items():
            if not anchor.is_mobilisation:
                continue
            dates = [
                o.date
                for o in self.phase_occurrences(Phase.MOBILISATION, Phase.COLLECTION)
                if o.anchor == name
            ]
            if dates:
                return self.anchor_date(name), max(dates), name
        return None

    def mobilisation_start(self) -> dt.date | None:
        """M-Day 1 (the first G-CSF dose), when the plan has a mobilisation anchor."""
        name = self.mobilisation_anchor()
        return self.anchor_date(name) if name is not None else None

    def planned_date(self, step: PlanStep, offset: int) -> dt.date:
        """Where the plan puts the occurrence of ``step`` at ``offset``."""
        base = self.anchor_date(step.anchor)
        delta = days_after_anchor(offset, self._numbering(step.anchor))
        rec = step.record_for(offset) if step.records else None
        own = rec.shift if rec is not None else 0
        return base + dt.timedelta(days=delta + step.shift + own)

    # A plan is immutable, so its occurrences are computed once per snapshot: the board,
    # the timeline and the worklist all read them, for hundreds of plans at start-up.
    # They are built step by step on demand: the board reads only the few steps dated
    # near today (``occurrences_dated``), and fewer objects also means cheaper garbage
    # collection for a 500-patient clinic.
    @cached_property
    def _steps_by_id(self) -> dict[str, PlanStep]:
        # Ids are unique in practice; if not, the last step of an id is the one used.
        return {step.id: step for step in self.steps}

    @cached_property
    def _built(self) -> dict[str, tuple[Occurrence, ...]]:
        """The occurrences of the steps built so far, by step id."""
        return {}

    @cached_property
    def _occurrences_by_step(self) -> dict[str, tuple[PlanStep, tuple[Occurrence, ...]]]:
        return {sid: (step, self._occurrences_of(step)) for sid, step in self._steps_by_id.items()}

    @cached_property
    def _sorted(self) -> tuple[Occurrence, ...]:
        return tuple(sorted(self.occurrences(), key=by_date_key))

    @cached_property
    def _spans(self) -> tuple[_Span, ...]:
        """The span of each step of ``_steps_by_id``, in the same order."""
        anchors: dict[str, tuple[int, str]] = {}
        return tuple(self._span(step, anchors) for step in self._steps_by_id.values())

    def _occurrences_of(self, step: PlanStep) -> tuple[Occurrence, ...]:
        """The occurrences of ``step``, which must be ``self._steps_by_id[step.id]``."""
        occs = self._built.get(step.id)
        if occs is None:
            occs = self._built[step.id] = tuple(self._make_occurrences(step))
        return occs

    def _span(self, step: PlanStep, anchors: dict[str, tuple[int, str]]) -> _Span:
        """Where a step's occurrences can fall, found without building them.

        ``anchors`` caches each anchor's date ordinal and numbering.
        """
        if step.anchor not in anchors:  # anchor_date refuses an unknown anchor
            anchors[step.anchor] = (
                self.anchor_date(step.anchor).toordinal(),
                self._numbering(step.anchor),
            )
        base, numbering = anchors[step.anchor]
        if not step.days:
            return 0, -1, False  # no occurrences: in no range
        # Same arithmetic as planned_date. Planned dates grow with the offset, so the
        # first and last offsets bound them.
        lo, hi = min(step.days), max(step.days)
        first = base + step.shift + days_after_anchor(lo, numbering)
        last = base + step.shift + days_after_anchor(hi, numbering)
        if first < 1 or last > _LAST_ORDINAL:
            self.planned_date(step, lo)  # raise the OverflowError that building would
            self.planned_date(step, hi)
        if not step.records:
            return first, last, step.status is StepStatus.PLANNED
        # Recorded real dates can lie anywhere; widen the span to hold them.
        real = [r.actual_date.toordinal() for r in step.records if r.actual_date is not None]
        records = {r.offset: r for r in step.records}
        has_planned = any(
            (rec.status if (rec := records.get(offset)) is not None else step.status)
            is StepStatus.PLANNED
            for offset in step.days
        )
        return min([first, *real]), max([last, *real]), has_planned

    def step_occurrences(self, step: PlanStep) -> Iterator[Occurrence]:
        """The dated occurrences of one step."""
        if self._steps_by_id.get(step.id) is step:
            return iter(self._occurrences_of(step))
        return self._make_occurrences(step)

    def _make_occurrences(self, step: PlanStep) -> Iterator[Occurrence]:
        numbering = self._numbering(step.anchor)
        # Same arithmetic as planned_date, with the anchor's date read once.
        base = self.anchor_date(step.anchor) + dt.timedelta(days=step.shift)
        records = {r.offset: r for r in step.records}
        day0 = self.day0
        for index, offset in enumerate(step.days):
            rec = records.get(offset)
            planned = base + dt.timedelta(
                days=days_after_anchor(offset, numbering) + (rec.shift if rec is not None else 0)
            )
            status = rec.status if rec is not None and rec.status is not _PLANNED else step.status
            when = rec.actual_date if rec is not None and rec.actual_date is not None else planned
            yield Occurrence(
                step.id,
                step.title,
                step.phase,
                step.kind,
                (when - day0).days,
                when,
                planned,
                step.anchor,
                offset,
                numbering,
                index,
                status,
                step.dose,
                step.drug,
                step.regimen_tied,
                step.window_before,
                step.window_after,
            )

    def occurrences(self) -> Iterator[Occurrence]:
        """Every dated occurrence of every step, in step order (public API)."""
        for _, occs in self._occurrences_by_step.values():
            yield from occs

    def sorted_occurrences(self) -> list[Occurrence]:
        """Every occurrence by date, then phase order, then title."""
        return list(self._sorted)

    def occurrences_dated(
        self,
        first: dt.date | None,
        last: dt.date | None,
        *,
        planned_only: bool = False,
    ) -> list[Occurrence]:
        """The occurrences dated ``first`` to ``last`` inclusive (None: no bound).

        In step order, as ``occurrences`` yields them; ``planned_only`` keeps planned ones.
        Only the steps whose dates can reach the range are built.
        """
        lo = first.toordinal() if first is not None else 0
        hi = last.toordinal() if last is not None else _LAST_ORDINAL
        found: list[Occurrence] = []
        spans = zip(self._steps_by_id.values(), self._spans, strict=True)
        for step, (earliest, latest, has_planned) in spans:
            if latest < lo or earliest > hi or (planned_only and not has_planned):
                continue
            found.extend(
                o
                for o in self._occurrences_of(step)
                if lo <= o.date.toordinal() <= hi
                and (not planned_only or o.status is StepStatus.PLANNED)
            )
        return found

    def date_span(self) -> tuple[dt.date, dt.date] | None:
        """Dates no occurrence falls outside of (None when the plan has none).

        From the steps' spans, without building occurrences: the clinic timeline needs
        the range of 500 plans on the GUI thread after every edit. It can be wider than
        the occurrences (a done occurrence moved to its real date leaves its planned
        date inside).
        """
        return self._date_span

    @cached_property
    def _date_span(self) -> tuple[dt.date, dt.date] | None:
        spans = [(a, b) for a, b, _ in self._spans if a <= b]
        if not spans:
            return None
        day = dt.date.fromordinal
        return day(min(a for a, _ in spans)), day(max(b for _, b in spans))

    def phase_occurrences(self, *phases: Phase) -> list[Occurrence]:
        """The occurrences of the steps in ``phases``, in step order."""
        return [
            o
            for step in self._steps_by_id.values()
            if step.phase in phases
            for o in self._occurrences_of(step)
        ]


# A step's span: the first and last date ordinal its occurrences can have (a superset),
# and whether any of them is planned; ``occurrences_dated`` skips steps that cannot match.
# A plain tuple of atoms, which the garbage collector stops tracking: a clinic has
# tens of thousands of steps.
_Span = tuple[int, int, bool]


_LAST_ORDINAL = dt.date.max.toordinal()

# The order of the timeline lanes: the second key of ``sorted_occurrences``.
_PHASE_ORDER = {p: i for i, p in enumerate(Phase)}


@dataclass(frozen=True)
class PlanOutline(Plan):
    """A plan read with only the steps that date its checklist anchors
    (``dates_an_anchor``): the anchors of many plans at once (the registry-forms list).

    It keeps its plan's id and version, so a save would pass the version check and drop
    every other step: ``planner.records.serialize.plan_to_dict``, through which every save
    of a plan goes, refuses it. Nothing shows or prints an outline: only ``forms_due``
    reads them, and nothing it returns holds a plan.
    """


def by_date_key(occ: Occurrence) -> tuple[dt.date, int, str]:
    """The order of ``Plan.sorted_occurrences``: date, then phase order, then title.

    Sorting any occurrences of a plan (in step order) with this key gives them in the
    order ``sorted_occurrences`` lists them (the sort is stable).
    """
    return occ.date, _PHASE_ORDER[occ.phase], occ.title


def _day0_anchor() -> AnchorState:
    return AnchorState(name=DAY0, default_day=0, label="stem-cell infusion")


def _anchor_states(
    defs: Iterable[AnchorDef], existing: Mapping[str, AnchorState]
) -> dict[str, AnchorState]:
    states = dict(existing)
    states.setdefault(DAY0, _day0_anchor())
    for adef in defs:
        if adef.name in states:
            continue  # the first template to declare an anchor sets its default
        states[adef.name] = AnchorState(
            name=adef.name,
            default_day=adef.default_day,
            label=adef.label,
            numbering=adef.numbering,
        )
    return states


def _plan_step(protocol: Protocol, st: StepTemplate) -> PlanStep:
    return PlanStep(
        id=f"{protocol.id}/{st.id}",
        template_id=protocol.id,
        title=st.title,
        phase=st.phase,
        kind=st.kind,
        anchor=st.anchor,
        days=st.days,
        window_before=st.window_before,
        window_after=st.window_after,
        dose=st.dose,
        drug=st.drug,
        regimen_tied=st.regimen_tied,
        patient_text=st.patient_text,
        until=st.until,
        notes=st.notes,
        when=st.when,
    )


def _fix_anchors(
    states: dict[str, AnchorState], anchors: Mapping[str, dt.date] | None
) -> dict[str, AnchorState]:
    for name, date in (anchors or {}).items():
        if name == DAY0:
            raise ValidationError(
                "anchors", tr("Set Day 0 with the day0 argument, not as an anchor.")
            )
        if name not in states:
            known = ", ".join(sorted(states))
            raise ValidationError(
                "anchors",
                tr("The plan has no anchor '{name}'; known: {known}.").format(
                    name=name, known=known
                ),
            )
        if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
            raise ValidationError(
                "anchors", tr("Anchor '{name}' must be a calendar date.").format(name=name)
            )
        states[name] = replace(states[name], fixed_date=date)
    return states


def instantiate(
    protocol: Protocol,
    day0: dt.date,
    anchors: Mapping[str, dt.date] | None = None,
    *,
    transplant_id: str = "",
    plan_id: str | None = None,
) -> Plan:
    """Make a plan from one template around ``day0`` (public API: ``planner.careplan``).

    ``anchors`` sets named anchors to real dates (e.g. the first G-CSF dose).
    """
    return instantiate_many([protocol], day0, anchors, transplant_id=transplant_id, plan_id=plan_id)


def instantiate_many(
    protocols: Sequence[Protocol],
    day0: dt.date,
    anchors: Mapping[str, dt.date] | None = None,
    *,
    transplant_id: str = "",
    plan_id: str | None = None,
) -> Plan:
    """Make one plan from several templates (mobilisation, conditioning, prophylaxis, ...)."""
    if isinstance(day0, dt.datetime) or not isinstance(day0, dt.date):
        raise ValidationError("day0", tr("Day 0 must be a calendar date."))
    if not protocols:
        raise ValidationError("templates", tr("Choose at least one template."))
    ids = [p.id for p in protocols]
    if len(set(ids)) != len(ids):
        raise ValidationError("templates", tr("The same template was chosen twice."))
    states = _anchor_states((a for p in protocols for a in p.anchors.values()), {})
    states = _fix_anchors(states, anchors)
    steps = tuple(_plan_step(p, st) for p in protocols for st in p.steps)
    refs = tuple(TemplateRef(p.id, p.version, p.checksum, p.title) for p in protocols)
    return Plan(
        id=plan_id or new_id(),
        transplant_id=transplant_id,
        day0=day0,
        anchors=states,
        steps=steps,
        templates=refs,
    )


def add_protocol(plan: Plan, protocol: Protocol) -> Plan:
    """Add a template's steps to an existing plan."""
    if any(ref.id == protocol.id for ref in plan.templates):
        raise ValidationError(
            "templates", tr("The plan already uses template {id}.").format(id=protocol.id)
        )
    states = _anchor_states(protocol.anchors.values(), plan.anchors)
    steps = plan.steps + tuple(_plan_step(protocol, st) for st in protocol.steps)
    ref = TemplateRef(protocol.id, protocol.version, protocol.checksum, protocol.title)
    return replace(plan, anchors=states, steps=steps, templates=(*plan.templates, ref))


def _occurrence_map(plan: Plan) -> dict[tuple[str, int], Occurrence]:
    return {(o.step_id, o.position): o for o in plan.occurrences()}


def diff_dates(before: Plan, after: Plan) -> list[DateChange]:
    """Every occurrence whose date differs between two snapshots of a plan."""
    old = _occurrence_map(before)
    changes: list[DateChange] = []
    for key, new in _occurrence_map(after).items():
        prev = old.get(key)
        if prev is not None and prev.date != new.date:
            changes.append(
                DateChange(
                    step_id=new.step_id,
                    title=new.title,
                    index=new.position,
                    old_date=prev.date,
                    new_date=new.date,
                    old_day=prev.day,
                    new_day=new.day,
                )
            )
    return changes


_RECORDED = (StepStatus.DONE, StepStatus.SKIPPED)
_PLANNED = StepStatus.PLANNED


def _freeze_done(step: PlanStep, plan: Plan) -> PlanStep:
    """Give every done or skipped occurrence without a date its current date, so it stays put.

    A recorded event (given on Thu 10 Dec, skipped on Thu 10 Dec) is a fact about that
    date: moving the series or Day 0 moves what is still planned, never the record.
    """
    if not any(r.status in _RECORDED and r.actual_date is None for r in step.records):
        return step
    records = tuple(
        replace(r, actual_date=plan.planned_date(step, r.offset))
        if r.status in _RECORDED and r.actual_date is None
        else r
        for r in step.records
    )
    return replace(step, records=records)


def infusion_given(plan: Plan) -> Occurrence | None:
    """The Day 0 infusion, when it is recorded as given (it then fixes Day 0)."""
    for occ in plan.phase_occurrences(Phase.INFUSION):
        if occ.anchor == DAY0 and occ.anchor_day == 0 and occ.status is StepStatus.DONE:
            return occ
    return None


def reanchor(plan: Plan, new_day0: dt.date, reason: str) -> tuple[Plan, list[DateChange]]:
    """Move Day 0: return the new plan and every date that changes (public API).

    Steps already done keep their real dates; anchors set to real dates stay put.
    A reason is required: Day 0 moves are audited and shown on the team summary.
    Once the infusion is recorded as given, Day 0 can only move to its recorded date
    (the infusion happened a day late, say): day numbers count from the real infusion.
    """
    if isinstance(new_day0, dt.datetime) or not isinstance(new_day0, dt.date):
        raise ValidationError("day0", tr("The new Day 0 must be a calendar date."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", tr("Give a reason for moving Day 0."))
    if new_day0 == plan.day0:
        raise ValidationError(
            "day0", tr("Day 0 is already {date}.").format(date=new_day0.isoformat())
        )
    given = infusion_given(plan)
    if given is not None and new_day0 != given.date:
        raise ValidationError(
            "day0",
            tr(
                "The stem-cell infusion is recorded as given on {date}, so that is Day 0: "
                "every day number after it counts from it. If that record is wrong, correct "
                "it first (undo it on the timeline or the worklist)."
            ).format(date=short_date(given.date, year=True)),
        )
    frozen = replace(plan, steps=tuple(_freeze_done(s, plan) for s in plan.steps))
    moved = replace(
        frozen,
        day0=new_day0,
        day0_history=(*plan.day0_history, Day0Change(plan.day0, new_day0, reason)),
    )
    return moved, diff_dates(plan, moved)


def _replace_step(plan: Plan, step: PlanStep) -> Plan:
    return replace(plan, steps=tuple(step if s.id == step.id else s for s in plan.steps))


def move_step(plan: Plan, step_id: str, delta_days: int) -> tuple[Plan, list[DateChange]]:
    """Shift the not-done occurrences of a step by ``delta_days`` (a drag on the timeline)."""
    if delta_days == 0:
        return plan, []
    step = plan.step(step_id)
    if step.is_done:
        raise ValidationError(
            "step", tr("'{step}' is done; its dates are real dates now.").format(step=step.title)
        )
    frozen = _freeze_done(step, plan)
    moved = _replace_step(plan, replace(frozen, shift=step.shift + delta_days))
    return moved, diff_dates(plan, moved)


def set_anchor_date(plan: Plan, anchor: str, date: dt.date | None) -> tuple[Plan, list[DateChange]]:
    """Set a named anchor to a real date (or back to its default with ``None``)."""
    if anchor == DAY0 or anchor not in plan.anchors:
        raise ValidationError(
            "anchor", tr("'{anchor}' is not an anchor that can be set here.").format(anchor=anchor)
        )
    if date is not None and (isinstance(date, dt.datetime) or not isinstance(date, dt.date)):
        raise ValidationError(
            "anchor", tr("Anchor '{name}' must be a calendar date.").format(name=anchor)
        )
    states = dict(plan.anchors)
    states[anchor] = replace(states[anchor], fixed_date=date)
    moved = replace(plan, anchors=states)
    return moved, diff_dates(plan, moved)


def _check_offset(step: PlanStep, offset: int) -> None:
    if offset not in step.days:
        raise ValidationError(
            "offset",
            tr("'{step}' has no occurrence on day {day}.").format(step=step.title, day=offset),
        )


def mark_done(
    plan: Plan,
    step_id: str,
    offset: int,
    actual_date: dt.date,
    *,
    by: str,
    at: str,
    reason: str = "",
    override: str = "",
) -> Plan:
    """Record that one occurrence happened on ``actual_date`` (``override``: why a rule
    that refused it was overridden)."""
    if isinstance(actual_date, dt.datetime) or not isinstance(actual_date, dt.date):
        raise ValidationError("actual_date", tr("The date it happened must be a calendar date."))
    step = plan.step(step_id)
    _check_offset(step, offset)
    old = step.record_for(offset)
    rec = OccurrenceRecord(
        offset,
        StepStatus.DONE,
        actual_date,
        by=by,
        at=at,
        reason=reason,
        shift=old.shift if old is not None else 0,  # where it was moved, if undone later
        override=override.strip(),
    )
    records = (*(r for r in step.records if r.offset != offset), rec)
    return _replace_step(plan, replace(step, records=records))


def skip_occurrence(
    plan: Plan, step_id: str, offset: int, *, reason: str, by: str, at: str
) -> Plan:
    """Record that one occurrence will not happen, and why."""
    if not reason.strip():
        raise ValidationError("reason", tr("Give a reason for skipping."))
    step = plan.step(step_id)
    _check_offset(step, offset)
    old = step.record_for(offset)
    if old is not None and old.status is StepStatus.DONE:
        when = old.actual_date.isoformat() if old.actual_date else tr("its day")
        raise ValidationError(
            "offset",
            tr(
                "'{step}' is recorded as done on {date}; undo that record before skipping it."
            ).format(step=step.title, date=when),
        )
    rec = OccurrenceRecord(
        offset,
        StepStatus.SKIPPED,
        plan.planned_date(step, offset),
        by=by,
        at=at,
        reason=reason.strip(),
        shift=old.shift if old is not None else 0,
    )
    records = (*(r for r in step.records if r.offset != offset), rec)
    return _replace_step(plan, replace(step, records=records))


def undo_occurrence_record(plan: Plan, step_id: str, offset: int) -> Plan:
    """Take back a done/skipped entry (the occurrence is planned again, where it was moved)."""
    step = plan.step(step_id)
    old = step.record_for(offset)
    kept = (
        ()
        if old is None or not old.shift
        else (OccurrenceRecord(offset, StepStatus.PLANNED, shift=old.shift),)
    )
    records = (*(r for r in step.records if r.offset != offset), *kept)
    return _replace_step(plan, replace(step, records=records))


def move_occurrences(
    plan: Plan, step_id: str, offsets: Sequence[int], delta_days: int
) -> tuple[Plan, list[DateChange]]:
    """Move some occurrences of a step (one weekly test, one run of days) by ``delta_days``.

    The rest of the series stays; an occurrence already done or skipped is refused (its
    record is about its date). The move is relative, so it follows Day 0 like the step.
    """
    if delta_days == 0:
        return plan, []
    step = plan.step(step_id)
    for offset in offsets:
        _check_offset(step, offset)
        rec = step.record_for(offset)
        if rec is not None and rec.status in _RECORDED:
            raise ValidationError(
                "offset",
                tr("'{step}' on {date} is recorded as {status}; its date cannot move.").format(
                    step=step.title,
                    date=short_date(plan.planned_date(step, offset)),
                    status=status_word(rec.status),
                ),
            )
    chosen = set(offsets)
    records = []
    for rec in step.records:
        if rec.offset in chosen:
            shift = rec.shift + delta_days
            if shift:
                records.append(replace(rec, shift=shift))
            chosen.discard(rec.offset)
        else:
            records.append(rec)
    records += [OccurrenceRecord(o, StepStatus.PLANNED, shift=delta_days) for o in sorted(chosen)]
    moved = _replace_step(plan, replace(step, records=tuple(records)))
    return moved, diff_dates(plan, moved)


def set_step_status(plan: Plan, step_id: str, status: StepStatus, reason: str) -> Plan:
    """Skip, cancel or re-plan a whole step."""
    if status is StepStatus.DONE:
        # A done step without dates would move with Day 0; mark each occurrence done instead.
        raise ValidationError("status", tr("Mark each occurrence done with the date it happened."))
    if status is not StepStatus.PLANNED and not reason.strip():
        raise ValidationError(
            "reason",
            tr("Give a reason for marking the step {status}.").format(status=status_word(status)),
        )
    step = plan.step(step_id)
    return _replace_step(plan, replace(step, status=status, status_reason=reason.strip()))


def set_step_note(plan: Plan, step_id: str, note: str) -> Plan:
    """Replace the team's note on a step."""
    if len(note) > 2000:
        raise ValidationError("note", tr("A note is limited to 2,000 characters."))
    return _replace_step(plan, replace(plan.step(step_id), note=note.strip()))


def occurrence_notes(plan: Plan, occ: Occurrence) -> list[str]:
    """What a colleague must read about one occurrence: its record's reason (who, when),
    the step's cancel or skip reason, and the team's note on the step."""
    step = plan.step(occ.step_id)
    lines = []
    rec = step.record_for(occ.anchor_day)
    if rec is not None and rec.status in _RECORDED:
        who = ", ".join(x for x in (rec.by, rec.at[:10]) if x)
        said = f": {rec.reason}" if rec.reason else ""
        lines.append(f"{status_word(rec.status).capitalize()}{said}" + (f" ({who})" if who else ""))
    if step.status_reason:
        lines.append(f"{status_word(step.status).capitalize()}: {step.status_reason}")
    if step.note:
        lines.append(tr("Note: {note}").format(note=step.note))
    return lines


# The reasons of a ``CalendarFlag`` (compared in English, translated where shown).
CLINIC_CLOSED: Final = tr_noop("clinic closed")
WEEKEND: Final = tr_noop("weekend")


@dataclass(frozen=True)
class CalendarFlag:
    """An occurrence that falls on a weekend or a clinic closure day.

    Attributes:
        occurrence: the occurrence; reason: "weekend" or "clinic closed".
    """

    occurrence: Occurrence
    reason: str


def calendar_flags(
    plan: Plan,
    closures: Iterable[dt.date] = (),
    *,
    kinds: frozenset[StepKind] = CLINIC_KINDS,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> list[CalendarFlag]:
    """Planned clinic-slot occurrences that fall on a weekend or a closure date.

    ``first`` and ``last`` (inclusive) keep those dated in a range, e.g. the next two weeks.
    """
    closed = frozenset(closures)
    flags: list[CalendarFlag] = []
    for occ in plan.occurrences_dated(first, last, planned_only=True):
        if occ.kind not in kinds or occ.status is not StepStatus.PLANNED:
            continue
        if occ.date in closed:
            flags.append(CalendarFlag(occ, CLINIC_CLOSED))
        elif occ.date.weekday() >= 5:
            flags.append(CalendarFlag(occ, WEEKEND))
    return flags


@dataclass(frozen=True)
class ScheduleRow:
    """One row of ``transplant-planner schedule`` (its ``--json`` keys are a stable interface)."""

    day: int
    date: dt.date
    phase: str
    step_id: str
    title: str
    label: str = field(default="")

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape: day, date, phase, step_id, title."""
        return {
            "day": self.day,
            "date": self.date.isoformat(),
            "phase": self.phase,
            "step_id": self.step_id,
            "title": self.title,
        }

    @classmethod
    def of(cls, occ: Occurrence) -> ScheduleRow:
        """The row of one occurrence (``step_id`` without its template prefix)."""
        return cls(
            day=occ.day,
            date=occ.date,
            phase=occ.phase.value,
            step_id=occ.step_id.split("/", 1)[-1],
            title=occ.title,
            label=occ.label,
        )


def schedule_rows(plan: Plan) -> list[ScheduleRow]:
    """The plan's occurrences as schedule rows, by date."""
    return [ScheduleRow.of(o) for o in plan.sorted_occurrences()]
