"""The board index: each open transplant's board rows stored for a quick start.

Opening a 500-patient clinic means reading and parsing every plan and computing every
row, which takes about a second; the bare window takes a tenth of that. So the app
stores, per transplant, what the first screen shows of it (its board row and worklist
lines for each of the coming days, its clinic-timeline sketch, its engraftment date),
and the next start paints those while the clinic is loaded behind it
(docs/architecture.md, "Quick start").

An entry is only shown when it is certainly what the live board would show of that
transplant:

* the same data: the store raises a transplant's mark, in the transaction of every
  commit that changes its data or its patient's (``Repository.board_index``); an entry
  holds the mark read before the data it was computed from;
* the same day: it covers the day (``ENTRY_DAYS`` from the day it was computed);
* the same program and settings: app version, entry format, closure days and language
  (``entry_context``).

A board row depends only on its own transplant, patient, plan, records and counts
(``planner.app.clinic.load_clinic``), so a transplant whose entry is missing or stale is
computed alone and merged (``complete_start_board``): an edit since the last close, on
another workstation or from the command line, costs the start that transplant, not the
clinic. The live load always follows and replaces the stored rows, so even an entry
written by a faulty program is corrected within a second (and recomputed,
``refresh_board_index(also=...)``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from planner import __version__
from planner.app.alert_rules import SEVERITIES
from planner.app.board_rows import BoardRow, WorklistItem, board_order, worklist_order
from planner.app.timeline import Band, RowSketch, SketchDetail, StepRun, row_sketch
from planner.domain import i18n
from planner.domain.phases import Phase
from planner.records.ports import BoardEntry, IndexedTransplant

if TYPE_CHECKING:
    from planner.app.clinic import ClinicData
    from planner.records.checklists import ChecklistTemplate
    from planner.records.ports import Repository

# 2: board rows carry their alerts' rules; 3: and their severities, most severe first
# (a format-2 row would paint every alert as medium, in the old order: not shown);
# 4: the neutrophil engraftment dates, so a patient opened from the stored board shows
# the date the live board knows; 5: one entry per transplant (the board index); 6: a
# line per day, so a start decodes its day's line only (``encode_entry``).
FORMAT = 6
# An entry holds the rows of the day it was computed and the days after: a Friday close
# opens on Monday, a closure of a week still opens from the index.
ENTRY_DAYS = 8
# An entry that will not cover the next REFRESH_AHEAD days is computed again when the GUI
# is idle: each entry is recomputed every few days, not every day.
REFRESH_AHEAD = 3
# Entries renewed by the command line cover as far as those they replace, and at least
# its day and the next (an import late in the evening, a start the next morning).
RENEWED_DAYS = 2
# The index is refreshed this many transplants at a time: one read and one small
# transaction each, so a close can stop between two.
BATCH = 40

# What a malformed document can raise while it is decoded (never a crash at start-up).
_MALFORMED = (ValueError, KeyError, TypeError, IndexError, AttributeError, OverflowError)

_ROW_FIELDS = 16  # the fields of a stored board row (_row_json)
_ISO_DAY = len("2026-12-07")  # the day that begins each day's line of an entry
_PHASES = tuple(Phase)
_PHASE_INDEX = {p: i for i, p in enumerate(_PHASES)}


def entry_context(closures: Iterable[dt.date], language: str, first: dt.date, last: dt.date) -> str:
    """What an entry was computed with besides its transplant's data, as stored.

    ``program|language|first day|last day``: the program part (app version, format,
    closure days) must be equal for an entry to be shown, the language equal to the
    interface's, and the day within the days covered.
    """
    program = json.dumps(
        [FORMAT, __version__, sorted(d.isoformat() for d in closures)], separators=(",", ":")
    )
    return f"{program}|{language}|{first.isoformat()}|{last.isoformat()}"


@dataclass(frozen=True)
class _Context:
    program: str
    language: str
    first: dt.date
    last: dt.date

    @classmethod
    def parse(cls, text: str) -> _Context | None:
        try:
            program, language, first, last = text.rsplit("|", 3)
            return cls(program, language, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        except ValueError:
            return None


def _program(closures: Iterable[dt.date]) -> str:
    return entry_context(closures, "", dt.date.min, dt.date.min).rsplit("|", 3)[0]


@dataclass(frozen=True)
class StartBoard:
    """What the first screen paints, from the entries that matched.

    Attributes:
        today: the day it is for; rows, worklist: that day's board and worklist, in
            board and worklist order (a stored worklist is decoded when first read:
            ``StoredWorklist``).
        sketches: clinic timeline rows by transplant id.
        engrafted: neutrophil engraftment dates by transplant id (as the board has them).
        missing: open transplants without an entry that may be shown: the board is only
            painted once they are computed (``complete_start_board``), never without them.
        language: the language its texts are in (``planner.domain.i18n``): a board of
            another language than the interface's is not shown (a language chosen since
            the entries were stored); "" for a board without entries (no open
            transplant), whose empty rows suit any language.
    """

    today: dt.date
    rows: list[BoardRow]
    worklist: Sequence[WorklistItem]
    sketches: Mapping[str, RowSketch]
    engrafted: Mapping[str, dt.date]
    missing: frozenset[str] = field(default_factory=frozenset)
    language: str = ""

    @property
    def complete(self) -> bool:
        """Every open transplant is on it."""
        return not self.missing


# --- encoding ------------------------------------------------------------------------------


def _row_json(r: BoardRow) -> list[Any]:
    return [
        r.patient_id,
        r.transplant_id,
        r.mrn,
        r.name,
        r.transplant_type,
        r.coordinator,
        r.day,
        r.day_label,
        r.phase,
        r.phase_rule,
        list(r.due_today),
        list(r.overdue),
        list(r.alerts),
        list(r.due_this_week),
        list(r.alert_rules),
        list(r.alert_severities),
    ]


def _severities(v: Sequence[Any], alerts: int) -> tuple[str, ...]:
    """The stored severities: one known severity per alert (else the snapshot is not shown)."""
    found = tuple(str(s) for s in v)
    if len(found) != alerts or not set(found) <= set(SEVERITIES):
        raise ValueError("board snapshot: alert severities do not match the alerts")
    return found


def _row_of(v: Sequence[Any]) -> BoardRow:
    if len(v) != _ROW_FIELDS:
        raise ValueError("board snapshot: a row of another format")
    return BoardRow(
        str(v[0]),
        str(v[1]),
        str(v[2]),
        str(v[3]),
        str(v[4]),
        str(v[5]),
        None if v[6] is None else int(v[6]),
        str(v[7]),
        str(v[8]),
        str(v[9]),
        tuple(v[10]),
        tuple(v[11]),
        tuple(v[12]),
        tuple(v[13]),
        tuple(v[14]),
        _severities(v[15], len(v[12])),
    )


def _item_json(w: WorklistItem) -> list[Any]:
    return [
        w.transplant_id,
        w.patient_id,
        w.mrn,
        w.name,
        w.day_label,
        w.step_id,
        w.offset,
        w.title,
        w.date.toordinal(),
        w.overdue,
    ]


def _item_of(v: Sequence[Any]) -> WorklistItem:
    return WorklistItem(
        str(v[0]),
        str(v[1]),
        str(v[2]),
        str(v[3]),
        str(v[4]),
        str(v[5]),
        int(v[6]),
        str(v[7]),
        dt.date.fromordinal(int(v[8])),
        bool(v[9]),
    )


def _sketch_json(s: RowSketch) -> list[Any]:
    # Dates as days from Day 0: short numbers. The bands and runs are a JSON string of
    # their own, parsed only when the row is first painted.
    base = s.day0.toordinal()
    detail = [
        [
            [_PHASE_INDEX[b.phase], b.start.toordinal() - base, b.end.toordinal() - base]
            for b in s.bands
        ],
        [
            [
                _PHASE_INDEX[r.phase],
                r.start.toordinal() - base,
                r.end.toordinal() - base,
                r.status,
                r.window_after,
            ]
            for r in s.runs
        ],
    ]
    return [
        base,
        s.first.toordinal() - base,
        s.last.toordinal() - base,
        json.dumps(detail, separators=(",", ":")),
    ]


def _sketch_detail(base: int, text: str) -> SketchDetail:
    try:
        bands, runs = json.loads(text)
        day = dt.date.fromordinal
        return (
            tuple(Band(_PHASES[p], day(base + a), day(base + b)) for p, a, b in bands),
            tuple(
                StepRun(_PHASES[p], day(base + a), day(base + b), str(st), int(w))
                for p, a, b, st, w in runs
            ),
        )
    except _MALFORMED:
        return (), ()  # painted empty; the live rows replace it within a second


def _sketch_of(v: Sequence[Any]) -> RowSketch:
    base, text = int(v[0]), str(v[3])
    day = dt.date.fromordinal
    return RowSketch(
        day(base), day(base + int(v[1])), day(base + int(v[2])), lambda: _sketch_detail(base, text)
    )


def encode_entry(
    days: Mapping[dt.date, tuple[BoardRow, Sequence[WorklistItem]]],
    sketch: RowSketch | None,
    engrafted: dt.date | None,
) -> str:
    """One transplant's stored entry: a first line with its timeline sketch and its
    engraftment date (a historical date: the same on every day stored), then a line per
    day: the day (``YYYY-MM-DD``) and its row and worklist lines as JSON.

    A start splits the lines and decodes its own day's only: decoding the whole entry,
    eight days of which a start needs one, was most of the quick start's reading (29 of
    40 ms at 500 patients). JSON text never holds a raw line break.
    """
    head = json.dumps(
        {
            "sketch": _sketch_json(sketch) if sketch is not None else None,
            "engrafted": engrafted.isoformat() if engrafted is not None else None,
        },
        separators=(",", ":"),
    )
    return head + "".join(
        "\n"
        + day.isoformat()
        + json.dumps([_row_json(row), [_item_json(w) for w in items]], separators=(",", ":"))
        for day, (row, items) in days.items()
    )


def entry_document(payload: str) -> dict[str, Any]:
    """An entry as one JSON-like document: ``sketch``, ``engrafted``, and ``days`` (each
    day's JSON text by ISO date), for a program or a test that reads a whole entry."""
    head, *days = payload.split("\n")
    doc: dict[str, Any] = json.loads(head)
    doc["days"] = {line[:_ISO_DAY]: line[_ISO_DAY:] for line in days}
    return doc


def entry_payload(doc: Mapping[str, Any]) -> str:
    """The stored text of a document as ``entry_document`` reads it."""
    head = json.dumps({k: v for k, v in doc.items() if k != "days"}, separators=(",", ":"))
    return head + "".join(f"\n{day}{text}" for day, text in doc["days"].items())


@dataclass(frozen=True)
class _Decoded:
    row: BoardRow
    items: str  # the worklist lines' JSON text, decoded later (``StoredWorklist``)
    sketch: RowSketch | None
    engrafted: dt.date | None


_JSON = json.JSONDecoder()


def _decode_entry(payload: str, today: dt.date) -> _Decoded:
    # The day's line is found, not every line split out: an entry is eight days of which
    # a start reads one (JSON text holds no raw line break, so "\n" + a date starts a line).
    found = payload.find("\n" + today.isoformat())
    if found < 0:
        raise KeyError(today.isoformat())
    end = payload.find("\n", found + 1)
    line = payload[found + 1 + _ISO_DAY : end if end >= 0 else None]
    # The line is "[row,items]" in compact JSON: the row is parsed, the items kept as text.
    if not line.startswith("[") or not line.endswith("]"):
        raise ValueError("board snapshot: a day's line is not a list")
    row, at = _JSON.raw_decode(line, 1)
    if line[at : at + 1] != ",":
        raise ValueError("board snapshot: a day's line without worklist lines")
    doc = json.loads(payload[: payload.find("\n")])
    sketch, engrafted = doc["sketch"], doc["engrafted"]
    return _Decoded(
        _row_of(row),
        line[at + 1 : -1],
        _sketch_of(sketch) if sketch is not None else None,
        dt.date.fromisoformat(engrafted) if engrafted is not None else None,
    )


class StoredWorklist(Sequence[WorklistItem]):
    """A stored board's worklist, decoded on first use.

    A start paints the board, not the Today tab: decoding its 5,000 lines (500 patients)
    and sorting them took 15 ms of the stored start's 30 ms of decoding, before the first
    paint. Each entry's lines are kept as their JSON text until something reads them
    (the Today tab once the board is painted, a close storing the board, a comparison
    with the live load). Decoding the same texts twice, from two threads, gives equal
    lists, so the cache needs no lock.

    An entry's lines that do not decode are left out: its row was shown, and the live
    load, which compares the two, finds the entry wrong and has it computed again.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = tuple(texts)
        self._items: list[WorklistItem] | None = None

    @property
    def decoded(self) -> bool:
        """The lines have been decoded (reading them costs nothing more)."""
        return self._items is not None

    def items(self) -> list[WorklistItem]:
        """The lines, in worklist order."""
        found = self._items
        if found is None:
            found = []
            for text in self._texts:
                try:
                    found.extend([_item_of(v) for v in json.loads(text)])
                except _MALFORMED:
                    continue
            found.sort(key=worklist_order)
            self._items = found
        return found

    def __len__(self) -> int:
        return len(self.items())

    @overload
    def __getitem__(self, index: int) -> WorklistItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[WorklistItem]: ...
    def __getitem__(self, index: int | slice) -> WorklistItem | list[WorklistItem]:
        return self.items()[index]

    def __iter__(self) -> Iterator[WorklistItem]:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StoredWorklist | list | tuple):
            return self.items() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which are not hashable

    def __repr__(self) -> str:
        state = f"{len(self._items)} lines" if self._items is not None else "not decoded"
        return f"StoredWorklist({state})"


def is_decoded(items: Sequence[WorklistItem]) -> bool:
    """``items`` can be read without decoding (false only for a ``StoredWorklist`` that
    nothing has read yet)."""
    return not isinstance(items, StoredWorklist) or items.decoded


def _usable(
    indexed: IndexedTransplant, program: str, today: dt.date
) -> tuple[_Context, BoardEntry] | None:
    """The entry's context when the entry may be shown today, whatever its language."""
    entry = indexed.entry
    if entry is None or entry.mark != indexed.mark:
        return None
    context = _Context.parse(entry.context)
    if context is None or context.program != program or not context.first <= today <= context.last:
        return None
    return context, entry


def _majority_language(contexts: Iterable[_Context]) -> str:
    """The language most usable entries were computed in ("" when there are none): what
    a quick start shows before a language is chosen, and what the command line renews."""
    counted = Counter(context.language for context in contexts)
    return counted.most_common(1)[0][0] if counted else ""


def start_board_of(
    index: Sequence[IndexedTransplant],
    today: dt.date,
    closures: Iterable[dt.date] = (),
    language: str | None = None,
) -> StartBoard | None:
    """The board of ``today`` from the stored entries, or None when none may be shown.

    ``language``: the interface's; None (an SQLite file's quick start, before a language
    is chosen) takes the language most entries were computed in, and the others count as
    missing. An entry that does not decode counts as missing too.
    """
    program = _program(closures)
    usable = {i.transplant_id: found for i in index if (found := _usable(i, program, today))}
    if language is None:
        language = _majority_language(context for context, _ in usable.values())
    rows: list[BoardRow] = []
    texts: list[str] = []
    sketches: dict[str, RowSketch] = {}
    engrafted: dict[str, dt.date] = {}
    missing: set[str] = set()
    for indexed in index:
        tid = indexed.transplant_id
        found = usable.get(tid)
        if found is None or found[0].language != language:
            missing.add(tid)
            continue
        try:
            decoded = _decode_entry(found[1].payload, today)
        except _MALFORMED:
            missing.add(tid)  # malformed or of another format: computed instead
            continue
        rows.append(decoded.row)
        texts.append(decoded.items)
        if decoded.sketch is not None:
            sketches[tid] = decoded.sketch
        if decoded.engrafted is not None:
            engrafted[tid] = decoded.engrafted
    if index and len(missing) == len(index):
        return None  # nothing stored to show: the load computes the clinic
    rows.sort(key=board_order)
    return StartBoard(
        today, rows, StoredWorklist(texts), sketches, engrafted, frozenset(missing), language
    )


def complete_start_board(
    repo: Repository,
    board: StartBoard,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
) -> StartBoard:
    """``board`` with its missing transplants computed from the store (read alone: a
    board row depends only on its own transplant's documents and counts)."""
    if board.complete:
        return board
    # Imported here: decoding at start-up must not load the use cases (start-up budget).
    from planner.app.clinic import clinic_view_of, load_clinic

    data = load_clinic(repo, board.missing)
    view = clinic_view_of(data, board.today, closures, checklist_templates)
    sketches = dict(board.sketches)
    sketches.update((p.transplant_id, row_sketch(p)) for p in data.plans)
    return StartBoard(
        board.today,
        sorted([*board.rows, *view.rows], key=board_order),
        sorted([*board.worklist, *view.worklist], key=worklist_order),
        sketches,
        {**board.engrafted, **view.engrafted},
        language=board.language,
    )


def stored_start_board(
    repo: Repository,
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
) -> StartBoard | None:
    """The board of ``today`` from an open repository's index, its missing transplants
    computed, or None when nothing stored may be shown: a server's, read once connected
    (an SQLite file's index is read before it is opened, ``planner.storage.quick``).
    Workstations share a server's, so only entries of this interface's language are used.
    """
    board = start_board_of(repo.board_index(today), today, closures, language=i18n.current())
    if board is None:
        return None
    return complete_start_board(repo, board, closures, checklist_templates)


# --- writing -------------------------------------------------------------------------------


def _covers(
    indexed: IndexedTransplant, program: str, language: str, first: dt.date, last: dt.date
) -> bool:
    entry = indexed.entry
    if entry is None or entry.mark != indexed.mark:
        return False
    context = _Context.parse(entry.context)
    return (
        context is not None
        and context.program == program
        and context.language == language
        and context.first <= first
        and last <= context.last
    )


def stale_transplants(
    index: Sequence[IndexedTransplant],
    today: dt.date,
    closures: Iterable[dt.date] = (),
    language: str | None = None,
    ahead: int = REFRESH_AHEAD,
) -> list[str]:
    """The open transplants whose entry is missing, stale (its mark, program, closures or
    language differ) or will not cover today and the next ``ahead`` days."""
    program = _program(closures)
    language = language if language is not None else i18n.current()
    last = today + dt.timedelta(days=ahead)
    return [i.transplant_id for i in index if not _covers(i, program, language, today, last)]


def build_entries(
    data: ClinicData,
    marks: Mapping[str, int],
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
    days: int = ENTRY_DAYS,
) -> list[BoardEntry]:
    """The entries of the transplants of ``data`` for ``today`` and the following days,
    each with the mark given for it (read before ``data``)."""
    from planner.app.clinic import clinic_view_of

    by_day: dict[str, dict[dt.date, tuple[BoardRow, list[WorklistItem]]]] = {}
    engrafted: Mapping[str, dt.date] = {}
    for i in range(days):
        day = today + dt.timedelta(days=i)
        view = clinic_view_of(data, day, closures, checklist_templates)
        if i == 0:
            engrafted = view.engrafted
        items: dict[str, list[WorklistItem]] = {}
        for w in view.worklist:
            items.setdefault(w.transplant_id, []).append(w)
        for row in view.rows:
            tid = row.transplant_id
            by_day.setdefault(tid, {})[day] = (row, items.get(tid, []))
    plans = {p.transplant_id: p for p in data.plans}
    context = entry_context(closures, i18n.current(), today, today + dt.timedelta(days=days - 1))
    return [
        BoardEntry(
            tid,
            marks.get(tid, 0),
            context,
            encode_entry(
                stored,
                row_sketch(plans[tid]) if tid in plans else None,
                engrafted.get(tid),
            ),
        )
        for tid, stored in sorted(by_day.items())
        if len(stored) == days
    ]


def refresh_board_index(
    repo: Repository,
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
    *,
    also: Collection[str] = (),
    stop: Callable[[], bool] = lambda: False,
    batch: int = BATCH,
    ahead: int = REFRESH_AHEAD,
) -> set[str]:
    """Compute and store the entries that are missing or stale (``stale_transplants``),
    and those of ``also`` (rows the live load found different from their entries);
    return the transplants whose entries were stored.

    The marks are read before the data: a commit in between leaves an entry with an
    older mark than the store's, and it is not shown (never the other way round). Stops
    between two batches when ``stop()`` becomes true; what is left stays stale, and the
    next start computes it. ``ahead``: the days an entry must still cover (0 at a close:
    only what the next start today would compute; the idle refresh renews entries before
    they run out). Does nothing where the repository keeps no index.

    Each batch is read on its own (six queries, ``load_clinic`` of a part), also when
    the whole clinic is stale: reading it whole at once, as this did after a first start,
    kept a second copy of the clinic alive beside the session's (peak 235 MB instead of
    188 MB at 500 patients) and its build and release stalled the GUI thread for 64-77 ms
    (11-25 ms batch by batch; ``bench_app``, the first start's idle period).
    """
    if not repo.keeps_board_snapshot:
        return set()
    from planner.app.clinic import load_clinic

    # Marks and contexts only: the entries' texts of one day keep the read small.
    index = repo.board_index(today)
    marks = {i.transplant_id: i.mark for i in index}
    wanted = set(stale_transplants(index, today, closures, ahead=ahead)) | (set(also) & set(marks))
    todo = [i.transplant_id for i in index if i.transplant_id in wanted]
    stored: set[str] = set()
    if not todo or stop():
        return stored
    for start in range(0, len(todo), batch):
        if stop():
            break
        data = load_clinic(repo, todo[start : start + batch])
        entries = build_entries(data, marks, today, closures, checklist_templates)
        repo.store_board_entries(entries)
        stored.update(e.transplant_id for e in entries)
    return stored


@dataclass(frozen=True)
class CurrentEntries:
    """The entries a start today would paint, by transplant the last day each covers, and
    the language they are in (the one most current entries have, as the quick start
    takes it)."""

    last_days: Mapping[str, dt.date]
    language: str


def current_entries(
    repo: Repository, today: dt.date, closures: Iterable[dt.date] = ()
) -> CurrentEntries:
    """What the next start today would paint from the index (read before a commit by
    another program than the desktop app, for ``renew_entries`` after it)."""
    if not repo.keeps_board_snapshot:
        return CurrentEntries({}, "")
    program = _program(closures)
    usable = {
        i.transplant_id: found[0]
        for i in repo.board_index(today)  # marks and contexts: one day's texts
        if (found := _usable(i, program, today)) is not None
    }
    language = _majority_language(usable.values())
    return CurrentEntries(
        {t: c.last for t, c in usable.items() if c.language == language}, language
    )


def renew_entries(
    repo: Repository,
    before: CurrentEntries,
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
    *,
    batch: int = BATCH,
) -> set[str]:
    """After a commit by another program (the command line's lab import, its exports):
    compute again, in their language, the entries of ``before`` that are no longer
    current, as far as each covered (at least today and tomorrow), and return their
    transplants.

    Without it, a nightly import that touched 50 patients makes the morning's start
    compute those 50 behind the window before the board is complete; an entry cut short
    would do the same on Monday after a Friday's import. Only what was current is renewed:
    a transplant whose entry was already stale is the desktop's to compute (the command
    does not take on the app's work).
    """
    if not before.last_days:
        return set()
    from planner.app.clinic import load_clinic
    from planner.records.checklists import load_checklists

    index = repo.board_index(today)  # marks and contexts: one day's texts
    marks = {i.transplant_id: i.mark for i in index}
    program = _program(closures)
    by_days: dict[int, list[str]] = {}
    for i in index:
        last = before.last_days.get(i.transplant_id)
        if last is not None and not _covers(i, program, before.language, today, today):
            days = min(max((last - today).days + 1, RENEWED_DAYS), ENTRY_DAYS)
            by_days.setdefault(days, []).append(i.transplant_id)
    templates = checklist_templates if checklist_templates is not None else load_checklists()
    stored: set[str] = set()
    for days, todo in sorted(by_days.items()):
        for start in range(0, len(todo), batch):
            data = load_clinic(repo, todo[start : start + batch])
            # Only the rules' texts in the desktop's language: errors stay the command's.
            with i18n.speaking(before.language):
                entries = build_entries(data, marks, today, closures, templates, days=days)
            repo.store_board_entries(entries)
            stored.update(e.transplant_id for e in entries)
    return stored


def store_shown_board(
    repo: Repository,
    today: dt.date,
    closures: Sequence[dt.date],
    shown: tuple[Sequence[BoardRow], Sequence[WorklistItem]],
    sketches: Mapping[str, RowSketch],
    engrafted: Mapping[str, dt.date],
    also: Collection[str] = (),
) -> int:
    """At close, for the transplants still without an entry of today (and ``also``):
    store the rows on screen as entries of today only (milliseconds: no clinic read);
    return how many.

    Only for a store no one else writes while the app has it open (an SQLite file under
    the instance lock): the rows shown are then the data at the marks read now, since
    every write of a document went through the session, which recomputed the rows it
    touched. The idle refresh gives them their coming days later.
    """
    index = repo.board_index(today)  # marks and contexts: one day's texts
    wanted = set(stale_transplants(index, today, closures, ahead=0)) | set(also)
    marks = {i.transplant_id: i.mark for i in index if i.transplant_id in wanted}
    rows, worklist = shown
    items: dict[str, list[WorklistItem]] = {}
    for w in worklist:
        items.setdefault(w.transplant_id, []).append(w)
    context = entry_context(closures, i18n.current(), today, today)
    entries = [
        BoardEntry(
            r.transplant_id,
            marks[r.transplant_id],
            context,
            encode_entry(
                {today: (r, items.get(r.transplant_id, []))},
                sketches.get(r.transplant_id),
                engrafted.get(r.transplant_id),
            ),
        )
        for r in rows
        if r.transplant_id in marks
    ]
    if entries:
        repo.store_board_entries(entries)
    return len(entries)
