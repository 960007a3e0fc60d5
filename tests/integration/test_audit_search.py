"""The audit trail searched in the store: every repository answers the same."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.records.audit_query import AuditQuery, local_day_bounds
from planner.records.ports import Repository
from tests.integration import factories as f
from tests.integration.factories import AT, OTHER

UTC = dt.UTC
# The factories' workstation is one hour east of UTC.
TZ = AT.tzinfo
assert TZ is not None


def _history(repo: Repository) -> None:
    """Three days of a small clinic: two patients, two users, views and an export."""
    repo.commit(f.action("Add patient", patients=(f.patient(),), patient_id="p1"))
    repo.commit(
        f.action(
            "Add patient",
            actor=OTHER,
            at=AT + dt.timedelta(days=1),
            patients=(f.patient("p2", "000456", "Otherperson"),),
            patient_id="p2",
        )
    )
    repo.commit(
        f.action(
            "View patient", at=AT + dt.timedelta(days=1, hours=2), patient_id="p2", event="Viewed"
        )
    )
    repo.commit(
        f.action(
            "Export board as JSON (2 patients)",
            actor=OTHER,
            at=AT + dt.timedelta(days=2),
            event="Export board as JSON (2 patients)",
        )
    )


def _actions(rows) -> list[tuple[str, str]]:
    return [(r.action, r.user) for r in rows]


def test_the_newest_rows_come_first_up_to_the_limit(repo: Repository) -> None:
    _history(repo)
    everything = repo.search_audit(AuditQuery())
    assert [r.seq for r in everything] == sorted((r.seq for r in repo.audit_log()), reverse=True)
    assert everything[0].action == "Export board as JSON (2 patients)"
    assert repo.search_audit(AuditQuery(limit=2)) == everything[:2]


def test_each_filter_narrows_the_rows(repo: Repository) -> None:
    _history(repo)
    of_p2 = repo.search_audit(AuditQuery(patient_id="p2"))
    assert {r.patient_id for r in of_p2} == {"p2"}
    assert ("View patient", "jdoe") in _actions(of_p2)
    by_other = repo.search_audit(AuditQuery(user="ASMITH"))  # case aside
    assert {r.user for r in by_other} == {"asmith"} and len(by_other) > 1
    assert repo.search_audit(AuditQuery(user="asmit")) == []  # a name, not a part of one
    exports = repo.search_audit(AuditQuery(action="export BOARD"))
    assert _actions(exports) == [("Export board as JSON (2 patients)", "asmith")]
    assert repo.search_audit(AuditQuery(action="(2 p"))  # "(2 patients)" is there...
    assert repo.search_audit(AuditQuery(action="(2%")) == []  # ...% is text, not a wildcard
    assert repo.search_audit(AuditQuery(action="(_ p")) == []  # nor _


def test_days_are_the_workstations_days(repo: Repository) -> None:
    """10 March 09:30 at UTC+1 is 08:30 UTC: a search for 10 March (local) finds it, one for
    11 March does not; the view of 11 March 11:30 local is found on that day."""
    _history(repo)
    since, until = local_day_bounds(AT.date(), AT.date(), TZ)
    first_day = repo.search_audit(AuditQuery(since=since, until=until))
    assert {r.action for r in first_day} == {"Add patient"}
    assert {r.patient_id for r in first_day} == {"p1"}
    second = AT.date() + dt.timedelta(days=1)
    since, until = local_day_bounds(second, second, TZ)
    assert {r.action for r in repo.search_audit(AuditQuery(since=since, until=until))} == {
        "Add patient",
        "View patient",
    }
    since, _ = local_day_bounds(AT.date() + dt.timedelta(days=2), None, TZ)
    assert _actions(repo.search_audit(AuditQuery(since=since))) == [
        ("Export board as JSON (2 patients)", "asmith")
    ]


def test_a_bound_at_the_rows_second_includes_it(repo: Repository) -> None:
    """Rows are stored to the microsecond; bounds compare to the second."""
    repo.commit(f.action("Add patient", patients=(f.patient(),), patient_id="p1"))
    at = AT.astimezone(UTC)
    assert repo.search_audit(AuditQuery(since=at))
    assert repo.search_audit(AuditQuery(until=at)) == []
    assert repo.search_audit(AuditQuery(until=at + dt.timedelta(seconds=1)))


def test_a_query_refuses_a_time_without_a_zone_and_a_limit_below_one() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        AuditQuery(since=dt.datetime(2026, 3, 10))
    with pytest.raises(ValueError, match="limit"):
        AuditQuery(limit=0)


@pytest.mark.parametrize(
    "stored", ["2026-03-10T08:30:00+00:00", "2026-03-10T08:30:00.000000+00:00"]
)
def test_rows_with_and_without_microseconds_compare_by_their_second(stored) -> None:
    from planner.records.audit import AuditEntry
    from planner.records.audit_query import matches

    row = AuditEntry(
        1, stored, 60, "jdoe", "WS-07", "Save", None, "event", "", "", None, None, "", "1", "h"
    )
    at = dt.datetime(2026, 3, 10, 8, 30, tzinfo=UTC)
    assert matches(row, AuditQuery(since=at))
    assert not matches(row, AuditQuery(until=at))
    assert matches(row, AuditQuery(until=at + dt.timedelta(seconds=1)))
    assert not matches(row, AuditQuery(since=at + dt.timedelta(seconds=1)))


def test_a_day_has_its_own_offset_across_daylight_saving_time(monkeypatch) -> None:
    """Madrid is UTC+1 in January and UTC+2 in July: each day starts at its own midnight."""
    import time

    monkeypatch.setenv("TZ", "Europe/Madrid")
    time.tzset()
    try:
        winter, _ = local_day_bounds(dt.date(2026, 1, 15), None)
        summer, _ = local_day_bounds(dt.date(2026, 7, 15), None)
        _, last = local_day_bounds(None, dt.date(2026, 3, 28))  # the day before the change
        assert winter is not None and summer is not None and last is not None
        assert winter.astimezone(UTC) == dt.datetime(2026, 1, 14, 23, tzinfo=UTC)
        assert summer.astimezone(UTC) == dt.datetime(2026, 7, 14, 22, tzinfo=UTC)
        assert last.astimezone(UTC) == dt.datetime(2026, 3, 28, 23, tzinfo=UTC)  # 29 Mar 00:00 +01
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
