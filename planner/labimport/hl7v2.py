"""HL7 v2 lab results (ORU^R01) read into rows for the lab import's checks.

A laboratory's interface engine writes observation results as ORU^R01 messages (HL7 v2.5.1
chapter 7, "Observation Reporting"), one after another in a file, sometimes still in their
MLLP frames (HL7 v2.5.1 Appendix C, "Lower Layer Protocols": start block 0x0B, end block
0x1C 0x0D) or inside FHS/BHS batch wrappers (chapter 2, "Batch protocol"). The messages are
split and parsed by the ``hl7`` package (python-hl7); this module picks, per OBX segment,
what the planner stores and hands it to the same checks as a CSV export
(``planner.labimport.reader``): units, physical ranges, dates, repeats, MRNs. An HL7 file
and a CSV of the same results therefore give the same samples.

What is read from a result, and where (HL7 v2.5.1 sections 3.4.2, 7.4.1, 7.4.2):

* the patient: PID-3, the identifier whose type code (CX.5) is MR when there are several,
  else the first;
* the code: OBX-3, a LOINC code (coding system LN, primary or alternate identifier) that
  ``planner.domain.loinc`` names, else a code of the mapping's local code table;
* the value: OBX-5 of value type NM (or ST holding a number); SN (structured numeric)
  with the comparator "<" or ">" gives the qualifier;
* the unit: OBX-6 (its identifier, normally UCUM);
* the status: OBX-11; final (F) and corrected (C) results only;
* the date: OBX-14, else OBR-7 (the specimen's collection time for a lab result), its date
  part as written: a time zone offset never moves the calendar day.

Escape sequences (section 2.7: \\F\\ \\S\\ \\T\\ \\R\\ \\E\\, formatting, and \\Xhh..\\ hexadecimal
data) are decoded by the library; hexadecimal data is read in the message's character set.
A sequence the standard does not define, or an unterminated one, rejects the result
rather than losing part of a value or unit.

Every row names its place ("message 2, OBX 5") so that each rejection says which result it
is. Pure: bytes in, rows out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import hl7
from hl7.util import unescape

from planner.domain.i18n import tr, tr_noop
from planner.domain.loinc import analyte_of_loinc
from planner.labimport.charset import DecodedText, codec_name, decode_text, encoding_name
from planner.labimport.common import LabImportError, Limits
from planner.labimport.table import _Table

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

HL7_EXTENSIONS: Final = (".hl7", ".oru", ".msg")
"""File names an HL7 v2 file is saved under; a .txt or .csv that starts like one is read
as one too."""

# The header of the rows handed to the checks (a long-format mapping of these names).
COLUMNS: Final = ("MRN", "Date", "Test", "Result", "Unit")

_MLLP_START: Final = b"\x0b"
_MLLP_END: Final = b"\x1c"
_WRAPPERS: Final = ("FHS", "BHS", "FTS", "BTS")
_START: Final = re.compile(r"(?:MSH|FHS|BHS)[^A-Za-z0-9\s]")
# HL7 v2.5.1 section 2.A.75 (TS) / 2.A.22 (DTM): YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ].
_TIMESTAMP: Final = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,4})?)?)?)?")
_ZONE: Final = re.compile(r"[+-]\d{4}")
_HEX: Final = re.compile(r"X(?:[0-9A-Fa-f]{2})+")
# Escape sequences the library decodes (section 2.7.1-2.7.6); \Cxxyy\ and \Mxxyyzz\
# (character set switches) and \Z..\ (locally defined) are not decoded, so they refuse.
_PLAIN_ESCAPES: Final = frozenset("FSTREHN")
_FORMATTING: Final = re.compile(r"\.(?:br|sp\d*|fi|nf|in[+-]?\d*|ti[+-]?\d*|sk[+-]?\d*|ce)")

# HL7 v2.5.1 Table 0085 (Observation result status codes interpretation).
FINAL_STATUSES: Final = frozenset({"F", "C"})
_STATUS_NAMES: Final[dict[str, str]] = {
    "P": tr_noop("preliminary"),
    "R": tr_noop("not verified"),
    "I": tr_noop("pending"),
    "S": tr_noop("partial"),
    "X": tr_noop("cannot be obtained"),
    "D": tr_noop("deleted"),
    "W": tr_noop("posted in error"),
    "U": tr_noop("changed to final without retransmission"),
    "N": tr_noop("not asked"),
    "A": tr_noop("amended"),
    "B": tr_noop("appended"),
    "O": tr_noop("order received"),
}
_NUMERIC_TYPES: Final = frozenset({"NM", "SN", "ST", ""})

# HL7 v2.5.1 Table 0211 (Alternate character sets) -> Python codecs.
_CHARSETS: Final[dict[str, str]] = {
    "ASCII": "ascii",
    "ISO IR6": "ascii",
    **{f"8859/{n}": f"iso8859_{n}" for n in range(1, 10)},
    "8859/15": "iso8859_15",
    "UNICODE": "utf_16",
    "UNICODE UTF-8": "utf_8",
    "UNICODE UTF-16": "utf_16",
    "UNICODE UTF-32": "utf_32",
    "GB 18030-2000": "gb18030",
    "KS X 1001": "euc_kr",
    "BIG-5": "big5",
}


class _Quiet(logging.Filter):
    """The ``hl7`` package logs the text of a field it cannot decode; a lab result is
    patient data, which never goes to a log. Escape sequences are checked before the
    library sees them, and anything it would still say is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


for _module in (hl7.util, hl7.containers):
    _module.logger.addFilter(_Quiet())


@dataclass
class Hl7Rows:
    """An HL7 file's results as rows for the checks.

    Attributes:
        table: one row per OBX (or per message that holds none, with its reason), the
            columns of ``COLUMNS``.
        places: row line -> "message 2, OBX 5" (or "message 3" for a message's row).
        warnings: file-level notes (the encoding assumed, incomplete MLLP frames).
    """

    table: _Table
    places: dict[int, str]
    warnings: list[str] = field(default_factory=list)


def looks_like_hl7(data: bytes) -> bool:
    """True when the file starts like HL7 v2 (MSH, FHS or BHS and a field separator), after
    any byte order mark, MLLP start block and blank space."""
    head = data[:256]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2:].decode("utf_16_le" if head[0] == 0xFF else "utf_16_be", "ignore")
    elif b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        text = (odd if even.count(0) > odd.count(0) else even).decode("latin_1")
    else:
        text = head.decode("latin_1")
    return _START.match(text.lstrip("\ufeff\xef\xbb\xbf\x0b \t\r\n")) is not None


def read_hl7(data: bytes, local_codes: Mapping[str, str], limits: Limits = Limits()) -> Hl7Rows:
    """The results of an HL7 v2 file as rows: MRN, date (ISO), analyte, value, unit.

    Args:
        data: the file's bytes (MLLP frames, FHS/BHS wrappers and Windows line ends allowed).
        local_codes: a laboratory's own codes -> analyte (case aside).
        limits: ``max_rows`` caps the number of results.

    Raises:
        LabImportError: not HL7 v2, undecodable, no ORU^R01 message, too many results.
    """
    payload, warnings = _strip_mllp(data)
    decoded = _decode(payload, warnings)
    lines = [line.strip() for line in re.split(r"\r\n|\r|\n", decoded.text)]
    segments = [(n, line) for n, line in enumerate(lines, start=1) if line]
    if not segments or _START.match(segments[0][1].lstrip("\ufeff")) is None:
        raise LabImportError(
            tr("This is not an HL7 v2 file: it does not start with an MSH (or FHS/BHS) segment.")
        )
    segments[0] = (segments[0][0], segments[0][1].lstrip("\ufeff"))
    kept = [(n, s) for n, s in segments if s[:3] not in _WRAPPERS]
    if kept and not kept[0][1].startswith("MSH"):
        raise LabImportError(
            tr("The HL7 file has a {segment} segment before its first MSH segment.").format(
                segment=kept[0][1][:3]
            )
        )
    texts = hl7.split_file("\r".join(s for _, s in segments))
    codes = {k.strip().casefold(): v for k, v in local_codes.items()}
    builder = _Builder(codes, decoded.codec, limits)
    start = 0
    for number, text in enumerate(texts, start=1):
        count = text.count("\r")  # split_file ends every segment with one
        builder.message(number, text, [n for n, _ in kept[start : start + count]])
        start += count
    if not builder.any_results_message:
        raise LabImportError(
            tr(
                "The HL7 file holds no ORU^R01 (observation result) message; its messages are "
                "{types}. Only lab results can be imported."
            ).format(types=", ".join(dict.fromkeys(builder.types)) or "?")
        )
    return Hl7Rows(builder.table(), builder.places, warnings)


def _strip_mllp(data: bytes) -> tuple[bytes, list[str]]:
    """The messages without their MLLP frames (a file that starts with the start block)."""
    if not data.lstrip(b" \t\r\n").startswith(_MLLP_START):
        return data, []
    starts, ends = data.count(_MLLP_START), data.count(_MLLP_END)
    warnings = []
    if starts != ends:
        warnings.append(
            tr(
                "The MLLP framing is incomplete ({starts} start and {ends} end marks); the last "
                "message may be cut short."
            ).format(starts=starts, ends=ends)
        )
    # The end block is followed by the carriage return that ends the frame's last segment
    # (or directly by the next start block); the blocks themselves are not text.
    unframed = data.replace(_MLLP_END + _MLLP_START, b"\r")
    return unframed.replace(_MLLP_START, b"").replace(_MLLP_END, b""), warnings


def _declared_charset(payload: bytes) -> tuple[str | None, str]:
    """(Python codec, MSH-18 as written) of the first MSH segment; (None, "") without one,
    (None, text) when the character set is not one Python reads."""
    found = re.search(rb"(?:^|[\r\n])MSH([^\r\n]*)", payload)
    line = found.group(1).decode("latin_1") if found is not None else ""
    if not line:
        return None, ""
    fields = ["MSH", *line[1:].split(line[0])]  # MSH-1 is the field separator itself
    if len(fields) < 18:
        return None, ""
    encoding_characters = fields[1]
    repetition = encoding_characters[1] if len(encoding_characters) > 1 else "~"
    written = fields[17].split(repetition)[0].strip()
    if not written:
        return None, ""
    codec = _CHARSETS.get(written.upper())
    try:
        return codec_name(codec or written), written
    except LookupError:
        return None, written


def _decode(payload: bytes, warnings: list[str]) -> DecodedText:
    """The file's text: MSH-18's character set when the bytes are not UTF-8, else as
    ``charset.decode_text`` recognises it; a note when MSH-18 and the bytes disagree."""
    codec, written = _declared_charset(payload)
    decoded = decode_text(payload, declared=codec)
    if written and codec is None:
        warnings.append(
            tr(
                "MSH-18 names a character set the planner does not know ('{charset}'); the "
                "encoding was recognised from the bytes."
            ).format(charset=written[:40])
        )
    elif codec is not None and (
        decoded.source in ("detected", "assumed")
        or (
            decoded.codec == "utf_8"
            and codec not in ("utf_8", "ascii")
            and not decoded.text.isascii()
        )
    ):
        warnings.append(
            tr("MSH-18 names {declared}, but the file is not written in it.").format(
                declared=encoding_name(codec)
            )
        )
    note = decoded.note()
    if note is not None:
        warnings.append(note)
    return decoded


# --------------------------------------------------------------------------- fields


def _raw(segment: Any, number: int, repetition: int = 1, component: int | None = 1) -> str:
    """A field of ``segment`` as written (escapes kept): one component of one repetition,
    or the whole repetition (``component`` None); "" where the segment stops short."""
    if number >= len(segment):
        return ""
    found = segment[number]
    if repetition > len(found):
        return ""
    rep = found[repetition - 1]
    if isinstance(rep, hl7.Repetition):
        if component is None:
            return str(rep)
        return str(rep[component - 1]) if component <= len(rep) else ""
    return str(rep) if component in (1, None) else ""


class _BadEscapeError(Exception):
    """A field holds an escape sequence HL7 does not define, or one left open."""


def _text(message: Any, raw: str, codec: str) -> str:
    """``raw`` with its escape sequences decoded by the library (hexadecimal data in the
    message's character set).

    Raises:
        _BadEscapeError: an undefined, unterminated or undecodable escape sequence.
    """
    esc = str(message.esc)
    if esc not in raw:
        return raw
    parts = raw.split(esc)
    if len(parts) % 2 == 0:
        raise _BadEscapeError
    # Highlighting (\H\ ... \N\, section 2.7.3) marks no character of the value.
    app_map: dict[str, str] = {"H": "", "N": ""}
    for sequence in parts[1::2]:
        if _HEX.fullmatch(sequence):
            try:
                app_map[sequence] = bytes.fromhex(sequence[1:]).decode(codec)
            except (UnicodeDecodeError, LookupError):
                raise _BadEscapeError from None
        elif sequence not in _PLAIN_ESCAPES and not _FORMATTING.fullmatch(sequence):
            raise _BadEscapeError
    return str(unescape(message, raw, app_map))


@dataclass
class _Row:
    line: int
    place: str
    cells: tuple[str, str, str, str, str]
    raw: tuple[str, ...]
    problem: str | None = None


class _Builder:
    """Rows from messages, in file order."""

    def __init__(self, local_codes: Mapping[str, str], codec: str, limits: Limits) -> None:
        self.local_codes = local_codes
        self.codec = codec
        self.limits = limits
        self.rows: list[_Row] = []
        self.places: dict[int, str] = {}
        self.types: list[str] = []
        self.any_results_message = False

    def add(self, row: _Row) -> None:
        if len(self.rows) >= self.limits.max_rows:
            raise LabImportError(
                tr("The file has more than {limit} results; export a shorter date range.").format(
                    limit=f"{self.limits.max_rows:,}"
                )
            )
        self.rows.append(row)
        self.places[row.line] = row.place

    def refuse_message(self, number: int, line: int, reason: str, raw: str) -> None:
        place = tr("message {message}").format(message=number)
        self.add(_Row(line, place, ("", "", "", "", ""), (raw[:200],), reason))

    def message(self, number: int, text: str, lines: Sequence[int]) -> None:
        """The rows of one message (``lines``: each segment's line in the file)."""
        first = lines[0] if lines else 0
        try:
            message = hl7.parse(text)
            msh = message.segment("MSH")
            kind = (_raw(msh, 9, 1, 1), _raw(msh, 9, 1, 2))
        except (hl7.HL7Exception, KeyError, IndexError, ValueError, AssertionError):
            self.refuse_message(
                number,
                first,
                tr("The message could not be read as HL7 v2; it may be cut short or damaged."),
                text.split("\r", 1)[0],
            )
            return
        shown = "^".join(k for k in kind if k)
        self.types.append(shown or "?")
        if not kind[0]:
            reason = tr("The message type (MSH-9) is missing; the message may be cut short.")
            self.refuse_message(number, first, reason, text.split("\r", 1)[0])
            return
        if kind != ("ORU", "R01"):
            reason = tr(
                "{type} is not a lab result message (ORU^R01); the message was not read."
            ).format(type=shown)
            self.refuse_message(number, first, reason, text.split("\r", 1)[0])
            return
        self.any_results_message = True
        self._results(number, message, lines)

    def _results(self, number: int, message: Any, lines: Sequence[int]) -> None:
        pid: Any = None
        obr: Any = None
        count = 0
        for segment, line in zip(message, lines, strict=False):
            name = str(segment[0][0]) if len(segment) and len(segment[0]) else ""
            if name == "PID":
                pid, obr = segment, None
            elif name == "OBR":
                obr = segment
            elif name == "OBX":
                count += 1
                place = tr("message {message}, OBX {obx}").format(message=number, obx=count)
                self.add(self._result(message, segment, pid, obr, line, place))
        if count == 0:
            self.refuse_message(
                number,
                lines[0] if lines else 0,
                tr("The message holds no result (OBX segment); it may be cut short."),
                str(message.segment("MSH"))[:200],
            )

    def _result(self, message: Any, obx: Any, pid: Any, obr: Any, line: int, place: str) -> _Row:
        """One OBX as a row: its cells as the checks read them, and a reason when HL7
        itself says it cannot be imported (status, code, value type, date)."""
        written_date = _raw(obx, 14) or (_raw(obr, 7) if obr is not None else "")
        raw = (
            _mrn_raw(pid),
            written_date,
            _raw(obx, 3, 1, None),
            _raw(obx, 5, 1, None),
            _raw(obx, 6),
            _raw(obx, 11),
        )
        row = _Row(line, place, ("", "", "", "", ""), tuple(r[:200] for r in raw))
        if pid is None:
            row.problem = tr("There is no patient (PID segment) before this result.")
            return row
        try:
            mrn = _text(message, raw[0], self.codec)
            unit = _text(message, raw[4], self.codec)
            status = _text(message, raw[5], self.codec).strip().upper()
            analyte, code_problem = self._analyte(message, obx)
            value, value_problem = self._value(message, obx)
        except _BadEscapeError:
            row.problem = tr(
                "A field holds an escape sequence HL7 does not define, or one left open; the "
                "result was not read."
            )
            return row
        date, date_problem = _date(written_date)
        row.cells = (mrn, date, analyte, value, unit)
        row.problem = _status_problem(status) or code_problem or value_problem or date_problem
        return row

    def _analyte(self, message: Any, obx: Any) -> tuple[str, str | None]:
        """(analyte, None) for a code the planner reads, ("", reason) otherwise. A LOINC
        code (system LN) wins over a local one; the primary identifier is looked at
        before the alternate one (CE/CWE components 1-3 and 4-6)."""
        pairs = [
            (
                _text(message, _raw(obx, 3, 1, c), self.codec).strip(),
                _text(message, _raw(obx, 3, 1, c + 2), self.codec).strip().upper(),
            )
            for c in (1, 4)
        ]
        pairs = [(code, system) for code, system in pairs if code]
        for code, system in pairs:
            if system == "LN" and (analyte := analyte_of_loinc(code)) is not None:
                return analyte, None
        for code, _ in pairs:
            if (analyte := self.local_codes.get(code.casefold())) is not None:
                return analyte, None
        if not pairs:
            return "", tr("The result has no code (OBX-3).")
        code, system = pairs[0]
        if system == "LN":
            return "", tr("Unknown code {code} (not a LOINC code the planner reads).").format(
                code=code[:40]
            )
        return "", tr(
            "Unknown code {code} ({system}): not a LOINC code the planner reads, nor one of "
            "the mapping's local codes."
        ).format(code=code[:40], system=system[:20] or tr("no coding system"))

    def _value(self, message: Any, obx: Any) -> tuple[str, str | None]:
        """(value text for the checks, reason or None): NM and ST as written, SN as its
        comparator and number ("<0.1")."""
        kind = _raw(obx, 2).strip().upper()
        if kind not in _NUMERIC_TYPES:
            return "", tr("Value type {type} (OBX-2) is not a number (NM or SN).").format(
                type=kind[:10]
            )
        if len(obx) > 5 and len(obx[5]) > 1:
            return "", tr("OBX-5 holds several values; one result per OBX can be imported.")
        if kind != "SN":
            return _text(message, _raw(obx, 5, 1, None), self.codec).strip(), None
        comparator, number, separator, second = (
            _text(message, _raw(obx, 5, 1, c), self.codec).strip() for c in (1, 2, 3, 4)
        )
        if separator or second:
            return "", tr("A range or ratio (SN '{value}') is not a single result.").format(
                value=_raw(obx, 5, 1, None)[:40]
            )
        if comparator in ("", "="):
            return number, None
        if comparator in ("<", ">"):
            return f"{comparator}{number}", None
        return "", tr("The comparator '{comparator}' cannot be stored; only < and > can.").format(
            comparator=comparator[:5]
        )

    def table(self) -> _Table:
        """The rows as the table the checks read."""
        import numpy as np

        rows = self.rows
        columns: list[npt.NDArray[np.object_]] = []
        for i in range(len(COLUMNS)):
            column = np.empty(len(rows), dtype=object)
            column[:] = [r.cells[i] for r in rows]
            columns.append(column)
        return _Table(
            header=list(COLUMNS),
            size=len(rows),
            lines=np.array([r.line for r in rows], dtype=np.int64),
            widths=np.full(len(rows), len(COLUMNS), dtype=np.int64),
            cells=columns.__getitem__,
            row=lambda i: rows[i].raw,
            blank=lambda _i: False,
            pre_reject={i: r.problem for i, r in enumerate(rows) if r.problem is not None},
            warnings=[],
            check_width=False,
        )


def _mrn_raw(pid: Any) -> str:
    """PID-3: the identifier typed MR (CX.5) when there are several, else the first."""
    if pid is None:
        return ""
    count = len(pid[3]) if len(pid) > 3 else 0
    for repetition in range(1, count + 1):
        if _raw(pid, 3, repetition, 5).strip().upper() == "MR":
            return _raw(pid, 3, repetition, 1)
    return _raw(pid, 3, 1, 1)


def _date(written: str) -> tuple[str, str | None]:
    """(ISO date text for the checks, reason or None) of an HL7 timestamp: its date part
    as written; the offset (+/-ZZZZ) and the time are checked, never applied."""
    text = written.split("^", 1)[0].strip()  # TS.1; TS.2 (precision) is not used
    if not text:
        return "", tr("The result has no date (OBX-14, OBR-7).")
    stamp = text
    if len(text) > 5 and _ZONE.fullmatch(text[-5:]):
        stamp = text[:-5]
    match = _TIMESTAMP.fullmatch(stamp)
    if match is None:
        if re.fullmatch(r"\d{4}(?:\d{2})?", stamp):
            return "", tr("The date '{date}' has no day.").format(date=text[:40])
        return "", tr(
            "The date '{date}' is not an HL7 timestamp (YYYYMMDD, then the time)."
        ).format(date=text[:40])
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}", None


def _status_problem(status: str) -> str | None:
    if status in FINAL_STATUSES:
        return None
    if not status:
        return tr("The result status (OBX-11) is missing; the message may be cut short.")
    meaning = _STATUS_NAMES.get(status)
    return tr(
        "Result status {status} ({meaning}) is not final; only final (F) and corrected (C) "
        "results are imported."
    ).format(status=status[:5], meaning=tr(meaning) if meaning else tr("unknown status"))
