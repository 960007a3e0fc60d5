"""Phase checklists: TOML templates, the ticked state of a transplant, and dated views.

A checklist template (``resources/checklists/*.toml``) lists items dated relative to
one of the plan's anchors, so the items move with Day 0:

* ``day0``: the infusion date;
* ``collection``: the first collection-phase occurrence of the plan (the first
  apheresis), else Day 0 (a fresh graft collected on the day);
* ``admission``: the plan's ``admission`` step, else the day before the first
  conditioning day, else Day 0 + ``DEFAULT_ADMISSION_DAY``.

An item may expire: ``expires_after_days`` says how long a result stays valid and
``due_before`` names the anchor it must still be valid at (infectious-disease
markers: 30 days, valid at the collection). ``expiry_alerts`` words the board alert:
"IDM tests expire 3 days before the planned collection".

Templates are parsed like protocol templates (``planner.domain.templates``): size cap,
nesting cap, strict keys, and every error names the file, the item and the field.
Templates are editable examples "for local review", never endorsed checklists.

File format (``schema = 1``)::

    schema = 1
    id = "pre-transplant-workup"
    version = "1"
    title = "Pre-transplant work-up"
    transplant_types = ["autologous", "allogeneic"]
    repeat = "once"                  # or "daily": done only when ticked today
    overdue_on_board = false         # true: an item past due shows on the board until ticked
    review_status = "for local review"
    source = "FACT-JACIE International Standards B6.4.5; centre work-up SOP"

    [[items]]
    id = "idm"
    title = "Infectious-disease markers"
    short = "IDM tests"              # name used in alerts
    section = "Infection"
    anchor = "collection"            # day0 | collection | admission
    day = -7                         # due day relative to the anchor
    expires_after_days = 30
    due_before = "collection"
    window_after_days = 120          # still on time this long after the due date (forms)
    transplant_types = ["allogeneic"]   # optional, narrows the template's
    notes = "FACT-JACIE: within 30 days before collection."
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from planner.domain.assets import list_resources
from planner.domain.days import optional_calendar_date, short_date, short_day_label
from planner.domain.i18n import tr, tr_n, tr_noop
from planner.domain.plans import Plan, is_admission_step
from planner.domain.templates import (
    ID_PATTERN,
    REVIEW_STATUSES,
    ParseContext,
    Phase,
    StepKind,
    decode_toml,
)
from planner.errors import PlannerError, TemplateError, ValidationError
from planner.records.ports import ClinicalRecord

SCHEMA_VERSION: Final = 1
MAX_ITEMS: Final = 200
MAX_DAY: Final = 3650
MAX_EXPIRY_DAYS: Final = 3650
ANCHORS: Final = ("day0", "collection", "admission")
ANCHOR_WORDS: Final = {
    "day0": tr_noop("Day 0"),
    "collection": tr_noop("the planned collection"),
    "admission": tr_noop("the planned admission"),
}
REPEATS: Final = ("once", "daily")
TRANSPLANT_TYPES: Final = ("autologous", "allogeneic", "car-t")
# Without an admission step or conditioning days (e.g. a plan of follow-up templates
# only), admission is taken as Day -8: a week of conditioning plus the admission day.
DEFAULT_ADMISSION_DAY: Final = -8
DUE_SOON_DAYS: Final = 7
MAX_NOTE: Final = 2000

_TOP_KEYS: Final = {
    "schema",
    "id",
    "version",
    "title",
    "transplant_types",
    "repeat",
    "overdue_on_board",
    "review_status",
    "source",
    "description",
    "items",
}
_ITEM_KEYS: Final = {
    "id",
    "title",
    "short",
    "section",
    "anchor",
    "day",
    "expires_after_days",
    "due_before",
    "window_after_days",
    "transplant_types",
    "notes",
}


class ChecklistTemplateError(TemplateError):
    """A checklist template is invalid; the message names the file, the item and the field."""

    def __init__(
        self, file: str, message: str, *, item: str | None = None, field: str | None = None
    ) -> None:
        where = file
        if item is not None:
            where += tr(", item '{item}'").format(item=item)
        if field is not None:
            where += tr(", field '{field}'").format(field=field)
        PlannerError.__init__(self, f"{where}: {message}")
        self.file = file
        self.step = item
        self.item = item
        self.field = field


class _ItemCtx(ParseContext):
    """The protocol parser's context, naming items instead of steps."""

    def error(self, message: str, field_name: str | None = None) -> TemplateError:
        return ChecklistTemplateError(self.file, message, item=self.step, field=field_name)


# --- templates -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a checklist template.

    Attributes:
        id: unique within the template.
        title: what to do or check.
        short: the name used in alerts ("IDM tests"); defaults to the title.
        section: a heading to group items ("Infection").
        anchor: day0, collection or admission (None for daily templates).
        day: due day relative to the anchor (None for daily templates).
        expires_after_days: how long a result stays valid (None: does not expire).
        due_before: the anchor the result must still be valid at.
        transplant_types: the transplant types the item applies to.
        notes: source and rationale, shown to the team.
        window_after_days: how long after its due date the item may still be done on
            time (a registry form's window: CIBMTR forms are past due 120 days after their
            time point); None: due on its date.
    """

    id: str
    title: str
    short: str
    section: str
    anchor: str | None
    day: int | None
    expires_after_days: int | None = None
    due_before: str | None = None
    transplant_types: tuple[str, ...] = TRANSPLANT_TYPES
    notes: str = ""
    window_after_days: int | None = None


@dataclass(frozen=True)
class ChecklistTemplate:
    """A checklist template: the parsed, validated content of one TOML file.

    Attributes:
        id, version, title: identification.
        transplant_types: the types it applies to.
        repeat: "once" or "daily".
        review_status: "for local review" or "locally approved".
        source: the guidelines it paraphrases.
        description: free text.
        items: in file order.
        overdue_on_board: an item past due is a board alert until ticked (registry
            forms: their deadlines hold whatever happened since; a work-up list is
            settled by the transplant itself and would only add noise).
        checksum: SHA-256 of the file bytes.
        path: the file it came from.
    """

    id: str
    version: str
    title: str
    transplant_types: tuple[str, ...]
    repeat: str
    review_status: str
    source: str
    description: str
    items: tuple[ChecklistItem, ...]
    checksum: str = ""
    path: str = ""
    overdue_on_board: bool = False

    def item(self, item_id: str) -> ChecklistItem:
        """The item with ``item_id``."""
        for it in self.items:
            if it.id == item_id:
                return it
        raise ValidationError(
            "item",
            tr("The checklist '{title}' has no item '{item}'.").format(
                title=tr(self.title), item=item_id
            ),
        )

    def applies_to(self, transplant_type: str) -> bool:
        """True when the template is for this transplant type."""
        return transplant_type in self.transplant_types

    def items_for(self, transplant_type: str | None) -> tuple[ChecklistItem, ...]:
        """The items that apply to ``transplant_type`` (all when None)."""
        if transplant_type is None:
            return self.items
        return tuple(i for i in self.items if transplant_type in i.transplant_types)


def _types(
    ctx: ParseContext, table: Mapping[str, Any], default: tuple[str, ...] | None
) -> tuple[str, ...]:
    if "transplant_types" not in table and default is not None:
        return default
    values = ctx.get(table, "transplant_types", list)
    if not values or any(v not in TRANSPLANT_TYPES for v in values):
        raise ctx.error(
            tr("must list one or more of: {types}.").format(types=", ".join(TRANSPLANT_TYPES)),
            "transplant_types",
        )
    return tuple(dict.fromkeys(values))


def _anchor(ctx: ParseContext, table: Mapping[str, Any], key: str) -> str:
    value: str = ctx.get(table, key, str)
    if value not in ANCHORS:
        raise ctx.error(
            tr("anchor '{anchor}' is not one of: {anchors}.").format(
                anchor=value, anchors=", ".join(ANCHORS)
            ),
            key,
        )
    return value


def _expiry(
    ctx: ParseContext, raw: Mapping[str, Any], anchor: str | None, day: int | None
) -> tuple[int | None, str | None]:
    expires = ctx.get(raw, "expires_after_days", int, required=False)
    if expires is None:
        if "due_before" in raw:
            raise ctx.error(
                tr("needs expires_after_days: the anchor the result must still be valid at."),
                "due_before",
            )
        return None, None
    if not 1 <= expires <= MAX_EXPIRY_DAYS:
        raise ctx.error(
            tr("must be from 1 to {n} days.").format(n=MAX_EXPIRY_DAYS), "expires_after_days"
        )
    due_before = _anchor(ctx, raw, "due_before") if "due_before" in raw else anchor
    if due_before == anchor and day is not None and -day > expires:
        raise ctx.error(
            tr(
                "the item is due {due} days before its anchor but expires after {expires} days: "
                "it would expire before the anchor."
            ).format(due=-day, expires=expires),
            "day",
        )
    return expires, due_before


def _parse_item(
    file: str, index: int, raw: Any, repeat: str, types: tuple[str, ...]
) -> ChecklistItem:
    ctx = _ItemCtx(file, f"#{index + 1}")
    if not isinstance(raw, dict):
        raise ctx.error(tr("each [[items]] entry must be a table."))
    item_id = ctx.get(raw, "id", str)
    if not ID_PATTERN.match(item_id):
        raise ctx.error(tr("must be lower-case letters, digits and hyphens."), "id")
    ctx.step = item_id
    ctx.reject_unknown(raw, _ITEM_KEYS, "item")
    anchor: str | None = None
    day: int | None = None
    if repeat == "daily":
        for key in ("anchor", "day", "expires_after_days", "due_before", "window_after_days"):
            if key in raw:
                raise ctx.error(tr("a daily checklist's items are not dated."), key)
    else:
        anchor = _anchor(ctx, raw, "anchor")
        day = ctx.day(ctx.get(raw, "day", int), "day")
    expires, due_before = _expiry(ctx, raw, anchor, day)
    item_types = _types(ctx, raw, types)
    if not set(item_types) <= set(types):
        raise ctx.error(tr("lists a transplant type the template is not for."), "transplant_types")
    title = ctx.text(raw, "title", max_len=300)
    return ChecklistItem(
        id=item_id,
        title=title,
        short=ctx.text(raw, "short", required=False, max_len=60) or title,
        section=ctx.text(raw, "section", required=False, max_len=60),
        anchor=anchor,
        day=day,
        expires_after_days=expires,
        due_before=due_before,
        transplant_types=item_types,
        notes=ctx.text(raw, "notes", required=False),
        window_after_days=_window(ctx, raw),
    )


def _window(ctx: ParseContext, raw: Mapping[str, Any]) -> int | None:
    if "window_after_days" not in raw:
        return None
    days: int = ctx.get(raw, "window_after_days", int)
    if not 0 <= days <= 3650:
        raise ctx.error(tr("must be a whole number of days from 0 to 3650."), "window_after_days")
    return days


def parse_checklist(data: bytes, file: str = "<checklist>") -> ChecklistTemplate:
    """Parse and validate one checklist template.

    Raises:
        ChecklistTemplateError: naming the file, the item and the field.
    """
    ctx = _ItemCtx(file)
    try:
        doc = decode_toml(data, file)
    except ChecklistTemplateError:
        raise
    except TemplateError as exc:  # same message; the checklist error type
        raise ChecklistTemplateError(file, str(exc).removeprefix(f"{file}: ")) from None
    ctx.reject_unknown(doc, _TOP_KEYS, "top-level")
    schema = ctx.get(doc, "schema", int)
    if schema != SCHEMA_VERSION:
        raise ctx.error(
            tr("schema {schema} is not supported (this version reads {version}).").format(
                schema=schema, version=SCHEMA_VERSION
            ),
            "schema",
        )
    template_id = ctx.get(doc, "id", str)
    if not ID_PATTERN.match(template_id):
        raise ctx.error(tr("must be lower-case letters, digits and hyphens."), "id")
    review_status = ctx.text(doc, "review_status")
    if review_status not in REVIEW_STATUSES:
        raise ctx.error(
            tr("must be one of: {values}.").format(values=", ".join(REVIEW_STATUSES)),
            "review_status",
        )
    repeat = ctx.get(doc, "repeat", str, required=False, default="once")
    if repeat not in REPEATS:
        raise ctx.error(
            tr("'{value}' is not one of: {values}.").format(
                value=repeat, values=", ".join(REPEATS)
            ),
            "repeat",
        )
    types = _types(ctx, doc, None)
    raw_items = ctx.get(doc, "items", list)
    if not raw_items:
        raise ctx.error(tr("a checklist needs at least one [[items]] entry."), "items")
    if len(raw_items) > MAX_ITEMS:
        raise ctx.error(tr("has more than {n} items.").format(n=MAX_ITEMS), "items")
    items = tuple(_parse_item(file, i, raw, repeat, types) for i, raw in enumerate(raw_items))
    seen: set[str] = set()
    for it in items:
        if it.id in seen:
            raise ChecklistTemplateError(
                file, tr("the item id is used twice."), item=it.id, field="id"
            )
        seen.add(it.id)
    return ChecklistTemplate(
        id=template_id,
        version=ctx.text(doc, "version", max_len=40),
        title=ctx.text(doc, "title", max_len=160),
        transplant_types=types,
        repeat=repeat,
        review_status=review_status,
        source=ctx.text(doc, "source"),
        description=ctx.text(doc, "description", required=False),
        items=items,
        checksum=hashlib.sha256(data).hexdigest(),
        path=file,
        overdue_on_board=ctx.get(doc, "overdue_on_board", bool, required=False, default=False),
    )


# The checklist a coordinator most likely wants on a transplant day, by the day it
# applies up to: work-up before Day -1, pre-infusion on Days -1 and 0, daily inpatient
# to Day +28 (the engraftment watch), then the follow-up visits (Day +30, Day +100,
# 6 months, 1 year) from the midpoint between them.
_CHECKLIST_BY_DAY: Final = (
    (-2, "pre-transplant-workup"),
    (0, "pre-infusion"),
    (28, "daily-inpatient"),
    (60, "day-30"),
    (140, "day-100"),
    (270, "survivorship-6-month"),
)


def checklist_for_day(day: int) -> str:
    """The id of the checklist most likely wanted on transplant day ``day``."""
    return next(
        (template_id for last, template_id in _CHECKLIST_BY_DAY if day <= last),
        "survivorship-1-year",
    )


def load_checklists() -> dict[str, ChecklistTemplate]:
    """The bundled checklist templates by id, in file-name order."""
    found: dict[str, ChecklistTemplate] = {}
    for res in list_resources("checklists", ".toml"):
        template = parse_checklist(res.read_bytes(), f"checklists/{res.name}")
        if template.id in found:
            raise ChecklistTemplateError(
                res.name,
                tr("checklist id '{id}' is used by two files.").format(id=template.id),
                field="id",
            )
        found[template.id] = template
    return found


# --- state ---------------------------------------------------------------------------


# The stored fields of an item state, by name, as the refusals name them.
_FIELD_NAMES: Final = {"note": tr_noop("note"), "by": tr_noop("by"), "at": tr_noop("at")}


def _text(name: str, value: object) -> str:
    field_name = tr(_FIELD_NAMES.get(name, name))
    if not isinstance(value, str):
        raise ValidationError(name, tr("The {field} must be text.").format(field=field_name))
    if len(value) > MAX_NOTE:
        raise ValidationError(
            name,
            tr("The {field} is longer than {n} characters.").format(field=field_name, n=MAX_NOTE),
        )
    return value.strip()


@dataclass(frozen=True)
class ItemState:
    """What was recorded for one item: done or not, when, who, a note.

    Attributes:
        done: ticked.
        date: the date the item was done (the test date, not the typing date).
        by: who ticked it.
        at: when it was recorded (ISO text, UTC).
        note: free text (result, where, why unticked).
    """

    done: bool
    date: dt.date | None = None
    by: str = ""
    at: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.done, bool):
            raise ValidationError("done", tr("Done must be yes or no."))
        if self.done and self.date is None:
            raise ValidationError("date", tr("A done item needs the date it was done."))
        object.__setattr__(self, "note", _text("note", self.note))
        object.__setattr__(self, "by", _text("by", self.by))

    def to_body(self) -> dict[str, Any]:
        """JSON-ready copy."""
        return {
            "done": self.done,
            "date": None if self.date is None else self.date.isoformat(),
            "by": self.by,
            "at": self.at,
            "note": self.note,
        }

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> ItemState:
        """Read a stored item state (``ValidationError`` when it is malformed)."""
        if not isinstance(body, Mapping):
            raise ValidationError("checklists", tr("A stored checklist item is not a mapping."))
        return cls(
            done=body.get("done", False),
            date=optional_calendar_date(body.get("date"), "date"),
            by=_text("by", body.get("by", "")),
            at=_text("at", body.get("at", "")),
            note=_text("note", body.get("note", "")),
        )


@dataclass(frozen=True)
class ChecklistState:
    """The recorded items of one checklist of one transplant.

    Attributes:
        template_id: the checklist template.
        items: item id -> its latest state (history is in the audit trail).
    """

    template_id: str
    items: Mapping[str, ItemState] = field(default_factory=dict)

    def get(self, item_id: str) -> ItemState | None:
        """The recorded state of an item, if any."""
        return self.items.get(item_id)

    def with_item(self, item_id: str, state: ItemState) -> ChecklistState:
        """A copy with ``item_id`` set to ``state``."""
        return ChecklistState(self.template_id, {**self.items, item_id: state})

    def to_body(self) -> dict[str, Any]:
        """JSON-ready copy: item id -> item state."""
        return {k: v.to_body() for k, v in sorted(self.items.items())}

    @classmethod
    def from_body(cls, template_id: str, body: Mapping[str, Any]) -> ChecklistState:
        """Read one stored checklist."""
        if not isinstance(body, Mapping):
            raise ValidationError(
                "checklists",
                tr("The stored checklist '{checklist}' is not a mapping.").format(
                    checklist=template_id
                ),
            )
        return cls(template_id, {str(k): ItemState.from_body(v) for k, v in body.items()})


def checklists_to_body(states: Mapping[str, ChecklistState]) -> dict[str, Any]:
    """The body of a "checklists" record: one top-level key (audited field) per checklist."""
    return {tid: s.to_body() for tid, s in sorted(states.items())}


def checklists_from_body(body: Mapping[str, Any]) -> dict[str, ChecklistState]:
    """Read the body of a "checklists" record."""
    return {str(tid): ChecklistState.from_body(str(tid), v) for tid, v in body.items()}


def tick_item(
    template: ChecklistTemplate,
    state: ChecklistState | None,
    item_id: str,
    *,
    done: bool,
    date: dt.date | None,
    by: str,
    at: str,
    note: str,
    today: dt.date,
) -> ChecklistState:
    """Return the checklist state with one item ticked (or unticked).

    A done date in the future is refused; unticking keeps the note (why).
    """
    template.item(item_id)  # raises for an unknown item
    if done:
        if date is None:
            raise ValidationError("date", tr("Enter the date the item was done."))
        if date > today:
            raise ValidationError(
                "date", tr("The done date {date} is in the future.").format(date=date.isoformat())
            )
    base = state if state is not None else ChecklistState(template.id)
    entry = ItemState(done=done, date=date if done else None, by=by, at=at, note=note)
    return base.with_item(item_id, entry)


# --- anchors and views ---------------------------------------------------------------


@dataclass(frozen=True)
class AnchorReading:
    """Where an anchor falls for one plan and why."""

    name: str
    date: dt.date
    rule: str


def plan_anchors(plan: Plan) -> dict[str, AnchorReading]:
    """Dates of the checklist anchors (day0, collection, admission) for ``plan``.

    Builds the occurrences of the steps that can be anchors only (collection, admission,
    conditioning: ``planner.domain.plans.dates_an_anchor``), not of the whole plan: the
    board and the registry-forms list read the anchors of every plan, the list from plan
    outlines (``Repository.get_plans(..., outline=True)``) that hold only those steps.
    """
    readings = {"day0": AnchorReading("day0", plan.day0, tr("Day 0: the infusion date."))}
    collection = plan.phase_occurrences(Phase.COLLECTION)
    if collection:
        # The apheresis itself, not the CD34+ count drawn the same morning.
        first = min(collection, key=lambda o: (o.date, o.kind is not StepKind.PROCEDURE))
        readings["collection"] = AnchorReading(
            "collection",
            first.date,
            tr("Collection: {step}, {day}.").format(step=tr(first.title), day=first.label),
        )
    else:
        readings["collection"] = AnchorReading(
            "collection",
            plan.day0,
            tr("Collection: no collection step in the plan; Day 0 used."),
        )
    # Plan step ids are "<template>/<step>": comparing the whole id with "admission"
    # never matched, and the anchor fell back to the day before conditioning.
    admission = [
        o for step in plan.steps if is_admission_step(step.id) for o in plan.step_occurrences(step)
    ]
    conditioning = [] if admission else plan.phase_occurrences(Phase.CONDITIONING)
    if admission:
        first = min(admission, key=lambda o: o.date)
        readings["admission"] = AnchorReading(
            "admission",
            first.date,
            tr("Admission: the plan's admission step, {day}.").format(day=first.label),
        )
    elif conditioning:
        first = min(conditioning, key=lambda o: o.date)
        readings["admission"] = AnchorReading(
            "admission",
            first.date - dt.timedelta(days=1),
            tr("Admission: the day before the first conditioning day ({step}, {day}).").format(
                step=tr(first.title), day=first.label
            ),
        )
    else:
        readings["admission"] = AnchorReading(
            "admission",
            plan.day0 + dt.timedelta(days=DEFAULT_ADMISSION_DAY),
            tr("Admission: no conditioning in the plan; Day {day} used.").format(
                day=DEFAULT_ADMISSION_DAY
            ),
        )
    return readings


@dataclass(frozen=True)
class ItemView:
    """One item as shown today.

    Attributes:
        item: the template item.
        due: due date (None for daily items).
        day: transplant day of ``due``; day_label: "D-21".
        state: what was recorded, if anything.
        status: "done", "overdue", "due soon", "planned", "expired", "expires early",
            or for daily items "done today" / "open today".
        expires_on: last valid date of a done item that expires.
        earliest: for an undone expiring item, the first date on which doing it is
            still valid at its ``due_before`` anchor.
        warning: a sentence about expiry ("" when none).
    """

    item: ChecklistItem
    due: dt.date | None
    day: int | None
    day_label: str
    state: ItemState | None
    status: str
    expires_on: dt.date | None = None
    earliest: dt.date | None = None
    warning: str = ""

    @property
    def done(self) -> bool:
        """Ticked (for daily items: ticked today)."""
        return self.status in ("done", "done today", "expired", "expires early")

    @property
    def window_end(self) -> dt.date | None:
        """The last day the item is on time: its due date plus ``window_after_days``."""
        if self.due is None:
            return None
        return self.due + dt.timedelta(days=self.item.window_after_days or 0)

    def past_due(self, today: dt.date) -> bool:
        """Not done and its window closed before ``today``."""
        end = self.window_end
        return not self.done and end is not None and end < today


@dataclass(frozen=True)
class ChecklistView:
    """A checklist dated for one plan as of ``today``."""

    template: ChecklistTemplate
    items: tuple[ItemView, ...]
    anchors: Mapping[str, AnchorReading]
    today: dt.date

    @property
    def done_count(self) -> int:
        """How many items are done."""
        return sum(1 for i in self.items if i.done)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every expiry warning, in item order."""
        return tuple(i.warning for i in self.items if i.warning)


def _plural_name(name: str) -> bool:
    """True for a name read as plural in English ("IDM tests"): "expire", not "expires"."""
    return name.endswith("s") and not name.endswith("ss")


def _days(n: int) -> str:
    return tr_n("{n} day", "{n} days", n).format(n=n)


def _expiry_warning(
    item: ChecklistItem, done_on: dt.date, anchor: AnchorReading, today: dt.date
) -> tuple[str, str, dt.date]:
    """(status, warning, expires_on) of a done item that expires."""
    assert item.expires_after_days is not None
    expires_on = done_on + dt.timedelta(days=item.expires_after_days)
    word = tr(ANCHOR_WORDS[anchor.name])
    # The bundled short name in the interface's language; "expire" or "expires" is
    # chosen from the English name, which the catalogue's sentences both cover.
    name = tr(item.short)
    if anchor.date < today:
        return "done", "", expires_on  # the event is past: nothing left to be valid for
    if expires_on < today:
        ago = (today - expires_on).days
        text = tr("{item} expired {days} ago; repeat before {anchor}")
        return "expired", text.format(item=name, days=_days(ago), anchor=word), expires_on
    if expires_on < anchor.date:
        gap = (anchor.date - expires_on).days
        text = (
            tr("{item} expire {days} before {anchor}")
            if _plural_name(item.short)
            else tr("{item} expires {days} before {anchor}")
        )
        return (
            "expires early",
            text.format(item=name, days=_days(gap), anchor=word),
            expires_on,
        )
    return "done", "", expires_on


def _item_view(
    item: ChecklistItem,
    state: ItemState | None,
    anchors: Mapping[str, AnchorReading],
    plan: Plan,
    today: dt.date,
    daily: bool,
) -> ItemView:
    if daily:
        done_today = state is not None and state.done and state.date == today
        return ItemView(
            item, None, None, tr("daily"), state, "done today" if done_today else "open today"
        )
    assert item.anchor is not None and item.day is not None
    due = anchors[item.anchor].date + dt.timedelta(days=item.day)
    day = (due - plan.day0).days
    earliest: dt.date | None = None
    if item.expires_after_days is not None and item.due_before is not None:
        earliest = anchors[item.due_before].date - dt.timedelta(days=item.expires_after_days)
    if state is not None and state.done and state.date is not None:
        if item.expires_after_days is None or item.due_before is None:
            return ItemView(item, due, day, short_day_label(day), state, "done")
        status, warning, expires_on = _expiry_warning(
            item, state.date, anchors[item.due_before], today
        )
        return ItemView(
            item, due, day, short_day_label(day), state, status, expires_on, earliest, warning
        )
    if due < today:
        status = "overdue"
    elif (due - today).days <= DUE_SOON_DAYS:
        status = "due soon"
    else:
        status = "planned"
    return ItemView(item, due, day, short_day_label(day), state, status, None, earliest)


def checklist_view(
    template: ChecklistTemplate,
    state: ChecklistState | None,
    plan: Plan,
    today: dt.date,
    transplant_type: str | None = None,
) -> ChecklistView:
    """Date every item of ``template`` from the anchors of ``plan`` as of ``today``.

    Items follow Day 0 (and the collection and admission) because their dates are
    computed, never stored; only what was done, when and by whom is stored.
    """
    anchors = plan_anchors(plan)
    daily = template.repeat == "daily"
    items = tuple(
        _item_view(it, state.get(it.id) if state is not None else None, anchors, plan, today, daily)
        for it in template.items_for(transplant_type)
    )
    return ChecklistView(template, items, anchors, today)


def expiry_alerts(
    templates: Mapping[str, ChecklistTemplate],
    states: Mapping[str, ChecklistState],
    plan: Plan,
    today: dt.date,
    transplant_type: str | None = None,
) -> list[str]:
    """Board alerts for the started checklists of one transplant.

    E.g. "IDM tests expire 3 days before the planned collection". Checklists never
    started (no state) give no alerts; unknown template ids are skipped.
    """
    alerts: list[str] = []
    for template_id, state in sorted(states.items()):
        template = templates.get(template_id)
        if template is None:
            continue
        view = checklist_view(template, state, plan, today, transplant_type)
        alerts.extend(view.warnings)
    return alerts


def checklist_alerts(
    records: Iterable[ClinicalRecord],
    plans: Iterable[Plan],
    today: dt.date,
    templates: Mapping[str, ChecklistTemplate],
    transplant_types: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Board alerts by transplant id from "checklists" records (for ``extra_alerts``).

    A record that cannot be read gives one alert saying so instead of failing the board.
    """
    by_id = {p.transplant_id: p for p in plans}
    found: dict[str, list[str]] = {}
    for record in records:
        plan = by_id.get(record.transplant_id)
        if record.kind != "checklists" or plan is None:
            continue
        try:
            states = checklists_from_body(record.body)
        except ValidationError:
            found[record.transplant_id] = [tr("Checklist record cannot be read.")]
            continue
        kind = (transplant_types or {}).get(record.transplant_id)
        alerts = expiry_alerts(templates, states, plan, today, kind)
        if alerts:
            found[record.transplant_id] = alerts
    return found


def overdue_alerts(
    records: Iterable[ClinicalRecord],
    plans: Iterable[Plan],
    today: dt.date,
    templates: Mapping[str, ChecklistTemplate],
    transplant_types: Mapping[str, str],
) -> dict[str, list[str]]:
    """Board alerts by transplant id: each checklist marked ``overdue_on_board`` with
    items not ticked whose window has closed (``ItemView.past_due``), whether or not anyone
    opened the checklist yet ("Registry forms due (CIBMTR and EBMT): 4 items past due, the
    first since ..."). The same rule as the Forms due list. A record that cannot be read
    is left to ``checklist_alerts``.
    """
    states_of: dict[str, dict[str, ChecklistState]] = {}
    unreadable: set[str] = set()
    for record in records:
        if record.kind == "checklists":
            try:
                states_of[record.transplant_id] = checklists_from_body(record.body)
            except ValidationError:
                unreadable.add(record.transplant_id)  # checklist_alerts says so
    found: dict[str, list[str]] = {}
    for plan in plans:
        kind = transplant_types.get(plan.transplant_id)
        if kind is None or plan.transplant_id in unreadable:
            continue
        states = states_of.get(plan.transplant_id, {})
        for template in applicable_templates(templates, kind):
            if not template.overdue_on_board:
                continue
            view = checklist_view(template, states.get(template.id), plan, today, kind)
            late = [i for i in view.items if i.past_due(today)]
            if late:
                # Past due from the day after the window's last day.
                closed = min(i.window_end for i in late if i.window_end is not None)
                first = closed + dt.timedelta(days=1)
                text = tr_n(
                    "{checklist}: {n} item past due since {date}",
                    "{checklist}: {n} items past due, the first since {date}",
                    len(late),
                ).format(
                    checklist=tr(template.title), n=len(late), date=short_date(first, year=True)
                )
                found.setdefault(plan.transplant_id, []).append(text)
    return found


def applicable_templates(
    templates: Mapping[str, ChecklistTemplate],
    transplant_type: str,
) -> list[ChecklistTemplate]:
    """Templates for a transplant type, in bundle order."""
    return [t for t in templates.values() if t.applies_to(transplant_type)]
