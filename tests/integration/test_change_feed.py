"""Live updates on a shared server: every commit that changes data tells the other
workstations what it touched, within its own transaction.

The payload's shape runs everywhere; the feed needs PLANNER_TEST_DATABASE_URL (a
disposable PostgreSQL database; CI provides one).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.errors import ConflictError
from planner.records.ports import Presence, RemoteChange
from planner.storage import open_repository
from planner.storage.feed import (
    MOST_OPEN,
    PAYLOAD_LIMIT,
    WAIT_S,
    change_payload,
    hello_payload,
    parse_payload,
    presence_payload,
)
from tests.integration.conftest import PG_URL, _reset_postgres
from tests.integration.factories import ACTOR, OTHER, action, lab, patient, plan, transplant

ROOT = Path(__file__).resolve().parents[2]
# The promise: another workstation sees a change within 2 seconds.
WITHIN_S = 2.0


def test_a_payload_names_what_a_commit_touched_and_reads_back():
    text = change_payload("tok", "jdoe", "WS-07", {"t2", "t1"}, {"p1"})
    source, change = parse_payload(text)  # type: ignore[misc]
    assert source == "tok"
    assert change == RemoteChange(frozenset({"t1", "t2"}), frozenset({"p1"}), "jdoe", "WS-07")


def test_a_commit_touching_too_much_to_name_says_everything():
    ids = {f"transplant-{i:06d}" for i in range(2000)}
    text = change_payload("tok", "jdoe", "WS-07", ids, ())
    assert len(text.encode()) < PAYLOAD_LIMIT
    _, change = parse_payload(text)  # type: ignore[misc]
    assert change.everything and not change.transplant_ids


def test_presence_and_hello_read_back():
    text = presence_payload("tok", "jdoe", "WS-07", {"p2", "p1"})
    assert parse_payload(text) == ("tok", Presence("tok", "jdoe", "WS-07", frozenset({"p1", "p2"})))
    assert parse_payload(hello_payload("tok")) == ("tok", None)
    many = presence_payload("tok", "jdoe", "WS-07", {f"p{i:04d}" for i in range(500)})
    assert len(many.encode()) < PAYLOAD_LIMIT
    assert len(parse_payload(many)[1].patient_ids) == MOST_OPEN  # type: ignore[index,union-attr]


@pytest.mark.parametrize("text", ["", "not json", "[]", json.dumps({"src": "x"})])
def test_anything_else_on_the_channel_is_ignored(text):
    assert parse_payload(text) is None


def _feed(repo, presence=None):
    got: queue.Queue[RemoteChange] = queue.Queue()
    feed = repo.change_feed()
    assert feed is not None
    feed.start(got.put, on_presence=presence.put if presence is not None else lambda _p: None)
    # LISTEN runs in the feed's thread: wait until it listens before committing.
    deadline = time.monotonic() + 5
    while not feed.listening and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    return feed, got


@pytest.fixture
def two_workstations():
    _reset_postgres(PG_URL)
    mine = open_repository(PG_URL, user=ACTOR.user, workstation=ACTOR.workstation)
    theirs = open_repository(PG_URL, user=OTHER.user, workstation=OTHER.workstation)
    try:
        yield mine, theirs
    finally:
        theirs.close()
        mine.close()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set")
def test_another_workstations_commit_arrives_within_two_seconds_and_mine_does_not(
    two_workstations,
):
    mine, theirs = two_workstations
    feed, got = _feed(mine)
    try:
        mine.commit(action(patients=(patient(),), transplants=(transplant(),)))
        started = time.monotonic()
        theirs.commit(action(actor=OTHER, plans=(plan(),)))
        change = got.get(timeout=WITHIN_S)
        assert time.monotonic() - started < WITHIN_S
        assert change.transplant_ids == {"t1"} and change.user == OTHER.user
        assert change.workstation == OTHER.workstation and not change.everything
        theirs.commit(action(actor=OTHER, lab_samples=(lab(),)))
        assert got.get(timeout=WITHIN_S).patient_ids == {"p1"}
        # A view changes no data; and my own commit was not reported back.
        theirs.commit(action(actor=OTHER, patient_id="p1", event="View patient"))
        time.sleep(0.5)
        assert got.empty()
    finally:
        feed.stop()
    assert not feed.listening


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set")
def test_a_commit_in_another_process_arrives_and_a_rolled_back_one_never(two_workstations):
    mine, _ = two_workstations
    mine.commit(action(patients=(patient(),), transplants=(transplant(),)))
    feed, got = _feed(mine)
    script = (
        "import sys\n"
        "from planner.storage import open_repository\n"
        "from tests.integration.factories import OTHER, action, plan\n"
        "repo = open_repository(sys.argv[1], user=OTHER.user, workstation=OTHER.workstation)\n"
        "repo.commit(action(actor=OTHER, plans=(plan(),)))\n"
        "repo.close()\n"
    )
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", script, PG_URL], env=env, check=True, cwd=ROOT)
        change = got.get(timeout=WITHIN_S + 5)  # the child's start-up is not the feed's
        assert change.transplant_ids == {"t1"} and change.user == OTHER.user
        assert time.monotonic() - started < 10
        with pytest.raises(ConflictError):  # the plan was stored meanwhile: rolled back
            mine.commit(action(plans=(plan(),)))
        time.sleep(0.5)
        assert got.empty()
    finally:
        feed.stop()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set")
def test_workstations_learn_who_has_which_patient_open(two_workstations):
    """A feed that starts asks (hello) and hears the open patients of those already
    there; an announcement reaches the feeds already listening."""
    mine, theirs = two_workstations
    seen_by_me: queue.Queue[Presence] = queue.Queue()
    my_feed, _ = _feed(mine, seen_by_me)
    their_feed = theirs.change_feed()
    assert their_feed is not None
    try:
        my_feed.announce({"p2"}, ACTOR.user, ACTOR.workstation)  # sent by the feed's thread
        time.sleep(WAIT_S + 0.3)
        seen_by_them: queue.Queue[Presence] = queue.Queue()
        their_feed.start(lambda _c: None, on_presence=seen_by_them.put)  # says hello
        heard = seen_by_them.get(timeout=WITHIN_S + 3)
        assert (heard.user, heard.workstation, heard.patient_ids) == (
            ACTOR.user,
            ACTOR.workstation,
            {"p2"},
        )
        their_feed.announce({"p1"}, OTHER.user, OTHER.workstation)
        heard = seen_by_me.get(timeout=WITHIN_S)
        assert (heard.user, heard.patient_ids) == (OTHER.user, {"p1"})
    finally:
        my_feed.stop()
        their_feed.stop()
