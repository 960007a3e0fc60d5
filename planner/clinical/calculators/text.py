"""Plain text of a calculator result, for the result panel, the clipboard and the record.

Holds ``describe_result`` (criteria and version, deciding rule, stages or scores, inputs,
notes and the confirmation flag, one per line) and ``plain``, which turns the stages and
inputs of a ``GradeResult`` into readable text ("upper_gi_persistent" -> "upper GI
persistent", booleans as yes/no, empty values as "not given").
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.clinical.grading import GradeResult
from planner.domain.i18n import tr, tr_noop

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


# The input and component names as ``_key`` shows them, translated where shown (``plain``).
_KEY_TEXTS = (
    tr_noop("ANC"),
    tr_noop("AST ALT x ULN"),
    tr_noop("BMI kg/m2"),
    tr_noop("DLCO percent"),
    tr_noop("FEV1 percent"),
    tr_noop("GI"),
    tr_noop("HCT CI age"),
    tr_noop("HCT CI age group"),
    tr_noop("HVPG mmHg"),
    tr_noop("ICE"),
    tr_noop("ICE score"),
    tr_noop("IST stop date"),
    tr_noop("MOD MOF"),
    tr_noop("a1 LDH x ULN"),
    tr_noop("a1 UPCR mg mg"),
    tr_noop("a1 anaemia"),
    tr_noop("a1 date"),
    tr_noop("a1 hypertension"),
    tr_noop("a1 sc5b9 at or above ULN"),
    tr_noop("a1 schistocytes"),
    tr_noop("a1 thrombocytopenia"),
    tr_noop("a2 LDH x ULN"),
    tr_noop("a2 UPCR mg mg"),
    tr_noop("a2 anaemia"),
    tr_noop("a2 date"),
    tr_noop("a2 hypertension"),
    tr_noop("a2 sc5b9 at or above ULN"),
    tr_noop("a2 schistocytes"),
    tr_noop("a2 thrombocytopenia"),
    tr_noop("active gvhd"),
    tr_noop("age years"),
    tr_noop("allogeneic"),
    tr_noop("arrhythmia"),
    tr_noop("ascites"),
    tr_noop("ascites above baseline"),
    tr_noop("assessments"),
    tr_noop("bilirubin"),
    tr_noop("bilirubin doubled 48h"),
    tr_noop("bilirubin doubling in 48 h"),
    tr_noop("bilirubin mg/dL"),
    tr_noop("bilirubin rising 3 days"),
    tr_noop("bilirubin unit"),
    tr_noop("bilirubin x ULN"),
    tr_noop("bilirubin µmol/L"),
    tr_noop("biopsy proven"),
    tr_noop("bullae desquamation"),
    tr_noop("capped"),
    tr_noop("cardiac"),
    tr_noop("category"),
    tr_noop("centre intent"),
    tr_noop("cerebral oedema"),
    tr_noop("cerebrovascular"),
    tr_noop("change points"),
    tr_noop("clots"),
    tr_noop("components"),
    tr_noop("computed"),
    tr_noop("concurrent aGVHD grade 2 4"),
    tr_noop("concurrent infection"),
    tr_noop("consciousness"),
    tr_noop("counted"),
    tr_noop("crcl mL min"),
    tr_noop("creatinine"),
    tr_noop("creatinine mg/dL"),
    tr_noop("creatinine x baseline"),
    tr_noop("criteria met"),
    tr_noop("ctcae"),
    tr_noop("ctcae grade"),
    tr_noop("date"),
    tr_noop("day"),
    tr_noop("day0"),
    tr_noop("derived"),
    tr_noop("diabetes"),
    tr_noop("diagnosed"),
    tr_noop("diet"),
    tr_noop("domain grades"),
    tr_noop("donor %"),
    tr_noop("donor ABO"),
    tr_noop("donor CMV IgG"),
    tr_noop("donor percent"),
    tr_noop("earliest date"),
    tr_noop("encephalopathy"),
    tr_noop("erythema"),
    tr_noop("excluded"),
    tr_noop("extended"),
    tr_noop("eyes"),
    tr_noop("fever"),
    tr_noop("fever masked by therapy"),
    tr_noop("genital"),
    tr_noop("grossly bloody stool"),
    tr_noop("heart valve"),
    tr_noop("height cm"),
    tr_noop("hepatic mild"),
    tr_noop("hepatic moderate severe"),
    tr_noop("hepatomegaly above baseline"),
    tr_noop("high risk"),
    tr_noop("histology"),
    tr_noop("hours after engraftment"),
    tr_noop("hours after first neutrophils"),
    tr_noop("hours since conditioning"),
    tr_noop("hypotension"),
    tr_noop("hypotension grade"),
    tr_noop("hypoxia grade"),
    tr_noop("imaging evidence"),
    tr_noop("infection"),
    tr_noop("infection identified"),
    tr_noop("inflammatory bowel disease"),
    tr_noop("items"),
    tr_noop("joints"),
    tr_noop("last IVIG date"),
    tr_noop("letermovir candidate"),
    tr_noop("letermovir start by"),
    tr_noop("letermovir stop"),
    tr_noop("level of consciousness"),
    tr_noop("levels"),
    tr_noop("lineage"),
    tr_noop("liquid stools per day"),
    tr_noop("liver"),
    tr_noop("lower GI"),
    tr_noop("lung FEV1 score"),
    tr_noop("lungs"),
    tr_noop("macroscopic haematuria"),
    tr_noop("maiolino"),
    tr_noop("maiolino signs"),
    tr_noop("major"),
    tr_noop("max mg"),
    tr_noop("max temp c"),
    tr_noop("mg per kg"),
    tr_noop("microscopic haematuria"),
    tr_noop("minor"),
    tr_noop("motor findings"),
    tr_noop("motor weakness"),
    tr_noop("mouth"),
    tr_noop("n risk factors"),
    tr_noop("neutropenia"),
    tr_noop("obesity"),
    tr_noop("obstruction requiring intervention"),
    tr_noop("on immunosuppression"),
    tr_noop("onset day"),
    tr_noop("organ dysfunction"),
    tr_noop("oxygen"),
    tr_noop("painful hepatomegaly"),
    tr_noop("peptic ulcer"),
    tr_noop("predicted below 0 5 in 48h"),
    tr_noop("previous date"),
    tr_noop("previous donor %"),
    tr_noop("previous percent"),
    tr_noop("prior solid tumour"),
    tr_noop("psychiatric"),
    tr_noop("pulmonary infiltrates"),
    tr_noop("pulmonary moderate"),
    tr_noop("pulmonary oedema hypoxia"),
    tr_noop("pulmonary severe"),
    tr_noop("raised ICP/cerebral oedema"),
    tr_noop("rash BSA percent"),
    tr_noop("rash drug attributable"),
    tr_noop("recipient ABO"),
    tr_noop("recipient CMV IgG"),
    tr_noop("refractory thrombocytopenia"),
    tr_noop("renal"),
    tr_noop("renal adjusted"),
    tr_noop("rheumatologic"),
    tr_noop("risk group"),
    tr_noop("score"),
    tr_noop("scores"),
    tr_noop("scores used"),
    tr_noop("seattle rule"),
    tr_noop("seizure"),
    tr_noop("severe pain or ileus"),
    tr_noop("sex"),
    tr_noop("signs"),
    tr_noop("skin"),
    tr_noop("skin BSA percent"),
    tr_noop("soreness"),
    tr_noop("spitzer"),
    tr_noop("spitzer major"),
    tr_noop("spitzer minor"),
    tr_noop("stool episodes per day"),
    tr_noop("stool mL per day"),
    tr_noop("temperature c"),
    tr_noop("temperatures"),
    tr_noop("time since onset"),
    tr_noop("time since onset days"),
    tr_noop("today"),
    tr_noop("transaminase x ULN"),
    tr_noop("transaminases"),
    tr_noop("ulcers"),
    tr_noop("ultrasound or elastography"),
    tr_noop("upper GI"),
    tr_noop("upper GI persistent"),
    tr_noop("weight"),
    tr_noop("weight gain %"),
    tr_noop("weight gain 3 days despite diuretics"),
    tr_noop("weight kg"),
    tr_noop("who"),
)


def plain(value: object, sep: str = ", ") -> str:
    """A value as readable text in the interface's language (names, yes/no, "not given")."""
    if isinstance(value, Mapping):
        return sep.join(f"{tr(_key(k))} {plain(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return ", ".join(plain(v) for v in value) or tr("none")
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if value is None:
        return tr("not given")
    if isinstance(value, float):
        return f"{value:g}"
    return tr(str(value).replace("_", " "))


def describe_result(result: GradeResult) -> str:
    """Readable multi-line text of a result: criteria and version, rule, stages, inputs."""
    lines = [
        tr("{criteria}, version {version}: {label}").format(
            criteria=tr(result.criteria), version=result.version, label=result.label
        ),
        tr("Rule: {rule}").format(rule=result.deciding_rule),
        tr("Stages/scores: {scores}").format(scores=plain(result.components, " · ")),
        tr("Inputs: {inputs}").format(inputs=plain(result.inputs, "; ")),
    ]
    lines += [tr("Note: {note}").format(note=n) for n in result.notes]
    if result.needs_confirmation:
        lines.append(tr("Clinician confirmation required."))
    return "\n".join(lines)
