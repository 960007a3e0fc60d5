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

from planner.domain.i18n import tr, tr_noop

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
# In English; the condition's words are translated where they are made (``text``, ``used``).
FACT_LABEL: Final[dict[str, str]] = {
    "recipient_cmv": tr_noop("recipient CMV IgG"),
    "donor_cmv": tr_noop("donor CMV IgG"),
    "hbsag": tr_noop("recipient HBsAg"),
    "anti_hbc": tr_noop("recipient anti-HBc"),
    "sex": tr_noop("sex"),
    "graft_source": tr_noop("graft source"),
    "haematological_malignancy": tr_noop("haematological malignancy"),
    "age": tr_noop("age (years)"),
}
# The recorded values as a condition's words show them (the values stay the keys).
_VALUE_WORDS: Final = {
    "positive": tr_noop("positive"),
    "negative": tr_noop("negative"),
    "female": tr_noop("female"),
    "male": tr_noop("male"),
    "pbsc": tr_noop("pbsc"),
    "marrow": tr_noop("marrow"),
    "cord": tr_noop("cord"),
    "yes": tr_noop("yes"),
    "no": tr_noop("no"),
}


def _label(fact: str) -> str:
    known = FACT_LABEL.get(fact)
    return tr(known) if known is not None else fact


def _value(value: object) -> str:
    word = _VALUE_WORDS.get(str(value))
    return tr(word) if word is not None else str(value)


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
        label = _label(self.fact)
        if self.values:
            either = tr(" or ")
            return f"{label} {either.join(_value(v) for v in self.values)}"
        parts = []
        if self.at_least is not None:
            parts.append(tr("{n} or more").format(n=f"{self.at_least:g}"))
        if self.below is not None:
            parts.append(tr("below {n}").format(n=f"{self.below:g}"))
        both = tr(" and ")
        return f"{label} {both.join(parts)}"

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
        return tr(", or ").join(c.text for c in self.clauses)

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
        missing = tr("not recorded")
        return "; ".join(
            f"{_label(f)}: {_value(facts.get(f)) if facts.get(f) else missing}" for f in seen
        )
