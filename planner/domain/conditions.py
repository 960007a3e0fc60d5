"""Conditions on template steps: a step that applies only to some patients.

A condition names facts the record holds (recipient CMV serostatus, hepatitis B
markers, sex, age, graft source, ...). It is met when any of its alternatives is met.
When a fact it needs is not recorded the answer is "unknown": the step stays in the
plan, flagged "to confirm", and is never dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

Facts = Mapping[str, "str | float | None"]

# Categorical facts and their recorded values; "age" is the one number (years).
FACT_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "recipient_cmv": ("positive", "negative"),
    "donor_cmv": ("positive", "negative"),
    "hbsag": ("positive", "negative"),
    "anti_hbc": ("positive", "negative"),
    "sex": ("female", "male"),
    "graft_source": ("pbsc", "marrow", "cord"),
    "haematological_malignancy": ("yes", "no"),
}
NUMERIC_FACTS: Final = ("age",)
FACT_LABEL: Final[dict[str, str]] = {
    "recipient_cmv": "recipient CMV IgG",
    "donor_cmv": "donor CMV IgG",
    "hbsag": "recipient HBsAg",
    "anti_hbc": "recipient anti-HBc",
    "sex": "sex",
    "graft_source": "graft source",
    "haematological_malignancy": "haematological malignancy",
    "age": "age (years)",
}


class Answer(StrEnum):
    """Whether a condition holds for the recorded facts."""

    MET = "met"
    NOT_MET = "not met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Clause:
    """One test of one fact: ``fact`` is one of ``values``, or (age) within bounds."""

    fact: str
    values: tuple[str, ...] = ()
    at_least: float | None = None
    below: float | None = None

    @property
    def text(self) -> str:
        """ "recipient CMV IgG positive", "age (years) 18 or more"."""
        label = FACT_LABEL.get(self.fact, self.fact)
        if self.values:
            return f"{label} {' or '.join(self.values)}"
        parts = []
        if self.at_least is not None:
            parts.append(f"{self.at_least:g} or more")
        if self.below is not None:
            parts.append(f"below {self.below:g}")
        return f"{label} {' and '.join(parts)}"

    def answer(self, facts: Facts) -> Answer:
        """MET, NOT_MET, or UNKNOWN when the fact is not recorded."""
        value = facts.get(self.fact)
        if value is None or value in ("", "unknown"):
            return Answer.UNKNOWN
        if self.values:
            return Answer.MET if str(value) in self.values else Answer.NOT_MET
        number = float(value)
        if self.at_least is not None and number < self.at_least:
            return Answer.NOT_MET
        if self.below is not None and number >= self.below:
            return Answer.NOT_MET
        return Answer.MET


@dataclass(frozen=True)
class StepCondition:
    """When a step applies: any of ``clauses`` (an empty tuple never occurs).

    Attributes:
        rule: the plan rule that explains it (its id in resources/rules).
        clauses: alternatives; one met is enough.
    """

    rule: str
    clauses: tuple[Clause, ...]

    @property
    def text(self) -> str:
        """The condition in words: "recipient HBsAg positive, or recipient anti-HBc positive"."""
        return ", or ".join(c.text for c in self.clauses)

    def answer(self, facts: Facts) -> Answer:
        """MET if any clause is met; NOT_MET if all are not met; else UNKNOWN."""
        answers = [c.answer(facts) for c in self.clauses]
        if Answer.MET in answers:
            return Answer.MET
        if Answer.UNKNOWN in answers:
            return Answer.UNKNOWN
        return Answer.NOT_MET

    def used(self, facts: Facts) -> str:
        """The recorded values the answer used: "recipient CMV IgG: negative"."""
        seen = dict.fromkeys(c.fact for c in self.clauses)
        return "; ".join(f"{FACT_LABEL.get(f, f)}: {facts.get(f) or 'not recorded'}" for f in seen)
