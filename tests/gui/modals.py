"""Answer modal dialogs from a test: each step gets the next dialog that opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QWidget

Step = Callable[[QWidget], None]
"""What to do with one dialog."""


class Modals:
    """Answers modal dialogs as they open: the n-th step gets the n-th dialog shown."""

    def __init__(self, steps: list[Callable[[QWidget], None]]) -> None:
        self.steps = list(steps)
        self.seen: list[QWidget] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or any(dialog is d for d in self.seen):
            return
        self.seen.append(dialog)
        if self.steps:
            self.steps.pop(0)(dialog)

    def stop(self) -> None:
        self.timer.stop()
        assert self.steps == [], "a dialog expected did not open"


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


def press_ok(qtbot, dialog: QWidget) -> None:
    # The dialog's own OK or Save (a date field's calendar popup has a button box too).
    accept = (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Save)
    oks = [
        b.button(kind)
        for b in dialog.findChildren(QDialogButtonBox)
        for kind in accept
        if b.button(kind) is not None
    ]
    assert len(oks) == 1
    ok = oks[0]
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
