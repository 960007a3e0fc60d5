"""Who acts and when: the context every use case receives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.records.ports import Actor


@dataclass(frozen=True)
class Context:
    """Who acts and when: passed to every use case.

    Attributes:
        actor: user and workstation.
        now: timezone-aware current time (the shell reads the clock, not the core).
    """

    actor: Actor
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        """The local calendar date of ``now``."""
        return self.now.date()
