"""The handout read as paper: every page of both languages and both sizes, as rendered.

Each case renders the handout of a demo patient and checks the pages the way a reader
meets them: one orientation, no page left mostly empty (except the last), no word broken
except at a hyphen where the dictionary allows it, no text under the minimum size, numbers
written the language's way, and who to call on the first page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from planner.app.demo import build_demo_clinic
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Plan
from planner.export import pdfkit
from planner.export.handout import LARGE_BASE_PT, NORMAL_BASE_PT, write_handout

TODAY = dt.date(2026, 12, 6)
SETTINGS = ClinicSettings(centre_name="Riverside Transplant Centre", fever_threshold_c=38.0)
# Every demo patient: mobilising (injection days), in conditioning (busy cells), a year out...
PATIENTS = tuple(f"DEMO-{n:04d}" for n in range(1, 15))
CASES = [(m, lang, large) for m in PATIENTS for lang in ("en", "es") for large in (False, True)]
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


@pytest.fixture(scope="module")
def clinic() -> dict[str, tuple[Patient, Transplant, Plan]]:
    return {c[0].mrn: c for c in build_demo_clinic(TODAY)}


class Rendered:
    """A handout's bytes, with every plain text the writer was given (the source words)."""

    def __init__(self, pdf: bytes, sources: list[str]) -> None:
        self.pdf = pdf
        self.reader = PdfReader(io.BytesIO(pdf))
        self.words = {w.lower() for text in sources for w in WORD.findall(text)}


@pytest.fixture(scope="module")
def rendered(clinic) -> dict[tuple[str, str, bool], Rendered]:
    out: dict[tuple[str, str, bool], Rendered] = {}
    original = pdfkit.GlyphGuard.clean
    for mrn, lang, large in CASES:
        sources: list[str] = []

        def recording(self: pdfkit.GlyphGuard, text: str, _s: list[str] = sources) -> str:
            _s.append(text)
            return original(self, text)

        pdfkit.GlyphGuard.clean = recording  # type: ignore[method-assign]
        try:
            buffer = io.BytesIO()
            patient, transplant, plan = clinic[mrn]
            write_handout(
                buffer,
                patient=patient,
                transplant=transplant,
                plan=plan,
                settings=SETTINGS,
                printed_on=TODAY,
                plan_version=2,
                language=lang,
                large_print=large,
            )
        finally:
            pdfkit.GlyphGuard.clean = original  # type: ignore[method-assign]
        out[(mrn, lang, large)] = Rendered(buffer.getvalue(), sources)
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'large' if c[2] else 'std'}")
def test_every_page_is_portrait_a4(rendered, case) -> None:
    boxes = {
        (round(p.mediabox.width), round(p.mediabox.height)) for p in rendered[case].reader.pages
    }
    assert boxes == {(595, 842)}


def _ink_rows(png: Path) -> tuple[int, list[int]]:
    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    rows = [y for y in range(height) if any(pixels[x, y] < 200 for x in range(0, width, 2))]
    return height, rows


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'large' if c[2] else 'std'}")
def test_no_page_but_the_last_is_under_a_third_full(rendered, case, tmp_path) -> None:
    (tmp_path / "h.pdf").write_bytes(rendered[case].pdf)
    subprocess.run(
        ["pdftoppm", "-r", "24", "-gray", "-png", str(tmp_path / "h.pdf"), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == len(rendered[case].reader.pages)
    base = LARGE_BASE_PT if case[2] else NORMAL_BASE_PT
    band = pdfkit.MARGIN + base * 2.2  # header or footer band, in points
    for number, png in enumerate(pages[:-1], start=1):
        height, rows = _ink_rows(png)
        scale = height / 842
        top, bottom = band * scale, height - band * scale
        body = [y for y in rows if top < y < bottom]
        filled = (max(body) - top) / (bottom - top) if body else 0.0
        assert filled >= 1 / 3, f"page {number} is {filled:.0%} full"


def _lines(rendered: Rendered) -> list[list[str]]:
    out = []
    for page in rendered.reader.pages:
        for line in page.extract_text().splitlines():
            out.append(line.split())
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'large' if c[2] else 'std'}")
def test_no_word_is_broken_except_at_a_hyphen(rendered, case) -> None:
    doc = rendered[case]
    lines = _lines(doc)
    broken: list[str] = []
    hyphenated = 0
    for k, tokens in enumerate(lines):
        following = lines[k + 1] if k + 1 < len(lines) else []
        for token in tokens:
            words = WORD.findall(token)
            if not words:
                continue
            if token.rstrip(".,:;)»”").endswith("-"):
                stem = words[-1]
                joined = [
                    w
                    for nxt in following
                    for w in (WORD.findall(nxt)[:1] or [""])
                    if (stem + w).lower() in doc.words or f"{stem}-{w}".lower() in doc.words
                ]
                if joined:
                    hyphenated += 1
                    words = words[:-1]
                elif stem.lower() not in doc.words:
                    broken.append(token)
                    continue
            broken += [w for w in words if w.lower() not in doc.words and not _split_tail(w, doc)]
    assert not broken, f"words broken without a hyphen: {sorted(set(broken))[:20]}"
    if case[1] == "es" and not case[2] and case[0] == "DEMO-0006":
        assert hyphenated > 0, "the narrow calendar cells should need the dictionary"


def _split_tail(word: str, doc: Rendered) -> bool:
    """The second half of a hyphenated word (its head was checked on the line above)."""
    return any(w.endswith(word.lower()) and w != word.lower() for w in doc.words)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'large' if c[2] else 'std'}")
def test_no_text_is_smaller_than_the_body_size(rendered, case) -> None:
    least = LARGE_BASE_PT if case[2] else NORMAL_BASE_PT
    sizes: list[float] = []
    for page in rendered[case].reader.pages:
        data = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        sizes += [float(s) for s in re.findall(r"/F\d+\+?\d* ([\d.]+) Tf", data)]
    assert sizes and min(sizes) >= least


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'large' if c[2] else 'std'}")
def test_decimals_are_written_the_language_way(rendered, case) -> None:
    text = " ".join(p.extract_text() for p in rendered[case].reader.pages)
    wrong = r"\b\d+\.\d+\b" if case[1] == "es" else r"\b\d+,\d{1,2}\b(?!\d)"
    right = "38,0 °C" if case[1] == "es" else "38.0 °C"
    assert right in " ".join(text.split())
    assert not re.findall(wrong, text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{'large' if c[2] else 'std'}")
def test_first_page_says_who_to_call_and_when(rendered, case) -> None:
    first = " ".join(rendered[case].reader.pages[0].extract_text().split())
    heading, fever = (
        ("When to call us", "38.0 °C") if case[1] == "en" else ("Cuándo llamarnos", "38,0 °C")
    )
    assert heading in first and fever in first


def test_mobilisation_days_are_named_as_injection_days(rendered) -> None:
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in rendered[("DEMO-0003", "es", False)].reader.pages
    )
    assert "Día 5 de inyecciones" in text
    english = rendered[("DEMO-0003", "en", True)].reader.pages
    assert "Injection day 5" in " ".join(" ".join(p.extract_text().split()) for p in english)
