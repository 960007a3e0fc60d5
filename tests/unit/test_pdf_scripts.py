"""Names in any script in the PDFs: font fallback, shaping, right-to-left order, text layer."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.domain.patients import ClinicSettings
from planner.export.fonts import PUA_BASE, to_unicode_cmap
from planner.export.handout import write_handout
from planner.export.inputs import SummaryInputs
from planner.export.pdfkit import PLACEHOLDER, DocMeta, PdfDocument, escape_markup, font_set
from planner.export.summary import write_team_summary
from tests.factories import DAY0, make_patient, make_plan, make_transplant

SETTINGS = ClinicSettings(centre_name="Riverside Transplant Centre", phone_24h="+1 555 0100")
NAMES = ["حداد كريم", "כהן", "अनुराग", "田中 博", "Ελένη", "Иванна", "김민준"]
# U+202A..U+202E: pdftotext marks right-to-left runs with embeddings; they are not text.
_BIDI_MARKS = re.compile("[\u202a-\u202e]")


def handout(name: str) -> tuple[bytes, tuple[str, ...]]:
    out = io.BytesIO()
    info = write_handout(
        out,
        patient=dataclasses.replace(make_patient(), family_name=name, given_name=""),
        transplant=make_transplant(),
        plan=make_plan(),
        settings=SETTINGS,
        printed_on=DAY0,
        plan_version=1,
    )
    return out.getvalue(), info.missing_glyphs


def team_summary(name: str) -> tuple[bytes, tuple[str, ...]]:
    out = io.BytesIO()
    missing = write_team_summary(
        out,
        patient=dataclasses.replace(make_patient(), family_name=name, given_name="Test"),
        transplant=make_transplant(),
        plan=make_plan(),
        settings=SETTINGS,
        printed_on=DAY0,
        inputs=SummaryInputs(),
        plan_version=1,
    )
    return out.getvalue(), missing


def small_document(*paragraphs: tuple[str, str]) -> tuple[bytes, tuple[str, ...]]:
    """A one-page document of (text, style) paragraphs."""
    out = io.BytesIO()
    meta = DocMeta(title="T", author="A", subject="S", keywords="K", lang="en", footer="F")
    doc = PdfDocument(out, meta)
    for text, style in paragraphs:
        doc.paragraph(text, style)
    missing = doc.build().missing_glyphs
    return out.getvalue(), missing


def pypdf_text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages))


def poppler_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", _BIDI_MARKS.sub("", out.stdout.decode("utf-8")))


def base_fonts(pdf: bytes) -> set[str]:
    """PostScript names of the embedded font subsets."""
    return {m.decode() for m in re.findall(rb"/BaseFont /[A-Z]{6}\+([A-Za-z-]+)", pdf)}


@pytest.mark.parametrize("name", NAMES)
def test_handout_name_in_each_script_prints_and_extracts(name: str, tmp_path: Path) -> None:
    pdf, missing = handout(name)
    assert missing == ()
    assert name in pypdf_text(pdf)
    assert name in poppler_text(pdf, tmp_path)
    assert not any(ord(ch) >= PUA_BASE for ch in pypdf_text(pdf))


@pytest.mark.parametrize("name", ["حداد كريم", "אברהם כהן", "अनुराग", "田中 博"])
def test_team_summary_banner_and_tables_fall_back(name: str, tmp_path: Path) -> None:
    pdf, missing = team_summary(name)
    assert missing == ()
    text = poppler_text(pdf, tmp_path)
    assert text.count(name) >= 2  # the page banner (drawn on the canvas) and the body
    assert PLACEHOLDER not in text


def test_bold_text_falls_back_to_bold_faces() -> None:
    pdf, missing = small_document(
        ("حداد كريم अनुराग 田中 博 כהן", "h1"), ("حداد كريم अनुराग 田中 博 כהן", "body")
    )
    assert missing == ()
    fonts = base_fonts(pdf)
    for family in ("NotoSansArabic", "NotoSansDevanagari", "NotoSansCJKsc", "NotoSansHebrew"):
        assert {family + "-Regular", family + "-Bold"} <= fonts, family


def test_text_inside_b_tags_asks_for_bold_fallback() -> None:
    fonts = font_set()
    assert '<font name="NotoSansArabic-Bold">' in fonts.markup("كريم", bold=True)
    assert '<font name="NotoSansArabic">' in fonts.markup("كريم")


def test_emoji_is_reported_and_extracts_as_replacement_character() -> None:
    pdf, missing = small_document(("👶 Baby Ελένη", "body"), ("👶 Baby", "h1"))
    assert missing == ("👶",)
    text = pypdf_text(pdf)
    assert f"{PLACEHOLDER} Baby Ελένη" in text and f"{PLACEHOLDER} Baby" in text
    assert "👶" not in text
    assert not any(ord(ch) >= PUA_BASE or 0xE000 <= ord(ch) <= 0xF8FF for ch in text)


def test_right_to_left_run_inside_a_sentence_extracts_in_logical_order(tmp_path: Path) -> None:
    sentence = "Dear حداد كريم, welcome (day 3)"
    pdf, missing = small_document((sentence, "body"))
    assert missing == ()
    assert sentence in poppler_text(pdf, tmp_path)


def test_pointed_names_extract_with_pypdf() -> None:
    # Marks raised or lowered by HarfBuzz sit off the baseline: pypdf keeps them with their
    # letters (pdftotext moves them to a line of their own; see planner/export/fonts.py).
    names = ("שָׁלוֹם", "مُحَمَّد عَلِيّ")
    pdf, missing = small_document(*((name, "body") for name in names))
    assert missing == ()
    text = pypdf_text(pdf)
    for name in names:
        assert unicodedata.normalize("NFC", name) in text


def test_marks_are_positioned_by_harfbuzz() -> None:
    markup = font_set().markup("عَلِيّ")
    assert "<sub " in markup or "<sup " in markup


@pytest.mark.parametrize("text", ["بلال صلاح", "لأمين", "क्षमा प्रदीप श्री कृष्ण"])
def test_ligatures_and_conjuncts_extract_as_their_letters(text: str, tmp_path: Path) -> None:
    pdf, missing = small_document((text, "body"), (text, "h1"))
    assert missing == ()
    assert pypdf_text(pdf).count(text) == 2
    assert poppler_text(pdf, tmp_path).count(text) == 2


def test_arabic_is_joined_and_right_to_left_words_are_reversed() -> None:
    (segment,) = font_set().segments("حداد كريم")
    assert segment.family is not None and segment.family.name == "NotoSansArabic"
    # Visual order, left to right: the second word first, each word's last letter first,
    # in joining forms (final meem, medial yeh, final reh, initial kaf; dal, alef and dal
    # do not join to the left, so two of them stay isolated).
    assert segment.text == "\ufee2\ufef3\ufeae\ufedb \u062f\u0627\ufeaa\ufea3"


def test_devanagari_conjunct_is_one_glyph() -> None:
    (segment,) = font_set().segments("क्ष")
    assert len(segment.text) == 1 and ord(segment.text) >= PUA_BASE


def test_latin_greek_cyrillic_take_the_fast_path() -> None:
    text = "Zoë Ñúñez-Łukasz, Ελένη & Иванна <b>"
    assert font_set().markup(text) == escape_markup(text)


def test_to_unicode_cmap_writes_utf16_surrogates() -> None:
    cmap = to_unicode_cmap("X", ["\x00", "a", "\U0001f476", "لا", ""])
    assert "<02> <D83DDC76>" in cmap and "<03> <06440627>" in cmap and "<01> <0061>" in cmap
    assert "<04> <" not in cmap  # no text: left out


@pytest.mark.parametrize("name", ["حداد كريم", "अनुराग", "田中 博", "כהן"])
def test_name_region_is_drawn(name: str, tmp_path: Path) -> None:
    """The name's line on the page has ink (a face without the glyphs would leave it blank)."""
    pdf, _ = small_document((name, "h1"))
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    # The first line of the frame: 15 mm margin plus the header band, at 72 dpi.
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-x",
            "42",
            "-y",
            "70",
            "-W",
            "200",
            "-H",
            "22",
            str(path),
            str(tmp_path / "line"),
        ],
        check=True,
    )
    (image,) = tmp_path.glob("line*.pgm")
    data = image.read_bytes()
    width, height = 200, 22
    pixels = data[-width * height :]
    assert sum(1 for p in pixels if p < 128) > 40


_RENDER = """
import hashlib, sys
from tests.unit.test_pdf_scripts import small_document
if sys.argv[1] == "warm":
    small_document(("عَلِيّ لأمين कृष्ण שָׁלוֹם 田中", "h1"), ("मुहम्मद مُحَمَّد", "body"))
pdf = small_document(("مُحَمَّد لأمين कृष्ण श्री", "body"), ("حداد كريم لأمين कृष्ण", "h1"))[0]
print(hashlib.sha256(pdf).hexdigest())
"""


def test_same_input_gives_the_same_bytes_whatever_came_before() -> None:
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", _RENDER, history],
            capture_output=True,
            check=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        ).stdout
        for history in ("cold", "warm")
    }
    (digest,) = digests
    assert len(digest.strip()) == 64
    assert handout("حداد كريم")[0] == handout("حداد كريم")[0]


@pytest.mark.parametrize("word", ["हिन्दी", "कर्म", "विकास शर्मा", "प्रिया"])
def test_devanagari_drawn_out_of_order_extracts_as_written(word: str, tmp_path: Path) -> None:
    """A vowel sign drawn before its consonant (ि) and a reph drawn after it (र्) read
    back in the order they were typed, with pypdf and with pdftotext."""
    out = io.BytesIO()
    doc = PdfDocument(out, DocMeta("T", "A", "S", "K", "en", "F"), 12.0)
    doc.paragraph(f"Name: {word}")
    doc.build()
    pdf = out.getvalue()
    assert word in " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert word in " ".join(text.split())
