"""The harvest workspace of one transplant: blood CD34+ counts, collections, targets, alerts.

A view of the transplant session's harvest log: every entry is a use case of
``planner.app.harvest`` run through the session (saved at once, undoable). All numbers
and alerts come from ``planner.records.harvest_log``; this widget only shows them
(formulas in tooltips). The plerixafor calculator is the registry's, filled in from the
patient's record as it is when opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.app.changes import PLAN, TRANSPLANT, Change
from planner.app.harvest import (
    add_collection,
    edit_collection,
    record_pb_cd34,
    remove_collection,
    save_harvest_settings,
)
from planner.clinical.calculators.registry import input_sources, known_inputs
from planner.domain.days import mobilisation_day
from planner.domain.numbers import format_number
from planner.domain.patients import Transplant
from planner.errors import PlannerError, ValidationError
from planner.records.harvest_log import (
    UNIT,
    Collection,
    HarvestLog,
    Targets,
    day_table,
    forecast,
    new_collection_id,
    plerixafor_prompt,
    stop_alert,
)
from planner.records.ports import HARVEST
from ui.dialogs.saving import SaveErrorLine, ask_save_and_report
from ui.dialogs.step_dialogs import StepDialogs
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.transplant_session import TransplantSession
from ui.widgets.date_field import DateField, DateLimit
from ui.widgets.refresh import RefreshWhenShown

if TYPE_CHECKING:
    from ui.session import UseCase

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
_ROOT = QModelIndex()
STOP_STYLE = "background:#dff3e4;color:#0b5d1e;border:1px solid #0b5d1e;padding:6px;"
MIN_STYLE = "background:#eef4fb;color:#12406e;border:1px solid #12406e;padding:6px;"
WARN_STYLE = "background:#fff4d6;color:#6b4600;border:1px solid #b07800;padding:6px;"


def _num(value: float | None, decimals: int = 2) -> str:
    return "" if value is None else format_number(value, decimals)


# --------------------------------------------------------------------------- table model


@dataclass(frozen=True)
class _Row:
    label: str
    date: dt.date
    pb: str
    collection: Collection | None
    dose: str
    dose_formula: str
    total: str
    total_formula: str


COLUMNS = (
    QT_TRANSLATE_NOOP("HarvestTableModel", "M-Day"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Date"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Blood CD34+ /uL"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Blood vol. L"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Product mL"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Product CD34+"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Bags"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Dose {unit}"),
    QT_TRANSLATE_NOOP("HarvestTableModel", "Cumulative"),
)


class HarvestTableModel(QAbstractTableModel):
    """Rows of the harvest log by M-Day (a view of the log; it keeps no other data)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[_Row] = []

    def set_log(self, log: HarvestLog, first_dose: dt.date | None) -> None:
        """Show ``log`` (numbered from ``first_dose``)."""
        self.beginResetModel()
        self._rows = []
        for day in day_table(log, first_dose):
            pb = _num(day.pb_cd34.value, 1) if day.pb_cd34 else ""
            if not day.collections:
                self._rows.append(_Row(day.label, day.date, pb, None, "", "", "", ""))
            for i, (c, dose, total) in enumerate(day.collections):
                self._rows.append(
                    _Row(
                        day.label,
                        day.date,
                        pb if i == 0 else "",
                        c,
                        _num(dose.value),
                        dose.formula,
                        _num(total.value),
                        total.formula,
                    )
                )
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return QCoreApplication.translate("HarvestTableModel", COLUMNS[section]).format(
                unit=UNIT
            )
        return None

    def collection_at(self, row: int) -> Collection | None:
        """The collection shown on ``row``, if any."""
        return self._rows[row].collection if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        c = r.collection
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.label
            if col == 1:
                return format_date(r.date, "%a %d %b")
            if col == 2:
                return r.pb
            if c is None:
                return ""
            product = (
                QCoreApplication.translate("HarvestTableModel", "{value} /uL").format(
                    value=_num(c.cd34_per_ul)
                )
                if c.cd34_per_ul is not None
                else f"{_num(c.cd34_total_e6)} x10^6"
            )
            return {
                3: _num(c.blood_volume_l, 1),
                4: _num(c.product_volume_ml, 1),
                5: product,
                6: ", ".join(c.bags),
                7: r.dose,
                8: r.total,
            }.get(col, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 7:
                return r.dose_formula or None
            if col == 8:
                return r.total_formula or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# --------------------------------------------------------------------------- dialogs


class CountDialog(QDialog):
    """Enter a day's blood CD34+ count. Use ``CountDialog.ask``.

    ``typed`` and ``error``: the count typed before and why it was not saved (asked again,
    ``ui.dialogs.saving``).
    """

    def __init__(
        self,
        parent: QWidget | None,
        today: dt.date,
        *,
        typed: tuple[dt.date, float] | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Blood CD34+ count"))
        self.date_edit = DateField(
            typed[0] if typed is not None else today,
            accessible_name=self.tr("Date of the count"),
            maximum=DateLimit(today, self.tr("after today: a count is recorded once measured")),
        )
        self.value = QDoubleSpinBox()
        self.value.setRange(0, 10_000)
        self.value.setDecimals(1)
        self.value.setSuffix(self.tr(" /uL"))
        self.value.setAccessibleName(self.tr("Blood CD34+ cells per microlitre"))
        if typed is not None:
            self.value.setValue(typed[1])
        form = QFormLayout(self)
        form.addRow(self.tr("&Date:"), self.date_edit)
        form.addRow(self.tr("Blood &CD34+:"), self.value)
        form.addRow(SaveErrorLine(error))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        """Close only with an acceptable date; else the refusal shows under it."""
        if not self.date_edit.is_valid():
            self.date_edit.show_error()
            self.date_edit.setFocus()
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        today: dt.date,
        *,
        typed: tuple[dt.date, float] | None = None,
        error: str = "",
    ) -> tuple[dt.date, float] | None:
        """(date, cells/uL), or None when cancelled."""
        dialog = cls(parent, today, typed=typed, error=error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        date = dialog.date_edit.date()
        assert date is not None  # accepted only with a valid date
        return date, dialog.value.value()


@dataclass(frozen=True)
class NewCollection:
    """What the dialog of a new collection starts from: nothing invented.

    Attributes:
        id: the new collection's id; date: the proposed collection date.
        weight_kg: the patient's recorded weight (None: the field shows "not entered").
    """

    id: str
    date: dt.date
    weight_kg: float | None = None


NOT_ENTERED = QT_TRANSLATE_NOOP("CollectionDialog", "not entered")
# The required fields of a collection, as named in "Enter ..." (keys: ``_missing``).
_REQUIRED_TEXTS = {
    "product volume": QT_TRANSLATE_NOOP("CollectionDialog", "the product volume"),
    "product CD34+ concentration": QT_TRANSLATE_NOOP(
        "CollectionDialog", "the product CD34+ concentration"
    ),
    "product CD34+ total": QT_TRANSLATE_NOOP("CollectionDialog", "the product CD34+ total"),
    "recipient weight": QT_TRANSLATE_NOOP("CollectionDialog", "the recipient weight"),
}


class CollectionDialog(QDialog):
    """Add or edit one apheresis collection. Use ``CollectionDialog.ask``.

    A new collection starts with the product volume "not entered" and the recipient weight
    from the patient's record (else "not entered"); OK is refused until both are typed.
    """

    def __init__(
        self,
        parent: QWidget | None,
        collection: Collection | NewCollection,
        today: dt.date | None = None,
    ) -> None:
        """``today``: the latest collection date accepted (refused under the date)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Apheresis collection"))
        self._id = collection.id
        self._start_date = collection.date
        self._tried = False  # OK was pressed: keep the missing-field messages shown
        existing = collection if isinstance(collection, Collection) else None
        # A collection dated after today is refused here, under the date, with the
        # dialog open: the use case refuses it too, but only after the input is gone.
        self.date_edit = DateField(
            collection.date,
            accessible_name=self.tr("Collection date"),
            maximum=None
            if today is None
            else DateLimit(today, self.tr("after today: a collection is recorded once collected")),
        )
        self.blood = self._spin(0, 60, 1, " L", existing.blood_volume_l or 0 if existing else 0)
        self.product = self._spin(0, 5000, 1, " mL", existing.product_volume_ml if existing else 0)
        not_entered = self.tr(NOT_ENTERED)
        self.product.setSpecialValueText(not_entered)
        self.product.setAccessibleName(self.tr("Product volume"))
        self.by_conc = QRadioButton(self.tr("Concentration (cells/uL)"))
        self.by_total = QRadioButton(self.tr("Total (x10^6 cells)"))
        self.conc = self._spin(0, 100_000, 1, " /uL", existing.cd34_per_ul or 0 if existing else 0)
        self.total = self._spin(
            0, 1_000_000, 1, " x10^6", existing.cd34_total_e6 or 0 if existing else 0
        )
        (
            self.by_total
            if existing is not None and existing.cd34_total_e6 is not None
            else self.by_conc
        ).setChecked(True)
        # A product CD34+ value of 0 would save a collection worth nothing: it reads as
        # "not entered" and OK waits for a real value.
        for spin in (self.conc, self.total):
            spin.setSpecialValueText(not_entered)
        # Range minimum 0 is the "not entered" value (a real weight is at least 1 kg).
        self.weight = self._spin(0, 350, 1, " kg", collection.weight_kg or 0)
        self.weight.setSpecialValueText(not_entered)
        self.weight.setAccessibleName(self.tr("Recipient weight"))
        self.product_error = self._field_error()
        self.weight_error = self._field_error()
        self.bags = QLineEdit(", ".join(existing.bags) if existing else "")
        self.bags.setPlaceholderText(self.tr("e.g. B-0312-1, B-0312-2"))
        self.plerixafor = QCheckBox(self.tr("Plerixafor given before this collection"))
        self.plerixafor.setChecked(existing.plerixafor_given if existing else False)
        self.note = QLineEdit(existing.note if existing else "")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel()
        self.error.setStyleSheet("color:#a00000;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Date:"), self.date_edit)
        form.addRow(self.tr("&Blood volume processed:"), self.blood)
        form.addRow(self.tr("&Product volume:"), self._with_error(self.product, self.product_error))
        form.addRow(self.by_conc, self.conc)
        form.addRow(self.by_total, self.total)
        form.addRow(self.tr("Recipient &weight:"), self._with_error(self.weight, self.weight_error))
        form.addRow(self.tr("Ba&g ids:"), self.bags)
        form.addRow("", self.plerixafor)
        form.addRow(self.tr("&Note:"), self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for w in (self.blood, self.product, self.conc, self.total, self.weight):
            w.valueChanged.connect(self._on_value_changed)
        self.by_conc.toggled.connect(self._on_value_changed)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self._on_value_changed()

    @staticmethod
    def _field_error() -> QLabel:
        label = QLabel()
        label.setStyleSheet("color:#a00000;")
        return label

    @staticmethod
    def _with_error(field: QWidget, error: QLabel) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field)
        row.addWidget(error, 1)
        return box

    def _missing(self) -> list[str]:
        """Names of the required fields still "not entered"."""
        cd34 = (
            ("product CD34+ concentration", self.conc)
            if self.by_conc.isChecked()
            else ("product CD34+ total", self.total)
        )
        return [
            name
            for name, spin in (
                ("product volume", self.product),
                cd34,
                ("recipient weight", self.weight),
            )
            if spin.value() == spin.minimum()
        ]

    @staticmethod
    def _spin(low: float, high: float, decimals: int, suffix: str, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(low, high)
        spin.setDecimals(decimals)
        spin.setSuffix(suffix)
        spin.setValue(value)
        return spin

    def collection(self) -> Collection:
        """The collection as entered.

        Raises:
            ValidationError: a value is missing or implausible.
        """
        date = self.date_edit.date()
        if date is None:
            raise ValidationError("date", self.date_edit.error_text())
        return self._entered(date)

    def _entered(self, date: dt.date) -> Collection:
        by_conc = self.by_conc.isChecked()
        return Collection(
            id=self._id,
            date=date,
            product_volume_ml=self.product.value(),
            weight_kg=self.weight.value(),
            cd34_per_ul=self.conc.value() if by_conc else None,
            cd34_total_e6=None if by_conc else self.total.value(),
            blood_volume_l=self.blood.value() or None,
            bags=tuple(b.strip() for b in self.bags.text().split(",")),
            plerixafor_given=self.plerixafor.isChecked(),
            note=self.note.text().strip(),
        )

    def _show_missing(self, shown: bool) -> list[str]:
        """Mark each required field not entered (next to it, when ``shown``); return them."""
        missing = self._missing()
        for name, label in (
            ("product volume", self.product_error),
            ("recipient weight", self.weight_error),
        ):
            label.setText(
                self.tr("Enter {field}.").format(field=self.tr(_REQUIRED_TEXTS[name]))
                if shown and name in missing
                else ""
            )
        return missing

    def _on_value_changed(self, *_args: object) -> None:
        self.conc.setEnabled(self.by_conc.isChecked())
        self.total.setEnabled(not self.by_conc.isChecked())
        missing = self._show_missing(shown=self._tried)
        if missing:
            fields = self.tr(" and ").join(self.tr(_REQUIRED_TEXTS[name]) for name in missing)
            self.preview.setText(
                self.tr("Enter {fields} to compute the dose.").format(fields=fields)
            )
            self.error.setText("")
            return
        try:
            # The dose does not depend on the date: a refused date (shown under it)
            # does not hide the dose of what else was typed.
            date = self.date_edit.date() or self._start_date
            self.preview.setText(
                self.tr("Dose: {formula}").format(formula=self._entered(date).dose().formula)
            )
            self.error.setText("")
        except ValidationError as err:
            self.preview.setText("")
            self.error.setText(str(err))

    def _on_buttons_accepted(self) -> None:
        self._tried = True
        date_ok = self.date_edit.is_valid()
        if not date_ok:
            self.date_edit.show_error()  # under the date; the dialog keeps the input
        if self._show_missing(shown=True) or not date_ok:
            return  # nothing is assumed: the user must type the missing values
        try:
            self.collection().dose()
        except ValidationError as err:
            self.error.setText(str(err))
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        collection: Collection | NewCollection,
        today: dt.date | None = None,
        *,
        typed: Collection | None = None,
        error: str = "",
    ) -> Collection | None:
        """The edited collection, or None when cancelled; none dated after ``today``.

        ``typed`` and ``error``: the collection typed before and why it was not saved
        (asked again, ``ui.dialogs.saving``); the dialog starts from what was typed.
        """
        dialog = cls(parent, typed if typed is not None else collection, today)
        dialog.error.setText(error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.collection()


class TargetsDialog(QDialog):
    """Edit the collection targets and the plerixafor threshold. Use ``TargetsDialog.ask``."""

    def __init__(self, parent: QWidget | None, log: HarvestLog) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Collection targets"))
        self._log = log
        self.minimum = CollectionDialog._spin(0.1, 100, 1, "", log.targets.minimum)
        self.optimal = CollectionDialog._spin(0.1, 100, 1, "", log.targets.optimal)
        self.threshold = CollectionDialog._spin(
            0, 1000, 1, self.tr(" /uL"), log.plerixafor_threshold
        )
        self.first_day = CollectionDialog._spin(0, 100, 1, "", log.first_day_yield_trigger)
        self.error = QLabel()
        self.error.setStyleSheet("color:#a00000;")
        form = QFormLayout(self)
        form.addRow(self.tr("Minimum per transplant ({unit}):").format(unit=UNIT), self.minimum)
        form.addRow(self.tr("Optimal per transplant ({unit}):").format(unit=UNIT), self.optimal)
        form.addRow(self.tr("Plerixafor prompt below blood CD34+:"), self.threshold)
        form.addRow(
            self.tr("... or first collection below ({unit}):").format(unit=UNIT), self.first_day
        )
        form.addRow(
            QLabel(
                self.tr(
                    "Targets are doubled automatically for a tandem transplant "
                    "(practice). Defaults: minimum 2, optimal 5 autologous / 4 allogeneic "
                    "x10^6 CD34+/kg; plerixafor prompt below 10/uL (centre setting). Sources: "
                    "docs/clinical-sources.md, Harvest."
                )
            )
        )
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.result_log: HarvestLog | None = None

    def _on_buttons_accepted(self) -> None:
        try:
            targets = Targets(self.minimum.value(), self.optimal.value(), self._log.targets.maximum)
            self.result_log = HarvestLog(
                targets,
                self.threshold.value(),
                self.first_day.value(),
                self._log.pb_cd34,
                self._log.collections,
            )
        except ValidationError as err:
            self.error.setText(str(err))
            return
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        log: HarvestLog,
        *,
        typed: HarvestLog | None = None,
        error: str = "",
    ) -> HarvestLog | None:
        """The log with new targets, or None when cancelled (``typed`` and ``error``: the
        targets typed before and why they were not saved, ``ui.dialogs.saving``)."""
        dialog = cls(parent, typed if typed is not None else log)
        dialog.error.setText(error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_log


def _collection_saved(entry: Collection) -> str:
    return QCoreApplication.translate("HarvestTab", "Collection of {date} saved: {dose}.").format(
        date=format_date(entry.date, "%d %b"), dose=entry.dose().text
    )


# --------------------------------------------------------------------------- the tab


class HarvestTab(QWidget):
    """The harvest workspace of one transplant: a view of the session's harvest log.

    Signals:
        sig_status: a one-line message for the status bar.
    """

    sig_status = Signal(str)
    """Emitted with a one-line message."""

    def __init__(self, session: TransplantSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.stop_banner = QLabel()
        self.stop_banner.setObjectName("stopBanner")
        self.stop_banner.setWordWrap(True)
        self.stop_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.stop_banner.setAccessibleName(self.tr("Collection alert"))
        self.plerixafor_banner = QLabel()
        self.plerixafor_banner.setObjectName("plerixaforBanner")
        self.plerixafor_banner.setWordWrap(True)
        self.plerixafor_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.plerixafor_banner.setStyleSheet(WARN_STYLE)
        self.mday_label = QLabel()
        self.total_label = QLabel()
        self.total_label.setTextFormat(Qt.TextFormat.PlainText)
        self.total_label.setStyleSheet("font-size:14pt;font-weight:bold;")
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Cumulative yield against the optimal target"))
        self.targets_label = QLabel()
        self.targets_label.setWordWrap(True)
        self.forecast_label = QLabel()
        self.forecast_label.setWordWrap(True)
        self.model = HarvestTableModel()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Harvest log by M-Day"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        # Access keys clear of the menus (Alt+E Edit) and the patient tabs (Alt+T
        # Timeline, Alt+P Complications): ui/actions.py.
        self.count_button = QPushButton(self.tr("Blood &CD34+ count..."))
        self.count_button.clicked.connect(self.enter_count)
        self.add_button = QPushButton(self.tr("&Add collection..."))
        self.add_button.clicked.connect(self.add_collection)
        self.edit_button = QPushButton(self.tr("Ed&it collection..."))
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button = QPushButton(self.tr("&Remove collection..."))
        self.remove_button.setToolTip(
            self.tr(
                "Remove a collection entered by mistake (with a reason; the audit trail keeps it)"
            )
        )
        self.remove_button.clicked.connect(self.remove_selected)
        self.targets_button = QPushButton(self.tr("Tar&gets..."))
        self.targets_button.clicked.connect(self.edit_targets)
        self.calculator_button = QPushButton(self.tr("Plerixafor d&ose..."))
        self.calculator_button.setToolTip(
            self.tr(
                "Plerixafor dose from weight and creatinine clearance (Cockcroft-Gault), with "
                "the patient's recorded age, sex, weight and height filled in"
            )
        )
        self.calculator_button.clicked.connect(self.open_plerixafor_calculator)
        # No access key: every letter of "Infusion" already has an owner on this page.
        self.infusion_button = QPushButton(self.tr("Infusion..."))
        self.infusion_button.setToolTip(
            self.tr("Products infused (ISBT 128 DIN), doses per kg and infusion reactions")
        )
        self.infusion_button.clicked.connect(self.open_infusion)
        buttons = QHBoxLayout()
        for b in (
            self.count_button,
            self.add_button,
            self.edit_button,
            self.remove_button,
            self.targets_button,
            self.calculator_button,
            self.infusion_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        summary = QVBoxLayout()
        summary.addWidget(self.mday_label)
        summary.addWidget(self.total_label)
        summary.addWidget(self.progress)
        summary.addWidget(self.targets_label)
        summary.addWidget(self.forecast_label)
        summary.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stop_banner)
        layout.addWidget(self.plerixafor_banner)
        layout.addLayout(summary)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._refresher = RefreshWhenShown(self, self._show)
        session.sig_changed.connect(self._on_session_changed)
        self._show()

    @property
    def log(self) -> HarvestLog:
        """The stored harvest log (the session's; this tab keeps no copy)."""
        return self.session.record.harvest_log

    @property
    def transplant(self) -> Transplant:
        """The transplant as stored now."""
        return self.session.transplant

    @property
    def first_dose(self) -> dt.date | None:
        """M-Day 1 (None without a mobilisation anchor)."""
        return self.session.plan.mobilisation_start()

    def _on_session_changed(self, change: Change) -> None:
        if change.touches(HARVEST, PLAN, TRANSPLANT):
            self._refresher.request()

    def _show(self) -> None:
        try:
            log = self.log
        except PlannerError as err:
            self.sig_status.emit(str(err))
            return
        tandem = self.transplant.tandem
        today = self.session.today
        first = self.first_dose
        self.model.set_log(log, first)
        self.mday_label.setText(
            self.tr("Today {date}, M-Day {n}").format(
                date=format_date(today, "%a %d %b %Y"), n=mobilisation_day(today, first)
            )
            if first
            else self.tr("Today {date}, no mobilisation anchor in the plan").format(
                date=format_date(today, "%a %d %b %Y")
            )
        )
        total = log.total()
        minimum, optimal, maximum = log.effective_targets(tandem)
        self.total_label.setText(self.tr("Cumulative: {total}").format(total=total.text))
        self.total_label.setToolTip(total.formula)
        self.progress.setRange(0, max(1, round(optimal.value * 100)))
        self.progress.setValue(min(round(total.value * 100), self.progress.maximum()))
        self.progress.setFormat(
            self.tr("{total} of {optimal} (optimal)").format(
                total=_num(total.value), optimal=_num(optimal.value)
            )
        )
        targets = (
            self.tr("Minimum {minimum}; optimal {optimal}; maximum {maximum}")
            if maximum
            else self.tr("Minimum {minimum}; optimal {optimal}")
        ).format(
            minimum=minimum.text, optimal=optimal.text, maximum=maximum.text if maximum else ""
        )
        self.targets_label.setText(
            self.tr("{targets} (tandem: doubled)").format(targets=targets) if tandem else targets
        )
        self.targets_label.setToolTip(optimal.formula)
        fc = forecast(log, tandem)
        if fc.collections_needed is None:
            self.forecast_label.setText(self.tr("Forecast: {formula}.").format(formula=fc.formula))
        else:
            self.forecast_label.setText(
                self.tr("Forecast: 1 more collection to the optimal target.")
                if fc.collections_needed == 1
                else self.tr("Forecast: {n} more collections to the optimal target.").format(
                    n=fc.collections_needed
                )
            )
        self.forecast_label.setToolTip(fc.formula)
        alert = stop_alert(log, tandem)
        self.stop_banner.setVisible(alert is not None)
        if alert is not None:
            self.stop_banner.setText(alert.message)
            self.stop_banner.setToolTip(alert.rule)
            self.stop_banner.setStyleSheet(MIN_STYLE if alert.kind == "minimum" else STOP_STYLE)
        prompt = plerixafor_prompt(log, self._latest_day(log, today), tandem)
        self.plerixafor_banner.setVisible(prompt is not None)
        if prompt is not None:
            self.plerixafor_banner.setText(prompt.message)
            self.plerixafor_banner.setToolTip(prompt.rule)
        self.edit_button.setEnabled(bool(log.collections))
        self.remove_button.setEnabled(bool(log.collections))

    @staticmethod
    def _latest_day(log: HarvestLog, today: dt.date) -> dt.date:
        """The day whose count drives the prompt: today, else the latest entry."""
        dates = [p.date for p in log.pb_cd34] + [c.date for c in log.collections]
        return today if today in dates or not dates else max(dates)

    # --- entries ---------------------------------------------------------------------------

    def _ask_and_save(
        self,
        ask: Callable[..., T | None],
        edit: Callable[[T], UseCase[Change]],
        done: Callable[[T], str],
    ) -> None:
        """Ask, run the edit through the session (undoable) and report it in the status
        bar; an edit refused or not saved brings the dialog back with what was typed and
        why (``ui.dialogs.saving``). A conflict reloads the log and is reported."""

        def save(answer: T) -> str:
            self.session.run(edit(answer))
            return done(answer)

        ask_save_and_report(ask, save, self.sig_status.emit)

    def enter_count(self) -> None:
        """Ask for a day's blood CD34+ count and save it."""
        tid = self.transplant.id

        def edit(entry: tuple[dt.date, float]) -> UseCase[Change]:
            day, value = entry
            return lambda repo, ctx: record_pb_cd34(repo, ctx, tid, day, value)

        self._ask_and_save(
            lambda **again: CountDialog.ask(self, self.session.today, **again),
            edit,
            lambda entry: self.tr("Blood CD34+ {value}/uL saved.").format(value=_num(entry[1], 1)),
        )

    def _new_collection(self) -> NewCollection:
        """A new collection: today, a unique id, the patient's weight as recorded now."""
        return NewCollection(
            new_collection_id(), self.session.today, self.session.patient.weight_kg
        )

    def add_collection(self) -> None:
        """Ask for a new collection and save it."""
        start, tid = self._new_collection(), self.transplant.id
        self._ask_and_save(
            lambda **again: CollectionDialog.ask(self, start, self.session.today, **again),
            lambda entry: lambda repo, ctx: add_collection(repo, ctx, tid, entry),
            _collection_saved,
        )

    def edit_selected(self) -> None:
        """Edit the selected collection (or the last one)."""
        rows = self.table.selectionModel().selectedRows()
        collection = self.model.collection_at(rows[0].row()) if rows else None
        if collection is None and self.log.collections:
            collection = self.log.collections[-1]
        if collection is not None:
            self._edit(collection)

    def remove_selected(self) -> None:
        """Remove the selected collection, entered by mistake, after asking why."""
        rows = self.table.selectionModel().selectedRows()
        collection = self.model.collection_at(rows[0].row()) if rows else None
        if collection is None:
            self.sig_status.emit(self.tr("Select the collection to remove in the table first."))
            return
        what = self.tr("the collection of {date} ({dose})").format(
            date=format_date(collection.date, "%a %d %b %Y"), dose=collection.dose().text
        )
        tid, cid = self.transplant.id, collection.id
        self._ask_and_save(
            lambda **again: StepDialogs.ask_reason(
                self,
                self.tr("Remove collection"),
                self.tr("Why remove {what}? The audit trail keeps what was entered.").format(
                    what=what
                ),
                **again,
            ),
            lambda reason: lambda repo, ctx: remove_collection(repo, ctx, tid, cid, reason),
            lambda _reason: self.tr("Removed {what}.").format(what=what),
        )

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        collection = self.model.collection_at(index.row())
        if collection is not None:
            self._edit(collection)

    def _edit(self, start: Collection) -> None:
        """Edit a stored collection; refused (ConflictError) if the log changed elsewhere."""
        version = self.session.record.record(HARVEST).version  # the version shown
        tid = self.transplant.id
        self._ask_and_save(
            lambda **again: CollectionDialog.ask(self, start, self.session.today, **again),
            lambda entry: lambda repo, ctx: edit_collection(repo, ctx, tid, entry, version),
            _collection_saved,
        )

    def edit_targets(self) -> None:
        """Edit targets and thresholds."""
        tid = self.transplant.id
        self._ask_and_save(
            lambda **again: TargetsDialog.ask(self, self.log, **again),
            lambda edited: lambda repo, ctx: save_harvest_settings(repo, ctx, tid, edited),
            lambda _edited: self.tr("Targets saved."),
        )

    def open_infusion(self) -> None:
        """The infusion record: products infused and reactions, each saved at once."""
        from ui.infusion_dialog import InfusionDialog

        InfusionDialog(self, self.session).exec()

    def open_plerixafor_calculator(self) -> None:
        """The plerixafor calculator, filled in from the patient's record as it is now."""
        from ui.dialogs.calculator_dialogs import make_calculator_dialog, run_dialog

        s = self.session
        dialog = make_calculator_dialog(
            self,
            "plerixafor",
            today=s.today,
            defaults=known_inputs(s.patient, s.transplant, s.plan, s.today, s.record.counts),
            sources=input_sources(s.patient, s.record.counts, s.today),
        )
        run_dialog(dialog)
