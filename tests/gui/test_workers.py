"""Background work waits for a quiet GUI thread before it competes with it."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from ui import workers
from ui.workers import QUIET_TICK_MS, QUIET_TICKS, when_gui_quiet


def _busy_gui_thread(qtbot, turns: int, each_ms: float, ended: list[float] | None = None):
    """Keep the GUI thread busy for ``each_ms`` in each of ``turns`` timer turns, as a
    paint and the fitting after it are; ``ended`` gets the time the last one ended."""
    left = [turns]
    timer = QTimer()

    def work() -> None:
        end = time.perf_counter() + each_ms / 1000
        while time.perf_counter() < end:
            pass
        left[0] -= 1
        if not left[0]:
            timer.stop()
            if ended is not None:
                ended.append(time.perf_counter())

    timer.timeout.connect(work)
    timer.start(1)
    return timer


def test_work_starts_once_the_gui_thread_has_been_quiet(qtbot):
    started: list[float] = []
    ended: list[float] = []
    busy = _busy_gui_thread(qtbot, turns=8, each_ms=25, ended=ended)  # 200 ms of painting
    when_gui_quiet(lambda: started.append(time.perf_counter()))
    qtbot.waitUntil(lambda: bool(started), timeout=2000)
    assert not busy.isActive() and started[0] > ended[0]  # not while the GUI was busy
    # ... and after some quiet ticks (the first after the busy turns may be on time).
    assert (started[0] - ended[0]) * 1000 >= QUIET_TICK_MS * (QUIET_TICKS - 1) - 2


def test_on_an_idle_gui_thread_work_starts_after_a_few_ticks(qtbot):
    started: list[float] = []
    asked = time.perf_counter()
    when_gui_quiet(lambda: started.append(time.perf_counter()))
    qtbot.waitUntil(lambda: bool(started), timeout=1000)
    assert (started[0] - asked) * 1000 < 200
    assert not workers._WAITING  # nothing left ticking


def test_a_gui_thread_that_never_rests_does_not_hold_the_work_forever(qtbot, monkeypatch):
    monkeypatch.setattr(workers, "QUIET_AT_MOST_MS", 150)
    started: list[float] = []
    keep = [_busy_gui_thread(qtbot, turns=1000, each_ms=20)]  # 20 s, were it let run
    try:
        when_gui_quiet(lambda: started.append(time.perf_counter()))
        qtbot.waitUntil(lambda: bool(started), timeout=2000)
        assert keep[0].isActive()  # still busy when the work started
    finally:
        keep[0].stop()


def test_work_on_an_object_deleted_meanwhile_is_not_started(qtbot):
    """A window closed before the GUI is quiet: the work on its widgets is dropped, the
    work on those still alive runs."""
    from PySide6.QtWidgets import QWidget

    gone, alive = QWidget(), QWidget()
    qtbot.addWidget(alive)
    calls: list[str] = []
    when_gui_quiet(lambda: calls.append("gone"), owner=gone)
    when_gui_quiet(lambda: calls.append("alive"), owner=alive)
    gone.deleteLater()
    qtbot.waitUntil(lambda: calls == ["alive"], timeout=2000)
    qtbot.wait(QUIET_TICK_MS * (QUIET_TICKS + 2))
    assert calls == ["alive"]
