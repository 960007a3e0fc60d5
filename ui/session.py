"""ClinicSession: the clinic-wide state of the running app, and the one edit path.

It holds the repository (through the port), who is signed in, the clock, and the
current board rows and worklist; widgets read from it and listen to its signals.
Every edit of the app runs here (``perform``): a use case commits it and returns a
``Change``, the change goes on the undo stack of the view it was made in, the board
rows of the transplants it touched are recomputed, and ``sig_change`` tells every
open transplant session and view what was stored. Undo and redo take the same way
(``replay``). No widget holds the repository. Loading a big clinic can run off the
GUI thread.

Opening a patient only reads: the audit row of the view waits in ``views`` (a
``planner.app.view_queue.ViewQueue``) until the database can be written, so a full disk
or a locked database never keeps a record from opening. Waiting views are written with
their own time at the next edit that is saved, on a timer, and at the close.

A quick start (``planner.app.snapshot``) first shows the board stored by the last run:
``start_board`` puts those rows up before the repository is even open; ``attach``
hands over the repository once it is; the first live load makes the session ``ready``.
Until then nothing reads or writes the repository through the session.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal

from planner.app.board_rows import BoardRow, WorklistItem
from planner.app.collector import collector_paused
from planner.app.timeline import RowSketch
from planner.app.view_queue import ViewQueue
from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError
from planner.records.ports import Actor, ChangeFeed, Presence, RemoteChange, Repository
from ui.errors import LOG
from ui.translation import QT_TRANSLATE_NOOP
from ui.workers import run_in_background, when_gui_quiet

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from planner.app.accounts import SignedIn
    from planner.app.changes import CarriesChange, Change, Documents
    from planner.app.clinic import ClosedFound
    from planner.app.context import Context
    from planner.app.snapshot import StartBoard
    from planner.domain.plans import Plan
    from planner.records.checklists import ChecklistTemplate

# The use cases, checklists and the snapshot writer are imported where used: the board
# painted from a snapshot at start-up needs none of them (the start-up budget, docs/architecture.md).

Loaded = tuple[
    list[BoardRow], list[WorklistItem], dict[str, "Plan"], dict[str, dt.date], list[BoardRow]
]
T = TypeVar("T")
R = TypeVar("R", bound="Change | CarriesChange")
UseCase = Callable[["Repository", "Context"], T]

# Each workstation says which patients it has open this often on a shared server, and
# an announcement not renewed within the TTL is dropped (an app that ended without one).
PRESENCE_BEAT_MS = 60_000
PRESENCE_TTL_S = 150.0
# A load waits at most this long for the change feed to listen (a slow server).
FEED_LISTEN_WAIT_S = 3.0

# After an edit, wait for this much quiet before refreshing the board index for the next
# start (planner.app.snapshot): each stale entry costs a read and a week of its rows, not
# worth doing per keystroke.
SNAPSHOT_IDLE_MS = 20_000
# Closing refreshes what is still stale for at most this long (the close budget is 1 s);
# what is left is computed by the next start.
CLOSE_INDEX_S = 0.4
# Transplants refreshed per batch: at close (read one by one: ~10 ms each), and idle.
CLOSE_BATCH = 8
BATCH_IDLE = 40
# Transplants whose registry forms the idle refresh dates per read (an outline each:
# about 0.4 ms a transplant, so a batch is a few tens of milliseconds of the worker).
FORMS_BATCH_IDLE = 100
# An edit that touched more transplants than this (a lab import for the whole clinic, or
# its undo) has the board recomputed in a worker thread: row by row on the GUI thread,
# the 500 transplants of a 100,000-row import held it for 0.6 s (bench_import).
PUBLISH_IN_PLACE = 10
# Undoing or redoing a step of more lab samples or more documents than these is written
# in a worker thread: the undo of a 100,000-row import (78,000 samples superseded in 500
# recovery records) held the window for 1.1-1.35 s; a document costs about a millisecond.
REPLAY_IN_PLACE_SAMPLES = 1_000
REPLAY_IN_PLACE_DOCUMENTS = 20
# While patient views wait for a writable database, try again this often: a lock or a
# full disk is usually cleared within minutes, and a retry costs one small commit.
VIEW_RETRY_MS = 30_000

# English source texts, shown through ``shown()``.
VIEW_WAITS = QT_TRANSLATE_NOOP(
    "ClinicSession",
    "The view of this patient could not be recorded yet; it will be recorded when the "
    "database can be written.",
)
CLOSED_UNREAD = QT_TRANSLATE_NOOP(
    "ClinicSession", "The closed transplants could not be read: {reason}"
)
CLOSED_UNREAD_WHY = QT_TRANSLATE_NOOP(
    "ClinicSession", "the database did not answer. Untick and tick the box to try again."
)
RELOAD_FAILED = QT_TRANSLATE_NOOP(
    "ClinicSession", "The clinic could not be reloaded: {reason} Press F5 to try again."
)
REMOTE_UNREAD = QT_TRANSLATE_NOOP(
    "ClinicSession",
    "A change saved at another workstation could not be read: {reason} Press F5 to "
    "read the clinic again.",
)
CLOSED_UNSEARCHED = QT_TRANSLATE_NOOP(
    "ClinicSession",
    "The closed transplants could not be searched: {reason}",
)
CLOSED_UNSEARCHED_WHY = QT_TRANSLATE_NOOP(
    "ClinicSession", "the database did not answer. Type the search again to retry."
)
VIEWS_WRITTEN = QT_TRANSLATE_NOOP(
    "ClinicSession", "The patient views that were waiting are now recorded in the audit trail."
)
SIGN_IN_UNRECORDED = QT_TRANSLATE_NOOP(
    "ClinicSession",
    "Your sign-in could not be recorded in the audit trail ({reason}); tell whoever keeps it.",
)


def shown(text: str) -> str:
    """One of this module's texts in the interface's language."""
    return QCoreApplication.translate("ClinicSession", text)


class ClinicSession(QObject):
    """Shared state of the running app.

    Attributes:
        sketches: clinic timeline rows from the start board (empty once live).
        from_snapshot: the rows shown come from the stored board, not (all) from a load
            of the repository.

    A stored board of today is the board the data makes: it is shown only when the data
    mark stored with it is the database's, read under the instance lock that keeps every
    other writer out until this app closes. So once the database is open behind it
    (``attach``), patients may be opened and the repository used (``sig_ready``); the
    clinic is still loaded and computed, in a worker thread, and replaces it when in
    (``sig_live``): a stored board written by a faulty program is corrected within a
    second, and what needs the whole clinic (the start's file check, the day's backup,
    the templates) waits for that.

    Signals:
        sig_board_changed: the board rows and worklist were recomputed.
        sig_loading: a background load started (True) or ended (False).
        sig_ready: the repository may be used: the first live load is in, or the database
            is open behind the stored board of today.
        sig_live: the first load computed from the repository is in.
        sig_change: an edit, undo or redo was stored; args: the ``Change``.
        sig_message: a sentence for the status bar (an undo that was refused).
        sig_remote_change: another workstation's commit on a shared server, once the
            board has it; args: the ``RemoteChange`` (open patients reload theirs).
    """

    sig_board_changed = Signal()
    """Emitted after the board rows and the worklist were recomputed."""
    sig_loading = Signal(bool)
    """Emitted True when a background load starts and False when it ends."""
    sig_ready = Signal()
    """Emitted once, when the repository may first be used."""
    sig_live = Signal()
    """Emitted once, when the first rows computed from the repository are in."""
    sig_change = Signal(object)
    """Emitted with the ``Change`` after an edit, undo or redo was stored and the board
    rows it touched were recomputed."""
    sig_message = Signal(str)
    """Emitted with a one-sentence report for the status bar."""
    sig_replaying = Signal(bool)
    """Emitted True when an undo or redo starts being written in a worker thread, False
    when it is stored or refused (``replaying``)."""
    sig_remote_change = Signal(object)
    """Emitted (on the GUI thread) after another workstation's commit reached the board."""
    sig_presence = Signal()
    """Emitted when another workstation's open patients changed (``others_with``)."""
    sig_signed_in = Signal()
    """Emitted after someone signed in (``signed_in``; a database with accounts)."""
    # From the change feed's thread: Qt queues them to the GUI thread (the session lives there).
    _remote_arrived = Signal(object)
    _presence_arrived = Signal(object)

    def __init__(
        self,
        repo: Repository | None,
        actor: Actor,
        clock: Callable[[], dt.datetime],
        *,
        demo: bool = False,
        centre: ClinicSettings | None = None,
        keep_snapshot: bool = False,
    ) -> None:
        super().__init__()
        self._repo = repo
        self._feed: ChangeFeed | None = None
        # Set once it is known whether a feed listens (loads wait for it: ``_compute``).
        self._feed_decided = threading.Event()
        self._remote_arrived.connect(self._on_remote_change)
        # Other workstations' open patients, by their token, with when last heard.
        self._others: dict[str, tuple[Presence, float]] = {}
        self._open_here: frozenset[str] = frozenset()
        self._presence_arrived.connect(self._on_presence)
        self._presence_timer = QTimer(self)
        self._presence_timer.setInterval(PRESENCE_BEAT_MS)
        self._presence_timer.timeout.connect(self._announce)
        self.actor = actor
        # The computer's login: the account the centre's "computer login" sign-in uses.
        self.login = actor.user
        # Who signed in and the centre's rules (a database with accounts); None: the
        # database has none, and ``actor`` is the computer's login.
        self.signed_in: SignedIn | None = None
        self.clock = clock
        self.demo = demo
        self.centre = centre or ClinicSettings()
        self.closures: frozenset[dt.date] = self.centre.closures
        self.rows: list[BoardRow] = []
        # The transplants that left the board (completed, cancelled, deceased), for its
        # "closed" filter: read only once the board asks for them (``want_closed``), as
        # a programme's history only grows; empty until then.
        self.closed_rows: list[BoardRow] = []
        self._closed_wanted = False
        # The closed transplants of the patients the board's search found in the store
        # (``search_closed``): a search finds a patient of any year without the whole
        # history being read. None: no search, or not answered yet.
        self.found: ClosedFound | None = None
        self._search_wanted = ""  # the text of the last search asked for
        self._found_for: dt.date | None = None  # the day the found rows count from
        # The deferred check of the database file (check_file_when_live) has not passed
        # yet: writes are refused meanwhile, and views wait for it without a word.
        self._file_check_pending = False
        self._file_check_stopped = False  # settle_file_check stopped it (closing)
        # Today's lines; a stored board's are decoded when first read (StoredWorklist).
        self.worklist: Sequence[WorklistItem] = []
        self.plans: dict[str, Plan] = {}
        self.engrafted: dict[str, dt.date] = {}
        self.sketches: Mapping[str, RowSketch] = {}
        self.from_snapshot = False
        self.computed_for: dt.date | None = None  # the day the rows were computed for
        self._ready = False
        self._live = False
        self.sketching = False  # the timeline's rows are being sketched in a worker thread
        self.loading = False  # a background load runs (``sig_loading``)
        # The transplants each background load in flight has missed: edited after it
        # read the clinic, so recomputed again once its rows are in.
        self._missed_by_loads: list[set[str]] = []
        # A shared server said "read everything" while a load ran, or before the first.
        self._reread_after_load = False
        # Transplants whose rows on screen lag an edit stored meanwhile (one of many
        # transplants, recomputed by a reload in a worker): never stored as today's
        # entries at close, and shown again once a load begun after the edit is in.
        self._rows_behind: set[str] = set()
        self.finishing = False  # the window closed: late results of background work are dropped
        # Why edits are refused while an undo or a redo is written in a worker thread
        # ("" when none is): no other step may land on a stack that is about to move.
        self.replaying = ""
        self._checklist_templates: Mapping[str, ChecklistTemplate] | None = None
        # Board snapshot for the next quick start (the app turns it on; tests choose).
        self.keep_snapshot = keep_snapshot
        # Transplants whose stored entry the live load found wrong (``_apply``).
        self._suspect_entries: set[str] = set()
        self._snapshot_timer = QTimer(self)
        self._snapshot_timer.setSingleShot(True)
        self._snapshot_timer.setInterval(SNAPSHOT_IDLE_MS)
        self._snapshot_timer.timeout.connect(self.save_snapshot_async)
        self.views = ViewQueue()
        # A sign-in's audit row still to be written behind the board (``record_sign_in``):
        # the views wait for it, so the trail keeps their order.
        self._sign_in_writing = False
        self._sign_in_write: Callable[[], None] | None = None  # not started yet
        self._views_failed = False  # a view waited: say so when it is finally written
        self._views_timer = QTimer(self)
        self._views_timer.setInterval(VIEW_RETRY_MS)
        self._views_timer.timeout.connect(self.write_views)
        if repo is not None:
            self._start_feed()

    def sign_in(self, done: SignedIn) -> None:
        """From now on every action is ``done.actor``'s (the sign-in dialog's result)."""
        self.signed_in = done
        self.actor = done.actor
        self.sig_signed_in.emit()

    @property
    def repo(self) -> Repository:
        """The repository; only once ``attach``-ed (always, without a quick start)."""
        if self._repo is None:
            raise RuntimeError("The clinic database is still being opened.")
        return self._repo

    @property
    def ready(self) -> bool:
        """True once live rows are loaded: actions may read and write the repository."""
        return self._ready

    def context(self) -> Context:
        """Who acts and when, for one use-case call."""
        from planner.app.context import Context

        return Context(self.actor, self.clock())

    @property
    def today(self) -> dt.date:
        """Today's local date."""
        return self.clock().date()

    # --- the start board -------------------------------------------------------------------

    def start_board(self, board: StartBoard) -> None:
        """Show the stored board of today while the repository is being opened (or, on a
        database with accounts, once it is open and someone signed in: ready then)."""
        self.rows, self.worklist = board.rows, board.worklist
        self.sketches, self.from_snapshot = board.sketches, True
        self.engrafted = dict(board.engrafted)
        self.computed_for = board.today
        self.sig_board_changed.emit()
        if self._repo is not None:
            self._ready_on_stored_board()

    def set_loading(self, loading: bool, *, announce: bool = True) -> None:
        """Say that the database is being opened or loaded (True) or no longer (False);
        ``announce`` False: a reload the status bar need not mention (it would hide the
        sentence of the edit that started it)."""
        self.loading = loading
        if announce:
            self.sig_loading.emit(loading)

    @property
    def settled(self) -> bool:
        """Live, and nothing loading or sketching in the background: the GUI thread has
        the interpreter to itself for work that can wait (``prepare_while_idle``)."""
        return self._live and not self.loading and not self.sketching

    def attach(self, repo: Repository) -> None:
        """Hand over the repository opened behind the start board; it may be used at
        once while the board shown is the stored one of today (the class says why)."""
        self._repo = repo
        # After the paint of what attach shows: the feed's thread connects and listens in
        # Python, and would share the interpreter with that paint (ui/workers.py); the
        # load, started after it the same way, waits for it to listen.
        if repo.shared:
            when_gui_quiet(self._start_feed)
        else:
            self._feed_decided.set()  # no other writer: nothing to listen for
        self._ready_on_stored_board()

    def _ready_on_stored_board(self) -> None:
        # The stored board of today was matched to the marks of the store now open: a
        # patient may be opened from it before the live load is in.
        if self.finishing or self._ready:
            return
        if self.from_snapshot and self.computed_for == self.today:
            self._ready = True
            self.sig_ready.emit()

    @property
    def live(self) -> bool:
        """True once a load computed from the repository is in (``sig_live``)."""
        return self._live

    @property
    def attached(self) -> bool:
        """True once the repository is there (it may still be loading the clinic)."""
        return self._repo is not None

    def row_of(self, transplant_id: str) -> BoardRow | None:
        """The board row of a transplant as the board shows it now (None: not on the board)."""
        return next((r for r in self.rows if r.transplant_id == transplant_id), None)

    # --- live rows -------------------------------------------------------------------------

    def checklist_templates(self) -> Mapping[str, ChecklistTemplate]:
        """The checklist templates by id (parsed once, when first needed)."""
        if self._checklist_templates is None:
            from planner.records.checklists import load_checklists

            self._checklist_templates = load_checklists()
        return self._checklist_templates

    def _compute(self, today: dt.date) -> Loaded:
        from planner.app.clinic import clinic_view, closed_view

        # A commit between this read and the feed's LISTEN would never be reported: wait
        # until it is known whether there is a feed (attach starts it once the GUI is
        # quiet), then until it listens.
        # (Not on the GUI thread, which would hold up the very start it waits for.)
        if threading.current_thread() is not threading.main_thread():
            deadline = time.monotonic() + FEED_LISTEN_WAIT_S
            if not self.finishing:
                self._feed_decided.wait(FEED_LISTEN_WAIT_S)
            if self._feed is not None:
                self._feed.wait_listening(max(0.0, deadline - time.monotonic()))
        with collector_paused():
            view = clinic_view(self.repo, today, sorted(self.closures), self.checklist_templates())
            closed = closed_view(self.repo, today) if self._closed_wanted else []
            for plan in view.plans.values():
                plan.date_span()  # cached on the plan: the clinic timeline's range, here
                # rather than on the GUI thread when the rows are shown (0.2 s at 2,000)
            # Before the collector comes back: its first collection would otherwise walk
            # everything the load made (all still young), on whichever thread allocates
            # next, the GUI thread as often as not (_freeze_loaded says why it is safe).
            _freeze_loaded()
        return view.rows, view.worklist, view.plans, view.engrafted, closed

    def check_file_when_live(self, on_damaged: Callable[[BaseException], None]) -> None:
        """Run the repository's deferred file check in a worker thread once the live
        clinic is in (``Repository.check_file``).

        It reads the whole file, so its time grows with the programme's history: run
        beside the load, it took a core from it. Views of patients opened meanwhile are
        written when it passes; ``on_damaged`` gets the refusal of a damaged file.
        """
        self._file_check_pending = True

        def when_live() -> None:
            self.sig_live.disconnect(when_live)
            self.check_file_now(on_damaged)

        if self._live:
            self.check_file_now(on_damaged)
        else:
            self.sig_live.connect(when_live)

    def check_file_now(self, on_damaged: Callable[[BaseException], None]) -> None:
        """Run the repository's deferred file check in a worker thread now: on a database
        with accounts, beside the sign-in, whose write waits for it. A close stops it
        (``settle_file_check``); ``on_damaged`` gets the refusal of a damaged file."""
        self._file_check_pending = True

        def passed(_result: object) -> None:
            self._file_check_pending = False
            self._start_sign_in_write()  # the views wait for it
            self.write_views()

        def failed(exc: BaseException) -> None:
            if not self._file_check_stopped:
                on_damaged(exc)

        run_in_background(self.repo.check_file, passed, failed)

    @property
    def file_checked(self) -> bool:
        """False while the start's file check runs (writes, the snapshot included, wait)."""
        return not self._file_check_pending

    def settle_file_check(self) -> None:
        """At the close: end the start's file check. Views, or a sign-in's row, waiting
        for it are worth the wait (audit rows); otherwise it is stopped (seconds on a long
        history), and the file stays unchecked until the next start."""
        if not self._file_check_pending or self._repo is None:
            return
        if not self.views and not self._sign_in_writing:
            self._file_check_stopped = True
            self._repo.stop_file_check()
            return
        QThreadPool.globalInstance().waitForDone()
        try:
            self._repo.check_file()  # at once: the worker's check is over
        except PlannerError:
            return  # damaged: the views stay unwritten and are reported
        self._file_check_pending = False

    def want_closed(self, wanted: bool) -> None:
        """Keep the rows of the closed transplants (read now, in a worker thread) or drop
        them; ``sig_board_changed`` says when they are there."""
        if wanted == self._closed_wanted:
            return
        self._closed_wanted = wanted
        if not wanted:
            self.closed_rows = []
            return
        if not self._ready:
            return  # the live load, when it comes, reads them

        from planner.app.clinic import closed_view

        today = self.today

        def done(rows: list[BoardRow]) -> None:
            if self._closed_wanted and not self.finishing:
                self.closed_rows = rows
                self.sig_board_changed.emit()

        run_in_background(lambda: closed_view(self.repo, today), done, self._closed_failed)

    @property
    def found_rows(self) -> list[BoardRow]:
        """The rows the search found among the closed transplants, less any now live."""
        if self.found is None:
            return []
        live = {r.transplant_id for r in self.rows}
        return [r for r in self.found.rows if r.transplant_id not in live]

    def search_closed(self, text: str) -> None:
        """Search the closed transplants' patients in the store (a worker thread) for
        ``text``; ``sig_board_changed`` says when the rows found are there. A blank text
        drops them. Only the answer to the latest text is kept."""
        text = text.strip()
        self._search_wanted = text
        if not text:
            if self.found is not None:
                self.found = None
                self.sig_board_changed.emit()
            return
        if not self._ready:
            return  # the live load, when it comes, asks again
        from planner.app.clinic import closed_matching

        today = self.today

        def done(found: ClosedFound) -> None:
            if found.text == self._search_wanted and not self.finishing:
                self.found, self._found_for = found, today
                self.sig_board_changed.emit()

        run_in_background(
            lambda: closed_matching(self.repo, today, text), done, self._search_failed
        )

    def _search_failed(self, exc: BaseException) -> None:
        LOG.warning("closed transplants not searched: %s", type(exc).__name__)
        reason = str(exc) if isinstance(exc, PlannerError) else shown(CLOSED_UNSEARCHED_WHY)
        self.report(shown(CLOSED_UNSEARCHED).format(reason=reason))

    def _closed_failed(self, exc: BaseException) -> None:
        # Untick and tick again to retry.
        self._closed_wanted = False
        LOG.warning("closed transplants not read: %s", type(exc).__name__)
        reason = str(exc) if isinstance(exc, PlannerError) else shown(CLOSED_UNREAD_WHY)
        self.report(shown(CLOSED_UNREAD).format(reason=reason))

    def _apply(self, loaded: Loaded, today: dt.date, *, whole: bool = True) -> None:
        """Show rows computed from the repository: the whole clinic's, or (``whole``
        False) the stored rows with some transplants recomputed."""
        if self.finishing:
            return  # a load that ended after the window closed
        before = self.plans
        if whole and self.from_snapshot and self.computed_for == today:
            # Entries that were not what the data makes (a faulty program, rules changed
            # without a version) are computed again at the next refresh of the index.
            self._suspect_entries |= _differing(self.rows, self.worklist, loaded)
        self.rows, self.worklist, self.plans, self.engrafted, self.closed_rows = loaded
        if whole:
            self.sketches, self.from_snapshot = {}, False
        else:
            # The transplants recomputed are drawn from their new plans; the others keep
            # their sketches (the stored board's, or the ones made behind the live load).
            self.sketches = {
                k: v
                for k, v in self.sketches.items()
                if k not in self.plans or self.plans[k] is before.get(k)
            }
        self.computed_for = today
        self.sig_board_changed.emit()
        if not self._ready:
            self._ready = True
            self.sig_ready.emit()
        if whole and not self._live:
            self._live = True
            self.sig_live.emit()
        if whole:
            self.sketching = True
            when_gui_quiet(self._sketch_in_background)  # ui/workers.py says why
        if self._search_wanted and self._found_for != today:
            self.search_closed(self._search_wanted)  # typed before the load, or a new day
        if self.keep_snapshot:
            self._snapshot_timer.start()

    def _sketch_in_background(self) -> None:
        """Make the clinic timeline's rows (``row_sketch``, bands and runs) of the plans
        just loaded in a worker thread: drawn from a plan, a row not yet painted costs
        1-2 ms of the frame that first shows it (50 ms for a page of them); from its
        sketch, a fraction of that. Rows painted before they are in use their plans."""
        from planner.app.timeline import row_sketch

        if self.finishing:
            self.sketching = False
            return
        plans = dict(self.plans)
        self.sketching = True

        def sketch_all() -> dict[str, RowSketch]:
            made = {}
            # Some 40,000 runs at 500 patients, kept until the next load: made without the
            # collector walking the program at each burst, then out of its reach.
            with collector_paused():
                for tid, plan in plans.items():
                    if self.finishing:
                        break
                    made[tid] = sketch = row_sketch(plan)
                    _ = sketch.bands  # the detail, made here rather than at the first paint
                _freeze_loaded()
            return made

        def done(made: dict[str, RowSketch]) -> None:
            self.sketching = False
            if self.finishing:
                return
            # Only for the plans still shown (an edit meanwhile made a new one).
            fresh = {tid: s for tid, s in made.items() if self.plans.get(tid) is plans[tid]}
            if fresh:
                self.sketches = {**self.sketches, **fresh}
                self.sig_board_changed.emit()

        def failed(exc: BaseException) -> None:
            self.sketching = False
            LOG.warning("timeline rows not made: %s", type(exc).__name__)

        run_in_background(sketch_all, done, failed)

    def refresh_if_new_day(self) -> bool:
        """Recompute, in a worker thread, when the date has changed since the rows were
        computed (a workstation left open over midnight); True when it started."""
        if self._ready and self.computed_for is not None and self.computed_for != self.today:
            self.refresh_async(self.reload_failed)
            return True
        return False

    def reload_failed(self, exc: BaseException) -> None:
        """Say that a reload of the clinic in the background failed (the rows shown stay)."""
        LOG.warning("clinic not reloaded: %s", type(exc).__name__)
        reason = str(exc) if isinstance(exc, PlannerError) else type(exc).__name__
        self.report(shown(RELOAD_FAILED).format(reason=reason))

    def refresh(self) -> None:
        """Recompute the board and the worklist from the repository (blocking)."""
        today = self.today
        self._apply(self._compute(today), today)

    def refresh_transplants(
        self,
        transplant_ids: Collection[str],
        known: Documents | None = None,
        *,
        from_store: bool = False,
    ) -> None:
        """Recompute the rows of the given transplants only (after an edit of theirs).

        Milliseconds instead of a clinic-wide recompute, so an edit does not freeze the
        window of a big clinic; the result equals a full ``refresh`` (board order breaks
        ties by transplant id). ``known``: documents as stored that need no reading (an
        edit's change); the plans already on the board are not read again either. A new
        day, or rows not yet live, take the full path. ``from_store``: the board's copies
        may be stale (another workstation changed them, or a load read before an edit):
        everything of theirs is read again.
        """
        today = self.today
        for missed in self._missed_by_loads:
            missed.update(transplant_ids)
        if not self._ready or self.computed_for != today:
            self.refresh()
            return
        if self.repo.shared and self._feed is None and not self.loading:
            # On a shared server without a change feed the whole board is re-read too, as
            # other workstations' changes come with it (an SQLite file has no other writer
            # while open): in a worker thread, after the edited rows below are shown.
            when_gui_quiet(lambda: self.refresh_async(self.reload_failed, announce=False))
        from planner.app.board import board_order, closed_order, worklist_order
        from planner.app.changes import Documents
        from planner.app.clinic import clinic_view_of, load_clinic

        ids = set(transplant_ids)
        on_board = Documents(
            plans=() if from_store else tuple(p for tid, p in self.plans.items() if tid in ids)
        )
        data = load_clinic(self.repo, ids, on_board.merged(known or Documents()))
        part = clinic_view_of(data, today, sorted(self.closures), self.checklist_templates())
        rows = [r for r in self.rows if r.transplant_id not in ids] + part.rows
        items = [w for w in self.worklist if w.transplant_id not in ids] + part.worklist
        plans = {tid: p for tid, p in self.plans.items() if tid not in ids} | part.plans
        engrafted = {tid: d for tid, d in self.engrafted.items() if tid not in ids}
        closed = (
            [r for r in self.closed_rows if r.transplant_id not in ids] + part.closed
            if self._closed_wanted
            else []
        )
        if self.found is not None:
            # A found row edited: its new state, or gone if the edit reopened it.
            now = {r.transplant_id: r for r in part.closed}
            kept = [now.get(r.transplant_id, r) for r in self.found.rows]
            self.found = replace(
                self.found, rows=[r for r in kept if r.transplant_id not in ids - now.keys()]
            )
        self._apply(
            (
                sorted(rows, key=board_order),
                sorted(items, key=worklist_order),
                plans,
                engrafted | part.engrafted,
                sorted(closed, key=closed_order),
            ),
            today,
            whole=False,
        )

    def refresh_async(
        self, on_error: Callable[[BaseException], None], *, announce: bool = True
    ) -> None:
        """Recompute in a worker thread; the GUI stays responsive meanwhile.

        An edit stored while it runs is not in what it read: the edited transplants are
        recomputed again once its rows are in, so an edit never disappears from the board.
        """
        today = self.today
        self.set_loading(True, announce=announce)
        missed: set[str] = set()
        self._missed_by_loads.append(missed)
        behind = set(self._rows_behind)  # edits stored before this load reads

        def done(loaded: Loaded) -> None:
            self._missed_by_loads.remove(missed)
            self._apply(loaded, today)
            if not self.finishing:
                self._rows_behind -= behind
            if missed and not self.finishing:
                self.refresh_transplants(missed, from_store=True)
            self.set_loading(False, announce=announce)
            self._reread_if_asked()

        def failed(exc: BaseException) -> None:
            self._missed_by_loads.remove(missed)
            self.set_loading(False, announce=announce)
            try:
                on_error(exc)
            finally:
                # Asked for once more (another workstation's "everything", an edit of many
                # transplants): tried once again, so a failure does not leave it unshown.
                self._reread_if_asked()

        run_in_background(lambda: self._compute(today), done, failed)

    def _reread_if_asked(self) -> None:
        if self._reread_after_load and not self.finishing:
            self._reread_after_load = False
            self.refresh_async(self.reload_failed, announce=False)

    # --- the edit path ------------------------------------------------------------------------

    def read(self, use_case: UseCase[T]) -> T:
        """Run a use case that only reads (a preview, a dry run) with the repository."""
        return use_case(self.repo, self.context())

    def read_in_background(
        self,
        use_case: UseCase[T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run a use case that only reads in a worker thread; its answer on the GUI thread."""
        repo, ctx = self.repo, self.context()
        run_in_background(lambda: use_case(repo, ctx), on_done, on_error)

    def perform(
        self, use_case: UseCase[R], stack: QUndoStack | None = None, merge_key: str = ""
    ) -> R:
        """Run an edit: the use case commits it, then its change goes on ``stack`` (when it
        can be undone) and every view is told. Returns what the use case returned (a
        ``Change``, or a result carrying one: an import's report, an export's file).

        Raises:
            PlannerError: the use case refused or could not save; nothing was stored,
                nothing was pushed.
        """
        from planner.app.changes import change_of

        self._refuse_while_replaying()
        result = use_case(self.repo, self.context())
        change = change_of(result)
        if change is None:
            return result
        self._after_write()
        if stack is not None and change.undoable:
            from ui.commands import ChangeCommand

            stack.push(ChangeCommand(self, change, merge_key))
        self.publish(change)
        return result

    def perform_in_background(
        self,
        use_case: UseCase[R],
        on_done: Callable[[R], None],
        on_error: Callable[[BaseException], None],
        stack: QUndoStack | None = None,
    ) -> None:
        """Run an edit in a worker thread (an electronic signature checks a password for
        half a second; a lab import of 100,000 rows takes about one), then, on the GUI
        thread, push its change on ``stack`` when it can be undone and tell every view,
        as ``perform`` does."""
        from planner.app.changes import change_of

        try:
            self._refuse_while_replaying()
        except PlannerError as exc:
            on_error(exc)
            return
        ctx = self.context()
        repo = self.repo

        def done(result: R) -> None:
            # The caller hears of its stored edit whatever telling the views does (a
            # dialog waiting for it would otherwise stay open, refusing to close).
            try:
                change = change_of(result)
                if change is not None:
                    self._after_write()
                    if stack is not None and change.undoable:
                        from ui.commands import ChangeCommand

                        stack.push(ChangeCommand(self, change))
                    self.publish(change)
            finally:
                on_done(result)

        run_in_background(lambda: _compared(use_case(repo, ctx)), done, on_error)

    def replay(self, write: UseCase[Change]) -> Change:
        """Write an undo or a redo (``planner.app.changes.undo``/``redo``) and tell the views."""
        self._refuse_while_replaying()
        change = write(self.repo, self.context())
        return self.replayed(change)

    def replayed(self, change: Change) -> Change:
        """An undo or a redo was stored (here or in a worker): tell the views."""
        self._after_write()
        self.publish(change)
        return change

    def replays_in_background(self, change: Change) -> bool:
        """Whether undoing or redoing ``change`` is written in a worker thread."""
        return (
            len(change.samples) > REPLAY_IN_PLACE_SAMPLES
            or len(change.before.keyed()) > REPLAY_IN_PLACE_DOCUMENTS
        )

    def replay_in_background(
        self,
        step: Change,
        write: UseCase[Change],
        refusal: str,
        on_done: Callable[[object], None],
    ) -> None:
        """Write an undo or a redo of ``step`` in a worker thread; ``on_done`` gets, on the
        GUI thread, the stored ``Change`` or the exception that refused it (nothing once
        the window is closing: the write is stored, the stack goes with the window).
        Edits, undos and redos are refused meanwhile with ``refusal`` as the reason."""
        self._refuse_while_replaying()
        repo, ctx = self.repo, self.context()
        self.replaying = refusal
        # Its rows may lag what is stored from now on: a close before its answer lands
        # must not store them as today's entries.
        behind = self._rows_of(step) - self._rows_behind
        self._rows_behind |= behind
        self.sig_replaying.emit(True)

        def answer(result: object) -> None:
            self.replaying = ""
            if self.finishing:
                return
            if isinstance(result, BaseException):
                self._rows_behind -= behind  # nothing was written: they are current
            try:
                on_done(result)
            finally:
                self.sig_replaying.emit(False)

        run_in_background(lambda: _compared(write(repo, ctx)), answer, answer)

    def _refuse_while_replaying(self) -> None:
        if self.replaying:
            raise PlannerError(self.replaying)

    def publish(self, change: Change) -> None:
        """Recompute the board rows ``change`` touched, then tell every view. More than
        ``PUBLISH_IN_PLACE`` transplants: the whole board, in a worker thread (the rows
        shown stay until it is in)."""
        if not change.parts:
            return
        if self._ready:
            ids = self._rows_of(change)
            if len(ids) > PUBLISH_IN_PLACE:
                self._rows_behind |= ids
                self._refresh_open_rows(ids, change)
                # Once the views and the dialog that made the edit have answered it: a
                # load started beside them stretched their 10-15 ms to 40-90 ms.
                when_gui_quiet(self._reload_behind)
            elif ids:
                self.refresh_transplants(ids, change.after)
        self.sig_change.emit(change)

    def _rows_of(self, change: Change) -> set[str]:
        """The transplants whose board rows ``change`` may alter: those it edited and
        those of the patients it edited or gave lab samples."""
        patients = change.patient_ids
        return set(change.transplant_ids) | {
            r.transplant_id for r in self.rows if r.patient_id in patients
        }

    def _refresh_open_rows(self, ids: set[str], change: Change) -> None:
        """Recompute at once the rows among ``ids`` of the patients open in tabs (a
        handful) while the rest waits for the reload: a tab's header shows its board
        row's phase and high alerts, which must not lag for the second the reload takes
        behind what the tab itself shows. Best effort: the edit is stored, and the reload
        recomputes these rows too."""
        wanted = ids & {r.transplant_id for r in self.rows if r.patient_id in self._open_here}
        if not wanted or self.computed_for != self.today:
            return  # a new day: the reload recomputes everything anyway
        if self.repo.shared and self._feed is None:
            return  # refresh_transplants would load the whole clinic beside the reload
        try:
            self.refresh_transplants(wanted, change.after)
        except PlannerError as exc:
            LOG.warning("open rows not recomputed after a big edit: %s", type(exc).__name__)

    def _reload_behind(self) -> None:
        """Reload the board for the rows behind an edit: now, or after the load under way
        (it may have read before the edit); nothing once the window is closing."""
        if self.finishing:
            return
        if self.loading:
            self._reread_after_load = True
        else:
            self.refresh_async(self.reload_failed, announce=False)

    # --- views waiting for their audit row ----------------------------------------------

    def record_view(self, patient_id: str) -> bool:
        """Audit the opening of a patient's record: written now if the database allows,
        else queued with its time and user (``views``); a refusal of the database is
        never raised, so the record opens whatever the database's state.

        Returns:
            True when the row is written (or is written the moment the start's file
            check passes); False when it waits (say so to the user).
        """
        self.views.add(self.context(), patient_id)
        if self._file_check_pending or self._sign_in_writing:
            return True  # written as soon as the start's file check has passed
        return self.write_views()

    def record_sign_in(self, write: Callable[[], None]) -> None:
        """Write a sign-in's audit row (``write``) behind the clinic already shown, in a
        worker thread once the start's check of the whole file has passed (writes wait
        for it: seconds on a long history, which nothing typed hides when the computer's
        login signs in, nor a password typed quickly). Started only then, so that no
        worker thread waits for the check meanwhile: the stored board's read and the live
        load need them. Views opened
        before it is written wait for it, so the trail has the sign-in first; a close
        waits for it as for them (``settle_file_check``, ``finish``)."""
        self._sign_in_writing, self._sign_in_write = True, write
        if not self._file_check_pending:
            self._start_sign_in_write()

    def _start_sign_in_write(self) -> None:
        write, self._sign_in_write = self._sign_in_write, None
        if write is None:
            return

        def written(_result: object) -> None:
            self._sign_in_writing = False
            self.write_views()

        def failed(exc: BaseException) -> None:
            self._sign_in_writing = False
            LOG.warning("sign-in not recorded: %s", type(exc).__name__)
            reason = str(exc) if isinstance(exc, PlannerError) else type(exc).__name__
            self.report(shown(SIGN_IN_UNRECORDED).format(reason=reason))
            self.write_views()

        run_in_background(write, written, failed)

    def _write_sign_in_at_close(self) -> None:
        """At the close, once the file check is settled: the sign-in's row still to be
        written, here (no worker thread delivers its end any more)."""
        write, self._sign_in_write = self._sign_in_write, None
        if write is not None and not self._file_check_pending:
            try:
                write()
            except PlannerError as exc:
                LOG.warning("sign-in not recorded at close: %s", type(exc).__name__)
        self._sign_in_writing = False

    def write_views(self) -> bool:
        """Write the views waiting for their row, oldest first; True when none waits.

        Views that had waited and are now written are reported in the status bar; while
        some still wait, a timer tries again.
        """
        if not self.views:
            self._views_timer.stop()
            return True
        if self._sign_in_writing and not self.finishing:
            return True  # after the sign-in's row (``record_sign_in``), which writes them
        if self._repo is None:
            return False
        earlier = self._views_failed
        self.views.write(self._repo)
        if self.views:
            self._views_failed = True
            if not self.finishing:
                self._views_timer.start()
            return False
        self._views_timer.stop()
        self._views_failed = False
        if earlier:
            self.report(shown(VIEWS_WRITTEN))
        return True

    def _after_write(self) -> None:
        """A write just succeeded: the database takes writes again, so write the views
        that waited (a failure here leaves them waiting and never fails the edit)."""
        if self.views:
            self.write_views()

    def report(self, message: str) -> None:
        """A sentence for the status bar."""
        self.sig_message.emit(message)

    # --- other workstations' changes (a shared server) ------------------------------------

    def _start_feed(self) -> None:
        """Listen for other workstations' commits, where the repository is shared."""
        try:
            if self.finishing or self._feed is not None or self._repo is None:
                return
            feed = self._repo.change_feed() if self._repo.shared else None
            if feed is None:
                return
            self._feed = feed
            feed.start(self._remote_arrived.emit, _feed_lost, self._presence_arrived.emit)
            self._presence_timer.start()
        finally:
            self._feed_decided.set()  # a load waiting for the feed reads now

    # --- who else has a patient open (a shared server) --------------------------------

    def set_open_patients(self, patient_ids: Collection[str]) -> None:
        """The patients open in this window: announced to the other workstations."""
        ids = frozenset(patient_ids)
        if ids != self._open_here:
            self._open_here = ids
            self._announce()

    def _announce(self) -> None:
        if self._feed is None or self.finishing:
            return
        # Sent by the feed's thread: an unreachable server never holds the window.
        self._feed.announce(self._open_here, self.actor.user, self.actor.workstation)
        self.sig_presence.emit()  # and each beat, announcements not renewed drop out

    def _on_presence(self, presence: Presence) -> None:
        self._others[presence.source] = (presence, time.monotonic())
        self.sig_presence.emit()

    def others_with(self, patient_id: str) -> list[str]:
        """Who else has ``patient_id`` open, as "user (workstation)", heard from within
        ``PRESENCE_TTL_S`` (an app that ended without a word drops out then)."""
        now = time.monotonic()
        return sorted(
            f"{p.user} ({p.workstation})"
            for p, heard in self._others.values()
            if patient_id in p.patient_ids and now - heard < PRESENCE_TTL_S
        )

    def _on_remote_change(self, change: RemoteChange) -> None:
        """Show another workstation's commit: its transplants' rows recomputed (a whole
        read when it named too much, or notifications were lost); open patients reload
        theirs (``sig_remote_change``). Before the live clinic is in, the load under way
        recomputes them when it lands (it may have read before the commit)."""
        if self.finishing:
            return
        ids = set(change.transplant_ids) | {
            r.transplant_id for r in self.rows if r.patient_id in change.patient_ids
        }
        if change.everything and self._live and not self.loading:
            self.refresh_async(self.reload_failed, announce=False)
        elif change.everything:
            self._reread_after_load = True
        elif not self._live or self.loading or self.computed_for != self.today:
            for missed in self._missed_by_loads:
                missed.update(ids)
        elif ids:
            try:
                self.refresh_transplants(ids, from_store=True)
            except PlannerError as exc:
                LOG.warning("another workstation's change not shown: %s", type(exc).__name__)
                self.report(shown(REMOTE_UNREAD).format(reason=str(exc)))
        self.sig_remote_change.emit(change)  # open patients, even on the stored board

    # --- the board snapshot for the next start -----------------------------------------------

    def _refresh_index(
        self,
        today: dt.date,
        stop: Callable[[], bool],
        *,
        closing: bool = False,
        board: bool = True,
    ) -> set[str]:
        """Refresh the board index (any thread), then, when idle, the registry forms'
        index (``refresh_forms_index``: the first forms list after an upgrade would
        otherwise date the whole history); the transplants whose board entries were
        stored."""
        from planner.app.snapshot import REFRESH_AHEAD, refresh_board_index

        stored: set[str] = set()
        if board:
            stored = refresh_board_index(
                self.repo,
                today,
                sorted(self.closures),
                self.checklist_templates(),
                also=frozenset(self._suspect_entries),
                stop=stop,
                # A close reads a few transplants at a time, so its time limit holds.
                batch=CLOSE_BATCH if closing else BATCH_IDLE,
                # A close renews only what the next start today would compute: entries that
                # merely run out soon are the idle refresh's.
                ahead=0 if closing else REFRESH_AHEAD,
            )
        if not closing and not stop():
            from planner.app.forms import refresh_forms_index

            try:
                refresh_forms_index(self.repo, stop, batch=FORMS_BATCH_IDLE)
            except PlannerError as exc:  # the list dates what is missing when opened
                LOG.warning("registry forms index not refreshed: %s", type(exc).__name__)
        return stored

    def _entries_stored(self, stored: set[str]) -> None:
        self._suspect_entries -= stored  # on the GUI thread, where _apply adds to it

    def _wants_snapshot(self) -> bool:
        # On a database with accounts too: the quick start shows none before a sign-in,
        # but the stored board is shown right after one (ui/app.py).
        return (
            self.keep_snapshot
            and self._ready
            and self._live
            and self.file_checked  # writes wait for the start's file check
            and self.repo.keeps_board_snapshot
        )

    def save_snapshot(self) -> None:
        """At close: store the entries of the transplants changed since the index was last
        refreshed (usually the few edited since the user last paused), for at most
        ``CLOSE_INDEX_S``; then, on a file no one else writes, the rows on screen as
        today's entries of what is left (``store_shown_board``), so the next start today
        paints at once; the next start of another day computes those.

        Every entry is computed from the store with the marks read before it, so what
        this screen shows, or whether another workstation wrote meanwhile, does not
        matter.
        """
        if not self._wants_snapshot():
            return
        today = self.today
        deadline = time.monotonic() + CLOSE_INDEX_S
        self._entries_stored(
            self._refresh_index(today, lambda: time.monotonic() > deadline, closing=True)
        )
        if self.repo.shared or self.from_snapshot or self.computed_for != today:
            return  # no live board of today, or one another workstation may have outdated
        from planner.app.snapshot import store_shown_board
        from planner.app.timeline import row_sketch

        sketches = {**self.sketches}
        sketches.update(
            (tid, row_sketch(p)) for tid, p in self.plans.items() if tid not in sketches
        )
        store_shown_board(
            self.repo,
            today,
            sorted(self.closures),
            # Rows behind an edit stored meanwhile are not what the data makes: their
            # transplants are left to the next start to compute.
            (
                [r for r in self.rows if r.transplant_id not in self._rows_behind],
                [w for w in self.worklist if w.transplant_id not in self._rows_behind],
            ),
            sketches,
            self.engrafted,
            also=self._suspect_entries - self._rows_behind,
        )

    def _wants_forms_index(self) -> bool:
        return self.keep_snapshot and self._ready and self._live and self.file_checked

    def save_snapshot_async(self) -> None:
        """Refresh the stored entries in a worker thread (after the user paused): the
        board index's and the registry forms'."""
        if not self._wants_forms_index():
            return
        today, board = self.today, self._wants_snapshot()
        # An index that cannot be written only costs the next start its head start.
        run_in_background(
            lambda: self._refresh_index(today, lambda: self.finishing, board=board),
            self._entries_stored,
            lambda exc: LOG.warning("board index not refreshed: %s", type(exc).__name__),
        )

    def finish(self) -> None:
        """Before the repository closes: wait for background work, store the snapshot.

        Results of background work that arrive later (an open or a load that was still
        running) are dropped. A snapshot that cannot be written only costs the next
        start its head start.
        """
        if self._feed is not None and self._open_here:
            self._open_here = frozenset()
            self._announce()  # nothing open here any more
        self.finishing = True
        self._presence_timer.stop()
        if self._feed is not None:
            self._feed.stop()
        self._snapshot_timer.stop()
        self._views_timer.stop()
        self.settle_file_check()
        QThreadPool.globalInstance().waitForDone()
        self._write_sign_in_at_close()
        if self._repo is not None and self._ready:
            try:
                self.save_snapshot()
            except PlannerError as exc:
                LOG.warning("board snapshot not stored at close: %s", type(exc).__name__)


def _compared(result: T) -> T:
    """``result`` with its change's comparison of the documents before and after (which
    publishing it reads) made already: in the worker thread that stored it, not on the
    GUI thread once it lands (30 ms for the 500 recovery records of an import's undo)."""
    from planner.app.changes import change_of

    change = change_of(result)  # type: ignore[arg-type]
    try:
        if change is not None:
            _ = change.changed_keys  # a cached property
    except Exception as exc:  # noqa: BLE001 - the write is stored: never report it failed
        LOG.warning("change not compared in its worker: %s", type(exc).__name__)
    return result


def _differing(rows: list[BoardRow], worklist: Sequence[WorklistItem], loaded: Loaded) -> set[str]:
    """The transplants whose row or worklist lines differ between the shown board and a
    load (missing on either side included)."""

    def by_transplant(
        rs: list[BoardRow], ws: Sequence[WorklistItem]
    ) -> dict[str, tuple[BoardRow, list[WorklistItem]]]:
        found: dict[str, tuple[BoardRow, list[WorklistItem]]] = {
            r.transplant_id: (r, []) for r in rs
        }
        for w in ws:
            if w.transplant_id in found:
                found[w.transplant_id][1].append(w)
        return found

    shown, live = by_transplant(rows, worklist), by_transplant(loaded[0], loaded[1])
    return {tid for tid in shown.keys() | live.keys() if shown.get(tid) != live.get(tid)}


def _feed_lost(exc: BaseException) -> None:
    """The change feed's connection dropped (in its thread): it tries again, and reports
    a change of everything once back."""
    LOG.warning("change feed: connection lost (%s); trying again", type(exc).__name__)


def _freeze_loaded() -> None:
    """Move what a full load left alive (the board, the plans: a quarter of a million
    objects at 500 patients) out of the garbage collector's reach.

    A full collection walks every tracked object: 150-220 ms at 500 patients, felt as a
    stalled frame while scrolling. These objects live until the next full load, and they
    are freed by reference counting as usual when replaced; only cyclic garbage made
    before the freeze would stay, and a load makes none that matters. See gc.freeze in
    the Python documentation (3.7+).
    """
    import gc

    gc.freeze()
