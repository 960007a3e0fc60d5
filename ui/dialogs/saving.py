"""A dialog's input survives a failed save: the dialog comes back with it and says why.

A dialog closes on OK and its caller then saves what was typed. When that save fails
(the disk full, the database busy or closed, a refusal found only at save time),
``ask_until_saved`` opens the dialog again with what was typed (``typed``) and the
sentence of the failure (``error``) shown above its buttons, until the save succeeds or
the user cancels. Nothing typed is lost, and the user can try again or cancel.

A dialog takes part by accepting two keyword arguments in its ``ask``: ``typed`` (what
its last OK returned) and ``error`` (the sentence to show). They are passed only when
asking again, so a seam a test puts in place of ``ask`` needs them only if it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

from planner.errors import ConflictError, PlannerError
from ui.widgets.date_field import fit_dialog_height

T = TypeVar("T")
R = TypeVar("R")


class SaveErrorLine(QLabel):
    """Why the last OK was not saved, in the dialog (hidden while there is nothing to say)."""

    def __init__(self, error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveError")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet("color:#a00000;")
        self.setAccessibleName(self.tr("Why it was not saved"))
        self.setText(error)
        self.setVisible(bool(error))

    def say(self, text: str) -> None:
        """Show why the last OK was refused, the dialog grown to hold all of it."""
        self.setText(text)
        self.setVisible(True)
        fit_dialog_height(self)

    def showEvent(self, event: QShowEvent) -> None:
        """A dialog opened again with the reason of a failed save sized itself before the
        reason's wrapped lines were known: once on screen, it grows to show them all."""
        super().showEvent(event)
        QTimer.singleShot(0, self, lambda: fit_dialog_height(self))


def ask_until_saved(ask: Callable[..., T | None], save: Callable[[T], R]) -> R | None:
    """Ask, save what was answered, and ask again after a failed save; what ``save``
    returned, or None when the user cancelled.

    ``ask()`` opens the dialog; after a failure it is called as ``ask(typed=answer,
    error=sentence)``. Only ``PlannerError`` (a sentence written for the user) brings
    the dialog back; any other error propagates to the app's error dialog. A
    ``ConflictError`` propagates too: the record was saved meanwhile elsewhere and has
    been reloaded, and the same answer saved again would overwrite what was saved there
    (docs/architecture.md, "Conflicts": the edit is refused with a sentence).
    """
    again: dict[str, Any] = {}
    while (answer := ask(**again)) is not None:
        try:
            return save(answer)
        except ConflictError:
            raise
        except PlannerError as exc:
            again = {"typed": answer, "error": str(exc)}
    return None


def ask_save_and_report(
    ask: Callable[..., T | None],
    save: Callable[[T], str],
    report: Callable[[str], object],
) -> None:
    """``ask_until_saved``, then ``report`` the sentence ``save`` returned, or the
    refusal (a conflict: the record was reloaded) when it could not be saved."""
    try:
        message = ask_until_saved(ask, save)
    except PlannerError as err:
        report(str(err))
        return
    if message is not None:
        report(message)
