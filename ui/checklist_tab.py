"""The Checklists tab: pick a checklist, see its items dated from the plan, tick them.

A view over the ``TransplantSession`` and the pure ``planner.records.checklists.checklist_view``:
item dates are computed from the plan's anchors each time (so they follow Day 0),
only ticks are stored. Keyboard: the item table takes focus; Space or Enter ticks
(or unticks) the current item, asking for the date done and a note.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.changes import PLAN, TRANSPLANT, Change
from planner.app.checklists import tick_checklist_item
from planner.domain import i18n
from planner.errors import PlannerError
from planner.records.checklists import (
    ChecklistTemplate,
    ChecklistView,
    ItemView,
    applicable_templates,
    checklist_for_day,
    checklist_view,
)
from planner.records.ports import CHECKLISTS
from ui.dialogs import calculator_dialogs as calc
from ui.dialogs.saving import ask_until_saved
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.transplant_session import TransplantSession
from ui.widgets.refresh import RefreshWhenShown

COLUMNS = (
    QT_TRANSLATE_NOOP("ChecklistTab", "Done"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Item"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Section"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Due"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Day"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Status"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Done on (by)"),
    QT_TRANSLATE_NOOP("ChecklistTab", "Note or warning"),
)
# An item's status as shown (``ItemView.status`` is the planner's English word).
_STATUS_TEXTS = {
    "done": QT_TRANSLATE_NOOP("ChecklistTab", "done"),
    "done today": QT_TRANSLATE_NOOP("ChecklistTab", "done today"),
    "open today": QT_TRANSLATE_NOOP("ChecklistTab", "open today"),
    "overdue": QT_TRANSLATE_NOOP("ChecklistTab", "overdue"),
    "due soon": QT_TRANSLATE_NOOP("ChecklistTab", "due soon"),
    "planned": QT_TRANSLATE_NOOP("ChecklistTab", "planned"),
    "expired": QT_TRANSLATE_NOOP("ChecklistTab", "expired"),
    "expires early": QT_TRANSLATE_NOOP("ChecklistTab", "expires early"),
}
_ANCHOR_TEXTS = {
    "day0": QT_TRANSLATE_NOOP("ChecklistTab", "Day 0"),
    "collection": QT_TRANSLATE_NOOP("ChecklistTab", "Collection"),
    "admission": QT_TRANSLATE_NOOP("ChecklistTab", "Admission"),
}
_STATUS_COLOURS = {
    "overdue": "#b91c1c",
    "expired": "#b91c1c",
    "expires early": "#b45309",
    "due soon": "#1d4ed8",
    "done": "#15803d",
    "done today": "#15803d",
}

_TICK_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ChecklistTab(QWidget):
    """Checklist picker, anchor dates, and the dated items with their ticks.

    Attributes:
        view: the current ``ChecklistView`` (None before a template is chosen).

    Signals:
        sig_status: a one-line message for the status bar.
    """

    sig_status = Signal(str)
    """Emitted with a short message after a tick or a refused one."""

    def __init__(self, session: TransplantSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.view: ChecklistView | None = None
        self._templates = applicable_templates(session.checklist_templates(), self._transplant_type)
        self.picker = QComboBox()
        self.picker.setAccessibleName(self.tr("Checklist"))
        for t in self._templates:
            # Titles, items and sections of the bundled checklists are shown in the
            # interface's language (data-checklists catalogue); ids and records stay English.
            self.picker.addItem(i18n.tr(t.title), t.id)
        picker_label = QLabel(self.tr("&Checklist:"))
        picker_label.setBuddy(self.picker)
        self.progress = QLabel()
        self.progress.setAccessibleName(self.tr("Checklist progress"))
        self.tick_button = QPushButton(self.tr("T&ick or untick..."))  # Alt+T: the Timeline tab
        self.tick_button.setAccessibleName(self.tr("Tick or untick the current item"))
        self.tick_button.clicked.connect(self.toggle_current)
        top = QHBoxLayout()
        top.addWidget(picker_label)
        top.addWidget(self.picker, 1)
        top.addWidget(self.progress)
        top.addWidget(self.tick_button)
        self.anchors = QLabel()
        self.anchors.setWordWrap(True)
        self.anchors.setTextFormat(Qt.TextFormat.PlainText)
        self.anchors.setAccessibleName(self.tr("Anchor dates"))
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setStyleSheet("color: #b45309; font-weight: bold;")
        self.warnings.setAccessibleName(self.tr("Expiry warnings"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setAccessibleName(self.tr("Checklist items"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.toggle_current())
        # The box looks clickable, so a click on it ticks (asks the date), like Space.
        self.table.clicked.connect(self._on_table_clicked)
        # Wrapped titles: re-fit row heights when the columns change width.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        # Space/Enter on a row ticks it: an event filter, because the view itself
        # uses Space for selection and Enter for editing.
        self.table.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.anchors)
        layout.addWidget(self.warnings)
        layout.addWidget(self.table, 1)
        self.picker.currentIndexChanged.connect(self._on_picker_current_index_changed)
        self._refresher = RefreshWhenShown(self, self.refresh)
        session.sig_changed.connect(self._on_session_changed)
        day = (session.today - session.plan.day0).days
        self.select_template(checklist_for_day(day))

    # --- public ----------------------------------------------------------------------

    @property
    def _transplant_type(self) -> str:
        return self.session.transplant.transplant_type.value

    @property
    def template(self) -> ChecklistTemplate | None:
        """The chosen template."""
        index = self.picker.currentIndex()
        return self._templates[index] if 0 <= index < len(self._templates) else None

    def select_template(self, template_id: str) -> None:
        """Show the checklist ``template_id`` (ignored when not applicable)."""
        index = self.picker.findData(template_id)
        if index >= 0 and index != self.picker.currentIndex():
            self.picker.setCurrentIndex(index)
        else:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the ticks and re-date the items from the current plan."""
        template = self.template
        if template is None:
            return
        s = self.session
        try:
            state = s.record.checklists.get(template.id)
        except PlannerError as err:
            self.sig_status.emit(str(err))
            return
        keep = self.table.currentRow()
        view = checklist_view(template, state, s.plan, s.today, self._transplant_type)
        # Soonest first; undated (daily) items keep the template order.
        order = sorted(range(len(view.items)), key=lambda i: (view.items[i].due or dt.date.min, i))
        self.view = replace(view, items=tuple(view.items[i] for i in order))
        self._fill(self.view)
        if 0 <= keep < self.table.rowCount():
            self.table.selectRow(keep)

    def printable_html(self, heading: str) -> str:
        """Every checklist of the transplant as printable HTML, each from a new page.

        Every value is escaped, so text from a template or a note never becomes markup.

        Raises:
            PlannerError: a checklist record could not be read.
        """
        s = self.session
        esc = html.escape
        parts = []
        for n, template in enumerate(self._templates):
            state = s.record.checklists.get(template.id)
            view = checklist_view(template, state, s.plan, s.today, self._transplant_type)
            items = sorted(view.items, key=lambda iv: iv.due or dt.date.min)
            rows = "".join(
                "<tr>"
                + "".join(f"<td>{esc(cell.text())}</td>" for cell in self._cells(iv))
                + "</tr>"
                for iv in items
            )
            head = "".join(f"<th align='left'>{esc(self.tr(c))}</th>" for c in COLUMNS)
            brk = " style='page-break-before: always'" if n else ""
            parts.append(
                f"<p{brk}>{esc(heading)}</p><h2>{esc(i18n.tr(template.title))}</h2>"
                f"<p>{esc(self._progress(view))}</p>"
                f"<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            )
        return "".join(parts)

    def row_of(self, item_id: str) -> int:
        """The table row of an item (-1 when not shown)."""
        if self.view is None:
            return -1
        return next((r for r, v in enumerate(self.view.items) if v.item.id == item_id), -1)

    def toggle_current(self) -> None:
        """Tick the current item (asking for the date and a note), or untick it."""
        template, row = self.template, self.table.currentRow()
        if template is None or self.view is None or not 0 <= row < len(self.view.items):
            return
        iv = self.view.items[row]
        today = self.session.today
        entry = iv.state
        untick = entry is not None and entry.done and template.repeat != "daily"
        name = i18n.tr(iv.item.short)
        if untick:
            prompt = self.tr("Untick \u201c{item}\u201d? Say why.").format(item=name)
            options: dict[str, Any] = {"note_required": True}
        else:
            prompt = self.tr("When was \u201c{item}\u201d done?").format(item=name)
            options = {"default": iv.due if iv.due is not None and iv.due < today else today}
        tid, item_id = self.session.transplant.id, iv.item.id

        def save(answer: tuple[dt.date, str]) -> bool:
            date, note = (None if untick else answer[0]), answer[1]
            self.session.run(
                lambda repo, ctx: tick_checklist_item(
                    repo, ctx, tid, template, item_id, done=not untick, date=date, note=note
                )
            )
            return True

        try:
            # A tick refused or not saved brings the dialog back with what was typed
            # and why (ui.dialogs.saving).
            saved = ask_until_saved(
                lambda **again: calc.DateNoteDialog.ask(
                    self,
                    self.tr("Untick item") if untick else self.tr("Tick item"),
                    prompt,
                    today,
                    **options,
                    **again,
                ),
                save,
            )
        except PlannerError as err:  # a conflict: the record was reloaded
            self.sig_status.emit(str(err))
            return
        if not saved:
            return
        self.sig_status.emit(
            (self.tr("{item}: unticked.") if untick else self.tr("{item}: done.")).format(item=name)
        )

    # --- private ---------------------------------------------------------------------

    def _fill(self, view: ChecklistView) -> None:
        template = view.template
        self.anchors.setText(
            "   ".join(
                self.tr("{anchor} {date}").format(
                    anchor=self.tr(_ANCHOR_TEXTS[n]), date=format_date(a.date, "%a %d %b %Y")
                )
                for n, a in view.anchors.items()
            )
            + (
                "   " + self.tr("(daily checklist: items count as done when ticked today)")
                if template.repeat == "daily"
                else ""
            )
        )
        self.anchors.setToolTip("\n".join(a.rule for a in view.anchors.values()))
        self.warnings.setText("\n".join(f"\u26a0 {w}" for w in view.warnings))
        self.warnings.setVisible(bool(view.warnings))
        self.progress.setText(self._progress(view))
        self.table.setRowCount(len(view.items))
        for row, iv in enumerate(view.items):
            for col, cell in enumerate(self._cells(iv)):
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()

    def _progress(self, view: ChecklistView) -> str:
        return self.tr("{done} of {total} done").format(done=view.done_count, total=len(view.items))

    def _cells(self, iv: ItemView) -> list[QTableWidgetItem]:
        done = QTableWidgetItem("\u2611" if iv.done else "\u2610")
        done.setData(
            Qt.ItemDataRole.AccessibleTextRole, self.tr("done") if iv.done else self.tr("not done")
        )
        done.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        done.setToolTip(self.tr("Click, or press Space or Enter, to tick or untick"))
        entry = iv.state
        who = ""
        if entry is not None and entry.done and entry.date is not None:
            who = f"{format_date(entry.date, '%d %b %Y')} ({entry.by})"
        note = iv.warning or (entry.note if entry is not None else "")
        if not note and iv.earliest is not None and not iv.done:
            note = self.tr("Valid for {n} days: do on or after {date}").format(
                n=iv.item.expires_after_days, date=format_date(iv.earliest, "%d %b %Y")
            )
        status = QTableWidgetItem(self.tr(_STATUS_TEXTS.get(iv.status, iv.status)))
        colour = _STATUS_COLOURS.get(iv.status)
        if colour:
            status.setForeground(QBrush(QColor(colour)))
        title = QTableWidgetItem(i18n.tr(iv.item.title))
        title.setToolTip(iv.item.notes)
        cells = [
            done,
            title,
            QTableWidgetItem(i18n.tr(iv.item.section)),
            QTableWidgetItem("" if iv.due is None else format_date(iv.due, "%a %d %b %Y")),
            QTableWidgetItem(iv.day_label),
            status,
            QTableWidgetItem(who),
            QTableWidgetItem(note),
        ]
        if iv.warning:
            cells[7].setForeground(QBrush(QColor(_STATUS_COLOURS[iv.status])))
        return cells

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _TICK_KEYS
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            self.toggle_current()
            return True
        return super().eventFilter(watched, event)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.column() == 0:
            self.table.setCurrentCell(index.row(), 0)
            self.toggle_current()

    def _on_picker_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_session_changed(self, change: Change) -> None:
        if change.touches(CHECKLISTS, PLAN, TRANSPLANT):
            self._refresher.request()
