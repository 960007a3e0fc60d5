"""What the clinic board and the Today worklist show: their rows, alerts and orders.

Apart from the rules that compute them (``planner.app.board``): the board painted at
start-up from stored entries decodes these rows and reads no plan or template (the
start-up budget, docs/architecture.md, "Quick start").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from planner.app import alert_rules

# Before a high alert wherever alerts are plain text (the board's cell, ``board``'s lines):
# severity must read without colour (colour-blind users, grey-scale printouts).
HIGH_MARK = "!"


class Alert(NamedTuple):
    """A board alert, the rule that raised it and its severity (``planner.app.alert_rules``).

    Attributes:
        text: what the board shows.
        rule: why ("" when unknown).
        severity: "high", "medium" or "low"; a text without a rule is medium.
    """

    text: str
    rule: str = ""
    severity: str = alert_rules.MEDIUM

    @classmethod
    def of(cls, text: str, rule: str) -> Alert:
        """The alert with the severity ``alert_rules.SEVERITY`` gives ``rule`` (the English
        rule), its rule shown in the interface's language."""
        return cls(text, alert_rules.shown(rule), alert_rules.severity_of(rule))

    @property
    def marked(self) -> str:
        """The text, after "! " when the alert is high (readable without colour)."""
        return f"{HIGH_MARK} {self.text}" if self.severity == alert_rules.HIGH else self.text

    def as_json(self) -> dict[str, str]:
        """One alert of ``board --json``: text, severity, rule."""
        return {"text": self.text, "severity": self.severity, "rule": self.rule}


def most_severe_first(alerts: Iterable[Alert]) -> list[Alert]:
    """``alerts`` high, then medium, then low; the order given is kept within a severity."""
    return sorted(alerts, key=lambda a: alert_rules.severity_rank(a.severity))


@dataclass(frozen=True)
class BoardRow:
    """One row of the clinic board.

    Attributes:
        patient_id, transplant_id: record ids.
        mrn, name: identification.
        transplant_type, coordinator: for filters.
        day: transplant day number today (None before Day 0 is set).
        day_label: "D-3", "D+12", or "M-Day 4" while mobilising.
        phase: see ``PhaseReading`` (an English id: filtered on and stored; the views
            translate it); phase_rule: why, in the interface's language.
        due_today: titles of planned occurrences dated today.
        overdue: titles of planned occurrences whose date (and window) has passed.
        alerts: short warnings in the interface's language, most severe first
            (``alert_items`` has them with their rule and severity).
        due_this_week: titles of planned occurrences dated today to six days ahead.
        alert_rules: the rule behind each alert, in the same order ("" when unknown), in
            the interface's language (the severities were decided on the English rules).
        alert_severities: the severity of each alert, in the same order (medium when
            missing).
    """

    patient_id: str
    transplant_id: str
    mrn: str
    name: str
    transplant_type: str
    coordinator: str
    day: int | None
    day_label: str
    phase: str
    phase_rule: str
    due_today: tuple[str, ...]
    overdue: tuple[str, ...]
    alerts: tuple[str, ...]
    due_this_week: tuple[str, ...] = ()
    alert_rules: tuple[str, ...] = ()
    alert_severities: tuple[str, ...] = ()

    @property
    def alert_items(self) -> tuple[Alert, ...]:
        """Each alert with its rule and severity, most severe first."""
        n = len(self.alerts)
        rules = self.alert_rules[:n] + ("",) * (n - len(self.alert_rules))
        severities = self.alert_severities[:n] + (alert_rules.MEDIUM,) * (
            n - len(self.alert_severities)
        )
        return tuple(map(Alert, self.alerts, rules, severities))

    @property
    def high_alerts(self) -> tuple[Alert, ...]:
        """The alerts of high severity (clinical safety), in board order."""
        return tuple(a for a in self.alert_items if a.severity == alert_rules.HIGH)

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape of ``board --json`` (documented in the README).

        ``alerts`` are objects (text, severity, rule), most severe first.
        """
        return {
            "mrn": self.mrn,
            "name": self.name,
            "day": self.day,
            "phase": self.phase,
            "due_today": list(self.due_today),
            "alerts": [a.as_json() for a in self.alert_items],
        }


def board_order(row: BoardRow) -> tuple[bool, int, str, str]:
    """Board order: most urgent (lowest day number) first, rows without a day last.

    The transplant id breaks ties, so rows recomputed for a few transplants and merged
    into the board land exactly where a full recompute puts them.
    """
    return row.day is None, row.day if row.day is not None else 0, row.name, row.transplant_id


def closed_order(row: BoardRow) -> tuple[str, str, str]:
    """Closed rows by name, then MRN and transplant id (the order rows recomputed for a few
    transplants merge into)."""
    return row.name, row.mrn, row.transplant_id


@dataclass(frozen=True)
class WorklistItem:
    """One line of the day's worklist across patients.

    Attributes:
        transplant_id, patient_id, mrn, name: whose step.
        day_label: the patient's live day label today.
        step_id, offset: which occurrence (offset in its anchor's numbering).
        title, date: what and when it was planned.
        overdue: planned before today and its window has passed.
    """

    transplant_id: str
    patient_id: str
    mrn: str
    name: str
    day_label: str
    step_id: str
    offset: int
    title: str
    date: dt.date
    overdue: bool


def worklist_order(item: WorklistItem) -> tuple[bool, str, dt.date, str, str]:
    """Worklist order: overdue first, then by name, date and title (transplant id last)."""
    return not item.overdue, item.name, item.date, item.title, item.transplant_id
