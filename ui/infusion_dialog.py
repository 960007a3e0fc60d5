"""The infusion record of one transplant: products infused and infusion reactions.

Opened from the Harvest tab. A view of the transplant session's "infusion" record: every
entry is a use case of ``planner.app.infusion`` run through the session (saved at once,
audited, undoable from the patient tab). The DIN check, the doses per kg and the lines
shown come from ``planner.records.infusion_log``; this dialog only shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.changes import Change
from planner.app.infusion import add_product, add_reaction, remove_product, remove_reaction
from planner.domain.i18n import tr
from planner.domain.isbt128 import parse_din
from planner.domain.numbers import format_number
from planner.errors import ValidationError
from planner.records.infusion_log import (
    SOURCE_LABELS,
    InfusedProduct,
    InfusionLog,
    ProductSource,
    Reaction,
    new_entry_id,
    reaction_line,
    total_lines,
)
from planner.records.ports import INFUSION
from ui.dialogs.date_changes import ok_cancel
from ui.dialogs.saving import SaveErrorLine, ask_save_and_report
from ui.dialogs.step_dialogs import StepDialogs
from ui.transplant_session import TransplantSession
from ui.widgets.date_field import DateField, DateLimit

if TYPE_CHECKING:
    from ui.session import UseCase

T = TypeVar("T")
# The product totals are typed in the powers of ten laboratories report them in.
TNC_POWER, CD34_POWER, CD3_POWER = 8, 6, 7


def _spin(maximum: float, decimals: int, suffix: str, value: float = 0.0) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0, maximum)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin


class ProductDialog(QDialog):
    """Record one product infused. Use ``ProductDialog.ask``.

    The product is built (DIN check character verified, values checked) when OK is
    pressed; a refusal shows above the buttons and the dialog stays open.
    """

    def __init__(
        self,
        parent: QWidget | None,
        today: dt.date,
        weight_kg: float | None,
        *,
        day0: dt.date | None = None,
        typed: InfusedProduct | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Infused product"))
        # The infusion is on Day 0: start there once it has come (today before it).
        default_date = day0 if day0 is not None and day0 <= today else today
        self._id = typed.id if typed is not None else new_entry_id("p")
        self.result_product: InfusedProduct | None = None
        self.din = QLineEdit(parse_din(typed.din).text if typed is not None else "")
        self.din.setPlaceholderText(self.tr("e.g. A9999 09 123456 00 9"))
        self.din.setAccessibleName(self.tr("Donation identification number with check character"))
        self.code = QLineEdit(typed.product_code if typed is not None else "")
        self.code.setPlaceholderText(self.tr("e.g. S1398"))
        self.code.setAccessibleName(self.tr("ISBT 128 product code"))
        self.source = QComboBox()
        for source in ProductSource:
            self.source.addItem(tr(SOURCE_LABELS[source]), source.value)
        if typed is not None:
            self.source.setCurrentIndex(self.source.findData(typed.source.value))
        self.state = QComboBox()
        self.state.addItem(self.tr("Cryopreserved (thawed)"), True)
        self.state.addItem(self.tr("Fresh"), False)
        if typed is not None and not typed.cryopreserved:
            self.state.setCurrentIndex(1)
        self.volume = _spin(5000, 1, " mL", typed.volume_ml if typed is not None else 0)
        self.date_edit = DateField(
            typed.date if typed is not None else default_date,
            accessible_name=self.tr("Infusion date"),
            maximum=DateLimit(today, self.tr("after today: an infusion is recorded once given")),
        )
        self.time = QLineEdit(typed.time if typed is not None else "")
        self.time.setPlaceholderText(self.tr("HH:MM"))
        self.time.setAccessibleName(self.tr("Infusion start time"))
        weight = typed.weight_kg if typed is not None else (weight_kg or 0)
        self.weight = _spin(350, 1, " kg", weight)
        self.weight.setAccessibleName(self.tr("Recipient weight"))

        def cells(value: float | None, power: int) -> float:
            return 0.0 if value is None else value / 10**power

        self.tnc = _spin(
            10_000, 2, f" x10^{TNC_POWER}", cells(None if typed is None else typed.tnc, TNC_POWER)
        )
        self.cd34 = _spin(
            100_000,
            2,
            f" x10^{CD34_POWER}",
            cells(None if typed is None else typed.cd34, CD34_POWER),
        )
        self.cd3 = _spin(
            100_000, 2, f" x10^{CD3_POWER}", cells(None if typed is None else typed.cd3, CD3_POWER)
        )
        for spin, name in (
            (self.tnc, self.tr("Total nucleated cells in the product")),
            (self.cd34, self.tr("CD34+ cells in the product")),
            (self.cd3, self.tr("CD3+ cells in the product")),
        ):
            spin.setSpecialValueText(self.tr("not reported"))
            spin.setAccessibleName(name)
        self.hla = QLineEdit(typed.hla_match if typed is not None else "")
        self.hla.setPlaceholderText(self.tr("cord units: e.g. 5/6"))
        self.hla.setAccessibleName(self.tr("HLA match of the cord unit"))
        self.note = QLineEdit(typed.note if typed is not None else "")
        self.error = SaveErrorLine(error)
        form = QFormLayout(self)
        form.addRow(self.tr("&DIN:"), self.din)
        form.addRow(self.tr("Product &code:"), self.code)
        form.addRow(self.tr("&Source:"), self.source)
        form.addRow(self.tr("S&tate:"), self.state)
        form.addRow(self.tr("&Volume infused:"), self.volume)
        form.addRow(self.tr("D&ate:"), self.date_edit)
        form.addRow(self.tr("Start ti&me:"), self.time)
        form.addRow(self.tr("Recipient &weight:"), self.weight)
        form.addRow(self.tr("T&NC in product:"), self.tnc)
        form.addRow(self.tr("CD&34+ in product:"), self.cd34)
        form.addRow(self.tr("CD3+ in &product:"), self.cd3)
        form.addRow(self.tr("&HLA match:"), self.hla)
        form.addRow(self.tr("N&ote:"), self.note)
        form.addRow(self.error)
        form.addRow(ok_cancel(self))
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self._on_source_changed()

    def _on_source_changed(self) -> None:
        cord = self.source.currentData() == ProductSource.CORD.value
        self.hla.setEnabled(cord)
        self.cd3.setEnabled(not cord)

    def _product(self) -> InfusedProduct:
        """The product typed (raises ValidationError with the sentence to show)."""
        date = self.date_edit.date()
        if date is None:
            raise ValidationError("date", self.date_edit.error_text())
        cord = self.source.currentData() == ProductSource.CORD.value

        def cells(spin: QDoubleSpinBox, power: int) -> float | None:
            return None if spin.value() == 0 or not spin.isEnabled() else spin.value() * 10**power

        if self.weight.value() == 0:
            raise ValidationError("weight_kg", self.tr("Enter the recipient weight."))
        return InfusedProduct(
            id=self._id,
            din=self.din.text(),
            product_code=self.code.text(),
            source=ProductSource(self.source.currentData()),
            cryopreserved=bool(self.state.currentData()),
            volume_ml=self.volume.value(),
            date=date,
            time=self.time.text().strip(),
            weight_kg=self.weight.value(),
            tnc=cells(self.tnc, TNC_POWER),
            cd34=cells(self.cd34, CD34_POWER),
            cd3=cells(self.cd3, CD3_POWER),
            hla_match=self.hla.text() if cord else "",
            note=self.note.text().strip(),
        )

    def accept(self) -> None:
        """Close only with a product that passes its checks; else say why and stay."""
        try:
            self.result_product = self._product()
        except ValidationError as exc:
            self.error.say(str(exc))
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        today: dt.date,
        weight_kg: float | None,
        *,
        day0: dt.date | None = None,
        typed: InfusedProduct | None = None,
        error: str = "",
    ) -> InfusedProduct | None:
        """The product typed, or None when cancelled."""
        dialog = cls(parent, today, weight_kg, day0=day0, typed=typed, error=error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_product


class ReactionDialog(QDialog):
    """Record one infusion reaction with its grade. Use ``ReactionDialog.ask``."""

    def __init__(
        self,
        parent: QWidget | None,
        today: dt.date,
        log: InfusionLog,
        *,
        typed: Reaction | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Infusion reaction"))
        self._id = typed.id if typed is not None else new_entry_id("r")
        self.result_reaction: Reaction | None = None
        self.date_edit = DateField(
            typed.date if typed is not None else today,
            accessible_name=self.tr("Date of the reaction"),
            maximum=DateLimit(today, self.tr("after today: a reaction is recorded once seen")),
        )
        self.time = QLineEdit(typed.time if typed is not None else "")
        self.time.setPlaceholderText(self.tr("HH:MM"))
        self.time.setAccessibleName(self.tr("Time the reaction began"))
        self.description = QLineEdit(typed.description if typed is not None else "")
        self.description.setPlaceholderText(self.tr("e.g. fever and rigors"))
        self.description.setAccessibleName(self.tr("What was seen"))
        self.grade = QSpinBox()
        self.grade.setRange(1, 5)
        self.grade.setValue(typed.grade if typed is not None else 1)
        self.grade.setAccessibleName(self.tr("Grade (CTCAE v5.0 infusion related reaction)"))
        self.product = QComboBox()
        self.product.addItem(self.tr("not known"), "")
        for p in log.products:
            self.product.addItem(parse_din(p.din).text, p.id)
        if typed is not None:
            self.product.setCurrentIndex(max(0, self.product.findData(typed.product_id)))
        self.note = QLineEdit(typed.note if typed is not None else "")
        self.note.setPlaceholderText(self.tr("what was done"))
        self.error = SaveErrorLine(error)
        form = QFormLayout(self)
        form.addRow(self.tr("&Date:"), self.date_edit)
        form.addRow(self.tr("&Time:"), self.time)
        form.addRow(self.tr("&What was seen:"), self.description)
        form.addRow(self.tr("&Grade (CTCAE):"), self.grade)
        form.addRow(self.tr("&Product:"), self.product)
        form.addRow(self.tr("&Note:"), self.note)
        form.addRow(self.error)
        form.addRow(ok_cancel(self))

    def accept(self) -> None:
        """Close only with a reaction that passes its checks; else say why and stay."""
        date = self.date_edit.date()
        try:
            if date is None:
                raise ValidationError("date", self.date_edit.error_text())
            self.result_reaction = Reaction(
                self._id,
                date,
                self.time.text().strip(),
                self.description.text().strip(),
                self.grade.value(),
                str(self.product.currentData() or ""),
                self.note.text().strip(),
            )
        except ValidationError as exc:
            self.error.say(str(exc))
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        today: dt.date,
        log: InfusionLog,
        *,
        typed: Reaction | None = None,
        error: str = "",
    ) -> Reaction | None:
        """The reaction typed, or None when cancelled."""
        dialog = cls(parent, today, log, typed=typed, error=error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_reaction


class InfusionDialog(QDialog):
    """The products infused with their doses per kg, and the reactions; each entry saved
    at once through the session."""

    def __init__(self, parent: QWidget | None, session: TransplantSession) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Infusion"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("DIN"),
                self.tr("Product code"),
                self.tr("Source"),
                self.tr("State"),
                self.tr("Volume"),
                self.tr("Started"),
                self.tr("TNC/kg"),
                self.tr("CD34+/kg"),
                self.tr("CD3+/kg or HLA"),
            ]
        )
        self.table.setAccessibleName(self.tr("Products infused"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.totals = QLabel()
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        self.totals.setWordWrap(True)
        self.reactions = QListWidget()
        self.reactions.setAccessibleName(self.tr("Infusion reactions"))
        self.add_product_button = QPushButton(self.tr("&Add product..."))
        self.add_product_button.clicked.connect(self.add_product)
        self.remove_product_button = QPushButton(self.tr("&Remove product..."))
        self.remove_product_button.clicked.connect(self.remove_product)
        self.add_reaction_button = QPushButton(self.tr("Add r&eaction..."))
        self.add_reaction_button.clicked.connect(self.add_reaction)
        self.remove_reaction_button = QPushButton(self.tr("Remo&ve reaction..."))
        self.remove_reaction_button.clicked.connect(self.remove_reaction)
        row = QHBoxLayout()
        for b in (
            self.add_product_button,
            self.remove_product_button,
            self.add_reaction_button,
            self.remove_reaction_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.totals)
        layout.addWidget(QLabel(self.tr("Infusion reactions:")))
        layout.addWidget(self.reactions, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(900, 500)
        session.sig_changed.connect(self._on_changed)
        self._show()

    @property
    def log(self) -> InfusionLog:
        """The stored infusion record (the session's; this dialog keeps no copy)."""
        return InfusionLog.from_body(self.session.record.record(INFUSION).body)

    def _on_changed(self, change: Change) -> None:
        if change.touches(INFUSION):
            self._show()

    def _show(self) -> None:
        try:
            log = self.log
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        self.table.setRowCount(len(log.products))
        for row, p in enumerate(log.products):
            tnc, cd34, cd3 = p.doses()
            last = p.hla_match if p.is_cord else (cd3.text if cd3 is not None else "")
            cells = [
                parse_din(p.din).text,
                p.product_code,
                tr(SOURCE_LABELS[p.source]),
                self.tr("cryopreserved") if p.cryopreserved else self.tr("fresh"),
                f"{format_number(p.volume_ml, 1)} mL",
                f"{p.date.isoformat()} {p.time}",
                tnc.text if tnc is not None else "",
                cd34.text if cd34 is not None else "",
                last,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                dose = (None, None, None, None, None, None, tnc, cd34, cd3)[col]
                if dose is not None:
                    item.setToolTip(dose.formula)
                self.table.setItem(row, col, item)
        self.totals.setText("\n".join(total_lines(log)))
        self.reactions.clear()
        for r in log.reactions:
            self.reactions.addItem(reaction_line(r, log))
            self.reactions.item(self.reactions.count() - 1).setData(Qt.ItemDataRole.UserRole, r.id)

    def _ask_and_save(
        self,
        ask: Callable[..., T | None],
        edit: Callable[[T], UseCase[Change]],
        done: Callable[[T], str],
    ) -> None:
        """Ask, run the edit through the session; a refusal brings the dialog back."""

        def save(answer: T) -> str:
            self.session.run(edit(answer))
            return done(answer)

        ask_save_and_report(ask, save, self.status.setText)

    def add_product(self) -> None:
        """Ask for a product infused and save it."""
        tid, s = self.session.transplant.id, self.session
        self._ask_and_save(
            lambda **again: ProductDialog.ask(
                self, s.today, s.patient.weight_kg, day0=s.transplant.day0, **again
            ),
            lambda p: lambda repo, ctx: add_product(repo, ctx, tid, p),
            lambda p: self.tr("Product {din} saved.").format(din=parse_din(p.din).text),
        )

    def add_reaction(self) -> None:
        """Ask for an infusion reaction and save it."""
        tid, s, log = self.session.transplant.id, self.session, self.log
        self._ask_and_save(
            lambda **again: ReactionDialog.ask(self, s.today, log, **again),
            lambda r: lambda repo, ctx: add_reaction(repo, ctx, tid, r),
            lambda r: self.tr("Reaction of grade {grade} saved.").format(grade=r.grade),
        )

    def _selected(self, widget: QTableWidget | QListWidget) -> str | None:
        item = widget.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def remove_product(self) -> None:
        """Remove the selected product, entered by mistake, after asking why."""
        pid = self._selected(self.table)
        product = self.log.product(pid) if pid else None
        if product is None:
            self.status.setText(self.tr("Select the product to remove in the table first."))
            return
        tid, din = self.session.transplant.id, parse_din(product.din).text
        self._ask_and_save(
            lambda **again: StepDialogs.ask_reason(
                self,
                self.tr("Remove product"),
                self.tr("Why remove the product {din}? The audit trail keeps it.").format(din=din),
                **again,
            ),
            lambda reason: lambda repo, ctx: remove_product(repo, ctx, tid, product.id, reason),
            lambda _reason: self.tr("Removed the product {din}.").format(din=din),
        )

    def remove_reaction(self) -> None:
        """Remove the selected reaction, entered by mistake, after asking why."""
        rid = self._selected(self.reactions)
        if rid is None:
            self.status.setText(self.tr("Select the reaction to remove in the list first."))
            return
        tid = self.session.transplant.id
        self._ask_and_save(
            lambda **again: StepDialogs.ask_reason(
                self,
                self.tr("Remove reaction"),
                self.tr("Why remove this reaction? The audit trail keeps it."),
                **again,
            ),
            lambda reason: lambda repo, ctx: remove_reaction(repo, ctx, tid, rid, reason),
            lambda _reason: self.tr("Removed the reaction."),
        )
