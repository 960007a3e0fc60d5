"""Weight-band dosing: an amount per kg that depends on the actual body weight's band
(paediatric intravenous busulfan, Busilvex summary of product characteristics, section 4.2).

The TOML shape and every validation message, the band chosen on each side of each
boundary, the arithmetic and the explanation shown with it, a missing or later weight
handled as the per-kg path handles it, and a stored plan's bands read back unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from planner.clinical.dosing import compute_dose
from planner.clinical.plan_rules.facts import PatientFacts
from planner.clinical.step_doses import dose_line, plan_dose_line
from planner.domain.plans import instantiate
from planner.domain.templates import DoseBasis, DoseRule, WeightBand, WeightType
from planner.errors import TemplateError, ValidationError
from planner.records.serialize import plan_from_dict, plan_to_dict, step_from_dict, step_to_dict
from tests.factories import make_patient, make_protocol

WEIGHED = dt.date(2026, 2, 20)
DAY0 = dt.date(2026, 3, 10)

# The bands as the summary of product characteristics writes them: under 9 kg; 9 to
# under 16 kg; 16 to 23 kg; over 23 to 34 kg; over 34 kg.
BUSULFAN_BANDS = """[
  { below_kg = 9, amount = 1.0 },
  { at_least_kg = 9, below_kg = 16, amount = 1.2 },
  { at_least_kg = 16, up_to_kg = 23, amount = 1.1 },
  { above_kg = 23, up_to_kg = 34, amount = 0.95 },
  { above_kg = 34, amount = 0.8 },
]"""

EXPECTED_BANDS = (
    WeightBand(1.0, None, True, 9.0, False),
    WeightBand(1.2, 9.0, True, 16.0, False),
    WeightBand(1.1, 16.0, True, 23.0, True),
    WeightBand(0.95, 23.0, False, 34.0, True),
    WeightBand(0.8, 34.0, False, None, False),
)


def _steps(dose: str) -> str:
    return f"""
[[steps]]
id = "busulfan"
title = "Busulfan"
phase = "conditioning"
kind = "medication"
from = -7
to = -4
drug = "busulfan"
regimen_tied = true
dose = {dose}

[[steps]]
id = "infusion"
title = "Stem-cell infusion"
phase = "infusion"
kind = "procedure"
day = 0
"""


def _banded(bands: str = BUSULFAN_BANDS, extra: str = "") -> str:
    return (
        f'{{ per = "kg", unit = "mg", route = "IV", frequency = "every 6 hours"{extra}, '
        f"bands = {bands} }}"
    )


def _rule(bands: str = BUSULFAN_BANDS, extra: str = "") -> DoseRule:
    rule = make_protocol(_steps(_banded(bands, extra)), id="banded").step("busulfan").dose
    assert rule is not None
    return rule


def _refusal(dose: str) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        make_protocol(_steps(dose), id="banded")
    return info.value


# --- the TOML shape ----------------------------------------------------------------------------


def test_bands_parse_as_the_source_writes_them() -> None:
    rule = _rule()
    assert rule.bands == EXPECTED_BANDS
    assert (rule.per, rule.weight, rule.unit, rule.route) == (
        DoseBasis.PER_KG,
        WeightType.ACTUAL,
        "mg",
        "IV",
    )
    assert rule.frequency == "every 6 hours"
    # amount is the largest band amount: what a threshold (a flag above N mg/kg) compares
    assert rule.amount == 1.2


def test_a_dose_table_in_toml_sub_table_form_parses_the_same() -> None:
    steps = """
[[steps]]
id = "busulfan"
title = "Busulfan"
phase = "conditioning"
kind = "medication"
day = -4
drug = "busulfan"

[steps.dose]
per = "kg"
unit = "mg"
route = "IV"
frequency = "every 6 hours"

[[steps.dose.bands]]
below_kg = 9
amount = 1.0

[[steps.dose.bands]]
at_least_kg = 9
amount = 1.2
"""
    rule = make_protocol(steps, id="banded").step("busulfan").dose
    assert rule is not None
    assert rule.bands == (WeightBand(1.0, None, True, 9.0, False), WeightBand(1.2, 9.0, True))


def test_the_order_text_gives_the_range_of_the_bands() -> None:
    rule = _rule()
    assert rule.order_text == "0.8 to 1.2 mg/kg by weight band"
    assert rule.order_text_in("es").startswith("0,8 to 1,2 mg/kg")


@pytest.mark.parametrize(
    ("band", "text"),
    [
        pytest.param(EXPECTED_BANDS[0], "under 9 kg", id="first-exclusive"),
        pytest.param(EXPECTED_BANDS[1], "9 to under 16 kg", id="inclusive-exclusive"),
        pytest.param(EXPECTED_BANDS[2], "16 to 23 kg", id="inclusive-inclusive"),
        pytest.param(EXPECTED_BANDS[3], "over 23 to 34 kg", id="exclusive-inclusive"),
        pytest.param(EXPECTED_BANDS[4], "over 34 kg", id="last-exclusive"),
        pytest.param(WeightBand(1, None, True, 10.0, True), "up to 10 kg", id="first-inclusive"),
        pytest.param(WeightBand(1, 10.0, True), "10 kg or more", id="last-inclusive"),
        pytest.param(
            WeightBand(1, 10.0, False, 20.5, False),
            "over 10 to under 20.5 kg",
            id="exclusive-exclusive",
        ),
    ],
)
def test_each_band_says_its_weights_in_words(band: WeightBand, text: str) -> None:
    assert band.range_text_in() == text


def test_a_band_range_uses_the_decimal_sign_of_the_locale() -> None:
    assert WeightBand(1, 9.5, True, 16.5, False).range_text_in("es") == "9,5 to under 16,5 kg"


# --- validation: one message per problem -------------------------------------------------------

REFUSALS = [
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { at_least_kg = 10, amount = 0.8 }]",
        "dose.bands[2]",
        "gap: no band holds the weights between 9 and 10 kg; band 2 must start where band 1 "
        "ends (at_least_kg = 9).",
        id="gap",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { above_kg = 9, amount = 0.8 }]",
        "dose.bands[2]",
        "gap: a weight of exactly 9 kg is in no band (band 1 ends below it, band 2 starts "
        "above it); band 2 must start with at_least_kg = 9.",
        id="gap-at-the-boundary",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { at_least_kg = 8, amount = 0.8 }]",
        "dose.bands[2]",
        "overlap: weights from 8 to 9 kg are in band 1 and band 2; band 2 must start where "
        "band 1 ends (at_least_kg = 9).",
        id="overlap",
    ),
    pytest.param(
        "[{ up_to_kg = 23, amount = 1.1 }, { at_least_kg = 23, amount = 0.95 }]",
        "dose.bands[2]",
        "overlap: a weight of exactly 23 kg is in band 1 and band 2; band 2 must start with "
        "above_kg = 23.",
        id="overlap-at-the-boundary",
    ),
    pytest.param(
        "[{ below_kg = 16, amount = 1.2 }, { at_least_kg = 16, below_kg = 9, amount = 1.0 },"
        " { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[2]",
        "band 2 runs from 16 kg to 9 kg: its lower boundary must be below its upper one.",
        id="unordered-within-a-band",
    ),
    pytest.param(
        "[{ below_kg = 16, amount = 1.2 }, { below_kg = 9, amount = 1.0 },"
        " { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[2]",
        "list the bands lightest first: band 2 ends at 9 kg, not above band 1 (16 kg).",
        id="unordered",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { at_least_kg = 9, below_kg = 16, amount = 1.2 }]",
        "dose.bands[2]",
        "the last band must be open-ended (no below_kg or up_to_kg), so that every heavier "
        "weight has a dose.",
        id="no-open-last-band",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { at_least_kg = 9, amount = 1.2 },"
        " { at_least_kg = 16, amount = 0.8 }]",
        "dose.bands[2]",
        "only the last band may be open-ended: band 2 needs below_kg or up_to_kg.",
        id="open-band-not-last",
    ),
    pytest.param(
        "[{ at_least_kg = 2, below_kg = 9, amount = 1.0 }, { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[1]",
        "the first (lightest) band starts at 0 kg: give it no at_least_kg or above_kg.",
        id="first-band-not-from-zero",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { below_kg = 16, amount = 1.2 },"
        " { at_least_kg = 16, amount = 0.8 }]",
        "dose.bands[2]",
        "band 2 needs its lower boundary: at_least_kg = 9, where band 1 ends.",
        id="missing-lower-boundary",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = -1.0 }, { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[1].amount",
        "must be a positive number.",
        id="negative-amount",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 0 }, { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[1].amount",
        "must be a positive number.",
        id="zero-amount",
    ),
    pytest.param(
        "[{ below_kg = -9, amount = 1.0 }, { at_least_kg = -9, amount = 0.8 }]",
        "dose.bands[1].below_kg",
        "must be a positive number.",
        id="negative-boundary",
    ),
    pytest.param(
        '[{ below_kg = "9", amount = 1.0 }, { at_least_kg = 9, amount = 0.8 }]',
        "dose.bands[1].below_kg",
        "must be a whole number or a number, not str.",
        id="boundary-as-text",
    ),
    pytest.param(
        "[{ below_kg = 9 }, { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[1].amount",
        "is required but missing.",
        id="missing-amount",
    ),
    pytest.param(
        "[{ below_kg = 9, up_to_kg = 9, amount = 1.0 }, { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[1].below_kg",
        "give up_to_kg or below_kg, not both: the boundary weight is in one band.",
        id="two-upper-boundaries",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0 }, { at_least_kg = 9, above_kg = 9, amount = 0.8 }]",
        "dose.bands[2].above_kg",
        "give at_least_kg or above_kg, not both: the boundary weight is in one band.",
        id="two-lower-boundaries",
    ),
    pytest.param(
        "[{ below_kg = 9, amount = 1.0, under_kg = 9 }, { at_least_kg = 9, amount = 0.8 }]",
        "dose.bands[1].under_kg",
        "unknown weight band key(s) under_kg; allowed: above_kg, amount, at_least_kg, "
        "below_kg, up_to_kg.",
        id="unknown-key",
    ),
    pytest.param(
        "[{ amount = 1.0 }]",
        "dose.bands",
        "must list at least 2 weight bands, lightest first; for one amount give amount instead.",
        id="one-band",
    ),
    pytest.param(
        "[]",
        "dose.bands",
        "must list at least 2 weight bands, lightest first; for one amount give amount instead.",
        id="no-band",
    ),
    pytest.param(
        "[1.0, 0.8]",
        "dose.bands[1]",
        "each weight band must be a table such as { below_kg = 9, amount = 1 }.",
        id="band-not-a-table",
    ),
]


@pytest.mark.parametrize(("bands", "field", "message"), REFUSALS)
def test_each_problem_is_refused_with_its_own_message(bands: str, field: str, message: str) -> None:
    error = _refusal(_banded(bands))
    assert error.step == "busulfan"
    assert error.field == field
    assert str(error).endswith(f": {message}"), str(error)


def test_too_many_bands_are_refused() -> None:
    bands = ", ".join(
        [
            "{ below_kg = 1, amount = 1 }",
            *(f"{{ at_least_kg = {n}, below_kg = {n + 1}, amount = 1 }}" for n in range(1, 21)),
            "{ at_least_kg = 21, amount = 1 }",
        ]
    )
    error = _refusal(_banded(f"[{bands}]"))
    assert error.field == "dose.bands"
    assert "has more than 20 bands." in str(error)


@pytest.mark.parametrize(
    ("dose", "field", "message"),
    [
        pytest.param(
            _banded(extra=", amount = 1.2"),
            "amount",
            "give either amount or bands, not both: each band has its own amount.",
            id="amount-and-bands",
        ),
        pytest.param(
            _banded().replace('per = "kg"', 'per = "m2"'),
            "per",
            'weight bands give an amount per kg: per must be "kg".',
            id="per-m2",
        ),
        pytest.param(
            _banded().replace('per = "kg", ', ""),
            "per",
            'weight bands give an amount per kg: per must be "kg".',
            id="per-missing",
        ),
        pytest.param(
            _banded(extra=', weight = "adjusted25"'),
            "weight",
            'weight bands are chosen by actual body weight: weight must be "actual".',
            id="not-actual-weight",
        ),
        pytest.param(
            _banded().replace('unit = "mg"', 'unit = "IU"'),
            "dose.unit",
            "unit 'IU' is not one of: mg, mcg, g, units, mL, Gy.",
            id="unit-checked-like-any-dose",
        ),
    ],
)
def test_the_rest_of_a_banded_dose_is_checked(dose: str, field: str, message: str) -> None:
    error = _refusal(dose)
    assert error.field == field
    assert str(error).endswith(f": {message}"), str(error)


# --- the band chosen on each side of each boundary ----------------------------------------------

BOUNDARIES = [
    pytest.param(8.99, 1.0, id="just-below-9"),
    pytest.param(9.0, 1.2, id="at-9-next-band"),
    pytest.param(9.01, 1.2, id="just-above-9"),
    pytest.param(15.99, 1.2, id="just-below-16"),
    pytest.param(16.0, 1.1, id="at-16-next-band"),
    pytest.param(16.01, 1.1, id="just-above-16"),
    pytest.param(22.99, 1.1, id="just-below-23"),
    pytest.param(23.0, 1.1, id="at-23-this-band"),
    pytest.param(23.01, 0.95, id="just-above-23"),
    pytest.param(33.99, 0.95, id="just-below-34"),
    pytest.param(34.0, 0.95, id="at-34-this-band"),
    pytest.param(34.01, 0.8, id="just-above-34"),
    pytest.param(1.0, 1.0, id="lightest-plausible"),
    pytest.param(120.0, 0.8, id="heavy"),
]


@pytest.mark.parametrize(("weight", "per_kg"), BOUNDARIES)
def test_the_band_at_each_boundary(weight: float, per_kg: float) -> None:
    rule = _rule()
    band = rule.band_for(weight)
    assert band is not None and band.amount == per_kg
    result = compute_dose(rule, height_cm=None, weight_kg=weight, sex=None)
    assert result.band == band
    assert result.value == pytest.approx(weight * per_kg)
    assert result.order_text == f"{per_kg:g} mg/kg"


@pytest.mark.parametrize(("weight", "per_kg"), BOUNDARIES)
def test_exactly_one_band_holds_each_weight(weight: float, per_kg: float) -> None:
    holding = [b for b in _rule().bands if b.holds(weight)]
    assert [b.amount for b in holding] == [per_kg]


def test_a_rule_without_bands_has_no_band() -> None:
    assert DoseRule(3.2, "mg", DoseBasis.PER_KG).band_for(14.6) is None


# --- arithmetic and the explanation ---------------------------------------------------------


def test_the_dose_shows_the_band_its_boundaries_and_the_weight() -> None:
    result = compute_dose(
        _rule(), height_cm=None, weight_kg=14.6, sex=None, weight_date=WEIGHED, drug="busulfan"
    )
    assert result.value == pytest.approx(17.52)
    assert result.dosing_weight_kg == 14.6
    assert result.explanation == (
        "busulfan 1.2 mg/kg for a weight of 9 to under 16 kg: 14.6 kg x 1.2 = 17.52 mg "
        "(actual weight 14.6 kg, weighed 2026-02-20)"
    )


@pytest.mark.parametrize(
    ("weight", "explanation"),
    [
        (7.5, "busulfan 1 mg/kg for a weight of under 9 kg: 7.5 kg x 1 = 7.5 mg"),
        (23.0, "busulfan 1.1 mg/kg for a weight of 16 to 23 kg: 23 kg x 1.1 = 25.3 mg"),
        (30.0, "busulfan 0.95 mg/kg for a weight of over 23 to 34 kg: 30 kg x 0.95 = 28.5 mg"),
        (52.25, "busulfan 0.8 mg/kg for a weight of over 34 kg: 52.25 kg x 0.8 = 41.8 mg"),
    ],
)
def test_explanation_of_every_band(weight: float, explanation: str) -> None:
    result = compute_dose(
        _rule(), height_cm=None, weight_kg=weight, sex=None, weight_date=WEIGHED, drug="busulfan"
    )
    assert result.explanation == f"{explanation} (actual weight {weight:g} kg, weighed 2026-02-20)"


def test_the_dose_line_shows_the_bands_amount_and_explains_the_band() -> None:
    patient = make_patient(weight_kg=14.6, height_cm=98.0, weight_date=WEIGHED)
    line = dose_line(_rule(), "busulfan", patient)
    assert line is not None and line.computed
    assert line.text == "17.52 mg (1.2 mg/kg) IV"
    assert "for a weight of 9 to under 16 kg: 14.6 kg x 1.2 = 17.52 mg" in line.explanation


def test_a_spanish_handout_line_uses_the_decimal_comma() -> None:
    plan = instantiate(make_protocol(_steps(_banded()), id="banded"), DAY0)
    facts = PatientFacts(weight_kg=14.6, weight_date=WEIGHED)
    line = plan_dose_line(plan.step("banded/busulfan"), plan, facts, locale="es")
    assert line is not None and line.computed
    assert line.text == "17,52 mg (1,2 mg/kg) IV"


def test_the_maximum_dose_limits_a_banded_dose() -> None:
    rule = _rule(extra=", max_dose = 20")
    result = compute_dose(rule, height_cm=None, weight_kg=30.0, sex=None, drug="busulfan")
    assert result.value == 20
    assert result.uncapped_value == pytest.approx(28.5)
    assert result.max_dose_applied
    assert "30 kg x 0.95 = 28.5 mg, limited to the maximum 20 mg" in result.explanation


# --- no weight: refused and flagged exactly as a per-kg dose -------------------------------------


def test_no_weight_refuses_like_a_per_kg_dose() -> None:
    per_kg = DoseRule(3.2, "mg", DoseBasis.PER_KG, route="IV")
    for rule in (_rule(), per_kg):
        with pytest.raises(ValidationError) as info:
            compute_dose(rule, height_cm=None, weight_kg=None, sex=None)
        assert info.value.field == "weight_kg"
        assert f"Weight is missing; the {rule.order_text} dose needs the patient's weight." in str(
            info.value
        )


def test_no_weight_is_flagged_in_the_plan_like_a_per_kg_dose() -> None:
    protocol = make_protocol(
        _steps(_banded())
        + """
[[steps]]
id = "cyclophosphamide"
title = "Cyclophosphamide"
phase = "conditioning"
kind = "medication"
from = -3
to = -2
drug = "cyclophosphamide"
regimen_tied = true
dose = { amount = 50, unit = "mg", per = "kg", route = "IV", frequency = "once daily" }
""",
        id="banded",
    )
    plan = instantiate(protocol, DAY0)
    facts = PatientFacts(weight_kg=None, height_cm=None)
    banded = plan_dose_line(plan.step("banded/busulfan"), plan, facts)
    per_kg = plan_dose_line(plan.step("banded/cyclophosphamide"), plan, facts)
    assert banded is not None and per_kg is not None
    assert not banded.computed and not per_kg.computed
    assert banded.rules == per_kg.rules == ("dose-needs-measurement",)
    assert banded.text == "0.8 to 1.2 mg/kg by weight band IV"
    assert banded.explanation == (
        "Not computed: Weight is missing; the 0.8 to 1.2 mg/kg by weight band dose needs the "
        "patient's weight."
    )


def test_a_dose_before_the_weight_was_measured_is_not_recomputed() -> None:
    patient = make_patient(weight_kg=14.6, weight_date=WEIGHED)
    line = dose_line(_rule(), "busulfan", patient, on=WEIGHED - dt.timedelta(days=1))
    assert line is not None and not line.computed
    assert line.text == "0.8 to 1.2 mg/kg by weight band IV"
    assert line.explanation.startswith("Not recomputed: given on 2026-02-19")


@pytest.mark.parametrize("weight", [0.5, 400.0])
def test_an_implausible_weight_is_refused(weight: float) -> None:
    with pytest.raises(ValidationError) as info:
        compute_dose(_rule(), height_cm=None, weight_kg=weight, sex=None)
    assert info.value.field == "weight_kg"


# --- an order changed by something that does not know bands: never computed silently -------------


def test_an_amount_changed_by_a_rule_that_ignores_bands_is_refused() -> None:
    # a renal factor does `replace(dose, amount=dose.amount * factor)`: the bands would
    # silently drop it, so the dose is not computed and the sentence says why
    reduced = dataclasses.replace(_rule(), amount=1.2 * 0.8)
    with pytest.raises(ValidationError, match="by a rule that does not apply to weight bands"):
        compute_dose(reduced, height_cm=None, weight_kg=14.6, sex=None)


def test_bands_with_another_weight_are_refused_when_computed() -> None:
    adjusted = dataclasses.replace(_rule(), weight=WeightType.ADJUSTED25)
    with pytest.raises(ValidationError, match="not per kg of actual body weight"):
        compute_dose(adjusted, height_cm=120.0, weight_kg=14.6, sex="female")


def test_a_weight_no_band_holds_is_refused() -> None:
    broken = DoseRule(1.0, "mg", DoseBasis.PER_KG, bands=(WeightBand(1.0, None, True, 9.0, False),))
    with pytest.raises(ValidationError, match="No weight band of the 1 to 1 mg/kg"):
        compute_dose(broken, height_cm=None, weight_kg=14.6, sex=None)


# --- stored in the plan -----------------------------------------------------------------------


def _via_json(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data))


def test_a_plan_keeps_its_bands_through_storage() -> None:
    plan = instantiate(make_protocol(_steps(_banded(extra=", max_dose = 40")), id="b"), DAY0)
    stored = _via_json(plan_to_dict(plan))
    back = plan_from_dict(stored)
    dose = back.step("b/busulfan").dose
    assert dose == plan.step("b/busulfan").dose
    assert dose is not None and dose.bands == EXPECTED_BANDS and dose.max_dose == 40
    assert plan_to_dict(back) == stored
    # the boundary keys are stored as the template writes them
    (busulfan,) = [s for s in stored["steps"] if s["id"] == "b/busulfan"]
    assert busulfan["dose"]["bands"] == [
        {"amount": 1.0, "below_kg": 9.0},
        {"amount": 1.2, "at_least_kg": 9.0, "below_kg": 16.0},
        {"amount": 1.1, "at_least_kg": 16.0, "up_to_kg": 23.0},
        {"amount": 0.95, "above_kg": 23.0, "up_to_kg": 34.0},
        {"amount": 0.8, "above_kg": 34.0},
    ]


def test_a_dose_without_bands_is_stored_as_before() -> None:
    plan = instantiate(make_protocol(), DAY0)
    step = plan.step("test-template/conditioning")
    stored = step_to_dict(step)
    assert stored["dose"] == {
        "amount": 100.0,
        "unit": "mg",
        "per": "m2",
        "weight": "actual",
        "route": "IV",
        "frequency": "",
        "bsa_cap_m2": None,
        "max_dose": None,
    }
    back = step_from_dict(stored)
    assert back.dose is not None and back.dose.bands == ()
    assert back == step


def test_an_old_stored_plan_without_bands_loads_unchanged() -> None:
    plan = instantiate(make_protocol(), DAY0)
    stored = _via_json(plan_to_dict(plan))
    for step in stored["steps"]:
        if step.get("dose"):
            assert "bands" not in step["dose"]
    back = plan_from_dict(stored)
    assert back == plan
    assert all(s.dose is None or s.dose.bands == () for s in back.steps)


def test_the_stored_banded_dose_computes_the_same_dose() -> None:
    plan = instantiate(make_protocol(_steps(_banded()), id="b"), DAY0)
    back = plan_from_dict(_via_json(plan_to_dict(plan)))
    facts = PatientFacts(weight_kg=30.0, weight_date=WEIGHED)
    before = plan_dose_line(plan.step("b/busulfan"), plan, facts)
    after = plan_dose_line(back.step("b/busulfan"), back, facts)
    assert before is not None and after == before
    assert after.text == "28.5 mg (0.95 mg/kg) IV"
