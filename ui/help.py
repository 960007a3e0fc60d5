"""Help > User guide and Help > About: the guide rendered from docs/user-guide.md with its
screenshots, and what IT and a user ask first (version, licence, where the data is)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from planner import __version__
from ui.translation import QT_TRANSLATE_NOOP

GUIDE = "user-guide.md"
IMAGE_WIDTH = 760  # screenshots are 1366 px wide: shown at the dialog's width, to scale

# The names of the places the repository reports (``storage_locations``), shown translated.
PLACES = (
    QT_TRANSLATE_NOOP("help", "Database"),
    QT_TRANSLATE_NOOP("help", "Backups"),
    QT_TRANSLATE_NOOP("help", "Audit key"),
)


def guide_path() -> Path | None:
    """The user guide: in the checkout (or an editable install) beside the ui package, in
    the one-folder bundle under its data folder; None when this install has none."""
    roots = [Path(__file__).resolve().parents[1]]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.insert(0, Path(bundle))
    for root in roots:
        found = root / "docs" / GUIDE
        if found.is_file():
            return found
    return None


class GuideDialog(QDialog):
    """The guide as formatted text (Qt's Markdown reader), links and images relative to
    the guide's folder; opened with F1 and closed with Escape."""

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Transplant Planner: user guide"))
        self.resize(900, 700)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(self.tr("User guide"))
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        _fit_images(self.browser, IMAGE_WIDTH)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)


def about_text(where: list[tuple[str, str]]) -> str:
    """The About box: version, licence, the templates' status, and where the files are."""
    places = "<br>".join(
        f"{_escape(QCoreApplication.translate('help', what) if what in PLACES else what)}: "
        f"{_escape(path)}"
        for what, path in where
    )
    return QCoreApplication.translate(
        "help",
        "<h3>Transplant Planner {version}</h3>"
        "<p>Planning and follow-up of haematopoietic stem cell transplants.</p>"
        "<p>The templates, doses and rules are <b>examples for local review</b>, not "
        "medical advice: the programme checks and adapts them before use.</p>"
        "<p>Free software under the GNU General Public License, version 3 or later; it "
        "comes with no warranty.</p>",
    ).format(version=__version__) + (f"<p>{places}</p>" if places else "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit_images(browser: QTextBrowser, width: int) -> None:
    """Give every picture of the document a width (its height follows, to scale)."""
    cursor = QTextCursor(browser.document())
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                image.setWidth(width)
                cursor.setPosition(fragment.position())
                cursor.setPosition(
                    fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                )
                cursor.setCharFormat(image)
            it += 1
        block = block.next()
