"""Refresh a view now when it is on screen, else when it is next shown.

A patient's workspace has several tabs over one record; after an edit only the tab on
screen needs to redraw at once. A hidden tab notes that it is stale and refreshes when
it is shown, so an edit costs the frame of the visible views only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class RefreshWhenShown(QObject):
    """Runs ``refresh`` for ``view`` now (visible) or on its next Show event (hidden)."""

    def __init__(self, view: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(view)
        self._view = view
        self._refresh = refresh
        self.stale = False
        view.installEventFilter(self)

    def request(self) -> None:
        """The view's data changed: redraw it now if it is on screen, else when shown.

        Only a view hidden in a window that is on screen waits: a window not shown yet
        (being built, or driven by a test) has every view refreshed at once.
        """
        if self._view.isVisible() or not self._view.window().isVisible():
            self.stale = False
            self._refresh()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._refresh()
        return False
