"""The lab reader checks columns once per distinct text; it must agree with row-by-row checks.

``reference`` below is the straightforward definition: the csv module's records, then each
row checked on its own in the documented order (shape, cell length, MRN, date, analyte,
value, unit, physical range), then repeats inside the file. The per-cell parsers it calls
(``_parse_date``, ``_parse_value``, ``_parse_unit``) have their own tests in
test_labimport.py; what is compared here is everything around them: which rows, which
line numbers, which reason wins, the samples, the warnings. Generated files are hostile:
blanks, whitespace-only and ragged rows, bad and future dates, commas, qualifiers, unknown
units and MRNs, repeats and conflicts, CRLF, quotes, stray BOMs and separators.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
import sys
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.i18n import tr
from planner.domain.labs import (
    ANALYTE_LABEL,
    ANALYTES,
    CANONICAL_UNIT,
    PHYSICAL_RANGE,
    LabSample,
)
from planner.labimport import reader, table
from planner.labimport.reader import (
    DEFAULT_ANALYTE_NAMES,
    ColumnMapping,
    ImportResult,
    LabImportError,
    Limits,
    RejectedRow,
    read_lab_file,
)

KNOWN = {"000123": "p1", "000456": "p2", "42": "p3"}
TODAY = dt.date(2025, 3, 10)
HEADER = ("MRN", "Surname", "Date", "Test", "Result", "Unit")
LONG = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
MAPPINGS = [
    LONG,
    ColumnMapping(
        mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit", decimal_comma=True
    ),
    ColumnMapping(
        mrn="MRN",
        date="Date",
        analyte="Test",
        value="Result",
        units={"plt": "K/uL", "hb": " g/dL"},
        analyte_names={" Neut# ": "anc"},
    ),
    ColumnMapping(
        mrn="MRN",
        date="Date",
        wide={"anc": "Test", "plt": "Result"},
        wide_units={"plt": "Unit"},
        units={"anc": "10^9/L"},
    ),
]
# Per column: plausible cells, then hostile ones (blank, padded, bad and future dates,
# decimal commas, qualifiers, non-results, unknown units and MRNs, quotes, a stray BOM).
COLUMNS = [
    (["000123", "000456", " 000123 ", "42"], ["000999", "", "0042", "\ufeff000123"]),
    (["A", "Null", ""], ['"x"', '"a\nb"', "\u2028", "#"]),
    (
        ["2025-03-10", "2025-03-09", " 2025-03-09", "2025-03-09T08:15"],
        ["2025-03-11", "2025-02-30", "", "03/04/2025", "1960-01-01", "45000"],
    ),
    (["ANC", "anc", " PLT", "WBC", "HGB", "hb", " Neut# "], ["CRP", "neut#", "", "0.4", "1,5"]),
    (
        ["1.5", "1,5", "<0.1", "> 1000", "-0", "0", "0.0", "1500", "150", "45", "9.5", ".4"],
        ["1.500", "-1", "2500", "pending", "Haemolysed.", "abc", "1e3", "NaN", "=1+1", '"1,5"', ""],
    ),
    (["10^9/L", "K/uL", "/uL", " cells / uL ", "g/dL", "g/L"], ["mmol/L", "", "x" * 45]),
]
CELLS = sorted({c for good, bad in COLUMNS for c in good + bad})


# --------------------------------------------------------------------------- the reference


def _records(text: str, delimiter: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(line, cells)]) as the csv module reads them; blank lines before the
    header skipped."""
    read = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    for record in read:
        start, previous = previous + 1, read.line_num
        if header is None:
            if any(cell.strip() for cell in record):
                header = [h.strip() for h in record]
            continue
        rows.append((start, record))
    assert header is not None
    return header, rows


def _raw(cells: list[str]) -> tuple[str, ...]:
    return tuple(c if len(c) <= 200 else c[:200] + "..." for c in cells)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "..."


def _entries(
    header: list[str], cells: list[str], mapping: ColumnMapping
) -> list[tuple[str, str, str, str, str]]:
    """The row's (mrn, date, analyte, value, unit) candidates, stripped."""

    def cell(name: str | None) -> str:
        if name is None:
            return ""
        i = header.index(name)
        return cells[i].strip() if i < len(cells) else ""

    if mapping.wide is None:
        return [
            (
                cell(mapping.mrn),
                cell(mapping.date),
                cell(mapping.analyte),
                cell(mapping.value),
                cell(mapping.unit),
            )
        ]
    return [
        (
            cell(mapping.mrn),
            cell(mapping.date),
            name,
            cell(column),
            cell(mapping.wide_units.get(name)),
        )
        for name, column in mapping.wide.items()
        if cell(column) != ""
    ]


def _check(
    width_ok: str | None,
    entry: tuple[str, str, str, str, str],
    mapping: ColumnMapping,
) -> tuple[str, dict[str, object]]:
    """(reason or "", parsed fields) of one candidate, checks in their documented order."""
    mrn, date, name, value, unit = entry
    names = {k.casefold(): v for k, v in DEFAULT_ANALYTE_NAMES.items()}
    names.update({k.strip().casefold(): v for k, v in mapping.analyte_names.items()})
    if mapping.wide is not None:
        names.update({a: a for a in ANALYTES})
    analyte = names.get(name.casefold(), "")
    fields: dict[str, object] = {"analyte": analyte}
    if width_ok:
        return width_ok, fields
    if max(len(x) for x in entry) > 1000:
        return tr("A cell is longer than {n} characters.").format(n="1,000"), fields
    if mrn == "":
        return tr("The MRN is missing."), fields
    if mrn not in KNOWN:
        return tr("Unknown MRN '{mrn}': no patient in the planner has it.").format(
            mrn=_short(mrn)
        ), fields
    day, why = reader._parse_date(date, TODAY)
    if why:
        return why, fields
    if not analyte:
        return tr(
            "The analyte '{analyte}' is not imported (only WBC, ANC, platelets, "
            "haemoglobin, creatinine and bilirubin are)."
        ).format(analyte=_short(name)), fields
    qualifier, number, why = reader._parse_value(value, mapping.decimal_comma)
    if why:
        return why, fields
    written_unit = unit or mapping.units.get(analyte, "")
    factor, why = reader._parse_unit(analyte, written_unit)
    if why:
        return why, fields
    canonical = number * factor
    low, high = PHYSICAL_RANGE[analyte]
    if not low <= canonical <= high:
        return tr(
            "{analyte} {value} {unit} (as written: '{written}' {written_unit}) is outside "
            "the physical range {low}-{high} {unit}."
        ).format(
            analyte=tr(ANALYTE_LABEL[analyte]),
            value=f"{canonical:g}",
            unit=CANONICAL_UNIT[analyte],
            written=_short(value),
            written_unit=_short(written_unit),
            low=f"{low:g}",
            high=f"{high:g}",
        ), fields
    fields.update(day=day, qualifier=qualifier, value=canonical)
    return "", fields


def reference(text: str, mapping: ColumnMapping, delimiter: str) -> ImportResult:
    """Row by row: the definition the column-wise reader must agree with."""
    header, records = _records(text, delimiter)
    warnings: list[str] = []
    blank = sum(1 for _, cells in records if not any(c.strip() for c in cells))
    if blank:
        warnings.append(tr("{n} empty row(s) were skipped.").format(n=blank))
    candidates = []  # (line, cells, mrn, reason, fields)
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        width_ok = (
            None
            if len(cells) == len(header)
            else tr("The row has {cells} cells but the header has {columns} columns.").format(
                cells=len(cells), columns=len(header)
            )
        )
        for entry in _entries(header, cells, mapping):
            reason, fields = _check(width_ok, entry, mapping)
            candidates.append([line, cells, entry[0], reason, fields])
    # Repeats inside the file, among rows that passed every other check.
    groups: dict[tuple[object, ...], list[list[object]]] = {}
    for c in candidates:
        if not c[3]:
            f = c[4]
            groups.setdefault((c[2], f["day"], f["analyte"]), []).append(c)
    for members in groups.values():
        if len(members) < 2:
            continue
        shown = [(m[4]["qualifier"], m[4]["value"]) for m in members]
        if len({(q, repr(v)) for q, v in shown}) > 1:  # -0 and 0 are written differently
            listed = ", ".join(
                tr("line {line}: {value}").format(line=m[0], value=f"{q}{v:g}")
                for m, (q, v) in zip(members, shown, strict=True)
            )
            for m in members:
                m[3] = tr(
                    "Conflicting values for the same MRN, date and analyte ({values}); none was "
                    "imported, review and enter the right one."
                ).format(values=listed)
        else:
            for m in members[1:]:
                m[3] = tr("Duplicate of line {line} (imported once).").format(line=members[0][0])
    accepted, rejected = [], []
    for line, cells, mrn, reason, fields in candidates:
        if reason:
            rejected.append(RejectedRow(line, reason, _raw(cells), str(fields["analyte"])))
            continue
        analyte = str(fields["analyte"])
        accepted.append(
            LabSample(
                KNOWN[mrn],
                mrn,
                fields["day"],  # type: ignore[arg-type]
                analyte,  # type: ignore[arg-type]
                fields["value"],  # type: ignore[arg-type]
                CANONICAL_UNIT[analyte],
                fields["qualifier"],  # type: ignore[arg-type]
                f"f.csv line {line}",
            )
        )
    return ImportResult(accepted, rejected, warnings, len(records))


# --------------------------------------------------------------------------- generated files


@st.composite
def lab_files(draw: st.DrawFn) -> tuple[str, str]:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))

    def cells(pool: list[str]) -> st.SearchStrategy[str]:
        return st.sampled_from(pool).map(lambda c: c.replace(delimiter, ""))

    usual = st.tuples(
        *(st.one_of(cells(good), cells(good), cells(good), cells(bad)) for good, bad in COLUMNS)
    ).map(list)
    ragged = st.lists(cells(CELLS), min_size=0, max_size=8)  # or blank
    row = st.integers(0, 9).flatmap(
        lambda k: usual if k < 8 else ragged if k == 8 else st.just([""] * 6)
    )
    rows = st.lists(row.map(delimiter.join), max_size=30)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    before = draw(st.lists(st.sampled_from(["", " ", delimiter * 2]), max_size=2))
    body = draw(rows)
    end = draw(st.sampled_from(["", newline, newline * 2]))
    quoted = draw(st.booleans())
    text = newline.join([*before, delimiter.join(HEADER), *body]) + end
    if not quoted:
        text = text.replace('"', "")
    return text, delimiter


def _as_tuple(result: ImportResult) -> tuple[object, ...]:
    return (result.accepted, result.rejected, result.warnings, result.rows_read)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(lab_files(), st.sampled_from(MAPPINGS))
def test_column_checks_agree_with_row_by_row_checks(
    generated: tuple[str, str], mapping: ColumnMapping
) -> None:
    text, delimiter = generated
    mapping = replace(mapping, delimiter=delimiter)
    expected = reference(text, mapping, delimiter)
    got = read_lab_file(text.encode(), "f.csv", mapping, KNOWN, today=TODAY)
    assert _as_tuple(got) == _as_tuple(expected)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(lab_files(), st.sampled_from(MAPPINGS))
def test_fast_csv_reading_agrees_with_the_csv_module(
    generated: tuple[str, str], mapping: ColumnMapping
) -> None:
    text, delimiter = generated
    data = text.encode()
    mapping = replace(mapping, delimiter=delimiter)
    fast = read_lab_file(data, "f.csv", mapping, KNOWN, today=TODAY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table, "_read_plain_csv", lambda *_a: None)
        slow = read_lab_file(data, "f.csv", mapping, KNOWN, today=TODAY)
    assert _as_tuple(fast) == _as_tuple(slow)


# --------------------------------------------------------------------------- edges


@pytest.mark.parametrize(
    "text",
    [
        "MRN,Date,Test,Result,Unit\n",  # header only
        "MRN,Date,Test,Result,Unit",  # header only, no newline
        "MRN,Date,Test,Result,Unit\n\n\n",  # blank rows only
        "\n \n,,\nMRN,Date,Test,Result,Unit\r\n000123,2025-03-10,ANC,1,10^9/L\r\n",
        "MRN,Date,Test,Result,Unit\n\ufeff000123,2025-03-10,ANC,1,10^9/L\n",  # BOM in data
        "MRN,Date,Test,Result,Unit\n000123,2025-03-10,ANC,1,10^9/L\r000123,2025-03-10,PLT,9,G/L",
        "MRN,Date,Test,Result,Unit\n000123,2025-03-10,ANC,1,10^9/L," + "," * 600 + "\n",
    ],
)
def test_edge_files_read_as_the_csv_module_reads_them(text: str) -> None:
    data = text.encode()
    fast = read_lab_file(data, "f.csv", LONG, KNOWN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table, "_read_plain_csv", lambda *_a: None)
        slow = read_lab_file(data, "f.csv", LONG, KNOWN)
    assert _as_tuple(fast) == _as_tuple(slow)


def test_a_line_beyond_the_csv_field_limit_is_refused_as_before() -> None:
    data = ("MRN,Date,Test,Result,Unit\n000123,2025-03-10,ANC,1," + "u" * 200_000 + "\n").encode()
    with pytest.raises(LabImportError, match="damaged near line 2"):
        read_lab_file(data, "f.csv", LONG, KNOWN)


def test_row_cap_counts_the_same_rows_either_way() -> None:
    rows = "".join(f"000123,2025-03-{d:02d},ANC,1,10^9/L\n" for d in range(1, 6))
    data = ("MRN,Date,Test,Result,Unit\n" + rows).encode()
    assert len(read_lab_file(data, "f.csv", LONG, KNOWN, limits=Limits(max_rows=5)).accepted) == 5
    with pytest.raises(LabImportError, match="more than 4 rows"):
        read_lab_file(data, "f.csv", LONG, KNOWN, limits=Limits(max_rows=4))


def test_importing_the_reader_does_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "import planner.labimport.reader\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
