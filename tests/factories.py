"""Test builders: small valid records, a template parsed from TOML text, a plan around it.

Every builder takes keyword overrides so a test states only what it is about.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from typing import Any

from planner.domain.patients import Donor, Patient, Transplant
from planner.domain.plans import Plan, instantiate, instantiate_many
from planner.domain.templates import Protocol, parse_protocol

DAY0 = dt.date(2025, 3, 10)  # worked example: Day -7 = 2025-03-03, Day +100 = 2025-06-18

_HEADER = """\
schema = 1
id = "{id}"
version = "{version}"
title = "{title}"
category = "{category}"
transplant_types = ["autologous", "allogeneic"]
graft_sources = ["pbsc", "marrow", "cord"]
review_status = "for local review"
source = "unit-test template"
"""

# The test template of the care-plan tests: a range, a single day, a repeat list,
# a window, and steps on the mobilisation anchor counted in M-Days.
SAMPLE_STEPS = """\
[anchors.mobilisation]
default_day = -30
label = "first G-CSF dose"
numbering = "mday"

[[steps]]
id = "conditioning"
title = "Conditioning chemotherapy"
phase = "conditioning"
kind = "medication"
from = -6
to = -2
drug = "melphalan"
regimen_tied = true
dose = { amount = 100, unit = "mg", per = "m2", route = "IV" }

[[steps]]
id = "infusion"
title = "Stem-cell infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "review"
title = "Clinic review"
phase = "supportive-care"
kind = "visit"
days = [1, 3, 6, 11]

[[steps]]
id = "marrow"
title = "Day +28 marrow"
phase = "follow-up"
kind = "procedure"
day = 28
window = 3

[[steps]]
id = "gcsf"
title = "Filgrastim"
phase = "mobilisation"
kind = "medication"
anchor = "mobilisation"
from = 1
to = 4
drug = "filgrastim"
dose = { amount = 10, unit = "mcg", per = "kg", route = "SC" }

[[steps]]
id = "apheresis"
title = "Apheresis"
phase = "collection"
kind = "procedure"
anchor = "mobilisation"
day = 5
"""


def protocol_toml(
    steps: str = SAMPLE_STEPS,
    *,
    id: str = "test-template",
    version: str = "3",
    title: str = "Unit-test template",
    category: str = "conditioning",
) -> str:
    """A complete template file: the standard header followed by ``steps`` (TOML text)."""
    header = _HEADER.format(id=id, version=version, title=title, category=category)
    return header + "\n" + textwrap.dedent(steps)


def make_protocol(toml: str | None = None, *, file: str = "test.toml", **header: str) -> Protocol:
    """Parse a template from TOML text (a whole file, or just steps when ``header`` is used).

    ``make_protocol()`` gives the sample template; ``make_protocol(steps_toml, id="x")``
    wraps steps in the standard header; a text starting with ``schema`` is parsed as is.
    """
    if toml is None:
        text = protocol_toml(**header)
    elif toml.lstrip().startswith("schema"):
        text = textwrap.dedent(toml)
    else:
        text = protocol_toml(toml, **header)
    return parse_protocol(text.encode("utf-8"), file, origin="local")


def make_plan(
    protocol: Protocol | list[Protocol] | None = None,
    day0: dt.date = DAY0,
    anchors: Mapping[str, dt.date] | None = None,
    **kwargs: Any,
) -> Plan:
    """A plan around ``day0`` from one template (the sample by default) or several."""
    if isinstance(protocol, list):
        return instantiate_many(protocol, day0, anchors, **kwargs)
    return instantiate(protocol or make_protocol(), day0, anchors, **kwargs)


def make_patient(**overrides: Any) -> Patient:
    """A valid patient; override any field."""
    fields: dict[str, Any] = {
        "id": "patient-1",
        "mrn": "000123",
        "family_name": "Ngata",
        "given_name": "Aroha",
        "date_of_birth": dt.date(1960, 5, 17),
        "sex": "female",
        "height_cm": 165.0,
        "weight_kg": 68.5,
        "weight_date": dt.date(2025, 2, 20),
        "diagnosis": "Myeloma",
        "language": "en",
        "abo": "A",
        "cmv_igg": "positive",
    }
    fields.update(overrides)
    return Patient(**fields)


def make_donor(**overrides: Any) -> Donor:
    """A valid matched unrelated donor."""
    fields: dict[str, Any] = {
        "donor_type": "MUD",
        "hla_match": "8/8",
        "abo": "O",
        "cmv_igg": "negative",
        "workup_status": "cleared",
    }
    fields.update(overrides)
    return Donor(**fields)


def make_transplant(**overrides: Any) -> Transplant:
    """A valid autologous PBSC transplant of ``make_patient()``; override any field."""
    fields: dict[str, Any] = {
        "id": "transplant-1",
        "patient_id": "patient-1",
        "transplant_type": "autologous",
        "graft_source": "pbsc",
        "day0": DAY0,
        "intensity": "MAC",
        "status": "planned",
    }
    fields.update(overrides)
    return Transplant(**fields)
