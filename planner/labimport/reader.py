"""Lab export import (CSV and XLSX): bytes + a column mapping -> accepted samples and rejections.

A pure function of its inputs (no database, no clock unless ``today`` is passed): the caller
shows the result as a dry-run preview and stores the accepted samples in one transaction.
Threats: oversized files and XLSX zip bombs (CPython zipfile docs, "Decompression pitfalls"),
pandas' silent NA and number coercion, and units that are not explicit (refused, not guessed).

Whole-file refusals raise :class:`LabImportError` with one sentence for the user: too big
(checked before parsing), a binary file named .csv, an encoding other than UTF-8 / UTF-16
with BOM, a spreadsheet that declares huge unpacked sizes (zip bomb), too many rows, a
mapped column that is missing. Row problems never stop the import: each row is accepted or
listed in ``rejected`` with its reason.

Everything is read as text: no NA guessing (a surname "Null" stays "Null"), MRNs keep their
leading zeros, formula-looking cells are plain text and are never evaluated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final, TypeVar, cast

import numpy as np
import pandas as pd

from planner.domain.i18n import tr, tr_noop
from planner.domain.labs import (
    ANALYTE_LABEL,
    ANALYTES,
    CANONICAL_UNIT,
    PHYSICAL_RANGE,
    Analyte,
    LabSample,
    Qualifier,
)
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
_UNIT_FACTORS: Final[dict[str, dict[str, float]]] = {
    "wbc": _COUNT_UNITS,
    "anc": _COUNT_UNITS,
    "plt": _COUNT_UNITS,
    "hb": _HB_UNITS,
}
_ACCEPTED_UNITS_TEXT: Final[dict[str, str]] = {
    "wbc": "10^9/L, G/L, K/uL, 10^3/uL, /uL, /mm3, cells/uL",
    "anc": "10^9/L, G/L, K/uL, 10^3/uL, /uL, /mm3, cells/uL",
    "plt": "10^9/L, G/L, K/uL, 10^3/uL, /uL, /mm3, cells/uL",
    "hb": "g/L, g/dL",
}


def normalise_unit(unit: str) -> str:
    """Unit text as the lookup tables spell it: micro signs -> u, no spaces, lower case."""
    text = unicodedata.normalize("NFC", unit).strip()
    text = text.replace("\u00b5", "u").replace("\u03bc", "u").replace("\u00d7", "x")
    text = text.replace("\u2079", "^9").replace("\u00b3", "^3")  # superscript 9 and 3
    return re.sub(r"\s+", "", text).lower()


def unit_factor(analyte: str, unit: str) -> float | None:
    """The factor converting ``unit`` to the analyte's canonical unit, or None if unknown."""
    return _UNIT_FACTORS.get(analyte, {}).get(normalise_unit(unit))


# --------------------------------------------------------------------------- entry point


@dataclass
class _Table:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    pre_reject: dict[int, str]  # row index -> reason found while reading (XLSX cell types)
    warnings: list[str]
    check_width: bool = True  # CSV rows must have as many cells as the header


def check_size(nbytes: int, limits: Limits = Limits()) -> None:
    """Refuse a file by its size alone; call it with ``os.stat`` before reading the file.

    Raises:
        LabImportError: the file is larger than ``limits.max_bytes``.
    """
    if nbytes > limits.max_bytes:
        raise LabImportError(
            tr(
                "The file is {size} MB; lab files up to {limit} MB can be imported. Export a "
                "shorter date range."
            ).format(size=f"{nbytes / MB:.1f}", limit=f"{limits.max_bytes / MB:g}")
        )


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
    if not isinstance(data, bytes | bytearray | memoryview):
        raise LabImportError(tr("The lab file could not be read (no bytes were given)."))
    data = bytes(data)
    check_size(len(data), limits)
    name = PurePath(filename).name
    ext = PurePath(name).suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        table = _read_xlsx(data, mapping, limits)
    elif ext in (".csv", ".txt", ".tsv"):
        table = _read_csv(data, mapping, limits)
    elif ext == ".xls":
        raise LabImportError(
            tr("Old Excel .xls files cannot be imported; save the export as .xlsx or CSV UTF-8.")
        )
    else:
        raise LabImportError(
            tr("'{kind}' files cannot be imported; use a CSV (UTF-8) or .xlsx lab export.").format(
                kind=ext or name
            )
        )
    return _validate(table, name, mapping, known_mrns, today, limits)


# --------------------------------------------------------------------------- CSV

_BINARY_SIGNATURES: Final = (
    b"PK\x03\x04",  # zip / xlsx
    b"\xd0\xcf\x11\xe0",  # OLE: .xls, encrypted .xlsx
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"\x1f\x8b",  # gzip
    b"MZ",  # Windows executable
    b"\x7fELF",
)
_NOT_TEXT: Final = tr_noop(
    "This is not a text CSV file (it looks like a binary or spreadsheet file); "
    "export the lab results as CSV UTF-8 or choose the .xlsx file."
)


def _decode(data: bytes) -> tuple[str, str]:
    """Strict decoding: UTF-8 (BOM optional) or UTF-16 with BOM. Returns (text, encoding)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise LabImportError(tr("UTF-32 files are not supported; save the export as CSV UTF-8."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise LabImportError(
                tr("The file says it is UTF-16 but is damaged; save the export as CSV UTF-8.")
            ) from None
    if data.startswith(_BINARY_SIGNATURES) or b"\x00" in data[:65536]:
        raise LabImportError(tr(_NOT_TEXT))
    encoding = "UTF-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    try:
        return data.decode("utf-8-sig"), encoding
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        sample = data[:65536]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
        if controls > len(sample) // 100:
            raise LabImportError(tr(_NOT_TEXT)) from None
        raise LabImportError(
            tr(
                "Unsupported encoding: the file is not UTF-8 (first unreadable byte on line "
                "{line}; probably Windows-1252/ANSI). Save the export as 'CSV UTF-8' and import "
                "it again."
            ).format(line=line)
        ) from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, mapping: ColumnMapping, limits: Limits) -> _Table:
    text, encoding = _decode(data)
    text = unicodedata.normalize("NFC", text)
    warnings = (
        []
        if encoding.startswith("UTF-8")
        else [tr("The file was read as {encoding}.").format(encoding=encoding)]
    )
    delimiter = mapping.delimiter or _sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if header is None:
                if not any(cell.strip() for cell in record):
                    continue
                header = record
                if len(header) > limits.max_columns:
                    raise LabImportError(
                        tr("The file has {n} columns; at most {limit} can be imported.").format(
                            n=len(header), limit=limits.max_columns
                        )
                    )
                continue
            if len(rows) >= limits.max_rows:
                raise LabImportError(
                    tr("The file has more than {limit} rows; export a shorter date range.").format(
                        limit=f"{limits.max_rows:,}"
                    )
                )
            rows.append(record)
            lines.append(start)
    except csv.Error as err:
        raise LabImportError(
            tr(
                "The CSV file is damaged near line {line} ({error}); check for an unclosed quote."
            ).format(line=reader.line_num, error=err)
        ) from None
    if header is None:
        raise LabImportError(tr("The file is empty: there is no header row."))
    return _Table([h.strip() for h in header], rows, lines, {}, warnings)


# --------------------------------------------------------------------------- XLSX


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs from the central directory, before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise LabImportError(
            tr(
                "The file is not a readable .xlsx workbook (damaged, password-protected or an "
                "old .xls renamed); open it in Excel and save it as .xlsx or CSV UTF-8."
            )
        ) from None
    if len(infos) > limits.max_zip_members:
        raise LabImportError(
            tr("The workbook holds {n} parts; this is not a normal lab export.").format(
                n=f"{len(infos):,}"
            )
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise LabImportError(
            tr(
                "The workbook declares {size} MB when unpacked (limit {limit} MB); it was "
                "refused without opening it."
            ).format(size=f"{total / MB:,.0f}", limit=f"{limits.max_unpacked_bytes / MB:g}")
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > limits.max_compression_ratio:
            raise LabImportError(
                tr(
                    "The workbook part '{part}' is compressed {ratio} to 1, far beyond a normal "
                    "spreadsheet; it was refused without opening it."
                ).format(part=info.filename[:60], ratio=f"{ratio:,.0f}")
            )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes, mapping: ColumnMapping, limits: Limits) -> Iterator[tuple[object, ...]]:
    import openpyxl
    import openpyxl.xml

    if not getattr(openpyxl.xml, "DEFUSEDXML", False):
        raise LabImportError(
            tr(
                "Spreadsheet import is disabled because the defusedxml package is missing; "
                "import a CSV UTF-8 file or ask IT to repair the installation."
            )
        )
    try:
        wb = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError):
        raise LabImportError(
            tr(
                "The file could not be read as an .xlsx workbook; open it in Excel and save it "
                "again, or export CSV UTF-8."
            )
        ) from None
    try:
        if mapping.sheet is not None:
            if mapping.sheet not in wb.sheetnames:
                raise LabImportError(
                    tr("The workbook has no sheet '{sheet}'; its sheets are: {sheets}.").format(
                        sheet=mapping.sheet, sheets=", ".join(wb.sheetnames)
                    )
                )
            ws = wb[mapping.sheet]
        else:
            ws = wb.worksheets[0]
        yield from ws.iter_rows(values_only=True, max_col=limits.max_columns)
    except (KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile):
        raise LabImportError(
            tr(
                "The workbook is damaged and could not be read; save it again as .xlsx or "
                "CSV UTF-8."
            )
        ) from None
    finally:
        wb.close()


def _read_xlsx(data: bytes, mapping: ColumnMapping, limits: Limits) -> _Table:
    _check_zip(data, limits)
    header: list[str] | None = None
    mrn_i = -1
    rows: list[list[str]] = []
    lines: list[int] = []
    pre_reject: dict[int, str] = {}
    for number, values in enumerate(_xlsx_rows(data, mapping, limits), start=1):
        if header is None:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            header = [_cell_text(v).strip() for v in values]
            while header and not header[-1]:
                header.pop()
            mrn_i = header.index(mapping.mrn) if mapping.mrn in header else -1
            continue
        if len(rows) >= limits.max_rows:
            raise LabImportError(
                tr("The sheet has more than {limit} rows; export a shorter date range.").format(
                    limit=f"{limits.max_rows:,}"
                )
            )
        cells = [_cell_text(v) for v in values]
        if 0 <= mrn_i < len(values) and isinstance(values[mrn_i], int | float):
            pre_reject[len(rows)] = tr(
                "The MRN is stored as a number in the spreadsheet, so leading zeros may be "
                "lost; format the MRN column as text and export again."
            )
        rows.append(cells)
        lines.append(number)
    if header is None:
        raise LabImportError(tr("The sheet is empty: there is no header row."))
    return _Table(header, rows, lines, pre_reject, [], check_width=False)


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

T = TypeVar("T")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."


def _per_unique(values: Sequence[str], parse: Callable[[str], T]) -> list[T]:
    """``parse`` applied once per distinct value (lab columns repeat a lot), result per row."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    parsed = [parse(u) for u in uniques.tolist()]
    return [parsed[c] for c in codes.tolist()]


def _column(table: _Table, name: str) -> list[str]:
    i = table.header.index(name)
    return [r[i].strip() if i < len(r) else "" for r in table.rows]


def _require_columns(table: _Table, mapping: ColumnMapping) -> None:
    wanted = [mapping.mrn, mapping.date]
    if mapping.wide is not None:
        wanted += [*mapping.wide.values(), *mapping.wide_units.values()]
    else:
        wanted += [c for c in (mapping.analyte, mapping.value, mapping.unit) if c is not None]
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
class _Long:
    """One candidate sample per entry (wide rows are split per analyte); stripped text."""

    row: list[int]
    mrn: list[str]
    date: list[str]
    analyte: list[str]
    value: list[str]
    unit: list[str]


def _long(table: _Table, mapping: ColumnMapping, skip: set[int]) -> _Long:
    keep = [i for i in range(len(table.rows)) if i not in skip]
    mrn, date = _column(table, mapping.mrn), _column(table, mapping.date)
    if mapping.wide is None:
        assert mapping.analyte is not None and mapping.value is not None
        analyte, value = _column(table, mapping.analyte), _column(table, mapping.value)
        unit = _column(table, mapping.unit) if mapping.unit else [""] * len(table.rows)
        return _Long(
            keep,
            [mrn[i] for i in keep],
            [date[i] for i in keep],
            [analyte[i] for i in keep],
            [value[i] for i in keep],
            [unit[i] for i in keep],
        )
    out = _Long([], [], [], [], [], [])
    for name, column in mapping.wide.items():
        values = _column(table, column)
        unit_col = mapping.wide_units.get(name)
        units = _column(table, unit_col) if unit_col else [""] * len(table.rows)
        for i in keep:
            if values[i] == "":  # not measured
                continue
            out.row.append(i)
            out.mrn.append(mrn[i])
            out.date.append(date[i])
            out.analyte.append(name)
            out.value.append(values[i])
            out.unit.append(units[i])
    order = sorted(range(len(out.row)), key=lambda k: out.row[k])
    return _Long(*([getattr(out, f)[k] for k in order] for f in _LONG_FIELDS))


_LONG_FIELDS: Final = ("row", "mrn", "date", "analyte", "value", "unit")


class _Reasons:
    """The first failing reason per candidate, filled in check order."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, "", dtype=object)
        self.open = np.ones(n, dtype=bool)

    def add(self, bad: np.ndarray | Sequence[bool], message: str | Sequence[str | None]) -> None:
        mask = np.asarray(bad, dtype=bool) & self.open
        if not mask.any():
            return
        if isinstance(message, str):
            self.reason[mask] = message
        else:
            self.reason[mask] = np.asarray(message, dtype=object)[mask]
        self.open &= ~mask

    def add_parsed(self, messages: Sequence[str | None]) -> None:
        """Reject every candidate whose parse result carries a message."""
        self.add([m is not None for m in messages], messages)


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
) -> ImportResult:
    _require_columns(table, mapping)
    warnings = list(table.warnings)
    blank = {i for i, r in enumerate(table.rows) if not any(c.strip() for c in r)}
    if blank:
        warnings.append(tr("{n} empty row(s) were skipped.").format(n=len(blank)))
    c = _long(table, mapping, blank)
    n = len(c.row)
    reasons = _Reasons(n)
    width = len(table.header)

    # Problems found while reading, and the shape of the row.
    reasons.add_parsed([table.pre_reject.get(r) for r in c.row])
    if table.check_width:
        reasons.add_parsed(
            [
                None
                if len(table.rows[r]) == width
                else tr("The row has {cells} cells but the header has {columns} columns.").format(
                    cells=len(table.rows[r]), columns=width
                )
                for r in c.row
            ]
        )
    cap = limits.max_field_chars
    reasons.add(
        [
            max(len(a), len(b), len(d), len(e), len(f)) > cap
            for a, b, d, e, f in zip(c.mrn, c.date, c.analyte, c.value, c.unit, strict=True)
        ],
        tr("A cell is longer than {n} characters.").format(n=f"{cap:,}"),
    )

    # MRN -> patient
    patients = _per_unique(c.mrn, lambda m: known_mrns.get(m) if m else None)
    reasons.add_parsed(
        _per_unique(
            c.mrn,
            lambda m: (
                tr("The MRN is missing.")
                if m == ""
                else None
                if m in known_mrns
                else tr("Unknown MRN '{mrn}': no patient in the planner has it.").format(
                    mrn=_short(m)
                )
            ),
        )
    )

    # Date
    dates = _per_unique(c.date, lambda t: _parse_date(t, today))
    reasons.add_parsed([r for _, r in dates])

    # Analyte
    names: dict[str, str] = {k.casefold(): v for k, v in DEFAULT_ANALYTE_NAMES.items()}
    names.update({k.strip().casefold(): v for k, v in mapping.analyte_names.items()})
    if mapping.wide is not None:
        names.update({a: a for a in ANALYTES})
    analytes = _per_unique(c.analyte, lambda a: names.get(a.casefold(), ""))
    reasons.add(
        [a == "" for a in analytes],
        _per_unique(
            c.analyte,
            lambda a: tr(
                "The analyte '{analyte}' is not imported (only WBC, ANC, platelets and "
                "haemoglobin are)."
            ).format(analyte=_short(a)),
        ),
    )

    # Value and qualifier
    parsed = _per_unique(c.value, lambda v: _parse_value(v, mapping.decimal_comma))
    reasons.add_parsed([r for _, _, r in parsed])

    # Unit (the file's, else the one declared in the mapping)
    units = [u or mapping.units.get(a, "") for u, a in zip(c.unit, analytes, strict=True)]
    keys = [f"{a}\x00{u}" if a else "" for a, u in zip(analytes, units, strict=True)]
    factors = _per_unique(
        keys, lambda k: _parse_unit(*k.split("\x00", 1)) if k else (math.nan, None)
    )
    reasons.add_parsed([r for _, r in factors])

    # Physical range in the canonical unit
    number = np.array([p[1] for p in parsed], dtype=float) * np.array(
        [f for f, _ in factors], dtype=float
    )
    lo = np.array([PHYSICAL_RANGE[a][0] if a else np.nan for a in analytes], dtype=float)
    hi = np.array([PHYSICAL_RANGE[a][1] if a else np.nan for a in analytes], dtype=float)
    with np.errstate(invalid="ignore"):
        out = (number < lo) | (number > hi)
    if out.any():
        messages: list[str | None] = [None] * n
        for i in np.flatnonzero(out & reasons.open).tolist():
            a, unit = analytes[i], CANONICAL_UNIT[analytes[i]]
            messages[i] = tr(
                "{analyte} {value} {unit} (as written: '{written}' {written_unit}) is outside "
                "the physical range {low}-{high} {unit}."
            ).format(
                analyte=tr(ANALYTE_LABEL[a]),
                value=f"{number[i]:g}",
                unit=unit,
                written=_short(c.value[i]),
                written_unit=_short(units[i]),
                low=f"{lo[i]:g}",
                high=f"{hi[i]:g}",
            )
        reasons.add(out, messages)

    qualifiers = [q for q, _, _ in parsed]
    days = [d for d, _ in dates]
    _duplicates(c, days, analytes, qualifiers, number, reasons, table.lines)
    return _build(
        c, reasons, table, filename, patients, days, analytes, qualifiers, number, warnings
    )


def _duplicates(
    c: _Long,
    days: Sequence[dt.date | None],
    analytes: Sequence[str],
    qualifiers: Sequence[str],
    number: np.ndarray,
    reasons: _Reasons,
    lines: Sequence[int],
) -> None:
    """Exact repeats are imported once and reported; differing values all go to review."""
    ok = np.flatnonzero(reasons.open)
    if ok.size == 0:
        return
    frame = pd.DataFrame(
        {
            "i": ok,
            "mrn": np.asarray(c.mrn, dtype=object)[ok],
            "day": np.asarray(days, dtype=object)[ok],
            "analyte": np.asarray(analytes, dtype=object)[ok],
            "vkey": [f"{qualifiers[i]}{number[i]!r}" for i in ok.tolist()],
        }
    )
    keys = ["mrn", "day", "analyte"]
    multi = frame.loc[frame.duplicated(keys, keep=False)]
    if multi.empty:
        return
    messages: list[str | None] = [None] * len(analytes)
    for _, group in multi.groupby(keys, sort=False):
        members = group["i"].tolist()
        if group["vkey"].nunique() > 1:
            listed = ", ".join(
                tr("line {line}: {value}").format(
                    line=lines[c.row[i]], value=f"{qualifiers[i]}{number[i]:g}"
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
    reasons.add_parsed(messages)


def _raw(row: Sequence[str]) -> tuple[str, ...]:
    return tuple(c if len(c) <= 200 else c[:200] + "..." for c in row)


def _build(
    c: _Long,
    reasons: _Reasons,
    table: _Table,
    filename: str,
    patients: Sequence[str | None],
    days: Sequence[dt.date | None],
    analytes: Sequence[str],
    qualifiers: Sequence[str],
    number: np.ndarray,
    warnings: list[str],
) -> ImportResult:
    accepted: list[LabSample] = []
    rejected: list[RejectedRow] = []
    lines = table.lines
    values = number.tolist()
    for i, is_ok in enumerate(reasons.open.tolist()):
        row = c.row[i]
        if not is_ok:
            rejected.append(
                RejectedRow(
                    line=lines[row],
                    reason=str(reasons.reason[i]),
                    raw=_raw(table.rows[row]),
                    analyte=analytes[i],
                )
            )
            continue
        analyte = cast(Analyte, analytes[i])
        accepted.append(
            LabSample(
                patient_id=str(patients[i]),
                mrn=c.mrn[i],
                date=cast(dt.date, days[i]),
                analyte=analyte,
                value=values[i],
                unit=CANONICAL_UNIT[analyte],
                qualifier=cast(Qualifier, qualifiers[i]),
                source=f"{filename} line {lines[row]}",
            )
        )
    return ImportResult(
        accepted=accepted, rejected=rejected, warnings=warnings, rows_read=len(table.rows)
    )
