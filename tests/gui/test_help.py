"""Help & About: F1 opens the user guide with its screenshots; About says the version,
the templates' status and where the files are."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from planner import __version__
from planner.storage import open_repository
from tests.gui.conftest import ACTOR
from ui.help import GuideDialog, guide_path


def test_the_guide_ships_and_every_picture_it_names_exists() -> None:
    path = guide_path()
    assert path is not None and path.name == "user-guide.md"
    text = path.read_text(encoding="utf-8")
    pictures = [
        line.split("](", 1)[1].split(")", 1)[0] for line in text.splitlines() if "![" in line
    ]
    assert len(pictures) >= 5
    for picture in pictures:
        assert (path.parent / picture).is_file(), picture


def test_f1_opens_the_guide_with_its_pictures(demo_window, qtbot, monkeypatch) -> None:
    opened: list[GuideDialog] = []
    timer = QTimer()

    def look() -> None:  # answers the dialog once it is on screen
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, GuideDialog) and widget.isVisible():
                timer.stop()
                opened.append(widget)
                widget.reject()

    timer.timeout.connect(look)
    demo_window.show()
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    target = demo_window.board
    target.setFocus(Qt.FocusReason.OtherFocusReason)
    timer.start(20)
    # F1 types no character: sent as a key event to the widget with focus, as a user's is.
    QTest.sendKeyEvent(
        QTest.KeyAction.Click, target, Qt.Key.Key_F1, "", Qt.KeyboardModifier.NoModifier
    )
    timer.stop()
    (dialog,) = opened
    document = dialog.browser.document()
    assert "Moving Day 0" in document.toPlainText()
    image = document.resource(QTextDocument.ResourceType.ImageResource, "board.png")
    assert image is not None and not image.isNull()


def test_about_names_the_version_and_where_the_files_are(
    make_window, tmp_path: Path, monkeypatch
) -> None:
    repo = open_repository(tmp_path / "clinic.db", user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        window = make_window(repo, demo=False)
        shown: list[str] = []
        monkeypatch.setattr(
            QMessageBox, "about", staticmethod(lambda _parent, _title, text: shown.append(text))
        )
        window.actions_by_name["about"].trigger()
        (text,) = shown
        assert f"Transplant Planner {__version__}" in text
        assert "examples for local review" in text
        assert f"Database: {tmp_path / 'clinic.db'}" in text
        assert f"Audit key: {tmp_path / 'clinic.db.audit-key'}" in text
    finally:
        repo.close()
