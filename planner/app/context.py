"""Who acts and when: the context every use case receives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.domain.accounts import SignInPolicy
from planner.domain.i18n import tr
from planner.errors import ValidationError
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

    @property
    def utc_text(self) -> str:
        """``now`` in UTC as ISO text to the second: the "at" of done, skipped and ticked
        entries."""
        return self.now.astimezone(dt.UTC).isoformat(timespec="seconds")

    def refuse_future(self, date: dt.date, what: str, field: str = "date") -> None:
        """Refuse a record dated after today ("A collection on 2026-12-07 is in the
        future."): what is recorded has happened. ``what`` is English, marked with
        ``tr_noop`` where it is written, and shown translated.

        Raises:
            ValidationError: ``date`` is after today.
        """
        if date > self.today:
            raise ValidationError(
                field,
                tr("{what} on {date} is in the future.").format(
                    what=tr(what), date=date.isoformat()
                ),
            )


@dataclass(frozen=True)
class SignedIn:
    """Who signed in: the actor every later action carries, and the rules in force.

    Here, not with the sign-in's use cases (``planner.app.accounts``): a start whose file
    lets the computer's login in shows the clinic before those are imported.
    """

    actor: Actor
    policy: SignInPolicy
