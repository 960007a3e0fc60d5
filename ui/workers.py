"""Run slow work off the GUI thread; results come back as signals on the GUI thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - every failure goes to the error presenter
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


_LIVE: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
) -> None:
    """Run ``fn`` in the global thread pool; call ``on_done``/``on_error`` on the GUI thread.

    ``fn`` must not touch widgets (Qt forbids it off the GUI thread).
    """
    relay = _Relay()
    _LIVE.add(relay)  # keep the relay alive until it has delivered

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _LIVE.discard(relay)
        callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    QThreadPool.globalInstance().start(_Task(fn, relay))


# Work started in a worker thread competes with the GUI thread for the interpreter, and
# the GUI thread pays for it on every call into and out of Qt (each may wait a switch
# interval for the interpreter): on X11 the paint and fitting of a new board, 30 + 50 ms
# of the GUI thread's own work, became a 220-290 ms stall beside the timeline's sketches
# (bench_app). Qt repaints on a timer of its own (QWindow::requestUpdate), after zero
# timers, so "after the paint" is not the next turn of the event loop; a quiet GUI thread
# is seen instead: a ticking timer that has run on time a few times in a row.
QUIET_TICK_MS = 10
QUIET_TICKS = 3
# Late by more than this, a tick means the GUI thread was busy in between.
QUIET_LATE_MS = 5
# Started by then whatever the GUI thread does (a long scroll must not hold it forever).
QUIET_AT_MOST_MS = 1000


class _WhenQuiet(QObject):
    """Calls ``fn`` once the GUI thread has been quiet (see ``when_gui_quiet``)."""

    def __init__(self, fn: Callable[[], None], owner: QObject | None = None) -> None:
        super().__init__()
        self._fn = fn
        self._owner = owner
        self._calm = 0
        self._last = self._start = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(QUIET_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - QUIET_TICK_MS > QUIET_LATE_MS
        self._calm = 0 if late else self._calm + 1
        self._last = now
        if self._calm >= QUIET_TICKS or (now - self._start) * 1000 >= QUIET_AT_MOST_MS:
            self._timer.stop()
            _WAITING.discard(self)
            if self._owner is None or shiboken6.isValid(self._owner):
                self._fn()


_WAITING: set[_WhenQuiet] = set()


def when_gui_quiet(fn: Callable[[], None], owner: QObject | None = None) -> None:
    """Call ``fn`` on the GUI thread once it has been quiet for ``QUIET_TICKS`` ticks
    (about 30 ms: what was just shown is painted and fitted), or after
    ``QUIET_AT_MOST_MS``; for work that starts a worker thread right after the board
    changed. ``owner``: the widget or model ``fn`` works on; not called once it is
    deleted (a window closed meanwhile)."""
    _WAITING.add(_WhenQuiet(fn, owner))
