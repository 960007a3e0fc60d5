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

Speed (issue 16): an import must cost a small multiple of parsing the file. Checks run per
column, once per distinct cell text (an export repeats a few dates, units and test names
thousands of times), and rows only become objects when they are accepted or rejected. A CSV
without quote characters is split by pandas' C tokenizer; any other is read by the csv
module, whose reading is the reference the fast one is tested against.
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
from typing import TYPE_CHECKING, Final

from planner.domain.i18n import tr, tr_noop
from planner.domain.labs import (
    ANALYTE_LABEL,
    ANALYTES,
    CANONICAL_UNIT,
    PHYSICAL_RANGE,
    Analyte,
    LabSample,
)
from planner.errors import PlannerError

if TYPE_CHECKING:  # numpy and pandas are imported when a file is read, not with the module
    import numpy as np
    import numpy.typing as npt

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
    """A file's data rows, read but not checked, as columns.

    Attributes:
        header: the header cells (stripped).
        size: the number of data rows (blank ones included).
        lines: per row, its 1-based line (CSV) or row (XLSX) number in the source.
        widths: per row, how many cells it has.
        cells: header index -> that column's cell text per row, as read ("" past a short
            row's end); an object array.
        row: row index -> the row's cells as read (for a rejected row's ``raw``).
        blank: row index -> True when every cell of the row is empty or spaces.
        pre_reject: row index -> reason found while reading (XLSX cell types).
        warnings: file-level notes found while reading.
        check_width: CSV rows must have as many cells as the header.
    """

    header: list[str]
    size: int
    lines: npt.NDArray[np.int64]
    widths: npt.NDArray[np.int64]
    cells: Callable[[int], npt.NDArray[np.object_]]
    row: Callable[[int], Sequence[str]]
    blank: Callable[[int], bool]
    pre_reject: dict[int, str]
    warnings: list[str]
    check_width: bool = True


def _rows_table(
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    pre_reject: dict[int, str],
    warnings: list[str],
    *,
    check_width: bool,
) -> _Table:
    """A table over rows already split into cells (the csv module's reading, XLSX)."""
    import numpy as np

    def cells(i: int) -> npt.NDArray[np.object_]:
        out = np.empty(len(rows), dtype=object)
        out[:] = [r[i] if i < len(r) else "" for r in rows]
        return out

    return _Table(
        header=header,
        size=len(rows),
        lines=np.asarray(lines, dtype=np.int64),
        widths=np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows)),
        cells=cells,
        row=rows.__getitem__,
        blank=lambda i: not any(c.strip() for c in rows[i]),
        pre_reject=pre_reject,
        warnings=warnings,
        check_width=check_width,
    )


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
    table = _read_plain_csv(text, delimiter, _wanted_columns(mapping), limits, warnings)
    if table is None:
        table = _read_quoted_csv(text, delimiter, limits, warnings)
    return table


def _read_quoted_csv(text: str, delimiter: str, limits: Limits, warnings: list[str]) -> _Table:
    """Any CSV, read by the csv module (quotes, embedded newlines): the reference reading."""
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
                _check_header_width(header, limits)
                continue
            if len(rows) >= limits.max_rows:
                raise _too_many_rows(limits)
            rows.append(record)
            lines.append(start)
    except csv.Error as err:
        raise LabImportError(
            tr(
                "The CSV file is damaged near line {line} ({error}); check for an unclosed quote."
            ).format(line=reader.line_num, error=err)
        ) from None
    if header is None:
        raise _no_header()
    return _rows_table([h.strip() for h in header], rows, lines, {}, warnings, check_width=True)


def _check_header_width(header: Sequence[str], limits: Limits) -> None:
    if len(header) > limits.max_columns:
        raise LabImportError(
            tr("The file has {n} columns; at most {limit} can be imported.").format(
                n=len(header), limit=limits.max_columns
            )
        )


def _too_many_rows(limits: Limits) -> LabImportError:
    return LabImportError(
        tr("The file has more than {limit} rows; export a shorter date range.").format(
            limit=f"{limits.max_rows:,}"
        )
    )


def _no_header() -> LabImportError:
    return LabImportError(tr("The file is empty: there is no header row."))


# Delimiters the fast reading splits on; another (a mapping may name any) goes to the csv module.
_PLAIN_DELIMITERS: Final = frozenset(",;\t|")


def _read_plain_csv(
    text: str, delimiter: str, wanted: Sequence[str], limits: Limits, warnings: list[str]
) -> _Table | None:
    """A CSV without quote characters, split by pandas' C tokenizer; None for any other.

    Without a quote character every record is one line and every cell the text between
    two delimiters, so the reading equals the csv module's (``_read_quoted_csv``): same
    records, cells, line numbers and refusals. Whatever could make them differ sends the
    file to the csv module instead: a quote, a NUL, a carriage return not followed by a
    line feed, a byte order mark opening the data, a line longer than the csv module's
    field limit (it refuses such a field), a line with more cells than a header may have,
    or a tokenizer that refuses the text or disagrees on the number of lines.
    """
    if delimiter not in _PLAIN_DELIMITERS or '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    field_limit = csv.field_size_limit()
    start, number = 0, 0
    while True:  # the header is the first line with a cell that is not blank
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        number += 1
        if len(line) > field_limit:
            return None
        if line.replace(delimiter, "").strip():
            break
        if end < 0:
            raise _no_header()
        start = end + 1
    header = line.split(delimiter)
    _check_header_width(header, limits)
    body = "" if end < 0 else text[end + 1 :]
    if body.startswith("\ufeff"):  # pandas would drop it as a byte order mark
        return None
    return _split_body(body, delimiter, header, number, wanted, limits, warnings, field_limit)


def _split_body(
    body: str,
    delimiter: str,
    header: list[str],
    header_line: int,
    wanted: Sequence[str],
    limits: Limits,
    warnings: list[str],
    field_limit: int,
) -> _Table | None:
    """The data lines after the header: line lengths and cell counts from the bytes (a
    newline and these delimiters are one byte in UTF-8), the mapped columns from pandas,
    a row's cells by splitting its line only when it is rejected."""
    import numpy as np
    import pandas as pd

    raw = np.frombuffer(body.encode("utf-8"), dtype=np.uint8)  # newline, delimiter: 1 byte
    ends = np.flatnonzero(raw == ord("\n"))
    if raw.size and raw[-1] != ord("\n"):
        ends = np.append(ends, raw.size)
    starts = np.concatenate(([0], ends[:-1] + 1)) if ends.size else ends
    lengths = ends - starts
    if lengths.size and int(lengths.max()) > field_limit:
        return None
    size = int(ends.size)
    if size > limits.max_rows:
        raise _too_many_rows(limits)
    stops = np.flatnonzero(raw == ord(delimiter))
    widths = np.where(
        lengths == 0, 0, np.searchsorted(stops, ends) - np.searchsorted(stops, starts) + 1
    ).astype(np.int64)
    names = [h.strip() for h in header]
    columns = int(widths.max()) if size else 0
    if columns > max(len(header), limits.max_columns):
        return None
    columns = max(columns, len(header)) if columns else 0
    used = sorted(i for i, h in enumerate(names) if h in wanted)
    parsed: dict[int, npt.NDArray[np.object_]] = {}
    if size and used and columns == 0:  # every line empty
        parsed = {i: np.full(size, "", dtype=object) for i in used}
    elif size and used:
        try:
            frame = pd.read_csv(
                io.StringIO(body),
                sep=delimiter,
                header=None,
                names=list(range(columns)),
                usecols=used,
                dtype=object,
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
                engine="c",
            )
        except (pd.errors.ParserError, ValueError):
            return None
        if len(frame) != size:
            return None
        parsed = {i: frame[i].to_numpy(dtype=object) for i in used}
    split: list[str] = []

    def line(i: int) -> str:
        if not split:
            split.extend(body.split("\n"))
        return split[i]

    def cells(i: int) -> npt.NDArray[np.object_]:
        if i in parsed:
            return parsed[i]
        out = np.empty(size, dtype=object)
        out[:] = [r[i] if i < len(r) else "" for r in map(row, range(size))]
        return out

    def row(i: int) -> list[str]:
        text = line(i)
        return text.split(delimiter) if text else []

    return _Table(
        header=names,
        size=size,
        lines=np.arange(header_line + 1, header_line + 1 + size, dtype=np.int64),
        widths=widths,
        cells=cells,
        row=row,
        blank=lambda i: not line(i).replace(delimiter, "").strip(),
        pre_reject={},
        warnings=warnings,
    )


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
    return _rows_table(header, rows, lines, pre_reject, [], check_width=False)


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


def _wanted_columns(mapping: ColumnMapping) -> list[str]:
    """The source columns the mapping reads, each once."""
    wanted = [mapping.mrn, mapping.date]
    if mapping.wide is not None:
        wanted += [*mapping.wide.values(), *mapping.wide_units.values()]
    else:
        wanted += [c for c in (mapping.analyte, mapping.value, mapping.unit) if c is not None]
    return list(dict.fromkeys(wanted))


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
                "The analyte '{analyte}' is not imported (only WBC, ANC, platelets and "
                "haemoglobin are)."
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
    number = (
        np.array([x for _, x, _ in parsed], dtype=float)[c.value.codes]
        * np.array([f for f, _ in factors], dtype=float)[pair.reshape(-1)]
    )
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
        c, reasons, table, filename, patients, days, analytes, qualifiers, number, warnings
    )


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
    key = (c.mrn.codes[ok].astype(np.int64) * span + (ordinal - first)) * 4 + kind[ok]
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

    def __len__(self) -> int:
        return len(self.line)

    def samples(self, keep: npt.NDArray[np.bool_] | None = None) -> list[LabSample]:
        """The accepted rows (those flagged in ``keep``, else all) as samples."""
        import numpy as np

        which = np.flatnonzero(keep) if keep is not None else np.arange(len(self.line))
        unit = CANONICAL_UNIT
        source = f"{self.filename} line "
        return [
            LabSample(p, m, d, a, v, unit[a], q, f"{source}{n}")
            for p, m, d, a, v, q, n in zip(
                self.patient_id[which].tolist(),
                self.mrn[which].tolist(),
                self.day[which].tolist(),
                self.analyte[which].tolist(),
                self.value[which].tolist(),
                self.qualifier[which].tolist(),
                self.line[which].tolist(),
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
        rejected=rejected,
        warnings=warnings,
        rows_read=table.size,
    )
