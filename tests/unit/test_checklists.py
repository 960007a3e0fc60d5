"""Checklist templates: bundled files parse, bad input is refused with file/item/field named,
items are dated from the plan's anchors and move with Day 0, expiry alerts are worded."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app.demo import build_demo_clinic
from planner.domain.plans import instantiate, reanchor
from planner.domain.templates import MAX_TEMPLATE_BYTES, load_protocols
from planner.errors import TemplateError, ValidationError
from planner.records.checklists import (
    MAX_ITEMS,
    ChecklistState,
    ChecklistTemplateError,
    ItemState,
    checklist_alerts,
    checklist_view,
    checklists_from_body,
    checklists_to_body,
    expiry_alerts,
    load_checklists,
    parse_checklist,
    plan_anchors,
    tick_item,
)
from planner.records.ports import ClinicalRecord

TODAY = dt.date(2026, 3, 10)
FILE = "checklists/test.toml"

MINIMAL = """\
schema = 1
id = "test-list"
version = "1"
title = "Test list"
transplant_types = ["autologous", "allogeneic"]
review_status = "for local review"
source = "test"

[[items]]
id = "idm"
title = "Infectious-disease markers"
short = "IDM tests"
anchor = "collection"
day = -7
expires_after_days = 30
due_before = "collection"

[[items]]
id = "dental"
title = "Dental clearance"
anchor = "admission"
day = -21

[[items]]
id = "abo-2"
title = "Second ABO sample"
anchor = "admission"
day = -7
transplant_types = ["allogeneic"]
"""


@pytest.fixture(scope="module")
def clinic():
    return {p.mrn: (p, t, pl) for p, t, pl in build_demo_clinic(TODAY)}


@pytest.fixture(scope="module")
def templates():
    return load_checklists()


def _mutate(old: str, new: str) -> bytes:
    assert MINIMAL.count(old) == 1, old
    return MINIMAL.replace(old, new).encode()


# --- bundled templates ----------------------------------------------------------------


EXPECTED = {
    "pre-transplant-workup",
    "donor-clearance",
    "pre-conditioning",
    "pre-infusion",
    "daily-inpatient",
    "discharge-readiness",
    "day-30",
    "day-100",
    "survivorship-6-month",
    "survivorship-1-year",
    "registry-forms",
    "registry-forms-car-t",
}


def test_every_bundled_checklist_parses(templates) -> None:
    assert set(templates) == EXPECTED
    for t in templates.values():
        assert t.review_status == "for local review", t.id
        assert "for local review" in t.source, t.id
        assert t.items, t.id
        assert len(t.checksum) == 64


def test_workup_has_the_fact_jacie_lead_times(templates) -> None:
    workup = templates["pre-transplant-workup"]
    idm = workup.item("idm")
    assert (idm.anchor, idm.expires_after_days, idm.due_before) == ("collection", 30, "collection")
    dental = workup.item("dental")
    assert dental.anchor == "admission" and dental.day is not None and dental.day <= -21
    abo = [i for i in workup.items if i.id.startswith("abo-sample")]
    assert len(abo) == 2
    assert workup.items_for("autologous") != workup.items_for("allogeneic")
    assert templates["donor-clearance"].item("donor-idm").expires_after_days == 30


def test_pre_infusion_verifies_identity_and_dose(templates) -> None:
    ids = {i.id for i in templates["pre-infusion"].items}
    assert {"product-identity", "product-dose"} <= ids


def test_daily_checklist_is_undated(templates) -> None:
    daily = templates["daily-inpatient"]
    assert daily.repeat == "daily"
    assert all(i.anchor is None and i.day is None for i in daily.items)


# --- bad input ------------------------------------------------------------------------


def test_minimal_parses() -> None:
    t = parse_checklist(MINIMAL.encode(), FILE)
    assert [i.id for i in t.items] == ["idm", "dental", "abo-2"]
    assert t.item("dental").short == "Dental clearance"  # defaults to the title
    assert t.item("abo-2").transplant_types == ("allogeneic",)


BAD = [
    pytest.param("day = -21", 'day = "-21"', "item 'dental', field 'day'", id="day-as-text"),
    pytest.param("day = -21", "day = true", "item 'dental', field 'day'", id="day-as-bool"),
    pytest.param(
        'anchor = "admission"\nday = -21',
        'anchor = "discharge"\nday = -21',
        "item 'dental', field 'anchor'",
        id="unknown-anchor",
    ),
    pytest.param(
        'title = "Dental clearance"',
        'title = "Dental clearance"\ncolour = "red"',
        "item 'dental', field 'colour'",
        id="unknown-item-key",
    ),
    pytest.param(
        "expires_after_days = 30",
        "expires_after_days = 0",
        "item 'idm', field 'expires_after_days'",
        id="zero-expiry",
    ),
    pytest.param(
        "expires_after_days = 30",
        "expires_after_days = 5",
        "item 'idm', field 'day'",
        id="expires-before-anchor",
    ),
    pytest.param(
        "expires_after_days = 30\n",
        "",
        "item 'idm', field 'due_before'",
        id="due-before-without-expiry",
    ),
    pytest.param(
        'transplant_types = ["allogeneic"]\n',
        'transplant_types = ["xeno"]\n',
        "item 'abo-2', field 'transplant_types'",
        id="bad-type",
    ),
    pytest.param(
        'review_status = "for local review"',
        'review_status = "approved"',
        "field 'review_status'",
        id="review-status",
    ),
    pytest.param("schema = 1", "schema = 2", "field 'schema'", id="schema"),
    pytest.param('id = "dental"', 'id = "Dental!"', "field 'id'", id="bad-item-id"),
    pytest.param('id = "abo-2"', 'id = "dental"', "item 'dental', field 'id'", id="dup-id"),
    pytest.param(
        'source = "test"', 'source = "test"\nowner = "x"', "field 'owner'", id="unknown-top-key"
    ),
]


@pytest.mark.parametrize(("old", "new", "where"), BAD)
def test_bad_input_names_file_item_and_field(old: str, new: str, where: str) -> None:
    with pytest.raises(ChecklistTemplateError) as err:
        parse_checklist(_mutate(old, new), FILE)
    assert str(err.value).startswith(FILE)
    assert where in str(err.value)


def test_daily_items_must_not_be_dated() -> None:
    data = _mutate('source = "test"', 'source = "test"\nrepeat = "daily"')
    with pytest.raises(ChecklistTemplateError, match="item 'idm', field 'anchor'"):
        parse_checklist(data, FILE)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"x" * (MAX_TEMPLATE_BYTES + 1), id="too-big"),
        pytest.param("title = 'caf\xe9'".encode("latin-1"), id="latin-1"),
        pytest.param(b"a=" + b"[" * 2000, id="deep-nesting"),
        pytest.param(b"n = " + b"9" * 5000, id="huge-int"),
        pytest.param(b"schema = ", id="not-toml"),
        pytest.param(b"", id="empty"),
    ],
)
def test_hostile_files_are_refused_cleanly(data: bytes) -> None:
    with pytest.raises(TemplateError) as err:
        parse_checklist(data, FILE)
    assert str(err.value).startswith(FILE)


def test_too_many_items() -> None:
    item = '[[items]]\nid = "i{n}"\ntitle = "x"\nanchor = "day0"\nday = 0\n'
    head = MINIMAL.split("[[items]]")[0]
    data = head + "".join(item.format(n=n) for n in range(MAX_ITEMS + 1))
    with pytest.raises(ChecklistTemplateError, match="field 'items'"):
        parse_checklist(data.encode(), FILE)


# --- anchors and dating ---------------------------------------------------------------


def test_anchors_of_a_mobilising_patient(clinic) -> None:
    _, _, plan = clinic["DEMO-0001"]  # autologous, G-CSF from M-Day 1 in 7 days
    anchors = plan_anchors(plan)
    assert anchors["collection"].date == dt.date(2026, 3, 21)  # M-Day 5
    assert "Apheresis" in anchors["collection"].rule
    first_cond = min(o.date for o in plan.occurrences() if o.phase.value == "conditioning")
    assert anchors["admission"].date <= first_cond
    assert anchors["day0"].date == plan.day0


def test_collection_defaults_to_day0_without_a_collection_step(clinic) -> None:
    _, _, plan = clinic["DEMO-0004"]
    anchors = plan_anchors(plan)
    assert anchors["collection"].date == plan.day0
    assert "Day 0 used" in anchors["collection"].rule


def test_items_move_with_day0(clinic, templates) -> None:
    _, transplant, plan = clinic["DEMO-0004"]
    workup = templates["pre-transplant-workup"]
    before = checklist_view(workup, None, plan, TODAY, "allogeneic")
    moved, _ = reanchor(plan, plan.day0 + dt.timedelta(days=10), "donor delay")
    after = checklist_view(workup, None, moved, TODAY, "allogeneic")
    for a, b in zip(before.items, after.items, strict=True):
        assert a.due is not None and b.due is not None
        assert (b.due - a.due).days == 10, a.item.id
        assert a.day == b.day  # same relative day
    assert transplant.transplant_type.value == "allogeneic"


def test_item_filter_by_transplant_type(clinic, templates) -> None:
    _, _, plan = clinic["DEMO-0001"]
    workup = templates["pre-transplant-workup"]
    auto = {i.item.id for i in checklist_view(workup, None, plan, TODAY, "autologous").items}
    assert "abo-sample-1" in auto and "abo-sample-2" not in auto
    assert "hla-confirmatory" not in auto


def test_status_overdue_due_soon_planned(clinic) -> None:
    _, _, plan = clinic["DEMO-0001"]  # collection 21 Mar, admission later
    t = parse_checklist(MINIMAL.encode(), FILE)
    view = checklist_view(t, None, plan, TODAY, "autologous")
    by_id = {i.item.id: i for i in view.items}
    assert by_id["idm"].due == dt.date(2026, 3, 14)
    assert by_id["idm"].status == "due soon"
    assert by_id["idm"].earliest == dt.date(2026, 2, 19)  # 30 days before collection
    assert by_id["dental"].status == "planned"
    late = checklist_view(t, None, plan, dt.date(2026, 3, 20), "autologous")
    assert {i.item.id: i.status for i in late.items}["idm"] == "overdue"


# --- expiry ---------------------------------------------------------------------------


def _done(t, item_id, date, today=TODAY, state=None):
    return tick_item(t, state, item_id, done=True, date=date, by="rp", at="x", note="", today=today)


@pytest.mark.parametrize(
    ("done_on", "status", "warning"),
    [
        (
            dt.date(2026, 2, 18),
            "expires early",
            "IDM tests expire 1 day before the planned collection",
        ),
        (
            dt.date(2026, 2, 16),
            "expires early",
            "IDM tests expire 3 days before the planned collection",
        ),
        (dt.date(2026, 2, 19), "done", ""),  # valid exactly to the collection day
        (dt.date(2026, 3, 9), "done", ""),
        (
            dt.date(2026, 2, 5),
            "expired",
            "IDM tests expired 3 days ago; repeat before the planned collection",
        ),
    ],
    ids=["1-day", "3-days", "exactly-30", "fresh", "already-expired"],
)
def test_expiry_wording(clinic, done_on, status, warning) -> None:
    _, _, plan = clinic["DEMO-0001"]  # collection on 21 Mar 2026
    t = parse_checklist(MINIMAL.encode(), FILE)
    state = _done(t, "idm", done_on)
    view = checklist_view(t, state, plan, TODAY)
    idm = next(i for i in view.items if i.item.id == "idm")
    assert idm.status == status
    assert idm.warning == warning
    assert idm.expires_on == done_on + dt.timedelta(days=30)
    alerts = expiry_alerts({t.id: t}, {t.id: state}, plan, TODAY)
    assert alerts == ([warning] if warning else [])


def test_expiry_alert_moves_with_day0(clinic) -> None:
    _, _, plan = clinic["DEMO-0004"]  # collection = Day 0 (9 Apr)
    t = parse_checklist(MINIMAL.encode(), FILE)
    state = _done(t, "idm", dt.date(2026, 3, 9))  # valid to 8 Apr
    assert expiry_alerts({t.id: t}, {t.id: state}, plan, TODAY) == [
        "IDM tests expire 1 day before the planned collection"
    ]
    earlier, _ = reanchor(plan, plan.day0 - dt.timedelta(days=1), "earlier slot")
    assert expiry_alerts({t.id: t}, {t.id: state}, earlier, TODAY) == []


def test_no_alert_after_the_anchor_passed(clinic) -> None:
    _, _, plan = clinic["DEMO-0010"]  # D+21: the collection (Day 0) is past
    t = parse_checklist(MINIMAL.encode(), FILE)
    state = _done(t, "idm", dt.date(2025, 12, 1))
    assert expiry_alerts({t.id: t}, {t.id: state}, plan, TODAY) == []


def test_daily_items_are_done_only_today(clinic, templates) -> None:
    _, _, plan = clinic["DEMO-0010"]
    daily = templates["daily-inpatient"]
    state = _done(daily, "weight", dt.date(2026, 3, 9))
    statuses = {i.item.id: i.status for i in checklist_view(daily, state, plan, TODAY).items}
    assert statuses["weight"] == "open today"
    state = _done(daily, "weight", TODAY, state=state)
    statuses = {i.item.id: i.status for i in checklist_view(daily, state, plan, TODAY).items}
    assert statuses["weight"] == "done today"


# --- state ----------------------------------------------------------------------------


def test_tick_refuses_future_and_missing_dates() -> None:
    t = parse_checklist(MINIMAL.encode(), FILE)
    with pytest.raises(ValidationError, match="future"):
        _done(t, "idm", TODAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="date"):
        tick_item(t, None, "idm", done=True, date=None, by="rp", at="", note="", today=TODAY)
    with pytest.raises(ValidationError, match="no item"):
        _done(t, "nope", TODAY)


def test_untick_keeps_the_reason() -> None:
    t = parse_checklist(MINIMAL.encode(), FILE)
    state = _done(t, "idm", TODAY)
    state = tick_item(
        t, state, "idm", done=False, date=None, by="rp", at="", note="wrong patient", today=TODAY
    )
    entry = state.get("idm")
    assert entry is not None and not entry.done and entry.note == "wrong patient"


def test_body_round_trip() -> None:
    states = {
        "a": ChecklistState(
            "a", {"x": ItemState(True, TODAY, "rp", "t", "ok"), "y": ItemState(False, note="later")}
        )
    }
    body = checklists_to_body(states)
    assert checklists_from_body(body) == states
    with pytest.raises(ValidationError):
        checklists_from_body({"a": {"x": {"done": True, "date": "10/03/2026"}}})
    with pytest.raises(ValidationError):
        checklists_from_body({"a": ["x"]})


def test_checklist_alerts_from_records(clinic) -> None:
    _, transplant, plan = clinic["DEMO-0001"]
    t = parse_checklist(MINIMAL.encode(), FILE)
    state = _done(t, "idm", dt.date(2026, 2, 16))
    good = ClinicalRecord(plan.transplant_id, "checklists", checklists_to_body({t.id: state}))
    _, _, other_plan = clinic["DEMO-0002"]
    bad = ClinicalRecord(other_plan.transplant_id, "checklists", {"x": ["broken"]})
    alerts = checklist_alerts(
        [good, bad],
        [plan, other_plan],
        TODAY,
        {t.id: t},
        {plan.transplant_id: transplant.transplant_type.value},
    )
    assert alerts[plan.transplant_id] == ["IDM tests expire 3 days before the planned collection"]
    assert alerts[other_plan.transplant_id] == ["Checklist record cannot be read."]


def _anchors_from_every_occurrence(plan) -> dict[str, dt.date]:
    """The anchors as found before plan_anchors built only the steps it reads."""
    from planner.domain.templates import Phase, StepKind

    occs = list(plan.occurrences())
    out = {"day0": plan.day0}
    collection = [o for o in occs if o.phase is Phase.COLLECTION]
    out["collection"] = (
        min(collection, key=lambda o: (o.date, o.kind is not StepKind.PROCEDURE)).date
        if collection
        else plan.day0
    )
    admission = [o for o in occs if o.step_id.rsplit("/", 1)[-1] == "admission"]
    conditioning = [o for o in occs if o.phase is Phase.CONDITIONING]
    if admission:
        out["admission"] = min(o.date for o in admission)
    elif conditioning:
        out["admission"] = min(o.date for o in conditioning) - dt.timedelta(days=1)
    else:
        out["admission"] = None  # the default day: compared by the reading's own date
    return out


def test_anchors_read_from_the_anchor_steps_equal_those_of_every_occurrence() -> None:
    from planner.domain.plans import instantiate
    from planner.protocols import load_protocols

    plans = [p for _, _, p in build_demo_clinic(dt.date(2026, 12, 6))]
    plans += [instantiate(proto, dt.date(2026, 12, 6)) for proto in load_protocols().values()]
    for plan in plans:
        expected = _anchors_from_every_occurrence(plan)
        got = {name: reading.date for name, reading in plan_anchors(plan).items()}
        if expected["admission"] is None:
            expected["admission"] = got["admission"]
        assert got == expected, plan.id


_WITH_ADMISSION = sorted(
    pid
    for pid, protocol in load_protocols().items()
    if any(step.id == "admission" for step in protocol.steps)
)


@pytest.mark.parametrize("protocol_id", _WITH_ADMISSION)
def test_the_admission_anchor_is_the_templates_admission_step(protocol_id: str) -> None:
    """Plan step ids are "<template>/<step>": the anchor is the admission step's own date,
    not the day before the first conditioning day (which it was while the whole id was
    compared with "admission")."""
    plan = instantiate(load_protocols()[protocol_id], dt.date(2026, 3, 10))
    step = next(s for s in plan.steps if s.id == f"{protocol_id}/admission")
    first = min(o.date for o in plan.step_occurrences(step))
    reading = plan_anchors(plan)["admission"]
    assert reading.date == first
    assert "admission step" in reading.rule


def test_the_bundled_templates_with_an_admission_step_are_many() -> None:
    assert len(_WITH_ADMISSION) >= 10  # the parametrised test above is not vacuous
