"""HL7 v2 lab results (ORU^R01): messages, MLLP frames and batches, repeated OBX, unknown
codes, bad units, escape sequences, SN comparators, result status, PID-3 repetitions,
MSH-18 character sets, other message types, truncated messages (issue 18)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from planner.labimport.hl7v2 import looks_like_hl7, read_hl7
from planner.labimport.reader import (
    ColumnMapping,
    ImportResult,
    LabImportError,
    Limits,
    read_lab_file,
)

KNOWN = {"000123": "p1", "000456": "p2"}
TODAY = dt.date(2026, 3, 10)
MAPPING = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
MSH = "MSH|^~\\&|LIS|CENTRAL LAB|PLANNER|BMT|20260302083000+0100||{type}|{control}|P|2.5.1"
PID = "PID|1||000123^^^CENTRAL^MR||Testperson^Ada||19610402|F"
OBR = "OBR|1|ORD1|FIL1|CBC^Blood count^L|||20260301073000+0100"


def obx(n: int, code: str, value: str, unit: str, status: str = "F", kind: str = "NM") -> str:
    return f"OBX|{n}|{kind}|{code}||{value}|{unit}|||||{status}"


def message(*segments: str, kind: str = "ORU^R01^ORU_R01", control: str = "1") -> str:
    """One message, segments ended by carriage returns (HL7 v2.5.1 section 2.6)."""
    return "\r".join([MSH.format(type=kind, control=control), *segments]) + "\r"


def run(data: str | bytes, mapping: ColumnMapping = MAPPING, **kw: object) -> ImportResult:
    raw = data.encode() if isinstance(data, str) else data
    return read_lab_file(raw, "feed.hl7", mapping, KNOWN, today=TODAY, **kw)  # type: ignore[arg-type]


def reasons(result: ImportResult) -> list[str]:
    return [r.reason for r in result.rejected]


CBC = message(
    PID,
    OBR,
    obx(1, "6690-2^WBC^LN", "4.1", "10*9/L"),
    obx(2, "751-8^Neutrophils^LN", "2.05", "10*9/L"),
    obx(3, "777-3^Platelets^LN", "150", "10*9/L"),
    obx(4, "718-7^Hemoglobin^LN", "11.2", "g/dL"),
    obx(5, "2160-0^Creatinine^LN", "88.4", "umol/L"),
    obx(6, "1975-2^Bilirubin^LN", "0.8", "mg/dL"),
)


# --------------------------------------------------------------------------- one message


def test_one_message_gives_every_analyte_in_its_canonical_unit() -> None:
    result = run(CBC)
    assert reasons(result) == [] and result.warnings == []
    got = {(s.analyte, s.value, s.unit) for s in result.accepted}
    assert got == {
        ("wbc", 4.1, "10^9/L"),
        ("anc", 2.05, "10^9/L"),
        ("plt", 150.0, "10^9/L"),
        ("hb", 112.0, "g/L"),
        ("creatinine", 1.0, "mg/dL"),
        ("bilirubin", 0.8, "mg/dL"),
    }
    assert {(s.patient_id, s.mrn, s.date) for s in result.accepted} == {
        ("p1", "000123", dt.date(2026, 3, 1))
    }
    sources = sorted(s.source for s in result.accepted)
    assert sources[0] == "feed.hl7 message 1, OBX 1" and len(set(sources)) == 6


def test_hl7_is_recognised_by_its_content_under_another_name() -> None:
    assert looks_like_hl7(CBC.encode()) and looks_like_hl7(b"\x0b" + CBC.encode())
    assert looks_like_hl7(b"\xef\xbb\xbf" + CBC.encode())
    assert not looks_like_hl7(b"MRN,Date,Test\n")
    result = read_lab_file(CBC.encode(), "export.txt", MAPPING, KNOWN, today=TODAY)
    assert len(result.accepted) == 6


def test_a_file_that_is_not_hl7_is_refused() -> None:
    with pytest.raises(LabImportError, match="not an HL7 v2 file"):
        run("PID|1||000123\rOBX|1|NM|6690-2^WBC^LN||4|10*9/L|||||F\r")
    with pytest.raises(LabImportError, match="OBX segment before its first MSH"):
        run("BHS|^~\\&|LIS\rOBX|1|NM|6690-2^WBC^LN||4\r" + CBC)


# --------------------------------------------------------------------------- many messages


def test_several_messages_in_mllp_frames() -> None:
    second = message(
        "PID|1||000456^^^CENTRAL^MR",
        OBR,
        obx(1, "751-8^ANC^LN", "0.3", "10*9/L"),
        control="2",
    )
    framed = b"".join(b"\x0b" + m.encode() + b"\x1c\r" for m in (CBC, second))
    result = run(framed)
    assert reasons(result) == [] and result.warnings == []
    assert len(result.accepted) == 7
    (anc,) = [s for s in result.accepted if s.patient_id == "p2"]
    assert (anc.value, anc.source) == (0.3, "feed.hl7 message 2, OBX 1")


def test_incomplete_mllp_frame_is_read_and_said() -> None:
    framed = b"\x0b" + CBC.encode() + b"\x1c\r\x0b" + message(PID, OBR, control="2").encode()
    result = run(framed)
    assert any("MLLP framing is incomplete (2 start and 1 end marks)" in w for w in result.warnings)
    assert len(result.accepted) == 6


def test_batch_wrappers_and_windows_line_ends() -> None:
    batch = "\r".join(
        [
            "FHS|^~\\&|LIS|CENTRAL LAB",
            "BHS|^~\\&|LIS|CENTRAL LAB",
            CBC.rstrip("\r"),
            message(
                "PID|1||000456^^^CENTRAL^MR",
                OBR,
                obx(1, "751-8^ANC^LN", "0.5", "10*9/L"),
                control="2",
            ).rstrip("\r"),
            "BTS|2",
            "FTS|1",
        ]
    )
    for ends in ("\r\n", "\n"):
        result = run(batch.replace("\r", ends) + ends)
        assert reasons(result) == [], ends
        assert len(result.accepted) == 7 and result.rows_read == 7
        assert {s.patient_id for s in result.accepted} == {"p1", "p2"}


# --------------------------------------------------------------------------- repeated OBX


def test_repeated_obx_of_one_code_imported_once_or_all_refused() -> None:
    same = run(
        message(
            PID,
            OBR,
            obx(1, "751-8^ANC^LN", "0.5", "10*9/L"),
            obx(2, "751-8^ANC^LN", "500", "/uL"),
            obx(3, "777-3^PLT^LN", "20", "10*9/L"),
        )
    )
    assert len(same.accepted) == 2
    assert reasons(same) == ["message 1, OBX 2: Duplicate of line 4 (imported once)."]
    differ = run(
        message(
            PID,
            OBR,
            obx(1, "751-8^ANC^LN", "0.5", "10*9/L"),
            obx(2, "751-8^ANC^LN", "0.7", "10*9/L"),
        )
    )
    assert differ.accepted == []
    assert [r.split(":")[0] for r in reasons(differ)] == ["message 1, OBX 1", "message 1, OBX 2"]
    assert all("Conflicting values" in r for r in reasons(differ))


def test_many_obx_in_one_message_each_its_own_result() -> None:
    segments = [PID]
    for day in range(1, 9):
        segments.append(f"OBR|{day}|||CBC|||202603{day:02d}0800")
        segments.append(obx(1, "751-8^ANC^LN", f"0.{day}", "10*9/L"))
    result = run(message(*segments))
    assert sorted(s.date.day for s in result.accepted) == list(range(1, 9))
    assert reasons(result) == []


# --------------------------------------------------------------------------- codes


def test_unknown_loinc_code_named_with_its_message_and_obx() -> None:
    second = message(
        PID,
        OBR,
        *(obx(i, "751-8^ANC^LN", "0.5", "10*9/L") for i in range(1, 5)),
        obx(5, "12345-6^Something^LN", "1", "mg/dL"),
        control="2",
    )
    result = run(CBC + second)
    assert reasons(result)[-1] == (
        "message 2, OBX 5: Unknown code 12345-6 (not a LOINC code the planner reads)."
    )


def test_local_codes_from_the_mapping_and_alternate_loinc() -> None:
    text = message(
        PID,
        OBR,
        obx(1, "CREA^Creatinine^L", "1.1", "mg/dL"),
        obx(2, "TBIL^Bilirubin^99LAB^1975-2^Bilirubin total^LN", "17.1", "umol/L"),
        obx(3, "XYZ^Other^L", "1", "mg/dL"),
    )
    without = run(text)
    assert [s.analyte for s in without.accepted] == ["bilirubin"]
    assert reasons(without)[0].startswith("message 1, OBX 1: Unknown code CREA (L): not a LOINC")
    mapping = ColumnMapping(
        mrn="MRN", date="Date", analyte="Test", value="Result", local_codes={"crea": "creatinine"}
    )
    with_codes = run(text, mapping)
    assert {(s.analyte, s.value) for s in with_codes.accepted} == {
        ("creatinine", 1.1),
        ("bilirubin", 1.0),
    }
    assert reasons(with_codes) == [
        "message 1, OBX 3: Unknown code XYZ (L): not a LOINC code the planner reads, nor one "
        "of the mapping's local codes."
    ]


def test_molar_loinc_codes_of_creatinine_and_bilirubin_are_read() -> None:
    # 14682-9 and 14631-6: creatinine and bilirubin in moles per volume, as labs that
    # report umol/L code them.
    text = message(
        PID,
        OBR,
        obx(1, "14682-9^Creatinine^LN", "176.8", "umol/L"),
        obx(2, "14631-6^Bilirubin^LN", "34", "umol/L"),
    )
    creatinine, bilirubin = run(text).accepted
    assert (creatinine.analyte, creatinine.value, creatinine.reported_unit) == (
        "creatinine",
        2.0,
        "umol/L",
    )
    assert (bilirubin.analyte, bilirubin.reported_value) == ("bilirubin", 34.0)


def test_local_code_table_can_name_a_loinc_code_the_planner_does_not() -> None:
    # 38483-4 is "Creatinine [Mass/volume] in Blood": not the serum code the planner reads.
    text = message(PID, OBR, obx(1, "38483-4^Creatinine^LN", "2.0", "mg/dL"))
    assert "Unknown code 38483-4" in reasons(run(text))[0]
    mapping = ColumnMapping(
        mrn="M", date="D", analyte="T", value="V", local_codes={"38483-4": "creatinine"}
    )
    (sample,) = run(text, mapping).accepted
    assert (sample.analyte, sample.value) == ("creatinine", 2.0)


def test_result_without_code() -> None:
    result = run(message(PID, OBR, obx(1, "", "4", "10*9/L")))
    assert reasons(result) == ["message 1, OBX 1: The result has no code (OBX-3)."]


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("code", "unit", "fragment"),
    [
        ("6690-2^WBC^LN", "mmol/L", "Unknown unit 'mmol/L' for WBC; accepted units"),
        ("2160-0^Creatinine^LN", "g/L", "Unknown unit 'g/L' for Creatinine; accepted units: mg/dL"),
        ("751-8^ANC^LN", "", "The unit is missing"),
        ("751-8^ANC^LN", "10^9/L", "Unknown unit '10' for ANC"),  # ^ not escaped: a component
    ],
)
def test_bad_units_are_refused_with_the_unit_named(code: str, unit: str, fragment: str) -> None:
    result = run(message(PID, OBR, obx(1, code, "4", unit)))
    assert result.accepted == []
    assert reasons(result)[0].startswith("message 1, OBX 1: " + fragment), reasons(result)


def test_value_outside_the_physical_range_after_conversion() -> None:
    result = run(message(PID, OBR, obx(1, "2160-0^Creatinine^LN", "8840", "umol/L")))
    assert "Creatinine 100 mg/dL (as written: '8840' umol/L) is outside" in reasons(result)[0]


def test_chemistry_in_umol_l_stays_on_the_published_cut_off() -> None:
    result = run(message(PID, OBR, obx(1, "1975-2^Bilirubin^LN", "34.2", "umol/L")))
    assert [s.value for s in result.accepted] == [2.0]


# --------------------------------------------------------------------------- escapes


def test_escape_sequences_decoded_by_the_library() -> None:
    text = message(
        "PID|1||00\\E\\0123^^^CENTRAL^MR",  # \E\ is the escape character itself
        OBR,
        obx(1, "751-8^ANC^LN", "0.4", "10\\S\\9/L"),
        obx(2, "2160-0^Creatinine^LN", "88.4", "\\XC2B5\\mol/L"),  # UTF-8 bytes of µ
    )
    known = {"00\\0123": "p9"}
    result = read_lab_file(text.encode(), "feed.hl7", MAPPING, known, today=TODAY)
    assert reasons(result) == []
    assert {(s.patient_id, s.analyte, s.value) for s in result.accepted} == {
        ("p9", "anc", 0.4),
        ("p9", "creatinine", 1.0),
    }
    assert {s.mrn for s in result.accepted} == {"00\\0123"}


def test_highlighting_marks_no_character() -> None:
    text = message(PID, OBR, obx(1, "751-8^ANC^LN", "\\H\\0.4\\N\\", "10*9/L"))
    assert [s.value for s in run(text).accepted] == [0.4]


def test_field_component_and_repetition_escapes_keep_the_separator_characters() -> None:
    mrn = "A\\F\\B\\T\\C\\R\\D"  # | & ~ inside one identifier
    text = message(f"PID|1||{mrn}^^^CENTRAL^MR", OBR, obx(1, "751-8^ANC^LN", "0.4", "10*9/L"))
    result = read_lab_file(text.encode(), "f.hl7", MAPPING, {"A|B&C~D": "p1"}, today=TODAY)
    assert [s.mrn for s in result.accepted] == ["A|B&C~D"]


@pytest.mark.parametrize(
    "unit",
    ["10\\S9/L", "g/d\\QL", "\\Cxxyy\\g/L", "\\XZZ\\g/L", "\\X4\\g/L", "\\XFF\\g/L"],
)
def test_broken_escape_sequences_refuse_the_result_and_log_nothing(
    unit: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = run(message(PID, OBR, obx(1, "718-7^Hb^LN", "9.5", unit)))
    assert result.accepted == []
    assert "escape sequence HL7 does not define, or one left open" in reasons(result)[0]
    assert "000123" not in caplog.text and "9.5" not in caplog.text


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "expected"),
    [("<^0.1", ("<", 0.1)), (">^1000", (">", 1000.0)), ("=^0.4", ("", 0.4)), ("^0.4", ("", 0.4))],
)
def test_sn_comparators_give_the_qualifier(value: str, expected: tuple[str, float]) -> None:
    (sample,) = run(message(PID, OBR, obx(1, "777-3^PLT^LN", value, "10*9/L", kind="SN"))).accepted
    assert (sample.qualifier, sample.value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("<=^0.1", "The comparator '<=' cannot be stored; only < and > can."),
        ("^1^-^5", "A range or ratio (SN '^1^-^5') is not a single result."),
        ("^1^:^128", "A range or ratio"),
    ],
)
def test_sn_forms_that_are_not_one_value_refused(value: str, fragment: str) -> None:
    result = run(message(PID, OBR, obx(1, "777-3^PLT^LN", value, "10*9/L", kind="SN")))
    assert result.accepted == []
    assert reasons(result)[0].startswith(f"message 1, OBX 1: {fragment}")


def test_value_types_and_repetitions() -> None:
    result = run(
        message(
            PID,
            OBR,
            obx(1, "751-8^ANC^LN", "POS^Positive^L", "10*9/L", kind="CE"),
            obx(2, "751-8^ANC^LN", "0.4~0.5", "10*9/L"),
            obx(3, "777-3^PLT^LN", "<20", "10*9/L", kind="ST"),
            obx(4, "6690-2^WBC^LN", "Pending", "10*9/L", kind="ST"),
        )
    )
    assert reasons(result) == [
        "message 1, OBX 1: Value type CE (OBX-2) is not a number (NM or SN).",
        "message 1, OBX 2: OBX-5 holds several values; one result per OBX can be imported.",
        "message 1, OBX 4: The value 'Pending' is not a result: the result is pending.",
    ]
    assert [(s.qualifier, s.value) for s in result.accepted] == [("<", 20.0)]


def test_decimal_comma_only_when_declared() -> None:
    text = message(PID, OBR, obx(1, "751-8^ANC^LN", "1,5", "10*9/L"))
    assert "has a comma" in reasons(run(text))[0]
    comma = ColumnMapping(mrn="M", date="D", analyte="T", value="V", decimal_comma=True)
    assert [s.value for s in run(text, comma).accepted] == [1.5]


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize("status", ["F", "C", "f"])
def test_final_and_corrected_results_accepted(status: str) -> None:
    result = run(message(PID, OBR, obx(1, "751-8^ANC^LN", "0.4", "10*9/L", status=status)))
    assert len(result.accepted) == 1


@pytest.mark.parametrize(
    ("status", "fragment"),
    [
        ("P", "Result status P (preliminary) is not final"),
        ("X", "Result status X (cannot be obtained) is not final"),
        ("D", "Result status D (deleted) is not final"),
        ("Q", "Result status Q (unknown status) is not final"),
        ("", "The result status (OBX-11) is missing"),
    ],
)
def test_other_statuses_refused_with_the_reason(status: str, fragment: str) -> None:
    result = run(message(PID, OBR, obx(1, "751-8^ANC^LN", "0.4", "10*9/L", status=status)))
    assert reasons(result)[0].startswith(f"message 1, OBX 1: {fragment}")


# --------------------------------------------------------------------------- patient, date


def test_pid3_repetitions_take_the_mr_identifier() -> None:
    text = message(
        "PID|1||X991^^^NATIONAL^NI~000456^^^CENTRAL^MR~77^^^OTHER^PI",
        OBR,
        obx(1, "751-8^ANC^LN", "0.4", "10*9/L"),
    )
    assert [s.patient_id for s in run(text).accepted] == ["p2"]
    first = message("PID|1||000123^^^C^PI~000456^^^C^XX", OBR, obx(1, "751-8^A^LN", "1", "G/L"))
    assert [s.patient_id for s in run(first).accepted] == ["p1"]


def test_result_before_any_pid_is_refused() -> None:
    result = run(message(OBR, obx(1, "751-8^ANC^LN", "0.4", "10*9/L")))
    assert reasons(result) == [
        "message 1, OBX 1: There is no patient (PID segment) before this result."
    ]


def test_unknown_mrn_is_named() -> None:
    text = message("PID|1||999999^^^C^MR", OBR, obx(1, "751-8^ANC^LN", "0.4", "10*9/L"))
    assert "Unknown MRN '999999'" in reasons(run(text))[0]


@pytest.mark.parametrize(
    ("obr7", "obx14", "day"),
    [
        ("20260301233000-0500", "", dt.date(2026, 3, 1)),  # 04:30 UTC on the 2nd: not moved
        ("20260302003000+1400", "", dt.date(2026, 3, 2)),
        ("20260305", "202603040700", dt.date(2026, 3, 4)),  # OBX-14 before OBR-7
    ],
)
def test_sample_date_is_the_date_part_as_written(obr7: str, obx14: str, day: dt.date) -> None:
    line = obx(1, "751-8^ANC^LN", "0.4", "10*9/L") + f"|||{obx14}"
    (sample,) = run(message(PID, f"OBR|1|||CBC|||{obr7}", line)).accepted
    assert sample.date == day


@pytest.mark.parametrize(
    ("stamp", "fragment"),
    [
        ("202603", "The date '202603' has no day."),
        ("2026-03-01", "is not an HL7 timestamp"),
        ("20260230", "The date '2026-02-30' does not exist."),
        ("20260320", "The date '2026-03-20' is in the future."),
        ("", "The result has no date (OBX-14, OBR-7)."),
    ],
)
def test_bad_dates_refused(stamp: str, fragment: str) -> None:
    result = run(message(PID, f"OBR|1|||CBC|||{stamp}", obx(1, "751-8^ANC^LN", "0.4", "G/L")))
    assert fragment in reasons(result)[0], reasons(result)


# --------------------------------------------------------------------------- charsets


def test_msh18_latin1_is_used_for_bytes_that_are_not_utf8() -> None:
    text = message(PID, OBR, obx(1, "2160-0^Creatinine^LN", "88.4", "µmol/L"))
    text = text.replace("|2.5.1\r", "|2.5.1||||||8859/1\r", 1)
    result = run(text.encode("latin-1"))
    assert [s.value for s in result.accepted] == [1.0]
    assert result.warnings == ["The file was read as ISO-8859-1."]


def test_msh18_utf8_and_plain_utf8_need_no_note() -> None:
    text = message(PID, OBR, obx(1, "2160-0^Creatinine^LN", "88.4", "µmol/L"))
    declared = text.replace("|2.5.1\r", "|2.5.1||||||UNICODE UTF-8\r", 1)
    for data in (text, declared):
        result = run(data.encode("utf-8"))
        assert result.warnings == [] and len(result.accepted) == 1


def test_msh18_ascii_with_windows_bytes_is_recognised_and_said() -> None:
    text = message(
        "PID|1||000123^^^C^MR||Müller^Jürgen", OBR, obx(1, "2160-0^Crea^LN", "88.4", "µmol/L")
    )
    text = text.replace("|2.5.1\r", "|2.5.1||||||ASCII\r", 1)
    result = run(text.encode("cp1252"))
    assert len(result.accepted) == 1
    assert result.warnings[0] == "MSH-18 names ASCII, but the file is not written in it."
    assert "read as Windows-1252" in result.warnings[1]


def test_msh18_unknown_name_is_said() -> None:
    text = message(PID, OBR, obx(1, "751-8^ANC^LN", "0.4", "10*9/L"))
    text = text.replace("|2.5.1\r", "|2.5.1||||||KLINGON\r", 1)
    result = run(text)
    assert (
        "MSH-18 names a character set the planner does not know ('KLINGON')" in (result.warnings[0])
    )


def test_utf16_hl7_file_is_read() -> None:
    result = run(CBC.encode("utf-16"))
    assert len(result.accepted) == 6
    assert result.warnings == ["The file was read as UTF-16 LE."]


# --------------------------------------------------------------------------- message types


def test_other_message_types_refused_naming_the_type() -> None:
    adt = message("PID|1||000123^^^C^MR", kind="ADT^A01^ADT_A01", control="2")
    result = run(CBC + adt)
    assert len(result.accepted) == 6
    assert reasons(result) == [
        "message 2: ADT^A01 is not a lab result message (ORU^R01); the message was not read."
    ]
    with pytest.raises(LabImportError, match=r"no ORU\^R01 .* messages are ADT\^A01, ORM\^O01"):
        run(adt + message(PID, kind="ORM^O01", control="3"))


def test_truncated_messages() -> None:
    cut = CBC.rstrip("\r").rsplit("|", 6)[0]  # the last OBX stops after its value
    result = run(cut)
    assert len(result.accepted) == 5
    assert reasons(result) == [
        "message 1, OBX 6: The result status (OBX-11) is missing; the message may be cut short."
    ]
    no_results = run(CBC + message(PID, control="2"))
    assert reasons(no_results) == [
        "message 2: The message holds no result (OBX segment); it may be cut short."
    ]
    header_only = run(CBC + "MSH|^~\\&|LIS\r")
    assert reasons(header_only) == [
        "message 2: The message type (MSH-9) is missing; the message may be cut short."
    ]
    assert len(header_only.accepted) == 6


def test_result_cap() -> None:
    with pytest.raises(LabImportError, match="more than 3 results"):
        run(CBC, limits=Limits(max_rows=3))


def test_rows_name_their_places() -> None:
    rows = read_hl7(CBC.encode(), {})
    assert rows.table.size == 6
    assert sorted(rows.places.values())[:2] == ["message 1, OBX 1", "message 1, OBX 2"]
