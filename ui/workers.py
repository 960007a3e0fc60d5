"""Run slow work off the GUI thread; results come back as signals on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
