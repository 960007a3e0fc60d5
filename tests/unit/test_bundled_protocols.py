"""The bundled protocol templates: they parse, and their days and doses match the sources
they name (docs/clinical-sources.md, Bundled protocol templates)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from planner.domain.plans import Plan, instantiate
from planner.domain.templates import (
    DoseBasis,
    Phase,
    Protocol,
    StepKind,
    WeightType,
    load_protocols,
)

DAY0 = dt.date(2026, 3, 10)

EXPECTED_IDS = {
    "mel200-auto",
    "mel140-auto",
    "beam-auto",
    "bucy2-allo",
    "flu-bu4-allo",
    "flu-bu4-atg-allo",
    "flu-bu2-allo",
    "flu-mel-allo",
    "cy-tbi-allo",
    "haplo-flu-cy-tbi-ptcy",
    "tbi2-nma-allo",
    "gcsf-mobilisation-auto",
    "gcsf-plerixafor-mobilisation-auto",
    "donor-pbsc-mobilisation-allo",
    "ciclosporin-methotrexate-gvhd",
    "tacrolimus-methotrexate-gvhd",
    "tacrolimus-mini-methotrexate-gvhd",
    "ptcy-tacrolimus-mmf-gvhd",
    "grafalon-atg-gvhd",
    "supportive-care-auto",
    "supportive-care-allo",
    "follow-up-auto",
    "follow-up-allo",
}

# Drug-name abbreviations and dose designations never shown (ISMP List of Error-Prone
# Abbreviations, Symbols and Dose Designations; The Joint Commission "Do Not Use" list).
BANNED = re.compile(r"\b(MTX|Cy|Bu|Flu|ATG|CSA|cc|IU|U|u|QD|QOD)\b|µg|μg")


@pytest.fixture(scope="module")
def protocols() -> dict[str, Protocol]:
    return load_protocols()


def _plan(protocols: dict[str, Protocol], template_id: str, **anchors: dt.date) -> Plan:
    return instantiate(protocols[template_id], DAY0, anchors or None)


def _days(plan: Plan, template_id: str, step_id: str) -> list[int]:
    step = plan.step(f"{template_id}/{step_id}")
    return [o.day for o in plan.step_occurrences(step)]


def _dates(plan: Plan, template_id: str, step_id: str) -> list[dt.date]:
    step = plan.step(f"{template_id}/{step_id}")
    return [o.date for o in plan.step_occurrences(step)]


# --- every file ------------------------------------------------------------------------------


def test_all_expected_templates_are_bundled(protocols: dict[str, Protocol]) -> None:
    assert set(protocols) >= EXPECTED_IDS, sorted(EXPECTED_IDS - set(protocols))


def test_every_template_is_for_local_review_with_a_source(protocols: dict[str, Protocol]) -> None:
    for proto in protocols.values():
        assert proto.review_status == "for local review", proto.id
        assert proto.source.strip(), proto.id
        assert re.search(r"\b(19|20)\d\d\b", proto.source), proto.id  # a dated publication
        assert proto.description.strip(), proto.id
        assert proto.origin == "bundled"
        assert len(proto.checksum) == 64


def test_ids_match_file_names(protocols: dict[str, Protocol]) -> None:
    for proto in protocols.values():
        assert proto.path == f"protocols/{proto.id}.toml"


def test_every_step_has_patient_text(protocols: dict[str, Protocol]) -> None:
    missing = [f"{p.id}/{s.id}" for p in protocols.values() for s in p.steps if not s.patient_text]
    assert missing == []


def test_no_banned_abbreviations_in_titles_or_patient_text(protocols: dict[str, Protocol]) -> None:
    hits = []
    for proto in protocols.values():
        texts = [("title", proto.title)]
        texts += [(f"{s.id}.title", s.title) for s in proto.steps]
        texts += [(f"{s.id}.patient_text", s.patient_text) for s in proto.steps]
        hits += [f"{proto.id} {where}: {text}" for where, text in texts if BANNED.search(text)]
    assert hits == []


@pytest.mark.parametrize(
    ("text", "banned"),
    [
        pytest.param("MTX 15 mg/m2", True, id="mtx"),
        pytest.param("Cy 60 mg/kg", True, id="cy"),
        pytest.param("Flu/Bu4", True, id="flu-bu"),
        pytest.param("rabbit ATG", True, id="atg"),
        pytest.param("10 µg/kg", True, id="micro-sign"),
        pytest.param("5 mL not 5 cc", True, id="cc"),
        pytest.param("10,000 IU", True, id="iu"),
        pytest.param("10 U daily", True, id="u"),
        pytest.param("Flucytosine and vaccine and influenza", False, id="words-containing"),
        pytest.param("BuCy2 and 10 mcg/kg", False, id="regimen-name"),
    ],
)
def test_banned_pattern_itself(text: str, banned: bool) -> None:
    assert bool(BANNED.search(text)) is banned


def test_conditioning_templates_hold_the_day0_infusion(protocols: dict[str, Protocol]) -> None:
    for proto in protocols.values():
        if proto.category != "conditioning":
            continue
        infusions = [s for s in proto.steps if s.phase is Phase.INFUSION]
        assert len(infusions) == 1, proto.id
        assert infusions[0].days == (0,), proto.id
        assert infusions[0].regimen_tied, proto.id
        assert proto.intensity in ("", "MAC", "RIC", "NMA")


def test_chemotherapy_steps_are_regimen_tied(protocols: dict[str, Protocol]) -> None:
    chemo = {
        "melphalan",
        "carmustine",
        "etoposide",
        "cytarabine",
        "busulfan",
        "cyclophosphamide",
        "fludarabine",
        "methotrexate",
        "mesna",
    }
    loose = [
        f"{p.id}/{s.id}"
        for p in protocols.values()
        for s in p.steps
        if s.drug in chemo and not s.regimen_tied
    ]
    assert loose == []


def test_every_medication_names_its_drug_and_every_dose_has_a_route_or_is_radiation(
    protocols: dict[str, Protocol],
) -> None:
    for proto in protocols.values():
        for st in proto.steps:
            if st.kind is StepKind.MEDICATION:
                assert st.drug, f"{proto.id}/{st.id}"
            if st.dose is not None and st.dose.unit != "Gy":
                assert st.dose.route, f"{proto.id}/{st.id}"


def test_every_template_instantiates_inside_ten_years(protocols: dict[str, Protocol]) -> None:
    for proto in protocols.values():
        plan = instantiate(proto, DAY0)
        occurrences = list(plan.occurrences())
        assert occurrences, proto.id
        assert all(abs(o.day) <= 3650 for o in occurrences), proto.id


# --- day grids (the regimen library, guideline or label each template's source names) ----------

DAY_GRIDS = [
    pytest.param("mel200-auto", "melphalan", [-2], id="mel200-melphalan"),
    pytest.param("mel200-auto", "filgrastim", list(range(5, 15)), id="mel200-filgrastim"),
    pytest.param("mel140-auto", "melphalan", [-2], id="mel140-melphalan"),
    pytest.param("beam-auto", "carmustine", [-6], id="beam-carmustine"),
    pytest.param("beam-auto", "etoposide", [-5, -4, -3, -2], id="beam-etoposide"),
    pytest.param("beam-auto", "cytarabine", [-5, -4, -3, -2], id="beam-cytarabine"),
    pytest.param("beam-auto", "melphalan", [-1], id="beam-melphalan"),
    pytest.param("beam-auto", "filgrastim", list(range(5, 15)), id="beam-filgrastim"),
    pytest.param("bucy2-allo", "seizure-prophylaxis", list(range(-8, -1)), id="bucy2-seizure"),
    pytest.param("bucy2-allo", "busulfan", [-7, -6, -5, -4], id="bucy2-busulfan"),
    pytest.param("bucy2-allo", "cyclophosphamide", [-3, -2], id="bucy2-cyclophosphamide"),
    pytest.param("bucy2-allo", "mesna", [-3, -2], id="bucy2-mesna"),
    pytest.param("bucy2-allo", "infusion", [0], id="bucy2-infusion"),
    # Until 48 hours after the last busulfan dose (Day -2): through Day 0.
    pytest.param("flu-bu4-allo", "seizure-prophylaxis", list(range(-6, 1)), id="fb4-seizure"),
    pytest.param("flu-bu4-allo", "fludarabine", [-5, -4, -3, -2], id="fb4-fludarabine"),
    pytest.param("flu-bu4-allo", "busulfan", [-5, -4, -3, -2], id="fb4-busulfan"),
    pytest.param("flu-bu4-atg-allo", "anti-thymocyte-globulin", [-3, -2, -1], id="fb4-atg"),
    pytest.param("flu-bu4-atg-allo", "atg-premedication", [-3, -2, -1], id="fb4-atg-premed"),
    pytest.param("flu-bu2-allo", "fludarabine", [-5, -4, -3, -2], id="fb2-fludarabine"),
    pytest.param("flu-bu2-allo", "busulfan", [-3, -2], id="fb2-busulfan"),
    pytest.param("flu-mel-allo", "fludarabine", [-7, -6, -5, -4, -3], id="flumel-fludarabine"),
    pytest.param("flu-mel-allo", "melphalan", [-2], id="flumel-melphalan"),
    pytest.param("cy-tbi-allo", "cyclophosphamide", [-6, -5], id="cytbi-cyclophosphamide"),
    pytest.param("cy-tbi-allo", "total-body-irradiation", [-3, -2, -1], id="cytbi-tbi"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "fludarabine", [-6, -5, -4, -3, -2], id="haplo-flu"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "cyclophosphamide-pre", [-6, -5], id="haplo-cy-pre"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "total-body-irradiation", [-1], id="haplo-tbi"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "infusion", [0], id="haplo-infusion"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "cyclophosphamide-post", [3, 4], id="haplo-ptcy"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "mesna", [3, 4], id="haplo-mesna"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "tacrolimus", [5], id="haplo-tacrolimus"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "mycophenolate", list(range(5, 36)), id="haplo-mmf"),
    pytest.param("tbi2-nma-allo", "total-body-irradiation", [0], id="nma-tbi"),
    pytest.param("tbi2-nma-allo", "fludarabine", [-4, -3, -2], id="nma-fludarabine"),
    pytest.param("ciclosporin-mmf-nma-gvhd", "ciclosporin", [-3], id="nma-ciclosporin"),
    pytest.param("ciclosporin-mmf-nma-gvhd", "mycophenolate", [0], id="nma-mmf"),
    pytest.param("ciclosporin-methotrexate-gvhd", "ciclosporin", [-1], id="csa-start"),
    pytest.param("ciclosporin-methotrexate-gvhd", "methotrexate-day1", [1], id="mtx-day1"),
    pytest.param("ciclosporin-methotrexate-gvhd", "methotrexate-later", [3, 6, 11], id="mtx-later"),
    pytest.param("tacrolimus-methotrexate-gvhd", "tacrolimus", [-3], id="tac-mtx-start"),
    pytest.param("tacrolimus-methotrexate-gvhd", "methotrexate-later", [3, 6, 11], id="tac-mtx"),
    pytest.param("tacrolimus-mini-methotrexate-gvhd", "tacrolimus", [-2], id="mini-tac"),
    pytest.param("tacrolimus-mini-methotrexate-gvhd", "methotrexate", [1, 3, 6, 11], id="mini-mtx"),
    pytest.param("ptcy-tacrolimus-mmf-gvhd", "cyclophosphamide", [3, 4], id="ptcy-cy"),
    pytest.param("ptcy-tacrolimus-mmf-gvhd", "tacrolimus", [5], id="ptcy-tacrolimus"),
    pytest.param("grafalon-atg-gvhd", "anti-thymocyte-globulin", [-3, -2, -1], id="grafalon"),
    pytest.param("supportive-care-allo", "aciclovir", [-7], id="allo-aciclovir-default"),
    pytest.param("supportive-care-allo", "ursodeoxycholic-acid", [-8], id="allo-urso"),
    pytest.param("supportive-care-allo", "ursodeoxycholic-acid-stop", [90], id="allo-urso-stop"),
    pytest.param("supportive-care-allo", "letermovir", [0], id="letermovir-start"),
    pytest.param("supportive-care-allo", "letermovir-stop", [100], id="letermovir-stop"),
    pytest.param("supportive-care-allo", "cmv-pcr", list(range(0, 101, 7)), id="cmv-weekly"),
    pytest.param("supportive-care-allo", "pneumocystis-prophylaxis", [30], id="pjp"),
    pytest.param("supportive-care-auto", "aciclovir", [-2], id="auto-aciclovir-default"),
    pytest.param("follow-up-auto", "registry-pre-ted", [0], id="auto-pre-ted"),
    pytest.param("follow-up-auto", "day30-visit", [30], id="auto-day30"),
    pytest.param("follow-up-auto", "day100-restaging", [100], id="auto-day100"),
    pytest.param("follow-up-auto", "zoster-vaccine", [60, 120], id="auto-zoster"),
    pytest.param("follow-up-allo", "chimerism", [30, 100], id="allo-chimerism"),
    pytest.param("follow-up-allo", "registry-day100", [100], id="allo-form-100"),
    pytest.param("follow-up-allo", "registry-6-month", [180], id="allo-form-6m"),
    pytest.param("follow-up-allo", "registry-1-year", [365], id="allo-form-1y"),
    pytest.param("follow-up-allo", "pneumococcal-vaccine", [90, 120, 150], id="allo-pcv"),
    pytest.param("follow-up-allo", "live-vaccines-check", [730], id="allo-live-vaccines"),
]


@pytest.mark.parametrize(("template_id", "step_id", "days"), DAY_GRIDS)
def test_day_grid(
    protocols: dict[str, Protocol], template_id: str, step_id: str, days: list[int]
) -> None:
    plan = _plan(protocols, template_id)
    assert _days(plan, template_id, step_id) == days
    assert _dates(plan, template_id, step_id) == [DAY0 + dt.timedelta(days=d) for d in days]


@pytest.mark.parametrize(
    ("template_id", "step_id", "dates"),
    [
        pytest.param(
            "bucy2-allo",
            "busulfan",
            [dt.date(2026, 3, 3), dt.date(2026, 3, 4), dt.date(2026, 3, 5), dt.date(2026, 3, 6)],
            id="bucy2-busulfan",
        ),
        pytest.param(
            "bucy2-allo",
            "cyclophosphamide",
            [dt.date(2026, 3, 7), dt.date(2026, 3, 8)],
            id="bucy2-cyclophosphamide",
        ),
        pytest.param("mel200-auto", "melphalan", [dt.date(2026, 3, 8)], id="mel200"),
        pytest.param(
            "ciclosporin-methotrexate-gvhd",
            "methotrexate-later",
            [dt.date(2026, 3, 13), dt.date(2026, 3, 16), dt.date(2026, 3, 21)],
            id="methotrexate",
        ),
        pytest.param(
            "haplo-flu-cy-tbi-ptcy",
            "cyclophosphamide-post",
            [dt.date(2026, 3, 13), dt.date(2026, 3, 14)],
            id="haplo-ptcy",
        ),
        pytest.param("follow-up-allo", "registry-day100", [dt.date(2026, 6, 18)], id="day100"),
        pytest.param("follow-up-allo", "registry-1-year", [dt.date(2027, 3, 10)], id="one-year"),
    ],
)
def test_calendar_dates(
    protocols: dict[str, Protocol], template_id: str, step_id: str, dates: list[dt.date]
) -> None:
    assert _dates(_plan(protocols, template_id), template_id, step_id) == dates


@pytest.mark.parametrize(
    "template_id",
    ["haplo-flu-cy-tbi-ptcy", "ptcy-tacrolimus-mmf-gvhd"],
)
def test_ptcy_rule_no_calcineurin_inhibitor_or_mmf_before_day_5(
    protocols: dict[str, Protocol],
    template_id: str,
) -> None:
    """Luznik et al. 2008 PTCy platform: CNI and MMF must not start before Day +5."""
    plan = _plan(protocols, template_id)
    immuno = {"tacrolimus", "ciclosporin", "mycophenolate mofetil"}
    occ = [o for o in plan.occurrences() if o.drug in immuno]
    assert {o.drug for o in occ} == {"tacrolimus", "mycophenolate mofetil"}
    assert min(o.day for o in occ) == 5
    ptcy_days = [o.day for o in plan.occurrences() if o.drug == "cyclophosphamide" and o.day > 0]
    assert ptcy_days == [3, 4]
    assert max(ptcy_days) < min(o.day for o in occ)


# --- mobilisation anchors ----------------------------------------------------------------------

MOBILISATION = [
    pytest.param("gcsf-mobilisation-auto", "mobilisation", "apheresis", -35, id="auto-gcsf"),
    pytest.param(
        "gcsf-plerixafor-mobilisation-auto", "mobilisation", "apheresis", -35, id="auto-plerixafor"
    ),
    pytest.param(
        "donor-pbsc-mobilisation-allo", "donor-mobilisation", "donor-apheresis", -4, id="donor"
    ),
]


@pytest.mark.parametrize(("template_id", "anchor", "apheresis", "default_day"), MOBILISATION)
def test_mobilisation_anchor_is_mday_numbered(
    protocols: dict[str, Protocol],
    template_id: str,
    anchor: str,
    apheresis: str,
    default_day: int,
) -> None:
    proto = protocols[template_id]
    assert proto.category == "mobilisation"
    adef = proto.anchors[anchor]
    assert adef.numbering == "mday"
    assert adef.default_day == default_day
    assert proto.step(apheresis).days == (5,)
    assert proto.step(apheresis).phase is Phase.COLLECTION


@pytest.mark.parametrize(("template_id", "anchor", "apheresis", "default_day"), MOBILISATION)
def test_apheresis_on_mday5_is_anchor_plus_4_days(
    protocols: dict[str, Protocol],
    template_id: str,
    anchor: str,
    apheresis: str,
    default_day: int,
) -> None:
    first_dose = dt.date(2026, 1, 20)
    plan = instantiate(protocols[template_id], DAY0, {anchor: first_dose})
    (occ,) = list(plan.step_occurrences(plan.step(f"{template_id}/{apheresis}")))
    assert occ.date == dt.date(2026, 1, 24)
    assert occ.label == "M-Day 5"
    # left at its default, the anchor follows Day 0
    default_plan = instantiate(protocols[template_id], DAY0)
    (occ,) = list(default_plan.step_occurrences(default_plan.step(f"{template_id}/{apheresis}")))
    assert occ.day == default_day + 4


def test_donor_apheresis_defaults_to_day0(protocols: dict[str, Protocol]) -> None:
    plan = _plan(protocols, "donor-pbsc-mobilisation-allo")
    assert _dates(plan, "donor-pbsc-mobilisation-allo", "donor-apheresis") == [DAY0]
    assert _days(plan, "donor-pbsc-mobilisation-allo", "donor-filgrastim") == [-4, -3, -2, -1, 0]
    # dosed on donor weight: never a per-kg dose computed from the recipient's plan
    assert protocols["donor-pbsc-mobilisation-allo"].step("donor-filgrastim").dose is None


@pytest.mark.parametrize(
    ("template_id", "step_id", "mdays"),
    [
        pytest.param("gcsf-mobilisation-auto", "filgrastim", [1, 2, 3, 4], id="auto-filgrastim"),
        pytest.param("gcsf-mobilisation-auto", "cd34-count", [5], id="auto-cd34"),
        pytest.param(
            "gcsf-plerixafor-mobilisation-auto",
            "filgrastim",
            [1, 2, 3, 4],
            id="plerixafor-filgrastim",
        ),
        pytest.param("gcsf-plerixafor-mobilisation-auto", "plerixafor", [4], id="plerixafor"),
        pytest.param(
            "gcsf-plerixafor-mobilisation-auto",
            "filgrastim-apheresis-days",
            [5],
            id="plerixafor-filgrastim-morning",
        ),
    ],
)
def test_mobilisation_days(
    protocols: dict[str, Protocol], template_id: str, step_id: str, mdays: list[int]
) -> None:
    first_dose = dt.date(2026, 2, 1)
    plan = instantiate(protocols[template_id], DAY0, {"mobilisation": first_dose})
    occ = list(plan.step_occurrences(plan.step(f"{template_id}/{step_id}")))
    assert [o.anchor_day for o in occ] == mdays
    assert [o.date for o in occ] == [first_dose + dt.timedelta(days=m - 1) for m in mdays]
    assert [o.label for o in occ] == [f"M-Day {m}" for m in mdays]


def test_plerixafor_is_evening_before_apheresis(protocols: dict[str, Protocol]) -> None:
    step = protocols["gcsf-plerixafor-mobilisation-auto"].step("plerixafor")
    assert step.dose is not None
    assert "evening" in step.dose.frequency
    assert step.days == (
        protocols["gcsf-plerixafor-mobilisation-auto"].step("apheresis").days[0] - 1,
    )


# --- dose rules (amount, unit, per) -----------------------------------------------------------

M2, KG, FLAT = DoseBasis.PER_M2, DoseBasis.PER_KG, DoseBasis.FLAT

DOSES = [
    pytest.param("mel200-auto", "melphalan", 200, "mg", M2, id="mel200"),
    pytest.param("mel140-auto", "melphalan", 140, "mg", M2, id="mel140"),
    pytest.param("beam-auto", "carmustine", 300, "mg", M2, id="beam-carmustine"),
    pytest.param("beam-auto", "etoposide", 200, "mg", M2, id="beam-etoposide"),
    pytest.param("beam-auto", "cytarabine", 200, "mg", M2, id="beam-cytarabine"),
    pytest.param("beam-auto", "melphalan", 140, "mg", M2, id="beam-melphalan"),
    pytest.param("beam-auto", "filgrastim", 5, "mcg", KG, id="beam-filgrastim"),
    pytest.param("bucy2-allo", "busulfan", 3.2, "mg", KG, id="bucy2-busulfan"),
    pytest.param("bucy2-allo", "cyclophosphamide", 60, "mg", KG, id="bucy2-cyclophosphamide"),
    pytest.param("bucy2-allo", "mesna", 60, "mg", KG, id="bucy2-mesna"),
    pytest.param("bucy2-allo", "seizure-prophylaxis", 1000, "mg", FLAT, id="levetiracetam"),
    pytest.param("flu-bu4-allo", "fludarabine", 40, "mg", M2, id="fb4-fludarabine"),
    pytest.param("flu-bu4-allo", "busulfan", 3.2, "mg", KG, id="fb4-busulfan"),
    pytest.param("flu-bu4-allo", "seizure-prophylaxis", 1, "mg", FLAT, id="clonazepam"),
    pytest.param("flu-bu4-atg-allo", "atg-premedication", 1, "mg", KG, id="methylprednisolone"),
    pytest.param("flu-bu2-allo", "fludarabine", 30, "mg", M2, id="fb2-fludarabine"),
    pytest.param("flu-bu2-allo", "busulfan", 0.8, "mg", KG, id="fb2-busulfan"),
    pytest.param("flu-mel-allo", "fludarabine", 25, "mg", M2, id="flumel-fludarabine"),
    pytest.param("flu-mel-allo", "melphalan", 140, "mg", M2, id="flumel-melphalan"),
    pytest.param("cy-tbi-allo", "cyclophosphamide", 60, "mg", KG, id="cytbi-cyclophosphamide"),
    pytest.param("cy-tbi-allo", "total-body-irradiation", 2, "Gy", FLAT, id="cytbi-tbi"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "fludarabine", 30, "mg", M2, id="haplo-flu"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "cyclophosphamide-pre", 14.5, "mg", KG, id="haplo-cy"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "total-body-irradiation", 2, "Gy", FLAT, id="haplo-tbi"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "cyclophosphamide-post", 50, "mg", KG, id="haplo-ptcy"),
    pytest.param("haplo-flu-cy-tbi-ptcy", "mycophenolate", 15, "mg", KG, id="haplo-mmf"),
    pytest.param("tbi2-nma-allo", "total-body-irradiation", 2, "Gy", FLAT, id="nma-tbi"),
    pytest.param("tbi2-nma-allo", "fludarabine", 30, "mg", M2, id="nma-fludarabine"),
    pytest.param("gcsf-mobilisation-auto", "filgrastim", 10, "mcg", KG, id="mob-filgrastim"),
    pytest.param(
        "gcsf-plerixafor-mobilisation-auto", "plerixafor", 0.24, "mg", KG, id="plerixafor"
    ),
    pytest.param("ciclosporin-methotrexate-gvhd", "ciclosporin", 1.5, "mg", KG, id="ciclosporin"),
    pytest.param("ciclosporin-methotrexate-gvhd", "methotrexate-day1", 15, "mg", M2, id="mtx-15"),
    pytest.param("ciclosporin-methotrexate-gvhd", "methotrexate-later", 10, "mg", M2, id="mtx-10"),
    pytest.param(
        "tacrolimus-methotrexate-gvhd", "methotrexate-day1", 15, "mg", M2, id="tac-mtx-15"
    ),
    pytest.param(
        "tacrolimus-mini-methotrexate-gvhd", "tacrolimus", 0.03, "mg", KG, id="mini-tacrolimus"
    ),
    pytest.param("tacrolimus-mini-methotrexate-gvhd", "methotrexate", 5, "mg", M2, id="mini-mtx"),
    pytest.param("ptcy-tacrolimus-mmf-gvhd", "cyclophosphamide", 50, "mg", KG, id="ptcy"),
    pytest.param("grafalon-atg-gvhd", "anti-thymocyte-globulin", 10, "mg", KG, id="grafalon"),
    pytest.param("supportive-care-allo", "ursodeoxycholic-acid", 12, "mg", KG, id="urso"),
    pytest.param("supportive-care-allo", "letermovir", 480, "mg", FLAT, id="letermovir"),
    pytest.param("supportive-care-allo", "fluconazole", 400, "mg", FLAT, id="fluconazole"),
    pytest.param("supportive-care-allo", "levofloxacin", 500, "mg", FLAT, id="levofloxacin"),
]


@pytest.mark.parametrize(("template_id", "step_id", "amount", "unit", "per"), DOSES)
def test_dose_rule(
    protocols: dict[str, Protocol],
    template_id: str,
    step_id: str,
    amount: float,
    unit: str,
    per: DoseBasis,
) -> None:
    dose = protocols[template_id].step(step_id).dose
    assert dose is not None
    assert (dose.amount, dose.unit, dose.per) == (amount, unit, per)


@pytest.mark.parametrize(
    ("template_id", "step_id", "order_text"),
    [
        pytest.param("bucy2-allo", "busulfan", "3.2 mg/kg", id="busulfan"),
        pytest.param(
            "gcsf-plerixafor-mobilisation-auto",
            "plerixafor",
            "0.24 mg/kg",
            id="plerixafor-leading-zero",
        ),
        pytest.param("haplo-flu-cy-tbi-ptcy", "total-body-irradiation", "2 Gy", id="tbi"),
        pytest.param("mel200-auto", "melphalan", "200 mg/m2", id="no-trailing-zero"),
    ],
)
def test_order_text(
    protocols: dict[str, Protocol], template_id: str, step_id: str, order_text: str
) -> None:
    dose = protocols[template_id].step(step_id).dose
    assert dose is not None
    assert dose.order_text == order_text


def test_plerixafor_uses_actual_weight_and_40_mg_cap(protocols: dict[str, Protocol]) -> None:
    dose = protocols["gcsf-plerixafor-mobilisation-auto"].step("plerixafor").dose
    assert dose is not None
    assert dose.weight is WeightType.ACTUAL
    assert dose.max_dose == 40


def test_letermovir_start_window_is_28_days(protocols: dict[str, Protocol]) -> None:
    step = protocols["supportive-care-allo"].step("letermovir")
    assert (step.window_before, step.window_after) == (0, 28)
    assert "240 mg" in step.notes  # with ciclosporin


def test_supportive_care_anchor_can_be_set_to_real_conditioning_start(
    protocols: dict[str, Protocol],
) -> None:
    start = dt.date(2026, 3, 4)  # Day -6, e.g. BEAM
    plan = instantiate(protocols["supportive-care-auto"], DAY0, {"conditioning-start": start})
    assert _dates(plan, "supportive-care-auto", "aciclovir") == [start]
    assert _days(plan, "supportive-care-auto", "aciclovir") == [-6]


def test_registry_forms_are_registry_kind(protocols: dict[str, Protocol]) -> None:
    for template_id in ("follow-up-auto", "follow-up-allo"):
        forms = {
            s.id: s.days for s in protocols[template_id].steps if s.kind is StepKind.REGISTRY_FORM
        }
        assert forms["registry-pre-ted"] == (0,)
        assert forms["registry-day100"] == (100,)
        assert forms["registry-6-month"] == (180,)
        assert forms["registry-1-year"] == (365,)
        assert forms["registry-annual"][0] == 730


def test_unverified_day_grids_say_so(protocols: dict[str, Protocol]) -> None:
    """No source confirms these grids; the template must say "unverified" where it is read."""
    for template_id, step_id in [
        ("cy-tbi-allo", "total-body-irradiation"),
        ("cy-tbi-allo", "cyclophosphamide"),
        ("haplo-flu-cy-tbi-ptcy", "fludarabine"),
        ("flu-bu2-allo", "busulfan"),
        ("tbi2-nma-allo", "fludarabine"),
    ]:
        assert "unverified" in protocols[template_id].step(step_id).notes, (template_id, step_id)
    assert "unverified" in protocols["cy-tbi-allo"].description
