"""A one-line-per-line label that fits the width it is given: long text is elided."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QWidget


class ElidedLabel(QLabel):
    """A plain-text label that never asks for more width than it is given.

    A QLabel asks for the width of its longest line, and a window grows to give it:
    a long family name once made the main window 2137 pixels wide. This one draws each
    line elided ("…") to its width; while anything is elided its tooltip starts with the
    full text, then the tooltip set on it. ``text()`` stays the full text.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M…")), hint.height())

    def shown_lines(self) -> list[str]:
        """The lines as drawn, elided to the label's width."""
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        return [
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
            for line in self.text().split("\n")
        ]

    def is_elided(self) -> bool:
        """Whether some of the text does not show."""
        return self.shown_lines() != self.text().split("\n")

    def full_tooltip(self) -> str:
        """The tooltip shown: the full text first when it is elided."""
        own = self.toolTip()
        if not self.is_elided():
            return own
        return f"{self.text()}\n\n{own}" if own else self.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            "\n".join(self.shown_lines()),
            self.foregroundRole(),
        )

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent) and self.is_elided():
            QToolTip.showText(e.globalPos(), self.full_tooltip(), self)
            return True
        return super().event(e)
