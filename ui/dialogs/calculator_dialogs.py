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

This module is the public entry: the list of calculators (``Calculator``,
``CALCULATORS``, ``calculator``), ``make_calculator_dialog``, ``DateNoteDialog`` and
``run_dialog``, and it re-exports the names of the modules the calculators are built from:
``ui.dialogs.calculator_field`` (``Field``, ``RowsEditor``), ``calculator_form``
(``CalculatorDialog``), ``calculator_result_text`` (``describe_result``),
``calculator_inputs`` (the ``*_FIELDS`` of each calculator) and ``calculator_compute``
(the compute functions, ``ES_CRITERIA`` and ``regimen_rows``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.clinical.compatibility import abo_assessment
from planner.clinical.eligibility import performance_status
from planner.clinical.grading import magic_assessment
from planner.clinical.toxicity import (
    crs_grade_astct,
    haemorrhagic_cystitis_grade,
    icans_grade_astct,
)
from planner.clinical.vod import vod_severity_ebmt2016
from ui.dialogs.calculator_compute import (
    ES_CRITERIA,
    _cmv,
    _es,
    _fn,
    _hct_ci,
    _intensity,
    _mucositis,
    _nih,
    _tma,
    _vaccine,
    regimen_rows,
)
from ui.dialogs.calculator_field import ASSESSMENT_DATE, NOT_ENTERED, Field, RowsEditor
from ui.dialogs.calculator_form import CalculatorDialog, ComputeFn, SaveFn
from ui.dialogs.calculator_inputs import (
    ABO_FIELDS,
    CMV_FIELDS,
    CRS_FIELDS,
    ES_FIELDS,
    FN_FIELDS,
    HC_FIELDS,
    HCT_CI_FIELDS,
    HCT_CI_LABELS,
    ICANS_FIELDS,
    INTENSITY_FIELDS,
    KPS_FIELDS,
    MAGIC_FIELDS,
    MUCOSITIS_FIELDS,
    NIH_FIELDS,
    TMA_FIELDS,
    VACCINE_FIELDS,
    VOD_FIELDS,
)
from ui.dialogs.calculator_result_text import describe_result
from ui.dialogs.patient_dialog import pydate, qdate

__all__ = [
    "ABO_FIELDS",
    "ASSESSMENT_DATE",
    "CALCULATORS",
    "CMV_FIELDS",
    "CRS_FIELDS",
    "ES_CRITERIA",
    "ES_FIELDS",
    "FN_FIELDS",
    "HCT_CI_FIELDS",
    "HCT_CI_LABELS",
    "HC_FIELDS",
    "ICANS_FIELDS",
    "INTENSITY_FIELDS",
    "KPS_FIELDS",
    "MAGIC_FIELDS",
    "MUCOSITIS_FIELDS",
    "NIH_FIELDS",
    "NOT_ENTERED",
    "TMA_FIELDS",
    "VACCINE_FIELDS",
    "VOD_FIELDS",
    "Calculator",
    "CalculatorDialog",
    "ComputeFn",
    "DateNoteDialog",
    "Field",
    "RowsEditor",
    "SaveFn",
    "calculator",
    "describe_result",
    "make_calculator_dialog",
    "regimen_rows",
    "run_dialog",
]


def run_dialog(dialog: QDialog) -> int:
    """Run a dialog modally (the seam GUI tests replace)."""
    return dialog.exec()


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
    Calculator(
        "magic",
        "Acute GVHD (&MAGIC)...",
        "Acute GVHD: MAGIC staging and grade",
        MAGIC_FIELDS,
        lambda v: magic_assessment(**v),
        allogeneic_only=True,
    ),
    Calculator(
        "nih",
        "Chronic GVHD (&NIH)...",
        "Chronic GVHD: NIH 2014 global severity",
        NIH_FIELDS,
        _nih,
        allogeneic_only=True,
    ),
    Calculator(
        "vod",
        "SOS/&VOD (EBMT)...",
        "SOS/VOD: EBMT 2016 adult severity",
        VOD_FIELDS,
        lambda v: vod_severity_ebmt2016(**v),
    ),
    Calculator(
        "crs",
        "&CRS (ASTCT)...",
        "Cytokine release syndrome: ASTCT grade",
        CRS_FIELDS,
        lambda v: crs_grade_astct(**v),
    ),
    Calculator(
        "icans",
        "&ICANS (ASTCT)...",
        "ICANS: ASTCT grade (adult, ICE)",
        ICANS_FIELDS,
        lambda v: icans_grade_astct(**v),
    ),
    Calculator(
        "fn",
        "&Febrile neutropenia (IDSA)...",
        "Febrile neutropenia: IDSA 2010",
        FN_FIELDS,
        _fn,
        with_date=True,
        menu=_COMPLICATIONS,
    ),
    Calculator(
        "es",
        "&Engraftment syndrome...",
        "Engraftment syndrome: Spitzer and Maiolino",
        ES_FIELDS,
        _es,
        menu=_COMPLICATIONS,
    ),
    Calculator(
        "tma",
        "&TA-TMA (harmonised)...",
        "TA-TMA: harmonised criteria (2023)",
        TMA_FIELDS,
        _tma,
        menu=_COMPLICATIONS,
    ),
    Calculator(
        "mucositis",
        "Oral &mucositis...",
        "Oral mucositis: WHO and CTCAE v5",
        MUCOSITIS_FIELDS,
        _mucositis,
        menu=_COMPLICATIONS,
    ),
    Calculator(
        "hc",
        "&Haemorrhagic cystitis...",
        "Haemorrhagic cystitis: grade",
        HC_FIELDS,
        lambda v: haemorrhagic_cystitis_grade(**v),
        menu=_COMPLICATIONS,
    ),
    Calculator(
        "hctci",
        "H&CT-CI...",
        "HCT-CI with age composite",
        HCT_CI_FIELDS,
        _hct_ci,
        records=False,
        menu=_ELIGIBILITY,
    ),
    Calculator(
        "kps",
        "&Karnofsky/Lansky...",
        "Performance status: Karnofsky or Lansky",
        KPS_FIELDS,
        lambda v: performance_status(v["score"], v["age_years"]),
        records=False,
        menu=_ELIGIBILITY,
    ),
    Calculator(
        "abo",
        "&ABO compatibility...",
        "ABO compatibility (donor to recipient)",
        ABO_FIELDS,
        lambda v: abo_assessment(v["donor_abo"], v["recipient_abo"]),
        allogeneic_only=True,
        records=False,
        menu=_ELIGIBILITY,
    ),
    Calculator(
        "cmv",
        "C&MV and letermovir...",
        "CMV serostatus and letermovir window",
        CMV_FIELDS,
        _cmv,
        records=False,
        menu=_ELIGIBILITY,
    ),
    Calculator(
        "intensity",
        "Conditioning &intensity...",
        "Conditioning intensity: MAC/RIC/NMA",
        INTENSITY_FIELDS,
        _intensity,
        records=False,
        menu=_ELIGIBILITY,
    ),
    Calculator(
        "vaccine",
        "&Live vaccines (2-1-8)...",
        "Live-vaccine eligibility (2-1-8)",
        VACCINE_FIELDS,
        _vaccine,
        records=False,
        with_date=True,
        menu=_ELIGIBILITY,
    ),
)


def calculator(key: str) -> Calculator:
    """The calculator with ``key`` ("magic", "nih", "vod", "crs", "icans", "fn", ...)."""
    for calc in CALCULATORS:
        if calc.key == key:
            return calc
    raise KeyError(key)


def make_calculator_dialog(
    parent: QWidget | None,
    key: str,
    *,
    save: SaveFn,
    today: dt.date,
    weight_kg: float | None = None,
    defaults: Mapping[str, object] | None = None,
) -> CalculatorDialog:
    """Build the dialog of one calculator (MAGIC gets the patient's weight pre-filled).

    ``defaults`` pre-fill the fields of that name the calculator has (e.g. "age_years",
    "day0", "recipient_abo", "components"); empty values are skipped. ``save`` is not
    used by calculators that only show and copy their result.
    """
    calc = calculator(key)
    dialog = CalculatorDialog(
        parent,
        title=calc.title,
        fields=calc.fields,
        compute=calc.compute,
        save=save if calc.records else None,
        today=today,
        with_date=calc.with_date,
    )
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
    def ask(
        parent: QWidget | None,
        title: str,
        prompt: str,
        today: dt.date,
        default: dt.date | None = None,
        *,
        note_required: bool = False,
    ) -> tuple[dt.date, str] | None:
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
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
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
