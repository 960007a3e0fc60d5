"""Counts tab after engraftment: a later fall of the ANC keeps the initial engraftment date and
shows the secondary graft-failure pattern to confirm, never the primary graft-failure banner
(ASTCT 2021, Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649)."""

from __future__ import annotations

import datetime as dt

from planner.app.context import Context
from planner.app.counts import record_counts
from planner.app.demo import build_demo_clinic
from planner.records.ports import Action
from planner.storage.memory import InMemoryRepository
from tests.gui.conftest import ACTOR, NOW
from ui.counts_tab import CountsTab

CTX = Context(ACTOR, NOW)
# Nadir on Day +5, ANC >= 0.5 from Day +9 (engraftment), 0.01 from Day +18.
ANC = [(0, 2.0), (3, 0.3), (5, 0.05), (7, 0.2), (9, 0.6), (10, 0.9), (11, 1.4), (14, 2.0)]
ANC += [(n, 0.01) for n in range(18, 40, 2)]


def test_secondary_pattern_banner_keeps_the_initial_date(qtbot, make_clinic, open_session):
    repo = InMemoryRepository()
    patient, transplant, plan = next(
        c
        for c in build_demo_clinic(CTX.today)
        if c[0].mrn == "DEMO-0011"  # Day +45
    )
    repo.commit(
        Action(
            actor=CTX.actor,
            at=CTX.now,
            description="seed",
            patients=(patient,),
            transplants=(transplant,),
            plans=(plan,),
        )
    )
    for day, value in ANC:
        record_counts(
            repo, CTX, transplant.id, transplant.day0 + dt.timedelta(days=day), {"anc": value}
        )
    widget = CountsTab(open_session("DEMO-0011", clinic=make_clinic(repo=repo)))
    qtbot.addWidget(widget)
    engrafted_on = transplant.day0 + dt.timedelta(days=9)
    assert widget.status is not None and widget.status.neutrophil_date == engrafted_on
    label = widget.engraftment_labels["neutrophil"].text()
    assert label.startswith(f"Neutrophil engraftment (>= 0.5 x10^9/L): {engrafted_on.isoformat()}.")
    assert widget.graft_failure.isHidden()  # no primary graft-failure banner
    assert not widget.graft_function.isHidden()
    text = widget.graft_function.text()
    assert text.startswith(
        "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive results since D+18 "
        "after engraftment on D+9: confirm."
    )
    assert "initial engraftment date stands" in text
    assert "Rondón" in widget.graft_function.toolTip()
