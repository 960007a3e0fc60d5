"""Templates as FHIR PlanDefinitions: every bundled template survives the round trip, the
days travel as relatedAction offsets to the Day 0 action, and what is not a PlanDefinition
this planner wrote is refused with a sentence naming the element."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest
from fhir.resources.R4B.plandefinition import PlanDefinition

from planner.domain.templates import DOSE_UNITS, Protocol, load_protocols, parse_protocol
from planner.errors import TemplateError
from planner.export import plandefinition
from planner.export.plandefinition import (
    ANCHOR_SYSTEM,
    CONDITION_LANGUAGE,
    EXTENSION_BASE,
    PHASE_SYSTEM,
    plan_definition_dict,
    plan_definition_json,
    protocol_from_plan_definition,
    protocol_of_plan_definition,
    protocol_toml,
)
from tests.factories import make_protocol

BUNDLED = load_protocols()
UCUM = "http://unitsofmeasure.org"


def _content(protocol: Protocol) -> Protocol:
    """The template without the fields that describe its file (checksum, origin, path)."""
    return dataclasses.replace(protocol, checksum="", origin="", path="")


def _round_trip(protocol: Protocol) -> Protocol:
    text = protocol_from_plan_definition(plan_definition_json(protocol), "x.json")
    return parse_protocol(text.encode("utf-8"), "x.toml")


def _doc(protocol: Protocol) -> dict[str, Any]:
    return json.loads(plan_definition_json(protocol))


def _refused(doc: Any, *words: str) -> str:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    with pytest.raises(TemplateError) as caught:
        protocol_from_plan_definition(data, "in.json")
    message = str(caught.value)
    assert message.startswith("in.json"), message
    for word in words:
        assert word in message, message
    return message


def _action(doc: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(a for a in doc["action"] if a["id"] == action_id)


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", sorted(BUNDLED))
def test_every_bundled_template_survives_the_plan_definition_round_trip(template_id) -> None:
    protocol = BUNDLED[template_id]
    data = plan_definition_json(protocol)
    PlanDefinition.model_validate_json(data)  # valid R4 (R4B's PlanDefinition is R4's)
    back = _round_trip(protocol)
    assert _content(back) == _content(protocol)
    # Field by field, so that a difference names its step.
    for before, after in zip(protocol.steps, back.steps, strict=True):
        assert after == before, before.id
    assert plan_definition_json(back) == data  # and the second export is the same bytes


@pytest.mark.parametrize("template_id", sorted(BUNDLED))
def test_every_bundled_template_survives_its_own_toml_text(template_id) -> None:
    protocol = BUNDLED[template_id]
    again = parse_protocol(protocol_toml(protocol).encode("utf-8"), "x.toml")
    assert _content(again) == _content(protocol)


def test_the_parsed_protocol_keeps_the_checksum_of_the_text_it_was_read_from() -> None:
    protocol = BUNDLED["mel200-auto"]
    data = plan_definition_json(protocol)
    text = protocol_from_plan_definition(data)
    parsed = protocol_of_plan_definition(data, "mel200.json")
    assert parsed.origin == "local" and parsed.path == "mel200.json"
    assert parsed.checksum == parse_protocol(text.encode("utf-8"), "t").checksum
    assert parsed.checksum != protocol.checksum  # a different file: the one field that differs


EVERY_FORM = """\
schema = 1
id = "every-form"
version = "2.1-local"
title = "Every \\"form\\" of a template: back\\\\slash, tab\\there"
category = "conditioning"
transplant_types = ["allogeneic", "autologous"]
graft_sources = ["cord", "pbsc", "marrow"]
review_status = "locally approved"
source = "Unit test: ünïcödé, ½, 日本語, and a line\\nbreak"
intensity = "RIC"
description = "Multi\\nline \\"description\\"."

[anchors.mobilisation]
default_day = -40
label = "first G-CSF dose (M-Day 1)"
numbering = "mday"

[anchors.conditioning-start]
default_day = -9

[[steps]]
id = "pre-mobilisation"
title = "Before mobilisation"
phase = "work-up"
kind = "visit"
anchor = "mobilisation"
days = [-3, -1]

[[steps]]
id = "gcsf"
title = "Filgrastim"
phase = "mobilisation"
kind = "medication"
anchor = "mobilisation"
from = 1
to = 9
every = 2
drug = "filgrastim"
dose = { amount = 10, unit = "mcg", per = "kg", weight = "adjusted25", route = "SC", frequency = "once daily" }

[[steps]]
id = "chemo"
title = "Fludarabine"
phase = "conditioning"
kind = "medication"
anchor = "conditioning-start"
from = 0
to = 4
regimen_tied = true
drug = "fludarabine"
dose = { amount = 30, unit = "mg", per = "m2", bsa_cap_m2 = 2.2, route = "IV", max_dose = 66.5 }

[[steps]]
id = "busulfan"
title = "Busulfan by weight band"
phase = "conditioning"
kind = "medication"
days = [-6, -5]
drug = "busulfan"
dose = { per = "kg", unit = "mg", route = "IV", frequency = "every 6 hours", bands = [{ below_kg = 9, amount = 1.0 }, { at_least_kg = 9, below_kg = 16, amount = 1.2 }, { at_least_kg = 16, up_to_kg = 23, amount = 1.1 }, { above_kg = 23, up_to_kg = 34, amount = 0.95 }, { above_kg = 34, amount = 0.8 }] }

[[steps]]
id = "atg"
title = "Anti-thymocyte globulin"
phase = "conditioning"
kind = "medication"
day = -2
dose = { amount = 2.5, unit = "units", per = "flat" }

[[steps]]
id = "cells"
title = "Cell infusion"
phase = "infusion"
kind = "procedure"
day = 0
dose = { amount = 120, unit = "mL", per = "flat" }

[[steps]]
id = "tbi"
title = "Total body irradiation"
phase = "conditioning"
kind = "procedure"
day = -1
dose = { amount = 2, unit = "Gy", per = "flat", frequency = "single fraction" }

[[steps]]
id = "g-dose"
title = "A dose in grams"
phase = "supportive-care"
kind = "medication"
day = 1
drug = "mesna"
dose = { amount = 1.5, unit = "g", per = "m2", weight = "ideal" }

[[steps]]
id = "letermovir"
title = "Letermovir"
phase = "supportive-care"
kind = "medication"
from = 1
to = 100
drug = "letermovir"
until = "Day +100"
when = { rule = "letermovir-cmv-seropositive", any = [{ fact = "recipient_cmv", is = ["positive"] }, { fact = "graft_source", is = ["cord", "marrow"] }] }

[[steps]]
id = "adult-check"
title = "Adult review"
phase = "follow-up"
kind = "visit"
day = 100
window_before = 3
window_after = 7
when = { rule = "adults", any = [{ fact = "age", at_least = 18, below = 65.5 }, { fact = "age", below = 2 }, { fact = "age", at_least = 70 }] }
notes = "Notes with \\"quotes\\" and a\\ttab."
patient_text = "You come to clinic."

[[steps]]
id = "marrow"
title = "Marrow"
phase = "follow-up"
kind = "lab"
day = 28
window = 3

[[steps]]
id = "registry"
title = "Registry form"
phase = "follow-up"
kind = "registry-form"
days = [100, 365, 730]

[[steps]]
id = "education"
title = "Teaching"
phase = "work-up"
kind = "education"
days = [-30, -20, -19]

[[steps]]
id = "checklist"
title = "Checklist"
phase = "work-up"
kind = "checklist"
day = -3650
"""


def test_a_template_with_every_dose_form_band_anchor_and_condition_survives() -> None:
    protocol = make_protocol(EVERY_FORM)
    assert len(protocol.step("busulfan").dose.bands) == 5  # type: ignore[union-attr]
    back = _round_trip(protocol)
    assert _content(back) == _content(protocol)
    for before, after in zip(protocol.steps, back.steps, strict=True):
        assert after == before, before.id
    assert back.anchors == protocol.anchors
    assert back.review_status == "locally approved"


def test_doses_are_fhir_dosages_of_contained_activity_definitions() -> None:
    doc = _doc(make_protocol(EVERY_FORM))
    contained = {r["id"]: r for r in doc["contained"]}
    assert _action(doc, "gcsf")["definitionCanonical"] == "#ad-gcsf"
    gcsf = contained["ad-gcsf"]
    assert gcsf["kind"] == "MedicationRequest"
    assert gcsf["productCodeableConcept"] == {"text": "filgrastim"}
    [dosage] = gcsf["dosage"]
    assert dosage["doseAndRate"][0]["doseQuantity"] == {
        "value": 10.0,
        "unit": "mcg/kg",
        "system": UCUM,
        "code": "ug/kg",
    }
    assert dosage["route"] == {"text": "SC"}
    assert dosage["timing"] == {"code": {"text": "once daily"}}
    assert dosage["extension"] == [
        {"url": EXTENSION_BASE + "dose-weight", "valueCode": "adjusted25"}
    ]
    [chemo] = contained["ad-chemo"]["dosage"]
    assert chemo["maxDosePerAdministration"]["value"] == 66.5
    assert chemo["doseAndRate"][0]["doseQuantity"]["code"] == "mg/m2"
    [busulfan] = contained["ad-busulfan"]["dosage"]
    assert busulfan["doseAndRate"][0]["doseRange"]["low"]["value"] == 0.8
    assert busulfan["doseAndRate"][0]["doseRange"]["high"]["value"] == 1.2
    bands = [e for e in busulfan["extension"] if e["url"].endswith("dose-weight-band")]
    assert bands[1]["extension"] == [
        {"url": "amount", "valueDecimal": 1.2},
        {"url": "at-least-kg", "valueDecimal": 9.0},
        {"url": "below-kg", "valueDecimal": 16.0},
    ]
    assert contained["ad-tbi"]["kind"] == "ServiceRequest"
    assert contained["ad-atg"]["dosage"][0]["doseAndRate"][0]["doseQuantity"]["code"] == "[iU]"
    assert "definitionCanonical" not in _action(doc, "marrow")  # no drug, no dose


def test_days_are_related_actions_offset_from_the_day0_action() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    day0 = doc["action"][0]
    assert day0["id"] == "Day0"
    assert day0["code"][0]["coding"] == [{"system": ANCHOR_SYSTEM, "code": "day0"}]
    melphalan = _action(doc, "melphalan")
    step = BUNDLED["mel200-auto"].step("melphalan")
    expected = [
        {
            "actionId": "Day0",
            "relationship": "before-start" if day < 0 else "after-start",
            "offsetDuration": {
                "value": abs(day),
                "unit": "d" if abs(day) == 1 else "days",
                "system": UCUM,
                "code": "d",
            },
        }
        for day in step.days
    ]
    assert melphalan["relatedAction"] == expected
    codes = {c["coding"][0]["system"]: c["coding"][0]["code"] for c in melphalan["code"]}
    assert codes[PHASE_SYSTEM] == "conditioning"
    # No copy of the days anywhere else.
    assert "day" not in json.dumps(melphalan.get("extension", [])).lower()


def test_mobilisation_days_count_from_the_anchor_action_in_m_days() -> None:
    protocol = make_protocol(EVERY_FORM)
    doc = _doc(protocol)
    anchor = _action(doc, "Anchor-mobilisation")
    assert anchor["relatedAction"] == [
        {
            "actionId": "Day0",
            "relationship": "before-start",
            "offsetDuration": {"value": 40, "unit": "days", "system": UCUM, "code": "d"},
        }
    ]
    assert anchor["extension"] == [
        {"url": EXTENSION_BASE + "anchor-numbering", "valueCode": "mday"}
    ]
    gcsf = _action(doc, "gcsf")  # M-Days 1, 3, 5, 7, 9: 0, 2, 4, 6, 8 days after M-Day 1
    assert gcsf["relatedAction"][0] == {
        "actionId": "Anchor-mobilisation",
        "relationship": "concurrent-with-start",
    }
    assert [r["offsetDuration"]["value"] for r in gcsf["relatedAction"][1:]] == [2, 4, 6, 8]
    before = _action(doc, "pre-mobilisation")  # M-Day -3 and -1: 3 and 1 days before M-Day 1
    assert [(r["relationship"], r["offsetDuration"]["value"]) for r in before["relatedAction"]] == [
        ("before-start", 3),
        ("before-start", 1),
    ]


def test_the_import_reads_the_days_from_the_offsets() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    melphalan = _action(doc, "melphalan")
    melphalan["relatedAction"] = [
        {
            "actionId": "Day0",
            "relationship": "before-start",
            "offsetDuration": {"value": 3, "unit": "days", "system": UCUM, "code": "d"},
        },
        {"actionId": "Day0", "relationship": "concurrent-with-start"},
    ]
    protocol = protocol_of_plan_definition(json.dumps(doc).encode())
    assert protocol.step("melphalan").days == (-3, 0)


def test_conditions_are_applicability_expressions_named_by_their_rule() -> None:
    doc = _doc(make_protocol(EVERY_FORM))
    [condition] = _action(doc, "adult-check")["condition"]
    assert condition["kind"] == "applicability"
    expression = condition["expression"]
    assert expression["language"] == CONDITION_LANGUAGE
    assert expression["name"] == "adults"
    assert expression["expression"] == "age >= 18 and age < 65.5 or age < 2 or age >= 70"
    letermovir = _action(doc, "letermovir")["condition"][0]["expression"]
    assert letermovir["expression"] == (
        "recipient_cmv in (positive) or graft_source in (cord, marrow)"
    )
    assert letermovir["description"] == "recipient CMV IgG positive, or graft source cord or marrow"


def test_the_header_uses_standard_elements() -> None:
    doc = _doc(BUNDLED["bucy4-paediatric-allo"])
    assert doc["id"] == "bucy4-paediatric-allo"
    assert doc["url"].endswith("/PlanDefinition/bucy4-paediatric-allo")
    assert doc["status"] == "draft"  # for local review
    assert doc["title"] == BUNDLED["bucy4-paediatric-allo"].title
    assert doc["relatedArtifact"][0]["type"] == "derived-from"
    topics = [t["coding"][0]["code"] for t in doc["topic"]]
    assert topics == ["conditioning", "MAC"]
    contexts = [u["valueCodeableConcept"]["coding"][0]["code"] for u in doc["useContext"]]
    assert contexts == ["allogeneic", "marrow", "pbsc"]
    # Only the planner's fields that FHIR lacks are extensions, each under the one base.
    urls = {e["url"] for a in doc["action"] for e in a.get("extension", [])}
    assert urls <= {
        EXTENSION_BASE + n
        for n in ("anchor-numbering", "window-before", "window-after", "regimen-tied", "until")
    }


def test_a_long_step_id_keeps_its_action_id_and_a_short_contained_id() -> None:
    long_id = "a" * 64
    protocol = make_protocol(
        f"""
        [anchors.{"b" * 64}]
        default_day = -5

        [[steps]]
        id = "{long_id}"
        title = "Long"
        phase = "conditioning"
        kind = "medication"
        anchor = "{"b" * 64}"
        day = 1
        drug = "x"
        """
    )
    doc = _doc(protocol)
    assert doc["action"][2]["id"] == long_id
    assert doc["action"][2]["definitionCanonical"] == "#ad1"
    assert doc["action"][1]["id"] == "Anchor1"
    assert _content(_round_trip(protocol)) == _content(protocol)


# --- refusals ----------------------------------------------------------------------------


def test_not_json_is_refused() -> None:
    _refused(b"schema = 1\n", "not valid JSON")
    _refused(b"\xff\xfe{}", "not UTF-8")
    _refused(b"[1, 2]", "not a FHIR resource")
    _refused(b"[" * 100_000 + b"]" * 100_000, "not valid JSON")


def test_another_resource_is_refused_by_its_type() -> None:
    _refused({"resourceType": "Patient", "id": "p"}, "is a Patient, not a PlanDefinition")
    _refused({"id": "p"}, "not a FHIR resource")


def test_a_document_that_is_not_a_valid_plan_definition_names_the_element() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    doc["action"][1]["relatedAction"][0]["offsetDuration"]["value"] = "two"
    _refused(doc, "not a valid FHIR R4 PlanDefinition", "action")
    doc = _doc(BUNDLED["mel200-auto"])
    doc["colour"] = "blue"
    _refused(doc, "not a valid FHIR R4 PlanDefinition", "colour")


def test_a_foreign_plan_definition_without_the_day0_action_is_refused() -> None:
    foreign = {
        "resourceType": "PlanDefinition",
        "id": "who-anc",
        "identifier": [{"system": "http://example.org", "value": "x"}],
        "version": "1",
        "title": "Antenatal care",
        "status": "active",
        "topic": [
            {
                "coding": [
                    {
                        "system": "https://transplant-planner.org/fhir/CodeSystem/template-category",
                        "code": "work-up",
                    }
                ]
            }
        ],
        "useContext": [
            {
                "code": {
                    "system": "http://terminology.hl7.org/CodeSystem/usage-context-type",
                    "code": "focus",
                },
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": "https://transplant-planner.org/fhir/CodeSystem/transplant-type",
                            "code": "autologous",
                        }
                    ]
                },
            },
            {
                "code": {
                    "system": "http://terminology.hl7.org/CodeSystem/usage-context-type",
                    "code": "focus",
                },
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": "https://transplant-planner.org/fhir/CodeSystem/graft-source",
                            "code": "pbsc",
                        }
                    ]
                },
            },
        ],
        "relatedArtifact": [{"type": "derived-from", "citation": "A guideline"}],
        "action": [{"id": "first-visit", "title": "First contact"}],
    }
    _refused(foreign, "has no Day 0 action")


def test_a_minimal_foreign_plan_definition_names_its_first_missing_element() -> None:
    foreign = {"resourceType": "PlanDefinition", "status": "active", "title": "x"}
    _refused(foreign, "field 'identifier'", "needs the template id")
    foreign["id"] = "x"
    _refused(foreign, "version", "is missing")
    foreign["version"] = "1"
    _refused(foreign, "field 'topic'", "needs a code of", "template-category")
    _refused({**foreign, "status": "retired"}, "status 'retired'")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda a: a["relatedAction"][0].update(
                offsetDuration={"value": 36, "unit": "h", "system": UCUM, "code": "h"}
            ),
            ("whole number of days", '"code": "h"'),
        ),
        (
            lambda a: a["relatedAction"][0]["offsetDuration"].update(value=1.5),
            ("whole number of days", '"value": 1.5'),
        ),
        (
            lambda a: a["relatedAction"][0]["offsetDuration"].update(value=-2),
            ("0 or more", '"value": -2'),
        ),
        (
            lambda a: a["relatedAction"][0].update(relationship="before-end"),
            ("a template day is a relatedAction", '"before-end"'),
        ),
        (
            lambda a: a["relatedAction"][0].update(
                offsetDuration=None,
                offsetRange={"low": {"value": 1, "unit": "d", "system": UCUM, "code": "d"}},
            ),
            ("offsetRange",),
        ),
        (
            lambda a: a["relatedAction"][0].update(actionId="nowhere"),
            ("to one action", '["nowhere"]'),
        ),
        (lambda a: a.update(relatedAction=[]), ("field 'action[2].relatedAction'", "found []")),
        (
            lambda a: a.update(definitionCanonical="http://example.org/AD/1"),
            ("definitionCanonical",),
        ),
        (
            lambda a: a.update(
                modifierExtension=[{"url": "http://example.org/x", "valueBoolean": True}]
            ),
            ("modifier extension",),
        ),
        (
            lambda a: a.update(extension=[{"url": EXTENSION_BASE + "days", "valueString": "-2"}]),
            ("StructureDefinition/days",),
        ),
        (lambda a: a.update(code=[]), ("needs a code of", "CodeSystem/phase")),
        (lambda a: a.update(action=[{"id": "inner", "title": "x"}]), ("nested actions",)),
    ],
)
def test_a_step_the_planner_cannot_read_is_refused_naming_the_step(change, words) -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    melphalan = _action(doc, "melphalan")
    change(melphalan)
    if (
        melphalan.get("relatedAction")
        and melphalan["relatedAction"][0].get("offsetDuration") is None
    ):
        melphalan["relatedAction"][0].pop("offsetDuration", None)
    message = _refused(doc, *words)
    assert "step 'melphalan'" in message


def test_a_condition_in_another_language_or_form_is_refused() -> None:
    doc = _doc(make_protocol(EVERY_FORM))
    original = copy.deepcopy(doc)
    _action(doc, "letermovir")["condition"][0]["expression"]["language"] = "text/fhirpath"
    _refused(doc, "in the language text/x-transplant-planner-condition", "step 'letermovir'")
    doc = copy.deepcopy(original)
    _action(doc, "letermovir")["condition"][0]["expression"]["expression"] = "%patient.age > 3"
    _refused(doc, "cannot read the clause '%patient.age > 3'")
    doc = copy.deepcopy(original)
    _action(doc, "letermovir")["condition"][0]["kind"] = "start"
    _refused(doc, "one applicability condition")


def test_template_rules_still_apply_to_what_the_plan_definition_says() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    melphalan = _action(doc, "melphalan")
    melphalan["code"][1]["coding"][0]["code"] = "chemotherapy"  # not a phase
    _refused(doc, "step 'melphalan'", "field 'phase'", "'chemotherapy' is not one of")
    doc = _doc(BUNDLED["mel200-auto"])
    melphalan = _action(doc, "melphalan")
    melphalan["relatedAction"].append(copy.deepcopy(melphalan["relatedAction"][0]))
    _refused(doc, "lists the same day twice")
    doc = _doc(BUNDLED["mel200-auto"])
    dosage = next(r for r in doc["contained"] if r["id"] == "ad-melphalan")["dosage"][0]
    dosage["doseAndRate"][0]["doseQuantity"]["code"] = "mmol/m2"
    _refused(doc, '"mmol/m2" is not a template dose unit')


def test_an_anchor_action_must_relate_to_day0() -> None:
    doc = _doc(BUNDLED["gcsf-plerixafor-mobilisation-auto"])
    anchor = _action(doc, "Anchor-mobilisation")
    anchor["relatedAction"] = []
    _refused(doc, "an anchor action relates once to the Day 0 action")


def test_a_lone_surrogate_in_a_text_is_refused() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    data = json.dumps(doc).replace('"Melphalan"', '"Melphalan \\ud800"', 1).encode()
    _refused(data, "not a valid FHIR R4 PlanDefinition", "field 'action[2].title'")


def test_an_oversized_file_is_refused_before_it_is_read() -> None:
    _refused(b" " * (8 * 1024 * 1024 + 1), "limited to 8 MB")


def test_the_export_is_the_same_bytes_every_time() -> None:
    protocol = make_protocol(EVERY_FORM)
    assert plan_definition_json(protocol) == plan_definition_json(protocol)
    assert plan_definition_dict(protocol)["resourceType"] == "PlanDefinition"


def _dosage_of(doc: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(r for r in doc["contained"] if r["id"] == f"ad-{step_id}")["dosage"][0]


def test_a_dose_the_template_cannot_hold_is_refused_naming_the_dosage() -> None:
    protocol = make_protocol(EVERY_FORM)
    doc = _doc(protocol)
    _dosage_of(doc, "chemo")["maxDosePerAdministration"]["code"] = "g"
    _refused(doc, "step 'chemo'", "maxDosePerAdministration", "must be in mg")
    doc = _doc(protocol)
    _dosage_of(doc, "chemo")["extension"][0]["valueQuantity"]["code"] = "cm2"
    _refused(doc, "step 'chemo'", "must be in m2")
    doc = _doc(protocol)
    band = next(
        e for e in _dosage_of(doc, "busulfan")["extension"] if e["url"].endswith("weight-band")
    )
    band["extension"].append({"url": "between-kg", "valueDecimal": 3})
    _refused(doc, "step 'busulfan'", "a weight band", "between-kg")
    doc = _doc(protocol)
    _dosage_of(doc, "busulfan")["extension"] = [
        e for e in _dosage_of(doc, "busulfan")["extension"] if not e["url"].endswith("weight-band")
    ]  # a dose range without its bands
    _refused(doc, "step 'busulfan'", "one doseAndRate")
    doc = _doc(protocol)
    activity = next(r for r in doc["contained"] if r["id"] == "ad-gcsf")
    activity["dosage"].append(copy.deepcopy(activity["dosage"][0]))
    _refused(doc, "step 'gcsf'", "one dosage")
    doc = _doc(protocol)
    _dosage_of(doc, "gcsf")["extension"].append(
        copy.deepcopy(_dosage_of(doc, "gcsf")["extension"][0])
    )
    _refused(doc, "step 'gcsf'", "dose-weight does not belong here, or is given more than once")


def test_anchor_actions_that_cannot_be_read_are_refused() -> None:
    protocol = make_protocol(EVERY_FORM)
    doc = _doc(protocol)
    _action(doc, "Anchor-mobilisation")["extension"][0]["valueCode"] = "weeks"
    _refused(doc, "anchor-numbering must be offset or mday")
    doc = _doc(protocol)
    _action(doc, "Anchor-conditioning-start")["code"] = _action(doc, "Anchor-mobilisation")["code"]
    _refused(doc, "'mobilisation' is used twice")
    doc = _doc(protocol)
    _action(doc, "Day0")["relatedAction"] = [
        {"actionId": "Anchor-mobilisation", "relationship": "concurrent-with-start"}
    ]
    _refused(doc, "the Day 0 action to nothing")


def test_a_plan_definition_with_only_anchors_has_no_step() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    doc["action"] = doc["action"][:1]
    doc.pop("contained")
    _refused(doc, "has no step")


def test_extensions_of_other_publishers_are_ignored() -> None:
    doc = _doc(BUNDLED["mel200-auto"])
    _action(doc, "melphalan").setdefault("extension", []).append(
        {"url": "http://example.org/fhir/StructureDefinition/colour", "valueString": "blue"}
    )
    back = protocol_of_plan_definition(json.dumps(doc).encode())
    assert _content(back) == _content(BUNDLED["mel200-auto"])


def test_every_template_dose_unit_has_its_ucum_code() -> None:
    assert set(plandefinition._UCUM_UNIT) == set(DOSE_UNITS)
