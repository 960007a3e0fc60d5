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

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter

LOGICAL_DPI = 96.0
"""Logical pixels per inch of a printed view (the screen's, so the widgets' sizes hold)."""

PagePainter = Callable[[QPainter, int, QRectF], None]
"""Draws page ``index`` (0-based) into ``rect`` (logical pixels) of a painter."""


def page_of(page: int, count: int) -> str:
    """The page number of a printed view's heading ("page 2 of 5")."""
    return QCoreApplication.translate("printing", "page {page} of {count}").format(
        page=page, count=count
    )


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


class TablePrint:
    """A table on paper: the columns fitted to the page width, every cell's text wrapped
    in its column, the header row repeated on every page, "page x of y" at the top.

    Used for the board, which can be wider and longer than any page; rows keep the order
    they are given in (the screen's filter and sort).
    """

    PAD = 4.0
    """Space around a cell's text, logical pixels."""
    MIN_PIXELS = 7
    """The smallest font the table shrinks to (about 5 pt)."""

    def __init__(
        self,
        title: str,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        page: QRectF,
        font: QFont,
    ) -> None:
        """Lay ``rows`` out on pages of ``page`` size (logical pixels)."""
        self.title = title
        self.header = list(header)
        self.rows = [list(row) for row in rows]
        self.page = QRectF(page)
        self._set_font(pixel_font(font))
        # A word is never cut: when the longest words of the columns are wider together
        # than the page, the table is printed smaller until they fit.
        while (need := sum(self._longest_words())) > self.page.width() > 0:
            size = self.font.pixelSize()
            smaller = min(size - 1, int(size * self.page.width() / need))
            if smaller < self.MIN_PIXELS:
                break
            self.font.setPixelSize(smaller)
            self._set_font(self.font)
        self.title_h = self._bold_metrics.height() * 1.8
        self.widths = self._fit_columns()
        self.header_h = self._row_height(self.header, self._bold_metrics)
        self.heights = [self._row_height(row, self._metrics) for row in self.rows]
        self.pages = self._paginate()

    @property
    def count(self) -> int:
        """How many pages the table takes (one, with the header, when it has no rows)."""
        return len(self.pages)

    def _set_font(self, font: QFont) -> None:
        self.font = QFont(font)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self._metrics = QFontMetricsF(self.font)
        self._bold_metrics = QFontMetricsF(self.bold)

    def _cells(self) -> list[tuple[int, str, QFontMetricsF]]:
        """(column, text, metrics) of every cell, the header's in bold."""
        return [
            (c, text, self._bold_metrics if r == 0 else self._metrics)
            for r, row in enumerate([self.header, *self.rows])
            for c, text in enumerate(row)
        ]

    def _longest_words(self) -> list[float]:
        """The width of each column's longest word, with the cell's padding."""
        word = [0.0] * len(self.header)
        for c, text, metrics in self._cells():
            for part in text.split():
                word[c] = max(word[c], metrics.horizontalAdvance(part) + 2 * self.PAD)
        return word

    # -- layout --------------------------------------------------------------------------------
    def _fit_columns(self) -> list[float]:
        """Column widths summing to the page width.

        Each column wants its widest line unwrapped. When they all fit, the spare width is
        shared out in proportion; when not, the columns narrower than an equal share of what
        is left keep their width and the others share the rest equally, never narrower than
        their longest word (a word is not broken).
        """
        n = len(self.header)
        total = self.page.width()
        want = [0.0] * n
        word = self._longest_words()
        for c, text, metrics in self._cells():
            for line in text.splitlines() or [""]:
                want[c] = max(want[c], metrics.horizontalAdvance(line) + 2 * self.PAD)
        if sum(want) <= total:
            return [w * total / sum(want) for w in want] if sum(want) else [total / n] * n
        widths = [0.0] * n
        open_columns = set(range(n))
        room = total
        while open_columns:
            share = room / len(open_columns)
            settled = {c for c in open_columns if want[c] <= share}
            if not settled:
                break
            for c in settled:
                widths[c] = want[c]
                room -= want[c]
            open_columns -= settled
        if open_columns:
            # The wrapped columns share what is left, each at least its longest word.
            floors = {c: min(word[c], room / len(open_columns) * 2) for c in open_columns}
            extra = room - sum(floors.values())
            weight = sum(want[c] for c in open_columns)
            for c in open_columns:
                widths[c] = floors[c] + max(0.0, extra) * want[c] / weight
        scale = total / sum(widths)  # rounding, or floors that went past the page
        return [w * scale for w in widths]

    def _row_height(self, row: Sequence[str], metrics: QFontMetricsF) -> float:
        flags = int(Qt.TextFlag.TextWordWrap)
        tallest = metrics.height()
        for width, text in zip(self.widths, row, strict=True):
            box = QRectF(0, 0, max(1.0, width - 2 * self.PAD), 100_000)
            tallest = max(tallest, metrics.boundingRect(box, flags, text).height())
        return tallest + 2 * self.PAD

    def _paginate(self) -> list[list[int]]:
        room = self.page.height() - self.title_h - self.header_h
        pages: list[list[int]] = [[]]
        used = 0.0
        for index, height in enumerate(self.heights):
            if pages[-1] and used + height > room:
                pages.append([])
                used = 0.0
            pages[-1].append(index)
            used += height
        return pages

    # -- painting ------------------------------------------------------------------------------
    def paint(self, p: QPainter, index: int, rect: QRectF) -> None:
        """Draw page ``index`` into ``rect`` (see ``print_pages``)."""
        p.save()
        p.translate(rect.topLeft())
        p.setPen(QColor("black"))
        p.setFont(self.bold)
        head = QRectF(0, 0, rect.width(), self.title_h)
        middle = Qt.AlignmentFlag.AlignVCenter
        p.drawText(head, Qt.AlignmentFlag.AlignLeft | middle, self.title)
        p.setFont(self.font)
        p.drawText(head, Qt.AlignmentFlag.AlignRight | middle, page_of(index + 1, self.count))
        y = self.title_h
        p.fillRect(QRectF(0, y, rect.width(), self.header_h), QColor("#e9ecef"))
        y = self._draw_row(p, self.header, y, self.header_h, self.bold)
        for row in self.pages[index]:
            y = self._draw_row(p, self.rows[row], y, self.heights[row], self.font)
        p.restore()

    def _draw_row(
        self, p: QPainter, cells: Sequence[str], y: float, height: float, font: QFont
    ) -> float:
        p.setFont(font)
        x = 0.0
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignTop)
        grid = QPen(QColor("#8d99ae"))
        grid.setWidthF(0.5)
        for width, text in zip(self.widths, cells, strict=True):
            p.setPen(grid)
            p.drawRect(QRectF(x, y, width, height))
            p.setPen(QColor("black"))
            box = QRectF(x + self.PAD, y + self.PAD, width - 2 * self.PAD, height - 2 * self.PAD)
            p.drawText(box, flags, text)
            x += width
        return y + height
