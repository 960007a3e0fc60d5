"""ClinicSession: the one place the desktop app keeps state.

It holds the repository (through the port), who is signed in, the clock, and the
current board rows; widgets read from it and listen to its signals. It keeps no
second copy of the records: rows are recomputed from the repository after each
committed action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from planner.board import BoardRow
from planner.ports import Actor, Repository
from planner.services import Context, clinic_board


class ClinicSession(QObject):
    """Shared state of the running app.

    Signals:
        sig_board_changed: the board rows were recomputed.
    """

    sig_board_changed = Signal()
    """Emitted after ``refresh()`` recomputed the board rows."""

    def __init__(self, repo: Repository, actor: Actor, clock: Callable[[], dt.datetime],
                 *, demo: bool = False) -> None:
        super().__init__()
        self.repo = repo
        self.actor = actor
        self.clock = clock
        self.demo = demo
        self.rows: list[BoardRow] = []

    def context(self) -> Context:
        """Who acts and when, for one use-case call."""
        return Context(self.actor, self.clock())

    @property
    def today(self) -> dt.date:
        """Today's local date."""
        return self.clock().date()

    def refresh(self) -> None:
        """Recompute the board from the repository."""
        self.rows = clinic_board(self.repo, self.today)
        self.sig_board_changed.emit()
