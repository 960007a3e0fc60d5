"""A small facade over reportlab platypus shared by every PDF the planner writes.

What it guarantees (raw text in a reportlab ``Paragraph`` is markup: ``a < b`` crashes the
export, and tags can hide text, add links or fetch files, CVE-2020-28463 and CVE-2023-33733):

* all text given to it is treated as plain text: NFC-normalised, checked against the
  bundled font's glyphs (a character the font lacks becomes a visible placeholder and is
  reported, never a silent box), then escaped before any ``Paragraph`` sees it;
  markup is only ever the facade's own constant tags around escaped text;
* no remote or local resource can be fetched (``trustedSchemes``/``trustedHosts`` empty,
  no images, no links);
* the bundled DejaVu family is registered once and used everywhere;
* every page has a header (document title), a footer with "Page x of y", plan version and
  print date, and the document has title/author/subject/keywords/language metadata and an
  outline; output is byte-identical for identical inputs (``invariant``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

import pyphen
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from planner.domain.assets import resource
from planner.export.fonts import FontSet, MappedTTFont

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
# U+FFFD is in DejaVu Sans: a visible, conventional "this character could not be shown".
PLACEHOLDER = "\ufffd"
_PAGE_TOTAL_FORM = "pageTotal"
MARGIN = 15 * mm

# No URL scheme and no host is trusted: an <img src="http://..."> that slipped through
# could not fetch anything (CVE-2020-28463). Escaping already prevents it reaching here.
rl_config.trustedSchemes = []
rl_config.trustedHosts = []


@functools.cache
def register_fonts() -> frozenset[int]:
    """Register the bundled fonts once; return the code points some face can draw."""
    return font_set().covered


@functools.cache
def font_set() -> FontSet:
    """The DejaVu family (the primary face) and the Noto fallbacks, registered once."""
    covered: frozenset[int] | None = None
    for name, file_name in _FONT_FILES.items():
        font = MappedTTFont(name, resource("fonts", file_name).read_bytes())
        pdfmetrics.registerFont(font)
        covered = font.cmap_codes if covered is None else covered & font.cmap_codes
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    # A character is the primary face's only when all four DejaVu faces have it.
    return FontSet(covered or frozenset())


def escape_markup(text: str) -> str:
    """Plain text to Paragraph markup: escape &, < and >, then newlines to <br/>."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


class GlyphGuard:
    """Replaces characters no bundled face can draw with a placeholder and remembers them."""

    def __init__(self, covered: frozenset[int]) -> None:
        self._covered = covered
        self.missing: set[str] = set()

    def clean(self, text: str) -> str:
        """NFC-normalise ``text`` and replace every character without a glyph."""
        text = unicodedata.normalize("NFC", text)
        if all(ord(ch) in self._covered or ch in "\n\t" for ch in text):
            return text
        out = []
        for ch in text:
            if ord(ch) in self._covered or ch in "\n\t":
                out.append(ch)
            else:
                self.missing.add(ch)
                out.append(PLACEHOLDER)
        return "".join(out)


@dataclass(frozen=True)
class DocMeta:
    """What every page and the PDF metadata say.

    Attributes:
        title: header text and PDF title (never patient data).
        author: PDF author (the centre).
        subject, keywords: PDF metadata.
        lang: BCP 47 language of the document ("en", "es").
        footer: right-hand footer text ("Plan version 3 · Printed 10 Mar 2026").
        page_text: "Page {page} of {total}" in the document's language.
        banner: right-hand header text (patient identifiers on team documents), or "".
    """

    title: str
    author: str
    subject: str
    keywords: str
    lang: str
    footer: str
    page_text: str = "Page {page} of {total}"
    banner: str = ""


@dataclass(frozen=True)
class BuildInfo:
    """What a finished build reports.

    Attributes:
        pages: page count.
        missing_glyphs: characters of the input the font lacks (shown as U+FFFD), sorted.
    """

    pages: int
    missing_glyphs: tuple[str, ...]


@functools.cache
def hyphenator(locale: str) -> Callable[[str], Iterable[tuple[str, str]]] | None:
    """Where a word of ``locale`` ("es_ES") may break, from Pyphen's dictionaries.

    Pyphen carries the LibreOffice/TeX hyphenation patterns (https://pyphen.org); reportlab
    asks it for break points when a word does not fit its line and adds the hyphen. Three
    letters at least stay on each side ("Quimio-terapia", never "Q-uimioterapia").
    """
    # English uses the US patterns whatever the spelling: the British set in Pyphen leaves
    # drug names unbroken ("Cotrimoxazole", "trimoxazole") that then overrun a narrow cell.
    patterns = "en_US" if locale.split("_")[0] == "en" else locale
    if not locale or not pyphen.language_fallback(patterns):
        return None
    iterate: Callable[[str], Iterable[tuple[str, str]]] = pyphen.Pyphen(
        lang=patterns, left=3, right=3
    ).iterate
    return iterate


def make_styles(
    base: float, minimum: float = 0.0, hyphenation: str = ""
) -> dict[str, ParagraphStyle]:
    """Every paragraph style of a document from its base size (data, one place).

    ``minimum`` is the smallest size any style may use (16 pt for large print).
    ``hyphenation`` is the text's CLDR locale: words wrap at spaces and, when a word does
    not fit its line, at a dictionary hyphenation point; never between two letters at
    random (reportlab's last resort, splitting a word anywhere, is turned off).
    """
    hyphenate = hyphenator(hyphenation)

    def style(name: str, size: float, font: str = FONT, **kw: Any) -> ParagraphStyle:
        size = max(size, minimum)
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=size * 1.25,
            alignment=TA_LEFT,
            bulletFontName=FONT,
            bulletFontSize=size,
            hyphenationLang=hyphenate or "",
            embeddedHyphenation=2,
            splitLongWords=0,
            **kw,
        )

    return {
        "title": style("title", base * 2, FONT_BOLD, spaceAfter=base),
        "h1": style(
            "h1",
            base * 1.5,
            FONT_BOLD,
            spaceBefore=base * 0.6,
            spaceAfter=base * 0.5,
            textColor=colors.HexColor("#1d3557"),
            keepWithNext=1,
        ),
        "h2": style(
            "h2",
            base * 1.2,
            FONT_BOLD,
            spaceBefore=base * 0.5,
            spaceAfter=base * 0.3,
            keepWithNext=1,
        ),
        "body": style("body", base, spaceAfter=base * 0.4),
        "big": style("big", base * 1.4, FONT_BOLD, spaceAfter=base * 0.4),
        "bullet": style(
            "bullet", base, leftIndent=base * 1.2, bulletIndent=base * 0.2, spaceAfter=base * 0.25
        ),
        "cell": style("cell", base * 0.9),
        "cell_bold": style("cell_bold", base * 0.9, FONT_BOLD),
        "small": style("small", base * 0.8),
        "grid": style("grid", base * 0.8),
    }


class _Heading(Paragraph):  # type: ignore[misc]  # reportlab ships no type hints
    """A paragraph that adds an outline entry where it lands."""

    def __init__(
        self, markup: str, style: ParagraphStyle, key: str, title: str, level: int
    ) -> None:
        super().__init__(markup, style)
        self.outline = (key, title, level)


class TickBoxes(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """``count`` empty squares to tick by hand (drawn, so no glyph can be missing)."""

    def __init__(self, count: int, size: float) -> None:
        super().__init__()
        self.count, self.size = count, size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # As many boxes on a row as the cell is wide, then the next row (four doses a day
        # in a narrow day column of the medicine sheet).
        pitch = self.size * 1.6
        self._per_row = max(1, min(self.count, int((avail_width + self.size * 0.6) // pitch)))
        rows = -(-self.count // self._per_row)
        return self._per_row * pitch, rows * pitch - self.size * 0.6

    def draw(self) -> None:
        pitch = self.size * 1.6
        per_row = getattr(self, "_per_row", self.count)
        rows = -(-self.count // per_row)
        for i in range(self.count):
            row, col = divmod(i, per_row)
            self.canv.rect(col * pitch, (rows - 1 - row) * pitch, self.size, self.size)


class WriteLine(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A ruled line to write on by hand (a phone number, a name), ``height`` tall."""

    def __init__(self, height: float, fraction: float = 0.8) -> None:
        super().__init__()
        self.height, self.fraction = height, fraction

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width * self.fraction
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setLineWidth(1)
        self.canv.line(0, 1, self.width, 1)


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Writes the page total once, as a form every footer refers to (one build pass)."""

    def __init__(self, *args: Any, total_font: tuple[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._total_font = total_font

    def save(self) -> None:
        self.beginForm(_PAGE_TOTAL_FORM)
        self.setFont(*self._total_font)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab hook name
        outline = getattr(flowable, "outline", None)
        if outline is not None:
            key, title, level = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)


class PdfDocument:
    """Builds one PDF: content methods append flowables, ``build`` writes ``out``.

    Text arguments are always plain text; ``markup`` is the only opt-in and takes
    fragments made of the facade's escaped pieces (``text``) and constant tags.
    There is deliberately no way to add a link or an image.
    """

    def __init__(
        self,
        out: BinaryIO,
        meta: DocMeta,
        base_size: float = 10.0,
        min_size: float = 0.0,
        hyphenation: str = "en_GB",  # team documents are in English
    ) -> None:
        self.out = out
        self.base_size = base_size
        self.min_size = min_size
        self.story: list[Flowable] = []
        self.guard = GlyphGuard(register_fonts())
        self.styles = make_styles(base_size, min_size, hyphenation)
        self._keys = 0
        self.meta = DocMeta(**{k: self.guard.clean(v) for k, v in vars(meta).items()})

    # -- text ------------------------------------------------------------------------------
    def text(self, value: object, *, bold: bool = False) -> str:
        """Plain text made safe for Paragraph markup (glyph-checked, NFC, escaped).

        Runs the primary face lacks are wrapped in ``<font>`` tags of a fallback face,
        shaped and in visual order (``planner.export.fonts``). A ``<font>`` tag sets the
        weight of its own (reportlab does not carry ``<b>`` into it): ``bold`` picks the
        fallbacks' bold faces, for text inside ``<b>`` or in a bold style.
        """
        return font_set().markup(self.guard.clean(str(value)), bold=bold)

    def para(self, value: object, style: str = "body") -> Paragraph:
        """A Paragraph of plain text."""
        return Paragraph(self.text(value, bold=self._bold(style)), self.styles[style])

    def _bold(self, style: str) -> bool:
        return self.styles[style].fontName in (FONT_BOLD, FONT_BOLD_ITALIC)

    # -- content ---------------------------------------------------------------------------
    def heading(self, value: str, level: int = 0, *, style: str | None = None) -> None:
        """A section heading with an outline entry (level 0 or 1)."""
        self.story.append(self.heading_para(value, level, style=style))

    def heading_para(self, value: str, level: int = 0, *, style: str | None = None) -> Paragraph:
        """A section heading with an outline entry, to place with ``keep``."""
        self._keys += 1
        clean = self.guard.clean(value)
        name = style or f"h{level + 1}"
        return _Heading(
            font_set().markup(clean, bold=self._bold(name)),
            self.styles[name],
            f"s{self._keys}",
            clean,
            level,
        )

    def paragraph(self, value: str, style: str = "body") -> None:
        """A paragraph of plain text."""
        self.story.append(self.para(value, style))

    def markup(self, fragment: str, style: str = "body") -> None:
        """A paragraph of facade-built markup (constant tags around ``text()`` pieces)."""
        self.story.append(self.markup_para(fragment, style))

    def markup_para(self, fragment: str, style: str = "body") -> Paragraph:
        """A Paragraph of facade-built markup, for table cells."""
        return Paragraph(fragment, self.styles[style])

    def bullets(self, items: Iterable[str], style: str = "bullet") -> None:
        """A bulleted list of plain-text items."""
        for item in items:
            markup = self.text(item, bold=self._bold(style))
            self.story.append(Paragraph(markup, self.styles[style], bulletText="•"))

    def spacer(self, height: float) -> None:
        """Vertical space in points."""
        self.story.append(Spacer(1, height))

    def page_break(self, orientation: str | None = None) -> None:
        """Start a new page, optionally switching to "portrait" or "landscape"."""
        if orientation is not None:
            self.story.append(NextPageTemplate(orientation))
        self.story.append(PageBreak())

    def add(self, *flowables: Flowable) -> None:
        """Append ready-made flowables."""
        self.story.extend(flowables)

    def keep(self, flowables: Sequence[Flowable]) -> None:
        """Flowables kept on one page where possible."""
        self.story.append(KeepTogether(list(flowables)))

    def table(
        self,
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        *,
        header: bool = True,
        style: str = "cell",
        extra: Sequence[tuple[Any, ...]] = (),
    ) -> Table:
        """A grid table; strings become wrapped plain-text paragraphs."""
        table = self.grid(rows, widths, None, header=header, style=style, extra=extra)
        self.story.append(table)
        return table

    def grid(
        self,
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        heights: Sequence[float | None] | None,
        *,
        header: bool = True,
        style: str = "cell",
        extra: Sequence[tuple[Any, ...]] = (),
    ) -> Table:
        """A grid table not yet placed (for ``keep``); ``heights``: row heights or None."""
        cells = [
            [
                c
                if isinstance(c, Flowable)
                else self.para(c, "cell_bold" if header and r == 0 else style)
                for c in row
            ]
            for r, row in enumerate(rows)
        ]
        table = Table(
            cells,
            colWidths=list(widths),
            rowHeights=list(heights) if heights else None,
            repeatRows=1 if header else 0,
        )
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#8d99ae")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, -1), FONT, self.styles[style].fontSize),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")))
        table.setStyle(TableStyle([*commands, *extra]))
        return table

    # -- output ----------------------------------------------------------------------------
    def frame_width(self, orientation: str = "portrait") -> float:
        """Usable width of a page."""
        size = A4 if orientation == "portrait" else landscape(A4)
        return float(size[0] - 2 * MARGIN)

    def frame_height(self, orientation: str = "portrait") -> float:
        """Usable height of a page, between the header and footer bands."""
        size = A4 if orientation == "portrait" else landscape(A4)
        return float(size[1] - 2 * MARGIN - 2 * self._furniture_size * 2.2)

    def build(self) -> BuildInfo:
        """Write the PDF to ``out`` and report pages and missing glyphs."""
        meta = self.meta
        templates = [
            self._template(name, size)
            for name, size in (("portrait", A4), ("landscape", landscape(A4)))
        ]
        doc = _DocTemplate(
            self.out,
            pagesize=A4,
            pageTemplates=templates,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            keywords=meta.keywords,
            creator="Transplant Planner",
            lang=meta.lang,
            invariant=1,
            displayDocTitle=1,
            initialFontName=FONT,
            initialFontSize=self.styles["body"].fontSize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
        )
        maker = functools.partial(_NumberedCanvas, total_font=(FONT, self._furniture_size))
        doc.build(self.story, canvasmaker=maker)
        return BuildInfo(doc.page, tuple(sorted(self.guard.missing)))

    @property
    def _furniture_size(self) -> float:
        return max(8.0, self.base_size * 0.75, self.min_size)

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        band = self._furniture_size * 2.2
        frame = Frame(
            MARGIN,
            MARGIN + band,
            size[0] - 2 * MARGIN,
            size[1] - 2 * MARGIN - 2 * band,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        return PageTemplate(id=name, frames=[frame], pagesize=size, onPage=self._furniture)

    def _furniture(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        meta, fs = self.meta, self._furniture_size
        width, height = canv._pagesize
        fonts = font_set()
        canv.saveState()
        canv.setFillColor(colors.black)
        top = height - MARGIN - fs
        fonts.draw(canv, MARGIN, top, meta.title, fs, FONT_BOLD, bold=True)
        if meta.banner:
            fonts.draw(canv, width - MARGIN, top, meta.banner, fs, FONT, right=True)
        canv.setLineWidth(0.5)
        canv.line(MARGIN, top - fs * 0.5, width - MARGIN, top - fs * 0.5)
        canv.line(MARGIN, MARGIN + fs * 1.5, width - MARGIN, MARGIN + fs * 1.5)
        canv.setFont(FONT, fs)
        head = meta.page_text.split("{total}", 1)[0].format(page=doc.page)
        canv.drawString(MARGIN, MARGIN, head)
        canv.translate(MARGIN + pdfmetrics.stringWidth(head, FONT, fs), MARGIN)
        canv.doForm(_PAGE_TOTAL_FORM)
        canv.restoreState()
        fonts.draw(canv, width - MARGIN, MARGIN, meta.footer, fs, FONT, right=True)
