"""A timing probe, so the benchmarks time the real entry point instead of a stand-in.

With ``TRANSPLANT_PLANNER_PROBE`` set (``benchmarks/bench_app.py`` sets it), the app
started by ``transplant-planner`` prints, on stdout, ``name=value`` pairs: when the
board was first painted and with how many rows (and whether someone was signed in then),
when a patient could first be opened
(``ready_at``), when the
live clinic was in and painted, whether the stored
board was shown first, the longest stall of the GUI thread while loading and while idle
afterwards, and memory; then it closes its window as a user would and says when. The
variable's value is how many seconds to stay idle once the clinic is live (``0``: close
at once). Nothing about a patient is printed, only times, counts and sizes.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from ui.main_window import MainWindow

ENV = "TRANSPLANT_PLANNER_PROBE"
# The heartbeat: a timer this often; a gap longer than it is the GUI thread busy.
BEAT_MS = 5


def idle_seconds() -> float | None:
    """Seconds to stay once live, when the probe is asked for (None: no probe)."""
    value = os.environ.get(ENV)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return 0.0


def _memory_mb() -> tuple[float, float]:
    """Resident and peak resident memory of this process, in MB (Linux; else zeros)."""
    found = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                name = line.split(":", 1)[0] + ":"
                if name in found:
                    found[name] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found["VmRSS:"], found["VmHWM:"]


def _say(**fields: object) -> None:
    sys.stdout.write(" ".join(f"{k}={v}" for k, v in fields.items()) + "\n")
    sys.stdout.flush()


class Probe(QObject):
    """Watches one window from its first paint to its close (see the module's text)."""

    def __init__(self, app: QApplication, window: MainWindow, idle: float) -> None:
        super().__init__(window)
        self._window = window
        self._idle = idle
        self._last = time.perf_counter()
        self._stall = 0.0  # longest gap of the heartbeat in the current stretch
        self._painted = False
        self._from_snapshot = window.session.from_snapshot
        self._beat = QTimer(self)
        self._beat.setInterval(BEAT_MS)
        self._beat.timeout.connect(self._tick)
        self._beat.start()
        window.board.table.viewport().installEventFilter(self)
        window.session.sig_ready.connect(self._on_ready)
        window.session.sig_live.connect(lambda: QTimer.singleShot(0, self._live))

    def _tick(self) -> None:
        now = time.perf_counter()
        self._stall = max(self._stall, now - self._last - BEAT_MS / 1000)
        self._last = now

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            # After this paint is done and flushed: the next turn of the event loop.
            QTimer.singleShot(0, self._first_paint_done)
        return False

    def _first_paint_done(self) -> None:
        # The rows on screen then: all of them when a stored board was painted complete;
        # and whether someone was signed in then (a database with accounts shows no row
        # before a sign-in).
        _say(
            painted_at=f"{time.time():.6f}",
            painted_rows=self._window.model.rowCount(),
            painted_signed_in=int(self._window.session.signed_in is not None),
        )
        # The load's stalls are counted from here: the first paint is the start's.
        self._stall = 0.0
        self._last = time.perf_counter()

    def _on_ready(self) -> None:
        # A server's stored board is shown once connected, just before it is ready.
        self._from_snapshot = self._window.session.from_snapshot
        QTimer.singleShot(0, self._ready)

    def _ready(self) -> None:
        # A patient can be opened from here (on a stored board, before the live load).
        _say(ready_at=f"{time.time():.6f}")

    def _live(self) -> None:
        self._window.repaint()
        rss, peak = _memory_mb()
        _say(
            live_at=f"{time.time():.6f}",
            from_snapshot=int(self._from_snapshot),
            rows=self._window.model.rowCount(),
            load_stall_ms=f"{self._stall * 1000:.1f}",
            live_rss_mb=f"{rss:.1f}",
            live_peak_mb=f"{peak:.1f}",
        )
        self._stall = 0.0
        self._last = time.perf_counter()
        QTimer.singleShot(int(self._idle * 1000), self._close)

    def _close(self) -> None:
        rss, peak = _memory_mb()
        _say(
            idle_stall_ms=f"{self._stall * 1000:.1f}",
            idle_rss_mb=f"{rss:.1f}",
            peak_mb=f"{peak:.1f}",
            closing_at=f"{time.time():.6f}",
        )
        self._beat.stop()
        self._window.close()


def install(app: QApplication, window: MainWindow) -> None:
    """Watch ``window`` when the probe is asked for (does nothing otherwise)."""
    idle = idle_seconds()
    if idle is not None:
        Probe(app, window, idle)
