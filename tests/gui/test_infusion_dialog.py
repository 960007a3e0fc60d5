"""The infusion dialog from the Harvest tab: a product typed into the dialog is saved
(audited, undoable), its doses shown; a wrong check character keeps the dialog open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from planner.app.infusion import load_infusion
from tests.gui.conftest import NOW
from ui.harvest_tab import HarvestTab
from ui.infusion_dialog import InfusionDialog, ProductDialog, ReactionDialog

TODAY = NOW.date()


def _fill(dialog: ProductDialog, din: str) -> None:
    dialog.din.setText(din)
    dialog.code.setText("s1398")
    dialog.volume.setValue(250)
    dialog.time.setText("10:30")
    dialog.weight.setValue(80)
    dialog.tnc.setValue(400)  # x10^8 cells
    dialog.cd34.setValue(400)  # x10^6 cells
    dialog.cd3.setValue(2400)  # x10^7 cells


@pytest.fixture
def dialog(qtbot, open_session, monkeypatch) -> Iterator[InfusionDialog]:
    """The infusion dialog as the Harvest tab's button opens it (exec not blocking)."""
    tab = HarvestTab(open_session("DEMO-0009"))  # held here: qtbot keeps widgets weakly
    qtbot.addWidget(tab)
    opened: list[InfusionDialog] = []

    def keep(self: InfusionDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(InfusionDialog, "exec", keep)
    tab.infusion_button.click()
    assert len(opened) == 1 and opened[0].parent() is tab
    yield opened[0]
    tab.close()


def test_a_product_typed_in_the_dialog_is_saved_and_shown(
    dialog: InfusionDialog, monkeypatch, demo_repo
) -> None:
    seen: list[str] = []

    def run(self: ProductDialog) -> int:
        _fill(self, "A9999 09 123456 8")  # a typing slip in the check character
        self.accept()
        seen.append(self.error.text())
        assert self.result() != QDialog.DialogCode.Accepted  # still open
        _fill(self, "A9999 09 123456 00 9")
        self.accept()
        return self.result()

    monkeypatch.setattr(ProductDialog, "exec", run)
    dialog.add_product_button.click()
    assert "should be 9" in seen[0]
    tid = dialog.session.transplant.id
    log, version = load_infusion(demo_repo, tid)
    assert version == 1 and [p.product_code for p in log.products] == ["S1398"]
    assert dialog.session.undo_stack.count() == 1
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text() == "A9999 09 123456 00 [9]"
    assert dialog.table.item(0, 7).text() == "5 x10^6 CD34+/kg"
    assert "/ 80 kg = 5 x10^6 CD34+/kg" in dialog.table.item(0, 7).toolTip()
    assert dialog.totals.text() == (
        "Total infused: 5 x10^8 TNC/kg, 5 x10^6 CD34+/kg, 30 x10^7 CD3+/kg"
    )
    assert "saved" in dialog.status.text()
    dialog.session.undo_stack.undo()
    assert load_infusion(demo_repo, tid)[0].products == ()
    assert dialog.table.rowCount() == 0


def test_a_cord_unit_asks_for_its_hla_match_and_a_reaction_is_listed(
    dialog: InfusionDialog, monkeypatch
) -> None:

    def run(self: ProductDialog) -> int:
        _fill(self, "G123 498 654 321 H")
        self.source.setCurrentIndex(self.source.findData("cord"))
        assert self.hla.isEnabled() and not self.cd3.isEnabled()
        self.tnc.setValue(18)  # 1.8 x10^9 cells
        self.cd34.setValue(4.5)
        self.weight.setValue(60)
        self.accept()
        assert "HLA match" in self.error.text()
        self.hla.setText("5/6")
        self.accept()
        return self.result()

    monkeypatch.setattr(ProductDialog, "exec", run)
    dialog.add_product_button.click()
    assert dialog.table.item(0, 6).text() == "3 x10^7 TNC/kg"
    assert dialog.table.item(0, 8).text() == "5/6"

    def react(self: ReactionDialog) -> int:
        self.time.setText("11:15")
        self.description.setText("Hypertension")
        self.grade.setValue(2)
        self.product.setCurrentIndex(1)
        self.accept()
        return self.result()

    monkeypatch.setattr(ReactionDialog, "exec", react)
    dialog.add_reaction_button.click()
    assert dialog.reactions.count() == 1
    line = dialog.reactions.item(0).text()
    assert line.startswith(f"{TODAY.isoformat()} 11:15: Hypertension, grade 2 (DIN G1234 98")
    assert dialog.reactions.item(0).data(Qt.ItemDataRole.UserRole).startswith("r-")
