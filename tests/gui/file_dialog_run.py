"""Run the desktop app and open its file dialogs, as a user would: a helper script.

``python tests/gui/file_dialog_run.py --demo`` starts the program through ``main.main``
with the arguments given, then, driven by a timer: opens a demo patient, saves a
document from Print / export (the Save dialog is cancelled), opens Import lab results
and its Choose... file dialog (cancelled), and quits. It prints how many file dialogs
were shown and exits with the program's exit code (3 when the run did not finish).

Run in a subprocess by ``tests/gui/test_failure_dialogs.py`` with HOME pointed at a
temporary folder, to see which files the program writes and where.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog  # noqa: E402

import main  # noqa: E402

TIMEOUT_S = 90
MRN = "DEMO-0003"


class Driver:
    """One step per tick of a timer; every modal dialog is opened from a fresh event."""

    def __init__(self) -> None:
        self.step = "open patient"
        self.file_dialogs = 0
        self.started = time.monotonic()
        self.window: object = None
        self.workspace: object = None

    def later(self, action: object) -> None:
        QTimer.singleShot(0, action)  # type: ignore[call-overload]

    def tick(self) -> None:
        if time.monotonic() - self.started > TIMEOUT_S:
            sys.stderr.write(f"file_dialog_run: stuck at step {self.step!r}\n")
            sys.stdout.flush()
            QApplication.exit(3)
            return
        from ui.dialogs.export_dialog import ExportDialog
        from ui.dialogs.import_labs_dialog import ImportLabsDialog
        from ui.main_window import MainWindow

        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        for widget in shown:
            if isinstance(widget, QFileDialog):
                self.file_dialogs += 1
                widget.reject()
                return
        export = next((w for w in shown if isinstance(w, ExportDialog)), None)
        labs = next((w for w in shown if isinstance(w, ImportLabsDialog)), None)
        if self.step == "open patient":
            window = next((w for w in shown if isinstance(w, MainWindow) and w.session.ready), None)
            if window is None:
                return
            row = next(r for r in window.session.rows if r.mrn == MRN)
            self.window = window
            self.workspace = window.open_transplant(row.transplant_id)
            self.step = "export"
            self.later(window.export_documents)
        elif self.step == "export" and export is not None:
            if not export.is_rendering() and export.save_button.isEnabled():
                self.step = "save"
                self.later(export.save)
        elif self.step == "save" and export is not None and self.file_dialogs == 1:
            self.step = "import"
            export.reject()
        elif self.step == "import" and export is None:
            self.step = "choose"
            self.later(self.workspace.counts_tab.import_labs)  # type: ignore[attr-defined]
        elif self.step == "choose" and labs is not None:
            self.step = "chosen"
            self.later(labs.choose_button.click)
        elif self.step == "chosen" and labs is not None and self.file_dialogs == 2:
            self.step = "quit"
            labs.done(QDialog.DialogCode.Rejected)
        elif self.step == "quit" and labs is None and export is None:
            self.step = "closing"
            self.window.close()  # type: ignore[attr-defined]


def run(argv: list[str]) -> int:
    # The timer needs the application; main.main then uses this one (ui.app.run).
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    driver = Driver()
    timer = QTimer()
    timer.timeout.connect(driver.tick)
    timer.start(50)
    code = main.main(argv)
    timer.stop()
    sys.stdout.write(f"file dialogs: {driver.file_dialogs}; last step: {driver.step}\n")
    return code


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
