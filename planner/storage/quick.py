"""The quick start: check the file, take the instance lock, read the stored board index.

Standard library only, so it runs before SQLAlchemy (and most of the program) is
imported: the window can paint the clinic board from the stored entries while the
database is opened properly (engine, PRAGMAs, ``quick_check``) and the clinic is loaded
behind it.

The file is opened read-only for this one read. Which stored entries may be shown is
decided by ``planner.app.snapshot`` (an entry's mark equal to its transplant's mark, and
its context the one the app would compute with now).

A database with accounts shows nothing of the clinic before a sign-in. Where the centre
signs in with the computer's login, the same read decides it by the same rule as the
open repository (``planner.domain.accounts.login_account``) and, if the login has an
active account, reads the index too; the desktop records the sign-in once the database
is open and has confirmed it (``ui.app``). A password is never checked here.

``BOARD_INDEX_SQL``, ``BOARD_DAY_INDEX_SQL`` and ``board_index_from_rows`` are shared
with ``SqlRepository.board_index``, so the quick start and the repository read the same
index. The quick start reads the head of each entry and the line of its day only (schema
0012 keeps the lines apart): 2 of the 11 MB a 500-patient clinic's entries hold, 6 ms
instead of 22-25 ms of every start.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

from planner.domain.accounts import Account, SignInPolicy, account_key, login_account
from planner.domain.patients import CLOSED_STATUSES, TransplantStatus
from planner.errors import SignInError, StorageError
from planner.records.ports import BoardEntry, IndexedTransplant, entry_text
from planner.storage.files import check_sqlite_version, prepare_sqlite_file
from planner.storage.location import refuse_network_location
from planner.storage.lock import InstanceLock
from planner.storage.revisions import HEAD_REVISION

# The open statuses (``Scope.OPEN``) as SQL literals, taken from the domain so the index
# and the repository's open reads cannot drift apart. They are the enum's own values (a
# test checks them against ``scope_statuses(Scope.OPEN)``): no text from outside the
# program reaches the SQL.
_OPEN_STATUS_LITERALS = ", ".join(
    f"'{status.value}'" for status in TransplantStatus if status not in CLOSED_STATUSES
)

# Every open transplant with its mark (0 when no commit touched it since schema 0010) and
# its stored entry, if any: its head (``board_entries.payload``) and its day lines
# (``board_entry_days``), a row per line. One statement: the marks, the heads and the
# lines are read together (a server's statement sees one snapshot).
# (The only text formatted in is _OPEN_STATUS_LITERALS, the program's own constants.)
_BOARD_INDEX_FROM = (
    "SELECT t.id, coalesce(m.mark, 0), e.mark, e.context, e.payload, d.day, d.line "
    "FROM transplants t "
    "LEFT JOIN board_marks m ON m.transplant_id = t.id "
    "LEFT JOIN board_entries e ON e.transplant_id = t.id "
)
_OPEN_ONLY = f"WHERE t.status IN ({_OPEN_STATUS_LITERALS}) "
BOARD_INDEX_SQL = (
    _BOARD_INDEX_FROM
    + "LEFT JOIN board_entry_days d ON d.transplant_id = e.transplant_id "
    + _OPEN_ONLY
    + "ORDER BY t.id, d.day"
)
# The same with the lines of the day ``:day`` (YYYY-MM-DD) only: what a start reads.
BOARD_DAY_INDEX_SQL = (
    _BOARD_INDEX_FROM
    + "LEFT JOIN board_entry_days d ON d.transplant_id = e.transplant_id AND d.day = :day "
    + _OPEN_ONLY
    + "ORDER BY t.id"
)
_REVISION_SQL = "SELECT version_num FROM alembic_version"
_ACCOUNTS_SQL = "SELECT 1 FROM accounts LIMIT 1"
# The sign-in policy is one JSON text in ``meta`` (``SqlRepository.sign_in_policy``).
POLICY_META_KEY = "sign_in_policy"
_POLICY_SQL = "SELECT value FROM meta WHERE key = :key"
# Not the password's hash: no password is checked here.
_ACCOUNT_SQL = "SELECT name, role, active, version FROM accounts WHERE key = :key"


def account_from_stored(d: Mapping[str, Any]) -> Account:
    """An ``Account`` from its stored dict."""
    return Account.from_dict(d, int(d["version"]))


def policy_from_stored(d: Mapping[str, Any] | None) -> SignInPolicy:
    """The policy from its stored dict (the defaults when none is stored)."""
    return SignInPolicy.from_dict(d, int(d["version"])) if d else SignInPolicy()


@dataclass(frozen=True)
class LoginSignIn:
    """The computer's login let in by the file's rules, read by the quick start.

    Attributes:
        account: the login's active account; policy: the sign-in rules in force.
    """

    account: Account
    policy: SignInPolicy


def board_index_from_rows(rows: Iterable[Sequence[Any]]) -> list[IndexedTransplant]:
    """The rows of ``BOARD_INDEX_SQL`` or ``BOARD_DAY_INDEX_SQL`` (a transplant's rows one
    after another) as ``IndexedTransplant``, ordered by transplant id, each entry's text
    as ``entry_text`` makes it of its head and lines."""
    index: list[IndexedTransplant] = []
    for tid, group in groupby(rows, key=lambda row: str(row[0])):
        lines = list(group)
        _, mark, entry_mark, context, head = lines[0][:5]
        entry = None
        if entry_mark is not None:
            days = {str(day): str(line) for *_, day, line in lines if day is not None}
            entry = BoardEntry(tid, int(entry_mark), str(context), entry_text(str(head), days))
        index.append(IndexedTransplant(tid, int(mark), entry))
    # ORDER BY follows a PostgreSQL database's collation, which may sort ids otherwise
    # than SQLite and Python do; the rows come nearly sorted, so this costs a pass.
    index.sort(key=lambda item: item.transplant_id)
    return index


def index_from_rows(rows: Iterable[Sequence[Any]]) -> list[IndexedTransplant]:
    """The rows of an index of one line per entry (the forms index) as
    ``IndexedTransplant``, ordered by transplant id."""
    index: list[IndexedTransplant] = []
    for transplant_id, mark, entry_mark, context, payload in rows:
        tid = str(transplant_id)
        entry = (
            BoardEntry(tid, int(entry_mark), str(context), str(payload))
            if entry_mark is not None
            else None
        )
        index.append(IndexedTransplant(tid, int(mark), entry))
    # ORDER BY follows a PostgreSQL database's collation, which may sort ids otherwise
    # than SQLite and Python do; the rows come nearly sorted, so this costs a pass.
    index.sort(key=lambda item: item.transplant_id)
    return index


@dataclass
class QuickOpen:
    """A database file checked and locked for this program, and its stored board index.

    Attributes:
        path: the database file.
        lock: the instance lock, held; ``open_repository(..., lock=lock)`` takes it over.
        index: every open transplant with its mark and stored entry (what
            ``Repository.board_index`` returns for the day asked for), or None: a
            migration is due, the database has accounts and no sign-in with the
            computer's login (nothing of the clinic is shown before a sign-in), or the
            file could not be read.
        login: where the database has accounts, the computer's login that the file's
            rules let in (the index is read then), else None.
    """

    path: Path
    lock: InstanceLock
    index: list[IndexedTransplant] | None
    login: LoginSignIn | None = None


def quick_open(
    path: Path,
    *,
    user: str,
    workstation: str,
    now: dt.datetime,
    day: dt.date | None = None,
    login: str | None = None,
) -> QuickOpen | None:
    """Check and lock an existing database file and read its board index (with ``day``,
    each entry with that day's line only, as ``Repository.board_index(day)``). With
    ``login`` (the computer's), a database with accounts is read too if its rules let
    that login in (``QuickOpen.login``).

    Returns None when the file does not exist yet (the normal open creates it).

    Raises:
        StorageError: the file is unsafe (on a network drive, a symlink, readable by
            others) or in use by another instance; the same messages the normal open gives.
    """
    if not path.exists():
        return None
    check_sqlite_version()
    refuse_network_location(path)
    try:
        prepare_sqlite_file(path, create=False)
        lock = InstanceLock(path, user=user, host=workstation, now=now)
    except OSError as exc:  # the same sentence as the normal open gives
        raise StorageError(
            f"The database at {path} cannot be opened ({exc.strerror or type(exc).__name__}); "
            "check the folder exists and is yours."
        ) from None
    index, signed = _read(path, day, login)
    return QuickOpen(path, lock, index, signed)


def _read_index(path: Path, day: dt.date | None = None) -> list[IndexedTransplant] | None:
    """The board index of a database without accounts (what the next start paints)."""
    return _read(path, day)[0]


def _read(
    path: Path, day: dt.date | None = None, login: str | None = None
) -> tuple[list[IndexedTransplant] | None, LoginSignIn | None]:
    """The board index in one read transaction, and the login it was read for on a
    database with accounts; (None, None) on any doubt."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error:
        return None, None
    try:
        conn.execute("BEGIN")
        revision = conn.execute(_REVISION_SQL).fetchone()
        if revision is None or revision[0] != HEAD_REVISION:
            return None, None  # a migration is due: the normal open does it first
        signed = None
        if conn.execute(_ACCOUNTS_SQL).fetchone() is not None:
            # Nothing of the clinic is shown before someone signs in.
            signed = _login_let_in(conn, login) if login is not None else None
            if signed is None:
                return None, None
        rows = (
            conn.execute(BOARD_INDEX_SQL)
            if day is None
            else conn.execute(BOARD_DAY_INDEX_SQL, {"day": day.isoformat()})
        )
        index = board_index_from_rows(rows)
        conn.execute("COMMIT")
    except (sqlite3.Error, ValueError, TypeError, KeyError):  # a damaged row: no index
        return None, None
    finally:
        conn.close()
    return index, signed


def _login_let_in(conn: sqlite3.Connection, login: str) -> LoginSignIn | None:
    """The computer's login with its account, if the stored rules let it in."""
    found = conn.execute(_POLICY_SQL, {"key": POLICY_META_KEY}).fetchone()
    policy = policy_from_stored(json.loads(found[0]) if found is not None else None)
    row = conn.execute(_ACCOUNT_SQL, {"key": account_key(login)}).fetchone()
    fields = ("name", "role", "active", "version")
    stored = None if row is None else account_from_stored(dict(zip(fields, row, strict=True)))
    try:
        return LoginSignIn(login_account(policy, stored, login), policy)
    except SignInError:
        return None  # the password, or no active account: the sign-in once open
