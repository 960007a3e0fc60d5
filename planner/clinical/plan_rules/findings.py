"""What a plan rule found: the rule, a sentence with the values, and the steps it concerns."""

from __future__ import annotations

from dataclasses import dataclass

from planner.clinical.plan_rules.catalogue import RuleDef
from planner.domain.i18n import tr

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Finding:
    """One result of a plan rule.

    Attributes:
        rule: the rule (id, severity, title, source).
        text: what was found, with the values used.
        step_ids: the plan steps it concerns (for tooltips and the panel).
        action: True when someone must act (a clash, a missing value, a step to confirm);
            False for a dose the rule already adjusted or a label option (shown, not alarmed).
        changed: the rule changed a dose (shown as "dose adjusted"; else "note").
    """

    rule: RuleDef
    text: str
    step_ids: tuple[str, ...] = ()
    action: bool = True
    changed: bool = False

    @property
    def label(self) -> str:
        """What the panel and the summary show in the severity column."""
        if self.action:
            return self.severity
        return "dose adjusted" if self.changed else "note"

    @property
    def severity(self) -> str:
        """high, medium or low (from the rule)."""
        return self.rule.severity

    @property
    def sentence(self) -> str:
        """The finding with its rule and source, as printed and shown in tooltips."""
        # The title is the bundled rule's English text, translated here where it is shown;
        # the source is a published reference and stays as written.
        return tr("{text} Rule {rule}: {title}. Source: {source}.").format(
            text=self.text, rule=self.rule.id, title=tr(self.rule.title), source=self.rule.source
        )


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Most severe first; the order found breaks ties."""
    return sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
