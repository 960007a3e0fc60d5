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

from planner.domain.i18n import tr
from planner.domain.templates import DOSE_UNITS, ID_PATTERN, DoseBasis, ParseContext, decode_toml

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
    "measurement_age",
    "missing_value",
    "edit",
)
_NUM: Final = (int, float)
# The parameters of each kind: name -> (accepted types, required). A rule with a parameter
# of the wrong type, a missing one or an unknown one is refused when the file is read, so a
# typo never disables a rule silently.
_PARAMS: Final[dict[str, dict[str, tuple[tuple[type, ...], bool]]]] = {
    "interaction": {"drug": ((str,), True), "with_drugs": ((list,), True), "dose": ((dict,), True)},
    "renal": {
        "drug": ((str,), True),
        "crcl_at_most": (_NUM, False),
        "crcl_at_least": (_NUM, False),
        "crcl_below": (_NUM, False),
        "factor": (_NUM, False),
        "dose": ((dict,), False),
        "withhold": ((str,), False),
    },
    "fixed_option": {
        "drug": ((str,), True),
        "weight_at_most": (_NUM, True),
        "fixed_mg": (_NUM, True),
        "renal_crcl_at_most": (_NUM, True),
        "renal_fixed_mg": (_NUM, True),
    },
    "creatinine_flag": {
        "drug": ((str,), True),
        "creatinine_above": (_NUM, True),
        "amount_above": (_NUM, True),
        "text": ((str,), True),
    },
    "daily_maximum": {"drug": ((str,), True), "max_per_day": (_NUM, True), "unit": ((str,), True)},
    "duplicate_agent": {},
    "one_per_category": {"categories": ((list,), True)},
    "ptcy_not_before": {"agents": ((list,), True), "not_before_day": ((int,), True)},
    "ptcy_forbidden": {"agents": ((list,), True)},
    "covers_after": {
        "drug": ((str,), True),
        "cover_agents": ((list,), True),
        "days_after": ((int,), True),
    },
    "condition": {},
    "weight_age": {"max_days": ((int,), True)},
    "measurement_age": {"max_days": ((int,), True)},
    "missing_value": {},
    "edit": {},
}
_DOSE_TABLE: Final = {"amount", "unit", "per", "max_dose"}
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
        """The rule with ``rule_id``; an id the catalogue does not hold (a local template's
        typo, a rule renamed after a plan was made) is a rule of its own that says so."""
        found = self.rules.get(rule_id)
        if found is not None:
            return found
        return RuleDef(
            rule_id,
            "condition",
            "medium",
            tr("Rule '{rule}' named by a template is not in the plan rules").format(rule=rule_id),
            tr("not found in {file}: check the template").format(file=RULES_FILE),
        )

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
    _check_params(ctx, kind, params)
    return RuleDef(rule_id, kind, severity, ctx.text(raw, "title"), ctx.text(raw, "source"), params)


def _check_params(ctx: ParseContext, kind: str, params: Mapping[str, Any]) -> None:
    spec = _PARAMS[kind]
    ctx.reject_unknown(params, set(spec), f"{kind} rule")
    for name, (types, required) in spec.items():
        value = ctx.get(params, name, types, required=required)
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise ctx.error("must be a list of names.", name)
    if "dose" in params:
        _check_dose(ctx, params["dose"])
    if kind == "renal":
        if not {"crcl_at_most", "crcl_at_least", "crcl_below"} & set(params):
            raise ctx.error("needs crcl_at_most, crcl_at_least or crcl_below.", "crcl_at_most")
        acts = [k for k in ("factor", "dose", "withhold") if k in params]
        if len(acts) != 1:
            raise ctx.error("needs exactly one of factor, dose or withhold.", "dose")


def _check_dose(ctx: ParseContext, table: Mapping[str, Any]) -> None:
    ctx.reject_unknown(table, _DOSE_TABLE, "dose")
    amount = ctx.get(table, "amount", _NUM)
    if not amount > 0:
        raise ctx.error("must be a positive number.", "dose.amount")
    if table.get("unit", "mg") not in DOSE_UNITS:
        raise ctx.error(f"unit must be one of: {', '.join(DOSE_UNITS)}.", "dose.unit")
    ctx.choice(table, "per", DoseBasis, default="flat")
    ctx.get(table, "max_dose", _NUM, required=False)


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
