"""Lab file import (CSV, XLSX, HL7 v2): bytes + a column mapping -> accepted samples and rejections.

A pure function of its inputs (no database, no clock unless ``today`` is passed): the caller
shows the result as a dry-run preview and stores the accepted samples in one transaction.
Threats: oversized files and XLSX zip bombs (CPython zipfile docs, "Decompression pitfalls"),
pandas' silent NA and number coercion, and units that are not explicit (refused, not guessed).

Whole-file refusals raise :class:`LabImportError` with one sentence for the user: too big
(checked before parsing), a binary file named .csv, an encoding that cannot be recognised
(UTF-8 is read at once; Windows code pages and UTF-16 are recognised, ``charset``), a
spreadsheet that declares huge unpacked sizes (zip bomb), too many rows, a mapped column
that is missing, an HL7 file without an ORU^R01 message (``hl7v2``: its results are
checked here like the rows of a CSV). Row problems never stop the import: each row is accepted or
listed in ``rejected`` with its reason.

Everything is read as text: no NA guessing (a surname "Null" stays "Null"), MRNs keep their
leading zeros, formula-looking cells are plain text and are never evaluated.

Speed (issue 16): an import must cost a small multiple of parsing the file. Checks run per
column, once per distinct cell text (an export repeats a few dates, units and test names
thousands of times), and rows only become objects when they are accepted or rejected. A CSV
without quote characters is split by pandas' C tokenizer; any other is read by the csv
module, whose reading is the reference the fast one is tested against.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from planner.domain.i18n import tr, tr_noop
from planner.domain.labs import (
    ANALYTE_LABEL,
    ANALYTES,
    BILIRUBIN_UMOL_PER_MG_DL,
    CANONICAL_UNIT,
    CHEMISTRY_ANALYTES,
    CREATININE_UMOL_PER_MG_DL,
    MOLAR_UNIT,
    PHYSICAL_RANGE,
    LabSample,
)

# Re-exported: the import's public names are read from this module.
from planner.labimport.common import DEFAULT_ANALYTE_NAMES as DEFAULT_ANALYTE_NAMES
from planner.labimport.common import MB as MB
from planner.labimport.common import ColumnMapping as ColumnMapping
from planner.labimport.common import ImportResult as ImportResult
from planner.labimport.common import LabImportError as LabImportError
from planner.labimport.common import Limits as Limits
from planner.labimport.common import RejectedRow as RejectedRow
from planner.labimport.hl7v2 import COLUMNS as HL7_COLUMNS
from planner.labimport.hl7v2 import HL7_EXTENSIONS, looks_like_hl7, read_hl7
from planner.labimport.table import _read_csv, _read_xlsx, _Table, _wanted_columns
from planner.labimport.table import check_size as check_size

if TYPE_CHECKING:  # numpy and pandas are imported when a file is read, not with the module
    import numpy as np
    import numpy.typing as npt


# --------------------------------------------------------------------------- units

_COUNT_UNITS: Final[dict[str, float]] = {
    # 10^9/L and its spellings
    **dict.fromkeys(
        [
            "10^9/l",
            "x10^9/l",
            "10*9/l",
            "x10*9/l",
            "10e9/l",
            "x10e9/l",
            "10**9/l",
            "g/l",
            "giga/l",
            "10^3/ul",
            "x10^3/ul",
            "10*3/ul",
            "x10*3/ul",
            "10e3/ul",
            "k/ul",
            "thou/ul",
            "10^3/mm3",
            "x10^3/mm3",
            "k/mm3",
            "10^3/mm^3",
        ],
        1.0,
    ),
    # per microlitre (= per mm3): divide by 1000
    **dict.fromkeys(
        ["/ul", "cells/ul", "/mm3", "/mm^3", "cells/mm3", "cells/mm^3", "1/ul", "#/ul"],
        0.001,
    ),
}
_HB_UNITS: Final[dict[str, float]] = {"g/l": 1.0, "g/dl": 10.0}


def _mass_or_molar(umol_per_mg_dl: float) -> dict[str, float]:
    """mg/dL (UCUM "mg/dL", also written mg/100mL and mg%) and umol/L (UCUM "umol/L")
    to mg/dL, for a chemistry result of the given SI conversion factor."""
    mass = dict.fromkeys(["mg/dl", "mg/100ml", "mg%"], 1.0)
    molar = dict.fromkeys(["umol/l", "micromol/l", "umol/litre"], 1.0 / umol_per_mg_dl)
    return {**mass, **molar}


# ng/mL is ug/L (UCUM "ng/mL", "ug/L"), as drug levels are reported.
_DRUG_LEVEL_UNITS: Final[dict[str, float]] = dict.fromkeys(
    ["ng/ml", "ug/l", "mcg/l", "microg/l"], 1.0
)

_UNIT_FACTORS: Final[dict[str, dict[str, float]]] = {
    "wbc": _COUNT_UNITS,
    "anc": _COUNT_UNITS,
    "plt": _COUNT_UNITS,
    "hb": _HB_UNITS,
    "creatinine": _mass_or_molar(CREATININE_UMOL_PER_MG_DL),
    "bilirubin": _mass_or_molar(BILIRUBIN_UMOL_PER_MG_DL),
    "tacrolimus": _DRUG_LEVEL_UNITS,
    "ciclosporin": _DRUG_LEVEL_UNITS,
}
_ACCEPTED_UNITS_TEXT: Final[dict[str, str]] = {
    "wbc": "10^9/L, G/L, K/uL, 10^3/uL, /uL, /mm3, cells/uL",
    "anc": "10^9/L, G/L, K/uL, 10^3/uL, /uL, /mm3, cells/uL",
    "plt": "10^9/L, G/L, K/uL, 10^3/uL, /uL, /mm3, cells/uL",
    "hb": "g/L, g/dL",
    "creatinine": "mg/dL, umol/L",
    "bilirubin": "mg/dL, umol/L",
    "tacrolimus": "ng/mL, ug/L",
    "ciclosporin": "ng/mL, ug/L",
}
# A chemistry result converted from umol/L is rounded to this many decimals of mg/dL, far
# below any lab's precision, so that a value on a published cut-off stays on it: 34.2
# umol/L of bilirubin is 2.0 mg/dL (the SOS/VOD criterion), not 1.9999999999999998.
CONVERTED_DECIMALS: Final = 6


def normalise_unit(unit: str) -> str:
    """Unit text as the lookup tables spell it: micro signs -> u, no spaces, lower case."""
    text = unicodedata.normalize("NFC", unit).strip()
    text = text.replace("\u00b5", "u").replace("\u03bc", "u").replace("\u00d7", "x")
    text = text.replace("\u2079", "^9").replace("\u00b3", "^3")  # superscript 9 and 3
    return re.sub(r"\s+", "", text).lower()


def unit_factor(analyte: str, unit: str) -> float | None:
    """The factor converting ``unit`` to the analyte's canonical unit, or None if unknown."""
    return _UNIT_FACTORS.get(analyte, {}).get(normalise_unit(unit))


def read_lab_file(
    data: bytes,
    filename: str,
    mapping: ColumnMapping,
    known_mrns: Mapping[str, str],
    *,
    today: dt.date | None = None,
    limits: Limits = Limits(),
) -> ImportResult:
    """Parse a lab export into accepted samples and rejected rows.

    Args:
        data: the file's bytes.
        filename: its name; the extension picks the reader (.csv/.txt/.tsv or .xlsx/.xlsm).
        mapping: which columns hold what.
        known_mrns: MRN (exact text) -> patient id; other MRNs are rejected.
        today: when given, sample dates after it are rejected.
        limits: size caps.

    Raises:
        LabImportError: the whole file is refused (size, type, encoding, zip bomb, columns).
    """
    return check_lab_file(data, filename, mapping, known_mrns, today=today, limits=limits).result()


def check_lab_file(
    data: bytes,
    filename: str,
    mapping: ColumnMapping,
    known_mrns: Mapping[str, str],
    *,
    today: dt.date | None = None,
    limits: Limits = Limits(),
) -> CheckedFile:
    """``read_lab_file`` with the accepted rows kept as columns, not yet ``LabSample``\\ s.

    For a caller that drops more of them (the import drops samples already stored): a
    file imported again builds no sample at all. Same arguments and errors as
    ``read_lab_file``.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise LabImportError(tr("The lab file could not be read (no bytes were given)."))
    data = bytes(data)
    check_size(len(data), limits)
    name = PurePath(filename).name
    ext = PurePath(name).suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        table = _read_xlsx(data, mapping, limits)
    elif ext in HL7_EXTENSIONS or (ext != ".xls" and looks_like_hl7(data)):
        return _check_hl7(data, name, mapping, known_mrns, today, limits)
    elif ext in (".csv", ".txt", ".tsv"):
        table = _read_csv(data, mapping, limits)
    elif ext == ".xls":
        raise LabImportError(
            tr("Old Excel .xls files cannot be imported; save the export as .xlsx or CSV UTF-8.")
        )
    else:
        raise LabImportError(
            tr(
                "'{kind}' files cannot be imported; use a CSV, an .xlsx or an HL7 v2 (.hl7) lab "
                "file."
            ).format(kind=ext or name)
        )
    return _validate(table, name, mapping, known_mrns, today, limits)


def hl7_mapping(mapping: ColumnMapping) -> ColumnMapping:
    """The long-format mapping of the rows ``hl7v2.read_hl7`` gives, with the flags of the
    user's ``mapping`` (decimal commas)."""
    mrn, date, test, result, unit = HL7_COLUMNS
    return ColumnMapping(
        mrn=mrn,
        date=date,
        analyte=test,
        value=result,
        unit=unit,
        analyte_names={a: a for a in ANALYTES},
        decimal_comma=mapping.decimal_comma,
    )


def _check_hl7(
    data: bytes,
    filename: str,
    mapping: ColumnMapping,
    known_mrns: Mapping[str, str],
    today: dt.date | None,
    limits: Limits,
) -> CheckedFile:
    """An HL7 v2 file through the same checks as a CSV; each rejection and each sample's
    source names its message and OBX."""
    rows = read_hl7(data, mapping.local_codes, limits)
    checked = _validate(rows.table, filename, hl7_mapping(mapping), known_mrns, today, limits)
    places = rows.places
    at = tr("{place}: {reason}")
    return replace(
        checked,
        rejected=[
            replace(r, reason=at.format(place=places.get(r.line, ""), reason=r.reason))
            for r in checked.rejected
        ],
        warnings=[*rows.warnings, *checked.warnings],
        places=places,
    )


# --------------------------------------------------------------------------- validation

_ISO_DATE: Final = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_COMMA_NUMBER: Final = re.compile(r"[+-]?\d+,\d+")
_MIN_DATE: Final = dt.date(1970, 1, 1)
_NON_RESULTS: Final[dict[str, str]] = {
    "pending": tr_noop("the result is pending"),
    "haemolysed": tr_noop("the sample was haemolysed"),
    "hemolysed": tr_noop("the sample was haemolysed"),
    "hemolyzed": tr_noop("the sample was haemolysed"),
    "haemolyzed": tr_noop("the sample was haemolysed"),
    "clotted": tr_noop("the sample was clotted"),
    "cancelled": tr_noop("the test was cancelled"),
    "canceled": tr_noop("the test was cancelled"),
    "not done": tr_noop("the test was not done"),
    "see comment": tr_noop("the result is in a comment"),
    "insufficient": tr_noop("the sample was insufficient"),
}


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."


def object_array(values: Sequence[object]) -> npt.NDArray[np.object_]:
    """A 1-D object array of ``values``, one element each (``np.array`` would make rows
    of tuples or lists)."""
    import numpy as np

    return np.fromiter(values, dtype=object, count=len(values))


def _require_columns(table: _Table, mapping: ColumnMapping) -> None:
    wanted = _wanted_columns(mapping)
    missing = [c for c in dict.fromkeys(wanted) if c not in table.header]
    if missing:
        shown = ", ".join(f"'{h}'" for h in table.header[:30] if h)
        raise LabImportError(
            tr(
                "Column(s) {missing} not found; the file's columns are: {columns}. Check the "
                "column mapping."
            ).format(missing=", ".join(repr(m) for m in missing), columns=shown)
        )
    twice = [c for c in dict.fromkeys(wanted) if table.header.count(c) > 1]
    if twice:
        raise LabImportError(
            tr(
                "Column(s) {columns} appear more than once in the header; rename them in the "
                "export."
            ).format(columns=", ".join(repr(c) for c in twice))
        )


@dataclass
class _Field:
    """One text field of the candidates: per candidate, a code into ``uniques`` (the
    field's distinct texts, stripped), so each check runs once per distinct text."""

    codes: npt.NDArray[np.intp]
    uniques: list[str]

    def take(self, per_unique: Sequence[object], which: npt.NDArray[np.intp]) -> list[object]:
        """``per_unique`` (one entry per unique text) for the candidates ``which``."""
        return object_array(per_unique)[self.codes[which]].tolist()  # type: ignore[no-any-return]


def _stripped(cells: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.intp], list[str]]:
    """(code per cell, distinct stripped texts): equal texts once stripped share a code."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(cells)
    texts = [u.strip() for u in uniques.tolist()]
    if len(set(texts)) < len(texts):  # " ANC" and "ANC" are one text
        again, merged = pd.factorize(object_array(texts))
        return again[codes], merged.tolist()
    return np.asarray(codes, dtype=np.intp), texts


@dataclass
class _Candidates:
    """One candidate sample per entry (a wide row is split per analyte), in row order."""

    row: npt.NDArray[np.intp]
    mrn: _Field
    date: _Field
    analyte: _Field
    value: _Field
    unit: _Field
    blank: int  # empty rows skipped


def _candidates(table: _Table, mapping: ColumnMapping) -> _Candidates:
    import numpy as np

    size = table.size
    fields = {
        name: _stripped(table.cells(table.header.index(name))) for name in _wanted_columns(mapping)
    }
    # A row is blank when every cell is: look at the whole row only where the mapped
    # cells are all blank.
    maybe = np.ones(size, dtype=bool)
    for codes, texts in fields.values():
        maybe &= np.array([t == "" for t in texts], dtype=bool)[codes]
    blank = np.zeros(size, dtype=bool)
    for i in np.flatnonzero(maybe).tolist():
        blank[i] = table.blank(i)
    nothing = _Field(np.zeros(size, dtype=np.intp), [""])

    def field(name: str | None) -> _Field:
        return _Field(*fields[name]) if name is not None else nothing

    if mapping.wide is None:
        keep = np.flatnonzero(~blank)
        parts = [field(mapping.analyte), field(mapping.value), field(mapping.unit)]
        analyte, value, unit = (_Field(p.codes[keep], p.uniques) for p in parts)
    else:
        rows, analytes, values, units = [], [], [], []
        value_texts: list[str] = []
        unit_texts: list[str] = []
        for k, (name, column) in enumerate(mapping.wide.items()):
            v, u = field(column), field(mapping.wide_units.get(name))
            measured = ~np.array([t == "" for t in v.uniques], dtype=bool)[v.codes]
            take = np.flatnonzero(~blank & measured)  # an empty cell: not measured
            rows.append(take)
            analytes.append(np.full(take.size, k, dtype=np.intp))
            values.append(v.codes[take] + len(value_texts))
            units.append(u.codes[take] + len(unit_texts))
            value_texts += v.uniques
            unit_texts += u.uniques
        every = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
        order = np.argsort(every, kind="stable")  # by row, then in the mapping's order
        keep = every[order]
        analyte = _Field(np.concatenate(analytes)[order], list(mapping.wide))
        value = _Field(np.concatenate(values)[order], value_texts)
        unit = _Field(np.concatenate(units)[order], unit_texts)
    mrn, date = field(mapping.mrn), field(mapping.date)
    return _Candidates(
        row=keep.astype(np.intp),
        mrn=_Field(mrn.codes[keep], mrn.uniques),
        date=_Field(date.codes[keep], date.uniques),
        analyte=analyte,
        value=value,
        unit=unit,
        blank=int(blank.sum()),
    )


class _Reasons:
    """The first failing reason per candidate, filled in check order."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.reason = np.full(n, "", dtype=object)
        self.open = np.ones(n, dtype=bool)

    def add(self, bad: npt.NDArray[np.bool_], message: str) -> None:
        """Reject the open candidates flagged in ``bad`` with one sentence."""
        mask = bad & self.open
        if mask.any():
            self.reason[mask] = message
            self.open &= ~mask

    def add_each(
        self, bad: npt.NDArray[np.bool_], messages: Callable[[list[int]], list[str]]
    ) -> None:
        """Reject the open candidates flagged in ``bad``; ``messages`` says why for each
        (it is given their indices, and only called when there are some)."""
        import numpy as np

        mask = bad & self.open
        if mask.any():
            which = np.flatnonzero(mask)
            self.reason[which] = object_array(messages(which.tolist()))
            self.open &= ~mask

    def add_unique(self, codes: npt.NDArray[np.intp], messages: Sequence[str | None]) -> None:
        """Reject the open candidates whose code's message (one per distinct text) is not
        None."""
        import numpy as np

        flagged = np.array([m is not None for m in messages], dtype=bool)
        mask = flagged[codes] & self.open
        if mask.any():
            self.reason[mask] = object_array(messages)[codes[mask]]
            self.open &= ~mask


def _parse_date(text: str, today: dt.date | None) -> tuple[dt.date | None, str | None]:
    if text == "":
        return None, tr("The sample date is missing.")
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None, tr(
            "The date '{date}' is not an ISO date (YYYY-MM-DD); dates such as 03/04/2025 are "
            "ambiguous."
        ).format(date=_short(text))
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None, tr("The date '{date}' does not exist.").format(date=text)
    if day < _MIN_DATE:
        return None, tr("The date '{date}' is before 1970.").format(date=text)
    if today is not None and day > today:
        return None, tr("The date '{date}' is in the future.").format(date=text)
    return day, None


def _parse_value(text: str, decimal_comma: bool) -> tuple[str, float, str | None]:
    """(qualifier, number, reason-or-None) for one value cell."""
    if text == "":
        return "", math.nan, tr("The value is missing.")
    known = _NON_RESULTS.get(text.casefold().rstrip("."))
    if known is not None:
        return (
            "",
            math.nan,
            tr("The value '{value}' is not a result: {why}.").format(value=text, why=tr(known)),
        )
    qualifier = text[0] if text[0] in "<>" else ""
    number = text[1:].strip() if qualifier else text
    if _COMMA_NUMBER.fullmatch(number):
        if not decimal_comma:
            return (
                "",
                math.nan,
                tr(
                    "The value '{value}' has a comma (decimal comma or thousands separator?); "
                    "declare decimal commas in the column mapping or export with a decimal point."
                ).format(value=_short(text)),
            )
        number = number.replace(",", ".")
    elif decimal_comma and "." in number:
        return (
            "",
            math.nan,
            tr(
                "The value '{value}' has a decimal point but the mapping declares decimal commas; "
                "it is ambiguous."
            ).format(value=_short(text)),
        )
    if not _NUMBER.fullmatch(number):
        return "", math.nan, tr("The value '{value}' is not a number.").format(value=_short(text))
    return qualifier, float(number), None


def _parse_unit(analyte: str, unit: str) -> tuple[float, str | None]:
    """(factor to the canonical unit, reason-or-None) for one analyte and unit text."""
    if unit == "":
        return (
            math.nan,
            tr("The unit is missing; add a unit column or declare the unit in the mapping."),
        )
    factor = unit_factor(analyte, unit)
    if factor is None:
        return math.nan, tr("Unknown unit '{unit}' for {analyte}; accepted units: {units}.").format(
            unit=_short(unit),
            analyte=tr(ANALYTE_LABEL[analyte]),
            units=_ACCEPTED_UNITS_TEXT[analyte],
        )
    return factor, None


def _validate(
    table: _Table,
    filename: str,
    mapping: ColumnMapping,
    known_mrns: Mapping[str, str],
    today: dt.date | None,
    limits: Limits,
) -> CheckedFile:
    """Check every candidate, the first failing check giving its reason: what was found
    while reading, the row's shape, cell length, MRN, date, analyte, value, unit, physical
    range, then repeats inside the file. Each check runs once per distinct text of its
    column (or per distinct analyte and unit) and is spread to the rows by their codes."""
    import numpy as np

    _require_columns(table, mapping)
    warnings = list(table.warnings)
    c = _candidates(table, mapping)
    if c.blank:
        warnings.append(tr("{n} empty row(s) were skipped.").format(n=c.blank))
    n = len(c.row)
    reasons = _Reasons(n)
    width = len(table.header)

    # Problems found while reading, and the shape of the row.
    if table.pre_reject:
        found = [table.pre_reject.get(r) for r in c.row.tolist()]
        reasons.add_each(
            np.array([m is not None for m in found], dtype=bool),
            lambda which: [str(found[i]) for i in which],
        )
    if table.check_width:
        cells = table.widths[c.row]
        reasons.add_each(
            cells != width,
            lambda which: [
                tr("The row has {cells} cells but the header has {columns} columns.").format(
                    cells=cells[i], columns=width
                )
                for i in which
            ],
        )
    cap = limits.max_field_chars
    longest = np.zeros(n, dtype=np.int64)
    for f in (c.mrn, c.date, c.analyte, c.value, c.unit):
        longest = np.maximum(longest, np.array([len(t) for t in f.uniques], np.int64)[f.codes])
    reasons.add(longest > cap, tr("A cell is longer than {n} characters.").format(n=f"{cap:,}"))

    # MRN -> patient
    patients = [known_mrns.get(m) if m else None for m in c.mrn.uniques]
    reasons.add_unique(
        c.mrn.codes,
        [
            tr("The MRN is missing.")
            if m == ""
            else None
            if m in known_mrns
            else tr("Unknown MRN '{mrn}': no patient in the planner has it.").format(mrn=_short(m))
            for m in c.mrn.uniques
        ],
    )

    # Date
    dates = [_parse_date(t, today) for t in c.date.uniques]
    reasons.add_unique(c.date.codes, [r for _, r in dates])
    days = [d for d, _ in dates]

    # Analyte
    names: dict[str, str] = {k.casefold(): v for k, v in DEFAULT_ANALYTE_NAMES.items()}
    names.update({k.strip().casefold(): v for k, v in mapping.analyte_names.items()})
    if mapping.wide is not None:
        names.update({a: a for a in ANALYTES})
    analytes = [names.get(a.casefold(), "") for a in c.analyte.uniques]
    reasons.add_unique(
        c.analyte.codes,
        [
            None
            if a
            else tr(
                "The analyte '{analyte}' is not imported (only WBC, ANC, platelets, "
                "haemoglobin, creatinine and bilirubin are)."
            ).format(analyte=_short(text))
            for text, a in zip(c.analyte.uniques, analytes, strict=True)
        ],
    )
    # Index into ANALYTES per candidate; -1 (no analyte) picks the NaN ends of the ranges.
    kind = (
        np.array([ANALYTES.index(a) if a else -1 for a in analytes], dtype=np.intp)[c.analyte.codes]
        if analytes
        else np.zeros(n, dtype=np.intp)
    )

    # Value and qualifier
    parsed = [_parse_value(v, mapping.decimal_comma) for v in c.value.uniques]
    reasons.add_unique(c.value.codes, [r for _, _, r in parsed])

    # Unit (the file's, else the one declared in the mapping), checked per (analyte, unit).
    texts = [*c.unit.uniques, *(mapping.units.get(a, "") for a in ANALYTES)]
    declared = len(c.unit.uniques) + kind
    empty = np.array([u == "" for u in c.unit.uniques], dtype=bool)[c.unit.codes]
    unit = np.where(empty & (kind >= 0), declared, c.unit.codes)
    pairs, pair = np.unique((kind + 1) * len(texts) + unit, return_inverse=True)
    factors = [
        _parse_unit(ANALYTES[a - 1], texts[u]) if a else (math.nan, None)
        for a, u in (divmod(p, len(texts)) for p in pairs.tolist())
    ]
    reasons.add_unique(pair.reshape(-1), [r for _, r in factors])

    # Physical range in the canonical unit
    factor = np.array([f for f, _ in factors], dtype=float)[pair.reshape(-1)]
    number = np.array([x for _, x, _ in parsed], dtype=float)[c.value.codes] * factor
    chemistry = np.isin(kind, [ANALYTES.index(a) for a in CHEMISTRY_ANALYTES]) & (factor != 1.0)
    number[chemistry] = np.round(number[chemistry], CONVERTED_DECIMALS)
    # A converted chemistry result keeps the unit it was reported in (domain.labs).
    reported = np.where(chemistry, MOLAR_UNIT, "").astype(object)
    lo = np.array([*(PHYSICAL_RANGE[a][0] for a in ANALYTES), math.nan])[kind]
    hi = np.array([*(PHYSICAL_RANGE[a][1] for a in ANALYTES), math.nan])[kind]
    with np.errstate(invalid="ignore"):
        out = (number < lo) | (number > hi)

    def outside(which: list[int]) -> list[str]:
        values = c.value.take(c.value.uniques, np.asarray(which, dtype=np.intp))
        messages = []
        for i, written in zip(which, values, strict=True):
            a = ANALYTES[kind[i]]
            messages.append(
                tr(
                    "{analyte} {value} {unit} (as written: '{written}' {written_unit}) is "
                    "outside the physical range {low}-{high} {unit}."
                ).format(
                    analyte=tr(ANALYTE_LABEL[a]),
                    value=f"{number[i]:g}",
                    unit=CANONICAL_UNIT[a],
                    written=_short(str(written)),
                    written_unit=_short(texts[unit[i]]),
                    low=f"{lo[i]:g}",
                    high=f"{hi[i]:g}",
                )
            )
        return messages

    reasons.add_each(out, outside)

    qualifiers = [q for q, _, _ in parsed]
    _duplicates(c, days, kind, qualifiers, number, reasons, table.lines)
    return _checked(
        c, reasons, table, filename, patients, days, analytes, qualifiers, number, warnings,
        reported,
    )  # fmt: skip


def _duplicates(
    c: _Candidates,
    days: Sequence[dt.date | None],
    kind: npt.NDArray[np.intp],
    qualifiers: Sequence[str],
    number: npt.NDArray[np.float64],
    reasons: _Reasons,
    lines: npt.NDArray[np.int64],
) -> None:
    """Exact repeats are imported once and reported; differing values all go to review.

    Repeats are found on integer keys (MRN code, day, analyte); only the rows of a repeated
    key are looked at one by one.
    """
    import numpy as np
    import pandas as pd

    ok = np.flatnonzero(reasons.open)
    if ok.size < 2:
        return
    day = np.array([d.toordinal() if d is not None else 0 for d in days], np.int64)
    ordinal = day[c.date.codes[ok]]
    first = int(ordinal.min())
    span = int(ordinal.max()) - first + 1
    key = (c.mrn.codes[ok].astype(np.int64) * span + (ordinal - first)) * len(ANALYTES) + kind[ok]
    repeated = pd.Series(key).duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    members_of: dict[int, list[int]] = {}
    for k, i in zip(key[repeated].tolist(), ok[repeated].tolist(), strict=True):
        members_of.setdefault(k, []).append(i)
    qualifier = c.value.take(qualifiers, ok[repeated])
    shown = dict(zip(ok[repeated].tolist(), qualifier, strict=True))
    messages: dict[int, str] = {}
    for members in members_of.values():
        if len({f"{shown[i]}{number[i]!r}" for i in members}) > 1:
            listed = ", ".join(
                tr("line {line}: {value}").format(
                    line=lines[c.row[i]], value=f"{shown[i]}{number[i]:g}"
                )
                for i in members
            )
            for i in members:
                messages[i] = tr(
                    "Conflicting values for the same MRN, date and analyte ({values}); none was "
                    "imported, review and enter the right one."
                ).format(values=listed)
        else:
            for i in members[1:]:
                messages[i] = tr("Duplicate of line {line} (imported once).").format(
                    line=lines[c.row[members[0]]]
                )
    flagged = np.zeros(len(c.row), dtype=bool)
    flagged[list(messages)] = True
    reasons.add_each(flagged, lambda which: [messages[i] for i in which])


def _raw(row: Sequence[str]) -> tuple[str, ...]:
    return tuple(c if len(c) <= 200 else c[:200] + "..." for c in row)


@dataclass(frozen=True)
class CheckedFile:
    """A checked lab file: its accepted rows as columns, its rejected rows, its warnings.

    The accepted rows become ``LabSample`` objects only on request (``samples``), so a
    caller that drops some of them (samples already stored) never builds those.

    Attributes:
        filename: the file's name (the samples' source is "<filename> line <n>").
        patient_id, mrn, day, analyte, qualifier: per accepted row (object arrays).
        ordinal: per accepted row, ``day.toordinal()``.
        value: per accepted row, the value in the canonical unit.
        line: per accepted row, its line in the source.
        rejected: the rows not accepted, in row order, each with its reason.
        warnings: file-level notes.
        rows_read: data rows read from the file.
        places: line -> where an HL7 result sits ("message 2, OBX 5"); empty for a table.
    """

    filename: str
    patient_id: npt.NDArray[np.object_]
    mrn: npt.NDArray[np.object_]
    day: npt.NDArray[np.object_]
    ordinal: npt.NDArray[np.int64]
    analyte: npt.NDArray[np.object_]
    value: npt.NDArray[np.float64]
    qualifier: npt.NDArray[np.object_]
    line: npt.NDArray[np.int64]
    rejected: list[RejectedRow]
    warnings: list[str]
    rows_read: int
    places: Mapping[int, str] = field(default_factory=dict)
    reported_unit: npt.NDArray[np.object_] | None = None

    def __len__(self) -> int:
        return len(self.line)

    def samples(self, keep: npt.NDArray[np.bool_] | None = None) -> list[LabSample]:
        """The accepted rows (those flagged in ``keep``, else all) as samples."""
        import numpy as np

        which = np.flatnonzero(keep) if keep is not None else np.arange(len(self.line))
        unit = CANONICAL_UNIT
        places = self.places
        source = f"{self.filename} line "
        reported = (
            self.reported_unit[which].tolist()
            if self.reported_unit is not None
            else [""] * len(which)
        )
        return [
            LabSample(
                p,
                m,
                d,
                a,
                v,
                unit[a],
                q,
                f"{self.filename} {places[n]}" if places else f"{source}{n}",
                r,
            )
            for p, m, d, a, v, q, n, r in zip(
                self.patient_id[which].tolist(),
                self.mrn[which].tolist(),
                self.day[which].tolist(),
                self.analyte[which].tolist(),
                self.value[which].tolist(),
                self.qualifier[which].tolist(),
                self.line[which].tolist(),
                reported,
                strict=True,
            )
        ]

    def result(self) -> ImportResult:
        """Everything as ``read_lab_file`` gives it."""
        return ImportResult(
            accepted=self.samples(),
            rejected=list(self.rejected),
            warnings=list(self.warnings),
            rows_read=self.rows_read,
        )


def _checked(
    c: _Candidates,
    reasons: _Reasons,
    table: _Table,
    filename: str,
    patients: Sequence[str | None],
    days: Sequence[dt.date | None],
    analytes: Sequence[str],
    qualifiers: Sequence[str],
    number: npt.NDArray[np.float64],
    warnings: list[str],
    reported: npt.NDArray[np.object_],
) -> CheckedFile:
    import numpy as np

    ok = np.flatnonzero(reasons.open)
    bad = np.flatnonzero(~reasons.open)
    rows, lines = c.row, table.lines
    rejected = [
        RejectedRow(
            line=int(lines[rows[i]]),
            reason=str(reasons.reason[i]),
            raw=_raw(table.row(int(rows[i]))),
            analyte=str(a),
        )
        for i, a in zip(bad.tolist(), c.analyte.take(analytes, bad), strict=True)
    ]
    dates = c.date.codes[ok]
    ordinals = [d.toordinal() if d is not None else 0 for d in days]
    return CheckedFile(
        filename=filename,
        patient_id=object_array(patients)[c.mrn.codes[ok]],
        mrn=object_array(c.mrn.uniques)[c.mrn.codes[ok]],
        day=object_array(days)[dates],
        ordinal=np.array(ordinals, dtype=np.int64)[dates],
        analyte=object_array(analytes)[c.analyte.codes[ok]],
        value=number[ok],
        qualifier=object_array(qualifiers)[c.value.codes[ok]],
        line=lines[rows[ok]],
        reported_unit=reported[ok],
        rejected=rejected,
        warnings=warnings,
        rows_read=table.size,
    )
