"""Other workstations' commits as they happen, on a shared PostgreSQL server.

Every commit that changes data notifies the channel ``CHANNEL`` in its own transaction
(PostgreSQL delivers a notification only when, and if, the transaction commits; NOTIFY
in the PostgreSQL documentation): the transplants and patients it touched, who and
where, and the token of the repository that wrote it, so a workstation ignores its own.
``PostgresChangeFeed`` listens on a connection of its own in a thread and hands each
other workstation's change to a callback; after a lost connection it reconnects and
reports a change of everything (notifications sent meanwhile are lost).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection
from typing import Any, Final

from sqlalchemy import Engine

from planner.records.ports import RemoteChange

CHANNEL: Final = "planner_change"
# PostgreSQL refuses a payload of 8,000 bytes or more: a commit that touched more ids
# than fit says "everything" instead (a lab import of the whole clinic).
PAYLOAD_LIMIT: Final = 7_000
# How often the listening thread looks up from waiting (to stop, at the latest then).
WAIT_S: Final = 0.5
# After a lost connection, this long before trying again.
RETRY_S: Final = 2.0


def change_payload(
    source: str,
    user: str,
    workstation: str,
    transplant_ids: Collection[str],
    patient_ids: Collection[str],
) -> str:
    """The notification of one commit (JSON), within PostgreSQL's size limit."""
    doc: dict[str, Any] = {
        "src": source,
        "u": user,
        "ws": workstation,
        "t": sorted(transplant_ids),
        "p": sorted(patient_ids),
    }
    text = json.dumps(doc, separators=(",", ":"))
    if len(text.encode()) < PAYLOAD_LIMIT:
        return text
    doc.update(t=[], p=[], all=True)
    doc["u"], doc["ws"] = doc["u"][:200], doc["ws"][:200]
    return json.dumps(doc, separators=(",", ":"))


def parse_payload(text: str) -> tuple[str, RemoteChange] | None:
    """(the writer's token, the change) of a notification; None when it is not one of
    ours (another program on the channel) or malformed."""
    try:
        doc = json.loads(text)
        change = RemoteChange(
            transplant_ids=frozenset(str(t) for t in doc["t"]),
            patient_ids=frozenset(str(p) for p in doc["p"]),
            user=str(doc["u"]),
            workstation=str(doc["ws"]),
            everything=bool(doc.get("all", False)),
        )
        return str(doc["src"]), change
    except (ValueError, KeyError, TypeError):
        return None


class PostgresChangeFeed:
    """Listens for other workstations' commits in a thread of its own (``start``)."""

    def __init__(self, engine: Engine, source: str) -> None:
        self._engine = engine
        self._source = source
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(
        self,
        on_change: Callable[[RemoteChange], None],
        on_lost: Callable[[BaseException], None] = lambda _exc: None,
    ) -> None:
        """Call ``on_change`` (in the feed's thread) for each other workstation's commit;
        ``on_lost`` when the connection is lost (the feed keeps trying to reconnect)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, args=(on_change, on_lost), name="change-feed", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening; returns once the thread has ended (within ``WAIT_S``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5 * WAIT_S)

    @property
    def listening(self) -> bool:
        """True while the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _run(
        self, on_change: Callable[[RemoteChange], None], on_lost: Callable[[BaseException], None]
    ) -> None:
        first = True
        while not self._stop.is_set():
            try:
                self._listen(on_change, reconnected=not first)
            except Exception as exc:  # noqa: BLE001 - a lost server must not end the app
                on_lost(exc)
                self._stop.wait(RETRY_S)
            first = False

    def _listen(self, on_change: Callable[[RemoteChange], None], *, reconnected: bool) -> None:
        raw = self._engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert conn is not None
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            if reconnected:  # what was sent while the connection was down is lost
                on_change(RemoteChange(frozenset(), frozenset(), "", "", everything=True))
            while not self._stop.is_set():
                for note in conn.notifies(timeout=WAIT_S):
                    parsed = parse_payload(note.payload)
                    if parsed is not None and parsed[0] != self._source:
                        on_change(parsed[1])
                    if self._stop.is_set():
                        break
        finally:
            raw.invalidate()  # a listening connection goes back to no pool
