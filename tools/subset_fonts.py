"""Make the Noto fallback fonts of the PDFs from Debian's font packages (subset, TrueType).

    apt-get download fonts-noto-core fonts-noto-cjk       # any folder; no install needed
    .venv/bin/python tools/subset_fonts.py fonts-noto-core_*.deb fonts-noto-cjk_*.deb
    .venv/bin/python tools/subset_fonts.py --check ...    # exit 1 if a committed file differs

The subsets are committed under resources/fonts/, so nobody needs this tool to run or build
the program; it exists so the files can be made again (a newer Debian release, another
character set) and reviewed. It needs ``fonttools`` (not a dependency of the program) and
``dpkg-deb``. Debian 12 ships fonts-noto-core 20201225-1 and fonts-noto-cjk
1:20220127+repack1-1, the versions the committed files were made from.

What it writes (resources/fonts/):

* ``NotoSans{,Arabic,Hebrew,Devanagari}-{Regular,Bold}.ttf``: the script's blocks (Unicode
  block ranges below), with their OpenType layout tables kept so that HarfBuzz can join Arabic
  and form Devanagari conjuncts, hinting dropped (PDF viewers do not use it at print sizes);
* ``NotoSansCJKsc-{Regular,Bold}.ttf``: Noto Sans CJK SC, whose CFF outlines reportlab's
  ``TTFont`` cannot read, converted to TrueType (quadratic) outlines with fontTools' cu2qu
  (maximum error 1 unit of the 1000-unit em). Characters: the 3,755 level-1 hanzi of
  GB 2312-80 (the "commonly used" set), the 2,965 level-1 kanji of JIS X 0208-1997, the 2,350
  hangul syllables of KS X 1001:2004, all kana, CJK punctuation and full-width forms, read
  from Python's own gb2312, euc_jp and euc_kr codecs;
* ``glyph-text.json``: for each font, the text each glyph stands for when it has no cmap entry
  of its own (a conjunct stands for its letters, a reph for "र्"): what HarfBuzz makes of
  sample words (every Arabic letter in each joining position, lam-alefs, Devanagari
  consonant clusters of up to three consonants and consonant-sign pairs), else what the
  fonts' GSUB single, alternate and ligature substitutions say. The PDF writer puts it in
  the fonts' ToUnicode maps, so that copying or extracting text gives the letters, not
  private-use code points;
* ``LICENSE-Noto.txt``: the SIL Open Font License 1.1 text and the copyright lines from the
  packages' copyright files.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "resources" / "fonts"

# Unicode blocks (Unicode 15 block names in the comments) per font.
_COMMON = [(0x20, 0x7E), (0xA0, 0xBF), (0x2000, 0x206F), (0x25CC, 0x25CC)]
RANGES: dict[str, list[tuple[int, int]]] = {
    "NotoSans": [
        *_COMMON,
        (0x0080, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
        (0x0250, 0x02FF),  # IPA Extensions, Spacing Modifier Letters
        (0x0300, 0x036F),  # Combining Diacritical Marks
        (0x0370, 0x03FF),  # Greek and Coptic
        (0x0400, 0x052F),  # Cyrillic, Cyrillic Supplement
        (0x1C80, 0x1C8F),  # Cyrillic Extended-C
        (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
        (0x20A0, 0x20CF),  # Currency Symbols
        (0x2DE0, 0x2DFF),  # Cyrillic Extended-A
        (0xA640, 0xA69F),  # Cyrillic Extended-B
        (0xA720, 0xA7FF),  # Latin Extended-D
    ],
    "NotoSansArabic": [
        *_COMMON,
        (0x0600, 0x06FF),  # Arabic
        (0x0750, 0x077F),  # Arabic Supplement
        (0x08A0, 0x08FF),  # Arabic Extended-A
        (0xFB50, 0xFDFF),  # Arabic Presentation Forms-A
        (0xFE70, 0xFEFF),  # Arabic Presentation Forms-B
    ],
    "NotoSansHebrew": [*_COMMON, (0x0590, 0x05FF), (0xFB1D, 0xFB4F)],
    "NotoSansDevanagari": [
        *_COMMON,
        (0x0900, 0x097F),  # Devanagari
        (0x1CD0, 0x1CFF),  # Vedic Extensions
        (0xA8E0, 0xA8FF),  # Devanagari Extended
    ],
}
FAMILIES = {
    "NotoSans": "truetype/noto/NotoSans-{style}.ttf",
    "NotoSansArabic": "truetype/noto/NotoSansArabic-{style}.ttf",
    "NotoSansHebrew": "truetype/noto/NotoSansHebrew-{style}.ttf",
    "NotoSansDevanagari": "truetype/noto/NotoSansDevanagari-{style}.ttf",
}
CJK_SOURCE = "opentype/noto/NotoSansCJK-{style}.ttc"
CJK_NAME = "Noto Sans CJK SC"
STYLES = ("Regular", "Bold")


def _codec_range(codec: str, rows: range, cells: range = range(0xA1, 0xFF)) -> set[int]:
    """Characters of a two-byte EUC code set, rows and cells given as bytes."""
    out = set()
    for row in rows:
        for cell in cells:
            try:
                ch = bytes((row, cell)).decode(codec)
            except UnicodeDecodeError:
                continue
            out.add(ord(ch))
    return out


def cjk_characters() -> set[int]:
    """Common hanzi, kanji and hangul, all kana, CJK punctuation and full-width forms."""
    chars = set()
    chars |= _codec_range("gb2312", range(0xB0, 0xD8))  # GB 2312 level 1 (rows 16-55)
    chars |= _codec_range("euc_jp", range(0xB0, 0xD0))  # JIS X 0208 level 1 (rows 16-47)
    chars |= _codec_range("euc_kr", range(0xB0, 0xC9))  # KS X 1001 hangul (rows 16-40)
    for lo, hi in [
        *_COMMON,
        (0x3000, 0x303F),  # CJK Symbols and Punctuation
        (0x3040, 0x30FF),  # Hiragana, Katakana
        (0x3130, 0x318F),  # Hangul Compatibility Jamo
        (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
        (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    ]:
        chars.update(range(lo, hi + 1))
    return chars


def _unicodes(ranges: Iterable[tuple[int, int]]) -> set[int]:
    return {cp for lo, hi in ranges for cp in range(lo, hi + 1)}


def _subset(font: Any, unicodes: set[int], *, layout: bool) -> None:
    from fontTools import subset

    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, version, licence
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.layout_features = ["*"] if layout else []
    if not layout:
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes & set(font.getBestCmap()))
    subsetter.subset(font)


def _cff_to_glyf(font: Any) -> None:
    """Replace the CFF table by TrueType outlines (quadratic curves from cu2qu)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 0
    post = font["post"]
    # No glyph names: nothing reads them for a font used without layout tables.
    post.formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def glyph_texts(font: Any) -> dict[int, str]:
    """Text of each glyph without a cmap entry, from GSUB substitutions (fixed point)."""
    order = font.getGlyphOrder()
    gid = {name: i for i, name in enumerate(order)}
    text: dict[str, str] = {}
    for cp, name in sorted(font.getBestCmap().items()):
        text.setdefault(name, chr(cp))
    mapped = set(text)
    rules: list[tuple[list[str], str]] = []  # (input glyphs, output glyph)
    if "GSUB" in font:
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for sub in lookup.SubTable:
                sub = getattr(sub, "ExtSubTable", sub)
                kind = type(sub).__name__
                if kind == "SingleSubst":
                    rules += [([a], b) for a, b in sub.mapping.items()]
                elif kind == "AlternateSubst":
                    rules += [([a], b) for a, alts in sub.alternates.items() for b in alts]
                elif kind == "MultipleSubst":
                    # The first glyph of a decomposition carries the text.
                    rules += [([a], seq[0]) for a, seq in sub.mapping.items() if seq]
                elif kind == "LigatureSubst":
                    for first, ligs in sub.ligatures.items():
                        rules += [([first, *lig.Component], lig.LigGlyph) for lig in ligs]
    # The earliest lookup that makes a glyph names it (GSUB lists the basic forms, such
    # as conjuncts and joining forms, before contextual and stylistic ones).
    changed = True
    while changed:
        changed = False
        for inputs, out in rules:
            if out not in text and all(g in text for g in inputs):
                text[out] = "".join(text[g] for g in inputs)
                changed = True
    return {gid[name]: value for name, value in text.items() if name not in mapped}


def _samples(family: str) -> list[str]:
    """Short texts whose shaping shows which letters each conjunct or joining form stands for."""
    if family == "NotoSansArabic":
        letters = [chr(c) for c in [*range(0x0620, 0x064B), *range(0x0671, 0x06D4)]]
        beh = "\u0628"
        lam_alefs = ["\u0644" + a for a in "\u0627\u0623\u0625\u0622\u0671"]
        out = list(letters)
        out += [x + beh for x in letters] + [beh + x + beh for x in letters]
        out += [beh + x for x in letters] + lam_alefs + [beh + la for la in lam_alefs]
        return out
    if family == "NotoSansDevanagari":
        consonants = [chr(c) for c in [*range(0x0915, 0x093A), *range(0x0958, 0x0960)]]
        virama = "\u094d"
        signs = [chr(c) for c in [*range(0x093E, 0x094D), 0x0962, 0x0963, 0x0901, 0x0902]]
        out = list(consonants)
        out += [c + s for c in consonants for s in signs]
        out += [a + virama + b for a in consonants for b in consonants]
        out += [
            a + virama + b + virama + c
            for a in consonants
            for b in consonants[:33]
            for c in consonants[:33]
        ]
        return out
    return []


def _clusters(font: Any, sample: str) -> list[tuple[str, list[int]]]:
    """Each cluster of ``sample`` shaped by HarfBuzz: its text and its glyphs."""
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(sample)
    buf.guess_segment_properties()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    hb.shape(font, buf, {})
    by_cluster: dict[int, list[int]] = {}
    for info in buf.glyph_infos:
        by_cluster.setdefault(info.cluster, []).append(info.codepoint)
    starts = sorted(by_cluster)
    ends = [*starts[1:], len(sample)]
    return [(sample[a:b], by_cluster[a]) for a, b in zip(starts, ends, strict=True)]


def shaped_texts(data: bytes, samples: list[str], cmap: dict[int, str]) -> dict[int, str]:
    """The text of glyphs without a character, as HarfBuzz uses them on sample words.

    A cluster drawn as one such glyph votes for its whole text; a cluster of several glyphs
    of which one has no known text votes for what the others leave over ("र्य" drawn as
    "य" and the reph glyph: the reph is "र्"). A glyph takes its most voted text, so a rare
    reuse (the same reph glyph for a vowel sign after "र") does not name it.
    """
    import uharfbuzz as hb

    font = hb.Font(hb.Face(data))
    shaped = [c for sample in samples for c in _clusters(font, sample)]
    votes: dict[int, dict[str, int]] = {}

    def vote(gid: int, text: str) -> None:
        votes.setdefault(gid, {}).setdefault(text, 0)
        votes[gid][text] += 1

    for text, glyphs in shaped:
        if len(glyphs) == 1 and glyphs[0] not in cmap:
            vote(glyphs[0], text)
    first_pass = {gid: _most_voted(v) for gid, v in votes.items()}
    for text, glyphs in shaped:
        if len(glyphs) < 2:
            continue
        # The glyph to name: the one without a character (else without a first-pass text).
        for known in (cmap, {**first_pass, **cmap}):
            unknown = [g for g in glyphs if g not in known]
            if len(unknown) == 1:
                break
        else:
            continue
        rest = text
        for g in glyphs:
            if g != unknown[0]:
                if known[g] not in rest:
                    break
                rest = rest.replace(known[g], "", 1)
        else:
            if rest:
                vote(unknown[0], rest)
    return {gid: _most_voted(v) for gid, v in sorted(votes.items())}


def _most_voted(votes: dict[str, int]) -> str:
    return min(votes, key=lambda text: (-votes[text], len(text), text))


def _extract(debs: list[Path], into: Path) -> Path:
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(into)], check=True)
    return into / "usr" / "share" / "fonts"


def licence_text(root: Path) -> str:
    """The OFL 1.1 text and copyright lines from the packages' copyright files."""
    docs = root / "usr" / "share" / "doc"
    lines = [
        "The Noto fonts in this folder (NotoSans*.ttf, NotoSansCJKsc*.ttf) are subsets of the",
        "fonts in Debian's fonts-noto-core and fonts-noto-cjk packages, made by",
        "tools/subset_fonts.py (the CJK font converted to TrueType outlines). They are",
        "licensed under the SIL Open Font License, Version 1.1, below.",
        "",
        "Copyright 2010-2020 Google Inc., 2015-2020 Google LLC (Noto fonts).",
        "Copyright 2014-2021 Adobe (http://www.adobe.com/) (Noto Sans CJK).",
        "No Reserved Font Name is declared by these fonts.",
        "",
    ]
    copyright_file = (docs / "fonts-noto-core" / "copyright").read_text(encoding="utf-8")
    body = copyright_file.split("License: OFL-1.1\n PREAMBLE", 1)[1]
    body_lines = [" PREAMBLE", *body.splitlines()]
    for raw in body_lines:
        if raw and not raw.startswith(" "):
            break
        line = raw[1:]
        lines.append("" if line == "." else line)
    return "\n".join(lines).rstrip() + "\n"


def build(debs: list[Path]) -> dict[str, bytes]:
    """Every output file's name and bytes."""
    from fontTools.ttLib import TTCollection, TTFont

    out: dict[str, bytes] = {}
    texts: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        fonts = _extract(debs, root)
        jobs: list[tuple[str, Any, set[int], bool]] = []
        for family, pattern in FAMILIES.items():
            for style in STYLES:
                font = TTFont(fonts / pattern.format(style=style))
                jobs.append((f"{family}-{style}", font, _unicodes(RANGES[family]), True))
        for style in STYLES:
            collection = TTCollection(fonts / CJK_SOURCE.format(style=style))
            (font,) = [
                f
                for f in collection.fonts
                if f["name"].getDebugName(4) == CJK_NAME + ("" if style == "Regular" else " Bold")
            ]
            jobs.append((f"NotoSansCJKsc-{style}", font, cjk_characters(), False))
        for name, font, unicodes, layout in jobs:
            _subset(font, unicodes, layout=layout)
            if "CFF " in font:
                _cff_to_glyf(font)
            font.recalcTimestamp = False  # keep the source's dates: same input, same bytes
            buffer = io.BytesIO()
            font.save(buffer)
            data = buffer.getvalue()
            out[f"{name}.ttf"] = data
            subset_font = TTFont(io.BytesIO(data))
            cmap: dict[int, str] = {}
            for code, glyph in sorted(subset_font.getBestCmap().items(), reverse=True):
                cmap[subset_font.getGlyphID(glyph)] = chr(code)
            # What shaping shows wins over what the substitution tables suggest.
            derived = glyph_texts(subset_font)
            derived.update(shaped_texts(data, _samples(name.split("-")[0]), cmap))
            texts[f"{name}.ttf"] = {str(k): v for k, v in sorted(derived.items())}
        out["glyph-text.json"] = (
            json.dumps(texts, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        ).encode("utf-8")
        out["LICENSE-Noto.txt"] = licence_text(root).encode("utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("debs", nargs=2, type=Path, help="fonts-noto-core and fonts-noto-cjk .deb")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    files = build(args.debs)
    stale = []
    for name, data in sorted(files.items()):
        path = FONTS / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.write_bytes(data)
            print(f"{path.relative_to(ROOT)}: {len(data):,} bytes")
    if stale:
        print("differ:", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
