"""The encoding of a lab file: UTF-8 read as it is, Windows-1252, ISO-8859-1 and UTF-16
(with and without a byte order mark) recognised and said, binary files refused (issue 18).

The samples are what real exports hold: a German surname and "µmol/L" from a Windows
"ANSI" CSV, Spanish names from a Latin-1 system, "×10^9/L" and "10³/µL" count units, and
Excel's "Unicode text" (UTF-16 LE with a byte order mark)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.labimport import charset
from planner.labimport.charset import DETECTION_SAMPLE, decode_text, encoding_name
from planner.labimport.reader import ColumnMapping, LabImportError, read_lab_file

SEMICOLONS = ColumnMapping(
    mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit", decimal_comma=True
)
KNOWN = {"000123": "p1"}
WINDOWS_EXPORT = (
    "MRN;Name;Date;Test;Result;Unit\r\n"
    "000123;Müller, Jürgen;2026-03-01;Creatinine;88,4;µmol/L\r\n"
    "000123;Müller, Jürgen;2026-03-01;WBC;4,1;×10^9/L\r\n"
    "000123;Müller, Jürgen;2026-03-01;PLT;150;10³/µL\r\n"
)


def imported(data: bytes) -> tuple[list[tuple[str, float]], list[str]]:
    result = read_lab_file(data, "labs.csv", SEMICOLONS, KNOWN, today=dt.date(2026, 3, 10))
    assert result.rejected == [], result.rejected
    return sorted((s.analyte, s.value) for s in result.accepted), result.warnings


EXPECTED = [("creatinine", 1.0), ("plt", 150.0), ("wbc", 4.1)]


def test_windows_1252_export_is_read_and_said() -> None:
    samples, warnings = imported(WINDOWS_EXPORT.encode("cp1252"))
    assert samples == EXPECTED
    assert warnings == [
        "The file is not UTF-8; it was read as Windows-1252 (recognised from its bytes). "
        "Check names and units in the preview."
    ]
    decoded = decode_text(WINDOWS_EXPORT.encode("cp1252"))
    assert "Müller, Jürgen" in decoded.text and (decoded.codec, decoded.source) == (
        "cp1252",
        "detected",
    )


def test_iso_8859_1_reads_as_windows_1252_with_the_same_text() -> None:
    # The WHATWG Encoding Standard reads the label iso-8859-1 as windows-1252: the same
    # text for every printable Latin-1 byte.
    text = "MRN;Name;Test;Unit\n000124;José Peña Muñoz;Bilirrubina;µmol/L\n" * 3
    decoded = decode_text(text.encode("latin-1"))
    assert decoded.text == text and decoded.encoding == "Windows-1252"


def test_windows_1252_bytes_it_leaves_undefined_are_c1_controls() -> None:
    # A stray byte Windows-1252 leaves undefined in a long Western text: still that text.
    data = "Müller;µmol/L;€\n".encode("cp1252") * 100 + b"x\x81y\x9dz\n"
    decoded = decode_text(data)
    assert decoded.codec == "cp1252"
    assert decoded.text.endswith("x\x81y\x9dz\n") and "€" in decoded.text


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16 LE"),
        ("utf-16-be", b"\xfe\xff", "UTF-16 BE"),
        ("utf-16-le", b"", "UTF-16 LE"),
        ("utf-16-be", b"", "UTF-16 BE"),
    ],
)
def test_utf16_with_and_without_byte_order_mark(encoding: str, bom: bytes, name: str) -> None:
    data = bom + WINDOWS_EXPORT.replace("10³/µL", "K/uL").encode(encoding)
    samples, warnings = imported(data)
    assert samples == EXPECTED
    (note,) = warnings
    assert f"read as {name}" in note
    assert ("recognised from its bytes" in note) == (not bom)


def test_utf16_with_byte_order_mark_keeps_the_superscript_units() -> None:
    samples, _ = imported(WINDOWS_EXPORT.replace("^9", "⁹").encode("utf-16"))
    assert samples == EXPECTED


def test_utf8_is_read_unchanged_without_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    def no_detection(*_a: object, **_k: object) -> object:
        raise AssertionError("UTF-8 must not be detected")

    monkeypatch.setattr(charset_normalizer, "from_bytes", no_detection)
    text = WINDOWS_EXPORT.replace("^9", "⁹")
    decoded = decode_text(text.encode("utf-8"))
    assert (decoded.text, decoded.codec, decoded.source, decoded.note()) == (
        text,
        "utf_8",
        "utf-8",
        None,
    )
    samples, warnings = imported(text.encode("utf-8"))
    assert samples == EXPECTED and warnings == []
    with_bom = decode_text(b"\xef\xbb\xbf" + text.encode())
    assert (with_bom.text, with_bom.source, with_bom.note()) == (text, "bom", None)


def test_detection_looks_at_the_start_of_a_large_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import charset_normalizer

    seen: list[int] = []
    real = charset_normalizer.from_bytes

    def spy(data: bytes, *a: object, **k: object) -> object:
        seen.append(len(data))
        return real(data, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(charset_normalizer, "from_bytes", spy)
    data = WINDOWS_EXPORT.encode("cp1252") * 20_000  # about 3 MB
    decoded = decode_text(data)
    assert seen == [DETECTION_SAMPLE] and decoded.codec == "cp1252"
    assert len(decoded.text) == len(data)


def test_a_declared_encoding_is_used_when_the_bytes_are_not_utf8() -> None:
    data = "Müller;µmol/L\n".encode("iso8859_15")
    decoded = decode_text(data, declared="iso8859_15")
    assert (decoded.text, decoded.source, decoded.note()) == (
        "Müller;µmol/L\n",
        "declared",
        "The file was read as ISO-8859-15.",
    )
    ascii_bytes = decode_text(b"MRN;Unit\n1;g/L\n", declared="iso8859_15")
    assert ascii_bytes.source == "utf-8"  # ASCII is UTF-8: nothing to decide


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + bytes(200), id="zip"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), id="png"),
        pytest.param(b"\x7fELF\x02\x01\x01" + bytes(100), id="elf"),
        pytest.param(bytes(range(256)) * 10, id="random-binary"),
        pytest.param(b"MRN,Date\n\x00\x01\x02", id="nul-bytes"),
        pytest.param(bytes(range(1, 32)) * 50 + "é".encode("cp1252"), id="controls"),
    ],
)
def test_binary_files_are_still_refused(data: bytes) -> None:
    with pytest.raises(LabImportError, match="not a text file"):
        decode_text(data)


def test_utf32_and_damaged_utf16_refused() -> None:
    with pytest.raises(LabImportError, match="UTF-32 files are not supported"):
        decode_text("MRN".encode("utf-32"))
    with pytest.raises(LabImportError, match="says it is UTF-16 but is damaged"):
        decode_text(b"\xff\xfeM\x00\x00\xd8")


def test_damaged_utf8_with_a_byte_order_mark_names_the_line() -> None:
    with pytest.raises(LabImportError, match="line 2"):
        decode_text(b"\xef\xbb\xbfMRN\n\xff\xfe\n")


def test_encoding_names_as_people_know_them() -> None:
    assert [encoding_name(c) for c in ("cp1252", "latin-1", "utf_16_le", "cp850", "cp1250")] == [
        "Windows-1252",
        "ISO-8859-1",
        "UTF-16 LE",
        "DOS code page 850",
        "Windows-1250",
    ]
    assert charset.codec_name("latin-1") == "iso8859_1"
