"""The status of a planned step and what it shows on a given day.

Apart from the plans themselves: the clinic timeline painted at start-up from stored
sketches shows statuses but reads no plan (the start-up budget, docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final


class StepStatus(StrEnum):
    """Status of a step or of one of its occurrences."""

    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


OVERDUE: Final = "overdue"
"""The status a planned occurrence shows once it is overdue (never stored)."""


def overdue_before(today: dt.date, window_after: int) -> dt.date:
    """Planned occurrences dated before this day are overdue ``today``: a step may run
    ``window_after`` days late (its window, as in "Day +28 +/-3") before it is."""
    return today - dt.timedelta(days=window_after)


def shown_status(status: str, date: dt.date, window_after: int, today: dt.date | None) -> str:
    """What an occurrence shows today: "overdue" for a planned one past its window,
    else its recorded status ("planned", "done", "skipped", "cancelled")."""
    planned = status == StepStatus.PLANNED
    if planned and today is not None and date < overdue_before(today, window_after):
        return OVERDUE
    return str(status)
