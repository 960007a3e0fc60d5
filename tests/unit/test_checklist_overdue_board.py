"""Registry forms past due (their window closed) reach the board, whether or not anyone
opened the checklist; checklists whose deadlines end with the event stay off the board;
the Forms due list and `forms --json` say the same."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app import alert_rules
from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.demo import build_demo_clinic, load_demo_clinic
from planner.domain.days import short_date
from planner.errors import TemplateError
from planner.records.checklists import (
    ChecklistState,
    ItemState,
    checklists_to_body,
    load_checklists,
    overdue_alerts,
    parse_checklist,
)
from planner.records.ports import Actor, ClinicalRecord
from planner.storage.memory import InMemoryRepository

TODAY = dt.date(2026, 12, 6)
TEMPLATES = load_checklists()


@pytest.fixture(scope="module")
def clinic():
    return {p.mrn: (p, t, plan) for p, t, plan in build_demo_clinic(TODAY)}


def _alerts(case, today=TODAY, records=()):
    _, transplant, plan = case
    types = {transplant.id: transplant.transplant_type.value}
    return overdue_alerts(records, [plan], today, TEMPLATES, types).get(transplant.id, [])


def test_the_demo_patients_a_year_out_show_their_overdue_registry_forms() -> None:
    repo = InMemoryRepository()
    now = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), now))
    rows = {r.mrn: r for r in clinic_view(repo, TODAY, frozenset()).rows}
    # Day +200: consent, Pre-TED, MED-A and the EBMT Day 100 form are past due; the
    # 100-day Post-TED is in its 120-day window until Day +220. Day +420: three more.
    for mrn, count in (("DEMO-0013", 4), ("DEMO-0014", 7)):
        found = [a for a in rows[mrn].alert_items if a.rule == alert_rules.CHECKLIST_OVERDUE]
        assert len(found) == 1 and found[0].severity == "medium"
        assert found[0].text.startswith(f"Registry forms due (CIBMTR and EBMT): {count} items")


def test_an_item_counts_from_the_day_after_its_due_date(clinic) -> None:
    # Pre-TED and EBMT MED-A are due on Day 0; the consent was due at admission, before.
    case = clinic["DEMO-0008"]
    day0 = case[2].day0
    assert _alerts(case, today=day0)[0].startswith(
        "Registry forms due (CIBMTR and EBMT): 1 item past due"
    )
    assert _alerts(case, today=day0 + dt.timedelta(days=1))[0].startswith(
        "Registry forms due (CIBMTR and EBMT): 3 items past due"
    )


def test_a_cibmtr_form_is_past_due_only_after_its_120_day_window(clinic) -> None:
    case = clinic["DEMO-0008"]
    day0 = case[2].day0
    on_220 = _alerts(case, today=day0 + dt.timedelta(days=220))[0]
    on_221 = _alerts(case, today=day0 + dt.timedelta(days=221))[0]
    assert "4 items past due" in on_220  # the EBMT Day 100 form has no window
    assert "5 items past due" in on_221  # the 100-day Post-TED closed on Day +220


def test_a_ticked_form_no_longer_counts(clinic) -> None:
    case = clinic["DEMO-0013"]
    _, transplant, _ = case
    template = TEMPLATES["registry-forms"]
    state = ChecklistState(template.id, {"pre-ted": ItemState(done=True, date=TODAY, by="u")})
    record = ClinicalRecord(
        transplant.id, "checklists", checklists_to_body({template.id: state}), version=1
    )
    assert "3 items past due" in _alerts(case, records=[record])[0]


def test_work_up_lists_stay_off_the_board(clinic) -> None:
    assert not TEMPLATES["pre-transplant-workup"].overdue_on_board
    assert all("work-up" not in a for a in _alerts(clinic["DEMO-0014"]))


def test_overdue_on_board_must_be_true_or_false() -> None:
    from planner.domain.assets import resource

    data = resource("checklists", "registry-forms.toml").read_bytes()
    bad = data.replace(b"overdue_on_board = true", b'overdue_on_board = "yes"')
    with pytest.raises(TemplateError, match="overdue_on_board"):
        parse_checklist(bad, "registry-forms.toml")


def test_the_forms_list_gives_each_form_its_window_and_status(tmp_path) -> None:
    from planner.app.forms import forms_due

    repo = InMemoryRepository()
    now = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), now))
    forms = [f for f in forms_due(repo, TODAY) if f.mrn == "DEMO-0013"]
    post_ted = next(f for f in forms if f.form == "CIBMTR Post-TED (2450), 100 days")
    assert (post_ted.window_end - post_ted.due).days == 120
    assert post_ted.status == "in window"
    assert sum(f.status == "past due" for f in forms) == 4
    assert list(post_ted.as_json()) == ["mrn", "form", "due", "window_end", "status"]
    everything = forms_due(repo, TODAY, everything=True)
    assert any(f.status == "upcoming" for f in everything)
    assert len(everything) > len(forms_due(repo, TODAY))


def test_forms_json_from_the_command_line(tmp_path, capsys, monkeypatch) -> None:
    import json

    from tests.cli_run import run_cli

    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    db = tmp_path / "clinic.db"
    assert run_cli(capsys, "demo-db", str(db))[0] == 0
    code, out, err = run_cli(capsys, "--db", str(db), "forms", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and set(rows[0]) == {"mrn", "form", "due", "window_end", "status"}
    assert {r["status"] for r in rows} <= {"past due", "in window", "upcoming"}
    code, out, _ = run_cli(capsys, "--db", str(db), "forms")
    assert code == 0 and "window to" in out


def test_an_unreadable_checklist_record_gives_no_past_due_count(clinic) -> None:
    """The board says the record cannot be read (checklist_alerts); counting every form as
    not done would add a false count beside it."""
    _, transplant, _ = clinic["DEMO-0013"]
    broken = ClinicalRecord(transplant.id, "checklists", {"registry-forms": "oops"}, version=1)
    assert _alerts(clinic["DEMO-0013"], records=[broken]) == []


def test_past_due_since_is_the_day_after_the_window(clinic) -> None:
    from planner.records.checklists import checklist_view

    case = clinic["DEMO-0008"]
    plan = case[2]
    view = checklist_view(TEMPLATES["registry-forms"], None, plan, plan.day0, "autologous")
    consent = next(i for i in view.items if i.item.id == "data-consent")
    assert consent.window_end is not None and consent.window_end < plan.day0
    text = _alerts(case, today=plan.day0)[0]  # the consent alone is past due
    assert text.endswith(short_date(consent.window_end + dt.timedelta(days=1), year=True))
