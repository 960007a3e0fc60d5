"""Shared look of step statuses and phases: colours plus a shape per status.

Status must read without colour (colour-blind users, grey-scale printouts), so
every status also has a fill pattern and a glyph: done is solid with a check
mark, planned is an outline, overdue is red with a hatch and an exclamation bar,
skipped is grey with a strike-through. The timeline, the month calendar, legends
and table icons all paint through this module so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from planner.domain.phases import Phase
from ui.translation import QT_TRANSLATE_NOOP

STATUSES = ("planned", "done", "overdue", "skipped", "cancelled")


@dataclass(frozen=True)
class StatusStyle:
    """How one status is drawn.

    Attributes:
        label: the word shown in tooltips and legends, in English (``shown_label``: in
            the interface's language).
        fill: background of a bar; edge: its outline colour.
        pattern: a brush pattern drawn over the fill (NoBrush for none).
        glyph: "check", "none", "alert" or "strike" (see ``paint_glyph``).
        dashed: the outline is dashed (cancelled).
        text: colour of text drawn on the fill.
    """

    label: str
    fill: QColor
    edge: QColor
    pattern: Qt.BrushStyle
    glyph: str
    dashed: bool = False
    text: QColor = field(default_factory=lambda: QColor("#111827"))

    @property
    def shown_label(self) -> str:
        """``label`` in the interface's language."""
        return QCoreApplication.translate("status_style", self.label)


_STYLES: dict[str, StatusStyle] = {
    "planned": StatusStyle(
        QT_TRANSLATE_NOOP("status_style", "Planned"),
        QColor("#dbeafe"),
        QColor("#1d4ed8"),
        Qt.BrushStyle.NoBrush,
        "none",
    ),
    "done": StatusStyle(
        QT_TRANSLATE_NOOP("status_style", "Done"),
        QColor("#15803d"),
        QColor("#14532d"),
        Qt.BrushStyle.NoBrush,
        "check",
        text=QColor("#ffffff"),
    ),
    "overdue": StatusStyle(
        QT_TRANSLATE_NOOP("status_style", "Overdue"),
        QColor("#fecaca"),
        QColor("#b91c1c"),
        Qt.BrushStyle.BDiagPattern,
        "alert",
    ),
    "skipped": StatusStyle(
        QT_TRANSLATE_NOOP("status_style", "Skipped"),
        QColor("#e5e7eb"),
        QColor("#6b7280"),
        Qt.BrushStyle.NoBrush,
        "strike",
        text=QColor("#4b5563"),
    ),
    "cancelled": StatusStyle(
        QT_TRANSLATE_NOOP("status_style", "Cancelled"),
        QColor("#f3f4f6"),
        QColor("#9ca3af"),
        Qt.BrushStyle.NoBrush,
        "strike",
        dashed=True,
        text=QColor("#6b7280"),
    ),
}

# Lane tints: light enough that status fills stay the loudest thing on the timeline.
_PHASE_COLOURS: dict[Phase, QColor] = {
    Phase.WORKUP: QColor("#f1f5f9"),
    Phase.MOBILISATION: QColor("#ecfeff"),
    Phase.COLLECTION: QColor("#f0fdfa"),
    Phase.CONDITIONING: QColor("#fff7ed"),
    Phase.INFUSION: QColor("#fdf4ff"),
    Phase.GVHD_PROPHYLAXIS: QColor("#f5f3ff"),
    Phase.SUPPORTIVE_CARE: QColor("#f0f9ff"),
    Phase.RECOVERY: QColor("#f7fee7"),
    Phase.FOLLOW_UP: QColor("#fefce8"),
}

_PHASE_LABELS: dict[Phase, str] = {
    Phase.WORKUP: QT_TRANSLATE_NOOP("status_style", "Work-up"),
    Phase.MOBILISATION: QT_TRANSLATE_NOOP("status_style", "Mobilisation"),
    Phase.COLLECTION: QT_TRANSLATE_NOOP("status_style", "Collection"),
    Phase.CONDITIONING: QT_TRANSLATE_NOOP("status_style", "Conditioning"),
    Phase.INFUSION: QT_TRANSLATE_NOOP("status_style", "Infusion"),
    Phase.GVHD_PROPHYLAXIS: QT_TRANSLATE_NOOP("status_style", "GVHD prophylaxis"),
    Phase.SUPPORTIVE_CARE: QT_TRANSLATE_NOOP("status_style", "Supportive care"),
    Phase.RECOVERY: QT_TRANSLATE_NOOP("status_style", "Recovery"),
    Phase.FOLLOW_UP: QT_TRANSLATE_NOOP("status_style", "Follow-up"),
}

_ICONS: dict[tuple[str, int], QIcon] = {}


def status_style(status: str) -> StatusStyle:
    """The style of ``status``; an unknown status raises ``KeyError`` naming the known ones."""
    try:
        return _STYLES[status]
    except KeyError:
        raise KeyError(f"unknown status {status!r}; known: {', '.join(STATUSES)}") from None


def phase_colour(phase: Phase) -> QColor:
    """Background tint of a phase lane or band."""
    return _PHASE_COLOURS[phase]


def phase_label(phase: Phase) -> str:
    """Lane header text of a phase ("GVHD prophylaxis"), in the interface's language."""
    return QCoreApplication.translate("status_style", _PHASE_LABELS[phase])


# A step's status word as the Steps table shows it (the stored value, lower case).
_STATUS_WORDS = (
    QT_TRANSLATE_NOOP("status_style", "planned"),
    QT_TRANSLATE_NOOP("status_style", "done"),
    QT_TRANSLATE_NOOP("status_style", "skipped"),
    QT_TRANSLATE_NOOP("status_style", "cancelled"),
    QT_TRANSLATE_NOOP("status_style", "overdue"),
)


def status_word(status: str) -> str:
    """A status value ("skipped") in the interface's language (unknown ones as they are)."""
    return QCoreApplication.translate("status_style", status) if status in _STATUS_WORDS else status


def paint_shape(
    painter: QPainter, rect: QRectF, status: str, *, diamond: bool = False, detail: bool = True
) -> None:
    """Paint a bar (or a diamond) in the status style, with its pattern and glyph.

    ``detail=False`` leaves out the glyph (zoomed-out timelines); the pattern stays.
    """
    style = _STYLES[status]
    path = QPainterPath()
    if diamond:
        c = rect.center()
        path.moveTo(c.x(), rect.top())
        path.lineTo(rect.right(), c.y())
        path.lineTo(c.x(), rect.bottom())
        path.lineTo(rect.left(), c.y())
        path.closeSubpath()
    else:
        path.addRoundedRect(rect, 2.0, 2.0)
    painter.fillPath(path, style.fill)
    if style.pattern is not Qt.BrushStyle.NoBrush:
        painter.fillPath(path, QBrush(style.edge, style.pattern))
    pen = QPen(style.edge, 1.5 if status == "planned" else 1.0)
    if style.dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.strokePath(path, pen)
    if detail:
        paint_glyph(painter, rect, status)


def paint_glyph(painter: QPainter, rect: QRectF, status: str) -> None:
    """Draw the status glyph inside ``rect``: check, alert bar, strike-through or nothing."""
    style = _STYLES[status]
    if style.glyph == "none" or rect.height() < 6:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    # A square at the bar's start (or the whole diamond) holds the glyph.
    side = min(rect.width(), rect.height())
    box = QRectF(rect.left(), rect.center().y() - side / 2, side, side)
    if style.glyph == "check":
        painter.setPen(QPen(style.text, max(1.5, side / 7)))
        painter.drawPolyline(
            [
                QPointF(box.left() + side * 0.22, box.top() + side * 0.52),
                QPointF(box.left() + side * 0.42, box.top() + side * 0.72),
                QPointF(box.left() + side * 0.78, box.top() + side * 0.28),
            ]
        )
    elif style.glyph == "alert":
        painter.setPen(
            QPen(style.edge, max(1.5, side / 6), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        x = box.center().x()
        painter.drawLine(QPointF(x, box.top() + side * 0.2), QPointF(x, box.top() + side * 0.55))
        painter.drawPoint(QPointF(x, box.top() + side * 0.78))
    elif style.glyph == "strike":
        painter.setPen(QPen(style.edge, 1.5))
        y = rect.center().y()
        painter.drawLine(QPointF(rect.left() + 1, y), QPointF(rect.right() - 1, y))
    painter.restore()


def status_icon(status: str, size: int = 16) -> QIcon:
    """A cached icon of the status shape, for legends, tables and menus."""
    key = (status, size)
    if key not in _ICONS:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paint_shape(painter, QRectF(1.5, 3.5, size - 3.0, size - 7.0), status)
        painter.end()
        _ICONS[key] = QIcon(pixmap)
    return _ICONS[key]
