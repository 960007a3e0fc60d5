"""File > Export calendar and File > Export data: calendar files, FHIR bundles, spreadsheets.

One dialog: what to export (a patient's calendar, the team's calendar, the patient's FHIR
bundle, the board, today's worklist, the registry forms, the patient's plan), the options
that choice has, then a file name. The default names hold no patient data, an existing
file is replaced only when the user says so, and each file is written with its audit row
by the use cases (``planner.app.calendars``, ``planner.app.fhir_export``,
``planner.app.tables``); a refusal is said in one sentence and leaves no file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from planner.app.calendars import TEAM_DAYS_DEFAULT, TEAM_DAYS_MAX
from planner.app.context import Context
from planner.app.tables import BOARD, FORMS, PLAN, WORKLIST, export_table, make_table
from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError
from planner.export.texts import available_languages, load_texts
from planner.records.ports import Repository
from ui.dialogs.replace_file import last_folder, save_replacing_in_background
from ui.errors import user_message
from ui.session import ClinicSession
from ui.transplant_session import TransplantSession

FOLDER_KEY: Final = "exports/data_folder"
PATIENT_CALENDAR: Final = "patient-calendar"
TEAM_CALENDAR: Final = "team-calendar"
FHIR: Final = "fhir"
_NEEDS_PATIENT: Final = frozenset({PATIENT_CALENDAR, FHIR, PLAN})

Save = Callable[[Repository, Context, Path, bool], Any]


@dataclass(frozen=True)
class _Choice:
    key: str
    label: str
    suffixes: str  # the file dialog's filter


def _language_name(code: str, centre: ClinicSettings) -> str:
    """ "Español (es)": the language's own name, from its handout texts."""
    try:
        name = load_texts(code, centre.handout_folder).get("meta.language_name")
    except PlannerError:  # a centre's language whose texts are refused: its code alone
        return code
    return f"{name} ({code})"


class DataExportDialog(QDialog):
    """Choose what to export and how; Save asks for the file."""

    def __init__(
        self,
        clinic: ClinicSession,
        patient: TransplantSession | None,
        centre: ClinicSettings,
        settings: QSettings,
        first: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.clinic, self.patient, self.centre, self._settings = clinic, patient, centre, settings
        self.saved: Path | None = None
        self.setWindowTitle(self.tr("Export data"))
        tables = self.tr("Excel workbook (*.xlsx);;CSV file (*.csv)")
        self._choices = [
            _Choice(
                PATIENT_CALENDAR,
                self.tr("This patient's calendar"),
                self.tr("Calendar file (*.ics)"),
            ),
            _Choice(
                TEAM_CALENDAR,
                self.tr("The team's calendar (every patient)"),
                self.tr("Calendar file (*.ics)"),
            ),
            _Choice(
                FHIR,
                self.tr("This patient's record as FHIR (HL7 FHIR R4)"),
                self.tr("FHIR bundle (*.json)"),
            ),
            _Choice(BOARD, self.tr("The board (spreadsheet)"), tables),
            _Choice(WORKLIST, self.tr("Today's worklist (spreadsheet)"), tables),
            _Choice(FORMS, self.tr("Registry forms due (spreadsheet)"), tables),
            _Choice(PLAN, self.tr("This patient's plan (spreadsheet)"), tables),
        ]
        self.what = QComboBox()
        for choice in self._choices:
            self.what.addItem(choice.label, choice.key)
            if choice.key in _NEEDS_PATIENT and patient is None:
                # Shown but not offered: says what opening a patient adds.
                item = self.what.model().item(self.what.count() - 1)  # type: ignore[attr-defined]
                item.setEnabled(False)
        self.language = QComboBox()
        for code in available_languages(centre.handout_folder):
            self.language.addItem(_language_name(code, centre), code)
        self.days = QSpinBox()
        self.days.setRange(1, TEAM_DAYS_MAX)
        self.days.setValue(TEAM_DAYS_DEFAULT)
        self.days.setSuffix(self.tr(" days from today"))
        self.with_phi = QCheckBox()
        self.fhir_patient = QCheckBox(
            self.tr("&Include the Patient resource (name, MRN, date of birth)")
        )
        self.fhir_patient.setChecked(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Export:"), self.what)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow(self.tr("&Covering:"), self.days)
        form.addRow(self.with_phi)
        form.addRow(self.fhir_patient)
        self._form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(
            self.tr("&Save..."), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self._cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        self.saving = False  # a file is being written (in a worker thread)
        self._choice_note = ""  # what the note says of the choice (``_show_options``)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.save_button.setDefault(True)
        self.what.currentIndexChanged.connect(self._show_options)
        self.select(first)

    # --- the choice and its options -------------------------------------------------------

    def select(self, key: str) -> None:
        """Show ``key``'s choice (the first one offered when it needs a patient and none
        is open)."""
        if key in _NEEDS_PATIENT and self.patient is None:
            key = TEAM_CALENDAR if key == PATIENT_CALENDAR else BOARD
        self.what.setCurrentIndex(self.what.findData(key))
        self._show_options()

    @property
    def choice(self) -> str:
        """The key of what is chosen."""
        return str(self.what.currentData())

    def _show_options(self) -> None:
        key = self.choice
        # Naming patients is asked for each choice anew: a tick given for one patient's
        # calendar must not name every patient in the team's.
        self.with_phi.setChecked(False)
        self._form.setRowVisible(self.language, key == PATIENT_CALENDAR)
        self._form.setRowVisible(self.days, key == TEAM_CALENDAR)
        self._form.setRowVisible(self.with_phi, key in (PATIENT_CALENDAR, TEAM_CALENDAR))
        self._form.setRowVisible(self.fhir_patient, key == FHIR)
        self.with_phi.setText(
            self.tr("&Name the patient (name and MRN) in the calendar")
            if key == PATIENT_CALENDAR
            else self.tr("&Name the patients (name and MRN) in the calendar")
        )
        notes = {
            PATIENT_CALENDAR: self.tr(
                "One all-day event per date of the patient's handout. Importing a newer file "
                "moves the events when dates change, without copies."
            ),
            TEAM_CALENDAR: self.tr(
                "Every step of every patient on the board in the days chosen, as they are "
                "now: for a calendar that subscribes to the file. Without names, each "
                "patient is shown by a reference (T-...)."
            ),
            FHIR: self.tr(
                "A FHIR bundle: the plan as a CarePlan, lab results as Observations with "
                "LOINC codes, complications as Conditions with their grade."
            ),
        }
        self._choice_note = notes.get(
            key,
            self.tr("Formula-like text is saved as text; dates are real dates in Excel."),
        )
        self.note.setText(self._choice_note)

    # --- saving ---------------------------------------------------------------------------

    def _default_name(self) -> str:
        """No patient data in the name: what and when."""
        day = self.clinic.today.isoformat()
        suffix = {PATIENT_CALENDAR: "ics", TEAM_CALENDAR: "ics", FHIR: "json"}.get(
            self.choice, "xlsx"
        )
        return f"{self.choice}-{day}.{suffix}"

    def _folder(self) -> Path:
        return last_folder(self._settings, FOLDER_KEY)

    def choose_file(self) -> None:
        """Ask for the file, then save there."""
        choice = next(c for c in self._choices if c.key == self.choice)
        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export data"),
            str(self._folder() / self._default_name()),
            choice.suffixes,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # save_to asks, once
        if not path:
            return
        if not Path(path).suffix:
            path += ".csv" if "*.csv" in chosen else Path(self._default_name()).suffix
        self.save_to(Path(path))  # closes the dialog once saved

    def _saver(self) -> Save:
        """The use case that writes the chosen file."""
        key = self.choice
        tid = self.patient.transplant.id if self.patient is not None else ""
        if key == PATIENT_CALENDAR:
            from planner.app.calendars import export_patient_calendar

            language, named = str(self.language.currentData()), self.with_phi.isChecked()
            return lambda repo, ctx, path, overwrite: export_patient_calendar(
                repo, ctx, tid, path, language=language, with_phi=named,
                overwrite=overwrite, settings=self.centre,
            )  # fmt: skip
        if key == TEAM_CALENDAR:
            from planner.app.calendars import export_team_calendar

            days, named = self.days.value(), self.with_phi.isChecked()
            return lambda repo, ctx, path, overwrite: export_team_calendar(
                repo, ctx, path, days=days, with_phi=named, overwrite=overwrite
            )
        if key == FHIR:
            from planner.app.fhir_export import export_fhir_bundle

            with_patient = self.fhir_patient.isChecked()
            return lambda repo, ctx, path, overwrite: export_fhir_bundle(
                repo, ctx, tid, path, with_phi=with_patient, overwrite=overwrite
            )
        return self._table_saver(key, tid)

    def _table_saver(self, key: str, tid: str) -> Save:
        today, closures = self.clinic.today, sorted(self.centre.closures)
        patient_id = self.patient.patient.id if key == PLAN and self.patient else None
        return lambda repo, ctx, path, overwrite: export_table(
            repo,
            ctx,
            lambda: make_table(repo, key, today, closures=closures, transplant_id=tid),
            path,
            overwrite=overwrite,
            patient_id=patient_id,
            what=key,
        )

    def save_to(self, path: Path) -> None:
        """Save the chosen export to ``path`` in a worker thread (the board's spreadsheet
        computes the clinic: about a second at 500 patients), then close. An existing
        file is replaced only when the user says so; a refusal is said in a message.
        Meanwhile the dialog says so and keeps its choices as they were asked for."""
        saver = self._saver()

        def start(
            overwrite: bool,
            done: Callable[[Any], None],
            failed: Callable[[BaseException], None],
        ) -> None:
            self.clinic.perform_in_background(
                lambda repo, ctx: saver(repo, ctx, path, overwrite), done, failed
            )

        self._set_saving(True)
        started = False
        try:
            save_replacing_in_background(self, start, self._saved, self._kept, self._refused)
            started = True
        except PlannerError as exc:  # refused before it started (no database open)
            self._refused(exc)
        finally:
            if not started and self.saving:  # a fault of the program: the dialog must not wait
                self._set_saving(False)

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.note.setText(self.tr("Exporting...") if saving else self._choice_note)
        for widget in (
            self.what,
            self.language,
            self.days,
            self.with_phi,
            self.fhir_patient,
            self.save_button,
            self._cancel,
        ):
            widget.setEnabled(not saving)

    def _saved(self, result: Any) -> None:
        if not isValid(self):
            return
        self._set_saving(False)
        target = Path(result.path)
        self._settings.setValue(FOLDER_KEY, str(target.parent))
        self.saved = target
        self.accept()

    def _kept(self) -> None:
        if isValid(self):
            self._set_saving(False)
            self.note.setText(self.tr("Not exported: the existing file was kept."))

    def _refused(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._set_saving(False)
        if not isinstance(exc, PlannerError):
            raise exc  # a fault of the program: the crash report takes it
        QMessageBox.warning(self, self.tr("Not exported"), user_message(exc))

    def reject(self) -> None:
        """Cancel, except while a file is being written with its audit row."""
        if not self.saving:
            super().reject()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        clinic: ClinicSession,
        patient: TransplantSession | None,
        centre: ClinicSettings,
        settings: QSettings,
        first: str,
    ) -> Path | None:
        """Run the dialog; the file saved, or None."""
        dialog = cls(clinic, patient, centre, settings, first, parent)
        dialog.exec()
        return dialog.saved
