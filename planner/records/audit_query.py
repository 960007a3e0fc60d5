"""What an auditor asks of the audit trail: whose, who, when and which action.

The trail only grows (one row per changed field of every commit, plus views, prints and
exports), so the store answers the query itself, newest rows first, up to a limit
(``Repository.search_audit``); the in-memory fake filters with ``matches``, the same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.records.audit import AuditEntry

# Rows shown or exported at most per query: the newest first; a narrower filter finds
# older ones.
AUDIT_LIMIT = 1000
# A bound is the stored UTC text cut at the second ("2026-03-10T08:30:00"): a row of that
# second sorts at or after it as text whatever follows (".000000+00:00", "+00:00"), and a
# row of an earlier second before it, so rows written with and without microseconds
# compare by their time.
UTC_SECOND_CHARS = 19


@dataclass(frozen=True)
class AuditQuery:
    """Filters on the audit trail; empty ones do not filter.

    Attributes:
        patient_id: rows of one patient (their record's changes, views and outputs).
        user: rows written by this user name (exact, case aside: A-Z in SQLite's
            ``lower``, which the in-memory fake follows for the names tests use).
        since, until: rows at or after ``since`` and before ``until`` (aware times; the
            caller turns the days a user typed into their local midnights).
        action: rows whose action contains this text (case aside), e.g. "Day 0".
        limit: the newest rows kept at most.
    """

    patient_id: str | None = None
    user: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    action: str = ""
    limit: int = AUDIT_LIMIT

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"AuditQuery.{name} must be a timezone-aware time")
        if self.limit < 1:
            raise ValueError("AuditQuery.limit must be at least 1")

    def since_text(self) -> str | None:
        """``since`` as the stored rows' UTC text, to the second."""
        return _utc_second(self.since)

    def until_text(self) -> str | None:
        """``until`` as the stored rows' UTC text, to the second."""
        return _utc_second(self.until)


def _utc_second(at: dt.datetime | None) -> str | None:
    if at is None:
        return None
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")[:UTC_SECOND_CHARS]


def local_day_bounds(
    first: dt.date | None, last: dt.date | None, tz: dt.tzinfo | None = None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``since`` and ``until`` for the days ``first`` to ``last`` inclusive: their
    midnights in ``tz``, or (None) in this computer's time zone, each with the offset of
    its own date (a winter day searched in summer starts at its own midnight, not an
    hour off).
    """
    since = _midnight(first, tz) if first is not None else None
    until = _midnight(last + dt.timedelta(days=1), tz) if last is not None else None
    return since, until


def _midnight(day: dt.date, tz: dt.tzinfo | None) -> dt.datetime:
    if tz is not None:
        return dt.datetime.combine(day, dt.time(), tz)
    # A naive time taken as local: the system's rules give the offset of that date.
    return dt.datetime.combine(day, dt.time()).astimezone()


def matches(entry: AuditEntry, query: AuditQuery) -> bool:
    """True when ``entry`` passes every filter of ``query`` (the limit aside)."""
    if query.patient_id is not None and entry.patient_id != query.patient_id:
        return False
    if query.user and entry.user.lower() != query.user.lower():
        return False
    since, until = query.since_text(), query.until_text()
    if since is not None and entry.at_utc < since:
        return False
    if until is not None and entry.at_utc >= until:
        return False
    return not query.action or query.action.lower() in entry.action.lower()
