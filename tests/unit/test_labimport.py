"""Lab export import: hostile files (oversize, zip bombs, XXE, bad encodings), literal values
kept (MRN zeros, surname "Null", "<0.1"), units, duplicates (issue 4)."""

from __future__ import annotations

import datetime as dt
import io
import struct
import time
import zipfile
from pathlib import Path

import pytest

from planner.labimport.reader import (
    ColumnMapping,
    ImportResult,
    LabImportError,
    Limits,
    check_size,
    normalise_unit,
    read_lab_file,
    unit_factor,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "labs"
LONG = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
KNOWN = {"000123": "p1", "000456": "p2"}
HEADER = "MRN,Surname,Date,Test,Result,Unit"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def run(
    data: bytes, name: str = "labs.csv", mapping: ColumnMapping = LONG, **kw: object
) -> ImportResult:
    return read_lab_file(data, name, mapping, KNOWN, **kw)  # type: ignore[arg-type]


def only_reason(result: ImportResult) -> str:
    assert not result.accepted, result.accepted
    assert len(result.rejected) == 1, result.rejected
    return result.rejected[0].reason


# --------------------------------------------------------------------------- literal text


def test_mrn_zeros_and_surname_null_survive() -> None:
    result = run(csv_bytes("000123,Null,2025-03-10,ANC,1.2,10^9/L"))
    (sample,) = result.accepted
    assert (sample.mrn, sample.patient_id) == ("000123", "p1")
    assert sample.date == dt.date(2025, 3, 10)
    assert (sample.analyte, sample.value, sample.unit) == ("anc", 1.2, "10^9/L")
    assert sample.source == "labs.csv line 2"
    assert not result.rejected


def test_surname_null_kept_in_raw_of_rejected_row() -> None:
    result = run(csv_bytes("000999,Null,2025-03-10,ANC,1.2,10^9/L"))
    assert result.rejected[0].raw[1] == "Null"
    assert "Unknown MRN '000999'" in result.rejected[0].reason


def test_mrn_without_zeros_does_not_match() -> None:
    assert "Unknown MRN '123'" in only_reason(run(csv_bytes("123,A,2025-03-10,ANC,1.2,10^9/L")))


def test_less_than_kept_with_qualifier() -> None:
    (sample,) = run(csv_bytes("000123,A,2025-03-10,ANC,<0.1,10^9/L")).accepted
    assert (sample.value, sample.qualifier, sample.display_value) == (0.1, "<", "<0.1")
    (sample,) = run(csv_bytes("000123,A,2025-03-10,PLT,> 1000,10^9/L")).accepted
    assert (sample.value, sample.qualifier) == (1000.0, ">")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("pending", "pending"),
        ("Haemolysed", "haemolysed"),
        ("hemolyzed", "haemolysed"),
        ("", "missing"),
        ("abc", "not a number"),
        ("=1+1", "not a number"),
        ("1e3", "not a number"),
        ("NaN", "not a number"),
    ],
)
def test_non_results_rejected(value: str, fragment: str) -> None:
    assert fragment in only_reason(run(csv_bytes(f"000123,A,2025-03-10,ANC,{value},10^9/L")))


def test_decimal_comma_rejected_unless_declared() -> None:
    row = '000123,A,2025-03-10,ANC,"1,5",10^9/L'
    assert "comma" in only_reason(run(csv_bytes(row)))
    declared = ColumnMapping(
        mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit", decimal_comma=True
    )
    (sample,) = run(csv_bytes(row), mapping=declared).accepted
    assert sample.value == 1.5
    assert "ambiguous" in only_reason(
        run(csv_bytes("000123,A,2025-03-10,ANC,1.500,10^9/L"), mapping=declared)
    )


def test_semicolon_delimited_file_with_decimal_comma() -> None:
    data = b"MRN;Surname;Date;Test;Result;Unit\n000123;A;2025-03-10;ANC;0,8;10^9/L\n"
    declared = ColumnMapping(
        mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit", decimal_comma=True
    )
    (sample,) = run(data, mapping=declared).accepted
    assert sample.value == 0.8


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        ("10^9/L", "1.5", 1.5),
        ("x10^9/L", "1.5", 1.5),
        ("10*9/L", "1.5", 1.5),
        ("×10⁹/L", "1.5", 1.5),
        ("G/L", "1.5", 1.5),
        ("K/uL", "1.5", 1.5),
        ("K/\u00b5L", "1.5", 1.5),  # micro sign
        ("K/\u03bcL", "1.5", 1.5),  # Greek mu
        ("10^3/uL", "1.5", 1.5),
        ("/uL", "1500", 1.5),
        ("/mm3", "1500", 1.5),
        ("cells/\u00b5L", "1500", 1.5),
        (" cells / uL ", "1500", 1.5),
    ],
)
def test_count_units_normalised(unit: str, value: str, expected: float) -> None:
    (sample,) = run(csv_bytes(f"000123,A,2025-03-10,ANC,{value},{unit}")).accepted
    assert sample.value == pytest.approx(expected)
    assert sample.unit == "10^9/L"


@pytest.mark.parametrize(
    ("unit", "value", "expected"), [("g/dL", "9.5", 95.0), ("g/L", "95", 95.0)]
)
def test_haemoglobin_units(unit: str, value: str, expected: float) -> None:
    (sample,) = run(csv_bytes(f"000123,A,2025-03-10,HGB,{value},{unit}")).accepted
    assert (sample.analyte, sample.value, sample.unit) == ("hb", pytest.approx(expected), "g/L")


def test_unknown_unit_named() -> None:
    reason = only_reason(run(csv_bytes("000123,A,2025-03-10,ANC,1.5,mmol/L")))
    assert "Unknown unit 'mmol/L'" in reason and "ANC" in reason


def test_missing_unit_uses_declared_unit_or_rejects() -> None:
    row = "000123,A,2025-03-10,PLT,45,"
    assert "unit is missing" in only_reason(run(csv_bytes(row)))
    declared = ColumnMapping(
        mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit", units={"plt": "K/uL"}
    )
    (sample,) = run(csv_bytes(row), mapping=declared).accepted
    assert sample.value == 45


def test_unit_helpers() -> None:
    assert normalise_unit(" K/\u03bcL ") == "k/ul"
    assert unit_factor("plt", "/mm3") == 0.001
    assert unit_factor("hb", "K/uL") is None


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("000123,A,2025-03-10,ANC,150,10^9/L", "physical range 0-100"),
        ("000123,A,2025-03-10,ANC,-1,10^9/L", "physical range 0-100"),
        ("000123,A,2025-03-10,PLT,2500,10^9/L", "physical range 0-2000"),
        ("000123,A,2025-03-10,WBC,600,10^9/L", "physical range 0-500"),
        ("000123,A,2025-03-10,HGB,30,g/dL", "physical range 10-250"),
        ("000123,A,2025-03-10,PLT,45000,K/uL", "physical range 0-2000"),
    ],
)
def test_out_of_physical_range(row: str, fragment: str) -> None:
    assert fragment in only_reason(run(csv_bytes(row)))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("date", "fragment"),
    [
        ("03/04/2025", "not an ISO date"),
        ("2025-02-30", "does not exist"),
        ("", "date is missing"),
        ("1900-02-29", "does not exist"),  # Excel's phantom leap day
        ("1960-01-01", "before 1970"),
        ("45000", "not an ISO date"),
    ],
)
def test_bad_dates(date: str, fragment: str) -> None:
    assert fragment in only_reason(run(csv_bytes(f"000123,A,{date},ANC,1.5,10^9/L")))


def test_datetime_accepted_and_future_rejected() -> None:
    (sample,) = run(csv_bytes("000123,A,2025-03-10T08:15,ANC,1.5,10^9/L")).accepted
    assert sample.date == dt.date(2025, 3, 10)
    reason = only_reason(
        run(csv_bytes("000123,A,2025-03-11,ANC,1.5,10^9/L"), today=dt.date(2025, 3, 10))
    )
    assert "future" in reason


# --------------------------------------------------------------------------- duplicates


def test_exact_duplicate_imported_once_and_reported() -> None:
    result = run(
        csv_bytes(
            "000123,A,2025-03-10,ANC,1.5,10^9/L",
            "000123,A,2025-03-10,ANC,1500,/uL",  # same sample in another unit
        )
    )
    assert len(result.accepted) == 1
    (dup,) = result.rejected
    assert dup.line == 3 and "Duplicate of line 2" in dup.reason


def test_conflicting_values_both_rejected() -> None:
    result = run(
        csv_bytes(
            "000123,A,2025-03-10,ANC,1.5,10^9/L",
            "000123,A,2025-03-10,PLT,40,10^9/L",
            "000123,A,2025-03-10,ANC,1.7,10^9/L",
            "000456,B,2025-03-10,ANC,1.7,10^9/L",
        )
    )
    assert sorted(s.analyte + s.patient_id for s in result.accepted) == ["ancp2", "pltp1"]
    assert [r.line for r in result.rejected] == [2, 4]
    assert all("Conflicting" in r.reason and "line 2: 1.5" in r.reason for r in result.rejected)


def test_unknown_analyte_reported_and_custom_name() -> None:
    assert "'CRP' is not imported" in only_reason(run(csv_bytes("000123,A,2025-03-10,CRP,5,mg/L")))
    mapping = ColumnMapping(
        mrn="MRN",
        date="Date",
        analyte="Test",
        value="Result",
        unit="Unit",
        analyte_names={"NEUT#": "anc"},
    )
    (sample,) = run(csv_bytes("000123,A,2025-03-10,neut#,0.4,10^9/L"), mapping=mapping).accepted
    assert sample.analyte == "anc"


def test_row_with_wrong_cell_count_rejected() -> None:
    reason = only_reason(run(csv_bytes("000123,A,2025-03-10,ANC,1,5,10^9/L")))
    assert "7 cells" in reason and "6 columns" in reason


def test_blank_rows_skipped_with_warning() -> None:
    result = run(csv_bytes("000123,A,2025-03-10,ANC,1.5,10^9/L", ",,,,,", ""))
    assert len(result.accepted) == 1 and not result.rejected
    assert any("empty row" in w for w in result.warnings)


def test_missing_mapped_column_is_file_error() -> None:
    with pytest.raises(LabImportError, match="'Unit' not found"):
        run(csv_bytes("000123,A,2025-03-10,ANC,1.5", header="MRN,Surname,Date,Test,Result"))


def test_wide_format() -> None:
    mapping = ColumnMapping(
        mrn="MRN",
        date="Date",
        wide={"anc": "ANC", "plt": "PLT"},
        units={"anc": "10^9/L", "plt": "K/uL"},
    )
    data = csv_bytes(
        "000123,2025-03-10,0.4,22",
        "000123,2025-03-11,,25",
        "000123,2025-03-12,x,30",
        header="MRN,Date,ANC,PLT",
    )
    result = run(data, mapping=mapping)
    assert sorted((s.date.day, s.analyte, s.value) for s in result.accepted) == [
        (10, "anc", 0.4),
        (10, "plt", 22),
        (11, "plt", 25),
        (12, "plt", 30),
    ]
    (bad,) = result.rejected
    assert (bad.line, bad.analyte) == (4, "anc")


# --------------------------------------------------------------------------- encodings


def test_utf8_bom_and_utf16_accepted() -> None:
    text = HEADER + "\n000123,Zoë,2025-03-10,ANC,1.5,10^9/L\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        result = run(data)
        assert len(result.accepted) == 1
        assert result.rejected == []


def test_cp1252_is_read_and_said_never_mojibake() -> None:
    data = csv_bytes("000123,Zoë,2025-03-10,ANC,1.5,10^9/L", encoding="cp1252")
    result = run(data)
    assert len(result.accepted) == 1 and not result.rejected
    assert any("read as Windows-1252" in w for w in result.warnings), result.warnings


def test_too_little_text_to_recognise_is_read_as_windows_1252_and_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import charset_normalizer

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda _data: [])
    data = csv_bytes("000123,Zoë,2025-03-10,ANC,1.5,10^9/L", encoding="cp1252")
    result = run(data)
    assert len(result.accepted) == 1
    assert any("too little text" in w and "Windows-1252" in w for w in result.warnings)


def test_decomposed_unicode_normalised_to_nfc() -> None:
    data = csv_bytes("000123,Zoe\u0308,2025-03-10,ANC,1.5,10^9/L")
    result = run(data, mapping=LONG)
    assert result.accepted


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + bytes(200), id="zip"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), id="png"),
        pytest.param(bytes(range(256)) * 10, id="random-binary"),
        pytest.param(b"MRN,Date\n\x00\x01\x02", id="nul-bytes"),
    ],
)
def test_binary_named_csv_refused(data: bytes) -> None:
    with pytest.raises(LabImportError, match="not a text file"):
        run(data)


def test_oversize_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.labimport.reader as mod

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed an oversize file")

    monkeypatch.setattr(mod, "_read_csv", boom)
    data = b"x" * (20 * 1024 * 1024 + 1)
    t0 = time.perf_counter()
    with pytest.raises(LabImportError, match=r"20\.0 MB; lab files up to 20 MB"):
        run(data)
    assert time.perf_counter() - t0 < 0.5


def test_unsupported_file_types() -> None:
    with pytest.raises(LabImportError, match="xls"):
        run(b"\xd0\xcf\x11\xe0", name="labs.xls")
    with pytest.raises(LabImportError, match=r"'\.json' files cannot be imported"):
        run(b"{}", name="labs.json")


def test_row_and_column_caps() -> None:
    rows = [f"000123,A,2025-03-{d:02d},ANC,1.5,10^9/L" for d in range(1, 12)]
    with pytest.raises(LabImportError, match="more than 10 rows"):
        run(csv_bytes(*rows), limits=Limits(max_rows=10))
    with pytest.raises(LabImportError, match="250 columns"):
        run(csv_bytes(header=",".join(f"c{i}" for i in range(250))))
    long_cell = "000123,A,2025-03-10,ANC," + "1" * 2000 + ",10^9/L"
    assert "longer than 1,000" in only_reason(run(csv_bytes(long_cell)))


def test_unclosed_quote_is_clear_error() -> None:
    data = csv_bytes('000123,"A,2025-03-10,ANC,1.5,10^9/L') + b"x" * 200_000
    with pytest.raises(LabImportError, match="damaged near line"):
        run(data)


# --------------------------------------------------------------------------- XLSX


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_text_mrn_date_cells_and_formula_text() -> None:
    data = xlsx_bytes(
        [
            ["MRN", "Surname", "Date", "Test", "Result", "Unit"],
            ["000123", "Null", dt.datetime(2025, 3, 10), "ANC", 0.1, "10^9/L"],
            ["000123", "Null", "2025-03-11", "PLT", "<10", "K/µL"],
            [123, "Null", "2025-03-12", "ANC", 1.0, "10^9/L"],
            ["000123", "Null", "2025-03-13", "PLT", "=A1*2", "10^9/L"],
            ["000123", "Null", 45000, "PLT", 30, "10^9/L"],
        ]
    )
    result = run(data, name="labs.xlsx")
    assert [(s.date, s.analyte, s.value, s.qualifier) for s in result.accepted] == [
        (dt.date(2025, 3, 10), "anc", 0.1, ""),
        (dt.date(2025, 3, 11), "plt", 10.0, "<"),
    ]
    reasons = {r.line: r.reason for r in result.rejected}
    assert "stored as a number" in reasons[4]
    assert "not a number" in reasons[5]
    assert "not an ISO date" in reasons[6]


def _patch_declared_size(data: bytes, size: int) -> bytes:
    """Set every central-directory 'uncompressed size' to ``size`` (a lying zip)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        out[pos + 24 : pos + 28] = struct.pack("<I", size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_xlsx_declared_huge_size_refused_before_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    import planner.labimport.table as mod

    monkeypatch.setattr(mod, "_xlsx_rows", lambda *a: pytest.fail("opened a zip bomb"))
    bomb = _patch_declared_size(xlsx_bytes([["MRN"]]), 0xFFFF_FFF0)
    with pytest.raises(LabImportError, match=r"declares .* MB when unpacked"):
        run(bomb, name="labs.xlsx")


def test_xlsx_high_compression_ratio_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(LabImportError, match=r"compressed .* to 1"):
        run(buf.getvalue(), name="labs.xlsx")


def test_xlsx_not_a_zip() -> None:
    with pytest.raises(LabImportError, match=r"not a readable \.xlsx"):
        run(b"MRN,Date\n", name="labs.xlsx")


def test_xlsx_xxe_entity_not_resolved(tmp_path: Path) -> None:
    data = xlsx_bytes(
        [
            ["MRN", "Surname", "Date", "Test", "Result", "Unit"],
            ["000123", "A", "2025-03-10", "ANC", 1, "10^9/L"],
        ]
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(
                    b"<worksheet",
                    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet',
                    1,
                )
            out.writestr(info, body)
    with pytest.raises(LabImportError):
        run(buf.getvalue(), name="labs.xlsx")


# --------------------------------------------------------------------------- fixture, volume


def test_messy_fixture_file() -> None:
    result = run(
        (DATA / "messy_export.csv").read_bytes(),
        name="messy_export.csv",
        mapping=ColumnMapping(
            mrn="MRN", date="Collected", analyte="Test", value="Result", unit="Units"
        ),
    )
    got = [(s.date.day, s.analyte, s.value, s.qualifier) for s in result.accepted]
    assert got == [
        (10, "anc", 2.1, ""),
        (10, "plt", 45.0, ""),
        (11, "anc", 0.1, "<"),
        (11, "wbc", pytest.approx(0.3), ""),
        (12, "hb", 89.0, ""),
        (15, "anc", 0.6, ""),
    ]
    reasons = {r.line: r.reason for r in result.rejected}
    assert set(reasons) == {7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18}
    for line, fragment in {
        7: "pending",
        8: "comma",
        9: "ISO",
        10: "mmol/L",
        11: "physical range",
        13: "Duplicate",
        14: "Conflicting",
        15: "Conflicting",
        16: "Unknown MRN",
        17: "CRP",
        18: "not a number",
    }.items():
        assert fragment in reasons[line], (line, reasons[line])


def _many_rows(n: int) -> bytes:
    analytes = (
        ("ANC", "10^9/L", "1.5"),
        ("PLT", "K/uL", "45"),
        ("WBC", "/uL", "3200"),
        ("HGB", "g/dL", "9.1"),
    )
    start = dt.date(2020, 1, 1)
    rows = []
    for i in range(n):
        test, unit, value = analytes[i % 4]
        day = start + dt.timedelta(days=(i // 4) % 2000)
        mrn = f"{(i // 8000):06d}"
        rows.append(f"{mrn},Name,{day.isoformat()},{test},{value},{unit}")
    return csv_bytes(*rows)


def test_five_thousand_good_rows_accepted() -> None:
    data = _many_rows(5_000)
    result = read_lab_file(data, "big.csv", LONG, {"000000": "p0"})
    assert len(result.accepted) == 5_000
    assert result.rejected == []


def test_a_hundred_thousand_rows_are_all_accepted() -> None:
    # Correctness at the size of the import budget; its speed is measured by
    # benchmarks/bench_labs.py against pandas.read_csv, not here.
    data = _many_rows(100_000)
    known = {f"{i:06d}": f"p{i}" for i in range(20)}
    result = read_lab_file(data, "big.csv", LONG, known)
    assert len(result.accepted) == 100_000
    assert result.rejected == []


def test_check_size_for_callers_before_reading() -> None:
    check_size(20 * 1024 * 1024)
    with pytest.raises(LabImportError, match=r"1024\.0 MB"):
        check_size(1024 * 1024 * 1024)  # a 1 GB file is refused from its size alone
