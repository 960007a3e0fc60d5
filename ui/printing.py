"""Printing on a QPrinter: the pages the print dialog chose, drawn at the printer's resolution.

Every printout of the app goes through ``print_pages``: it honours the page range of the
print dialog (``QPrinter.printRange``, ``fromPage``, ``toPage``; Qt leaves that to the
application: "the application is responsible for printing only the selected pages",
QPrintDialog documentation) and starts the painter only when there is a page to print.
Views are drawn in "logical pixels" (96 per inch, as on screen) through a painter scaled to
the printer's resolution, so lines and text stay vectors at any resolution; their fonts are
given in pixels (``pixel_font``), because a point size would be converted at the printer's
resolution and then scaled a second time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

LOGICAL_DPI = 96.0
"""Logical pixels per inch of a printed view (the screen's, so the widgets' sizes hold)."""

PagePainter = Callable[[QPainter, int, QRectF], None]
"""Draws page ``index`` (0-based) into ``rect`` (logical pixels) of a painter."""


def chosen_pages(printer: QPrinter, count: int) -> list[int]:
    """The 0-based pages of a ``count``-page document that ``printer`` is to print.

    A page range ("2-3") keeps its pages that exist; every other choice (all pages, or a
    selection or current page, which these printouts do not offer) prints every page.
    """
    if printer.printRange() is QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage()
        last = printer.toPage() if printer.toPage() >= first else count
        return [page - 1 for page in range(first, min(last, count) + 1)]
    return list(range(count))


def logical_page(printer: QPrinter) -> QRectF:
    """The printable area of ``printer`` in logical pixels, its top-left at (0, 0)."""
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    scale = LOGICAL_DPI / printer.resolution()
    return QRectF(0, 0, area.width() * scale, area.height() * scale)


def pixel_font(font: QFont) -> QFont:
    """``font`` sized in logical pixels (a point size as the screen shows it)."""
    out = QFont(font)
    if font.pixelSize() <= 0:
        out.setPixelSize(max(1, round(font.pointSizeF() * LOGICAL_DPI / 72)))
    return out


def _each_page(printer: QPrinter, pages: list[int], draw: Callable[[QPainter, int], None]) -> int:
    """Start the painter, call ``draw`` for each of ``pages`` on a page of its own (the
    painter's state restored between pages), and end; how many pages were printed (0:
    none chosen, or the printer could not be started)."""
    if not pages:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for n, page in enumerate(pages):
            if n:
                printer.newPage()
            painter.save()
            draw(painter, page)
            painter.restore()
    finally:
        painter.end()
    return len(pages)


def print_pages(printer: QPrinter, count: int, paint: PagePainter) -> int:
    """Draw the chosen pages of a ``count``-page document on ``printer``.

    ``paint`` gets a painter in logical pixels whose origin is the printable area's
    top-left. Returns how many pages were printed (0: none chosen, or the printer could
    not be started).
    """
    scale = printer.resolution() / LOGICAL_DPI
    page_rect = logical_page(printer)

    def draw(painter: QPainter, page: int) -> None:
        painter.scale(scale, scale)
        painter.setClipRect(page_rect)
        paint(painter, page, page_rect)

    return _each_page(printer, chosen_pages(printer, count), draw)


def print_document(document: QTextDocument, printer: QPrinter) -> int:
    """Print the chosen pages of a rich-text ``document``, laid out for ``printer``'s page.

    Returns how many pages were printed. The document is laid out on a copy at the
    printer's page width, as QTextDocument.print() does, but only the chosen pages are
    drawn.
    """
    doc = document.clone()
    doc.documentLayout().setPaintDevice(printer)
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    doc.setPageSize(QSizeF(area.width(), area.height()))
    height = float(area.height())

    def draw(painter: QPainter, page: int) -> None:
        painter.translate(0, -page * height)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = QRectF(0, page * height, area.width(), height)
        painter.setClipRect(context.clip)
        doc.documentLayout().draw(painter, context)

    return _each_page(printer, chosen_pages(printer, doc.pageCount()), draw)
