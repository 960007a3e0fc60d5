"""The PDFs' fonts: DejaVu Sans first, bundled Noto faces for what it lacks, in any script.

Plain text becomes *segments*: runs of characters drawn with one face, in the order they are
shown on the page. What happens on the way:

1. Each character gets a family. Characters of a script with its own Noto face (Arabic,
   Hebrew, Devanagari, Han, kana, hangul; ``Family.blocks``) take that face, so a name is
   drawn in one design and can be shaped; others take DejaVu Sans when all four DejaVu faces
   have it, else the first Noto face that does. Combining marks stay with their base, and
   spaces, digits and punctuation stay inside the run they sit in when its face has them.
2. Lines holding right-to-left letters are resolved with the Unicode Bidirectional Algorithm
   (UAX #9, python-bidi; the paragraph direction is left-to-right, as every document language
   is) and the runs are put in visual order (rule L2).
3. Arabic, Hebrew and Devanagari runs are shaped with HarfBuzz (joining forms, ligatures,
   conjuncts, pre-base vowel signs, mark positions), right-to-left runs in right-to-left
   direction, which also puts their glyphs in visual order. Each glyph is written as a code
   its face maps to it: its character; U+F0000 + glyph id for a glyph no character maps to
   (an initial form, a conjunct); or, when HarfBuzz moves it (a mark with no advance, a
   half form set closer, an x offset), a code from U+100000 whose width is the advance
   HarfBuzz gave it. Vertical offsets become <sup>/<sub> rises in percent of the font size.
   Other right-to-left runs have their characters reversed, mirrored brackets swapped
   (rule L4). reportlab's own shaping (``style.shaping``) is not used: it needs reportlab's
   rlbidi package for right-to-left text, which is not on PyPI, it shapes a word with the
   first font of the word even when the word changes font, and it writes private-use code
   points into the text layer.
4. The ToUnicode map of every embedded face (``MappedTTFont``) gives each code the text it
   stands for: a conjunct's letters, an Arabic positional form's letter (presentation forms
   are written as their NFKC letters), characters outside the Basic Multilingual Plane as
   UTF-16 surrogate pairs. So copying or extracting text gives the letters in logical order
   (PDF readers reverse right-to-left runs drawn in visual order, as pdftotext and pypdf do).
   A Devanagari vowel sign drawn before its consonant, and a reph drawn after it, would
   extract in drawing order; the letters of such a cluster are handed out again in drawing
   order (``_reordered_cluster_texts``), so they read back as typed. Limit: pdftotext puts
   marks raised off the baseline (Arabic harakat, Hebrew points) on a line of their own,
   pypdf does not.

When every character of a text is in DejaVu Sans and needs no other handling (Latin, Greek,
Cyrillic, symbols), nothing of this runs: the text is only escaped.
"""

from __future__ import annotations

import functools
import io
import json
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from planner.domain.assets import resource

# Planes 15 and 16 private use: no font of ours maps them, and user text holding them is
# not covered. U+F0000 + gid draws a glyph no character maps to, with its own advance;
# codes from U+100000 draw a glyph with the advance HarfBuzz gave it (a mark attached with
# no advance, a half form kerned closer, an x offset of the next glyph).
PUA_BASE = 0xF0000
POSITIONED_BASE = 0x100000
# Hebrew and Arabic presentation forms: glyphs of positional forms, ligatures and letters
# with points carry these code points in the Noto cmaps; their text is the letters (NFKC).
_PRESENTATION = ((0xFB1D, 0xFB4F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_RTL_CLASSES = frozenset({"R", "AL"})
# Characters that belong to no script: they join the run around them (UAX #24 "Common").
_COMMON_CLASSES = frozenset({"WS", "CS", "ON", "ES", "ET", "EN", "BN", "S", "B"})


@dataclass(frozen=True)
class Family:
    """A bundled fallback family.

    Attributes:
        name: registered name of the regular face (also the file stem, ``-Regular.ttf``).
        blocks: code point ranges the family is preferred for over DejaVu Sans.
        shaped: its runs go through HarfBuzz.
    """

    name: str
    blocks: tuple[tuple[int, int], ...]
    shaped: bool

    @property
    def bold(self) -> str:
        """Registered name of the bold face."""
        return f"{self.name}-Bold"

    def face(self, bold: bool) -> str:
        """Registered name of the regular or bold face."""
        return self.bold if bold else self.name

    def files(self) -> tuple[str, str]:
        """File names of the regular and bold faces."""
        return f"{self.name}-Regular.ttf", f"{self.name}-Bold.ttf"


# Unicode blocks (names in comments); the subsets of tools/subset_fonts.py hold them.
FAMILIES: tuple[Family, ...] = (
    Family("NotoSans", (), shaped=False),
    Family(
        "NotoSansArabic",
        (
            (0x0600, 0x06FF),  # Arabic
            (0x0750, 0x077F),  # Arabic Supplement
            (0x08A0, 0x08FF),  # Arabic Extended-A
            (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
            (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
        ),
        shaped=True,
    ),
    Family("NotoSansHebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)), shaped=True),
    Family(
        "NotoSansDevanagari",
        (
            (0x0900, 0x097F),  # Devanagari
            (0x1CD0, 0x1CFF),  # Vedic Extensions
            (0xA8E0, 0xA8FF),  # Devanagari Extended
        ),
        shaped=True,
    ),
    Family(
        "NotoSansCJKsc",
        (
            (0x1100, 0x11FF),  # Hangul Jamo
            (0x2E80, 0x2FDF),  # CJK Radicals Supplement, Kangxi Radicals
            (0x3000, 0x303F),  # CJK Symbols and Punctuation
            (0x3040, 0x30FF),  # Hiragana, Katakana
            (0x3130, 0x318F),  # Hangul Compatibility Jamo
            (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
            (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
            (0x4E00, 0x9FFF),  # CJK Unified Ideographs
            (0xAC00, 0xD7AF),  # Hangul Syllables
            (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
            (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
        ),
        shaped=False,
    ),
)


def to_unicode_cmap(name: str, texts: Sequence[str]) -> str:
    """A ToUnicode CMap (PDF 32000-1 9.10.3) for one-byte codes 0.. len(texts)-1.

    Destinations are UTF-16BE, so a character outside the BMP is a surrogate pair; codes
    with no text are left out (at most 100 entries per bfchar section, as the format says).
    """
    entries = [
        f"<{code:02X}> <{text.encode('utf-16-be').hex().upper()}>"
        for code, text in enumerate(texts)
        if text
    ]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{max(len(texts) - 1, 0):02X}>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def _reordered_cluster_texts(font: MappedTTFont, text: str, infos: Sequence[Any]) -> dict[int, str]:
    """Texts for the glyphs of left-to-right clusters drawn out of logical order.

    A Devanagari vowel sign written after its consonant is drawn before it (ि in हि), and a
    reph after the consonant it precedes; a reader extracts glyphs in drawing order, so each
    glyph's own letter would come out reordered ("िह"). For such a cluster (HarfBuzz's
    cluster: the glyphs of one run of letters) the letters are handed out again in drawing
    order: one to each glyph, the rest to the last, so the glyphs read back as written.
    Clusters that already read right, or have more glyphs than letters, keep their texts.
    """
    starts = [info.cluster for info in infos]
    bounds = [*sorted(set(starts)), len(text)]
    found: dict[int, str] = {}
    i = 0
    while i < len(infos):
        j = i
        while j + 1 < len(infos) and starts[j + 1] == starts[i]:
            j += 1
        start = starts[i]
        letters = text[start : bounds[bounds.index(start) + 1]]
        glyphs = range(i, j + 1)
        own = "".join(font.glyph_texts.get(infos[k].codepoint, "") for k in glyphs)
        if own != letters and len(letters) >= len(glyphs):
            for n, k in enumerate(glyphs):
                found[k] = letters[n] if k < j else letters[n:]
        i = j + 1
    return found


class MappedTTFont(TTFont):  # type: ignore[misc]  # reportlab ships no type hints
    """A TrueType face whose embedded subsets carry a ToUnicode map of real text.

    reportlab writes each subset's code as the private-use or presentation-form code point
    it was drawn with, and code points past U+FFFF as five hex digits (not UTF-16); this
    face writes the text each code stands for instead (``to_unicode_cmap``).
    """

    def __init__(
        self,
        name: str,
        data: bytes,
        glyph_texts: dict[int, str] | None = None,
    ) -> None:
        super().__init__(name, io.BytesIO(data))
        self.data = data
        self.glyph_texts = dict(glyph_texts or {})
        self.cmap_codes = frozenset(self.face.charToGlyph)
        self.advances = [advance for advance, _lsb in self.face.hmetrics]
        # glyph id -> the smallest code point the cmap maps to it
        self.glyph_char: dict[int, int] = {}
        for code in sorted(self.cmap_codes, reverse=True):
            self.glyph_char[self.face.charToGlyph[code]] = code
        self._positioned: dict[tuple[int, int, str | None], int] = {}
        self._code_gid: dict[int, int] = {}
        self._code_text: dict[int, str] = {}
        self._lock = threading.Lock()

    def add_glyph_codes(self) -> None:
        """Map U+F0000 + gid to every glyph no character maps to (for shaped runs)."""
        face = self.face
        for gid, code in self.glyph_char.items():
            self.glyph_texts.setdefault(gid, self._char_text(code))
        for gid, advance in enumerate(self.advances):
            if gid not in self.glyph_char:
                face.charToGlyph[PUA_BASE + gid] = gid
                face.charWidths[PUA_BASE + gid] = self.pdfScale(advance)
                self._code_gid[PUA_BASE + gid] = gid

    def glyph_code(self, gid: int, advance: int, text: str | None = None) -> int:
        """A code drawing glyph ``gid``, then moving on by ``advance`` font units.

        ``text`` replaces the glyph's own text in the ToUnicode map (see ``FontSet._shape``).
        """
        if advance == self.advances[gid] and text is None:
            return self.glyph_char.get(gid, PUA_BASE + gid)
        key = (gid, advance, text)
        code = self._positioned.get(key)
        if code is not None:
            return code
        with self._lock:  # two documents may be written at once (a print and an export)
            code = self._positioned.get(key)
            if code is None:
                # Numbered in order of first use; the number is never written to a PDF
                # (the content stream holds per-document subset codes), so output does not
                # depend on what this process drew before.
                code = POSITIONED_BASE + len(self._positioned)
                self._code_gid[code] = gid
                if text is not None:
                    self._code_text[code] = text
                self.face.charToGlyph[code] = gid
                self.face.charWidths[code] = self.pdfScale(advance)
                self._positioned[key] = code
        return code

    @staticmethod
    def _char_text(code: int) -> str:
        if any(lo <= code <= hi for lo, hi in _PRESENTATION):
            # Isolated forms of marks decompose to a space and the mark: keep the mark.
            return unicodedata.normalize("NFKC", chr(code)).strip(" ") or " "
        return chr(code)

    def code_text(self, code: int) -> str:
        """The text a code of this face stands for in the ToUnicode map."""
        if code in self._code_text:
            return self._code_text[code]
        gid = self._code_gid.get(code)
        return self._char_text(code) if gid is None else self.glyph_texts.get(gid, "")

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's method name
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            name = base.decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + name)
            if stream is not None:
                stream.content = to_unicode_cmap(name, [self.code_text(c) for c in subset])


@dataclass(frozen=True)
class Segment:
    """A run drawn with one face, in pieces with their rise (in ems, HarfBuzz' y offset).

    ``family`` is None for the primary (DejaVu) face.
    """

    family: Family | None
    pieces: tuple[tuple[str, float], ...]

    @property
    def text(self) -> str:
        """The codes of the whole run."""
        return "".join(text for text, _rise in self.pieces)


class FontSet:
    """The primary family and the registered fallbacks, with coverage and the runs of a text."""

    def __init__(self, primary_covered: frozenset[int]) -> None:
        texts = json.loads(resource("fonts", "glyph-text.json").read_text(encoding="utf-8"))
        self.primary_covered = primary_covered
        self.covered_by: list[frozenset[int]] = []
        self._faces: dict[tuple[int, bool], MappedTTFont] = {}
        for index, family in enumerate(FAMILIES):
            for bold, file_name in zip((False, True), family.files(), strict=True):
                data = resource("fonts", file_name).read_bytes()
                glyph_texts = {int(k): v for k, v in texts.get(file_name, {}).items()}
                font = MappedTTFont(
                    family.bold if bold else family.name,
                    data,
                    glyph_texts,
                )
                if family.shaped:
                    font.add_glyph_codes()
                pdfmetrics.registerFont(font)
                self._faces[index, bold] = font
            pdfmetrics.registerFontFamily(
                family.name,
                normal=family.name,
                bold=family.bold,
                italic=family.name,
                boldItalic=family.bold,
            )
            regular, bold_face = self._faces[index, False], self._faces[index, True]
            self.covered_by.append(regular.cmap_codes & bold_face.cmap_codes)
        self.covered = primary_covered.union(*self.covered_by)
        self._claim = {
            cp: i
            for i, family in enumerate(FAMILIES)
            for lo, hi in family.blocks
            for cp in range(lo, hi + 1)
        }
        # What the primary face draws on its own, left to right, with no shaping.
        self._fast_chars = frozenset(
            chr(cp)
            for cp in primary_covered
            if cp not in self._claim
            and unicodedata.bidirectional(chr(cp)) not in _RTL_CLASSES | {"AN"}
        )

    # -- families ------------------------------------------------------------------------
    def _family_index(self, ch: str, prev: int | None) -> int | None:
        """Index into FAMILIES, -1 for the primary face, None when no face has ``ch``."""
        cp = ord(ch)
        # A mark stays with its base; a space, digit or punctuation mark stays in the
        # fallback run it follows (one run, one shaping buffer), when that face has it.
        if prev is not None and (
            unicodedata.category(ch).startswith("M")
            or (prev >= 0 and unicodedata.bidirectional(ch) in _COMMON_CLASSES)
        ):
            covered = self.primary_covered if prev < 0 else self.covered_by[prev]
            if cp in covered:
                return prev
        claim = self._claim.get(cp)
        if claim is not None and cp in self.covered_by[claim]:
            return claim
        if cp in self.primary_covered:
            return -1
        for i, covered in enumerate(self.covered_by):
            if cp in covered:
                return i
        return None

    # -- runs ----------------------------------------------------------------------------
    def segments(self, line: str, *, bold: bool = False) -> list[Segment]:
        """The runs of one line (no newline) in visual order, shaped and encoded."""
        if self._fast_chars.issuperset(line):
            return [Segment(None, ((line, 0.0),))] if line else []
        families: list[int] = []
        prev: int | None = None
        for ch in line:
            index = self._family_index(ch, prev)
            index = -1 if index is None else index  # the guard replaced these already
            families.append(index)
            prev = index
        levels = _levels(line)
        runs: list[tuple[int, int, str]] = []  # (family index, level, logical text)
        for ch, family, level in zip(line, families, levels, strict=True):
            if runs and runs[-1][0] == family and runs[-1][1] == level:
                runs[-1] = (family, level, runs[-1][2] + ch)
            else:
                runs.append((family, level, ch))
        out: list[Segment] = []
        for family, level, text in _visual_order(runs):
            fam = None if family < 0 else FAMILIES[family]
            if fam is not None and fam.shaped:
                pieces = self._shape(self._faces[family, bold], text, rtl=level % 2 == 1)
            elif level % 2:
                pieces = (("".join(_MIRROR.get(ch, ch) for ch in reversed(text)), 0.0),)
            else:
                pieces = ((text, 0.0),)
            if out and out[-1].family == fam:
                out[-1] = Segment(fam, _join_pieces(out[-1].pieces + pieces))
            else:
                out.append(Segment(fam, pieces))
        return out

    @staticmethod
    def _shape(font: MappedTTFont, text: str, *, rtl: bool) -> tuple[tuple[str, float], ...]:
        """Glyphs of a shaped run in visual order as codes of ``font``, with their rises.

        HarfBuzz places glyph i at pen + x_offset(i); drawing each glyph with the advance
        advance(i) + x_offset(i+1) - x_offset(i) puts every glyph after the first where
        HarfBuzz does (the first one's own x offset is dropped: a run starts where it is).

        Readers extract a right-to-left run by reversing the glyphs drawn in visual order,
        one text per glyph. A right-to-left glyph standing for several letters (lam-alef,
        a letter with its points) is therefore drawn with its last letter as its text and a
        share of its advance, followed by one empty glyph (the face's space) per earlier
        letter, right to left; reversed, the letters come out in logical order, and a
        reader that sorts by position gets the same order.
        """
        import uharfbuzz as hb

        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        buf.direction = "rtl" if rtl else "ltr"
        hb.shape(_hb_font(font.data), buf, {})
        infos, positions = buf.glyph_infos, buf.glyph_positions
        x_offsets = [0, *(pos.x_offset for pos in positions[1:]), 0]
        scale = 1000 / font.face.unitsPerEm
        pieces: list[tuple[str, float]] = []
        blank = font.face.charToGlyph.get(0x20)
        reordered = {} if rtl else _reordered_cluster_texts(font, text, infos)
        for i, (info, pos) in enumerate(zip(infos, positions, strict=True)):
            gid, rise = info.codepoint, pos.y_offset * scale / 1000
            advance = pos.x_advance + x_offsets[i + 1] - x_offsets[i]
            if i in reordered:
                pieces.append((chr(font.glyph_code(gid, advance, reordered[i])), rise))
                continue
            text = font.glyph_texts.get(gid, "")
            if not rtl or len(text) < 2 or blank is None:
                pieces.append((chr(font.glyph_code(gid, advance)), rise))
                continue
            share = advance // len(text)
            first = advance - share * (len(text) - 1)
            codes = [font.glyph_code(gid, first, text[-1])]
            codes += [font.glyph_code(blank, share, letter) for letter in text[-2::-1]]
            pieces.append(("".join(map(chr, codes)), rise))
        return _join_pieces(tuple(pieces))

    def markup(self, text: str, *, bold: bool = False) -> str:
        """Paragraph markup for plain text: escaped runs, fallback runs in <font> tags."""
        lines = text.replace("\r\n", "\n").split("\n")
        parts = []
        for line in lines:
            out = []
            for seg in self.segments(line, bold=bold):
                body = "".join(_raised(escape(piece), rise) for piece, rise in seg.pieces)
                if seg.family is None:
                    out.append(body)
                else:
                    out.append(f'<font name="{seg.family.face(bold)}">{body}</font>')
            parts.append("".join(out))
        return "<br/>".join(parts)

    def draw(
        self,
        canv: Any,
        x: float,
        y: float,
        text: str,
        size: float,
        primary: str,
        *,
        bold: bool = False,
        right: bool = False,
    ) -> float:
        """Draw one line on a canvas from ``x`` (or ending at ``x``); return its width."""
        runs = []
        for seg in self.segments(text.replace("\n", " "), bold=bold):
            face = primary if seg.family is None else seg.family.face(bold)
            for piece, rise in seg.pieces:
                width = float(pdfmetrics.stringWidth(piece, face, size))
                runs.append((face, piece, rise * size, width))
        total = sum(width for *_, width in runs)
        if right:
            x -= total
        for face, piece, rise, width in runs:
            canv.setFont(face, size)
            canv.drawString(x, y + rise, piece)
            x += width
        return total


def _raised(markup: str, rise: float) -> str:
    """Markup raised (or lowered) by ``rise`` ems, at the same size.

    <sup> and <sub> take a percentage of the font size; reportlab reads a signed value as
    relative, so a glyph goes down with <sub> rather than a negative <sup>.
    """
    if not rise:
        return markup
    tag = "sup" if rise > 0 else "sub"
    return f'<{tag} rise="{abs(rise) * 100:.1f}%" size="100%">{markup}</{tag}>'


def _join_pieces(pieces: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    """Neighbouring pieces with the same rise as one."""
    out: list[tuple[str, float]] = []
    for text, rise in pieces:
        if out and out[-1][1] == rise:
            out[-1] = (out[-1][0] + text, rise)
        else:
            out.append((text, rise))
    return tuple(out)


_MIRROR: dict[str, str] = {}


def _load_mirror() -> None:
    from bidi.mirror import MIRRORED

    _MIRROR.update(MIRRORED)


@functools.cache
def _hb_font(data: bytes) -> Any:
    import uharfbuzz as hb

    return hb.Font(hb.Face(data))


def _levels(line: str) -> list[int]:
    """Resolved embedding levels (UAX #9 rules up to I2) with a left-to-right paragraph."""
    if not any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in line):
        return [0] * len(line)
    from bidi import algorithm

    if not _MIRROR:
        _load_mirror()
    storage = algorithm.get_empty_storage()
    storage["base_level"] = 0
    storage["base_dir"] = "L"
    algorithm.get_embedding_levels(line, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    resolved = {char["index"]: int(char["level"]) for char in storage["chars"]}
    # Characters rule X9 removed (joiners, format controls) take the level before them.
    levels: list[int] = []
    for index in range(len(line)):
        levels.append(resolved.get(index, levels[-1] if levels else 0))
    # Rule L1: trailing whitespace goes back to the paragraph level.
    end = len(line)
    while end and line[end - 1].isspace():
        end -= 1
        levels[end] = 0
    return levels


def _visual_order(runs: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Rule L2 on runs: reverse every sequence at or above each odd-or-higher level."""
    order = list(runs)
    if not order:
        return order
    highest = max(level for _, level, _ in order)
    lowest_odd = min((level for _, level, _ in order if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if order[i][1] >= level:
                j = i
                while j < len(order) and order[j][1] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order
