"""Create or edit a patient: a form whose errors appear next to the field they concern."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.patients import CMV_STATUSES, Patient, new_id, validate_patient
from planner.errors import ValidationError


def qdate(value: dt.date) -> QDate:
    """A QDate from a calendar date."""
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> dt.date:
    """A calendar date from a QDate."""
    return dt.date(value.year(), value.month(), value.day())


class FieldErrors:
    """Red one-line messages under form fields, keyed by ``ValidationError.field``."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}

    def label_for(self, field: str) -> QLabel:
        """The (hidden until needed) error label of ``field``."""
        label = QLabel()
        label.setStyleSheet("color:#b91c1c;")
        label.setWordWrap(True)
        label.setVisible(False)
        label.setAccessibleName(f"Error for {field}")
        self._labels[field] = label
        return label

    def show(self, err: ValidationError) -> QLabel | None:
        """Show ``err`` under its field; returns the label, or None if no field matches."""
        self.clear()
        label = self._labels.get(err.field)
        if label is not None:
            label.setText(str(err))
            label.setVisible(True)
        return label

    def clear(self) -> None:
        """Hide every message."""
        for label in self._labels.values():
            label.clear()
            label.setVisible(False)


class PatientDialog(QDialog):
    """The patient form. Use ``PatientDialog.ask``."""

    def __init__(self, parent: QWidget | None, patient: Patient | None, today: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit patient" if patient else "New patient")
        self._original = patient
        self._today = today
        self.result_patient: Patient | None = None
        self.errors = FieldErrors()
        self.general_error = QLabel()
        self.general_error.setStyleSheet("color:#b91c1c;")
        self.general_error.setVisible(False)
        form = QFormLayout()
        self.widgets: dict[str, QWidget] = {}
        self._build_fields(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        if patient is not None:
            self._load(patient)

    def _add(self, form: QFormLayout, field: str, label: str, widget: QWidget) -> None:
        widget.setAccessibleName(label.replace("&", ""))
        self.widgets[field] = widget
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(widget)
        inner.addWidget(self.errors.label_for(field))
        form.addRow(label, box)
        lbl = form.labelForField(box)
        if isinstance(lbl, QLabel):
            lbl.setBuddy(widget)

    def _build_fields(self, form: QFormLayout) -> None:
        self._add(form, "mrn", "&MRN", QLineEdit())
        self._add(form, "family_name", "&Family name", QLineEdit())
        self._add(form, "given_name", "&Given name", QLineEdit())
        dob = QDateEdit()
        dob.setDisplayFormat("yyyy-MM-dd")
        dob.setCalendarPopup(True)
        dob.setDate(QDate(1970, 1, 1))
        self._add(form, "date_of_birth", "&Date of birth", dob)
        sex = QComboBox()
        sex.addItems(["female", "male"])
        self._add(form, "sex", "&Sex", sex)
        self._add(form, "height_cm", "&Height (cm)", self._spin(0, 260, 1))
        self._add(form, "weight_kg", "&Weight (kg)", self._spin(0, 400, 1))
        creatinine = self._spin(0, 20, 2)
        creatinine.setToolTip(
            "Latest serum creatinine in mg/dL, with the date the sample was taken: the renal "
            "dose rules (plerixafor, fludarabine, entecavir, melphalan) need both."
        )
        self._add(form, "creatinine_mg_dl", "C&reatinine (mg/dL)", creatinine)
        sampled = QDateEdit()
        sampled.setDisplayFormat("yyyy-MM-dd")
        sampled.setCalendarPopup(True)
        sampled.setDate(qdate(self._today))
        sampled.setMaximumDate(qdate(self._today))
        self._add(form, "creatinine_date", "Creatinine sam&ple date", sampled)
        for field, label in (
            ("cmv_igg", "Recipient CM&V IgG"),
            ("hbsag", "HBs&Ag"),
            ("anti_hbc", "A&nti-HBc"),
        ):
            box = QComboBox()
            box.addItems(list(CMV_STATUSES))
            box.setCurrentText("unknown")
            self._add(form, field, label, box)
        self._add(form, "diagnosis", "D&iagnosis", QLineEdit())
        self._add(form, "disease_status", "Disease s&tatus", QLineEdit())
        self._add(form, "coordinator", "&Coordinator", QLineEdit())
        language = QComboBox()
        language.addItems(["en", "es"])
        self._add(form, "language", "Handout &language", language)
        contacts = QPlainTextEdit()
        contacts.setFixedHeight(60)
        contacts.setTabChangesFocus(True)
        self._add(form, "contacts", "C&ontacts", contacts)

    @staticmethod
    def _spin(low: float, high: float, decimals: int) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(low, high)
        spin.setDecimals(decimals)
        spin.setSpecialValueText("not recorded")  # 0 shows as "not recorded"
        return spin

    def _load(self, p: Patient) -> None:
        w = self.widgets
        w["mrn"].setText(p.mrn)  # type: ignore[attr-defined]
        w["family_name"].setText(p.family_name)  # type: ignore[attr-defined]
        w["given_name"].setText(p.given_name)  # type: ignore[attr-defined]
        w["date_of_birth"].setDate(qdate(p.date_of_birth))  # type: ignore[attr-defined]
        w["sex"].setCurrentText(p.sex.value)  # type: ignore[attr-defined]
        w["height_cm"].setValue(p.height_cm or 0)  # type: ignore[attr-defined]
        w["weight_kg"].setValue(p.weight_kg or 0)  # type: ignore[attr-defined]
        w["creatinine_mg_dl"].setValue(p.creatinine_mg_dl or 0)  # type: ignore[attr-defined]
        if p.creatinine_date is not None:
            w["creatinine_date"].setDate(qdate(p.creatinine_date))  # type: ignore[attr-defined]
        for field in ("cmv_igg", "hbsag", "anti_hbc"):
            w[field].setCurrentText(getattr(p, field))  # type: ignore[attr-defined]
        w["diagnosis"].setText(p.diagnosis)  # type: ignore[attr-defined]
        w["disease_status"].setText(p.disease_status)  # type: ignore[attr-defined]
        w["coordinator"].setText(p.coordinator)  # type: ignore[attr-defined]
        w["language"].setCurrentText(p.language)  # type: ignore[attr-defined]
        w["contacts"].setPlainText(p.contacts)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The typed-in values, as Patient fields (0 height/weight means not recorded)."""
        w: Any = self.widgets
        height = w["height_cm"].value() or None
        weight = w["weight_kg"].value() or None
        return {
            "mrn": w["mrn"].text(),
            "family_name": w["family_name"].text(),
            "given_name": w["given_name"].text(),
            "date_of_birth": pydate(w["date_of_birth"].date()),
            "sex": w["sex"].currentText(),
            "height_cm": height,
            "weight_kg": weight,
            "creatinine_mg_dl": w["creatinine_mg_dl"].value() or None,
            "creatinine_date": pydate(w["creatinine_date"].date()),
            "cmv_igg": w["cmv_igg"].currentText(),
            "hbsag": w["hbsag"].currentText(),
            "anti_hbc": w["anti_hbc"].currentText(),
            "diagnosis": w["diagnosis"].text(),
            "disease_status": w["disease_status"].text(),
            "coordinator": w["coordinator"].text(),
            "language": w["language"].currentText(),
            "contacts": w["contacts"].toPlainText(),
        }

    def build_patient(self) -> Patient:
        """A validated Patient from the form; raises ValidationError."""
        values = self.values()
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

    def _on_buttons_accepted(self) -> None:
        try:
            self.result_patient = self.build_patient()
        except ValidationError as err:
            label = self.errors.show(err)
            self.general_error.setText("" if label else str(err))
            self.general_error.setVisible(label is None)
            widget = self.widgets.get(err.field)
            if widget is not None:
                widget.setFocus()
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, patient: Patient | None, today: dt.date) -> Patient | None:
        """Show the form; the validated patient, or None if cancelled."""
        dialog = cls(parent, patient, today)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_patient
        return None
