"""New plan: transplant details, Day 0, templates per slot, and a dated preview with doses.

A plan whose doses are per kg or per m2 is created for a patient without the weight or
height they need only when the coordinator confirms it (the doses then stay "not
computed" until the measurement is recorded): the wizard names the missing value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.plans import build_plan
from planner.clinical.plan_rules.facts import facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.i18n import tr
from planner.domain.patients import (
    Donor,
    DonorType,
    GraftSource,
    Patient,
    Transplant,
    TransplantStatus,
    TransplantType,
    new_id,
)
from planner.domain.plans import Plan, StepStatus
from planner.domain.templates import (
    Category,
    DoseBasis,
    Protocol,
    WeightType,
    mobilisation_anchor_of,
)
from planner.errors import PlannerError, ValidationError
from ui.dialogs.saving import SaveErrorLine
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.widgets.date_field import ERROR_STYLE, DateField

SLOTS = (
    Category.CELL_THERAPY,
    Category.MOBILISATION,
    Category.CONDITIONING,
    Category.GVHD_PROPHYLAXIS,
    Category.SUPPORTIVE_CARE,
    Category.FOLLOW_UP,
)
NONE = QT_TRANSLATE_NOOP("PlanWizard", "(none)")
# The slots' names as shown (the categories' values are stored in English).
SLOT_TITLES = {
    Category.CELL_THERAPY: QT_TRANSLATE_NOOP("PlanWizard", "CAR T-cell therapy"),
    Category.MOBILISATION: QT_TRANSLATE_NOOP("PlanWizard", "Mobilisation"),
    Category.CONDITIONING: QT_TRANSLATE_NOOP("PlanWizard", "Conditioning"),
    Category.GVHD_PROPHYLAXIS: QT_TRANSLATE_NOOP("PlanWizard", "GVHD prophylaxis"),
    Category.SUPPORTIVE_CARE: QT_TRANSLATE_NOOP("PlanWizard", "Supportive care"),
    Category.FOLLOW_UP: QT_TRANSLATE_NOOP("PlanWizard", "Follow-up"),
}
TRANSPLANT_TYPES = (
    ("autologous", QT_TRANSLATE_NOOP("PlanWizard", "autologous")),
    ("allogeneic", QT_TRANSLATE_NOOP("PlanWizard", "allogeneic")),
    ("car-t", QT_TRANSLATE_NOOP("PlanWizard", "CAR T-cell therapy")),
)
GRAFT_SOURCES = (
    ("pbsc", QT_TRANSLATE_NOOP("PlanWizard", "pbsc")),
    ("marrow", QT_TRANSLATE_NOOP("PlanWizard", "marrow")),
    ("cord", QT_TRANSLATE_NOOP("PlanWizard", "cord")),
    ("cell-product", QT_TRANSLATE_NOOP("PlanWizard", "CAR T-cell product")),
)
# The graft sources each kind takes (an autograft is never cord blood; CAR T cells are a
# cell product of their own).
SOURCES_OF = {
    "autologous": ("pbsc", "marrow"),
    "allogeneic": ("pbsc", "marrow", "cord"),
    "car-t": ("cell-product",),
}
# Registry abbreviations, shown as they are (CIBMTR donor categories).
DONOR_CODES = ("MRD", "MUD", "MMUD", "HAPLO", "MMRD", "CORD", "SYN")


def missing_measurements(plan: Plan, patient: Patient) -> str:
    """What the plan's weight- or BSA-based doses need and the patient lacks, as a
    sentence ("" when nothing is missing).

    Per-kg doses need the weight; per-m2 doses (body-surface area) and doses on an
    ideal or adjusted weight also need the height (``planner.clinical.dosing``).
    """
    needs: dict[str, list[str]] = {"weight": [], "height": []}
    for step in plan.steps:
        rule = step.dose
        if rule is None or rule.per is DoseBasis.FLAT or step.status is StepStatus.CANCELLED:
            continue
        order = f"{tr(step.title)} ({rule.order_text})"
        if patient.weight_kg is None:
            needs["weight"].append(order)
        if patient.height_cm is None and (
            rule.per is DoseBasis.PER_M2 or rule.weight is not WeightType.ACTUAL
        ):
            needs["height"].append(order)
    missing = [name for name, orders in needs.items() if orders]
    if not missing:
        return ""
    orders = list(dict.fromkeys(needs["weight"] + needs["height"]))
    shown = ", ".join(orders[:3])
    if len(orders) > 3:
        shown = QCoreApplication.translate("missing_measurements", "{orders} and {n} more").format(
            orders=shown, n=len(orders) - 3
        )
    if missing == ["weight", "height"]:
        text = QCoreApplication.translate(
            "missing_measurements",
            "The patient has no recorded weight and no height: the doses of {orders} cannot "
            "be computed. Record the weight and height (Edit patient) first, or confirm below "
            "to create the plan with those doses not computed.",
        )
    elif missing == ["weight"]:
        text = QCoreApplication.translate(
            "missing_measurements",
            "The patient has no recorded weight: the doses of {orders} cannot be computed. "
            "Record the weight (Edit patient) first, or confirm below to create the plan with "
            "those doses not computed.",
        )
    else:
        text = QCoreApplication.translate(
            "missing_measurements",
            "The patient has no recorded height: the doses of {orders} cannot be computed. "
            "Record the height (Edit patient) first, or confirm below to create the plan with "
            "those doses not computed.",
        )
    return text.format(orders=shown)


@dataclass(frozen=True)
class PlanRequest:
    """What the wizard decided: the transplant, the templates and real anchor dates."""

    transplant: Transplant
    protocols: tuple[Protocol, ...]
    anchors: Mapping[str, dt.date]


class PlanWizard(QDialog):
    """Choose templates and Day 0 with a live preview. Use ``PlanWizard.ask``."""

    def __init__(
        self,
        parent: QWidget | None,
        patient: Patient,
        protocols: Mapping[str, Protocol],
        today: dt.date,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New plan"))
        self.resize(1100, 640)
        self._patient = patient
        self._protocols = protocols
        self._today = today
        self.preview_plan: Plan | None = None
        self.type_box = QComboBox()
        for value, text in TRANSPLANT_TYPES:
            self.type_box.addItem(self.tr(text), value)
        self.source_box = QComboBox()
        self.donor_box = QComboBox()
        for code in DONOR_CODES:
            self.donor_box.addItem(code, code)
        self.day0 = DateField(today + dt.timedelta(days=30), empty=self.tr("Enter Day 0."))
        self.mob_set = QCheckBox(self.tr("First G-CSF dose on"))
        self.mob_date = DateField(today, accessible_name=self.tr("First G-CSF dose"))
        self.slot_boxes: dict[Category, QComboBox] = {c: QComboBox() for c in SLOTS}
        for box in self.slot_boxes.values():
            # Long template titles must not squeeze the preview: show 40 characters and
            # the full title in the drop-down.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(40)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet(ERROR_STYLE)
        self.missing.setAccessibleName(self.tr("Missing measurements"))
        self.missing.setVisible(False)
        self.confirm_missing = QCheckBox(self.tr("Create the plan with these doses not computed"))
        self.confirm_missing.setVisible(False)
        self.save_error = SaveErrorLine()
        self.table = QTableWidget(0, 5)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels(
            [self.tr("Day"), self.tr("Date"), self.tr("Phase"), self.tr("Step"), self.tr("Dose")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(self.tr("Plan preview"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create plan"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._layout()
        for widget in (self.type_box, self.source_box, self.donor_box, *self.slot_boxes.values()):
            widget.currentIndexChanged.connect(self._on_choice_changed)
        self.type_box.currentIndexChanged.connect(self._on_type_changed)
        self.source_box.currentIndexChanged.connect(self._fill_slots)
        for field in (self.day0, self.mob_date):
            field.changed.connect(self._on_choice_changed)
            field.validity_changed.connect(self._on_choice_changed)
        self.mob_set.toggled.connect(self._on_choice_changed)
        self.confirm_missing.toggled.connect(self._update_ok)
        self._on_type_changed()

    def _layout(self) -> None:
        form = QFormLayout()
        for label, widget in (
            (self.tr("&Transplant type"), self.type_box),
            (self.tr("&Graft source"), self.source_box),
            (self.tr("D&onor"), self.donor_box),
            (self.tr("&Day 0"), self.day0),
        ):
            widget.setAccessibleName(label.replace("&", ""))
            form.addRow(label, widget)
        mob = self._mob_row = QHBoxLayout()
        mob.addWidget(self.mob_set)
        mob.addWidget(self.mob_date)
        form.addRow(self.tr("Mobilisation"), mob)
        self._form = form
        templates = QGroupBox(self.tr("Templates (examples for local review)"))
        tform = self._slot_form = QFormLayout(templates)
        for cat, box in self.slot_boxes.items():
            title = self.tr(SLOT_TITLES[cat])
            box.setAccessibleName(self.tr("{slot} template").format(slot=title))
            tform.addRow(title, box)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(templates)
        left.addWidget(self.message)
        left.addWidget(self.missing)
        left.addWidget(self.confirm_missing)
        left.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.table, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(body)
        outer.addWidget(self.save_error)
        outer.addWidget(self.buttons)

    def _on_type_changed(self) -> None:
        allo = self.type_box.currentData() == "allogeneic"
        self.source_box.blockSignals(True)
        self.source_box.clear()
        for value, text in GRAFT_SOURCES:
            if value in SOURCES_OF[self.type_box.currentData()]:
                self.source_box.addItem(self.tr(text), value)
        self.source_box.blockSignals(False)
        self.donor_box.setEnabled(allo)
        self._form.setRowVisible(self.donor_box, allo)
        self._fill_slots()

    def _fit_donor_to_graft(self, graft: str) -> None:
        """A cord graft's donor is a cord unit, and only a cord graft has one."""
        cord = graft == GraftSource.CORD.value
        if cord:
            self.donor_box.setCurrentIndex(self.donor_box.findData(DonorType.CORD.value))
        elif self.donor_box.currentData() == DonorType.CORD.value:
            self.donor_box.setCurrentIndex(self.donor_box.findData(DonorType.MUD.value))
        self.donor_box.setEnabled(self.type_box.currentData() == "allogeneic" and not cord)

    def _fill_slots(self) -> None:
        """Offer in each slot the templates for the chosen type and graft source (a cord
        regimen only for a cord graft), keeping a choice that still applies."""
        kind, graft = self.type_box.currentData(), self.source_box.currentData()
        self._fit_donor_to_graft(graft)
        # G-CSF mobilisation is for blood stem cells only: not for marrow, cord blood or
        # CAR T cells (whose leukapheresis is an anchor of their own template).
        self._form.setRowVisible(self._mob_row, graft == GraftSource.PBSC.value)
        for cat, box in self.slot_boxes.items():
            kept = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr(NONE))
            # Shown (and listed alphabetically) in the interface's language; chosen by id.
            for proto in sorted(self._protocols.values(), key=lambda p: tr(p.title)):
                if (
                    proto.category is cat
                    and kind in proto.transplant_types
                    and graft in proto.graft_sources
                ):
                    box.addItem(tr(proto.title), proto.id)
            box.setCurrentIndex(max(0, box.findData(kept)) if kept else 0)
            box.blockSignals(False)
            # A slot with no template for this kind (GVHD prophylaxis for an autograft,
            # conditioning for CAR T cells) is not offered at all.
            self._slot_form.setRowVisible(box, box.count() > 1)
        self._on_choice_changed()

    def chosen(self) -> list[Protocol]:
        """The templates chosen in the slot boxes, in wizard order."""
        ids = [box.currentData() for box in self.slot_boxes.values() if box.currentData()]
        return [self._protocols[i] for i in ids]

    def request(self) -> PlanRequest:
        """The transplant, templates and anchors as currently chosen (may raise)."""
        allo = self.type_box.currentData() == "allogeneic"
        day0 = self.day0.date()
        if day0 is None:
            raise ValidationError(
                "day0", self.tr("Day 0: {reason}").format(reason=self.day0.error_text())
            )
        transplant = Transplant(
            id=new_id(),
            patient_id=self._patient.id,
            transplant_type=TransplantType(self.type_box.currentData()),
            graft_source=GraftSource(self.source_box.currentData()),
            day0=day0,
            status=TransplantStatus.PLANNED,
            donor=Donor(donor_type=DonorType(self.donor_box.currentData())) if allo else None,
        )
        protocols = tuple(self.chosen())
        anchors: dict[str, dt.date] = {}
        if self.mob_set.isChecked() and self.source_box.currentData() == GraftSource.PBSC.value:
            name = mobilisation_anchor_of(protocols)
            mob_date = self.mob_date.date()
            if mob_date is None:
                raise ValidationError(
                    "mobilisation",
                    self.tr("First G-CSF dose: {reason}").format(reason=self.mob_date.error_text()),
                )
            if name is not None:
                anchors[name] = mob_date
        return PlanRequest(transplant, protocols, anchors)

    def _on_choice_changed(self, *_args: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.mob_date.set_day0(self.day0.date())
        self.missing.setVisible(False)
        self.confirm_missing.setVisible(False)
        try:
            req = self.request()
            # The same function as the save: clashing templates are refused here, with
            # the rule and its source, and steps for other patients come cancelled.
            plan = build_plan(
                self._patient, req.transplant, req.protocols, req.anchors, self._today
            )
        except PlannerError as err:
            self.preview_plan = None
            self.message.setText(str(err))
            self.table.setRowCount(0)
            ok.setEnabled(False)
            return
        self.preview_plan = plan
        count = sum(1 for _ in plan.occurrences())
        self.message.setText(
            self.tr(
                "{n} dated steps. Doses use height {height} cm and weight {weight} kg "
                "(weighed {weighed})."
            ).format(
                n=count,
                height=self._patient.height_cm or "?",
                weight=self._patient.weight_kg or "?",
                weighed=self._patient.weight_date or self.tr("not recorded"),
            )
        )
        self._fill(plan)
        missing = missing_measurements(plan, self._patient)
        self.missing.setText(missing)
        self.missing.setVisible(bool(missing))
        self.confirm_missing.setVisible(bool(missing))
        self._update_ok()

    def _update_ok(self, *_args: object) -> None:
        """OK needs a preview, and a confirmation when doses cannot be computed."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(
            self.preview_plan is not None
            and (self.confirm_missing.isHidden() or self.confirm_missing.isChecked())
        )

    def accept(self) -> None:
        """Close only when OK would: Enter never bypasses a refusal or the confirmation."""
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            super().accept()

    def _fill(self, plan: Plan) -> None:
        rows = plan.sorted_occurrences()
        self.table.setRowCount(len(rows))
        steps = {s.id: s for s in plan.steps}
        facts = facts_of(self._patient, self.request().transplant, self._today)
        for r, occ in enumerate(rows):
            line = plan_dose_line(steps[occ.step_id], plan, facts, occ.date)
            cells = (
                occ.label,
                format_date(occ.date, "%a %d %b %Y"),
                occ.phase.value,
                self.tr("{step} (cancelled: not indicated)").format(step=tr(occ.title))
                if occ.status.value == "cancelled"
                else tr(occ.title),
                line.text if line else "",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 4 and line is not None:
                    item.setToolTip(line.explanation)
                step = steps[occ.step_id]
                if c == 3 and (step.notes or step.status_reason):
                    item.setToolTip("\n\n".join(t for t in (step.status_reason, step.notes) if t))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def restore(self, typed: PlanRequest, error: str) -> None:
        """Show what was chosen before a failed save, and why it was not saved."""
        t = typed.transplant
        # The type refills the other boxes.
        self.type_box.setCurrentIndex(self.type_box.findData(t.transplant_type.value))
        self.source_box.setCurrentIndex(self.source_box.findData(t.graft_source.value))
        if t.donor is not None:
            self.donor_box.setCurrentIndex(self.donor_box.findData(t.donor.donor_type.value))
        self.day0.set_date(t.day0)
        ids = {p.id for p in typed.protocols}
        for box in self.slot_boxes.values():
            index = next((i for i in range(box.count()) if box.itemData(i) in ids), 0)
            box.setCurrentIndex(index)
        if typed.anchors:
            self.mob_set.setChecked(True)
            self.mob_date.set_date(next(iter(typed.anchors.values())))
        self.save_error.setText(error)
        self.save_error.setVisible(bool(error))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        patient: Patient,
        protocols: Mapping[str, Protocol],
        today: dt.date,
        *,
        typed: PlanRequest | None = None,
        error: str = "",
    ) -> PlanRequest | None:
        """Show the wizard; the request, or None if cancelled. ``typed`` and ``error``:
        the request whose save failed and why (``ui.dialogs.saving``)."""
        dialog = cls(parent, patient, protocols, today)
        if typed is not None:
            dialog.restore(typed, error)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.request()
        return None
