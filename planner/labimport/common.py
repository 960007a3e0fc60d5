"""What the lab import reads a file with and answers: its limits, column mapping,
refusal and per-row rejection (shared by the file readers and the checks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final, cast

from planner.domain.i18n import tr
from planner.domain.labs import ANALYTES, Analyte, LabSample
from planner.domain.loinc import ALL_LOINC
from planner.errors import PlannerError

MB: Final = 1024 * 1024


class LabImportError(PlannerError):
    """The whole file is refused; ``str(err)`` says why and what to do."""


@dataclass(frozen=True)
class Limits:
    """Caps that protect the workstation from hostile or broken files."""

    max_bytes: int = 20 * MB
    max_rows: int = 250_000
    max_columns: int = 200
    max_field_chars: int = 1_000
    max_unpacked_bytes: int = 200 * MB  # XLSX: sum of declared uncompressed sizes
    max_compression_ratio: float = 100.0  # XLSX: per member larger than 1 MB unpacked
    max_zip_members: int = 1_000


DEFAULT_ANALYTE_NAMES: Final[dict[str, Analyte]] = {
    "wbc": "wbc",
    "white cell count": "wbc",
    "white blood cells": "wbc",
    "leukocytes": "wbc",
    "leucocytes": "wbc",
    "anc": "anc",
    "neut": "anc",
    "neuts": "anc",
    "neutrophils": "anc",
    "absolute neutrophil count": "anc",
    "plt": "plt",
    "platelets": "plt",
    "platelet count": "plt",
    "hb": "hb",
    "hgb": "hb",
    "haemoglobin": "hb",
    "hemoglobin": "hb",
    "creatinine": "creatinine",
    "creat": "creatinine",
    "crea": "creatinine",
    "serum creatinine": "creatinine",
    "bilirubin": "bilirubin",
    "total bilirubin": "bilirubin",
    "bilirubin total": "bilirubin",
    "bilirubin, total": "bilirubin",
    "tbil": "bilirubin",
    "t bili": "bilirubin",
    "bili": "bilirubin",
    "tacrolimus": "tacrolimus",
    "tacro": "tacrolimus",
    "fk506": "tacrolimus",
    "fk-506": "tacrolimus",
    "ciclosporin": "ciclosporin",
    "ciclosporine": "ciclosporin",
    "cyclosporin": "ciclosporin",
    "cyclosporine": "ciclosporin",
    "csa": "ciclosporin",
    # The LOINC codes of planner.domain.loinc name their analyte in a CSV too.
    **{code.code: cast(Analyte, analyte) for analyte, code in ALL_LOINC.items()},
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which source column holds what (the import dialog builds and remembers this).

    Long format (one result per row): ``analyte``, ``value`` and usually ``unit`` name columns.
    Wide format (one column per analyte): ``wide`` maps analyte -> value column, and
    ``wide_units`` optionally analyte -> unit column.

    Attributes:
        mrn, date: the MRN and sample-date columns (both formats).
        analyte, value, unit: long-format columns.
        wide: wide-format analyte -> column (e.g. {"anc": "Neut", "plt": "Plt"}).
        wide_units: wide-format analyte -> unit column.
        units: declared unit per analyte, used when the file has no unit (column absent or
            cell empty), e.g. {"anc": "10^9/L"}.
        analyte_names: extra source names -> analyte (case-insensitive), added to the defaults
            (WBC, ANC, NEUT, PLT, HB, HGB, ...).
        decimal_comma: the source writes "1,5" for 1.5 (then "1.500" is refused as ambiguous).
        delimiter: CSV delimiter; None detects ",", ";" or tab from the header line.
        sheet: XLSX sheet name; None takes the first sheet.
        local_codes: a laboratory's own result codes -> analyte, for HL7 v2 results (OBX-3)
            not coded in LOINC, or coded in a LOINC code the planner does not read
            (e.g. {"CREA": "creatinine", "14682-9": "creatinine"}); matched case aside.
    """

    mrn: str
    date: str
    analyte: str | None = None
    value: str | None = None
    unit: str | None = None
    wide: Mapping[str, str] | None = None
    wide_units: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    analyte_names: Mapping[str, str] = field(default_factory=dict)
    decimal_comma: bool = False
    delimiter: str | None = None
    sheet: str | None = None
    local_codes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.wide is None and (self.analyte is None or self.value is None):
            raise LabImportError(
                tr(
                    "The column mapping needs either analyte and value columns (long format) "
                    "or one column per analyte (wide format)."
                )
            )
        for analyte in [*(self.wide or {}), *self.wide_units, *self.units]:
            if analyte not in ANALYTES:
                raise LabImportError(
                    tr("'{analyte}' in the column mapping is not one of: {analytes}.").format(
                        analyte=analyte, analytes=", ".join(ANALYTES)
                    )
                )
        for name, analyte in self.analyte_names.items():
            if analyte not in ANALYTES:
                raise LabImportError(
                    tr(
                        "Analyte name '{name}' is mapped to '{analyte}', which is not one of: "
                        "{analytes}."
                    ).format(name=name, analyte=analyte, analytes=", ".join(ANALYTES))
                )
        for code, analyte in self.local_codes.items():
            if not code.strip():
                raise LabImportError(tr("A local code in the mapping is empty."))
            if analyte not in ANALYTES:
                raise LabImportError(
                    tr(
                        "Local code '{code}' is mapped to '{analyte}', which is not one of: "
                        "{analytes}."
                    ).format(code=code, analyte=analyte, analytes=", ".join(ANALYTES))
                )


# A saved mapping's fields (``mapping_to_dict``): column names, units, names, codes and
# flags, never a value read from a file.
_TEXT_FIELDS: Final = ("mrn", "date", "analyte", "value", "unit", "delimiter", "sheet")
_TABLE_FIELDS: Final = ("wide", "wide_units", "units", "analyte_names", "local_codes")


def mapping_to_dict(mapping: ColumnMapping) -> dict[str, Any]:
    """A mapping as JSON-ready data (what a saved mapping stores)."""
    data: dict[str, Any] = {name: getattr(mapping, name) for name in _TEXT_FIELDS}
    for name in _TABLE_FIELDS:
        table = getattr(mapping, name)
        data[name] = dict(table) if table is not None else None
    data["decimal_comma"] = mapping.decimal_comma
    return data


def mapping_from_dict(data: Mapping[str, Any]) -> ColumnMapping:
    """The mapping ``mapping_to_dict`` gave (fields it does not know are ignored).

    Raises:
        LabImportError: the data is not a mapping the import can use.
    """
    known = {f.name for f in fields(ColumnMapping)}
    values = {k: v for k, v in data.items() if k in known}
    texts_ok = all(
        isinstance(values.get(n), str) or (values.get(n) is None and n not in ("mrn", "date"))
        for n in _TEXT_FIELDS
    )
    tables_ok = all(
        values.get(n) is None
        or (isinstance(values[n], Mapping) and all(isinstance(v, str) for v in values[n].values()))
        for n in _TABLE_FIELDS
    )
    if not texts_ok or not tables_ok or not isinstance(values.get("decimal_comma", False), bool):
        raise LabImportError(tr("The saved column mapping is damaged; save it again."))
    for name in _TABLE_FIELDS:
        if values.get(name) is None and name != "wide":
            values.pop(name, None)
    return ColumnMapping(**values)


def code_table_text(codes: Mapping[str, str]) -> str:
    """A local code table as the mapping dialog shows it: one "CODE = analyte" a line."""
    return "\n".join(f"{code} = {analyte}" for code, analyte in codes.items())


def parse_code_table(text: str) -> dict[str, str]:
    """The local code table typed as "CODE = analyte" lines (blank lines ignored).

    Raises:
        LabImportError: a line without "=", or an analyte the planner does not read.
    """
    codes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, equals, analyte = line.partition("=")
        name = analyte.strip().casefold()
        if not equals or not code.strip():
            raise LabImportError(
                tr("Line {line} of the local codes is not written as CODE = analyte.").format(
                    line=number
                )
            )
        if name not in ANALYTES:
            raise LabImportError(
                tr(
                    "Line {line} of the local codes names '{analyte}', not one of: {analytes}."
                ).format(line=number, analyte=analyte.strip(), analytes=", ".join(ANALYTES))
            )
        codes[code.strip()] = name
    return codes


@dataclass(frozen=True)
class RejectedRow:
    """A source row (or, in wide format, one analyte of it) that was not imported.

    Attributes:
        line: the line (CSV) or row (XLSX) number in the source, 1-based, header included.
        reason: one sentence naming the problem and the offending value.
        raw: the row's cells as text (long cells shortened).
        analyte: the analyte concerned, when known.
    """

    line: int
    reason: str
    raw: tuple[str, ...]
    analyte: str = ""


@dataclass(frozen=True)
class ImportResult:
    """What a lab file yields: samples to store, rows to review, and file-level warnings."""

    accepted: list[LabSample]
    rejected: list[RejectedRow]
    warnings: list[str]
    rows_read: int = 0
