"""What the lab import reads a file with and answers: its limits, column mapping,
refusal and per-row rejection (shared by the file readers and the checks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from planner.domain.i18n import tr
from planner.domain.labs import ANALYTES, Analyte, LabSample
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
