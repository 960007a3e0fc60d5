"""Other workstations' commits as they happen, on a shared PostgreSQL server.

Every commit that changes data notifies the channel ``CHANNEL`` in its own transaction
(PostgreSQL delivers a notification only when, and if, the transaction commits; NOTIFY
in the PostgreSQL documentation): the transplants and patients it touched, who and
where, and the token of the repository that wrote it, so a workstation ignores its own.
``PostgresChangeFeed`` listens on a connection of its own in a thread and hands each
other workstation's change to a callback; after a lost connection it reconnects and
reports a change of everything (notifications sent meanwhile are lost). The same channel
carries presence: each workstation announces the patients it has open, and a feed that
starts asks the others (a hello), who answer with theirs.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Collection
from typing import Any, Final

from sqlalchemy import Engine, text

from planner.records.ports import Presence, RemoteChange

CHANNEL: Final = "planner_change"
# PostgreSQL refuses a payload of 8,000 bytes or more: a commit that touched more ids
# than fit says "everything" instead (a lab import of the whole clinic).
PAYLOAD_LIMIT: Final = 7_000
# How often the listening thread looks up from waiting: to stop (closing waits for it),
# and to send an announcement.
WAIT_S: Final = 0.2
# After a lost connection, this long before trying again.
RETRY_S: Final = 2.0
# How long closing waits for the feed's thread (its last announcement included).
STOP_WAIT_S: Final = 2.0
LOG = logging.getLogger(__name__)


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


# The kinds of notification besides a commit's: which patients a workstation has open,
# and a new listener asking the others to say so.
OPEN: Final = "open"
HELLO: Final = "hello"
# Patients named at most in one announcement (more would not fit a notification; no one
# keeps that many open).
MOST_OPEN: Final = 100


def presence_payload(source: str, user: str, workstation: str, patient_ids: Collection[str]) -> str:
    """The announcement of the patients open on a workstation."""
    ids = sorted(patient_ids)[:MOST_OPEN]
    doc = {"k": OPEN, "src": source, "u": user[:200], "ws": workstation[:200], "p": ids}
    return json.dumps(doc, separators=(",", ":"))


def hello_payload(source: str) -> str:
    """A new listener's question: which patients do the others have open?"""
    return json.dumps({"k": HELLO, "src": source}, separators=(",", ":"))


Message = RemoteChange | Presence | None  # None: a hello


def parse_payload(text: str) -> tuple[str, Message] | None:
    """(the sender's token, what it says) of a notification: a commit's change, a
    workstation's open patients, or a hello (None); None when it is not one of ours
    (another program on the channel) or malformed."""
    try:
        doc = json.loads(text)
        kind = doc.get("k")
        if kind == HELLO:
            return str(doc["src"]), None
        if kind == OPEN:
            presence = Presence(
                str(doc["src"]),
                str(doc["u"]),
                str(doc["ws"]),
                frozenset(str(p) for p in doc["p"]),
            )
            return presence.source, presence
        change = RemoteChange(
            transplant_ids=frozenset(str(t) for t in doc["t"]),
            patient_ids=frozenset(str(p) for p in doc["p"]),
            user=str(doc["u"]),
            workstation=str(doc["ws"]),
            everything=bool(doc.get("all", False)),
        )
        return str(doc["src"]), change
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class PostgresChangeFeed:
    """Listens for other workstations' commits in a thread of its own (``start``).

    Everything that talks to the server runs in that thread: an unreachable server stalls
    the feed, never the window. Announcements (``announce``) are sent from it at its next
    wake-up (every ``WAIT_S``), on a pooled connection (the listening one is busy waiting).
    """

    def __init__(self, engine: Engine, source: str) -> None:
        self._engine = engine
        self._source = source
        self._user = self._workstation = ""
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._announce_due = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_presence: Callable[[Presence], None] = lambda _p: None
        # The patients last announced (None: nothing yet), to answer a hello with.
        self._open: frozenset[str] | None = None

    def start(
        self,
        on_change: Callable[[RemoteChange], None],
        on_lost: Callable[[BaseException], None] = lambda _exc: None,
        on_presence: Callable[[Presence], None] = lambda _p: None,
    ) -> None:
        """Call ``on_change`` (in the feed's thread) for each other workstation's commit;
        ``on_lost`` when the connection is lost (the feed keeps trying to reconnect);
        ``on_presence`` when another workstation says which patients it has open."""
        if self._thread is not None:
            return
        self._on_presence = on_presence
        self._thread = threading.Thread(
            target=self._run, args=(on_change, on_lost), name="change-feed", daemon=True
        )
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """Wait until the feed listens (True), at most ``timeout`` seconds: a read made
        after that misses no commit, as every later one is reported."""
        return self._listening.wait(timeout)

    def announce(self, patient_ids: Collection[str], user: str, workstation: str) -> None:
        """Tell the other workstations which patients ``user`` has open here (sent by the
        feed's thread within ``WAIT_S``); remembered to answer their hellos."""
        self._user, self._workstation = user, workstation
        self._open = frozenset(patient_ids)
        self._announce_due.set()

    def stop(self) -> None:
        """Stop listening (a pending announcement is still sent); returns once the thread
        has ended, or after ``STOP_WAIT_S``."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=STOP_WAIT_S)

    @property
    def listening(self) -> bool:
        """True while the feed listens on the server."""
        return self._listening.is_set()

    def _presence(self) -> str:
        return presence_payload(self._source, self._user, self._workstation, self._open or ())

    def _send(self, payload: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": payload},
            )

    def _send_announcement(self) -> None:
        if self._announce_due.is_set():
            self._announce_due.clear()
            self._send(self._presence())

    def _run(
        self, on_change: Callable[[RemoteChange], None], on_lost: Callable[[BaseException], None]
    ) -> None:
        first = True
        while not self._stop.is_set():
            try:
                self._listen(on_change, reconnected=not first)
            except Exception as exc:  # noqa: BLE001 - a lost server must not end the app
                _guarded(on_lost, exc)
                self._stop.wait(RETRY_S)
            first = False
        try:
            self._send_announcement()  # the last word: nothing open here any more
        except Exception as exc:  # noqa: BLE001 - closing goes on without it
            LOG.warning("change feed: last announcement not sent (%s)", type(exc).__name__)

    def _deliver(self, message: Message, on_change: Callable[[RemoteChange], None]) -> None:
        if isinstance(message, RemoteChange):
            _guarded(on_change, message)
        elif isinstance(message, Presence):
            _guarded(self._on_presence, message)
        elif self._open is not None:  # a hello: say what is open here
            self._announce_due.set()

    def _listen(self, on_change: Callable[[RemoteChange], None], *, reconnected: bool) -> None:
        raw = self._engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert conn is not None
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            self._listening.set()
            if reconnected:  # what was sent while the connection was down is lost
                _guarded(on_change, RemoteChange(frozenset(), frozenset(), "", "", True))
            # Who has which patients open: asked of the others as this feed starts.
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, hello_payload(self._source)))
            while not self._stop.is_set():
                self._send_announcement()
                for note in conn.notifies(timeout=WAIT_S):
                    parsed = parse_payload(note.payload)
                    if parsed is not None and parsed[0] != self._source:
                        self._deliver(parsed[1], on_change)
                    if self._stop.is_set():
                        break
        finally:
            self._listening.clear()
            raw.invalidate()  # a listening connection goes back to no pool


def _guarded(handler: Callable[[Any], None], arg: Any) -> None:
    """Run a handler of the app's; its failure is logged, not taken for a lost server."""
    try:
        handler(arg)
    except Exception as exc:  # noqa: BLE001 - the feed must go on listening
        LOG.warning("change feed: a handler failed (%s)", type(exc).__name__)
