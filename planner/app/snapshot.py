"""The board snapshot: the clinic board, worklist and timeline rows stored for a quick start.

Opening a 500-patient clinic means reading and parsing every plan and computing every
row, which takes about a second; the bare window takes a tenth of that. So the app
stores what its first screen shows, and the next start paints that while the clinic is
loaded behind it (docs/architecture.md, "Quick start").

A snapshot is only shown when it is certainly what the live board would show:

* the same data: the repository's data mark (last audit seq, last lab sample id) equals
  the one stored with it; every commit raises the mark;
* the same day: it holds the boards of today and the next ``SNAPSHOT_DAYS - 1`` days
  (day numbers, due and overdue change at midnight; a Friday close opens on Monday);
* the same program and settings: app version, snapshot format and closure days.

Anything else (no snapshot, a different mark, a malformed document) gives None and the
app paints an empty board and fills it when the clinic is loaded, as without a snapshot. The live load always follows
and replaces the snapshot rows, so even a snapshot written by a faulty program is
corrected within a second.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner import __version__
from planner.app.alert_rules import SEVERITIES
from planner.app.board import BoardRow, WorklistItem
from planner.app.timeline import Band, RowSketch, SketchDetail, StepRun, row_sketch
from planner.domain import i18n
from planner.domain.templates import Phase

if TYPE_CHECKING:
    from planner.app.clinic import ClinicData
    from planner.domain.plans import Plan
    from planner.records.checklists import ChecklistTemplate
    from planner.records.ports import Repository

# 2: board rows carry their alerts' rules; 3: and their severities, most severe first
# (a format-2 row would paint every alert as medium, in the old order: not shown);
# 4: the neutrophil engraftment dates, so a patient opened from the stored board shows
# the date the live board knows.
FORMAT = 4
SNAPSHOT_DAYS = 4

# What a malformed document can raise while it is decoded (never a crash at start-up).
_MALFORMED = (ValueError, KeyError, TypeError, IndexError, AttributeError, OverflowError)

_ROW_FIELDS = 16  # the fields of a stored board row (_row_json)
_PHASES = tuple(Phase)
_PHASE_INDEX = {p: i for i, p in enumerate(_PHASES)}


@dataclass(frozen=True)
class SnapshotKey:
    """What a snapshot must match to be shown.

    Attributes:
        data_mark: the repository's data mark when the data was read.
        closures: the centre's closure days (they make board alerts).
        app_version: the program that computed it.
    """

    data_mark: tuple[int, int]
    closures: tuple[dt.date, ...] = ()
    app_version: str = __version__

    def as_json(self) -> dict[str, Any]:
        """The key as stored."""
        return {
            "format": FORMAT,
            "app": self.app_version,
            "mark": list(self.data_mark),
            "closures": [d.isoformat() for d in sorted(self.closures)],
        }


@dataclass(frozen=True)
class StartBoard:
    """What the first screen paints, from a snapshot that matched.

    Attributes:
        today: the day it is for; rows, worklist: that day's board and worklist.
        sketches: clinic timeline rows by transplant id.
        engrafted: neutrophil engraftment dates by transplant id (as the board has them).
        data_mark: the data mark it matched (so the stored snapshot is known current).
    """

    today: dt.date
    rows: list[BoardRow]
    worklist: list[WorklistItem]
    sketches: Mapping[str, RowSketch]
    engrafted: Mapping[str, dt.date]
    data_mark: tuple[int, int]


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


def encode_snapshot(
    key: SnapshotKey,
    days: Mapping[dt.date, tuple[Sequence[BoardRow], Sequence[WorklistItem]]],
    plans: Iterable[Plan],
    engrafted: Mapping[str, dt.date],
) -> str:
    """The stored document: the key, each day's rows and worklist, the timeline sketches,
    the engraftment dates (historical dates: the same on every day stored).

    Each day is a JSON string inside the document, so a start decodes only its own day.
    """
    shown = {r.transplant_id for rows, _ in days.values() for r in rows}
    doc = {
        "key": key.as_json(),
        # The rows' texts are in the language they were computed in: a workstation of
        # another language (a shared server's) does not show them (stored_start_board).
        "lang": i18n.current(),
        "days": {
            day.isoformat(): json.dumps(
                [[_row_json(r) for r in rows], [_item_json(w) for w in items]]
            )
            for day, (rows, items) in days.items()
        },
        "sketches": {
            p.transplant_id: _sketch_json(row_sketch(p)) for p in plans if p.transplant_id in shown
        },
        "engrafted": {tid: d.isoformat() for tid, d in sorted(engrafted.items()) if tid in shown},
    }
    return json.dumps(doc, separators=(",", ":"))


def decode_start_board(
    payload: str | None, key: SnapshotKey, today: dt.date, language: str | None = None
) -> StartBoard | None:
    """The board of ``today`` from a stored snapshot, or None when it may not be shown
    (``language``: only one computed in that interface language)."""
    if not payload:
        return None
    try:
        doc = json.loads(payload)
        if doc["key"] != key.as_json():
            return None
        if language is not None and doc.get("lang") != language:
            return None
        day = doc["days"].get(today.isoformat())
        if day is None:
            return None
        rows, items = json.loads(day)
        return StartBoard(
            today,
            [_row_of(v) for v in rows],
            [_item_of(v) for v in items],
            {tid: _sketch_of(v) for tid, v in doc["sketches"].items()},
            {tid: dt.date.fromisoformat(v) for tid, v in doc["engrafted"].items()},
            key.data_mark,
        )
    except _MALFORMED:
        return None  # malformed or from another format: load the clinic instead


def stored_start_board(
    repo: Repository, today: dt.date, closures: Sequence[dt.date] = ()
) -> StartBoard | None:
    """The board of ``today`` that an open repository stored, or None when it may not be
    shown: a server's, read once connected (an SQLite file's is read before it is opened,
    ``planner.storage.quick``). Workstations share a server's, so only one computed in
    this interface's language is shown.

    The payload is read before the mark: a commit in between raises the mark past the
    one the payload was stored with, and the board is not shown.
    """
    payload = repo.board_snapshot()
    key = SnapshotKey(repo.data_mark(), tuple(sorted(closures)))
    return decode_start_board(payload, key, today, language=i18n.current())


# --- writing -------------------------------------------------------------------------------


class SnapshotStoppedError(Exception):
    """The snapshot being computed was no longer wanted (the window is closing)."""


def build_snapshot(
    data: ClinicData,
    key: SnapshotKey,
    today: dt.date,
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
    days: int = SNAPSHOT_DAYS,
    stop: Callable[[], bool] = lambda: False,
) -> str:
    """The snapshot of ``data`` for ``today`` and the following days.

    Raises:
        SnapshotStoppedError: ``stop()`` became true between two days.
    """
    # Imported here: decoding at start-up must not load the use cases (start-up budget).
    from planner.app.clinic import clinic_view_of

    views = {}
    engrafted: Mapping[str, dt.date] = {}
    for i in range(days):
        if stop():
            raise SnapshotStoppedError
        day = today + dt.timedelta(days=i)
        view = clinic_view_of(data, day, key.closures, checklist_templates)
        views[day] = (view.rows, view.worklist)
        if i == 0:
            engrafted = view.engrafted
    return encode_snapshot(key, views, data.plans, engrafted)


def save_board_snapshot(
    repo: Repository,
    today: dt.date,
    closures: Sequence[dt.date] = (),
    checklist_templates: Mapping[str, ChecklistTemplate] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> SnapshotKey | None:
    """Read the clinic, compute the boards of the coming days, store them; return the key.

    The mark is read before the data: a commit in between leaves a mark older than the
    data, so the next start finds them different and loads the clinic (never the other
    way round). Does nothing (returns None) where the repository keeps no snapshot, or
    when ``stop()`` becomes true before it is stored.
    """
    if not repo.keeps_board_snapshot:
        return None
    from planner.app.clinic import load_clinic

    key = SnapshotKey(repo.data_mark(), tuple(sorted(closures)))
    try:
        payload = build_snapshot(load_clinic(repo), key, today, checklist_templates, stop=stop)
    except SnapshotStoppedError:
        return None
    repo.store_board_snapshot(payload)
    return key


def save_shown_board(
    repo: Repository,
    key: SnapshotKey,
    today: dt.date,
    shown: tuple[Sequence[BoardRow], Sequence[WorklistItem]],
    plans: Iterable[Plan],
    engrafted: Mapping[str, dt.date],
) -> None:
    """Store the board already on screen as today's snapshot (no clinic read).

    What closing stores when the clinic changed since the last snapshot: encoding the
    rows in hand takes milliseconds, where reading the clinic and computing the coming
    days would hold the closing process for seconds. ``key`` must carry the data mark
    the shown rows were computed at. The next start of another day loads the clinic
    first, as it does without a snapshot.
    """
    if repo.keeps_board_snapshot:
        repo.store_board_snapshot(encode_snapshot(key, {today: shown}, plans, engrafted))
