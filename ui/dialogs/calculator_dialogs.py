"""Grading calculator dialogs: raw bedside values in, a dated assessment out.

Each dialog shows, as the values are typed, the result of a pure calculator from
``planner.grading``, ``planner.toxicity`` or ``planner.vod``: the grade, the
criteria set and its version, the rule that decided it, the organ stages or
sub-scores, the inputs, and any flag that needs the clinician's confirmation.
A value out of physical range is refused by the calculator; its message (which
names the allowed range) appears next to the field, and the allowed range is
always shown beside each field. Saving goes through the ``save`` callable the
caller passes in (one commit through ``planner.complication_service``).

Calculators whose result is not a complication (HCT-CI, ABO, CMV, ...) show the
result with "Copy result" only: the complications record stores ranked results of
the types in ``planner.complication_service.EPISODE_TYPES``, and Save stays disabled
(with the reason shown) for a result that record does not accept.

Seams for tests: ``run_dialog`` (how a dialog is executed) and ``DateNoteDialog.ask``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.careplan import Plan, StepStatus
from planner.compatibility import abo_assessment, cmv_assessment, letermovir_window
from planner.complication_service import episode_type_for
from planner.eligibility import (
    HCT_CI_WEIGHTS,
    RegimenComponent,
    conditioning_intensity,
    hct_ci,
    live_vaccine_eligibility,
    performance_status,
)
from planner.errors import PlannerError, ValidationError
from planner.grading import (
    GradeResult,
    magic_assessment,
    nih_cgvhd_assessment,
    nih_lung_fev1_score,
)
from planner.protocols import DoseBasis, Phase
from planner.toxicity import (
    CTCAE_MUCOSITIS,
    EngraftmentFindings,
    TmaAssessment,
    crs_grade_astct,
    engraftment_syndrome,
    febrile_neutropenia,
    haemorrhagic_cystitis_grade,
    icans_grade_astct,
    oral_mucositis,
    ta_tma_harmonized,
)
from planner.vod import vod_severity_ebmt2016
from ui.dialogs.patient_dialog import pydate, qdate

SaveFn = Callable[[GradeResult, dt.date, str], object]
ComputeFn = Callable[[dict[str, Any]], GradeResult]
_ERROR_STYLE = "color: #b91c1c;"
NOT_ENTERED = "not entered"
"""Placeholder of an empty required number: the result and Save wait for it."""
ASSESSMENT_DATE = "assessment_date"
"""Key under which a ``with_date`` calculator receives the assessment date."""


def run_dialog(dialog: QDialog) -> int:
    """Run a dialog modally (the seam GUI tests replace)."""
    return dialog.exec()


@dataclass(frozen=True)
class Field:
    """One input of a calculator.

    Attributes:
        name: the calculator's keyword argument.
        label: form label with a mnemonic ("&Rash extent").
        kind: "number", "int", "optional-number", "optional-int", "bool", "choice",
            "date", "optional-date" (typed yyyy-mm-dd) or "rows" (a table of text rows).
        hint: the allowed range or unit, shown beside the field ("0-100 % BSA").
        choices: (value, text) pairs for "choice".
        default: initial value (text for numbers, value for choices, bool for checks).
        error_names: ``ValidationError.field`` names reported at this field.
        columns: the column headers of a "rows" field.
    """

    name: str
    label: str
    kind: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    default: object = None
    error_names: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


class _MissingError(Exception):
    """A required field is empty."""


def _key(name: str) -> str:
    """"upper_gi_persistent" -> "upper GI persistent"."""
    words = {"gi": "GI", "mg": "mg", "dl": "dL", "ml": "mL", "pct": "%", "uln": "ULN",
             "ice": "ICE", "mof": "MOF", "mod": "MOD", "fev1": "FEV1", "bsa": "BSA",
             "anc": "ANC", "ldh": "LDH", "upcr": "UPCR", "agvhd": "aGVHD", "abo": "ABO",
             "cmv": "CMV", "igg": "IgG", "ivig": "IVIG", "ist": "IST", "hct": "HCT"}
    return " ".join(words.get(w, w) for w in str(name).split("_"))


def _plain(value: object, sep: str = ", ") -> str:
    if isinstance(value, Mapping):
        return sep.join(f"{_key(k)} {_plain(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(_plain(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not given"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def describe_result(result: GradeResult) -> str:
    """Readable multi-line text of a result: criteria and version, rule, stages, inputs."""
    lines = [f"{result.criteria}, version {result.version}: {result.label}",
             f"Rule: {result.deciding_rule}",
             f"Stages/scores: {_plain(result.components, ' · ')}",
             f"Inputs: {_plain(result.inputs, '; ')}"]
    lines += [f"Note: {n}" for n in result.notes]
    if result.needs_confirmation:
        lines.append("Clinician confirmation required.")
    return "\n".join(lines)


class RowsEditor(QWidget):
    """A small table of text rows (temperature readings, regimen components).

    Signals:
        changed: a cell, or the number of rows, changed.
    """

    changed = Signal()
    """Emitted after any edit."""

    def __init__(self, columns: Sequence[str], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(list(columns))
        self.table.setAccessibleName(name)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(85 * len(columns))
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(150)
        self.table.cellChanged.connect(lambda _row, _col: self.changed.emit())
        add = QPushButton("Add row")
        add.setAccessibleName(f"Add a row to {name}")
        add.clicked.connect(self.add_row)
        remove = QPushButton("Remove row")
        remove.setAccessibleName(f"Remove the selected row of {name}")
        remove.clicked.connect(self.remove_row)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_row()

    def add_row(self, values: Sequence[str] = ()) -> None:
        """Append a row (empty unless ``values`` are given)."""
        self.table.blockSignals(True)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col in range(self.table.columnCount()):
            text = values[col] if col < len(values) else ""
            self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.changed.emit()

    def remove_row(self) -> None:
        """Remove the current row."""
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Replace every row."""
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for row in rows:
            self.add_row([str(v) for v in row])
        if not rows:
            self.add_row()

    def rows(self) -> list[tuple[str, ...]]:
        """The rows with any text, cells stripped."""
        found: list[tuple[str, ...]] = []
        for row in range(self.table.rowCount()):
            cells = []
            for col in range(self.table.columnCount()):
                item = self.table.item(row, col)
                cells.append("" if item is None else item.text().strip())
            if any(cells):
                found.append(tuple(cells))
        return found


class CalculatorDialog(QDialog):
    """A calculator form with a live result panel and Save.

    Attributes:
        grade: the current result (None while inputs are missing or refused).
        editors: field name -> its editor widget.
        errors: field name -> the error label beside it.
    """

    def __init__(self, parent: QWidget | None, *, title: str, fields: tuple[Field, ...],
                 compute: ComputeFn, save: SaveFn | None, today: dt.date,
                 with_date: bool = False) -> None:
        """``save`` None: show and copy only; ``with_date``: compute gets the assessment date."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._fields = fields
        self._compute = compute
        self._save = save
        self._with_date = with_date
        self.grade: GradeResult | None = None
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.date_edit = QDateEdit(qdate(today))
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(qdate(today))
        self.date_edit.setAccessibleName("Assessment date")
        self.date_edit.dateChanged.connect(self._recalculate)
        inputs = QGroupBox("Findings")
        grid = QGridLayout(inputs)
        date_label = QLabel("Assessment &date:")
        date_label.setBuddy(self.date_edit)
        grid.addWidget(date_label, 0, 0)
        grid.addWidget(self.date_edit, 0, 1)
        for row, spec in enumerate(fields, start=1):
            self._add_field(grid, row, spec)
        grid.setColumnStretch(3, 1)
        self.general_error = self._error_label("Calculation error")
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(inputs)
        left.addWidget(self.general_error)
        left.addStretch(1)
        layout.addLayout(left, 3)
        layout.addLayout(self._build_result_panel(), 2)
        self._recalculate()

    # --- building --------------------------------------------------------------------

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setStyleSheet(_ERROR_STYLE)
        label.setWordWrap(True)
        label.setAccessibleName(name)
        label.setVisible(False)
        return label

    def _add_field(self, grid: QGridLayout, row: int, spec: Field) -> None:
        editor: QWidget
        plain = spec.label.replace("&", "")
        if spec.kind == "bool":
            check = QCheckBox(spec.label)
            check.setChecked(bool(spec.default))
            check.toggled.connect(self._recalculate)
            grid.addWidget(check, row, 1, 1, 2 if not spec.hint else 1)
            editor = check
        elif spec.kind == "rows":
            rows = RowsEditor(spec.columns, plain)
            rows.changed.connect(self._recalculate)
            label = QLabel(spec.label + ":")
            label.setBuddy(rows.table)
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(rows, row, 1, 1, 2)  # the range goes under the label
            editor = rows
        else:
            if spec.kind == "choice":
                combo = QComboBox()
                for value, text in spec.choices:
                    combo.addItem(text, value)
                if spec.default is not None:
                    combo.setCurrentIndex(max(0, combo.findData(spec.default)))
                combo.currentIndexChanged.connect(self._recalculate)
                editor = combo
            else:
                line = QLineEdit("" if spec.default is None else str(spec.default))
                placeholder = "yyyy-mm-dd" if spec.kind.endswith("date") else ""
                if spec.kind in ("number", "int"):
                    placeholder = NOT_ENTERED  # a required value: nothing is assumed
                if spec.kind.startswith("optional"):
                    placeholder = f"optional {placeholder}".strip()
                line.setPlaceholderText(placeholder)
                line.setMaximumWidth(110)
                line.textChanged.connect(self._recalculate)
                editor = line
            label = QLabel(spec.label + ":")
            label.setBuddy(editor)
            grid.addWidget(label, row, 0)
            grid.addWidget(editor, row, 1)
        editor.setAccessibleName(plain)
        editor.setAccessibleDescription(f"Allowed: {spec.hint}" if spec.hint else "")
        hint = QLabel(spec.hint)
        hint.setAccessibleName(f"{plain} allowed range")
        hint.setStyleSheet("color: palette(placeholder-text);")
        if spec.kind == "rows":
            grid.addWidget(hint, row, 0, Qt.AlignmentFlag.AlignBottom)
        else:
            grid.addWidget(hint, row, 2)
        error = self._error_label(f"{plain} error")
        grid.addWidget(error, row, 3)
        self.editors[spec.name] = editor
        self.errors[spec.name] = error

    def _build_result_panel(self) -> QVBoxLayout:
        panel = QVBoxLayout()
        box = QGroupBox("Result")
        form = QVBoxLayout(box)
        self.grade_label = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.grade_label.setFont(font)
        self.grade_label.setAccessibleName("Grade")
        self.criteria_label = self._info("Criteria and version")
        self.rule_label = self._info("Deciding rule")
        self.components_label = self._info("Stages and scores")
        self.inputs_label = self._info("Inputs used")
        self.notes_label = self._info("Notes")
        for widget in (self.grade_label, self.criteria_label, self.rule_label,
                       self.components_label, self.inputs_label, self.notes_label):
            form.addWidget(widget)
        self.confirm_box = QGroupBox("Clinician confirmation required")
        confirm_form = QFormLayout(self.confirm_box)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setAccessibleName("Confirmation reason")
        self.confirm_edit.setPlaceholderText("why the suggested value is right")
        self.confirm_edit.textChanged.connect(self._update_buttons)
        confirm_form.addRow("&Reason:", self.confirm_edit)
        self.confirm_box.setVisible(False)
        form.addWidget(self.confirm_box)
        form.addStretch(1)
        panel.addWidget(box, 1)
        self.record_note = self._info("Why the result cannot be saved")
        self.record_note.setVisible(False)
        panel.addWidget(self.record_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.copy_button = QPushButton("C&opy result")
        self.copy_button.setAccessibleName("Copy the result to the clipboard")
        self.copy_button.clicked.connect(self.copy_result)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = QPushButton("&Save assessment")
        self.save_button.setAccessibleName("Save assessment")
        if self._save is not None:
            self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            self.save_button.setVisible(False)
            close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            close.setText("Close")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        panel.addWidget(self.buttons)
        return panel

    def _info(self, name: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        return label

    # --- values ----------------------------------------------------------------------

    def set_value(self, name: str, value: object) -> None:
        """Set a field (text for numbers, the value for choices, bool for checks)."""
        editor = self.editors[name]
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        elif isinstance(editor, QLineEdit):
            editor.setText(value.isoformat() if isinstance(value, dt.date) else str(value))
        elif isinstance(editor, RowsEditor):
            assert isinstance(value, Sequence)
            editor.set_rows(value)

    def _read(self, spec: Field) -> object:
        editor = self.editors[spec.name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            if editor.currentData() == "":
                raise _MissingError(spec.label.replace("&", ""))
            return editor.currentData()
        if isinstance(editor, RowsEditor):
            rows = editor.rows()
            if not rows:
                raise _MissingError(spec.label.replace("&", ""))
            return rows
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if not text:
            if spec.kind.startswith("optional"):
                return None
            raise _MissingError(spec.label.replace("&", ""))
        if spec.kind.endswith("date"):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValidationError(spec.name, f"'{text}' is not a date; enter yyyy-mm-dd.") \
                    from None
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(spec.name, f"'{text}' is not a number; allowed "
                                  f"{spec.hint}.") from None
        if spec.kind.endswith("int"):
            if number != int(number):
                raise ValidationError(spec.name, f"Enter a whole number ({spec.hint}).")
            return int(number)
        return number

    def values(self) -> dict[str, Any]:
        """The typed values (raises ``ValidationError`` for text that is not a number)."""
        missing: list[str] = []
        values: dict[str, Any] = {}
        for spec in self._fields:
            try:
                values[spec.name] = self._read(spec)
            except _MissingError as exc:
                missing.append(str(exc))
        if missing:
            raise _MissingError(", ".join(missing))
        if self._with_date:
            values[ASSESSMENT_DATE] = pydate(self.date_edit.date())
        return values

    def _field_for_error(self, error_field: str) -> str | None:
        for spec in self._fields:
            if error_field == spec.name or error_field in spec.error_names:
                return spec.name
        return None

    # --- result ----------------------------------------------------------------------

    def _show_error(self, err: ValidationError) -> None:
        name = self._field_for_error(err.field)
        label = self.errors[name] if name is not None else self.general_error
        label.setText(str(err))
        label.setVisible(True)

    def _recalculate(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.setVisible(False)
        self.grade = None
        try:
            self.grade = self._compute(self.values())
        except _MissingError as exc:
            self._show_result(None, f"Enter: {exc}.")
        except ValidationError as err:
            self._show_error(err)
            self._show_result(None, "A value is refused; see the message beside it.")
        else:
            self._show_result(self.grade, "")
        self._update_buttons()

    def _show_result(self, result: GradeResult | None, waiting: str) -> None:
        if result is None:
            self.grade_label.setText("No result")
            self.criteria_label.setText(waiting)
            for label in (self.rule_label, self.components_label, self.inputs_label,
                          self.notes_label):
                label.setText("")
            self.confirm_box.setVisible(False)
            return
        self.grade_label.setText(f"{result.criteria}: {result.label}")
        self.criteria_label.setText(f"Criteria: {result.criteria}, version {result.version}")
        self.rule_label.setText(f"Rule: {result.deciding_rule}")
        self.components_label.setText(f"Stages/scores: {_plain(result.components, ' · ')}")
        self.inputs_label.setText(f"Inputs: {_plain(result.inputs, '; ')}")
        self.notes_label.setText("\n".join(f"Note: {n}" for n in result.notes))
        self.confirm_box.setVisible(result.needs_confirmation and self._save is not None)

    def record_refusal(self) -> str:
        """Why the complications record would not accept the current result ("" if it would)."""
        if self.grade is None or self._save is None:
            return ""
        try:
            episode_type_for(self.grade)
        except ValidationError as err:
            return f"{err} Use Copy result."
        if self.grade.rank is None:
            return f"{self.grade.criteria} results have no grade order to track. Use Copy result."
        return ""

    def _update_buttons(self) -> None:
        refusal = self.record_refusal()
        ok = self.grade is not None and not refusal and (
            not self.grade.needs_confirmation or bool(self.confirm_edit.text().strip()))
        self.save_button.setEnabled(ok)
        self.copy_button.setEnabled(self.grade is not None)
        self.record_note.setText(refusal)
        self.record_note.setVisible(bool(refusal))

    def copy_result(self) -> str:
        """Copy the criteria, version, rule, inputs and notes to the clipboard; returns the text."""
        if self.grade is None:
            return ""
        text = f"{pydate(self.date_edit.date()):%d %b %Y}\n{describe_result(self.grade)}"
        QGuiApplication.clipboard().setText(text)
        return text

    def save(self) -> None:
        """Save the result as a dated assessment through ``save``; close on success."""
        if self.grade is None or self._save is None or not self.save_button.isEnabled():
            return
        reason = self.confirm_edit.text().strip() if self.grade.needs_confirmation else ""
        try:
            self._save(self.grade, pydate(self.date_edit.date()), reason)
        except PlannerError as err:
            self.general_error.setText(str(err))
            self.general_error.setVisible(True)
            return
        self.accept()


# --- the calculators -------------------------------------------------------------------

MAGIC_FIELDS = (
    Field("skin_bsa_percent", "&Rash extent", "number", "0-100 % BSA", default="0"),
    Field("bullae_desquamation", "Bullae and desquamation > 5% BSA", "bool"),
    Field("bilirubin", "&Bilirubin", "number", "0-50 mg/dL or 0-855 µmol/L"),
    Field("bilirubin_unit", "Bilirubin &unit", "choice", "",
          (("mg/dL", "mg/dL"), ("umol/L", "µmol/L")), "mg/dL", ("bilirubin_unit",)),
    Field("upper_gi_persistent", "Persistent nausea, vomiting or anorexia (upper GI)", "bool"),
    Field("stool_ml_per_day", "Stool &volume", "optional-number", "0-10,000 mL/day, 3-day mean"),
    Field("stool_episodes_per_day", "Stool &episodes", "optional-int", "0-50 per day"),
    Field("weight_kg", "&Weight", "optional-number", "0.5-400 kg (50 kg or less: child)"),
    Field("severe_pain_or_ileus", "Severe abdominal pain or ileus", "bool"),
    Field("grossly_bloody_stool", "Grossly bloody stool", "bool"),
)

_SCORES = tuple((str(i), str(i)) for i in range(4))
NIH_FIELDS = (
    *(Field(organ, label, "choice", "score 0-3", _SCORES, "0") for organ, label in (
        ("skin", "S&kin"), ("mouth", "&Mouth"), ("eyes", "&Eyes"), ("gi", "&GI tract"),
        ("liver", "&Liver"), ("lungs", "Lungs (s&ymptoms)"), ("joints", "&Joints and fascia"),
        ("genital", "Ge&nital tract"))),
    Field("fev1_percent", "&FEV1", "optional-number", "0-200 % predicted (replaces symptoms)"),
)

CRS_FIELDS = (
    Field("temperature_c", "&Temperature", "number", "30-45 °C"),
    Field("hypotension", "&Hypotension", "choice", "", (
        ("none", "none"), ("no_vasopressor", "not needing vasopressors"),
        ("one_vasopressor", "one vasopressor"),
        ("multiple_vasopressors", "several vasopressors (not vasopressin)")), "none"),
    Field("oxygen", "&Oxygen", "choice", "", (
        ("none", "none"), ("low_flow", "low flow (nasal cannula 6 L/min or less)"),
        ("high_flow", "high flow, facemask, non-rebreather, Venturi"),
        ("positive_pressure", "CPAP, BiPAP or ventilation")), "none"),
    Field("fever_masked_by_therapy", "Fever masked by antipyretic or anti-cytokine therapy",
          "bool"),
)

ICANS_FIELDS = (
    Field("ice", "&ICE score", "optional-int", "0-10 (empty if unarousable)"),
    Field("consciousness", "&Consciousness", "choice", "", (
        ("alert", "alert"), ("awakens_spontaneously", "awakens spontaneously"),
        ("awakens_to_voice", "awakens to voice"), ("awakens_to_touch", "awakens to touch"),
        ("unarousable", "unarousable")), "alert"),
    Field("seizure", "&Seizure", "choice", "", (
        ("none", "none"), ("rapidly_resolving", "resolving rapidly or with intervention"),
        ("prolonged_or_repetitive", "prolonged (> 5 min) or repetitive")), "none"),
    Field("motor_weakness", "Deep focal motor weakness", "bool"),
    Field("cerebral_oedema", "Cerebral &oedema", "choice", "", (
        ("none", "none"), ("focal", "focal on imaging"),
        ("diffuse", "diffuse, posturing, papilloedema")), "none"),
)

VOD_FIELDS = (
    Field("time_since_onset_days", "&Days since first symptoms", "int", "0-365 days"),
    Field("bilirubin_mg_dl", "&Bilirubin", "number", "0-50 mg/dL", error_names=("bilirubin",)),
    Field("bilirubin_doubled_48h", "Bilirubin doubled within 48 hours", "bool"),
    Field("transaminase_x_uln", "&Transaminases", "number", "0-200 x ULN"),
    Field("weight_gain_pct", "&Weight gain", "number", "-50 to 100 %"),
    Field("creatinine_x_baseline", "&Creatinine", "number", "0.1-20 x baseline"),
    Field("mod_mof", "Multi-organ dysfunction or failure", "bool"),
    Field("n_risk_factors", "&Risk factors", "int", "0-20", default="0"),
)


# --- the further calculators (toxicity, eligibility, compatibility) ----------------------

FN_FIELDS = (
    Field("temperatures", "&Temperatures", "rows",
          "30-45 °C; time HH:MM\n(assessment date)\nor yyyy-mm-dd HH:MM",
          error_names=("temperature",), columns=("Time", "°C")),
    Field("anc", "&ANC", "number", "0-100 x10^9/L"),
    Field("predicted_below_0_5_in_48h", "ANC predicted to fall below 0.5 within 48 h",
          "bool"),
)

ES_FIELDS = (
    Field("hours_after_engraftment", "Onset after &engraftment", "optional-number",
          "-720 to 2160 h (negative: before)"),
    Field("hours_after_first_neutrophils", "Onset after first &neutrophils", "optional-number",
          "-720 to 2160 h (optional)"),
    Field("max_temp_c", "Highest &temperature", "optional-number", "30-45 °C"),
    Field("infection_identified", "An infection explains the fever", "bool"),
    # Measured values have no default: "not entered" until typed (never assumed normal).
    Field("rash_bsa_percent", "&Rash extent", "number", "0-100 % BSA"),
    Field("rash_drug_attributable", "Rash attributable to a medication", "bool"),
    Field("pulmonary_oedema_hypoxia", "Noncardiogenic pulmonary oedema with hypoxia", "bool"),
    Field("pulmonary_infiltrates", "Pulmonary infiltrates", "bool"),
    Field("liquid_stools_per_day", "&Liquid stools", "int", "0-50 per day, no infection",
          default="0"),
    Field("bilirubin_mg_dl", "&Bilirubin", "number", "0-50 mg/dL",
          error_names=("bilirubin",)),
    Field("transaminase_x_uln", "Transamin&ases", "number", "0-200 x ULN"),
    Field("creatinine_x_baseline", "&Creatinine", "number", "0.1-20 x baseline"),
    Field("weight_gain_pct", "&Weight gain", "number", "-50 to 100 %"),
    Field("encephalopathy", "Transient unexplained encephalopathy", "bool"),
)

_TMA_FLAGS = (("anaemia", "anaemia"), ("thrombocytopenia", "thrombocytopenia"),
              ("schistocytes", "schistocytes"), ("hypertension", "hypertension"),
              ("sc5b9_at_or_above_uln", "sC5b-9 at or above ULN"))


def _tma_fields(n: int, date_kind: str) -> tuple[Field, ...]:
    first = "first" if n == 1 else "second"
    # LDH and UPCR are measured: no default ("not entered" until typed). The second
    # assessment's are needed only when its date is given (checked in ``_tma``).
    kind, need = ("number", "") if n == 1 else ("optional-number", " (with a date)")
    return (
        Field(f"a{n}_date", f"Assessment {n} date", date_kind,
              "yyyy-mm-dd" + ("" if n == 1 else " (empty: one assessment)")),
        *(Field(f"a{n}_{name}", f"{text[0].upper()}{text[1:]} ({first})", "bool")
          for name, text in _TMA_FLAGS),
        Field(f"a{n}_ldh_x_uln", f"LDH ({first})", kind, f"0-100 x ULN{need}"),
        Field(f"a{n}_upcr_mg_mg", f"Urine protein:creatinine ({first})", kind,
              f"0-100 mg/mg{need}"),
    )


TMA_FIELDS = (
    *_tma_fields(1, "date"),
    *_tma_fields(2, "optional-date"),
    Field("biopsy_proven", "Biopsy-proven TMA", "bool"),
    Field("concurrent_agvhd_grade_2_4", "Concurrent grade 2-4 acute GVHD", "bool"),
    Field("concurrent_infection", "Concurrent infection", "bool"),
    Field("organ_dysfunction", "Organ dysfunction", "bool"),
)

MUCOSITIS_FIELDS = (
    Field("soreness", "Soreness", "bool"),
    Field("erythema", "Erythema", "bool"),
    Field("ulcers", "Ulcers", "bool"),
    Field("diet", "&Diet", "choice", "what the patient can eat", (
        ("solids", "solids"), ("liquids_only", "liquids only"),
        ("none", "alimentation not possible")), "solids"),
    Field("ctcae_grade", "&CTCAE v5 grade", "choice", "0-5", tuple(
        (str(i), f"{i}: {text}") for i, text in enumerate(CTCAE_MUCOSITIS)), "0"),
)

HC_FIELDS = (
    Field("microscopic_haematuria", "Microscopic haematuria", "bool"),
    Field("macroscopic_haematuria", "Macroscopic haematuria", "bool"),
    Field("clots", "Clots", "bool"),
    Field("obstruction_requiring_intervention",
          "Obstruction or retention requiring intervention", "bool"),
    Field("hours_since_conditioning", "&Hours since conditioning", "optional-number",
          "0-87,600 h (72 h or less: early onset)"),
)

HCT_CI_LABELS: dict[str, str] = {
    "arrhythmia": "Arrhythmia", "cardiac": "Cardiac", "inflammatory_bowel_disease":
    "Inflammatory bowel disease", "diabetes": "Diabetes", "cerebrovascular":
    "Cerebrovascular disease", "psychiatric": "Psychiatric disturbance", "hepatic_mild":
    "Hepatic, mild", "obesity": "Obesity", "infection": "Infection", "rheumatologic":
    "Rheumatologic", "peptic_ulcer": "Peptic ulcer", "renal": "Renal, moderate/severe",
    "pulmonary_moderate": "Pulmonary, moderate", "prior_solid_tumour": "Prior solid tumour",
    "heart_valve": "Heart valve disease", "pulmonary_severe": "Pulmonary, severe",
    "hepatic_moderate_severe": "Hepatic, moderate/severe",
}

HCT_CI_FIELDS = (
    *(Field(key, HCT_CI_LABELS[key], "bool", f"weight {weight}")
      for key, weight in HCT_CI_WEIGHTS.items()),
    Field("age_years", "&Age", "number", "0-120 years (40 or more: +1 for HCT-CI/age)"),
)

KPS_FIELDS = (
    Field("score", "&Score", "int", "0-100 in steps of 10", error_names=("performance_score",)),
    Field("age_years", "&Age", "number", "0-120 years (under 16: Lansky)"),
)

_ABO = (("", "choose..."), ("O", "O"), ("A", "A"), ("B", "B"), ("AB", "AB"))
ABO_FIELDS = (
    Field("donor_abo", "&Donor ABO group", "choice", "O, A, B or AB", _ABO, ""),
    Field("recipient_abo", "&Recipient ABO group", "choice", "O, A, B or AB", _ABO, ""),
)

_CMV = (("positive", "positive"), ("negative", "negative"), ("unknown", "unknown"))
CMV_FIELDS = (
    Field("donor_cmv_igg", "&Donor CMV IgG", "choice", "", _CMV, "unknown"),
    Field("recipient_cmv_igg", "&Recipient CMV IgG", "choice", "", _CMV, "unknown"),
    Field("allogeneic", "Allogeneic transplant", "bool", default=True),
    Field("day0", "Day &0", "date", "yyyy-mm-dd (letermovir window)"),
    Field("extended", "At risk of late CMV (letermovir to Day +200)", "bool"),
)

INTENSITY_FIELDS = (
    Field("components", "Regimen &components", "rows",
          "total course dose;\nTBI cGy or Gy + fractions;\nbusulfan mg/kg, iv or oral;\n"
          "melphalan mg/m2",
          error_names=("agent", "total_dose", "unit", "route", "fractions", "tbi_dose"),
          columns=("Agent", "Total dose", "Unit", "Route", "Fractions")),
    Field("centre_intent", "Centre's declared &intent", "choice", "", (
        ("none", "not declared"), ("MAC", "MAC"), ("RIC", "RIC"), ("NMA", "NMA")), "none"),
)

VACCINE_FIELDS = (
    Field("day0", "Day &0", "date", "yyyy-mm-dd"),
    Field("on_immunosuppression", "Still on immunosuppression", "bool"),
    Field("ist_stop_date", "Immunosuppression &stopped", "optional-date", "yyyy-mm-dd"),
    Field("last_ivig_date", "Last &IVIG", "optional-date", "yyyy-mm-dd"),
    Field("active_gvhd", "Active GVHD", "bool"),
)

ES_CRITERIA = "Engraftment syndrome Spitzer and Maiolino"
"""The criteria of the combined engraftment-syndrome result the dialog shows and saves."""


def _ranked(result: GradeResult) -> GradeResult:
    """A yes/no result with rank 1 (met) or 0, so episodes can order it."""
    if result.rank is not None:
        return result
    return replace(result, rank=int(bool(result.value)))


def _reading_time(text: str, day: dt.date, index: int) -> dt.datetime:
    try:
        if len(text) <= 5:
            return dt.datetime.combine(day, dt.time.fromisoformat(text.zfill(5)))
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError("temperatures", f"Reading {index}: '{text}' is not a time; enter "
                              "HH:MM or yyyy-mm-dd HH:MM.") from None


def _cell_number(field: str, text: str, what: str, allowed: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(field, f"{what}: '{text}' is not a number; allowed {allowed}.") \
            from None


def _fn(v: dict[str, Any]) -> GradeResult:
    readings = []
    for i, row in enumerate(v["temperatures"], start=1):
        when = _reading_time(row[0], v[ASSESSMENT_DATE], i)
        temp = _cell_number("temperature", row[1], f"Reading {i}", "30-45 °C")
        readings.append((when, temp))
    return _ranked(febrile_neutropenia(readings, v["anc"], v["predicted_below_0_5_in_48h"]))


def _es(v: dict[str, Any]) -> GradeResult:
    findings = EngraftmentFindings(**v)
    both = engraftment_syndrome(findings)
    s, m = both["spitzer"], both["maiolino"]
    met = [name for name, r in (("Spitzer", s), ("Maiolino", m)) if r.value]
    label = (f"Spitzer {'met' if s.value else 'not met'}, "
             f"Maiolino {'met' if m.value else 'not met'}")
    return GradeResult(
        value=len(met), label=label, criteria=ES_CRITERIA,
        version=f"Spitzer {s.version}; Maiolino {m.version}", inputs=s.inputs,
        deciding_rule=f"Spitzer: {s.deciding_rule} Maiolino: {m.deciding_rule}",
        notes=s.notes + m.notes,
        components={"spitzer": bool(s.value), "maiolino": bool(m.value),
                    "spitzer_major": s.components["major"],
                    "spitzer_minor": s.components["minor"],
                    "maiolino_signs": m.components["signs"]})


def _tma(v: dict[str, Any]) -> GradeResult:
    assessments = []
    for n in (1, 2):
        date = v[f"a{n}_date"]
        if date is None:
            continue
        keys = ("anaemia", "thrombocytopenia", "schistocytes", "hypertension",
                "sc5b9_at_or_above_uln", "ldh_x_uln", "upcr_mg_mg")
        missing = [spec.label for spec in TMA_FIELDS
                   if spec.name in (f"a{n}_ldh_x_uln", f"a{n}_upcr_mg_mg")
                   and v[spec.name] is None]
        if missing:  # a dated assessment needs its measured values: never assumed normal
            raise _MissingError(", ".join(missing))
        try:
            assessments.append(TmaAssessment(date, **{k: v[f"a{n}_{k}"] for k in keys}))
        except ValidationError as err:
            raise ValidationError(f"a{n}_{err.field}", str(err)) from None
    result = ta_tma_harmonized(
        assessments, biopsy_proven=v["biopsy_proven"],
        concurrent_agvhd_grade_2_4=v["concurrent_agvhd_grade_2_4"],
        concurrent_infection=v["concurrent_infection"], organ_dysfunction=v["organ_dysfunction"])
    return replace(result, rank=2 if result.components["high_risk"] else int(bool(result.value)))


def _mucositis(v: dict[str, Any]) -> GradeResult:
    return oral_mucositis(soreness=v["soreness"], erythema=v["erythema"], ulcers=v["ulcers"],
                          diet=v["diet"], ctcae_grade=int(v["ctcae_grade"]))


def _hct_ci(v: dict[str, Any]) -> GradeResult:
    return hct_ci([k for k in HCT_CI_WEIGHTS if v[k]], v["age_years"])


def _cmv(v: dict[str, Any]) -> GradeResult:
    allo = v["allogeneic"]
    result = cmv_assessment(v["donor_cmv_igg"] if allo else None, v["recipient_cmv_igg"],
                            allogeneic=allo)
    inputs = {**result.inputs, "day0": v["day0"], "extended": v["extended"]}
    if not result.components["letermovir_candidate"]:
        return replace(result, inputs=inputs)
    start_by, stop = letermovir_window(v["day0"], extended=v["extended"])
    stop_day = 200 if v["extended"] else 100
    window = (f"Letermovir: start between Day 0 and {start_by.isoformat()} (Day +28), "
              f"stop {stop.isoformat()} (Day +{stop_day}).")
    return replace(result, inputs=inputs, notes=(*result.notes, window),
                   components={**result.components, "letermovir_start_by": start_by,
                               "letermovir_stop": stop})


def _regimen(rows: Sequence[Sequence[str]]) -> list[RegimenComponent]:
    components = []
    for i, row in enumerate(rows, start=1):
        agent, dose, unit, route, fractions = (list(row) + [""] * 5)[:5]
        total = _cell_number("total_dose", dose, f"Row {i} total dose", "0-100,000")
        frac = _cell_number("fractions", fractions or "1", f"Row {i} fractions", "1-30")
        if frac != int(frac):
            raise ValidationError("fractions", f"Row {i}: fractions must be a whole number "
                                  "(1-30).")
        components.append(RegimenComponent(agent, total, unit, (route or "iv").lower(),
                                           int(frac)))
    return components


def _intensity(v: dict[str, Any]) -> GradeResult:
    intent = None if v["centre_intent"] == "none" else v["centre_intent"]
    return conditioning_intensity(_regimen(v["components"]), centre_intent=intent)


def _vaccine(v: dict[str, Any]) -> GradeResult:
    return live_vaccine_eligibility(
        day0=v["day0"], today=v[ASSESSMENT_DATE], on_immunosuppression=v["on_immunosuppression"],
        ist_stop_date=v["ist_stop_date"], last_ivig_date=v["last_ivig_date"],
        active_gvhd=v["active_gvhd"])


# Conditioning agents as ``RegimenComponent`` names, from plan step drugs or titles.
_AGENTS = {"busulfan": "busulfan", "melphalan": "melphalan", "fludarabine": "fludarabine",
           "cyclophosphamide": "cyclophosphamide", "thiotepa": "thiotepa",
           "treosulfan": "treosulfan", "carmustine": "carmustine", "etoposide": "etoposide",
           "cytarabine": "cytarabine", "anti-thymocyte": "atg", "alemtuzumab": "alemtuzumab",
           "total body irradiation": "tbi"}
_PER_DAY = {"twice daily": 2, "every 12 hours": 2, "every 6 hours": 4, "four times daily": 4}


def regimen_rows(plan: Plan) -> list[tuple[str, str, str, str, str]]:
    """Regimen rows (agent, total dose, unit, route, fractions) from the plan's conditioning.

    Planned conditioning steps tied to the regimen with a dose; total = dose x occurrences
    (x 2 for twice daily). Other steps are left out: the user types what is missing.
    """
    rows: list[tuple[str, str, str, str, str]] = []
    for step in plan.steps:
        if (step.phase is not Phase.CONDITIONING or step.dose is None or not step.regimen_tied
                or step.status is StepStatus.CANCELLED):
            continue
        name = (step.drug or step.title).lower()  # a drug's title may name another drug
        agent = next((a for key, a in _AGENTS.items() if key in name), None)
        if agent is None:
            continue
        dose = step.dose
        count = len(step.days) * _PER_DAY.get(dose.frequency.strip().lower(), 1)
        suffix = {DoseBasis.PER_M2: "/m2", DoseBasis.PER_KG: "/kg", DoseBasis.FLAT: ""}[dose.per]
        route = "" if agent != "busulfan" else (
            "oral" if dose.route.strip().upper() == "PO" else "iv")
        rows.append((agent, f"{dose.amount * count:g}", f"{dose.unit}{suffix}", route,
                     str(count) if agent == "tbi" else ""))
    return rows


def _nih(values: dict[str, Any]) -> GradeResult:
    fev1 = values.pop("fev1_percent")
    scores = {k: int(v) for k, v in values.items()}
    lung = None if fev1 is None else nih_lung_fev1_score(fev1)
    return nih_cgvhd_assessment(scores, lung_fev1_score=lung)


_COMPLICATIONS = "Complications"
_ELIGIBILITY = "Eligibility and compatibility"


@dataclass(frozen=True)
class Calculator:
    """A calculator the Complications tab offers."""

    key: str
    button: str
    title: str
    fields: tuple[Field, ...]
    compute: ComputeFn
    allogeneic_only: bool = False
    records: bool = True
    """Saved as a dated assessment (False: eligibility and compatibility, show and copy)."""
    with_date: bool = False
    """The calculator uses the assessment date (``ASSESSMENT_DATE``)."""
    menu: str = ""
    """"" for a button of its own, else the section of the "More calculators" menu."""


CALCULATORS: tuple[Calculator, ...] = (
    Calculator("magic", "Acute GVHD (&MAGIC)...", "Acute GVHD: MAGIC staging and grade",
               MAGIC_FIELDS, lambda v: magic_assessment(**v), allogeneic_only=True),
    Calculator("nih", "Chronic GVHD (&NIH)...", "Chronic GVHD: NIH 2014 global severity",
               NIH_FIELDS, _nih, allogeneic_only=True),
    Calculator("vod", "SOS/&VOD (EBMT)...", "SOS/VOD: EBMT 2016 adult severity", VOD_FIELDS,
               lambda v: vod_severity_ebmt2016(**v)),
    Calculator("crs", "&CRS (ASTCT)...", "Cytokine release syndrome: ASTCT grade", CRS_FIELDS,
               lambda v: crs_grade_astct(**v)),
    Calculator("icans", "&ICANS (ASTCT)...", "ICANS: ASTCT grade (adult, ICE)", ICANS_FIELDS,
               lambda v: icans_grade_astct(**v)),
    Calculator("fn", "&Febrile neutropenia (IDSA)...", "Febrile neutropenia: IDSA 2010",
               FN_FIELDS, _fn, with_date=True, menu=_COMPLICATIONS),
    Calculator("es", "&Engraftment syndrome...", "Engraftment syndrome: Spitzer and Maiolino",
               ES_FIELDS, _es, menu=_COMPLICATIONS),
    Calculator("tma", "&TA-TMA (harmonised)...", "TA-TMA: harmonised criteria (2023)",
               TMA_FIELDS, _tma, menu=_COMPLICATIONS),
    Calculator("mucositis", "Oral &mucositis...", "Oral mucositis: WHO and CTCAE v5",
               MUCOSITIS_FIELDS, _mucositis, menu=_COMPLICATIONS),
    Calculator("hc", "&Haemorrhagic cystitis...", "Haemorrhagic cystitis: grade",
               HC_FIELDS, lambda v: haemorrhagic_cystitis_grade(**v), menu=_COMPLICATIONS),
    Calculator("hctci", "H&CT-CI...", "HCT-CI with age composite", HCT_CI_FIELDS, _hct_ci,
               records=False, menu=_ELIGIBILITY),
    Calculator("kps", "&Karnofsky/Lansky...", "Performance status: Karnofsky or Lansky",
               KPS_FIELDS, lambda v: performance_status(v["score"], v["age_years"]),
               records=False, menu=_ELIGIBILITY),
    Calculator("abo", "&ABO compatibility...", "ABO compatibility (donor to recipient)",
               ABO_FIELDS, lambda v: abo_assessment(v["donor_abo"], v["recipient_abo"]),
               allogeneic_only=True, records=False, menu=_ELIGIBILITY),
    Calculator("cmv", "C&MV and letermovir...", "CMV serostatus and letermovir window",
               CMV_FIELDS, _cmv, records=False, menu=_ELIGIBILITY),
    Calculator("intensity", "Conditioning &intensity...", "Conditioning intensity: MAC/RIC/NMA",
               INTENSITY_FIELDS, _intensity, records=False, menu=_ELIGIBILITY),
    Calculator("vaccine", "&Live vaccines (2-1-8)...", "Live-vaccine eligibility (2-1-8)",
               VACCINE_FIELDS, _vaccine, records=False, with_date=True, menu=_ELIGIBILITY),
)


def calculator(key: str) -> Calculator:
    """The calculator with ``key`` ("magic", "nih", "vod", "crs", "icans", "fn", ...)."""
    for calc in CALCULATORS:
        if calc.key == key:
            return calc
    raise KeyError(key)


def make_calculator_dialog(parent: QWidget | None, key: str, *, save: SaveFn, today: dt.date,
                           weight_kg: float | None = None,
                           defaults: Mapping[str, object] | None = None) -> CalculatorDialog:
    """Build the dialog of one calculator (MAGIC gets the patient's weight pre-filled).

    ``defaults`` pre-fill the fields of that name the calculator has (e.g. "age_years",
    "day0", "recipient_abo", "components"); empty values are skipped. ``save`` is not
    used by calculators that only show and copy their result.
    """
    calc = calculator(key)
    dialog = CalculatorDialog(parent, title=calc.title, fields=calc.fields,
                              compute=calc.compute, save=save if calc.records else None,
                              today=today, with_date=calc.with_date)
    if key == "magic" and weight_kg is not None:
        dialog.set_value("weight_kg", f"{weight_kg:g}")
    for name, value in (defaults or {}).items():
        if name in dialog.editors and value not in (None, "", [], ()):
            dialog.set_value(name, value)
    return dialog


# --- a date and a note -----------------------------------------------------------------


class DateNoteDialog:
    """Ask for a date (not after today) and a note; the seam tests patch."""

    @staticmethod
    def ask(parent: QWidget | None, title: str, prompt: str, today: dt.date,
            default: dt.date | None = None, *,
            note_required: bool = False) -> tuple[dt.date, str] | None:
        """Returns (date, note), or None when cancelled."""
        dialog = QDialog(parent)
        dialog.setWindowTitle(title)
        form = QFormLayout()
        form.addRow(QLabel(prompt))
        date_edit = QDateEdit(qdate(min(default or today, today)))
        date_edit.setDisplayFormat("yyyy-MM-dd")
        date_edit.setCalendarPopup(True)
        date_edit.setMaximumDate(qdate(today))
        date_edit.setAccessibleName("Date")
        note = QLineEdit()
        note.setAccessibleName("Note")
        form.addRow("&Date:", date_edit)
        form.addRow("&Note:", note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        if note_required:
            ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)
            note.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(dialog)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if run_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return pydate(date_edit.date()), note.text().strip()
