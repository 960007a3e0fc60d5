"""Create or edit a patient: a form whose errors appear next to the field they concern.

Nothing is guessed: a number is read from what was typed or refused (a spin box turned
"abc999" into 99.0 cm), a new patient's date of birth and sex start empty and must be
given, and every refusal is shown at once under its field with the input kept. A
patient that could not be saved can be asked for again with what was typed and why
(``typed`` and ``error``, ``ui.dialogs.saving``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.patients import CMV_STATUSES, Patient, Sex, new_id, validate_patient
from planner.errors import ValidationError
from ui.translation import QT_TRANSLATE_NOOP
from ui.widgets.date_field import ERROR_STYLE, DateField, DateLimit, fit_dialog_height


class FieldErrors:
    """Red messages under form fields, keyed by ``ValidationError.field``."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}

    def label_for(self, field: str) -> QLabel:
        """The (hidden until needed) error label of ``field``."""
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.setVisible(False)
        label.setAccessibleName(
            QCoreApplication.translate("FieldErrors", "Error for {field}").format(field=field)
        )
        self._labels[field] = label
        return label

    def show(self, err: ValidationError) -> QLabel | None:
        """Show ``err`` under its field alone; returns the label, or None if no field matches."""
        self.clear()
        return self.add(err.field, str(err))

    def add(self, field: str, message: str) -> QLabel | None:
        """Show ``message`` under ``field`` too; the label, or None if no field matches."""
        label = self._labels.get(field)
        if label is not None:
            label.setText(message)
            label.setVisible(True)
        return label

    def clear(self) -> None:
        """Hide every message."""
        for label in self._labels.values():
            label.clear()
            label.setVisible(False)


NUMBERS = {
    # field: (what it is, unit, an example), for the refusal of text that is not a number
    "height_cm": (QT_TRANSLATE_NOOP("patient_dialog", "the height"), "cm", "172.5"),
    "weight_kg": (QT_TRANSLATE_NOOP("patient_dialog", "the weight"), "kg", "68.4"),
    "creatinine_mg_dl": (
        QT_TRANSLATE_NOOP("patient_dialog", "the creatinine"),
        "mg/dL",
        "0.9",
    ),
}
# The serological statuses as shown (stored in English, CMV_STATUSES).
_STATUS_TEXTS = (
    QT_TRANSLATE_NOOP("patient_dialog", "positive"),
    QT_TRANSLATE_NOOP("patient_dialog", "negative"),
    QT_TRANSLATE_NOOP("patient_dialog", "unknown"),
)
HANDOUT_LANGUAGES = ("en", "es")
# Where a refusal about a field the form does not show is shown.
_SHOWN_AT = {"weight_date": "weight_kg"}


def read_number(field: str, text: str) -> float | None:
    """The number typed for ``field`` (None when empty: not recorded).

    A decimal comma is read as a point; anything else that is not a number is refused,
    never trimmed to the digits it contains.

    Raises:
        ValidationError: the text is not a number.
    """
    text = text.strip()
    if not text:
        return None
    what, unit, example = NUMBERS[field]
    try:
        number = float(text.replace(",", ".", 1))
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):  # NaN or infinite
        raise ValidationError(
            field,
            QCoreApplication.translate(
                "patient_dialog",
                "“{text}” is not a number: enter {what} in {unit}, e.g. {example}.",
            ).format(
                text=text,
                what=QCoreApplication.translate("patient_dialog", what),
                unit=unit,
                example=example,
            ),
        )
    return number


class PatientDialog(QDialog):
    """The patient form. Use ``PatientDialog.ask``.

    ``patient``: the stored patient (None: a new one). ``typed`` and ``error``: the
    patient typed before and why it was not saved; the form starts from what was typed.
    """

    def __init__(
        self,
        parent: QWidget | None,
        patient: Patient | None,
        today: dt.date,
        *,
        typed: Patient | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit patient") if patient else self.tr("New patient"))
        self._original = patient
        self._today = today
        self.result_patient: Patient | None = None
        self.errors = FieldErrors()
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.setVisible(False)
        form = QFormLayout()
        self.widgets: dict[str, QWidget] = {}
        self._build_fields(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        start = typed if typed is not None else patient
        if start is not None:
            self._load(start)
        if error:
            self.general_error.setText(error)
            self.general_error.setVisible(True)
        self.widgets["mrn"].setFocus()

    def _add(self, form: QFormLayout, field: str, label: str, widget: QWidget) -> None:
        widget.setAccessibleName(label.replace("&", ""))
        self.widgets[field] = widget
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(widget)
        if not isinstance(widget, DateField):  # a date field shows its own refusals
            inner.addWidget(self.errors.label_for(field))
        form.addRow(label, box)
        lbl = form.labelForField(box)
        if isinstance(lbl, QLabel):
            lbl.setBuddy(widget)

    def _build_fields(self, form: QFormLayout) -> None:
        self._add(form, "mrn", self.tr("&MRN"), QLineEdit())
        self._add(form, "family_name", self.tr("&Family name"), QLineEdit())
        self._add(form, "given_name", self.tr("&Given name"), QLineEdit())
        dob = DateField(
            None,
            maximum=DateLimit(
                self._today, self.tr("after today: a date of birth cannot be in the future")
            ),
            empty=self.tr("Enter the date of birth."),
        )
        self._add(form, "date_of_birth", self.tr("&Date of birth"), dob)
        sex = QComboBox()
        # Shown translated; the stored value is the item's data.
        sex.addItem(self.tr("female"), Sex.FEMALE.value)
        sex.addItem(self.tr("male"), Sex.MALE.value)
        sex.setPlaceholderText(self.tr("choose"))
        sex.setCurrentIndex(-1)  # nothing is assumed: the dosing formulas depend on it
        self._add(form, "sex", self.tr("&Sex"), sex)
        self._add(form, "height_cm", self.tr("&Height (cm)"), self._number(self.tr("e.g. 172.5")))
        self._add(form, "weight_kg", self.tr("&Weight (kg)"), self._number(self.tr("e.g. 68.4")))
        creatinine = self._number(self.tr("e.g. 0.9"))
        creatinine.setToolTip(
            self.tr(
                "Latest serum creatinine in mg/dL, with the date the sample was taken: the renal "
                "dose rules (plerixafor, fludarabine, entecavir, melphalan) need both."
            )
        )
        self._add(form, "creatinine_mg_dl", self.tr("C&reatinine (mg/dL)"), creatinine)
        sampled = DateField(
            None,
            maximum=DateLimit(
                self._today, self.tr("after today: a sample cannot be dated in the future")
            ),
            empty="",  # optional: needed only with a creatinine value
        )
        self._add(form, "creatinine_date", self.tr("Creatinine sam&ple date"), sampled)
        for field, label in (
            ("cmv_igg", self.tr("Recipient CM&V IgG")),
            ("hbsag", self.tr("HBs&Ag")),
            ("anti_hbc", self.tr("A&nti-HBc")),
        ):
            box = QComboBox()
            for status in CMV_STATUSES:
                box.addItem(QCoreApplication.translate("patient_dialog", status), status)
            box.setCurrentIndex(box.findData("unknown"))
            self._add(form, field, label, box)
        self._add(form, "diagnosis", self.tr("D&iagnosis"), QLineEdit())
        self._add(form, "disease_status", self.tr("Disease s&tatus"), QLineEdit())
        self._add(form, "coordinator", self.tr("&Coordinator"), QLineEdit())
        crid = QLineEdit()
        crid.setPlaceholderText(self.tr("not yet assigned"))
        crid.setToolTip(self.tr("The number FormsNet3 assigns once per person (CRID)."))
        self._add(form, "cibmtr_crid", self.tr("CI&BMTR research ID"), crid)
        ebmt = QLineEdit()
        ebmt.setPlaceholderText(self.tr("not yet assigned"))
        self._add(form, "ebmt_id", self.tr("&EBMT registry ID"), ebmt)
        language = QComboBox()
        for code in HANDOUT_LANGUAGES:  # codes, shown as they are stored
            language.addItem(code, code)
        self._add(form, "language", self.tr("Handout &language"), language)
        contacts = QPlainTextEdit()
        contacts.setFixedHeight(60)
        contacts.setTabChangesFocus(True)
        self._add(form, "contacts", self.tr("C&ontacts"), contacts)

    def _number(self, example: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(self.tr("not recorded ({example})").format(example=example))
        return edit

    def _load(self, p: Patient) -> None:
        w: Any = self.widgets
        w["mrn"].setText(p.mrn)
        w["family_name"].setText(p.family_name)
        w["given_name"].setText(p.given_name)
        w["date_of_birth"].set_date(p.date_of_birth)
        w["sex"].setCurrentIndex(w["sex"].findData(p.sex.value))
        for field in NUMBERS:
            value = getattr(p, field)
            w[field].setText("" if value is None else f"{value:g}")
        w["creatinine_date"].set_date(p.creatinine_date)
        for field in ("cmv_igg", "hbsag", "anti_hbc"):
            w[field].setCurrentIndex(w[field].findData(getattr(p, field)))
        w["diagnosis"].setText(p.diagnosis)
        w["disease_status"].setText(p.disease_status)
        w["coordinator"].setText(p.coordinator)
        w["cibmtr_crid"].setText(p.cibmtr_crid)
        w["ebmt_id"].setText(p.ebmt_id)
        # A code the list lacks leaves the choice as it is, as choosing a text it lacks did.
        if (index := w["language"].findData(p.language)) >= 0:
            w["language"].setCurrentIndex(index)
        w["contacts"].setPlainText(p.contacts)

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(the typed values as Patient fields, field -> why its text is refused).

        A refused field's value is None (or "" for the sex); empty numbers are None
        (not recorded).
        """
        w: Any = self.widgets
        errors: dict[str, str] = {}
        numbers: dict[str, float | None] = {}
        for field in NUMBERS:
            try:
                numbers[field] = read_number(field, w[field].text())
            except ValidationError as err:
                numbers[field] = None
                errors[field] = str(err)
        for field in ("date_of_birth", "creatinine_date"):
            if not w[field].is_valid():
                errors[field] = w[field].error_text()
        if w["sex"].currentIndex() < 0:
            errors["sex"] = self.tr("Choose the sex.")
        if numbers["creatinine_mg_dl"] is not None and w["creatinine_date"].text().strip() == "":
            errors["creatinine_date"] = self.tr("Enter the date the creatinine sample was taken.")
        values = {
            "mrn": w["mrn"].text(),
            "family_name": w["family_name"].text(),
            "given_name": w["given_name"].text(),
            "date_of_birth": w["date_of_birth"].date(),
            "sex": w["sex"].currentData() if w["sex"].currentIndex() >= 0 else "",
            **numbers,
            "creatinine_date": w["creatinine_date"].date(),
            "cmv_igg": w["cmv_igg"].currentData(),
            "hbsag": w["hbsag"].currentData(),
            "anti_hbc": w["anti_hbc"].currentData(),
            "diagnosis": w["diagnosis"].text(),
            "disease_status": w["disease_status"].text(),
            "coordinator": w["coordinator"].text(),
            "cibmtr_crid": w["cibmtr_crid"].text(),
            "ebmt_id": w["ebmt_id"].text(),
            "language": w["language"].currentData(),
            "contacts": w["contacts"].toPlainText(),
        }
        return values, errors

    def values(self) -> dict[str, Any]:
        """The typed-in values, as Patient fields (empty height/weight: not recorded)."""
        return self.read()[0]

    def _patient_from(self, values: dict[str, Any]) -> Patient:
        """The validated Patient of ``values``; raises the first ValidationError."""
        if self._original is None:
            patient = Patient(id=new_id(), **values)
        else:
            weighed = self._original.weight_date
            if values["weight_kg"] != self._original.weight_kg:
                weighed = self._today
            patient = replace(self._original, weight_date=weighed, **values)
        if patient.weight_kg is not None and patient.weight_date is None:
            patient = replace(patient, weight_date=self._today)
        if patient.creatinine_mg_dl is None:
            patient = replace(patient, creatinine_date=None)
        validate_patient(patient, self._today)
        return patient

    def check(self) -> tuple[Patient | None, dict[str, str]]:
        """(the patient, {}) when the form is acceptable, else (None, every refusal).

        The record's own checks stop at the first refusal: each refused field is set
        to a neutral value and the checks run again, so every refusal is found at once.
        """
        values, errors = self.read()
        neutral: dict[str, Any] = {
            "mrn": "X",
            "family_name": "X",
            "given_name": "",
            # Old enough that no date recorded after birth is refused because of it.
            "date_of_birth": dt.date(self._today.year - 100, 1, 1),
            "sex": "female",
            "height_cm": None,
            "weight_kg": None,
            "creatinine_mg_dl": None,
            "creatinine_date": None,
            "cmv_igg": "unknown",
            "hbsag": "unknown",
            "anti_hbc": "unknown",
            "diagnosis": "",
            "disease_status": "",
            "coordinator": "",
            "cibmtr_crid": "",
            "ebmt_id": "",
            "language": "en",
            "contacts": "",
        }
        trial = {k: neutral[k] if k in errors else v for k, v in values.items()}
        for _ in range(len(trial) + 1):
            try:
                patient = self._patient_from(trial)
            except ValidationError as err:
                field = _SHOWN_AT.get(err.field, err.field)
                errors.setdefault(field, str(err))
                if err.field not in neutral or trial[err.field] == neutral[err.field]:
                    break  # nothing left to neutralise: stop with what was found
                trial[err.field] = neutral[err.field]
            else:
                return (None, errors) if errors else (patient, {})
        return None, errors

    def build_patient(self) -> Patient:
        """A validated Patient from the form; raises the first ValidationError."""
        patient, errors = self.check()
        if patient is None:
            field, message = next(iter(errors.items()))
            raise ValidationError(field, message)
        return patient

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.errors.clear()
        general: list[str] = []
        for field, widget in self.widgets.items():
            if isinstance(widget, DateField):
                if field in errors:
                    widget.show_error()
                    if widget.error_text() != errors[field]:
                        widget.set_error(errors[field])
                else:
                    widget.set_error("")
        for field, message in errors.items():
            shown = self.widgets.get(field)
            if shown is None:
                general.append(message)
            elif not isinstance(shown, DateField):
                self.errors.add(field, message)
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        fit_dialog_height(self)  # every wrapped message in full
        first = next((w for f, w in self.widgets.items() if f in errors), None)
        if first is not None:
            first.setFocus()

    def _on_buttons_accepted(self) -> None:
        patient, errors = self.check()
        self._show_errors(errors)
        if patient is None:
            return  # the dialog stays open with what was typed
        self.result_patient = patient
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        patient: Patient | None,
        today: dt.date,
        *,
        typed: Patient | None = None,
        error: str = "",
    ) -> Patient | None:
        """Show the form; the validated patient, or None if cancelled."""
        dialog = cls(parent, patient, today, typed=typed, error=error)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_patient
        return None
