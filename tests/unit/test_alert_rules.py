"""Every board alert carries the rule that raised it (shown in the board's tooltip)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app import alert_rules
from planner.app.clinic import clinic_view, load_clinic
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.clinical import engraftment
from planner.domain.patients import GraftSource
from planner.records.ports import Actor
from planner.records.recovery import board_alerts
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def repo() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), NOW))
    return repo


def test_the_rule_texts_use_the_days_the_engraftment_rules_use() -> None:
    assert alert_rules.WATCH_DAY == engraftment.WATCH_DAY
    assert engraftment.PRIMARY_GF_DAY[GraftSource.PBSC] == alert_rules.PRIMARY_GF_PBSC_DAY
    assert engraftment.PRIMARY_GF_DAY[GraftSource.CORD] == alert_rules.PRIMARY_GF_CORD_DAY


def test_every_alert_of_the_demo_clinic_has_its_rule_over_four_months(repo) -> None:
    seen: dict[str, str] = {}
    for shift in range(-10, 120, 3):
        day = NOW.date() + dt.timedelta(days=shift)
        for row in clinic_view(repo, day).rows:
            assert len(row.alert_rules) == len(row.alerts)
            for text, rule in zip(row.alerts, row.alert_rules, strict=True):
                assert rule, f"no rule for {text!r}"
                seen[text] = rule
    rules = set(seen.values())
    assert {alert_rules.OVERDUE, alert_rules.CHECKLISTS} <= rules
    # The weekend/closure line: the calendar rule, then each clash with its reason.
    assert any(r.startswith(alert_rules.CALENDAR) and "(weekend)" in r for r in rules)
    assert any(text.startswith("Neutrophil engraftment") for text in seen)
    assert alert_rules.RECOVERY not in rules  # every counts alert found its own rule


@pytest.mark.parametrize(
    "text",
    [
        "Neutrophil engraftment D+14",
        "Neutrophil engraftment D+14 (override)",
        "ANC never below 0.5",
        "No ANC results since Day 0: engraftment unknown",
        "Meets primary graft failure definition: confirm",
        "No engraftment by D+28: watch",
        "CD34 target reached: stop collection",
        "Low CD34: consider plerixafor",
    ],
)
def test_each_counts_and_harvest_alert_has_its_own_rule(text: str) -> None:
    assert alert_rules.recovery_rule(text) != alert_rules.RECOVERY


def test_the_recovery_module_makes_only_texts_with_a_rule(repo) -> None:
    """The texts board_alerts makes on the demo clinic all match a rule (no silent drift)."""
    data = load_clinic(repo)
    plans = {p.transplant_id: p for p in data.plans}
    for shift in (0, 20, 30, 45):
        today = NOW.date() + dt.timedelta(days=shift)
        for t in data.transplants:
            samples = [s for s in data.samples if s.patient_id == t.patient_id]
            for text in board_alerts(t, plans.get(t.id), samples, None, today):
                assert alert_rules.recovery_rule(text) != alert_rules.RECOVERY, text


def test_an_unreadable_record_says_so() -> None:
    assert (
        alert_rules.record_rule("Checklist record cannot be read.", alert_rules.CHECKLISTS)
        == alert_rules.UNREADABLE
    )
    assert (
        alert_rules.record_rule("IDM tests expire", alert_rules.CHECKLISTS)
        == alert_rules.CHECKLISTS
    )
