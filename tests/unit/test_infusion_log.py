"""The infusion record: products with a verified DIN, doses per kg, reactions, storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.errors import ValidationError
from planner.records.infusion_log import (
    InfusedProduct,
    InfusionLog,
    ProductSource,
    Reaction,
    product_line,
    reaction_line,
    total_lines,
)

DAY0 = dt.date(2026, 3, 10)


def pbsc(**over: object) -> InfusedProduct:
    product = InfusedProduct(
        id="p1",
        din="A9999 09 123456 9",
        product_code="S1398",
        source=ProductSource.APHERESIS,
        cryopreserved=True,
        volume_ml=250,
        date=DAY0,
        time="10:30",
        weight_kg=80,
        tnc=4.0e10,  # 4 x10^10 cells / 80 kg = 5 x10^8/kg
        cd34=4.0e8,  # 4 x10^8 / 80 kg = 5 x10^6/kg
        cd3=2.4e10,  # 2.4 x10^10 / 80 kg = 30 x10^7/kg
    )
    return replace(product, **over)  # type: ignore[arg-type]


def cord(pid: str, din: str, tnc: float, cd34: float, match: str = "5/6") -> InfusedProduct:
    return InfusedProduct(
        id=pid,
        din=din,
        product_code="S1217",
        source=ProductSource.CORD,
        cryopreserved=True,
        volume_ml=25,
        date=DAY0,
        time="11:00",
        weight_kg=60,
        tnc=tnc,
        cd34=cd34,
        hla_match=match,
    )


def test_graft_doses_per_kg_are_the_product_totals_over_the_weight() -> None:
    tnc, cd34, cd3 = pbsc().doses()
    assert tnc is not None and tnc.value == pytest.approx(5.0) and tnc.unit == "x10^8 TNC/kg"
    assert cd34 is not None and cd34.value == pytest.approx(5.0) and cd34.unit == "x10^6 CD34+/kg"
    assert cd3 is not None and cd3.value == pytest.approx(30.0) and cd3.unit == "x10^7 CD3+/kg"
    assert cd34.formula == "4e+08 cells / 80 kg = 5 x10^6 CD34+/kg"


def test_a_dose_not_reported_is_none() -> None:
    assert pbsc(cd3=None).doses()[2] is None


def test_cord_unit_doses_use_the_cord_dose_functions_and_units() -> None:
    # The worked examples of cord_tnc_dose / cord_cd34_dose: 1.8e9 / 60 kg = 3.0e7/kg,
    # 4.5e6 / 60 kg = 7.5e4/kg.
    unit = cord("c1", "G123 498 654 321 H", 1.8e9, 4.5e6)
    tnc, cd34, cd3 = unit.doses()
    assert tnc is not None and tnc.value == pytest.approx(3.0) and tnc.unit == "x10^7 TNC/kg"
    assert cd34 is not None and cd34.value == pytest.approx(0.75)
    assert cd34.unit == "x10^5 CD34+/kg"
    assert cd3 is None


def test_a_double_cord_totals_both_units_apart_from_other_products() -> None:
    log = InfusionLog(
        (
            cord("c1", "G123 498 654 321 H", 1.8e9, 4.5e6),
            cord("c2", "A9999 09 123456 9", 1.2e9, 6.0e6, "4/6"),
        )
    )
    totals = log.totals()
    assert set(totals) == {"cord"}
    tnc, cd34, _ = totals["cord"]
    assert tnc is not None and tnc.value == pytest.approx(5.0)  # 3.0 + 2.0 x10^7/kg
    assert cd34 is not None and cd34.value == pytest.approx(1.75)  # 0.75 + 1.0 x10^5/kg
    assert total_lines(log) == ["Total of the cord units: 5 x10^7 TNC/kg, 1.75 x10^5 CD34+/kg"]


def test_two_bags_total_each_at_its_own_weight() -> None:
    second = pbsc(id="p2", din="G123498654321H", weight_kg=100, cd34=1.0e8)  # 1 x10^6/kg
    log = InfusionLog((pbsc(), second))
    assert log.totals()["graft"][1] is not None
    assert log.totals()["graft"][1].value == pytest.approx(6.0)  # type: ignore[union-attr]


def test_a_cord_unit_needs_its_hla_match_and_only_cord_units_have_one() -> None:
    with pytest.raises(ValidationError, match="HLA match of the cord unit"):
        cord("c1", "G123498654321H", 1.8e9, 4.5e6, match="")
    with pytest.raises(ValidationError, match="HLA match"):
        cord("c1", "G123498654321H", 1.8e9, 4.5e6, match="7/6")
    assert cord("c1", "G123498654321H", 1.8e9, 4.5e6, match=" 7/8").hla_match == "7/8"
    with pytest.raises(ValidationError, match="cord units only"):
        pbsc(hla_match="6/6")


@pytest.mark.parametrize(
    ("over", "named"),
    [
        ({"din": "A9999 09 123456 8"}, "should be 9"),
        ({"product_code": "1398"}, "product code 1398"),
        ({"time": "25:00"}, "HH:MM"),
        ({"volume_ml": 0}, "Volume infused"),
        ({"weight_kg": 0.2}, "Recipient weight"),
        ({"tnc": -1.0}, "Total nucleated cells"),
    ],
)
def test_implausible_products_are_refused(over: dict[str, object], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        pbsc(**over)


def test_a_din_is_recorded_once_per_transplant() -> None:
    log = InfusionLog((pbsc(),))
    with pytest.raises(ValidationError, match="already recorded"):
        log.with_product(pbsc(id="p2", din="A999909123456 9"))
    with pytest.raises(ValidationError, match="already recorded"):  # the same, with flags
        log.with_product(pbsc(id="p2", din="A9999 09 123456 00 9"))


def test_reactions_are_graded_1_to_5_and_name_a_recorded_product() -> None:
    log = InfusionLog((pbsc(),))
    reaction = Reaction("r1", DAY0, "10:50", "Fever and rigors", 2, "p1", "paracetamol")
    with_reaction = log.with_reaction(reaction)
    assert reaction_line(reaction, with_reaction) == (
        "2026-03-10 10:50: Fever and rigors, grade 2 (DIN A9999 09 123456 [9]); paracetamol"
    )
    for grade in (0, 6):
        with pytest.raises(ValidationError, match="grade must be 1 to 5"):
            replace(reaction, grade=grade)
    with pytest.raises(ValidationError, match="not in the infusion record"):
        log.with_reaction(replace(reaction, product_id="p9"))
    # Removing the product keeps the reaction, unlinked.
    assert with_reaction.without_product("p1").reactions[0].product_id == ""


def test_the_record_round_trips_through_its_stored_body() -> None:
    log = InfusionLog(
        (pbsc(), cord("c1", "G123498654321H", 1.8e9, 4.5e6)),
        (Reaction("r1", DAY0, "10:50", "Hypotension", 3),),
    )
    assert InfusionLog.from_body(log.to_body()) == log
    assert InfusionLog.from_body(None) == InfusionLog()
    with pytest.raises(ValidationError, match="newer version"):
        InfusionLog.from_body({"schema": 99})
    with pytest.raises(ValidationError, match="damaged"):
        InfusionLog.from_body({"schema": 1, "products": [{"id": "p1"}]})


def test_the_product_line_holds_the_din_doses_and_weight() -> None:
    assert product_line(pbsc()) == (
        "DIN A9999 09 123456 [9], S1398, Peripheral blood (apheresis), cryopreserved, 250 mL, "
        "2026-03-10 10:30: 5 x10^8 TNC/kg, 5 x10^6 CD34+/kg, 30 x10^7 CD3+/kg (weight 80 kg)"
    )
    assert "HLA 5/6" in product_line(cord("c1", "G123498654321H", 1.8e9, 4.5e6))
