"""The Complications tab: episodes with their grades over time, calculators, resolve.

A view over the ``TransplantSession``'s complications record: it shows what is stored
and refreshes after every change of it. Saving an assessment or resolving an episode is
a use case of ``planner.app.complications`` run through the session (undoable).
Calculators come from the registry of ``planner.clinical.calculators``, open through
``make_calculator_dialog`` and run through the ``calculator_dialogs.run_dialog`` seam.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.app.changes import PLAN, TRANSPLANT, Change
from planner.app.complications import resolve_episode, save_assessment
from planner.clinical.calculators.registry import (
    COMPLICATIONS,
    ELIGIBILITY,
    calculators,
    input_sources,
    known_inputs,
)
from planner.clinical.calculators.text import describe_result
from planner.clinical.grading import GradeResult
from planner.domain.days import short_day_label
from planner.domain.i18n import tr
from planner.errors import PlannerError
from planner.records.complication_log import StoredEpisode
from planner.records.complications import Assessment
from planner.records.ports import COMPLICATIONS as COMPLICATIONS_RECORD
from ui.dialogs import calculator_dialogs as calc
from ui.dialogs.saving import ask_until_saved
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.transplant_session import TransplantSession
from ui.widgets.refresh import RefreshWhenShown

ID_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = (
    QT_TRANSLATE_NOOP("ComplicationsTab", "Episode / assessment"),
    QT_TRANSLATE_NOOP("ComplicationsTab", "Date"),
    QT_TRANSLATE_NOOP("ComplicationsTab", "Day"),
    QT_TRANSLATE_NOOP("ComplicationsTab", "Grade"),
    QT_TRANSLATE_NOOP("ComplicationsTab", "Rule or status"),
)
# The calculator buttons' texts, here to be translated, each language with access keys
# clear of that language's menus and tabs (ui/actions.py). In English the registry's
# keys of two are taken on this screen (Alt+V the Harvest tab, Alt+N the Patient menu),
# and "More c&alculators" leaves O free.
_BUTTON_TEXTS = {
    "magic": QT_TRANSLATE_NOOP("ComplicationsTab", "Acute GVHD (&MAGIC)..."),
    "nih": QT_TRANSLATE_NOOP("ComplicationsTab", "Chronic &GVHD (NIH)..."),
    "vod": QT_TRANSLATE_NOOP("ComplicationsTab", "S&OS/VOD (EBMT)..."),
    "crs": QT_TRANSLATE_NOOP("ComplicationsTab", "&CRS (ASTCT)..."),
    "icans": QT_TRANSLATE_NOOP("ComplicationsTab", "&ICANS (ASTCT)..."),
}


class ComplicationsTab(QWidget):
    """Episodes list, calculator buttons and the detail of the selected row.

    Signals:
        sig_status: a one-line message for the status bar.
    """

    sig_status = Signal(str)
    """Emitted with a short message after a save or a refused action."""

    def __init__(self, session: TransplantSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.buttons: dict[str, QPushButton] = {}
        self.menu_actions: dict[str, QAction] = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("New assessment:")))
        allo = session.transplant.transplant_type.value == "allogeneic"
        self.more_menu = QMenu(self)
        self.more_menu.setAccessibleName(self.tr("More calculators"))
        section = ""
        for c in calculators():
            if c.menu not in ("", COMPLICATIONS, ELIGIBILITY):
                continue  # offered where it belongs (the plerixafor dose: Harvest)
            if c.menu:
                if c.menu != section:
                    section = c.menu
                    self.more_menu.addSection(tr(section))
                action = self.more_menu.addAction(c.button)
                action.setToolTip(c.title)
                action.triggered.connect(lambda _=False, key=c.key: self.open_calculator(key))
                if c.allogeneic_only and not allo:
                    action.setEnabled(False)
                    action.setToolTip(self.tr("For allogeneic transplants only."))
                self.menu_actions[c.key] = action
                continue
            button = QPushButton(
                self.tr(_BUTTON_TEXTS[c.key]) if c.key in _BUTTON_TEXTS else c.button
            )
            button.setAccessibleName(self.tr("New {title} assessment").format(title=c.title))
            button.clicked.connect(lambda _=False, key=c.key: self.open_calculator(key))
            if c.allogeneic_only and not allo:
                button.setEnabled(False)
                button.setToolTip(self.tr("For allogeneic transplants only."))
            bar.addWidget(button)
            self.buttons[c.key] = button
        self.more_button = QPushButton(self.tr("More c&alculators"))
        self.more_button.setAccessibleName(
            self.tr("More calculators: complications, eligibility and compatibility")
        )
        self.more_button.setMenu(self.more_menu)
        bar.addWidget(self.more_button)
        bar.addStretch(1)
        self.resolve_button = QPushButton(self.tr("&Resolve episode..."))
        self.resolve_button.setAccessibleName(self.tr("Resolve the selected episode"))
        self.resolve_button.clicked.connect(self.resolve_selected)
        bar.addWidget(self.resolve_button)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([self.tr(c) for c in COLUMNS])
        self.tree.setAccessibleName(self.tr("Complication episodes"))
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("Assessment detail"))
        self.detail.setTabChangesFocus(True)
        self.empty = QLabel(
            self.tr(
                "No complication episodes recorded. Use a calculator above to "
                "record a dated assessment."
            )
        )
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setSizes([300, 140])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self._episodes: dict[str, StoredEpisode] = {}
        self._refresher = RefreshWhenShown(self, self.refresh)
        session.sig_changed.connect(self._on_session_changed)
        self.refresh()

    # --- public ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the stored episodes."""
        keep = self.selected_episode_id()
        try:
            log = self.session.record.complications
        except PlannerError as err:
            self.sig_status.emit(str(err))
            return
        day0 = self.session.plan.day0
        self.tree.clear()
        self._episodes = {s.id: s for s in log.episodes}
        for stored in log.episodes:
            ep = stored.episode
            best, now = ep.max_grade, ep.current_grade
            grade = "" if best is None else self.tr("max {grade}").format(grade=best.label)
            if best is not None and now is not None and now.rank != best.rank:
                grade = self.tr("max {grade} (now {now})").format(grade=best.label, now=now.label)
            status = (
                self.tr("active")
                if ep.resolution is None
                else self.tr("resolved {date} ({day})").format(
                    date=format_date(ep.resolution, "%d %b %Y"),
                    day=short_day_label((ep.resolution - day0).days),
                )
            )
            top = QTreeWidgetItem(
                [
                    ep.type,
                    format_date(ep.onset, "%a %d %b %Y"),
                    short_day_label((ep.onset - day0).days),
                    grade,
                    status,
                ]
            )
            top.setData(0, ID_ROLE, stored.id)
            for index, a in enumerate(ep.assessments):
                child = QTreeWidgetItem(
                    [
                        a.result.criteria,
                        format_date(a.date, "%a %d %b %Y"),
                        short_day_label((a.date - day0).days),
                        a.result.label,
                        a.result.deciding_rule,
                    ]
                )
                child.setData(0, ID_ROLE, f"{stored.id}#{index}")
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.empty.setVisible(not log.episodes)
        self._select(keep)
        self._update_resolve()

    def selected_episode_id(self) -> str:
        """The id of the episode of the selected row ("" when none)."""
        item = self.tree.currentItem()
        if item is None:
            return ""
        return str(item.data(0, ID_ROLE)).split("#")[0]

    def calculator_defaults(self) -> dict[str, object]:
        """What the open record already knows, by calculator field name."""
        s = self.session
        return dict(known_inputs(s.patient, s.transplant, s.plan, s.today, s.record.counts))

    def calculator_sources(self) -> dict[str, str]:
        """Where and when each measured input was taken (shown beside the field)."""
        s = self.session
        return input_sources(s.patient, s.record.counts, s.today)

    def open_calculator(self, key: str) -> GradeResult | None:
        """Open a calculator; returns the saved result (None when cancelled or not saved)."""
        saved: list[GradeResult] = []

        tid = self.session.transplant.id

        def save(result: GradeResult, date: dt.date, reason: str) -> None:
            change = self.session.run(
                lambda repo, ctx: save_assessment(
                    repo, ctx, tid, result, date, override_reason=reason
                )
            )
            saved.append(result)
            self._select(change.subject)

        dialog = calc.make_calculator_dialog(
            self,
            key,
            save=save,
            today=self.session.today,
            defaults=self.calculator_defaults(),
            sources=self.calculator_sources(),
        )
        calc.run_dialog(dialog)
        if saved:
            self.sig_status.emit(
                self.tr("Saved {criteria} {grade}.").format(
                    criteria=saved[0].criteria, grade=saved[0].label
                )
            )
            return saved[0]
        return None

    def resolve_selected(self) -> None:
        """Resolve the selected active episode (asks for the date and a note)."""
        stored = self._episodes.get(self.selected_episode_id())
        if stored is None or stored.episode.resolution is not None:
            self.sig_status.emit(self.tr("Select an active episode to resolve."))
            return
        tid, eid = self.session.transplant.id, stored.id

        def save(answer: tuple[dt.date, str]) -> bool:
            self.session.run(
                lambda repo, ctx: resolve_episode(repo, ctx, tid, eid, answer[0], answer[1])
            )
            return True

        try:
            # Refused or not saved: the dialog comes back with what was typed and why
            # (ui.dialogs.saving).
            resolved = ask_until_saved(
                lambda **again: calc.DateNoteDialog.ask(
                    self,
                    self.tr("Resolve episode"),
                    self.tr("When did the {type} episode resolve?").format(
                        type=stored.episode.type
                    ),
                    self.session.today,
                    **again,
                ),
                save,
            )
        except PlannerError as err:  # a conflict: the record was reloaded
            self.sig_status.emit(str(err))
            return
        if resolved:
            self.sig_status.emit(
                self.tr("{type} episode resolved.").format(type=stored.episode.type)
            )

    # --- private ---------------------------------------------------------------------

    def _select(self, episode_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, ID_ROLE) == episode_id:
                self.tree.setCurrentItem(item)
                return

    def _update_resolve(self) -> None:
        stored = self._episodes.get(self.selected_episode_id())
        self.resolve_button.setEnabled(stored is not None and stored.episode.active)

    def _assessment(self, key: str) -> Assessment | None:
        episode_id, _, index = key.partition("#")
        stored = self._episodes.get(episode_id)
        if stored is None or not index:
            return None
        return stored.episode.assessments[int(index)]

    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        self._update_resolve()
        if current is None:
            self.detail.clear()
            return
        key = str(current.data(0, ID_ROLE))
        a = self._assessment(key)
        if a is not None:
            text = (
                self.tr("{date}, assessed by {user}").format(
                    date=format_date(a.date, "%a %d %b %Y"), user=a.by
                )
                + "\n"
                + describe_result(a.result)
            )
            if a.override_reason:
                text += "\n" + self.tr("Confirmed by the clinician: {reason}").format(
                    reason=a.override_reason
                )
            self.detail.setPlainText(text)
            return
        stored = self._episodes.get(key)
        if stored is not None:
            ep = stored.episode
            count = len(ep.assessments)
            lines = [
                (
                    self.tr("{type}: onset {date}, 1 assessment.")
                    if count == 1
                    else self.tr("{type}: onset {date}, {n} assessments.")
                ).format(type=ep.type, date=format_date(ep.onset, "%a %d %b %Y"), n=count)
            ]
            lines += [f"{format_date(n.date, '%d %b %Y')}: {n.text}" for n in ep.treatment_notes]
            if ep.resolution is not None:
                lines.append(
                    self.tr("Resolved {date}. {note}")
                    .format(date=format_date(ep.resolution, "%d %b %Y"), note=ep.resolution_note)
                    .strip()
                )
            self.detail.setPlainText("\n".join(lines))

    def _on_session_changed(self, change: Change) -> None:
        if change.touches(COMPLICATIONS_RECORD, PLAN, TRANSPLANT):
            self._refresher.request()
