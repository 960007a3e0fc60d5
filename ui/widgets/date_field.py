"""One date editor for the whole app: an ISO date typed or picked, kept exactly or refused.

``QDateEdit`` edits a date by sections and clamps or wraps what is typed into a section
against its range, so typed dates silently became other dates (2026-12-25 typed in a
field whose maximum was today became 2026-12-02, and was saved). ``DateField`` reads
the whole text at once, as ``YYYY-MM-DD`` (ISO 8601 calendar date, extended format)
and nothing else: what was typed is kept, or refused with the reason under it; it is
never rewritten into another date. Beside it a label repeats the date in words with its
weekday (and its transplant day when given a Day 0), so a misread date is seen before it
is saved. ``DateFieldDelegate`` puts the same editor in table cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.domain.days import day_label
from ui.translation import format_date

# Exactly four digits, two, two. ``date.fromisoformat`` alone would also take
# "20261213" and week dates ("2026-W50-1"): a typing slip must not become a date.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
ERROR_STYLE = "color:#b91c1c;"
_INVALID_STYLE = "QLineEdit { border: 1px solid #b91c1c; }"


@dataclass(frozen=True)
class DateLimit:
    """An earliest or latest allowed date and why, as the refusal reads after the date.

    ``reason`` follows "2026-12-25 is ": "after today: a done date cannot be in the future".
    """

    date: dt.date
    reason: str


def to_date(value: object) -> dt.date | None:
    """A calendar date from a ``datetime.date``, a ``QDate`` or an ISO string; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, QDate):
        return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None
    if isinstance(value, str):
        date, _ = parse_iso_date(value)
        return date
    return None


def parse_iso_date(
    text: str,
    minimum: DateLimit | None = None,
    maximum: DateLimit | None = None,
    *,
    empty: str | None = None,
) -> tuple[dt.date | None, str]:
    """(the date, "") for acceptable text, else (None, why it is refused).

    ``empty`` is the message for empty text (None: "Enter a date as YYYY-MM-DD."); ""
    lets an empty field be valid (None, "").
    """
    text = text.strip()
    if not text:
        return None, enter_date_text() if empty is None else empty
    if not _ISO.fullmatch(text):
        return None, QCoreApplication.translate(
            "DateField", "“{text}” must be YYYY-MM-DD (year-month-day, e.g. 2026-12-13)."
        ).format(text=text)
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        return None, QCoreApplication.translate("DateField", "{text} is not a real date.").format(
            text=text
        )
    if minimum is not None and date < minimum.date:
        return None, _outside(text, minimum)
    if maximum is not None and date > maximum.date:
        return None, _outside(text, maximum)
    return date, ""


def _outside(text: str, limit: DateLimit) -> str:
    return QCoreApplication.translate("DateField", "{text} is {reason}.").format(
        text=text, reason=limit.reason
    )


def enter_date_text() -> str:
    """The refusal of an empty date field."""
    return QCoreApplication.translate("DateField", "Enter a date as YYYY-MM-DD.")


class _IsoLineEdit(QLineEdit):
    """The text of a ``DateField``: Alt+Down or F4 asks for the calendar.

    Signals (rather than a reference to the field, which would make a cycle that only
    the garbage collector frees):
        calendar_requested: Alt+Down or F4 was pressed.
        cell_event: Tab, Backtab or a focus-out, for a field in a table cell.
    """

    calendar_requested = Signal()
    cell_event = Signal(QEvent)

    def __init__(self, in_cell: bool) -> None:
        super().__init__()
        self._in_cell = in_cell

    def event(self, event: QEvent) -> bool:
        # Tab is taken before keyPressEvent (focus moves on): in a cell, the table
        # decides where it goes.
        if (
            self._in_cell
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            self.cell_event.emit(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if (key == Qt.Key.Key_Down and alt) or key == Qt.Key.Key_F4:
            self.calendar_requested.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self._in_cell:
            self.cell_event.emit(event)


class _CalendarPopup(QFrame):
    """The calendar under the field; a pick writes the ISO text into the field."""

    def __init__(self, field: DateField) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setAccessibleName(self.tr("Calendar"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar)


class DateField(QWidget):
    """An ISO ``YYYY-MM-DD`` date field with a calendar button, a label and its error.

    Signals:
        changed: a valid date different from the last valid one; arg: the ``dt.date``.
        validity_changed: the text turned acceptable (True) or not (False).

    Attributes:
        line_edit: where the date is typed.
        calendar_button: opens the calendar pop-up (also Alt+Down or F4 in the field).
        info: the date in words with its weekday, and "Day +12" when given a Day 0.
        error: the refusal, under the field (hidden while the text is acceptable).
    """

    changed = Signal(object)
    """Emitted with the new ``datetime.date`` when a valid, different date is entered."""
    validity_changed = Signal(bool)
    """Emitted when the text becomes acceptable (True) or unacceptable (False)."""

    def __init__(
        self,
        date: dt.date | None = None,
        *,
        accessible_name: str | None = None,
        minimum: DateLimit | None = None,
        maximum: DateLimit | None = None,
        day0: dt.date | None = None,
        empty: str | None = None,
        compact: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``empty``: the refusal of an empty field ("" makes the field optional; None:
        "Enter a date as YYYY-MM-DD."). ``accessible_name`` None: "Date".

        ``compact``: for a table cell: no label or error line; the refusal shows as a
        tooltip under the field and the date in words as the field's tooltip.
        """
        super().__init__(parent)
        self._minimum = minimum
        self._maximum = maximum
        self._day0 = day0
        self._empty = empty
        self._compact = compact
        self._last: dt.date | None = None
        self._valid = False
        self._finished = False  # editing finished once: show refusals of short text too
        self._external = ""  # a refusal from outside (a use case), shown until the next edit
        self.line_edit = _IsoLineEdit(in_cell=compact)
        self.line_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.line_edit.setToolTip(self.tr("Type the date as YYYY-MM-DD, or pick it (Alt+Down)."))
        width = self.line_edit.fontMetrics().horizontalAdvance("8888-88-88W") + 16
        self.line_edit.setMinimumWidth(width)
        self.line_edit.setMaximumWidth(width + 40)
        self.calendar_button = QToolButton()
        self.calendar_button.setText("▾")
        self.calendar_button.setToolTip(self.tr("Pick the date from a calendar (Alt+Down)"))
        self.calendar_button.clicked.connect(self.open_calendar)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setVisible(False)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line_edit)
        row.addWidget(self.calendar_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(row)
        if compact:
            # A cell is one line high: the keyboard opens the calendar, not Tab.
            self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.info.setVisible(False)
            self.setAutoFillBackground(True)
        else:
            row.addSpacing(6)
            row.addWidget(self.info, 1)
            outer.addWidget(self.error)
        self.setFocusProxy(self.line_edit)
        self.line_edit.calendar_requested.connect(self.open_calendar)
        self.line_edit.cell_event.connect(self._forward_to_cell)
        self._popup: _CalendarPopup | None = None
        self.setAccessibleName(self.tr("Date") if accessible_name is None else accessible_name)
        self.line_edit.textChanged.connect(self._on_text_changed)
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.editingFinished.connect(self.show_error)
        self.set_date(date)
        self._on_text_changed(self.line_edit.text())  # an empty start emits no textChanged

    # --- values ----------------------------------------------------------------------------

    def date(self) -> dt.date | None:
        """The date typed, or None while the text is empty or refused."""
        return self._last if self._valid else None

    def text(self) -> str:
        """The text as typed."""
        return self.line_edit.text()

    def is_valid(self) -> bool:
        """True when the text is acceptable (an empty optional field is)."""
        return self._valid

    def error_text(self) -> str:
        """Why the text is refused ("" when it is not), or a refusal set from outside."""
        return self._parse()[1] or self._external

    def set_date(self, date: dt.date | None) -> None:
        """Show ``date`` (None: empty); emits ``changed`` if it is valid and new."""
        self._finished = False
        self.line_edit.setText("" if date is None else date.isoformat())

    def minimum(self) -> dt.date | None:
        """The earliest allowed date, if any."""
        return self._minimum.date if self._minimum else None

    def maximum(self) -> dt.date | None:
        """The latest allowed date, if any."""
        return self._maximum.date if self._maximum else None

    def set_day0(self, day0: dt.date | None) -> None:
        """Number the date from this Day 0 in the label ("Day +12")."""
        self._day0 = day0
        self._show_info()

    def setAccessibleName(self, name: str) -> None:
        """Name the field where screen readers read it: the line edit, and its button."""
        super().setAccessibleName(name)
        self.line_edit.setAccessibleName(name)
        self.calendar_button.setAccessibleName(
            self.tr("Pick {name} from a calendar").format(name=name.lower())
        )
        self.info.setAccessibleName(self.tr("{name} in words").format(name=name))
        self.error.setAccessibleName(self.tr("Error for {name}").format(name=name.lower()))

    # --- refusals --------------------------------------------------------------------------

    def set_error(self, message: str) -> None:
        """Show a refusal decided elsewhere (a use case) under the field, until the next
        edit; "" clears it. The date itself stays as typed."""
        self._external = message
        self._show_error_text(self._parse()[1] or message)

    def show_error(self) -> None:
        """Show why the text is refused, even text still being typed (OK was pressed)."""
        self._finished = True
        self._show_error_text(self.error_text())

    # --- internals -------------------------------------------------------------------------

    def _parse(self) -> tuple[dt.date | None, str]:
        return parse_iso_date(
            self.line_edit.text(), self._minimum, self._maximum, empty=self._empty
        )

    def _on_text_edited(self, _text: str) -> None:
        self._finished = False

    def _on_text_changed(self, text: str) -> None:
        self._external = ""
        date, message = self._parse()
        valid = not message
        # A complete-looking text is judged at once; a shorter one once editing finishes.
        self._show_error_text(message if self._finished or len(text.strip()) >= 10 else "")
        self._show_info()
        was_valid, self._valid = self._valid, valid
        if valid and date != self._last:
            self._last = date
            if date is not None:  # an optional field emptied is a validity, not a date
                self.changed.emit(date)
        if valid != was_valid:
            self.validity_changed.emit(valid)

    def _show_error_text(self, message: str) -> None:
        self.line_edit.setStyleSheet(_INVALID_STYLE if message else "")
        if self._compact:
            if message and self.isVisible():
                QToolTip.showText(
                    self.mapToGlobal(QPoint(0, self.height())), message, self.line_edit
                )
            return
        self.error.setText(message)
        self.error.setVisible(bool(message))
        if message:
            fit_dialog_height(self)

    def _show_info(self) -> None:
        date, message = self._parse()
        if date is None:
            text = ""
        else:
            text = format_date(date, "%a %d %b %Y")
            if self._day0 is not None:
                text += f" · {day_label((date - self._day0).days)}"
        self.info.setText(text)
        if self._compact:
            self.line_edit.setToolTip(text or message or self.tr("Type the date as YYYY-MM-DD."))

    def _forward_to_cell(self, event: QEvent) -> None:
        """In a table cell, the delegate listens on this widget, not on the line edit
        inside it: Tab and leaving the field reach it from here."""
        if isinstance(event, QKeyEvent):
            copy: QEvent = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text())
        else:
            assert isinstance(event, QFocusEvent)
            copy = QFocusEvent(event.type(), event.reason())
        QCoreApplication.sendEvent(self, copy)

    def open_calendar(self) -> None:
        """Show the calendar under the field, on the typed date (else the nearest limit)."""
        if self._popup is None:
            self._popup = _CalendarPopup(self)
            self._popup.calendar.clicked.connect(self._on_calendar_picked)
            self._popup.calendar.activated.connect(self._on_calendar_picked)
        calendar = self._popup.calendar
        calendar.setMinimumDate(_qdate(self._minimum.date) if self._minimum else QDate(1900, 1, 1))
        calendar.setMaximumDate(
            _qdate(self._maximum.date) if self._maximum else QDate(9999, 12, 31)
        )
        shown = self.date() or self._last
        if shown is not None:
            calendar.setSelectedDate(_qdate(shown))
        self._popup.adjustSize()
        self._popup.move(self.line_edit.mapToGlobal(QPoint(0, self.line_edit.height())))
        self._popup.show()
        calendar.setFocus()

    def _on_calendar_picked(self, picked: QDate) -> None:
        if self._popup is not None:
            self._popup.hide()
        self.line_edit.setFocus()
        date = to_date(picked)
        self._finished = True
        self.line_edit.setText("" if date is None else date.isoformat())


def fit_dialog_height(widget: QWidget) -> None:
    """Grow the dialog holding ``widget`` so a message just shown is not cut.

    A window's minimum size ignores wrapped text: a message appearing in a dialog
    already on screen would be squeezed to one line and cut off.
    """
    window = widget.window()
    layout = window.layout()
    if not isinstance(window, QDialog) or layout is None or not window.isVisible():
        return
    layout.activate()
    needed = (
        layout.totalHeightForWidth(window.width())
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    if needed > window.height():
        window.resize(window.width(), needed)


def _qdate(date: dt.date) -> QDate:
    return QDate(date.year, date.month, date.day)


class DateFieldDelegate(QStyledItemDelegate):
    """Table cells edited with a compact ``DateField``; the model gets ISO text.

    Enter on refused text keeps the editor open with the refusal under it; a refused
    text left by moving away changes nothing and is reported through ``refused``.

    Signals:
        refused: a date typed in a cell was not accepted; arg: why.
    """

    refused = Signal(str)
    """Emitted with the reason when a typed date is not written to the model."""

    def __init__(
        self, day0: Callable[[], dt.date | None] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._day0 = day0

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        field = DateField(
            compact=True,
            accessible_name=self.tr("Date"),
            parent=parent,
            empty=self.tr("Enter a date."),
        )
        field.set_day0(self._day0() if self._day0 else None)
        return field

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, DateField):
            editor.set_date(to_date(index.data(Qt.ItemDataRole.EditRole)))
            editor.line_edit.selectAll()
        else:
            super().setEditorData(editor, index)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if not isinstance(editor, DateField):
            super().setModelData(editor, model, index)
            return
        date = editor.date()
        if date is None:
            self.refused.emit(editor.error_text())  # nothing is written
            return
        if date != to_date(index.data(Qt.ItemDataRole.EditRole)):
            model.setData(index, date.isoformat(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        editor.setGeometry(option.rect)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, DateField)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not watched.is_valid()
        ):
            watched.show_error()  # stay in the cell: what was typed is kept to correct
            return True
        return super().eventFilter(watched, event)
