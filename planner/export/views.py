"""The patient's views the command line writes as PDF: their names, default file names
and the timeline's layout by month, shared by the PDF writers (``planner.export.views_pdf``)
and the desktop app's printed timeline.

Kept apart from the writers (which load reportlab) so the command-line grammar and the
app can use them without loading a PDF library.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from planner.domain.plans import Occurrence, Plan, StepStatus
from planner.errors import ValidationError
from planner.records.kinds import VIEW_KINDS as VIEW_KINDS

VIEW_TITLE: Final[dict[str, str]] = {
    "timeline": "Transplant timeline",
    "calendar": "Transplant calendar",
    "checklists": "Transplant checklists",
}

_TOKEN = re.compile(r"^[a-z0-9]{1,16}$")


def view_file_name(view: str, printed_on: dt.date, token: str) -> str:
    """ "timeline_2026-03-10_1a2b3c.pdf": never a name, MRN or date of birth."""
    if view not in VIEW_KINDS:
        raise ValidationError("view", f"View '{view}' is not one of: {', '.join(VIEW_KINDS)}.")
    if not _TOKEN.match(token):
        raise ValidationError("token", "The file token must be 1-16 lower-case letters or digits.")
    return f"{view}_{printed_on.isoformat()}_{token}.pdf"


STATUSES: Final[tuple[str, ...]] = ("done", "planned", "overdue", "skipped", "cancelled")
"""What a step's day shows on a printed timeline (the key of its colours)."""


def months_with_steps(occurrences: Iterable[Occurrence]) -> list[dt.date]:
    """The first day of every month holding an occurrence, in order (years of follow-up
    print a band for each month with something in it, not for every empty month)."""
    return sorted({o.date.replace(day=1) for o in occurrences})


def month_days(month: dt.date) -> list[dt.date]:
    """Every date of the month that starts on ``month``."""
    count = calendar.monthrange(month.year, month.month)[1]
    return [month.replace(day=d) for d in range(1, count + 1)]


def shown_status(occ: Occurrence, today: dt.date) -> str:
    """One of ``STATUSES``: the occurrence's status, "overdue" when past its window."""
    shown = occ.shown_status(today)
    return shown if shown in STATUSES else "planned"


@dataclass(frozen=True)
class Lane:
    """One step's row in a month: its label and the status of each of its days there.

    ``windows``: the first and last day of the window of each planned occurrence that
    has one (Day +28 +/-3: its date minus and plus the step's tolerance), not clipped to
    the month; the label then ends with the tolerance, "(+/-3 d)".
    """

    label: str
    days: Mapping[dt.date, str]
    windows: tuple[tuple[dt.date, dt.date], ...] = ()


def window_note(before: int, after: int) -> str:
    """ "+/-3 d" for a window of 3 days either side, "-2/+5 d" for an uneven one."""
    return f"+/-{before} d" if before == after else f"-{before}/+{after} d"


def _window(occ: Occurrence) -> tuple[dt.date, dt.date] | None:
    """The window of a planned occurrence that has one (see ``Lane``)."""
    return occ.window if occ.status is StepStatus.PLANNED else None


def month_lanes(plan: Plan, month: dt.date, today: dt.date) -> list[Lane]:
    """The steps with a day in ``month``, by their first day there, then by title."""
    last = month_days(month)[-1]
    found: dict[str, tuple[dt.date, str, dict[dt.date, str]]] = {}
    windows: dict[str, list[tuple[dt.date, dt.date]]] = {}
    notes: dict[str, str] = {}
    for occ in plan.sorted_occurrences():
        if not month <= occ.date <= last:
            continue
        _first, _title, days = found.setdefault(occ.step_id, (occ.date, occ.title, {}))
        days[occ.date] = shown_status(occ, today)
        window = _window(occ)
        if window is not None:
            windows.setdefault(occ.step_id, []).append(window)
            notes[occ.step_id] = window_note(max(occ.window_before, 0), max(occ.window_after, 0))
    ordered = sorted(found.items(), key=lambda kv: (kv[1][0], kv[1][1].casefold()))
    return [
        Lane(
            f"{title} ({notes[step_id]})" if step_id in notes else title,
            days,
            tuple(windows.get(step_id, ())),
        )
        for step_id, (_first, title, days) in ordered
    ]
