"""Donor chimerism: full > 95% donor (ASTCT 2021, Kharfan-Dabaja et al., Transplant Cell Ther
2021;27:642-649), below 5% loss of the graft (Rondón et al., Biol Blood Marrow Transplant
2008;14:859-866), mixed in between; by lineage; a falling donor percentage is reported."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.clinical.calculators.compute import chimerism_result
from planner.clinical.calculators.fields import ASSESSMENT_DATE
from planner.clinical.calculators.registry import ELIGIBILITY, calculator
from planner.clinical.chimerism import chimerism_assessment, chimerism_category
from planner.errors import ValidationError

JAN = dt.date(2026, 1, 15)
FEB = dt.date(2026, 2, 15)


@pytest.mark.parametrize(
    ("percent", "category", "label"),
    [
        (100.0, "full", "full donor chimerism"),
        (95.1, "full", "full donor chimerism"),
        (95.0, "mixed", "mixed chimerism"),  # full needs MORE than 95%
        (94.9, "mixed", "mixed chimerism"),
        (50.0, "mixed", "mixed chimerism"),
        (5.0, "mixed", "mixed chimerism"),  # loss is BELOW 5%
        (4.9, "loss", "donor cells below 5%"),
        (0.0, "loss", "donor cells below 5%"),
    ],
)
def test_boundaries(percent: float, category: str, label: str) -> None:
    assert chimerism_category(percent) == category
    result = chimerism_assessment(percent, "t_cell", date=FEB)
    assert (result.value, result.label) == (category, label)
    assert result.criteria == "Donor chimerism (ASTCT 2021)"
    assert "Kharfan-Dabaja" in result.version and "642-649" in result.version


def test_the_rule_names_the_lineage_value_and_threshold() -> None:
    full = chimerism_assessment(96, "myeloid")
    assert full.deciding_rule == (
        "Myeloid cells (CD33+): 96% donor > 95%: full donor chimerism in this lineage."
    )
    mixed = chimerism_assessment(94.9, "t_cell")
    assert mixed.deciding_rule == (
        "T cells (CD3+): 94.9% donor, from 5% to 95%: mixed (partial) chimerism."
    )
    loss = chimerism_assessment(4.9, "whole_blood")
    assert loss.deciding_rule.startswith("Whole blood (unfractionated): 4.9% donor < 5%")
    assert "confirm" in loss.deciding_rule
    assert any("immune-mediated" in n for n in loss.notes)


def test_one_lineage_never_makes_the_whole_chimerism_full() -> None:
    t_cell = chimerism_assessment(99, "t_cell")
    assert any("both myeloid and lymphoid" in n and "myeloid (CD33+)" in n for n in t_cell.notes)
    myeloid = chimerism_assessment(99, "myeloid")
    assert any("T-cell (CD3+)" in n for n in myeloid.notes)
    blood = chimerism_assessment(99, "whole_blood")
    assert any("Unfractionated" in n and "by lineage" in n for n in blood.notes)


def test_a_falling_donor_percentage_is_reported() -> None:
    result = chimerism_assessment(90, "t_cell", date=FEB, previous_percent=98.5, previous_date=JAN)
    note = result.notes[-1]
    assert note.startswith(
        "Falling donor chimerism: 98.5% on 2026-01-15 to 90% on 2026-02-15 "
        "(8.5 percentage points lower)."
    )
    assert "graft rejection or relapse" in note and "repeat the test" in note
    assert "moved from full donor chimerism to mixed chimerism" in note
    assert result.components["change_points"] == -8.5


@pytest.mark.parametrize(
    ("previous", "start"),
    [(80.0, "Rising donor chimerism: 80%"), (90.0, "Donor chimerism unchanged")],
)
def test_a_stable_or_rising_percentage_is_no_warning(previous: float, start: str) -> None:
    result = chimerism_assessment(90, "myeloid", previous_percent=previous)
    assert result.notes[-1].startswith(start)
    assert not any("Falling" in n for n in result.notes)


def test_without_a_previous_result_there_is_no_trend() -> None:
    result = chimerism_assessment(60, "t_cell", date=FEB)
    assert "change_points" not in result.components
    assert not any("donor chimerism:" in n.lower() for n in result.notes)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"donor_percent": 101}, "donor_percent", "from 0 to 100"),
        ({"donor_percent": -1}, "donor_percent", "from 0 to 100"),
        ({"donor_percent": float("nan")}, "donor_percent", "from 0 to 100"),
        ({"donor_percent": "95"}, "donor_percent", "percentage"),
        ({"lineage": "cd19"}, "lineage", "whole_blood, t_cell, myeloid"),
        ({"previous_percent": 120}, "previous_percent", "from 0 to 100"),
        ({"previous_date": JAN}, "previous_percent", "needs the previous donor percentage"),
        (
            {"previous_percent": 90, "previous_date": FEB},
            "previous_date",
            "must be before this one",
        ),
    ],
)
def test_bad_input_is_refused_by_name(kwargs: dict, field: str, message: str) -> None:
    args = {"donor_percent": 90.0, "lineage": "t_cell", "date": FEB, **kwargs}
    percent, lineage = args.pop("donor_percent"), args.pop("lineage")
    with pytest.raises(ValidationError, match=message) as err:
        chimerism_assessment(percent, lineage, **args)
    assert err.value.field == field


def test_the_calculator_entry() -> None:
    calc = calculator("chimerism")
    assert calc.menu == ELIGIBILITY
    assert calc.with_date and not calc.records and calc.allogeneic_only
    assert calc.button == "Chimeri&sm..."
    assert "Kharfan-Dabaja" in calc.source
    assert [f.name for f in calc.fields] == [
        "lineage",
        "donor_percent",
        "previous_percent",
        "previous_date",
    ]
    result = chimerism_result(
        {
            "lineage": "t_cell",
            "donor_percent": 94.9,
            "previous_percent": 99.0,
            "previous_date": JAN,
            ASSESSMENT_DATE: FEB,
        }
    )
    assert result.value == "mixed"
    assert result.inputs["date"] == FEB
    assert result.notes[-1].startswith("Falling donor chimerism: 99% on 2026-01-15")
