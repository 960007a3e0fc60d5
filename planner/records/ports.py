"""The storage port: what the core and the UI need from a database.

``Repository`` is a ``typing.Protocol``; the in-memory fake and the SQLAlchemy store
both implement it and pass one contract test suite. Only ``main.py`` and tests build
a concrete repository; the UI sees this interface alone.

One user action is one ``Action``: every record it writes plus its audit rows are
committed in one transaction, or nothing is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Protocol

from planner.domain.accounts import Account, Role, SignInPolicy
from planner.domain.i18n import tr
from planner.errors import ValidationError

if TYPE_CHECKING:  # annotations only: the start-up board imports this module (start-up time)
    from planner.domain.labs import LabSample
    from planner.domain.patients import Patient, Transplant
    from planner.domain.plans import Plan
    from planner.records.audit import AuditEntry, AuditKey
    from planner.records.audit_query import AuditQuery

# The kinds of per-transplant clinical document (one of each kind per transplant).
HARVEST: Final = "harvest"
COMPLICATIONS: Final = "complications"
CHECKLISTS: Final = "checklists"
ENGRAFTMENT: Final = "engraftment"
"""The recovery record: transfusions, engraftment overrides, superseded counts."""
DOCUMENTS: Final = "documents"
"""The history of printed and exported documents."""
INFUSION: Final = "infusion"
"""The products infused (ISBT 128 DIN, doses per kg) and the infusion reactions."""
RECORD_KINDS: Final[tuple[str, ...]] = (
    HARVEST,
    COMPLICATIONS,
    CHECKLISTS,
    ENGRAFTMENT,
    DOCUMENTS,
    INFUSION,
)


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in user name and the workstation name (no patient data).

    Attributes:
        role: the signed-in account's role; None where the database has no accounts
            (everything is permitted, the user is the computer's login). A store with
            accounts refuses a commit whose actor is not an active account of that role.
    """

    user: str
    workstation: str
    role: Role | None = None


@dataclass(frozen=True)
class ClinicalRecord:
    """A JSON-ready document of one kind for one transplant (harvest log, checklists, ...).

    Attributes:
        transplant_id: the transplant it belongs to.
        kind: one of ``RECORD_KINDS``.
        body: the document: a mapping with text keys whose values JSON can hold
            (dicts, lists, text, numbers, booleans, None). Each top-level key is one
            audited field.
        version: the version the editor read (0 for a new record); the store returns
            the saved version.

    Raises:
        ValidationError: an unknown kind, or a body that is not a mapping.
    """

    transplant_id: str
    kind: str
    body: Mapping[str, Any]
    version: int = 0

    def __post_init__(self) -> None:
        if self.kind not in RECORD_KINDS:
            raise ValidationError(
                "kind",
                tr("Unknown record kind; expected one of: {kinds}.").format(
                    kinds=", ".join(RECORD_KINDS)
                ),
            )
        if not isinstance(self.body, Mapping):
            raise ValidationError("body", tr("A clinical record's body must be a mapping."))


@dataclass(frozen=True)
class Action:
    """One user action, saved in one transaction together with its audit rows.

    Each record carries the version its editor read (0 for a new record); a record
    stored with another version makes the whole action fail with ``ConflictError``.

    Attributes:
        actor: who.
        at: when, a timezone-aware datetime (converted to UTC for the audit trail).
        description: what the user did, e.g. "Move Day 0".
        reason: why, where the action asks for one.
        patient_id: whose record this is (None for clinic-wide actions).
        patients, transplants, plans, records: records to insert or update.
        event: for actions that change nothing (view, print, export): the event text.
        lab_samples: laboratory results to insert (never updated); audited as one
            import event, not row by row.
        accounts: accounts to insert or update (each with the version read).
        policy: the sign-in rules to store (with the version read).
        maintenance: an event recorded by a maintenance tool (a restore) on behalf of
            whoever can reach the file; it writes no record, so it is not refused when the
            user is not one of the restored database's accounts.
    """

    actor: Actor
    at: dt.datetime
    description: str
    reason: str = ""
    patient_id: str | None = None
    patients: tuple[Patient, ...] = ()
    transplants: tuple[Transplant, ...] = ()
    plans: tuple[Plan, ...] = ()
    event: str = ""
    records: tuple[ClinicalRecord, ...] = ()
    lab_samples: tuple[LabSample, ...] = ()
    accounts: tuple[Account, ...] = ()
    policy: SignInPolicy | None = None
    maintenance: bool = False


def touched(action: Action) -> tuple[frozenset[str], frozenset[str]]:
    """(transplant ids, patient ids) whose data ``action`` changes: transplants of
    action.transplants, action.plans (transplant_id), action.records (transplant_id); patients
    of action.patients, action.transplants (patient_id), action.lab_samples (patient_id).
    Both empty for an event (a view, a print) or accounts/policy-only actions.

    One list for everything that follows a commit's data: the board index's marks
    (``Repository.board_index``) and a shared server's change notifications.
    """
    transplants = frozenset(
        [t.id for t in action.transplants]
        + [p.transplant_id for p in action.plans]
        + [r.transplant_id for r in action.records]
    )
    patients = frozenset(
        [p.id for p in action.patients]
        + [t.patient_id for t in action.transplants]
        + [x.patient_id for x in action.lab_samples]
    )
    return transplants, patients


@dataclass(frozen=True)
class BoardEntry:
    """A transplant's stored board entry, or its registry-forms entry (``forms_index``):
    derived data (never audited, never the truth)."""

    transplant_id: str
    # The transplant's mark when the data it was computed from was read.
    mark: int
    # What else it was computed with (the app layer's string; compared, not parsed, by
    # the store).
    context: str
    # The app layer's text. A board entry's is lines (``entry_parts``): a head, then one
    # line per day beginning with the day (YYYY-MM-DD), so that a start reads its day's.
    payload: str


ENTRY_DAY = len("2026-12-07")  # the ISO day that begins each of a board entry's day lines


def entry_parts(payload: str) -> tuple[str, dict[str, str]]:
    """A board entry's text as its head and its day lines by day (the line after its
    day); a later line of a day replaces an earlier one."""
    head, *lines = payload.split("\n")
    return head, {line[:ENTRY_DAY]: line[ENTRY_DAY:] for line in lines}


def entry_text(head: str, days: Mapping[str, str]) -> str:
    """The text of ``entry_parts``, its days in order."""
    return head + "".join(f"\n{day}{days[day]}" for day in sorted(days))


@dataclass(frozen=True)
class IndexedTransplant:
    """A transplant with its current mark and its stored entry (the board index lists
    the open ones, Scope.OPEN; the forms index every one)."""

    transplant_id: str
    mark: int  # 0 when no commit touched it since schema 0010
    entry: BoardEntry | None  # whatever is stored (any mark, any context), or None


@dataclass(frozen=True)
class RemoteChange:
    """Another workstation's commit, as a shared server reports it (``ChangeFeed``).

    Attributes:
        transplant_ids, patient_ids: what it touched (a new transplant's id included).
        user, workstation: who and where.
        everything: too much to name, or notifications were lost (a connection dropped):
            read the whole clinic again.
    """

    transplant_ids: frozenset[str]
    patient_ids: frozenset[str]
    user: str
    workstation: str
    everything: bool = False


@dataclass(frozen=True)
class Presence:
    """Which patients another workstation has open (a shared server's change feed).

    Attributes:
        source: the announcing repository's token (one per running app).
        user, workstation: who and where.
        patient_ids: the patients open there now (empty: none, or the app closed).
    """

    source: str
    user: str
    workstation: str
    patient_ids: frozenset[str]


class ChangeFeed(Protocol):
    """Other workstations' commits as they happen (``Repository.change_feed``)."""

    def start(
        self,
        on_change: Callable[[RemoteChange], None],
        on_lost: Callable[[BaseException], None] = ...,
        on_presence: Callable[[Presence], None] = ...,
    ) -> None:
        """Call ``on_change`` for each other workstation's commit, in a thread of the
        feed's own; ``on_lost`` when the connection drops (it is tried again);
        ``on_presence`` when another workstation says which patients it has open."""
        ...

    def stop(self) -> None:
        """Stop listening."""
        ...

    def wait_listening(self, timeout: float) -> bool:
        """Wait until the feed listens (True), at most ``timeout`` seconds: what is read
        after that misses no commit."""
        ...

    def announce(self, patient_ids: Collection[str], user: str, workstation: str) -> None:
        """Tell the other workstations which patients ``user`` has open here (and answer
        their questions with it later)."""
        ...


@dataclass(frozen=True)
class Committed:
    """What a commit stored: the records with their new versions, and the audit rows."""

    patients: tuple[Patient, ...]
    transplants: tuple[Transplant, ...]
    plans: tuple[Plan, ...]
    audit: tuple[AuditEntry, ...]
    records: tuple[ClinicalRecord, ...] = ()
    accounts: tuple[Account, ...] = ()
    policy: SignInPolicy | None = None


@dataclass(frozen=True)
class SignInFailures:
    """Failed sign-ins in a row with one name (kept for any name typed, known or not, so
    that the pause after repeated failures does not tell which names exist).

    Attributes:
        count: failures since the last success.
        paused_until: no sign-in with this name is tried before then (UTC), or None.
    """

    count: int = 0
    paused_until: dt.datetime | None = None


class Scope(StrEnum):
    """Which transplants a clinic-wide read covers.

    A programme's history only grows, so what the board, the worklist and the clinic
    timeline show is read with ``OPEN``: its cost follows the live clinic, not the
    years of completed, cancelled and deceased transplants behind it (``CLOSED``,
    read when the board is asked for them). A patient or a lab sample is in a scope
    when the patient has a transplant in it.
    """

    ALL = "all"
    OPEN = "open"
    CLOSED = "closed"


def scope_statuses(scope: Scope) -> frozenset[str] | None:
    """The transplant status values in ``scope`` (None: every status)."""
    from planner.domain.patients import CLOSED_STATUSES, TransplantStatus

    if scope is Scope.ALL:
        return None
    closed = frozenset(s.value for s in CLOSED_STATUSES)
    if scope is Scope.CLOSED:
        return closed
    return frozenset(s.value for s in TransplantStatus) - closed


# Patients a search returns at most: enough to scroll, few enough that a one-letter
# search of a long history stays quick; the board says when there may be more.
SEARCH_LIMIT: Final = 100


class Repository(Protocol):
    """Storage of patients, transplants, plans, records, lab samples and the audit trail.

    Attributes:
        audit_key: the key of the audit chain (kept outside the database).
    """

    audit_key: AuditKey

    def list_patients(self, scope: Scope = Scope.ALL) -> list[Patient]:
        """Every patient (of transplants in ``scope``), ordered by family then given name."""
        ...

    def search_patients(
        self, text: str, scope: Scope = Scope.ALL, limit: int = SEARCH_LIMIT
    ) -> list[Patient]:
        """Patients (of transplants in ``scope``) whose roster name or MRN contains
        ``text``, case and accents aside (``planner.domain.search``), ordered by family then
        given name; at most ``limit``. Runs in the store: a history of any length is not
        read to find a few patients in it."""
        ...

    def get_patient(self, patient_id: str) -> Patient:
        """One patient; ``NotFoundError`` when absent."""
        ...

    def find_patient_by_mrn(self, mrn: str) -> Patient | None:
        """The patient with this MRN (exact text match), if any."""
        ...

    def list_transplants(
        self,
        patient_id: str | None = None,
        scope: Scope = Scope.ALL,
        patient_ids: Collection[str] | None = None,
    ) -> list[Transplant]:
        """Transplants (in ``scope``) of one patient, or of everyone; only of
        ``patient_ids`` when given (one read for a set of patients)."""
        ...

    def get_transplant(self, transplant_id: str) -> Transplant:
        """One transplant; ``NotFoundError`` when absent."""
        ...

    def get_plan(self, transplant_id: str) -> Plan | None:
        """The plan of a transplant, if it has one."""
        ...

    def list_plans(self, scope: Scope = Scope.ALL, *, outline: bool = False) -> list[Plan]:
        """Every plan of transplants in ``scope`` (for the clinic board); ``outline``:
        each with only the steps that date its checklist anchors
        (``planner.records.serialize.plan_from_dict``), for the registry forms of the whole
        history."""
        ...

    def get_record(self, transplant_id: str, kind: str) -> ClinicalRecord | None:
        """The transplant's record of this kind, if saved.

        Raises:
            ValidationError: ``kind`` is not one of ``RECORD_KINDS``.
        """
        ...

    def list_records(self, kind: str, scope: Scope = Scope.ALL) -> list[ClinicalRecord]:
        """Every record of one kind (of transplants in ``scope``), ordered by transplant id."""
        ...

    # Batched reads: a part of the clinic (the transplants changed since the board's
    # stored entries, an edit's rows) in one query per table, not one per document.

    def get_patients(self, patient_ids: Collection[str]) -> list[Patient]:
        """The patients of these ids that exist, ordered as ``list_patients``."""
        ...

    def get_transplants(self, transplant_ids: Collection[str]) -> list[Transplant]:
        """The transplants of these ids that exist, whatever their status, ordered as
        ``list_transplants``."""
        ...

    def get_plans(self, transplant_ids: Collection[str], *, outline: bool = False) -> list[Plan]:
        """The plans of these transplants (those that have one), ordered as ``list_plans``;
        ``outline``: ``PlanOutline`` with the anchor steps only, as ``list_plans``."""
        ...

    def get_records(
        self, transplant_ids: Collection[str], kinds: Collection[str] = RECORD_KINDS
    ) -> list[ClinicalRecord]:
        """The saved records of these kinds of these transplants, ordered by transplant id
        then kind.

        Raises:
            ValidationError: a kind is not one of ``RECORD_KINDS``.
        """
        ...

    def list_lab_samples(
        self,
        patient_id: str | None = None,
        analytes: Sequence[str] | None = None,
        scope: Scope = Scope.ALL,
        between: tuple[dt.date, dt.date] | None = None,
        patient_ids: Collection[str] | None = None,
    ) -> list[LabSample]:
        """Lab samples of one patient (None: everyone in ``scope``), optionally only some
        analytes, only dated ``between`` two days (both included), and only of
        ``patient_ids`` (one read for a set of patients).

        Ordered by patient, date, analyte, then insertion order (two values of one
        analyte on one day are both kept).
        """
        ...

    def commit(self, action: Action) -> Committed:
        """Save one action in one transaction with its audit rows.

        Raises:
            ConflictError: a record was saved by someone else since it was read.
            NotFoundError: a referenced patient or transplant does not exist.
            ValidationError: a duplicate MRN, or a record body JSON cannot hold.
            StorageError: the database cannot be written.
        """
        ...

    def audit_log(self, patient_id: str | None = None) -> list[AuditEntry]:
        """Audit rows in chain order, all or for one patient."""
        ...

    # --- accounts (planner.domain.accounts; written through ``commit``) ------------------------

    def list_accounts(self) -> list[Account]:
        """Every account, active or not, ordered by ``account_key``."""
        ...

    def get_account(self, name: str) -> Account | None:
        """The account of this name (``account_key``: case aside), if any."""
        ...

    def accounts_in_use(self) -> bool:
        """True once any account exists: sign-in is required."""
        ...

    def sign_in_policy(self) -> SignInPolicy:
        """The stored sign-in rules (the defaults at version 0 before any is stored)."""
        ...

    def sign_in_failures(self, name: str) -> SignInFailures:
        """Failed sign-ins in a row with this name (``account_key``)."""
        ...

    def set_sign_in_failures(self, name: str, failures: SignInFailures | None) -> None:
        """Store the failures of this name (None: forget them, after a success). Not
        audited: a throttle, not a record (the failures themselves are audited events)."""
        ...

    # --- saved lab import mappings (planner.app.lab_mappings) ---------------------------------
    # Settings shared by the desktop and the command line on every workstation of the
    # database: column names, flags and a laboratory's codes, never a value from a file.
    # Written in one small transaction each; the use case records the audit event.

    def lab_mappings(self) -> dict[str, str]:
        """The saved lab import mappings: name -> the mapping as JSON text, by name."""
        ...

    def store_lab_mapping(self, name: str, body: str | None) -> None:
        """Save the mapping of this name (replacing one saved before), or forget it
        (``body`` None).

        Raises:
            StorageError: the database cannot be written.
        """
        ...

    def change_feed(self) -> ChangeFeed | None:
        """Other workstations' commits as they happen, on a shared server (None where no
        one else writes while this one is open: an SQLite file, the in-memory fake)."""
        ...

    def search_audit(self, query: AuditQuery) -> list[AuditEntry]:
        """The newest audit rows that pass ``query``'s filters, newest first, at most
        ``query.limit`` (``planner.records.audit_query``). Runs in the store: the trail
        only grows."""
        ...

    # --- the board index for a quick start (planner.app.snapshot) -----------------------------
    # Derived data, not a record: it is not audited and never read as the truth; it only
    # lets the next start paint the board before the clinic is loaded. Each transplant
    # has a mark, raised by every commit that changes its data (its own documents, its
    # patient's, its patient's lab samples) in that commit's transaction, so an entry
    # stored with the mark it was computed at is known stale exactly when that
    # transplant's data changed.

    @property
    def keeps_board_snapshot(self) -> bool:
        """True when the next start can paint from a stored snapshot (an SQLite file
        before it is opened, a server once connected)."""
        ...

    @property
    def shared(self) -> bool:
        """True when other workstations may write while this one has it open (a shared
        server): what a session has on screen may then lag the data its mark counts."""
        ...

    def board_index(self, day: dt.date | None = None) -> list[IndexedTransplant]:
        """Every open transplant with its mark and stored entry, read in one transaction,
        ordered by transplant id. Each entry's text comes as ``entry_text`` gives it; with
        ``day``, with that day's line only (its head alone when it has none), which is
        all a start reads: an eighth of the entry."""
        ...

    def store_board_entries(self, entries: Sequence[BoardEntry]) -> None:
        """Insert or replace these entries in one small transaction (an upsert per row, so
        two workstations of a server never fail on each other's rows); of two entries of
        one transplant, the later.

        Raises:
            StorageError: the database cannot be written (closed, unwritable, its file
                still to be checked).
        """
        ...

    def forms_index(self) -> list[IndexedTransplant]:
        """Every transplant, of any status, with its mark (as ``board_index``) and its
        stored registry-forms entry (``planner.app.forms``), read in one transaction,
        ordered by transplant id. Derived data, as the board's entries."""
        ...

    def store_forms_entries(self, entries: Sequence[BoardEntry]) -> None:
        """Insert or replace these registry-forms entries, as ``store_board_entries``.

        Raises:
            StorageError: the database cannot be written.
        """
        ...

    def check_file(self) -> None:
        """Run the file check an open deferred (SQLite ``quick_check``; nothing to do
        otherwise); writes are refused until it has passed.

        Raises:
            StorageError: the file is damaged.
        """
        ...

    def stop_file_check(self) -> None:
        """Stop a ``check_file`` running in another thread (closing); the file stays
        unchecked."""
        ...

    # --- backups (an SQLite file; a server is backed up on the server) ------------------------

    def storage_locations(self) -> list[tuple[str, str]]:
        """(what, where) of the files behind this repository, for the About box: the
        database, its backups folder, the audit key (none for one in memory)."""
        ...

    def backup_location(self) -> tuple[str, str] | None:
        """(the database file, its backup folder), or None when there is no file."""
        ...

    def backup_now(
        self, now: dt.datetime, *, once_a_day: bool = False, keep: int = 20
    ) -> str | None:
        """Take a verified backup into the backup folder, keeping the ``keep`` newest of
        this database; return the backup file.

        None: no backup was taken (``once_a_day`` and one was taken on ``now``'s date,
        or there is no file to back up).

        Raises:
            StorageError: the copy failed its integrity or audit-chain check.
        """
        ...

    def close(self) -> None:
        """Release the database (and the single-instance lock)."""
        ...
