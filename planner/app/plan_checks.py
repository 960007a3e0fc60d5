"""The plan rules for one transplant as the app shows them: the workspace's "Plan checks"
panel and step tooltips, and the clinic board's alert line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from planner.app import alert_rules
from planner.app.board import Alert
from planner.clinical.plan_rules.checks import plan_checks
from planner.clinical.plan_rules.facts import facts_of
from planner.clinical.plan_rules.findings import Finding
from planner.domain.i18n import tr
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan


def transplant_findings(
    patient: Patient, transplant: Transplant, plan: Plan, today: dt.date
) -> list[Finding]:
    """Every plan-rule finding of a transplant's plan today, most severe first."""
    return plan_checks(plan, facts_of(patient, transplant, today), today)


def plan_check_alerts(
    patients: Iterable[Patient],
    transplants: Iterable[Transplant],
    plans: Iterable[Plan],
    today: dt.date,
) -> Mapping[str, list[Alert]]:
    """Board alerts of the findings someone must act on, by transplant id.

    Each alert keeps its finding's severity (the rule's: high, medium or low). A dose a
    rule already adjusted is not an alert (it is on the plan, with its rule); a clash, a
    step to confirm, a dose not computed for a missing value, and an old weight before
    conditioning are.
    """
    by_patient = {p.id: p for p in patients}
    by_transplant = {t.id: t for t in transplants}
    alerts: dict[str, list[Alert]] = {}
    for plan in plans:
        transplant = by_transplant.get(plan.transplant_id)
        if transplant is None or not transplant.is_active:
            continue
        patient = by_patient.get(transplant.patient_id)
        if patient is None:
            continue
        found = [f for f in transplant_findings(patient, transplant, plan, today) if f.action]
        if found:
            alerts[transplant.id] = [
                Alert(
                    tr("Plan check ({severity}): {text}").format(
                        severity=alert_rules.shown_severity(f.severity), text=f.text
                    ),
                    f.sentence,
                    f.severity,
                )
                for f in found
            ]
    return alerts
