"""Stem-cell harvest arithmetic: CD34+ dose per product, cumulative yield, cord cell doses.

Unit arithmetic; collection targets per ASBMT mobilisation guidelines (Duong et al., Biol
Blood Marrow Transplant 2014), cord unit doses as weighed in unit selection (Dehn et al.,
Blood 2019; Politikos et al., Biol Blood Marrow Transplant 2020). Doses are per kg of the
**recipient** (for autologous collections the patient). Inputs are validated
because a typo in a concentration or weight silently changes whether a
collection target is met.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from planner.domain.i18n import tr, tr_noop
from planner.domain.patients import MAX_WEIGHT_KG, MIN_WEIGHT_KG
from planner.errors import ValidationError

MAX_CD34_PER_UL = 100_000.0  # far above any apheresis product; catches unit slips (per mL)
MAX_PRODUCT_ML = 5_000.0  # large marrow harvests stay well below this
MAX_YIELD_PER_KG = 1_000.0  # x10^6 CD34+/kg in one collection; higher is a data-entry error
MAX_CORD_CELLS = 1e12  # a cord unit holds ~10^9 nucleated cells
# Cumulative yields are sums of decimals (2.1 + 1.4 + 0.5 = 3.9999999999999996 in binary),
# so "reached" tolerates a relative error far below any clinically meaningful difference.
TARGET_REL_TOLERANCE = 1e-9


def _number(value: object, field: str, label: str, low: float, high: float, unit: str) -> float:
    """Return ``value`` as a float, or raise naming the accepted range (``label`` and
    ``unit`` are shown in the interface's language)."""
    unit = tr(unit)
    allowed = tr("enter a number from {low} to {high} {unit}").format(
        low=f"{low:,g}", high=f"{high:,g}", unit=unit
    )
    name = tr(label)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            field, tr("{label} must be a number; {allowed}.").format(label=name, allowed=allowed)
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(
            field,
            tr("{label} must be a finite number; {allowed}.").format(label=name, allowed=allowed),
        )
    if not low <= number <= high:
        raise ValidationError(
            field,
            tr("{label} of {value} is not plausible; {allowed}.").format(
                label=name, value=f"{number:g} {unit}", allowed=allowed
            ),
        )
    return number


def _weight(weight_kg: object) -> float:
    return _number(
        weight_kg, "weight_kg", tr_noop("Recipient weight"), MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg"
    )


def cd34_dose(conc_per_ul: float, volume_ml: float, weight_kg: float) -> float:
    """CD34+ dose of one product in 10^6 cells per kg recipient weight.

    ``conc x volume x 1000 / weight / 10^6`` (1 mL = 1000 uL; unit arithmetic).

    Args:
        conc_per_ul: product CD34+ concentration in cells/uL (0 to 100,000).
        volume_ml: product volume in mL (more than 0, up to 5,000).
        weight_kg: recipient weight in kg (1 to 350).

    Returns:
        The dose in 10^6 CD34+ cells/kg, unrounded (e.g. 1500/uL x 250 mL / 75 kg = 5.0).

    Raises:
        ValidationError: an input is outside its plausible range.
    """
    conc = _number(
        conc_per_ul,
        "conc_per_ul",
        tr_noop("CD34+ concentration"),
        0.0,
        MAX_CD34_PER_UL,
        tr_noop("cells/uL"),
    )
    volume = _number(volume_ml, "volume_ml", tr_noop("Product volume"), 0.0, MAX_PRODUCT_ML, "mL")
    if volume == 0:
        raise ValidationError(
            "volume_ml", tr("Product volume must be greater than 0; enter up to 5,000 mL.")
        )
    return conc * volume * 1000 / _weight(weight_kg) / 1e6


def _yields(daily: Iterable[float]) -> list[float]:
    values = list(daily)
    for index, value in enumerate(values, start=1):
        label = tr("Yield of collection {n}").format(n=index)
        _number(value, "daily_yields", label, 0.0, MAX_YIELD_PER_KG, "x10^6/kg")
    return [float(value) for value in values]


def cumulative_yield(daily: Iterable[float]) -> list[float]:
    """Running total of per-collection CD34+ yields (10^6/kg).

    Args:
        daily: yields in collection order, each 0 to 1,000 x10^6/kg.

    Returns:
        The cumulative yield after each collection, e.g. [2.1, 1.4, 0.9] -> [2.1, 3.5, 4.4].

    Raises:
        ValidationError: a yield is negative, not a number or implausibly large.
    """
    totals: list[float] = []
    running: list[float] = []
    for value in _yields(daily):
        running.append(value)
        # fsum keeps each total exactly rounded, so totals do not drift over many days.
        totals.append(math.fsum(running))
    return totals


def target_met_on(daily_yields: Sequence[float], target: float) -> int | None:
    """The 1-based collection on which the cumulative yield first reaches ``target``.

    Args:
        daily_yields: per-collection yields in 10^6 CD34+/kg, in order.
        target: the collection target in 10^6 CD34+/kg (more than 0, up to 1,000).

    Returns:
        The collection number (1 for the first), or None if the target is not reached.

    Raises:
        ValidationError: the target or a yield is implausible.
    """
    goal = _number(
        target, "target", tr_noop("Collection target"), 0.0, MAX_YIELD_PER_KG, "x10^6/kg"
    )
    if goal == 0:
        raise ValidationError("target", tr("Collection target must be greater than 0 x10^6/kg."))
    for number, total in enumerate(cumulative_yield(daily_yields), start=1):
        if total >= goal or math.isclose(total, goal, rel_tol=TARGET_REL_TOLERANCE):
            return number
    return None


def cord_tnc_dose(unit_tnc: float, weight_kg: float) -> float:
    """Total nucleated cells per kg recipient weight for a cord blood unit (unit TNC / kg).

    Args:
        unit_tnc: total nucleated cells in the unit (cells, e.g. 1.8e9).
        weight_kg: recipient weight in kg (1 to 350).

    Returns:
        Cells per kg, unrounded (1.8e9 / 60 kg = 3.0e7/kg).

    Raises:
        ValidationError: an input is outside its plausible range.
    """
    cells = _number(
        unit_tnc, "unit_tnc", tr_noop("Cord unit TNC"), 0.0, MAX_CORD_CELLS, tr_noop("cells")
    )
    return cells / _weight(weight_kg)


def cord_cd34_dose(unit_cd34: float, weight_kg: float) -> float:
    """CD34+ cells per kg recipient weight for a cord blood unit (unit CD34+ / kg).

    Args:
        unit_cd34: CD34+ cells in the unit (cells, e.g. 4.5e6).
        weight_kg: recipient weight in kg (1 to 350).

    Returns:
        Cells per kg, unrounded (4.5e6 / 60 kg = 7.5e4/kg).

    Raises:
        ValidationError: an input is outside its plausible range.
    """
    cells = _number(
        unit_cd34, "unit_cd34", tr_noop("Cord unit CD34+"), 0.0, MAX_CORD_CELLS, tr_noop("cells")
    )
    return cells / _weight(weight_kg)
