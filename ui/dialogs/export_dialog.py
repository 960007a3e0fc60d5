"""Print / export: choose a document and its variant, preview it, then save or print it.

The preview is the very PDF that gets saved or printed: it is rendered once in a
worker thread (``ui.workers.run_in_background``) and held in memory; QtPdf reads it
from a ``QBuffer``, so no copy of the document is ever written to a temporary file
(a temporary file of a patient's document could outlive a crash). Saving goes through
``planner.app.exports.save_rendered`` (the file under a temporary name, history and
audit in one commit, then the file's own name); printing records history and audit
before the first page goes to the printer. Either is refused in a dialog, with nothing
left on disk or paper, when the audit row cannot be written. An existing file is
replaced only after ``ui.dialogs.replace_file.confirm_replace`` asks.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.app.audited_output import UnrecordedOutputError
from planner.app.exports import (
    ExportResult,
    Rendered,
    RenderJob,
    document_warnings,
    prepare_job,
    record_printed,
    render,
    save_rendered,
)
from planner.domain.i18n import tr
from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError
from planner.export.names import default_file_name
from planner.export.texts import REFERENCE_LANGUAGE, available_languages, load_texts
from planner.records.documents import DOCUMENT_KINDS, KIND_TITLE, DocumentEntry
from ui.dialogs.replace_file import last_folder, save_replacing
from ui.errors import user_message
from ui.printing import chosen_pages
from ui.translation import format_date
from ui.transplant_session import TransplantSession
from ui.workers import run_in_background

FOLDER_KEY = "export/last_folder"  # a folder the user chose; never a file or patient name
KIND_CHOICES = tuple((kind, KIND_TITLE[kind]) for kind in DOCUMENT_KINDS)
PRINT_DPI_CAP = 300  # page images above this add memory, not legibility


class ExportDialog(QDialog):
    """Choose, preview, save and print one patient's documents.

    Attributes:
        document: the QPdfDocument of the current preview.
        view: the QPdfView showing it.
        warning: the missing-glyph / untranslated-step notice (hidden when empty).
        busy: the indicator shown while a preview renders.
        produced: history entries of what was saved or printed in this dialog.
    """

    def __init__(
        self,
        session: TransplantSession,
        centre: ClinicSettings,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._transplant_id = session.transplant.id
        self._centre = centre
        self._settings = settings
        self._generation = 0
        self._rendering = False
        self._job: RenderJob | None = None
        self._rendered: Rendered | None = None
        self._bytes = QByteArray()
        self._buffer = QBuffer(self)
        self.produced: list[DocumentEntry] = []
        self.setWindowTitle(self.tr("Print / export"))  # no patient data in window titles
        self.kind = QComboBox()
        for key, english in KIND_CHOICES:
            text = tr(english)
            self.kind.addItem(text, key)
        self.language = QComboBox()
        folder = centre.handout_folder
        for code in available_languages(folder):
            name = load_texts(code, folder).get("meta.language_name")
            self.language.addItem(f"{name} ({code})", code)
        self.large_print = QCheckBox(self.tr("&Large print (16 pt)"))
        self.no_phi = QCheckBox(self.tr("&No identifiers (name, MRN, birth date left out)"))
        self.no_phi.setToolTip(
            self.tr(
                "Blank lines replace the name; the file name and the PDF "
                "metadata carry no patient data either."
            )
        )
        self.patient_line = QLabel()
        self.patient_line.setTextFormat(Qt.TextFormat.PlainText)
        self.patient_line.setObjectName("exportPatient")
        self.patient_line.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setObjectName("exportWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet(
            "background:#fff3cd;color:#664d03;border:1px solid #ffda6a;padding:6px;"
        )
        self.warning.setVisible(False)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setVisible(False)
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(self.tr("Document preview"))
        self.view.setMinimumSize(520, 560)
        self.save_button = QPushButton(self.tr("&Save..."))
        self.print_button = QPushButton(self.tr("&Print..."))
        self.close_button = QPushButton(self.tr("Close"))
        self._layout()
        self._connect()
        self._on_options_changed()

    # --- public --------------------------------------------------------------------------------

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        session: TransplantSession,
        centre: ClinicSettings,
        settings: QSettings,
    ) -> list[DocumentEntry]:
        """Run the dialog; returns what was saved or printed (empty: nothing)."""
        dialog = cls(session, centre, settings, parent)
        dialog.exec()
        return list(dialog.produced)

    def is_rendering(self) -> bool:
        """True while a preview is being rendered."""
        return self._rendering

    def save_to(self, path: Path) -> bool:
        """Save the previewed document to ``path``, asking before replacing a file."""
        if self._job is None or self._rendered is None:
            return False
        job, rendered = self._job, self._rendered

        def save(overwrite: bool) -> ExportResult:
            return self._session.run(
                lambda repo, ctx: save_rendered(repo, ctx, job, rendered, path, overwrite=overwrite)
            )

        try:
            result = save_replacing(self, save)
            if result is None:
                self._show_status(self.tr("Not saved: the existing file was kept."))
                return False
        except UnrecordedOutputError as exc:
            self._refuse(exc)
            return False
        except PlannerError as exc:
            self._show_status(user_message(exc))
            return False
        self._settings.setValue(FOLDER_KEY, str(result.path.parent))
        self.produced.append(result.entry)
        self._show_status(self.tr("Saved {name}.").format(name=result.path.name))
        return True

    def save(self) -> None:
        """Ask for a file name (default: no patient data) and save the preview there."""
        if self._job is None:
            return
        name = default_file_name(self._job.kind, self._job.printed_on, secrets.token_hex(2))
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save document"),
            str(self._default_folder() / name),
            self.tr("PDF files (*.pdf)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # we ask, once, in save_to
        if path:
            self.save_to(Path(path))

    def print_to(self, printer: QPrinter) -> None:
        """Draw the preview pages the print dialog chose onto ``printer`` (scaled to its
        page, aspect kept; every page unless a page range was chosen)."""
        if self._job is None:
            return
        job = self._job
        pages = chosen_pages(printer, self.document.pageCount())
        if not pages:
            self._show_status(
                self.tr("The chosen pages are not in the document; nothing was printed.")
            )
            return
        # Recorded before the printer starts: paper cannot be taken back, so no page is
        # printed without its audit row (a printer that then fails leaves a row of the
        # attempt).
        try:
            self._session.run(lambda repo, ctx: record_printed(repo, ctx, job))
        except UnrecordedOutputError as exc:
            self._refuse(exc)
            return
        except PlannerError as exc:
            self._show_status(user_message(exc))
            return
        self.produced.append(job.entry("printer"))
        painter = QPainter()
        if not painter.begin(printer):
            self._show_status(
                self.tr("The printer could not be started; the print was recorded as attempted.")
            )
            return
        try:
            dpi = min(printer.resolution(), PRINT_DPI_CAP)
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            for n, page in enumerate(pages):
                if n:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                image = self.document.render(
                    page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                )
                size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                # The painter's origin is the top-left of the printable area.
                painter.drawImage(
                    (area.width() - size.width()) // 2,
                    0,
                    image.scaled(
                        size,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    ),
                )
        finally:
            painter.end()
        self._show_status(
            self.tr("Sent 1 page to the printer.")
            if len(pages) == 1
            else self.tr("Sent {n} pages to the printer.").format(n=len(pages))
        )

    def print_(self) -> None:
        """Print through the system print dialog."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    # --- construction --------------------------------------------------------------------------

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("&Document:"), self.kind)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow(self.large_print)
        form.addRow(self.no_phi)
        side = QVBoxLayout()
        side.addWidget(self.patient_line)
        side.addLayout(form)
        side.addWidget(self.warning)
        side.addStretch(1)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy)
        busy_row.addWidget(self.status, 1)
        side.addLayout(busy_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        side.addLayout(buttons)
        panel = QWidget()
        panel.setLayout(side)
        panel.setFixedWidth(360)
        outer = QHBoxLayout(self)
        outer.addWidget(panel)
        outer.addWidget(self.view, 1)
        self.resize(1000, 720)

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(self._on_options_changed)
        self.language.currentIndexChanged.connect(self._on_options_changed)
        self.large_print.toggled.connect(self._on_options_changed)
        self.no_phi.toggled.connect(self._on_options_changed)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_)
        self.close_button.clicked.connect(self.accept)

    # --- private -------------------------------------------------------------------------------

    def _default_folder(self) -> Path:
        return last_folder(self._settings, FOLDER_KEY)

    def _show_status(self, text: str) -> None:
        self.status.setText(text)

    def _refuse(self, exc: UnrecordedOutputError) -> None:
        """Nothing was saved or printed because the audit row could not be written: a
        dialog says so (the status line keeps the sentence after it closes)."""
        self._show_status(str(exc))
        QMessageBox.warning(self, self.tr("Print / export"), str(exc))

    def _set_busy(self, busy: bool) -> None:
        self._rendering = busy
        self.busy.setVisible(busy)
        self.save_button.setEnabled(not busy and self._rendered is not None)
        self.print_button.setEnabled(not busy and self._rendered is not None)

    def _on_options_changed(self, *_args: object) -> None:
        handout = self.kind.currentData() == "handout"
        for widget in (self.language, self.large_print, self.no_phi):
            widget.setEnabled(handout)  # team documents: English, normal print, identified
        self._generation += 1
        generation = self._generation
        try:
            kind = str(self.kind.currentData())
            job = self._session.read(
                lambda repo, ctx: prepare_job(
                    repo,
                    self._transplant_id,
                    kind,
                    printed_on=ctx.today,
                    settings=self._centre,
                    language=str(self.language.currentData()) if handout else REFERENCE_LANGUAGE,
                    large_print=handout and self.large_print.isChecked(),
                    no_phi=handout and self.no_phi.isChecked(),
                )
            )
        except PlannerError as exc:
            self._job = self._rendered = None
            self._set_busy(False)
            self._show_status(user_message(exc))
            return
        self._job, self._rendered = job, None
        # The MRN confirms whose document this is (the tab shows it too); no name here.
        self.patient_line.setText(
            self.tr("Patient MRN {mrn} · Day 0 {day0} · plan version {version}").format(
                mrn=job.patient.mrn,
                day0=format_date(job.plan.day0, "%d %b %Y"),
                version=job.plan.version,
            )
        )
        self._set_busy(True)
        self._show_status(self.tr("Rendering the preview..."))
        run_in_background(
            lambda: render(job),
            lambda result: self._on_rendered(generation, result),
            lambda exc: self._on_render_failed(generation, exc),
        )

    def _on_rendered(self, generation: int, rendered: Rendered) -> None:
        if generation != self._generation:
            return  # an older request: the options changed while it rendered
        self._rendered = rendered
        self.document.close()
        self._buffer.close()
        self._bytes = QByteArray(rendered.pdf)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self._show_warning(rendered)
        self._set_busy(False)
        pages = self.document.pageCount()
        self._show_status(
            (
                self.tr("1 page, printed on {date}.")
                if pages == 1
                else self.tr("{n} pages, printed on {date}.")
            ).format(n=pages, date=format_date(self._job.printed_on, "%d %b %Y"))
            if self._job
            else ""
        )

    def _on_render_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._rendered = None
        self._set_busy(False)
        self._show_status(user_message(exc))

    def _show_warning(self, rendered: Rendered) -> None:
        parts = document_warnings(
            str(self.kind.currentData()),
            rendered.missing_glyphs,
            rendered.untranslated_steps,
            self._centre,
        )
        self.warning.setText("\n\n".join(parts))
        self.warning.setVisible(bool(parts))

    # --- Qt overrides --------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._generation += 1  # a preview still rendering is dropped when it arrives
        super().done(result)
