"""Protocol templates as FHIR R4 PlanDefinitions, and PlanDefinitions back as templates.

``plan_definition_json(protocol)`` writes one template as a PlanDefinition (JSON bytes,
validated with the ``fhir.resources`` R4B models, which for PlanDefinition and
ActivityDefinition are the R4 4.0.1 shape). ``protocol_from_plan_definition(data)`` reads
one back as the text of a template file (TOML, schema 1), checked by
``planner.domain.templates.parse_protocol``; ``protocol_of_plan_definition`` gives the
parsed ``Protocol``. For every bundled template, reading back what was written gives the
template again in every field except those that describe the file it was read from:
``checksum`` (the SHA-256 of the file's bytes), ``origin`` and ``path``.

The PlanDefinition
------------------
Standard elements carry everything FHIR has an element for:

* ``id`` and ``identifier`` (system ``TEMPLATE_ID_SYSTEM``): the template id;
  ``url``: ``PLAN_DEFINITION_URL`` + id; ``version``; ``title``; ``description``;
  ``type``: clinical-protocol.
* ``status``: "draft" for a template "for local review", "active" once "locally
  approved" (those are the only two review statuses).
* ``topic``: the wizard category (CodeSystem ``CODE_SYSTEM`` + "template-category") and,
  for conditioning, the intensity (``CODE_SYSTEM`` + "conditioning-intensity": MAC, RIC,
  NMA).
* ``useContext`` (code "focus"): one per transplant type (``CODE_SYSTEM`` +
  "transplant-type") and one per graft source (``CODE_SYSTEM`` + "graft-source"), in the
  template's order.
* ``relatedArtifact``: the source the template paraphrases, type "derived-from", as its
  ``citation``.
* ``action``: first the Day 0 action (id "Day0", code ``CODE_SYSTEM`` + "anchor" |
  "day0"), then one action per declared anchor (id "Anchor-<name>", or "Anchor<n>" for a
  name too long for a FHIR id: upper case, so never a step id; code ``CODE_SYSTEM`` +
  "anchor" | its name; ``title`` its label; one ``relatedAction`` to Day0 with its default
  day as the offset), then one action per step in file order:

  - ``id``: the step id; ``title``; ``description``: the notes for the team;
    ``textEquivalent``: the patient text; ``code``: the step kind (``CODE_SYSTEM`` +
    "step-kind") and the phase (``CODE_SYSTEM`` + "phase"), each with the code as text.
  - ``relatedAction``: one per day of the step, to the action of the step's anchor (the
    Day 0 action, or an anchor action such as the first G-CSF dose): relationship
    "before-start" or "after-start" with ``offsetDuration`` in days (UCUM "d"), or
    "concurrent-with-start" for the anchor's own day. The offset is in plain days from
    the anchor's date (``planner.domain.days.days_after_anchor``): on an anchor numbered
    in mobilisation days, M-Day 1 is the anchor's date (offset 0), M-Day 5 is 4 days
    after it and M-Day -1 one day before it. The days are read back from these offsets
    and from nothing else.
  - ``condition`` (kind "applicability"): the step's ``when``, as an ``Expression`` of
    language ``CONDITION_LANGUAGE`` whose ``name`` is the plan rule and whose
    ``expression`` is the clauses joined by " or ": ``fact in (value, value)``,
    ``age >= 18``, ``age < 60`` or ``age >= 18 and age < 60``; ``description`` is the
    condition in English words.
  - ``definitionCanonical``: "#" + the id of a contained ``ActivityDefinition`` ("ad-" +
    the step id, or "ad<n>" when too long) when the step names a drug or has a dose: ``productCodeableConcept.text`` the drug, ``kind``
    MedicationRequest (medication steps) or ServiceRequest, and one ``dosage``:
    ``doseAndRate.doseQuantity`` (the amount per basis in UCUM: "mg/m2", "ug/kg", "Gy";
    the template's "units" are international units, "[iU]"; a banded dose gives its
    lowest and highest amount per kg as ``doseRange``),
    ``route.text``, ``timing.code.text`` (the frequency) and
    ``maxDosePerAdministration``.

Extensions (``EXTENSION_BASE`` + name) carry the fields FHIR has no element for:

* ``anchor-numbering`` (anchor action, valueCode): "offset" or "mday" (M-Day 1 is the
  anchor's date and there is no M-Day 0).
* ``window-before``, ``window-after`` (step action, valueDuration in days): how many days
  early or late the step may run ("Day +28 +/-3"); absent for 0.
* ``regimen-tied`` (step action, valueBoolean true): moving the step off its relative day
  needs confirmation; absent when false.
* ``until`` (step action, valueString): the open end of a step ("until neutrophil
  recovery").
* ``dose-weight`` (Dosage, valueCode): which weight a per-kg dose or the body surface
  uses (actual, ideal, adjusted25, adjusted40, lesser-ideal-actual); absent for actual.
* ``dose-bsa-cap`` (Dosage, valueQuantity in UCUM "m2"): the body-surface cap of a
  per-m2 dose.
* ``dose-weight-band`` (Dosage, complex, repeated, lightest first): one band of a dose
  whose amount per kg depends on the actual body weight, with the sub-extensions
  ``amount`` (valueDecimal, per kg) and its boundaries as the source writes them,
  ``at-least-kg`` or ``above-kg`` below, ``below-kg`` or ``up-to-kg`` above
  (valueDecimal); see ``planner.domain.templates.WeightBand``.

Import
------
A PlanDefinition that is not JSON, not a valid R4 PlanDefinition (``fhir.resources``),
carries a modifier extension, lacks the Day 0 action or an element the template needs, or
whose step relates to anything but its one anchor, is refused with a ``TemplateError``
naming the element; the template itself is then checked by ``parse_protocol`` (whose
errors name the step and the template field). Nothing is written anywhere: the caller
saves the text. Unknown extensions of other publishers are ignored; an unknown extension
under ``EXTENSION_BASE`` is refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any, Final

from planner.domain.conditions import Clause, StepCondition
from planner.domain.days import MDAY, OFFSET, days_after_anchor
from planner.domain.i18n import english, tr
from planner.domain.templates import (
    DAY0,
    AnchorDef,
    DoseBasis,
    DoseRule,
    Protocol,
    StepTemplate,
    WeightBand,
    WeightType,
    parse_protocol,
)
from planner.errors import TemplateError

FHIR_BASE: Final = "https://transplant-planner.org/fhir"
EXTENSION_BASE: Final = f"{FHIR_BASE}/StructureDefinition/"
CODE_SYSTEM: Final = f"{FHIR_BASE}/CodeSystem/"
PLAN_DEFINITION_URL: Final = f"{FHIR_BASE}/PlanDefinition/"
TEMPLATE_ID_SYSTEM: Final = f"{FHIR_BASE}/NamingSystem/template-id"
CONDITION_LANGUAGE: Final = "text/x-transplant-planner-condition"
UCUM: Final = "http://unitsofmeasure.org"
PLAN_DEFINITION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
USAGE_CONTEXT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/usage-context-type"

ANCHOR_SYSTEM: Final = CODE_SYSTEM + "anchor"
STEP_KIND_SYSTEM: Final = CODE_SYSTEM + "step-kind"
PHASE_SYSTEM: Final = CODE_SYSTEM + "phase"
CATEGORY_SYSTEM: Final = CODE_SYSTEM + "template-category"
INTENSITY_SYSTEM: Final = CODE_SYSTEM + "conditioning-intensity"
TRANSPLANT_TYPE_SYSTEM: Final = CODE_SYSTEM + "transplant-type"
GRAFT_SOURCE_SYSTEM: Final = CODE_SYSTEM + "graft-source"

EXT_NUMBERING: Final = EXTENSION_BASE + "anchor-numbering"
EXT_WINDOW_BEFORE: Final = EXTENSION_BASE + "window-before"
EXT_WINDOW_AFTER: Final = EXTENSION_BASE + "window-after"
EXT_REGIMEN_TIED: Final = EXTENSION_BASE + "regimen-tied"
EXT_UNTIL: Final = EXTENSION_BASE + "until"
EXT_DOSE_WEIGHT: Final = EXTENSION_BASE + "dose-weight"
EXT_BSA_CAP: Final = EXTENSION_BASE + "dose-bsa-cap"
EXT_WEIGHT_BAND: Final = EXTENSION_BASE + "dose-weight-band"
_ACTION_EXTENSIONS: Final = frozenset(
    {EXT_NUMBERING, EXT_WINDOW_BEFORE, EXT_WINDOW_AFTER, EXT_REGIMEN_TIED, EXT_UNTIL}
)
_DOSAGE_EXTENSIONS: Final = frozenset({EXT_DOSE_WEIGHT, EXT_BSA_CAP, EXT_WEIGHT_BAND})
# A band's boundaries as sub-extensions, by the template's key.
_BAND_KEYS: Final = {
    "at_least_kg": "at-least-kg",
    "above_kg": "above-kg",
    "below_kg": "below-kg",
    "up_to_kg": "up-to-kg",
}

DAY0_ACTION_ID: Final = "Day0"
MAX_PLAN_DEFINITION_BYTES: Final = 8 * 1024 * 1024
_REVIEW_STATUS: Final = {"for local review": "draft", "locally approved": "active"}
# The template's dose units in UCUM (``DOSE_UNITS``); "units" are international units.
_UCUM_UNIT: Final = {"mg": "mg", "mcg": "ug", "g": "g", "units": "[iU]", "mL": "mL", "Gy": "Gy"}
_UNIT_OF_UCUM: Final = {v: k for k, v in _UCUM_UNIT.items()}
_BEFORE, _AFTER, _SAME = "before-start", "after-start", "concurrent-with-start"
DEFAULT_FILE: Final = "PlanDefinition"


# --- template -> PlanDefinition -------------------------------------------------------


def _days(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "d" if value == 1 else "days", "system": UCUM, "code": "d"}


def _related(action_id: str, offset: int) -> dict[str, Any]:
    """A relatedAction ``offset`` days after (or before) the start of ``action_id``."""
    if offset == 0:
        return {"actionId": action_id, "relationship": _SAME}
    relationship = _AFTER if offset > 0 else _BEFORE
    return {
        "actionId": action_id,
        "relationship": relationship,
        "offsetDuration": _days(abs(offset)),
    }


def _coded(system: str, code: str, text: str = "") -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": system, "code": code}]}
    if text:
        concept["text"] = text
    return concept


def _anchor_action_ids(protocol: Protocol) -> dict[str, str]:
    """The action id of each anchor: "Day0", "Anchor-<name>" (upper case: never a step id,
    which is lower case), or "Anchor<n>" when the name is too long for a FHIR id."""
    ids = {DAY0: DAY0_ACTION_ID}
    for number, name in enumerate(protocol.anchors, start=1):
        wanted = f"Anchor-{name}"
        ids[name] = wanted if len(wanted) <= 64 else f"Anchor{number}"
    return ids


def _anchor_action(anchor: AnchorDef, action_id: str) -> dict[str, Any]:
    action: dict[str, Any] = {
        "id": action_id,
        "extension": [{"url": EXT_NUMBERING, "valueCode": anchor.numbering}],
    }
    if anchor.label:
        action["title"] = anchor.label
    action["code"] = [_coded(ANCHOR_SYSTEM, anchor.name)]
    action["relatedAction"] = [_related(DAY0_ACTION_ID, anchor.default_day)]
    return action


def _quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _dose_unit(dose: DoseRule) -> tuple[str, str]:
    """(unit as written, UCUM code) of the amount: ("mcg/kg", "ug/kg")."""
    ucum = _UCUM_UNIT[dose.unit]
    if dose.per is DoseBasis.FLAT:
        return dose.unit, ucum
    return f"{dose.unit}/{dose.per.value}", f"{ucum}/{dose.per.value}"


def _band_extension(band: WeightBand) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"url": "amount", "valueDecimal": band.amount}]
    if band.lower_kg is not None:
        key = "at_least_kg" if band.lower_inclusive else "above_kg"
        parts.append({"url": _BAND_KEYS[key], "valueDecimal": band.lower_kg})
    if band.upper_kg is not None:
        key = "up_to_kg" if band.upper_inclusive else "below_kg"
        parts.append({"url": _BAND_KEYS[key], "valueDecimal": band.upper_kg})
    return {"url": EXT_WEIGHT_BAND, "extension": parts}


def _dosage(dose: DoseRule) -> dict[str, Any]:
    unit, code = _dose_unit(dose)
    extensions: list[dict[str, Any]] = []
    if dose.weight is not WeightType.ACTUAL:
        extensions.append({"url": EXT_DOSE_WEIGHT, "valueCode": dose.weight.value})
    if dose.bsa_cap_m2 is not None:
        extensions.append(
            {"url": EXT_BSA_CAP, "valueQuantity": _quantity(dose.bsa_cap_m2, "m2", "m2")}
        )
    extensions.extend(_band_extension(b) for b in dose.bands)
    dosage: dict[str, Any] = {}
    if extensions:
        dosage["extension"] = extensions
    if dose.frequency:
        dosage["timing"] = {"code": {"text": dose.frequency}}
    if dose.route:
        dosage["route"] = {"text": dose.route}
    if dose.bands:
        amounts = [b.amount for b in dose.bands]
        amount: dict[str, Any] = {
            "doseRange": {
                "low": _quantity(min(amounts), unit, code),
                "high": _quantity(max(amounts), unit, code),
            }
        }
    else:
        amount = {"doseQuantity": _quantity(dose.amount, unit, code)}
    dosage["doseAndRate"] = [amount]
    if dose.max_dose is not None:
        dosage["maxDosePerAdministration"] = _quantity(
            dose.max_dose, dose.unit, _UCUM_UNIT[dose.unit]
        )
    return dosage


def _activity_id(step: StepTemplate, number: int) -> str:
    wanted = f"ad-{step.id}"
    return wanted if len(wanted) <= 64 else f"ad{number}"


def _activity_definition(step: StepTemplate, activity_id: str, status: str) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "resourceType": "ActivityDefinition",
        "id": activity_id,
        "status": status,
        "kind": "MedicationRequest" if step.kind.value == "medication" else "ServiceRequest",
    }
    if step.drug:
        activity["productCodeableConcept"] = {"text": step.drug}
    if step.dose is not None:
        activity["dosage"] = [_dosage(step.dose)]
    return activity


def _number_text(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def _clause_expression(clause: Clause) -> str:
    if clause.values:
        return f"{clause.fact} in ({', '.join(clause.values)})"
    parts = []
    if clause.at_least is not None:
        parts.append(f"{clause.fact} >= {_number_text(clause.at_least)}")
    if clause.below is not None:
        parts.append(f"{clause.fact} < {_number_text(clause.below)}")
    return " and ".join(parts)


def _condition(when: StepCondition) -> dict[str, Any]:
    return {
        "kind": "applicability",
        "expression": {
            "description": when.text,
            "name": when.rule,
            "language": CONDITION_LANGUAGE,
            "expression": " or ".join(_clause_expression(c) for c in when.clauses),
        },
    }


def _step_action(
    step: StepTemplate, anchor_ids: Mapping[str, str], numbering: str, activity: str | None
) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = []
    if step.window_before:
        extensions.append({"url": EXT_WINDOW_BEFORE, "valueDuration": _days(step.window_before)})
    if step.window_after:
        extensions.append({"url": EXT_WINDOW_AFTER, "valueDuration": _days(step.window_after)})
    if step.regimen_tied:
        extensions.append({"url": EXT_REGIMEN_TIED, "valueBoolean": True})
    if step.until:
        extensions.append({"url": EXT_UNTIL, "valueString": step.until})
    action: dict[str, Any] = {"id": step.id}
    if extensions:
        action["extension"] = extensions
    action["title"] = step.title
    if step.notes:
        action["description"] = step.notes
    if step.patient_text:
        action["textEquivalent"] = step.patient_text
    action["code"] = [
        _coded(STEP_KIND_SYSTEM, step.kind.value, step.kind.value),
        _coded(PHASE_SYSTEM, step.phase.value, step.phase.value),
    ]
    if step.when is not None:
        action["condition"] = [_condition(step.when)]
    target = anchor_ids[step.anchor]
    action["relatedAction"] = [
        _related(target, days_after_anchor(day, numbering)) for day in step.days
    ]
    if activity is not None:
        action["definitionCanonical"] = f"#{activity}"
    return action


def plan_definition_dict(protocol: Protocol) -> dict[str, Any]:
    """The template as a PlanDefinition (a JSON-ready dict; see the module docstring)."""
    status = _REVIEW_STATUS.get(protocol.review_status, "draft")
    anchor_ids = _anchor_action_ids(protocol)
    contained: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    with english():  # the condition's words: the same file whatever the interface language
        for number, step in enumerate(protocol.steps, start=1):
            activity = None
            if step.drug or step.dose is not None:
                activity = _activity_id(step, number)
                contained.append(_activity_definition(step, activity, status))
            numbering = protocol.anchors[step.anchor].numbering if step.anchor != DAY0 else OFFSET
            steps.append(_step_action(step, anchor_ids, numbering, activity))
    topics = [_coded(CATEGORY_SYSTEM, protocol.category.value, protocol.category.value)]
    if protocol.intensity:
        topics.append(_coded(INTENSITY_SYSTEM, protocol.intensity, protocol.intensity))
    contexts = [
        {
            "code": {"system": USAGE_CONTEXT_TYPE, "code": "focus"},
            "valueCodeableConcept": _coded(system, value, value),
        }
        for system, values in (
            (TRANSPLANT_TYPE_SYSTEM, protocol.transplant_types),
            (GRAFT_SOURCE_SYSTEM, protocol.graft_sources),
        )
        for value in values
    ]
    day0 = {
        "id": DAY0_ACTION_ID,
        "title": "Day 0",
        "description": "The day the cells are infused; every day of the template counts from it.",
        "code": [_coded(ANCHOR_SYSTEM, DAY0, "Day 0")],
    }
    doc: dict[str, Any] = {
        "resourceType": "PlanDefinition",
        "id": protocol.id,
    }
    if contained:
        doc["contained"] = contained
    doc.update(
        {
            "url": PLAN_DEFINITION_URL + protocol.id,
            "identifier": [{"system": TEMPLATE_ID_SYSTEM, "value": protocol.id}],
            "version": protocol.version,
            "title": protocol.title,
            "type": {
                "coding": [
                    {
                        "system": PLAN_DEFINITION_TYPE,
                        "code": "clinical-protocol",
                        "display": "Clinical Protocol",
                    }
                ]
            },
            "status": status,
        }
    )
    if protocol.description:
        doc["description"] = protocol.description
    doc["useContext"] = contexts
    doc["topic"] = topics
    doc["relatedArtifact"] = [{"type": "derived-from", "citation": protocol.source}]
    anchors = [_anchor_action(a, anchor_ids[name]) for name, a in protocol.anchors.items()]
    doc["action"] = [day0, *anchors, *steps]
    return doc


def validate_plan_definition(doc: Mapping[str, Any]) -> None:
    """Check ``doc`` against the R4 PlanDefinition model (``fhir.resources`` R4B).

    Raises:
        pydantic.ValidationError: the document does not have the PlanDefinition's shape.
    """
    from fhir.resources.R4B.plandefinition import PlanDefinition

    PlanDefinition.model_validate(dict(doc))


def plan_definition_json(protocol: Protocol) -> bytes:
    """The template as a FHIR R4 PlanDefinition: UTF-8 JSON, validated."""
    doc = plan_definition_dict(protocol)
    validate_plan_definition(doc)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- template -> TOML -------------------------------------------------------------------


def _days_keys(days: Sequence[int]) -> dict[str, Any]:
    """The shortest way to write ``days``: day, from/to (every), or days."""
    if len(days) == 1:
        return {"day": days[0]}
    steps = {b - a for a, b in pairwise(days)}
    if len(days) >= 3 and len(steps) == 1:
        every = steps.pop()
        if 1 <= every <= 366:
            keys: dict[str, Any] = {"from": days[0], "to": days[-1]}
            if every != 1:
                keys["every"] = every
            return keys
    return {"days": list(days)}


def _band_doc(band: WeightBand) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if band.lower_kg is not None:
        doc["at_least_kg" if band.lower_inclusive else "above_kg"] = band.lower_kg
    if band.upper_kg is not None:
        doc["up_to_kg" if band.upper_inclusive else "below_kg"] = band.upper_kg
    doc["amount"] = band.amount
    return doc


def _dose_doc(dose: DoseRule) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if not dose.bands:
        doc["amount"] = dose.amount
    doc["unit"] = dose.unit
    doc["per"] = dose.per.value
    if dose.weight is not WeightType.ACTUAL:
        doc["weight"] = dose.weight.value
    if dose.route:
        doc["route"] = dose.route
    if dose.frequency:
        doc["frequency"] = dose.frequency
    if dose.bsa_cap_m2 is not None:
        doc["bsa_cap_m2"] = dose.bsa_cap_m2
    if dose.max_dose is not None:
        doc["max_dose"] = dose.max_dose
    if dose.bands:
        doc["bands"] = [_band_doc(b) for b in dose.bands]
    return doc


def _when_doc(when: StepCondition) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = []
    for clause in when.clauses:
        doc: dict[str, Any] = {"fact": clause.fact}
        if clause.values:
            doc["is"] = list(clause.values)
        if clause.at_least is not None:
            doc["at_least"] = clause.at_least
        if clause.below is not None:
            doc["below"] = clause.below
        clauses.append(doc)
    return {"rule": when.rule, "any": clauses}


def _step_doc(step: StepTemplate) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": step.id,
        "title": step.title,
        "phase": step.phase.value,
        "kind": step.kind.value,
    }
    if step.anchor != DAY0:
        doc["anchor"] = step.anchor
    doc.update(_days_keys(step.days))
    if step.window_before and step.window_before == step.window_after:
        doc["window"] = step.window_before
    else:
        if step.window_before:
            doc["window_before"] = step.window_before
        if step.window_after:
            doc["window_after"] = step.window_after
    if step.drug:
        doc["drug"] = step.drug
    if step.regimen_tied:
        doc["regimen_tied"] = True
    if step.when is not None:
        doc["when"] = _when_doc(step.when)
    if step.dose is not None:
        doc["dose"] = _dose_doc(step.dose)
    for key in ("until", "notes", "patient_text"):
        if getattr(step, key):
            doc[key] = getattr(step, key)
    return doc


def template_doc(protocol: Protocol) -> dict[str, Any]:
    """The template as the table its TOML file holds (what ``toml_text`` writes)."""
    doc: dict[str, Any] = {
        "schema": 1,
        "id": protocol.id,
        "version": protocol.version,
        "title": protocol.title,
        "category": protocol.category.value,
        "transplant_types": list(protocol.transplant_types),
        "graft_sources": list(protocol.graft_sources),
        "review_status": protocol.review_status,
    }
    if protocol.intensity:
        doc["intensity"] = protocol.intensity
    doc["source"] = protocol.source
    if protocol.description:
        doc["description"] = protocol.description
    anchors: dict[str, Any] = {}
    for name, anchor in protocol.anchors.items():
        table: dict[str, Any] = {"default_day": anchor.default_day}
        if anchor.label:
            table["label"] = anchor.label
        if anchor.numbering != OFFSET:
            table["numbering"] = anchor.numbering
        anchors[name] = table
    if anchors:
        doc["anchors"] = anchors
    doc["steps"] = [_step_doc(s) for s in protocol.steps]
    return doc


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TOML_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _toml_string(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate (JSON can carry one): not text
            raise ValueError(f"character U+{code:04X} is not text")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        pairs = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml_lines(table: Mapping[str, Any]) -> list[str]:
    return [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]


def toml_text(doc: Mapping[str, Any]) -> str:
    """A template table (``template_doc``) as the text of a template file.

    Top-level keys first, then one ``[anchors.<name>]`` table per anchor and one
    ``[[steps]]`` table per step; a dose and a condition are inline tables (one line each,
    as TOML 1.0 wants). Raises ``ValueError`` for a text with a lone surrogate.
    """
    top = {k: v for k, v in doc.items() if k not in ("anchors", "steps")}
    lines = [
        "# Written by the Transplant Planner from a FHIR PlanDefinition: an example for",
        "# local review, not an endorsed protocol unless its review_status says so.",
        *_toml_lines(top),
    ]
    anchors = doc.get("anchors") or {}
    for name, table in anchors.items():
        lines += ["", f"[anchors.{_toml_key(str(name))}]", *_toml_lines(table)]
    for step in doc.get("steps") or []:
        lines += ["", "[[steps]]", *_toml_lines(step)]
    return "\n".join(lines) + "\n"


def protocol_toml(protocol: Protocol) -> str:
    """The template as the text of its TOML file (``parse_protocol`` reads it back equal,
    apart from checksum, origin and path)."""
    return toml_text(template_doc(protocol))


# --- PlanDefinition -> template ---------------------------------------------------------


class _Reader:
    """Reads one PlanDefinition; every error names the file, the step and the element."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.step: str | None = None

    def error(self, message: str, element: str | None = None) -> TemplateError:
        return TemplateError(self.file, message, step=self.step, field=element)

    def missing(self, element: str) -> TemplateError:
        return self.error(tr("is missing."), element)

    def needs_code(self, element: str, system: str) -> TemplateError:
        return self.error(tr("needs a code of {system}.").format(system=system), element)


def _shown(value: Any) -> str:
    """A JSON value as a refusal quotes it (at most 120 characters)."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def _json_document(data: bytes, reader: _Reader) -> dict[str, Any]:
    if len(data) > MAX_PLAN_DEFINITION_BYTES:
        raise reader.error(
            tr("the file is {size} bytes; a PlanDefinition is limited to {limit} MB.").format(
                size=f"{len(data):,}", limit=MAX_PLAN_DEFINITION_BYTES // (1024 * 1024)
            )
        )
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise reader.error(
            tr("the file is not UTF-8 text (byte {n}).").format(n=exc.start)
        ) from None
    except (ValueError, RecursionError) as exc:
        raise reader.error(tr("not valid JSON: {error}.").format(error=exc)) from None
    kind = doc.get("resourceType") if isinstance(doc, dict) else None
    if not isinstance(kind, str) or not kind:
        raise reader.error(tr("is not a FHIR resource (a JSON object with resourceType)."))
    if kind != "PlanDefinition":
        raise reader.error(
            tr("is a {kind}, not a PlanDefinition.").format(kind=kind), "resourceType"
        )
    assert isinstance(doc, dict)
    return doc


def _element_path(loc: Iterable[Any]) -> str:
    """A pydantic error location as an element path: ("action", 2, "title") ->
    "action[2].title"."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _check_fhir(doc: dict[str, Any], reader: _Reader) -> None:
    """The document against the R4 PlanDefinition model: the first problem, in one line."""
    import pydantic

    not_valid = tr("is not a valid FHIR R4 PlanDefinition: {problem}.")
    try:
        validate_plan_definition(doc)
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        where = _element_path(errors[0]["loc"]) if errors else ""
        problem = str(errors[0]["msg"]) if errors else str(exc)
        raise reader.error(not_valid.format(problem=problem.rstrip(".")), where or None) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise reader.error(not_valid.format(problem=exc)) from None


def _modifier_free(value: Any, path: str, reader: _Reader) -> None:
    """Refuse a modifier extension anywhere: it changes the meaning, and is not read."""
    if isinstance(value, dict):
        if value.get("modifierExtension"):
            raise reader.error(
                tr("carries a modifier extension, which changes its meaning and is not read here."),
                f"{path}.modifierExtension" if path else "modifierExtension",
            )
        for key, item in value.items():
            _modifier_free(item, f"{path}.{key}" if path else key, reader)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _modifier_free(item, f"{path}[{index}]", reader)


def _codes(concepts: Iterable[Any], system: str) -> list[str]:
    """The codes of ``system`` in a list of CodeableConcepts."""
    return [
        str(coding["code"])
        for concept in concepts
        if isinstance(concept, dict)
        for coding in concept.get("coding") or ()
        if isinstance(coding, dict) and coding.get("system") == system and "code" in coding
    ]


def _one_code(concepts: Iterable[Any], system: str, where: str, reader: _Reader) -> str | None:
    """The one code of ``system`` (None when there is none; more than one is refused)."""
    codes = _codes(concepts, system)
    if len(codes) > 1:
        raise reader.error(tr("gives more than one code of {system}.").format(system=system), where)
    return codes[0] if codes else None


def _extensions(
    element: Mapping[str, Any], allowed: frozenset[str], where: str, reader: _Reader
) -> dict[str, dict[str, Any]]:
    """The element's extensions of this planner by URL, each at most once except the
    weight bands (under ``EXT_WEIGHT_BAND`` the last; see ``_weight_bands``). Extensions of
    other publishers are ignored; one of this planner's that does not belong is refused."""
    found: dict[str, dict[str, Any]] = {}
    for ext in element.get("extension") or ():
        url = ext.get("url", "")
        if not url.startswith(EXTENSION_BASE):
            continue
        if url not in allowed or (url in found and url != EXT_WEIGHT_BAND):
            raise reader.error(
                tr("the extension {url} does not belong here, or is given more than once.").format(
                    url=url
                ),
                f"{where}.extension",
            )
        found[url] = ext
    return found


def _whole_days(duration: Any, where: str, reader: _Reader) -> int:
    """A Duration in whole days (UCUM "d"), 0 or more."""
    value = duration.get("value") if isinstance(duration, dict) else None
    if (
        not isinstance(duration, dict)
        or duration.get("system", UCUM) != UCUM
        or duration.get("code") != "d"
        or isinstance(value, bool)
        or not isinstance(value, int | float)
        or not value >= 0
        or not float(value).is_integer()
    ):
        raise reader.error(
            tr(
                'must be a whole number of days: a Duration with UCUM code "d" and a value of '
                "0 or more; found {found}."
            ).format(found=_shown(duration)),
            where,
        )
    return int(value)


def _offset(related: Mapping[str, Any], where: str, reader: _Reader) -> int:
    """The signed offset in days of one relatedAction."""
    relationship = related.get("relationship")
    duration = related.get("offsetDuration")
    days = 0 if duration is None else _whole_days(duration, f"{where}.offsetDuration", reader)
    if (
        "offsetRange" in related
        or relationship not in (_BEFORE, _AFTER, _SAME)
        or (relationship == _SAME and days)
        or (relationship != _SAME and duration is None)
    ):
        raise reader.error(
            tr(
                "a template day is a relatedAction before-start or after-start with an "
                "offsetDuration in days, or concurrent-with-start; found {found}."
            ).format(found=_shown(dict(related))),
            where,
        )
    return -days if relationship == _BEFORE else days


def _mday(offset: int) -> int:
    """The M-Day ``offset`` days after the anchor's date (M-Day 1; no M-Day 0)."""
    return offset + 1 if offset >= 0 else offset


def _text(element: Mapping[str, Any], key: str) -> str:
    value = element.get(key)
    return value if isinstance(value, str) else ""


def _anchor_names(actions: list[tuple[int, dict[str, Any]]], reader: _Reader) -> dict[str, str]:
    """The anchor name of each anchor action by its id; the Day 0 action must be there."""
    names: dict[str, str] = {}
    for index, action in actions:
        where = f"action[{index}]"
        _modifier_free(action, where, reader)
        action_id = _text(action, "id")
        if not action_id:
            raise reader.missing(f"{where}.id")
        name = _one_code(action.get("code") or (), ANCHOR_SYSTEM, f"{where}.code", reader)
        assert name is not None  # an anchor action has an anchor code
        for used, seen in ((action_id, names.keys()), (name, names.values())):
            if used in seen:
                raise reader.error(tr("'{id}' is used twice.").format(id=used), where)
        names[action_id] = name
    if DAY0 not in names.values():
        raise reader.error(
            tr(
                "has no Day 0 action (an action coded {system}|day0), so it was not written "
                "by the Transplant Planner and its days cannot be read."
            ).format(system=ANCHOR_SYSTEM),
            "action",
        )
    return names


def _read_anchors(
    actions: list[tuple[int, dict[str, Any]]], reader: _Reader
) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """(anchor name by action id, the anchors' tables, numbering by anchor name)."""
    names = _anchor_names(actions, reader)
    tables: dict[str, Any] = {}
    numbering: dict[str, str] = {DAY0: OFFSET}
    for index, action in actions:
        where = f"action[{index}]"
        name = names[_text(action, "id")]
        related = action.get("relatedAction") or []
        to_day0 = len(related) == 1 and names.get(related[0].get("actionId")) == DAY0
        if name == DAY0 and not related:
            continue
        if name == DAY0 or not to_day0:
            raise reader.error(
                tr(
                    "an anchor action relates once to the Day 0 action (its default day), "
                    "and the Day 0 action to nothing."
                ),
                f"{where}.relatedAction",
            )
        table: dict[str, Any] = {
            "default_day": _offset(related[0], f"{where}.relatedAction[0]", reader)
        }
        label = _text(action, "title")
        if label:
            table["label"] = label
        ext = _extensions(action, frozenset({EXT_NUMBERING}), where, reader).get(EXT_NUMBERING)
        code = OFFSET if ext is None else ext.get("valueCode")
        if code not in (OFFSET, MDAY):
            raise reader.error(tr("anchor-numbering must be offset or mday."), f"{where}.extension")
        if code != OFFSET:
            table["numbering"] = code
        numbering[name] = code
        tables[name] = table
    return names, tables, numbering


def _weight_bands(dosage: Mapping[str, Any], where: str, reader: _Reader) -> list[dict[str, Any]]:
    """The weight bands of a dosage, lightest first, as the template writes them."""
    by_url = {v: k for k, v in _BAND_KEYS.items()} | {"amount": "amount"}
    bands: list[dict[str, Any]] = []
    for ext in dosage.get("extension") or ():
        if ext.get("url") != EXT_WEIGHT_BAND:
            continue
        band: dict[str, Any] = {}
        for part in ext.get("extension") or ():
            key = by_url.get(str(part.get("url")))
            value = part.get("valueDecimal", part.get("valueInteger"))
            if (
                key is None
                or key in band
                or isinstance(value, bool)
                or not isinstance(value, int | float)
            ):
                raise reader.error(
                    tr(
                        "a weight band gives its amount and boundaries ({known}) once each, "
                        "as valueDecimal; found {found}."
                    ).format(known=", ".join(by_url), found=_shown(part)),
                    f"{where}.extension",
                )
            band[key] = value
        bands.append(band)
    return bands


def _unit_of_quantity(quantity: Any, where: str, reader: _Reader) -> tuple[str, str]:
    """(template unit, basis) of a dose Quantity from its UCUM code ("ug/kg" -> mcg, kg)."""
    code = quantity.get("code") if isinstance(quantity, dict) else None
    base, _, per = str(code).partition("/")
    unit = _UNIT_OF_UCUM.get(base)
    if (
        not isinstance(quantity, dict)
        or quantity.get("system") != UCUM
        or unit is None
        or per not in ("", DoseBasis.PER_M2.value, DoseBasis.PER_KG.value)
    ):
        allowed = ", ".join(f"{u}, {u}/m2, {u}/kg" for u in _UNIT_OF_UCUM)
        raise reader.error(
            tr("the unit {code} is not a template dose unit; UCUM codes read: {allowed}.").format(
                code=_shown(code), allowed=allowed
            ),
            where,
        )
    return unit, per or DoseBasis.FLAT.value


def _dose_amount(
    dosage: Mapping[str, Any], bands: bool, where: str, reader: _Reader
) -> dict[str, Any]:
    """The amount (or, with bands, none), unit and basis of a dosage."""
    rates = dosage.get("doseAndRate") or []
    rate = rates[0] if len(rates) == 1 else {}
    if "doseQuantity" in rate:
        quantity = rate["doseQuantity"]
        unit, per = _unit_of_quantity(quantity, f"{where}.doseAndRate[0].doseQuantity", reader)
        amount = {} if bands else {"amount": quantity.get("value")}
    elif "doseRange" in rate and bands:
        low = (rate["doseRange"] or {}).get("low")
        unit, per = _unit_of_quantity(low, f"{where}.doseAndRate[0].doseRange.low", reader)
        amount = {}
    else:
        raise _dose_shape(reader, f"{where}.doseAndRate")
    return {**amount, "unit": unit, "per": per}


def _dose_shape(reader: _Reader, where: str) -> TemplateError:
    return reader.error(
        tr(
            "a step's dose is one dosage with one doseAndRate: a doseQuantity, or a doseRange "
            "with weight bands."
        ),
        where,
    )


def _dose_from_dosage(dosage: Mapping[str, Any], where: str, reader: _Reader) -> dict[str, Any]:
    found = _extensions(dosage, _DOSAGE_EXTENSIONS, where, reader)
    bands = _weight_bands(dosage, where, reader)
    dose = _dose_amount(dosage, bool(bands), where, reader)
    if EXT_DOSE_WEIGHT in found:
        dose["weight"] = found[EXT_DOSE_WEIGHT].get("valueCode")
    route = (dosage.get("route") or {}).get("text")
    if route:
        dose["route"] = route
    frequency = ((dosage.get("timing") or {}).get("code") or {}).get("text")
    if frequency:
        dose["frequency"] = frequency
    must_be_in = tr("must be in {unit}.")
    if EXT_BSA_CAP in found:
        quantity = found[EXT_BSA_CAP].get("valueQuantity") or {}
        if quantity.get("code") != "m2":
            raise reader.error(must_be_in.format(unit="m2"), f"{where}.extension")
        dose["bsa_cap_m2"] = quantity.get("value")
    ceiling = dosage.get("maxDosePerAdministration")
    if ceiling is not None:
        where_max = f"{where}.maxDosePerAdministration"
        if _unit_of_quantity(ceiling, where_max, reader) != (dose["unit"], DoseBasis.FLAT.value):
            raise reader.error(must_be_in.format(unit=dose["unit"]), where_max)
        dose["max_dose"] = ceiling.get("value")
    if bands:
        dose["bands"] = bands
    return dose


def _activity(
    action: Mapping[str, Any], contained: Mapping[str, dict[str, Any]], where: str, reader: _Reader
) -> dict[str, Any]:
    """The drug and dose keys of a step from its contained ActivityDefinition."""
    canonical = action.get("definitionCanonical")
    if canonical is None and "definitionUri" not in action:
        return {}
    if not isinstance(canonical, str) or canonical[1:] not in contained or canonical[:1] != "#":
        raise reader.error(
            tr(
                "a step's drug and dose are a contained ActivityDefinition named by "
                "definitionCanonical '#id'; found {found}."
            ).format(
                found=_shown(canonical if canonical is not None else action.get("definitionUri"))
            ),
            f"{where}.definitionCanonical",
        )
    activity = contained[canonical[1:]]
    keys: dict[str, Any] = {}
    drug = (activity.get("productCodeableConcept") or {}).get("text")
    if drug:
        keys["drug"] = drug
    dosages = activity.get("dosage") or []
    if len(dosages) > 1:
        raise _dose_shape(reader, f"contained[{canonical[1:]}].dosage")
    if dosages:
        keys["dose"] = _dose_from_dosage(
            dosages[0], f"contained[{canonical[1:]}].dosage[0]", reader
        )
    return keys


_WORD = r"[A-Za-z0-9_.-]+"
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_IN_CLAUSE = re.compile(rf"^({_WORD}) in \(\s*({_WORD}(?:\s*,\s*{_WORD})*)\s*\)$")
_RANGE_CLAUSE = re.compile(rf"^({_WORD}) >= ({_NUMBER}) and ({_WORD}) < ({_NUMBER})$")
_BOUND_CLAUSE = re.compile(rf"^({_WORD}) (>=|<) ({_NUMBER})$")


def _number(text: str) -> int | float:
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)


def _clause(text: str, where: str, reader: _Reader) -> dict[str, Any]:
    text = text.strip()
    if match := _IN_CLAUSE.match(text):
        values = [v.strip() for v in match.group(2).split(",")]
        return {"fact": match.group(1), "is": values}
    if (match := _RANGE_CLAUSE.match(text)) and match.group(1) == match.group(3):
        return {
            "fact": match.group(1),
            "at_least": _number(match.group(2)),
            "below": _number(match.group(4)),
        }
    if match := _BOUND_CLAUSE.match(text):
        key = "at_least" if match.group(2) == ">=" else "below"
        return {"fact": match.group(1), key: _number(match.group(3))}
    raise reader.error(
        tr(
            "cannot read the clause '{clause}'; write 'fact in (value, value)', 'age >= 18', "
            "'age < 60' or 'age >= 18 and age < 60', joined by ' or '."
        ).format(clause=text),
        where,
    )


def _when(action: Mapping[str, Any], where: str, reader: _Reader) -> dict[str, Any] | None:
    conditions = action.get("condition") or []
    if not conditions:
        return None
    expression = conditions[0].get("expression") or {}
    if (
        len(conditions) > 1
        or conditions[0].get("kind") != "applicability"
        or expression.get("language") != CONDITION_LANGUAGE
    ):
        raise reader.error(
            tr(
                "a step's condition is one applicability condition in the language {language}."
            ).format(language=CONDITION_LANGUAGE),
            f"{where}.condition",
        )
    where = f"{where}.condition[0].expression"
    rule, text = expression.get("name"), expression.get("expression")
    if not rule:
        raise reader.missing(f"{where}.name")
    if not isinstance(text, str) or not text.strip():
        raise reader.missing(f"{where}.expression")
    clauses = [_clause(part, f"{where}.expression", reader) for part in text.split(" or ")]
    return {"rule": rule, "any": clauses}


def _step_days(
    action: Mapping[str, Any],
    anchors: Mapping[str, str],
    numbering: Mapping[str, str],
    where: str,
    reader: _Reader,
) -> tuple[str, list[int]]:
    """(anchor name, days in its numbering) from the step's relatedActions."""
    related = action.get("relatedAction") or []
    targets = {r.get("actionId") for r in related}
    if len(targets) != 1 or not targets <= set(anchors):
        raise reader.error(
            tr(
                "a step's days are relatedActions to one action, the Day 0 action or an "
                "anchor action; found {found}."
            ).format(found=_shown(sorted(str(t) for t in targets))),
            f"{where}.relatedAction",
        )
    anchor = anchors[next(iter(targets))]
    offsets = [_offset(r, f"{where}.relatedAction[{i}]", reader) for i, r in enumerate(related)]
    if numbering.get(anchor) == MDAY:
        return anchor, [_mday(o) for o in offsets]
    return anchor, offsets


def _step_extensions(action: Mapping[str, Any], where: str, reader: _Reader) -> dict[str, Any]:
    """The window, regimen_tied and until keys of a step from its extensions."""
    found = _extensions(action, _ACTION_EXTENSIONS - {EXT_NUMBERING}, where, reader)
    keys: dict[str, Any] = {}
    for url, key in ((EXT_WINDOW_BEFORE, "window_before"), (EXT_WINDOW_AFTER, "window_after")):
        if url in found:
            keys[key] = _whole_days(found[url].get("valueDuration"), f"{where}.extension", reader)
    if EXT_REGIMEN_TIED in found:
        keys["regimen_tied"] = found[EXT_REGIMEN_TIED].get("valueBoolean") is True
    if found.get(EXT_UNTIL, {}).get("valueString"):
        keys["until"] = found[EXT_UNTIL]["valueString"]
    return keys


def _step_doc_from_action(
    action: dict[str, Any],
    where: str,
    anchors: Mapping[str, str],
    numbering: Mapping[str, str],
    contained: Mapping[str, dict[str, Any]],
    reader: _Reader,
) -> dict[str, Any]:
    step_id = _text(action, "id")
    if not step_id:
        raise reader.missing(f"{where}.id")
    reader.step = step_id
    _modifier_free(action, where, reader)
    if action.get("action"):
        raise reader.error(
            tr("nested actions are not read; a template's steps are one list."), f"{where}.action"
        )
    doc: dict[str, Any] = {"id": step_id}
    title = _text(action, "title")
    if title:
        doc["title"] = title
    for key, system in (("phase", PHASE_SYSTEM), ("kind", STEP_KIND_SYSTEM)):
        code = _one_code(action.get("code") or (), system, f"{where}.code", reader)
        if code is None:
            raise reader.needs_code(f"{where}.code", system)
        doc[key] = code
    anchor, days = _step_days(action, anchors, numbering, where, reader)
    if anchor != DAY0:
        doc["anchor"] = anchor
    doc["days"] = days
    doc.update(_step_extensions(action, where, reader))
    doc.update(_activity(action, contained, where, reader))
    when = _when(action, where, reader)
    if when is not None:
        doc["when"] = when
    for key, element in (("notes", "description"), ("patient_text", "textEquivalent")):
        text = _text(action, element)
        if text:
            doc[key] = text
    reader.step = None
    return doc


def _top_doc(doc: Mapping[str, Any], reader: _Reader) -> dict[str, Any]:
    """The template's own keys from the PlanDefinition's elements."""
    template_id = next(
        (
            i.get("value")
            for i in doc.get("identifier") or ()
            if i.get("system") == TEMPLATE_ID_SYSTEM and i.get("value")
        ),
        doc.get("id"),
    )
    if not template_id:
        raise reader.error(
            tr("needs the template id: an identifier of {system}, or an id.").format(
                system=TEMPLATE_ID_SYSTEM
            ),
            "identifier",
        )
    status = doc.get("status")
    statuses = {v: k for k, v in _REVIEW_STATUS.items()}
    if status not in statuses:
        raise reader.error(
            tr(
                "status '{status}' cannot be read as a review status; draft is for local "
                "review, active is locally approved."
            ).format(status=status),
            "status",
        )
    top: dict[str, Any] = {"schema": 1, "id": template_id}
    for key in ("version", "title"):
        value = _text(doc, key)
        if not value:
            raise reader.missing(key)
        top[key] = value
    category = _one_code(doc.get("topic") or (), CATEGORY_SYSTEM, "topic", reader)
    if category is None:
        raise reader.needs_code("topic", CATEGORY_SYSTEM)
    top["category"] = category
    contexts = [c.get("valueCodeableConcept") for c in doc.get("useContext") or ()]
    for key, system in (
        ("transplant_types", TRANSPLANT_TYPE_SYSTEM),
        ("graft_sources", GRAFT_SOURCE_SYSTEM),
    ):
        values = _codes(contexts, system)
        if not values:
            raise reader.needs_code("useContext", system)
        top[key] = values
    top["review_status"] = statuses[status]
    intensity = _one_code(doc.get("topic") or (), INTENSITY_SYSTEM, "topic", reader)
    if intensity is not None:
        top["intensity"] = intensity
    sources = [
        a.get("citation") or a.get("display")
        for a in doc.get("relatedArtifact") or ()
        if a.get("type") == "derived-from"
    ]
    if len(sources) != 1 or not sources[0]:
        raise reader.error(
            tr(
                "needs the source the template paraphrases: one relatedArtifact of type "
                "derived-from with a citation."
            ),
            "relatedArtifact",
        )
    top["source"] = sources[0]
    description = _text(doc, "description")
    if description:
        top["description"] = description
    return top


def _template_doc_of(doc: dict[str, Any], reader: _Reader) -> dict[str, Any]:
    _modifier_free({k: v for k, v in doc.items() if k != "action"}, "", reader)
    top = _top_doc(doc, reader)
    contained = {
        r["id"]: r
        for r in doc.get("contained") or ()
        if r.get("resourceType") == "ActivityDefinition" and r.get("id")
    }
    actions = list(enumerate(doc.get("action") or ()))
    anchor_actions = [(i, a) for i, a in actions if _codes(a.get("code") or (), ANCHOR_SYSTEM)]
    anchors, tables, numbering = _read_anchors(anchor_actions, reader)
    if tables:
        top["anchors"] = tables
    anchor_indexes = {i for i, _ in anchor_actions}
    top["steps"] = [
        _step_doc_from_action(action, f"action[{index}]", anchors, numbering, contained, reader)
        for index, action in actions
        if index not in anchor_indexes
    ]
    if not top["steps"]:
        raise reader.error(tr("has no step: each step of a template is an action."), "action")
    return top


def protocol_from_plan_definition(data: bytes, file: str = DEFAULT_FILE) -> str:
    """The text of the template file (TOML) a PlanDefinition holds.

    The text is checked with ``parse_protocol`` before it is returned.

    Args:
        data: the PlanDefinition's JSON bytes (as ``plan_definition_json`` writes them).
        file: the name errors give the file ("mel200-auto.json").

    Raises:
        TemplateError: the data is not a PlanDefinition this planner can read, or the
            template it holds is not valid; the message names the element or the field.
    """
    reader = _Reader(file)
    doc = _json_document(data, reader)
    _check_fhir(doc, reader)
    try:
        text = toml_text(_template_doc_of(doc, reader))
    except ValueError as exc:  # a lone surrogate in a text
        raise reader.error(
            tr("contains text that is not valid Unicode ({error}).").format(error=exc)
        ) from None
    except (AttributeError, TypeError) as exc:  # an element of an unexpected JSON type
        raise reader.error(
            tr("has an element of an unexpected type ({error}).").format(error=exc)
        ) from None
    parse_protocol(text.encode("utf-8"), file, origin="local")
    return text


def protocol_of_plan_definition(
    data: bytes, file: str = DEFAULT_FILE, *, origin: str = "local"
) -> Protocol:
    """The template a PlanDefinition holds, parsed (``TemplateError`` as above).

    Its ``checksum`` is that of the TOML text ``protocol_from_plan_definition`` gives, so a
    template saved from that text has the same checksum.
    """
    text = protocol_from_plan_definition(data, file)
    return parse_protocol(text.encode("utf-8"), file, origin=origin)
