"""Plain text of a calculator result, for the result panel, the clipboard and the record.

Holds ``describe_result`` (criteria and version, deciding rule, stages or scores, inputs,
notes and the confirmation flag, one per line) and ``plain``, which turns the stages and
inputs of a ``GradeResult`` into readable text ("upper_gi_persistent" -> "upper GI
persistent", booleans as yes/no, empty values as "not given").
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.clinical.grading import GradeResult

_UNITS = {"_mg_dl": "_mg/dL", "_umol_l": "_µmol/L", "_kg_m2": "_kg/m2", "_mmhg": "_mmHg"}


def _key(name: str) -> str:
    """ "upper_gi_persistent" -> "upper GI persistent"; "bilirubin_umol_l" -> "bilirubin µmol/L"."""
    name = str(name)
    for suffix, unit in _UNITS.items():
        if name.endswith(suffix):
            name = name[: -len(suffix)] + unit
    words = {
        "gi": "GI",
        "mg": "mg",
        "dl": "dL",
        "ml": "mL",
        "pct": "%",
        "uln": "ULN",
        "ice": "ICE",
        "mof": "MOF",
        "mod": "MOD",
        "fev1": "FEV1",
        "bsa": "BSA",
        "anc": "ANC",
        "ldh": "LDH",
        "upcr": "UPCR",
        "agvhd": "aGVHD",
        "abo": "ABO",
        "cmv": "CMV",
        "igg": "IgG",
        "ivig": "IVIG",
        "ist": "IST",
        "hct": "HCT",
        "ci": "CI",
        "bmi": "BMI",
        "hvpg": "HVPG",
        "dlco": "DLCO",
        "ast": "AST",
        "alt": "ALT",
    }
    return " ".join(words.get(w, w) for w in str(name).split("_"))


def plain(value: object, sep: str = ", ") -> str:
    if isinstance(value, Mapping):
        return sep.join(f"{_key(k)} {plain(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(plain(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not given"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def describe_result(result: GradeResult) -> str:
    """Readable multi-line text of a result: criteria and version, rule, stages, inputs."""
    lines = [
        f"{result.criteria}, version {result.version}: {result.label}",
        f"Rule: {result.deciding_rule}",
        f"Stages/scores: {plain(result.components, ' · ')}",
        f"Inputs: {plain(result.inputs, '; ')}",
    ]
    lines += [f"Note: {n}" for n in result.notes]
    if result.needs_confirmation:
        lines.append("Clinician confirmation required.")
    return "\n".join(lines)
