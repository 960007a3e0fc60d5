"""The calculator dialog: a form of fields, a live result panel, Copy and Save.

``CalculatorDialog`` lays out the ``Field`` inputs of one calculator of
``planner.clinical.calculators``, recomputes the result as values are typed, shows any
refused value under its field (every refused value at once, wrapped to the form's width),
shows beside a field what the result derived from
measured values (``components["derived"]``, e.g. an HCT-CI item counted from FEV1), and
saves the result through the ``save`` callable it is given. Which calculators exist is ``planner.clinical.calculators.registry``; how a
dialog is built for one is ``ui.dialogs.calculator_dialogs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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

from planner.clinical.calculators.fields import (
    ASSESSMENT_DATE,
    Field,
    MissingInputError,
    read_text,
)
from planner.clinical.calculators.registry import ComputeFn
from planner.clinical.calculators.text import describe_result, plain
from planner.clinical.grading import GradeResult
from planner.domain.i18n import tr
from planner.errors import PlannerError, ValidationError
from planner.records.complication_log import episode_type_for
from ui.dialogs.rows_editor import RowsEditor
from ui.translation import format_date
from ui.widgets.date_field import DateField, DateLimit

SaveFn = Callable[[GradeResult, dt.date, str], object]
_ERROR_STYLE = "color: #b91c1c;"


class CalculatorDialog(QDialog):
    """A calculator form with a live result panel and Save.

    Attributes:
        grade: the current result (None while inputs are missing or refused).
        editors: field name -> its editor widget.
        errors: field name -> the error label beside it.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        fields: tuple[Field, ...],
        compute: ComputeFn,
        save: SaveFn | None,
        today: dt.date,
        with_date: bool = False,
        save_text: str = "",
    ) -> None:
        """``save`` None: show and copy only; ``with_date``: compute gets the assessment date.

        ``save_text`` (e.g. "&Record result"): ``save`` stores the result in a record of its
        own, not as an assessment of a complication episode.
        """
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._fields = fields
        self._compute = compute
        self._save = save
        self._with_date = with_date
        self._save_text = save_text
        self.grade: GradeResult | None = None
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.hints: dict[str, QLabel] = {}
        self.sources: dict[str, str] = {}  # field name -> where and when it was measured
        self.date_edit = DateField(
            today,
            accessible_name=self.tr("Assessment date"),
            maximum=DateLimit(
                today, self.tr("after today: an assessment cannot be dated in the future")
            ),
        )
        self.date_edit.changed.connect(self._recalculate)
        self.date_edit.validity_changed.connect(self._recalculate)
        inputs = QGroupBox(self.tr("Findings"))
        grid = QGridLayout(inputs)
        date_label = QLabel(self.tr("Assessment &date:"))
        date_label.setBuddy(self.date_edit)
        grid.addWidget(date_label, 0, 0)
        grid.addWidget(self.date_edit, 0, 1, 1, 3)
        # Each field takes two rows: the field, then its refusal under it across the
        # form, wrapped: beside the field a long refusal was cut off at the dialog's edge.
        for number, spec in enumerate(fields):
            self._add_field(grid, 1 + 2 * number, spec)
        grid.setColumnStretch(3, 1)
        self.general_error = self._error_label(self.tr("Calculation error"))
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
                placeholder = self.tr("yyyy-mm-dd") if spec.kind.endswith("date") else ""
                if spec.kind in ("number", "int"):
                    # A required value: nothing is assumed (the planner's NOT_ENTERED).
                    placeholder = self.tr("not entered")
                if spec.kind.startswith("optional"):
                    placeholder = (
                        self.tr("optional {placeholder}").format(placeholder=placeholder)
                        if placeholder
                        else self.tr("optional")
                    )
                line.setPlaceholderText(placeholder)
                line.setMaximumWidth(110)
                line.textChanged.connect(self._recalculate)
                editor = line
            label = QLabel(spec.label + ":")
            label.setBuddy(editor)
            grid.addWidget(label, row, 0)
            grid.addWidget(editor, row, 1)
        editor.setAccessibleName(plain)
        editor.setAccessibleDescription(
            self.tr("Allowed: {hint}").format(hint=spec.hint) if spec.hint else ""
        )
        hint = QLabel(spec.hint)
        hint.setAccessibleName(self.tr("{field} allowed range").format(field=plain))
        hint.setStyleSheet("color: palette(placeholder-text);")
        if spec.kind == "rows":
            grid.addWidget(hint, row, 0, Qt.AlignmentFlag.AlignBottom)
        else:
            grid.addWidget(hint, row, 2)
        error = self._error_label(self.tr("{field} error").format(field=plain))
        grid.addWidget(error, row + 1, 1, 1, 3)
        self.editors[spec.name] = editor
        self.errors[spec.name] = error
        self.hints[spec.name] = hint

    def _build_result_panel(self) -> QVBoxLayout:
        panel = QVBoxLayout()
        box = QGroupBox(self.tr("Result"))
        form = QVBoxLayout(box)
        self.grade_label = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.grade_label.setFont(font)
        self.grade_label.setAccessibleName(self.tr("Grade"))
        self.criteria_label = self._info(self.tr("Criteria and version"))
        self.rule_label = self._info(self.tr("Deciding rule"))
        self.components_label = self._info(self.tr("Stages and scores"))
        self.inputs_label = self._info(self.tr("Inputs used"))
        self.notes_label = self._info(self.tr("Notes"))
        for widget in (
            self.grade_label,
            self.criteria_label,
            self.rule_label,
            self.components_label,
            self.inputs_label,
            self.notes_label,
        ):
            form.addWidget(widget)
        self.confirm_box = QGroupBox(self.tr("Clinician confirmation required"))
        confirm_form = QFormLayout(self.confirm_box)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setAccessibleName(self.tr("Confirmation reason"))
        self.confirm_edit.setPlaceholderText(self.tr("why the suggested value is right"))
        self.confirm_edit.textChanged.connect(self._update_buttons)
        confirm_form.addRow(self.tr("&Reason:"), self.confirm_edit)
        self.confirm_box.setVisible(False)
        form.addWidget(self.confirm_box)
        form.addStretch(1)
        panel.addWidget(box, 1)
        self.record_note = self._info(self.tr("Why the result cannot be saved"))
        self.record_note.setVisible(False)
        panel.addWidget(self.record_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.copy_button = QPushButton(self.tr("C&opy result"))
        self.copy_button.setAccessibleName(self.tr("Copy the result to the clipboard"))
        self.copy_button.clicked.connect(self.copy_result)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        save_text = self._save_text or self.tr("&Save assessment")
        self.save_button = QPushButton(save_text)
        self.save_button.setAccessibleName(save_text.replace("&", ""))
        if self._save is not None:
            self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            self.save_button.setVisible(False)
            close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            close.setText(self.tr("Close"))
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
            if isinstance(value, dt.date):
                editor.setText(value.isoformat())
            elif isinstance(value, float):
                editor.setText(f"{value:g}")  # never "84.0": no trailing zero
            else:
                editor.setText(str(value))
        elif isinstance(editor, RowsEditor):
            assert isinstance(value, Sequence)
            editor.set_rows(value)

    def show_source(self, name: str, source: str) -> None:
        """Say beside a pre-filled field where and when its value was measured ("from a lab
        result of 2026-12-01, 6 days ago"), under its allowed range; it stays while the
        values are edited (``_show_derived`` rewrites the hints)."""
        self.sources[name] = source
        hint = self.hints[name]
        hint.setText(self._with_source(name, hint.text()))
        hint.setAccessibleDescription(source)
        editor = self.editors[name]
        if isinstance(editor, QLineEdit):
            # A value typed over the measured one is no longer from there: say nothing.
            filled = editor.text()
            editor.textChanged.connect(
                lambda text, n=name, f=filled: self._forget_source(n) if text != f else None
            )

    def _forget_source(self, name: str) -> None:
        if self.sources.pop(name, None) is not None:
            self.hints[name].setAccessibleDescription("")
            self._recalculate()

    def _with_source(self, name: str, text: str) -> str:
        source = self.sources.get(name)
        if not source:
            return text
        return f"{text}\n{source}" if text else source

    def _read(self, spec: Field) -> object:
        editor = self.editors[spec.name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            if editor.currentData() == "":
                raise MissingInputError(spec.label.replace("&", ""))
            return editor.currentData()
        if isinstance(editor, RowsEditor):
            rows = editor.rows()
            if not rows:
                raise MissingInputError(spec.label.replace("&", ""))
            return rows
        assert isinstance(editor, QLineEdit)
        return read_text(spec, editor.text())

    def read_values(self) -> tuple[dict[str, Any], dict[str, ValidationError], list[str]]:
        """Every field read: (values, field name -> its refusal, labels of empty fields)."""
        missing: list[str] = []
        refused: dict[str, ValidationError] = {}
        values: dict[str, Any] = {}
        for spec in self._fields:
            try:
                values[spec.name] = self._read(spec)
            except MissingInputError as exc:
                missing.append(str(exc))
            except ValidationError as err:
                # A copy, without traceback or context: kept, their frames would hold
                # this dictionary and the dialog in a cycle only the garbage collector
                # frees, and a dialog freed there can take Qt down with it.
                refused[spec.name] = ValidationError(err.field, str(err))
        if self._with_date:
            values[ASSESSMENT_DATE] = self.date_edit.date()
        return values, refused, missing

    def values(self) -> dict[str, Any]:
        """The typed values (raises ``ValidationError`` for text that is not a number)."""
        values, refused, missing = self.read_values()
        if refused:
            raise next(iter(refused.values()))
        if missing:
            raise MissingInputError(", ".join(missing))
        if self._with_date and values[ASSESSMENT_DATE] is None:
            raise ValidationError("assessment_date", self.date_edit.error_text())
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

    def _recalculate(self, *_args: object) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.setVisible(False)
        self.grade = None
        values, refused, missing = self.read_values()
        # Every refused value is shown at once, each under its field; the calculator
        # runs (and may refuse a combination) only when each value is acceptable.
        for err in refused.values():
            self._show_error(err)
        if refused:
            self._show_result(None, self.tr("A value is refused; see the message under it."))
        elif self._with_date and values[ASSESSMENT_DATE] is None:
            self._show_result(
                None, self.tr("The assessment date is refused; see the message under it.")
            )
        elif missing:
            self._show_result(None, self.tr("Enter: {fields}.").format(fields=", ".join(missing)))
        else:
            try:
                self.grade = self._compute(values)
            except MissingInputError as exc:  # inputs needed only with others' answers
                self._show_result(None, self.tr("Enter: {fields}.").format(fields=exc))
            except ValidationError as err:
                self._show_error(err)
                self._show_result(None, self.tr("A value is refused; see the message under it."))
            else:
                self._show_result(self.grade, "")
        self._update_buttons()

    def _show_derived(self, result: GradeResult | None) -> None:
        """Beside each field a result derived from measured values (``components
        ["derived"]``: field name -> the value that derived it), say so: an item counted
        from a value is shown even where its box is not ticked."""
        derived = {} if result is None else result.components.get("derived", {})
        for spec in self._fields:
            reason = derived.get(spec.name) if isinstance(derived, Mapping) else None
            label = self.hints[spec.name]
            label.setText(
                self._with_source(
                    spec.name,
                    self.tr("{hint} · counted: {reason}").format(hint=spec.hint, reason=reason)
                    if reason
                    else spec.hint,
                )
            )

    def _show_result(self, result: GradeResult | None, waiting: str) -> None:
        self._show_derived(result)
        if result is None:
            self.grade_label.setText(self.tr("No result"))
            self.criteria_label.setText(waiting)
            for label in (
                self.rule_label,
                self.components_label,
                self.inputs_label,
                self.notes_label,
            ):
                label.setText("")
            self.confirm_box.setVisible(False)
            return
        self.grade_label.setText(f"{tr(result.criteria)}: {result.label}")
        self.criteria_label.setText(
            self.tr("Criteria: {criteria}, version {version}").format(
                criteria=tr(result.criteria), version=result.version
            )
        )
        self.rule_label.setText(self.tr("Rule: {rule}").format(rule=result.deciding_rule))
        self.components_label.setText(
            self.tr("Stages/scores: {scores}").format(scores=plain(result.components, " · "))
        )
        self.inputs_label.setText(
            self.tr("Inputs: {inputs}").format(inputs=plain(result.inputs, "; "))
        )
        self.notes_label.setText(
            "\n".join(self.tr("Note: {note}").format(note=n) for n in result.notes)
        )
        self.confirm_box.setVisible(result.needs_confirmation and self._save is not None)

    def record_refusal(self) -> str:
        """Why the complications record would not accept the current result ("" if it would)."""
        if self.grade is None or self._save is None or self._save_text:
            return ""
        try:
            episode_type_for(self.grade)
        except ValidationError as err:
            return self.tr("{reason} Use Copy result.").format(reason=err)
        if self.grade.rank is None:
            return self.tr(
                "{criteria} results have no grade order to track. Use Copy result."
            ).format(criteria=tr(self.grade.criteria))
        return ""

    def _update_buttons(self) -> None:
        refusal = self.record_refusal()
        ok = (
            self.grade is not None
            and self.date_edit.is_valid()
            and not refusal
            and (not self.grade.needs_confirmation or bool(self.confirm_edit.text().strip()))
        )
        self.save_button.setEnabled(ok)
        self.copy_button.setEnabled(self.grade is not None)
        self.record_note.setText(refusal)
        self.record_note.setVisible(bool(refusal))

    def copy_result(self) -> str:
        """Copy the criteria, version, rule, inputs and notes to the clipboard; returns the text."""
        if self.grade is None:
            return ""
        date = self.date_edit.date()
        when = format_date(date, "%d %b %Y") + "\n" if date is not None else ""
        text = f"{when}{describe_result(self.grade)}"
        QGuiApplication.clipboard().setText(text)
        return text

    def save(self) -> None:
        """Save the result as a dated assessment through ``save``; close on success."""
        if self.grade is None or self._save is None or not self.save_button.isEnabled():
            return
        date = self.date_edit.date()
        if date is None:
            self.date_edit.show_error()
            return
        reason = self.confirm_edit.text().strip() if self.grade.needs_confirmation else ""
        try:
            self._save(self.grade, date, reason)
        except PlannerError as err:
            self.general_error.setText(str(err))
            self.general_error.setVisible(True)
            return
        self.accept()
