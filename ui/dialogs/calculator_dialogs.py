"""Grading calculator dialogs: raw bedside values in, a dated assessment out.

Each dialog shows, as the values are typed, the result of a pure calculator from
``planner.grading``, ``planner.toxicity`` or ``planner.vod``: the grade, the
criteria set and its version, the rule that decided it, the organ stages or
sub-scores, the inputs, and any flag that needs the clinician's confirmation.
A value out of physical range is refused by the calculator; its message (which
names the allowed range) appears next to the field, and the allowed range is
always shown beside each field. Saving goes through the ``save`` callable the
caller passes in (one commit through ``planner.complication_service``).

Seams for tests: ``run_dialog`` (how a dialog is executed) and ``DateNoteDialog.ask``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.errors import PlannerError, ValidationError
from planner.grading import (
    GradeResult,
    magic_assessment,
    nih_cgvhd_assessment,
    nih_lung_fev1_score,
)
from planner.toxicity import crs_grade_astct, icans_grade_astct
from planner.vod import vod_severity_ebmt2016
from ui.dialogs.patient_dialog import pydate, qdate

SaveFn = Callable[[GradeResult, dt.date, str], object]
ComputeFn = Callable[[dict[str, Any]], GradeResult]
_ERROR_STYLE = "color: #b91c1c;"


def run_dialog(dialog: QDialog) -> int:
    """Run a dialog modally (the seam GUI tests replace)."""
    return dialog.exec()


@dataclass(frozen=True)
class Field:
    """One input of a calculator.

    Attributes:
        name: the calculator's keyword argument.
        label: form label with a mnemonic ("&Rash extent").
        kind: "number", "int", "optional-number", "optional-int", "bool" or "choice".
        hint: the allowed range or unit, shown beside the field ("0-100 % BSA").
        choices: (value, text) pairs for "choice".
        default: initial value (text for numbers, value for choices, bool for checks).
        error_names: ``ValidationError.field`` names reported at this field.
    """

    name: str
    label: str
    kind: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    default: object = None
    error_names: tuple[str, ...] = ()


class _MissingError(Exception):
    """A required field is empty."""


def _key(name: str) -> str:
    """"upper_gi_persistent" -> "upper GI persistent"."""
    words = {"gi": "GI", "mg": "mg", "dl": "dL", "ml": "mL", "pct": "%", "uln": "ULN",
             "ice": "ICE", "mof": "MOF", "mod": "MOD", "fev1": "FEV1", "bsa": "BSA"}
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


class CalculatorDialog(QDialog):
    """A calculator form with a live result panel and Save.

    Attributes:
        grade: the current result (None while inputs are missing or refused).
        editors: field name -> its editor widget.
        errors: field name -> the error label beside it.
    """

    def __init__(self, parent: QWidget | None, *, title: str, fields: tuple[Field, ...],
                 compute: ComputeFn, save: SaveFn, today: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._fields = fields
        self._compute = compute
        self._save = save
        self.grade: GradeResult | None = None
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.date_edit = QDateEdit(qdate(today))
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(qdate(today))
        self.date_edit.setAccessibleName("Assessment date")
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
            grid.addWidget(check, row, 1, 1, 2)
            editor = check
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
                line.setPlaceholderText("optional" if spec.kind.startswith("optional") else "")
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
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("&Save assessment")
        self.save_button.setAccessibleName("Save assessment")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
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
            editor.setText(str(value))

    def _read(self, spec: Field) -> object:
        editor = self.editors[spec.name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if not text:
            if spec.kind.startswith("optional"):
                return None
            raise _MissingError(spec.label.replace("&", ""))
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
        self.confirm_box.setVisible(result.needs_confirmation)

    def _update_buttons(self) -> None:
        ok = self.grade is not None and (
            not self.grade.needs_confirmation or bool(self.confirm_edit.text().strip()))
        self.save_button.setEnabled(ok)

    def save(self) -> None:
        """Save the result as a dated assessment through ``save``; close on success."""
        if self.grade is None:
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


def _nih(values: dict[str, Any]) -> GradeResult:
    fev1 = values.pop("fev1_percent")
    scores = {k: int(v) for k, v in values.items()}
    lung = None if fev1 is None else nih_lung_fev1_score(fev1)
    return nih_cgvhd_assessment(scores, lung_fev1_score=lung)


@dataclass(frozen=True)
class Calculator:
    """A calculator the Complications tab offers."""

    key: str
    button: str
    title: str
    fields: tuple[Field, ...]
    compute: ComputeFn
    allogeneic_only: bool = False


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
)


def calculator(key: str) -> Calculator:
    """The calculator with ``key`` ("magic", "nih", "vod", "crs", "icans")."""
    for calc in CALCULATORS:
        if calc.key == key:
            return calc
    raise KeyError(key)


def make_calculator_dialog(parent: QWidget | None, key: str, *, save: SaveFn, today: dt.date,
                           weight_kg: float | None = None) -> CalculatorDialog:
    """Build the dialog of one calculator (MAGIC gets the patient's weight pre-filled)."""
    calc = calculator(key)
    dialog = CalculatorDialog(parent, title=calc.title, fields=calc.fields,
                              compute=calc.compute, save=save, today=today)
    if key == "magic" and weight_kg is not None:
        dialog.set_value("weight_kg", f"{weight_kg:g}")
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
