"""Reading a lab export's bytes into rows of text (CSV and XLSX), before any check.

The whole-file refusals happen here: too big, binary, undecodable (``charset`` decides
the encoding of a CSV), a zip bomb, too many rows or columns. A CSV without quote characters is split by pandas' C tokenizer;
any other is read by the csv module, whose reading is the reference the fast one is
tested against (tests/unit/test_labimport_equivalence.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from planner.domain.i18n import tr
from planner.labimport.charset import decode_text
from planner.labimport.common import MB, ColumnMapping, LabImportError, Limits

if TYPE_CHECKING:  # numpy and pandas are imported when a file is read, not with the module
    import numpy as np
    import numpy.typing as npt


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


# --------------------------------------------------------------------------- CSV


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, mapping: ColumnMapping, limits: Limits) -> _Table:
    decoded = decode_text(data)
    text = unicodedata.normalize("NFC", decoded.text)
    note = decoded.note()
    warnings = [note] if note is not None else []
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


def _wanted_columns(mapping: ColumnMapping) -> list[str]:
    """The source columns the mapping reads, each once."""
    wanted = [mapping.mrn, mapping.date]
    if mapping.wide is not None:
        wanted += [*mapping.wide.values(), *mapping.wide_units.values()]
    else:
        wanted += [c for c in (mapping.analyte, mapping.value, mapping.unit) if c is not None]
    return list(dict.fromkeys(wanted))
