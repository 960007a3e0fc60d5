"""The transplant record: number, graft, donor and status, with the status history.

The dialog builds the edited ``Transplant`` (a status change through
``planner.domain.patients.with_status``, so its history grows by one dated, reasoned
entry); the caller saves it with ``planner.app.transplants.save_transplant`` on the one
edit path (undoable, audited). The type and Day 0 are shown, not edited here: a new type
is a new plan, and Day 0 moves with Move Day 0, which moves the plan with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.domain.i18n import tr
from planner.domain.patients import (
    ABO_GROUPS,
    ALLOWED_STATUS_CHANGES,
    CMV_STATUSES,
    MANIPULATION_LABELS,
    MAX_DONOR_AGE_YEARS,
    MAX_TRANSPLANT_NUMBER,
    RELATION_LABELS,
    Donor,
    DonorType,
    GraftSource,
    Patient,
    Sex,
    Transplant,
    TransplantStatus,
    TransplantType,
    status_label,
    validate_transplant,
    with_status,
)
from planner.errors import ValidationError
from ui.dialogs.patient_dialog import FieldErrors
from ui.dialogs.saving import SaveErrorLine
from ui.models.board_model import shown_graft_source, shown_transplant_type
from ui.translation import format_date
from ui.widgets.date_field import DateField, DateLimit, fit_dialog_height

NO_CHANGE = ""


def sources_of(kind: TransplantType) -> list[GraftSource]:
    """The graft sources a transplant of ``kind`` can have (as ``Transplant`` checks)."""
    if kind is TransplantType.CAR_T:
        return [GraftSource.CELL_PRODUCT]
    banned = {GraftSource.CELL_PRODUCT} | (
        {GraftSource.CORD} if kind is TransplantType.AUTOLOGOUS else set()
    )
    return [g for g in GraftSource if g not in banned]


class TransplantDialog(QDialog):
    """The transplant record form. Use ``TransplantDialog.ask``.

    ``typed`` and ``error``: the transplant typed before and why it was not saved; the
    form starts from what was typed.
    """

    def __init__(
        self,
        parent: QWidget | None,
        patient: Patient,
        transplant: Transplant,
        today: dt.date,
        *,
        typed: Transplant | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Transplant record: {name}").format(name=patient.display_name))
        self._patient = patient
        self._stored = transplant
        self._today = today
        self.result_transplant: Transplant | None = None
        self.errors = FieldErrors()
        self.widgets: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._summary())
        layout.addWidget(self._transplant_box())
        self.donor_box = self._donor_box()
        layout.addWidget(self.donor_box)
        self.donor_box.setVisible(transplant.transplant_type is TransplantType.ALLOGENEIC)
        layout.addWidget(self._status_box())
        self.save_error = SaveErrorLine(error)
        layout.addWidget(self.save_error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load(transplant, typed)
        self.widgets["number"].setFocus()

    # --- building ------------------------------------------------------------------------

    def _summary(self) -> QLabel:
        t = self._stored
        day0 = format_date(t.day0, "%a %d %b %Y") if t.day0 is not None else self.tr("not set")
        if t.transplant_type is TransplantType.CAR_T:
            text = self.tr("CAR T-cell therapy, infusion on Day 0 {day0} (Move Day 0 changes it).")
        else:
            text = self.tr("{type} transplant, Day 0 {day0} (Move Day 0 changes it).")
        type_text = shown_transplant_type(t.transplant_type.value).capitalize()
        label = QLabel(text.format(type=type_text, day0=day0))
        label.setWordWrap(True)
        return label

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
        shown = form.labelForField(box)
        if isinstance(shown, QLabel):
            shown.setBuddy(widget)

    def _transplant_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Transplant"))
        form = QFormLayout(group)
        number = QSpinBox()
        number.setRange(1, MAX_TRANSPLANT_NUMBER)
        number.setToolTip(
            self.tr("The patient's first, second, ... transplant, as the registries count.")
        )
        self._add(form, "number", self.tr("&Number"), number)
        self._add(form, "tandem", self.tr("Part of a planned &tandem"), QCheckBox())
        intensity = QComboBox()
        intensity.addItem(self.tr("not declared"), "")
        for value in ("MAC", "RIC", "NMA"):
            intensity.addItem(value, value)
        self._add(form, "intensity", self.tr("&Intensity"), intensity)
        source = QComboBox()
        for graft in sources_of(self._stored.transplant_type):
            source.addItem(shown_graft_source(graft.value), graft.value)
        self._add(form, "graft_source", self.tr("&Graft source"), source)
        manipulation = QComboBox()
        for value, text in MANIPULATION_LABELS.items():
            manipulation.addItem(tr(text), value.value)
        self._add(form, "manipulation", self.tr("Graft &manipulation"), manipulation)
        return group

    def _donor_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Donor"))
        form = QFormLayout(group)
        donor_type = QComboBox()
        for kind in DonorType:
            donor_type.addItem(kind.value, kind.value)
        self._add(form, "donor_type", self.tr("Donor t&ype"), donor_type)
        relation = QComboBox()
        for relation_value, text in RELATION_LABELS.items():
            relation.addItem(tr(text), relation_value.value)
        self._add(form, "relation", self.tr("&Relation"), relation)
        hla = QLineEdit()
        hla.setPlaceholderText(self.tr("matched/typed, e.g. 8/8, 9/10, 4/6"))
        self._add(form, "hla_match", self.tr("&HLA match"), hla)
        sex = QComboBox()
        sex.addItem(self.tr("not recorded"), "")
        sex.addItem(self.tr("female"), Sex.FEMALE.value)
        sex.addItem(self.tr("male"), Sex.MALE.value)
        self._add(form, "sex", self.tr("Donor s&ex"), sex)
        age = QSpinBox()
        age.setRange(-1, MAX_DONOR_AGE_YEARS)
        age.setSpecialValueText(self.tr("not recorded"))
        age.setSuffix(self.tr(" years"))
        self._add(form, "age_years", self.tr("Donor &age"), age)
        abo = QComboBox()
        abo.addItem(self.tr("not recorded"), "")
        for group_name in ABO_GROUPS:
            abo.addItem(group_name, group_name)
        self._add(form, "abo", self.tr("Donor A&BO"), abo)
        cmv = QComboBox()
        for status in CMV_STATUSES:
            cmv.addItem(QCoreApplication.translate("patient_dialog", status), status)
        self._add(form, "cmv_igg", self.tr("Donor &CMV IgG"), cmv)
        self._add(form, "registry_id", self.tr("Donor registry I&D"), QLineEdit())
        workup = QLineEdit()
        workup.setPlaceholderText(self.tr("e.g. cleared, pending medical"))
        self._add(form, "workup_status", self.tr("&Work-up status"), workup)
        return group

    def _status_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("Status"))
        outer = QVBoxLayout(group)
        self.current_status = QLabel()
        self.current_status.setWordWrap(True)
        outer.addWidget(self.current_status)
        form = QFormLayout()
        status = QComboBox()
        status.addItem(self.tr("no change"), NO_CHANGE)
        for value in TransplantStatus:
            if value in ALLOWED_STATUS_CHANGES[self._stored.status]:
                status.addItem(status_label(value), value.value)
        self._add(form, "status", self.tr("Change &status to"), status)
        date = DateField(
            self._today,
            maximum=DateLimit(self._today, self.tr("after today: record a change that happened")),
            accessible_name=self.tr("Status date"),
        )
        self._add(form, "status_date", self.tr("Stat&us date"), date)
        reason = QLineEdit()
        reason.setPlaceholderText(self.tr("needed to hold, cancel or reopen"))
        self._add(form, "status_reason", self.tr("Reas&on"), reason)
        outer.addLayout(form)
        status.currentIndexChanged.connect(self._on_status_chosen)
        history = self._stored.status_history
        self.history = QTableWidget(len(history), 3)
        self.history.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Status"), self.tr("Reason")]
        )
        self.history.setAccessibleName(self.tr("Status history"))
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        for row, entry in enumerate(reversed(history)):
            for col, text in enumerate(
                (format_date(entry.on, "%d %b %Y"), status_label(entry.status), entry.reason)
            ):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self.history.setVisible(bool(history))
        self.history.setMaximumHeight(120)
        outer.addWidget(self.history)
        return group

    # --- values --------------------------------------------------------------------------

    def _load(self, stored: Transplant, typed: Transplant | None) -> None:
        t = typed if typed is not None else stored
        w: Any = self.widgets
        w["number"].setValue(t.number)
        w["tandem"].setChecked(t.tandem)
        w["intensity"].setCurrentIndex(max(0, w["intensity"].findData(t.intensity)))
        w["graft_source"].setCurrentIndex(max(0, w["graft_source"].findData(t.graft_source.value)))
        w["manipulation"].setCurrentIndex(max(0, w["manipulation"].findData(t.manipulation.value)))
        donor = t.donor or Donor(DonorType.MUD)
        w["donor_type"].setCurrentIndex(max(0, w["donor_type"].findData(donor.donor_type.value)))
        w["relation"].setCurrentIndex(max(0, w["relation"].findData(donor.relation.value)))
        w["hla_match"].setText(donor.hla_match)
        w["sex"].setCurrentIndex(max(0, w["sex"].findData(donor.sex)))
        w["age_years"].setValue(-1 if donor.age_years is None else donor.age_years)
        w["abo"].setCurrentIndex(max(0, w["abo"].findData(donor.abo)))
        w["cmv_igg"].setCurrentIndex(max(0, w["cmv_igg"].findData(donor.cmv_igg)))
        w["registry_id"].setText(donor.registry_id)
        w["workup_status"].setText(donor.workup_status)
        self.current_status.setText(self._status_text())
        if typed is not None and typed.status is not stored.status:
            entry = typed.last_status_change
            w["status"].setCurrentIndex(max(0, w["status"].findData(typed.status.value)))
            if entry is not None:
                w["status_date"].set_date(entry.on)
                w["status_reason"].setText(entry.reason)
        self._on_status_chosen()

    def _status_text(self) -> str:
        t = self._stored
        last = t.last_status_change
        text = self.tr("Now {status}.").format(status=status_label(t.status))
        if last is not None:
            text = self.tr("Now {status} since {date}.").format(
                status=status_label(t.status), date=format_date(last.on, "%d %b %Y")
            )
            if last.reason:
                text += " " + self.tr("Reason: {reason}").format(reason=last.reason)
        return text

    def _on_status_chosen(self, *_args: object) -> None:
        changing = self.widgets["status"].currentData() != NO_CHANGE  # type: ignore[attr-defined]
        for name in ("status_date", "status_reason"):
            self.widgets[name].setEnabled(changing)

    def build_transplant(self) -> Transplant:
        """The edited transplant, validated; raises the first ValidationError."""
        w: Any = self.widgets
        donor = None
        if self._stored.transplant_type is TransplantType.ALLOGENEIC:
            age = w["age_years"].value()
            donor = Donor(
                donor_type=w["donor_type"].currentData(),
                hla_match=w["hla_match"].text(),
                abo=w["abo"].currentData(),
                cmv_igg=w["cmv_igg"].currentData(),
                workup_status=w["workup_status"].text(),
                relation=w["relation"].currentData(),
                sex=w["sex"].currentData(),
                age_years=None if age < 0 else age,
                registry_id=w["registry_id"].text(),
            )
        edited = replace(
            self._stored,
            number=w["number"].value(),
            tandem=w["tandem"].isChecked(),
            intensity=w["intensity"].currentData(),
            graft_source=GraftSource(w["graft_source"].currentData()),
            manipulation=w["manipulation"].currentData(),
            donor=donor,
        )
        validate_transplant(edited, self._patient)
        new_status = w["status"].currentData()
        if new_status != NO_CHANGE:
            on = w["status_date"].date()
            if on is None:
                raise ValidationError("status_date", w["status_date"].error_text())
            edited = with_status(
                edited,
                TransplantStatus(new_status),
                on,
                w["status_reason"].text(),
                today=self._today,
            )
        return edited

    def _on_buttons_accepted(self) -> None:
        try:
            edited = self.build_transplant()
        except ValidationError as err:
            shown = self.errors.show(err)
            if isinstance(self.widgets.get(err.field), DateField):
                self.widgets[err.field].set_error(str(err))  # type: ignore[attr-defined]
            elif shown is None:
                self.save_error.say(str(err))
            fit_dialog_height(self)  # the message under its field
            widget = self.widgets.get(err.field)
            if widget is not None:
                widget.setFocus()
            return
        self.result_transplant = edited
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        patient: Patient,
        transplant: Transplant,
        today: dt.date,
        *,
        typed: Transplant | None = None,
        error: str = "",
    ) -> Transplant | None:
        """Show the form; the edited transplant, or None if cancelled."""
        dialog = cls(parent, patient, transplant, today, typed=typed, error=error)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_transplant
        return None
