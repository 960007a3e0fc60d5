"""The plan rules as data: resources/rules/plan-rules.toml, read and checked once.

Each rule names its kind (the check that interprets it), its severity, a title and the
published source; the remaining keys are the check's parameters. A malformed file
fails loudly with the file, rule and key, like a template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from planner.domain.templates import ID_PATTERN, ParseContext, decode_toml

SEVERITIES: Final = ("high", "medium", "low")
KINDS: Final = (
    "interaction",
    "renal",
    "fixed_option",
    "creatinine_flag",
    "daily_maximum",
    "duplicate_agent",
    "one_per_category",
    "ptcy_not_before",
    "ptcy_forbidden",
    "covers_after",
    "condition",
    "weight_age",
    "missing_value",
    "edit",
)
_COMMON: Final = {"id", "kind", "severity", "title", "source"}
RULES_FILE: Final = "rules/plan-rules.toml"


@dataclass(frozen=True)
class RuleDef:
    """One rule of the catalogue.

    Attributes:
        id: stable identifier (shown to users and in ``schedule --json``).
        kind: which check interprets it.
        severity: high, medium or low.
        title: what the rule says, in one line.
        source: the published source.
        params: the kind's parameters as written in the file.
    """

    id: str
    kind: str
    severity: str
    title: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def number(self, key: str) -> float | None:
        """A numeric parameter, or None when the rule does not set it."""
        value = self.params.get(key)
        return None if value is None else float(value)

    def text(self, key: str) -> str:
        """A text parameter ("" when absent)."""
        return str(self.params.get(key, ""))

    def names(self, key: str) -> tuple[str, ...]:
        """A list-of-names parameter."""
        return tuple(str(v) for v in self.params.get(key, ()))


@dataclass(frozen=True)
class Catalogue:
    """Every plan rule, by id, and the agent classes of the duplicate check."""

    rules: Mapping[str, RuleDef]
    agent_classes: Mapping[str, tuple[str, ...]]
    # Indexes built once: the board runs the rules on every active plan.
    _by_kind: dict[str, list[RuleDef]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _class_of: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for rule in self.rules.values():
            self._by_kind.setdefault(rule.kind, []).append(rule)
        for cls, members in self.agent_classes.items():
            for member in members:
                self._class_of[member] = cls

    def of_kind(self, kind: str) -> list[RuleDef]:
        """The rules a check interprets, in file order."""
        return self._by_kind.get(kind, [])

    def get(self, rule_id: str) -> RuleDef:
        """The rule with ``rule_id`` (KeyError names it when a template cites an unknown rule)."""
        return self.rules[rule_id]

    def agent(self, drug: str) -> str:
        """The class a drug belongs to for duplicate checks, else the drug itself."""
        name = drug.strip().lower()
        return self._class_of.get(name, name)


def _rule(ctx: ParseContext, raw: Any) -> RuleDef:
    if not isinstance(raw, dict):
        raise ctx.error("each [[rules]] entry must be a table.")
    rule_id = ctx.get(raw, "id", str)
    if not ID_PATTERN.match(rule_id):
        raise ctx.error("must be lower-case letters, digits and hyphens.", "id")
    ctx.step = rule_id
    kind = ctx.get(raw, "kind", str)
    if kind not in KINDS:
        raise ctx.error(f"'{kind}' is not one of: {', '.join(KINDS)}.", "kind")
    severity = ctx.get(raw, "severity", str)
    if severity not in SEVERITIES:
        raise ctx.error(f"'{severity}' is not one of: {', '.join(SEVERITIES)}.", "severity")
    params = {k: v for k, v in raw.items() if k not in _COMMON}
    return RuleDef(rule_id, kind, severity, ctx.text(raw, "title"), ctx.text(raw, "source"), params)


def parse_catalogue(data: bytes, file: str) -> Catalogue:
    """Read a rules file; raises ``TemplateError`` naming the file, rule and key."""
    doc = decode_toml(data, file)
    ctx = ParseContext(file)
    rules: dict[str, RuleDef] = {}
    for raw in ctx.get(doc, "rules", list):
        rule = _rule(ParseContext(file), raw)
        if rule.id in rules:
            raise ctx.error(f"rule id '{rule.id}' is used twice.", "id")
        rules[rule.id] = rule
    classes_raw = ctx.get(doc, "agent_classes", dict, required=False, default={})
    classes = {
        str(name).lower(): tuple(str(m).lower() for m in members)
        for name, members in classes_raw.items()
    }
    return Catalogue(rules, classes)


@cache
def load_catalogue() -> Catalogue:
    """The bundled plan rules (read once per process)."""
    from planner.domain.assets import resource

    return parse_catalogue(resource("rules", "plan-rules.toml").read_bytes(), RULES_FILE)
