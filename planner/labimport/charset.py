"""The character encoding of a lab file: UTF-8 read at once, other encodings recognised.

Laboratory systems and spreadsheets still write files in a Windows code page ("ANSI",
Windows-1252 in Western Europe and the Americas) or in UTF-16 ("Unicode text" in Excel),
often without a byte order mark. Such a file is read, not refused, and the import report
says which encoding was assumed, so that a wrong guess shows up in the preview.

Order of the decisions (each one cheap before the next):

1. a byte order mark names the encoding (Unicode Standard, section 23.8): UTF-8 or
   UTF-16 LE/BE; UTF-32 is refused;
2. a file that starts like a known binary format, or holds NUL bytes and is not UTF-16,
   is refused;
3. bytes that decode as UTF-8 are UTF-8 (the fast path: no detection for UTF-8 files);
4. an encoding the file declares itself (HL7 MSH-18) is used when the bytes decode in it;
5. otherwise ``charset-normalizer`` looks at the start of the file. Among the encodings it
   finds plausible, Windows-1252 is preferred, as browsers do for legacy Western text (the
   WHATWG Encoding Standard reads the label "iso-8859-1" as windows-1252); bytes that
   Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are read as the C1
   controls of the same value, as that standard's decoder does;
6. a text too short to tell (one accented name) is read as Windows-1252, that standard's
   default for legacy text, and the report says the encoding was assumed. Only a file of
   control characters is refused as binary.

Pure: bytes in, text out, nothing read from the machine.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final, Literal

from planner.domain.i18n import tr, tr_noop
from planner.labimport.common import LabImportError

# How much of a file the detection looks at: enough for a few thousand lines, so that
# detecting the encoding of a 20 MB export costs milliseconds, not seconds.
DETECTION_SAMPLE: Final = 64 * 1024

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
NOT_TEXT: Final = tr_noop(
    "This is not a text file (it looks like a binary or spreadsheet file); export the lab "
    "results as CSV UTF-8, HL7 v2 or choose the .xlsx file."
)

# Encodings a lab export is plausibly written in, besides Windows-1252: the other Windows
# and ISO-8859 code pages, the DOS and Mac Western pages (UTF-16 without a byte order mark
# is told by its NUL bytes). charset-normalizer also proposes rarer pages (cp1006, hp_roman8, ...) for
# short texts; those are never chosen.
_PLAUSIBLE: Final = frozenset(
    [f"cp{n}" for n in range(1250, 1259)]
    + ["latin_1"]
    + [f"iso8859_{n}" for n in (2, 3, 4, 5, 7, 9, 10, 13, 14, 15, 16)]
    + ["cp437", "cp850", "cp852", "cp858", "mac_roman", "koi8_r"]
)
_SHOWN: Final[dict[str, str]] = {
    "utf_8": "UTF-8",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16 LE",
    "utf_16_be": "UTF-16 BE",
    "utf_32_le": "UTF-32 LE",
    "utf_32_be": "UTF-32 BE",
    "ascii": "ASCII",
    "cp437": "DOS code page 437",
    "cp850": "DOS code page 850",
    "cp852": "DOS code page 852",
    "cp858": "DOS code page 858",
    "mac_roman": "Mac OS Roman",
    "koi8_r": "KOI8-R",
}
_C1_HANDLER: Final = "planner-windows-c1"


def _c1_controls(err: UnicodeError) -> tuple[str, int]:
    """WHATWG windows-1252 decoding of the five bytes Python's cp1252 leaves undefined:
    each becomes the C1 control of the same value (Encoding Standard, index-windows-1252).
    Only ever passed to cp1252 decoding (which names itself "charmap" in the error)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    byte = err.object[err.start]
    if byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D):
        return chr(byte), err.start + 1
    raise err


codecs.register_error(_C1_HANDLER, _c1_controls)


Source = Literal["bom", "utf-8", "declared", "detected", "assumed"]


@dataclass(frozen=True)
class DecodedText:
    """A file's text and how its encoding was decided.

    Attributes:
        text: the decoded text (byte order mark removed).
        codec: Python's name of the encoding ("utf_8", "cp1252", "utf_16_le", ...).
        source: "utf-8" (plain UTF-8), "bom" (named by a byte order mark), "declared"
            (named by the file, e.g. HL7 MSH-18), "detected" (recognised from the bytes)
            or "assumed" (too little text to tell: Windows-1252).
    """

    text: str
    codec: str
    source: Source

    @property
    def encoding(self) -> str:
        """The encoding's name as people know it ("Windows-1252", "UTF-16 LE")."""
        return encoding_name(self.codec)

    def note(self) -> str | None:
        """The sentence the import report shows, or None for UTF-8."""
        if self.codec == "utf_8":
            return None
        if self.source == "assumed":
            return tr(
                "The file is not UTF-8 and has too little text to recognise its encoding; it "
                "was read as {encoding}. Check names and units in the preview."
            ).format(encoding=self.encoding)
        if self.source == "detected":
            return tr(
                "The file is not UTF-8; it was read as {encoding} (recognised from its "
                "bytes). Check names and units in the preview."
            ).format(encoding=self.encoding)
        return tr("The file was read as {encoding}.").format(encoding=self.encoding)


def codec_name(codec: str) -> str:
    """Python's canonical name of a codec, with underscores: "latin-1" -> "iso8859_1".

    Raises:
        LookupError: Python has no such codec.
    """
    return codecs.lookup(codec).name.replace("-", "_")


def encoding_name(codec: str) -> str:
    """The name people know an encoding by: "cp1252" -> "Windows-1252"."""
    name = codec_name(codec)
    if name in _SHOWN:
        return _SHOWN[name]
    if match := re.fullmatch(r"cp(125\d)", name):
        return f"Windows-{match.group(1)}"
    if match := re.fullmatch(r"iso8859_(\d+)", name):
        return f"ISO-8859-{match.group(1)}"
    return name.upper()


def decode_text(data: bytes, *, declared: str | None = None) -> DecodedText:
    """The text of a lab file, its encoding decided as the module says.

    Args:
        data: the file's bytes.
        declared: the Python codec the file declares itself (HL7 MSH-18), if any; used
            when the bytes are not UTF-8 and decode in it.

    Raises:
        LabImportError: a binary file, UTF-32, damaged UTF-16, or bytes that no plausible
            encoding reads.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise LabImportError(tr("UTF-32 files are not supported; save the export as CSV UTF-8."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf_16_le" if data.startswith(b"\xff\xfe") else "utf_16_be"
        try:
            return DecodedText(data[2:].decode(codec), codec, "bom")
        except UnicodeDecodeError:
            raise LabImportError(
                tr("The file says it is UTF-16 but is damaged; save the export as CSV UTF-8.")
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return DecodedText(data[3:].decode("utf_8"), "utf_8", "bom")
        except UnicodeDecodeError as err:
            raise _undecodable(data, err.start + 3) from None
    if data.startswith(_BINARY_SIGNATURES):
        raise LabImportError(tr(NOT_TEXT))
    wide = b"\x00" in data[:DETECTION_SAMPLE]
    if not wide:
        try:
            return DecodedText(data.decode("utf_8"), "utf_8", "utf-8")
        except UnicodeDecodeError as err:
            first_bad = err.start
        if declared is not None:
            try:
                return DecodedText(data.decode(declared), codec_name(declared), "declared")
            except (UnicodeDecodeError, LookupError):
                pass
    else:
        first_bad = 0
    return _detected(data, wide, first_bad)


def _detected(data: bytes, wide: bool, first_bad: int) -> DecodedText:
    """The encoding charset-normalizer finds for the start of ``data``, Windows-1252 first."""
    import charset_normalizer

    sample = data[: DETECTION_SAMPLE - DETECTION_SAMPLE % 2 if wide else DETECTION_SAMPLE]
    matches = list(charset_normalizer.from_bytes(sample))
    found: list[str] = []
    for match in matches:
        for codec in (match.encoding, *match.could_be_from_charset):
            if codec not in found:
                found.append(codec)
    if wide:
        # NUL bytes: text only when UTF-16 without a byte order mark, which NUL bytes at
        # every other position betray (the high byte of each Latin character).
        candidates = [c for c in found if c == _utf16_order(sample)]
        if not candidates:
            raise LabImportError(tr(NOT_TEXT))
    elif "cp1252" in found or (matches and _stray_c1(sample)):
        # A byte Windows-1252 leaves undefined here and there is a stray byte, not
        # another code page.
        candidates = ["cp1252"]
    else:
        candidates = [c for c in found if c in _PLAUSIBLE and c != "cp1252"]
    for codec in candidates:
        try:
            text = data.decode(codec, errors=_C1_HANDLER if codec == "cp1252" else "strict")
        except UnicodeDecodeError:
            continue
        if _mostly_controls(text):
            raise LabImportError(tr(NOT_TEXT))
        return DecodedText(text, codec_name(codec), "detected")
    if wide:
        raise _undecodable(data, first_bad)
    # Too little text to tell (one accented name, a micro sign): the WHATWG Encoding
    # Standard's default for legacy text, which reads every byte.
    text = data.decode("cp1252", errors=_C1_HANDLER)
    if _mostly_controls(text):
        raise LabImportError(tr(NOT_TEXT))
    return DecodedText(text, "cp1252", "assumed")


def _utf16_order(sample: bytes) -> str | None:
    """ "utf_16_le" or "utf_16_be" when the NUL bytes of ``sample`` sit at one parity (at
    least a quarter of those positions, and almost none of the others), else None."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) % 2 or not odd:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd >= 0.25 and nul_even <= 0.01:
        return "utf_16_le"
    if nul_even >= 0.25 and nul_odd <= 0.01:
        return "utf_16_be"
    return None


def _stray_c1(sample: bytes) -> bool:
    """True when the bytes Windows-1252 leaves undefined are at most 1 % of the sample's
    non-ASCII bytes (and there are some): stray bytes in Windows-1252 text."""
    high = sum(1 for b in sample if b >= 0x80)
    undefined = sum(sample.count(bytes([b])) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
    return 0 < undefined <= high // 100


def _mostly_controls(text: str) -> bool:
    """More than 1 % control characters other than tab and line ends: not a text file."""
    sample = text[:DETECTION_SAMPLE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r")
    return controls > len(sample) // 100


def _undecodable(data: bytes, offset: int) -> LabImportError:
    line = data.count(b"\n", 0, offset) + 1
    return LabImportError(
        tr(
            "The file's character encoding could not be recognised (first unreadable byte on "
            "line {line}); save the export as 'CSV UTF-8' and import it again."
        ).format(line=line)
    )
