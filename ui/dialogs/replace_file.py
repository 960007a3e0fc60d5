"""Writing a file the user named: where the file dialog opens, and an existing file
replaced only when the user says so.

Every export (a document, the audit trail, a calendar, a spreadsheet, a FHIR bundle) is
written by a use case that refuses to overwrite (``TargetExistsError``) unless told to.
``save_replacing`` runs it, and when the file exists asks once, in the parent dialog,
whether to replace it: the file dialog itself is told not to ask
(``QFileDialog.Option.DontConfirmOverwrite``), so the question comes once, from the
place that knows the name the use case will really write.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox, QWidget

from planner.export.atomic import TargetExistsError

R = TypeVar("R")


def last_folder(settings: QSettings, key: str) -> Path:
    """The folder the user last saved this kind of file in (under ``key``), while it
    exists; else their documents folder (their home folder where there is none). A folder, never a file name: names hold no
    patient data and are proposed anew."""
    chosen = settings.value(key, "")
    if chosen and Path(str(chosen)).is_dir():
        return Path(str(chosen))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home())


def confirm_replace(parent: QWidget | None, path: Path) -> bool:
    """Ask whether to replace the existing file ``path`` (No is the default: Enter keeps
    it); True when the answer is Yes."""
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("replace_file", "Replace file?"),
        QCoreApplication.translate(
            "replace_file", "{name} already exists in {folder}. Replace it?"
        ).format(name=path.name, folder=path.parent),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def save_replacing(
    parent: QWidget | None,
    save: Callable[[bool], R],
    confirm: Callable[[QWidget | None, Path], bool] = confirm_replace,
) -> R | None:
    """``save(overwrite=False)``; if the file exists, ``save(True)`` once the user agrees.

    Returns:
        What ``save`` returned, or None when the user kept the existing file.

    Raises:
        PlannerError: from ``save`` (the caller says why in one sentence).
    """
    try:
        return save(False)
    except TargetExistsError as exists:
        if not confirm(parent, exists.path):
            return None
        return save(True)


def save_replacing_in_background(
    parent: QWidget | None,
    start: Callable[[bool, Callable[[R], None], Callable[[BaseException], None]], None],
    on_saved: Callable[[R], None],
    on_kept: Callable[[], None],
    on_failed: Callable[[BaseException], None],
    confirm: Callable[[QWidget | None, Path], bool] = confirm_replace,
) -> None:
    """``save_replacing`` for a save that runs in a worker thread (a spreadsheet of the
    whole clinic is computed for a second or more): ``start(overwrite, done, failed)``
    starts it; when the file exists the user is asked once, on the GUI thread, and the
    save started again with ``overwrite``. Then ``on_saved`` with what it returned,
    ``on_kept`` when the user kept the existing file, or ``on_failed``."""

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, TargetExistsError):
            on_failed(exc)
        elif confirm(parent, exc.path):
            start(True, on_saved, on_failed)
        else:
            on_kept()

    start(False, on_saved, failed)
