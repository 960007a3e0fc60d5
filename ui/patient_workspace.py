"""One patient's workspace: header, plan timeline, month calendar, step table, and the
checklist, complication, harvest and counts tabs.

Wiring only: widgets emit requests, this turns them into pure ``planner.domain.plans``
edits and pushes them through the ``TransplantSession`` (undoable, saved at once).
Every view reads the session's one record; after each stored change
(``TransplantSession.sig_changed``) each refreshes only the parts the change touched.
Dialogs are reached through their ``ask`` seams so tests can patch them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from planner.app.audited_output import record_output
from planner.app.board import closed_rows, current_phase
from planner.app.changes import ALL_PARTS, PATIENT, PLAN, SAMPLES, TRANSPLANT, Change
from planner.app.graft_secured import mark_step_done, needs_override
from planner.app.plans import day0_move
from planner.clinical.plan_rules.checks import findings_for_step
from planner.clinical.step_doses import plan_dose_line
from planner.domain.days import short_day_label
from planner.domain.i18n import tr
from planner.domain.patients import GraftSource, TransplantType
from planner.domain.plans import (
    StepStatus,
    move_occurrences,
    move_step,
    set_anchor_date,
    set_step_note,
    set_step_status,
    skip_occurrence,
    undo_occurrence_record,
)
from planner.errors import PlannerError, ValidationError
from planner.records.complication_log import episode_bands
from planner.records.documents import plan_outdated_documents
from planner.records.ports import COMPLICATIONS, DOCUMENTS, ENGRAFTMENT
from ui.actions import PATIENT_TABS, PATIENT_TOOLBAR, SPECS, make_action, shown
from ui.checklist_tab import ChecklistTab
from ui.complications_tab import ComplicationsTab
from ui.dialogs.anchor_dialog import AnchorMove, SetAnchorDialog, settable_anchors
from ui.dialogs.day0_dialog import Day0Move, MoveDay0Dialog
from ui.dialogs.saving import ask_until_saved
from ui.dialogs.step_dialogs import DoneEntry, StepDialogs
from ui.errors import user_message
from ui.models.board_model import shown_graft_source, shown_phase, shown_transplant_type
from ui.models.step_table_model import DATE_COL, SORT_ROLE, StepTableModel
from ui.plan_checks_panel import PlanChecksPanel
from ui.printing import logical_page, print_document, print_pages
from ui.timeline_print import TimelineBandsPrint
from ui.translation import format_date
from ui.transplant_session import Snapshot, TransplantSession
from ui.widgets.date_field import DateFieldDelegate
from ui.widgets.elided_label import ElidedLabel
from ui.widgets.month_calendar import CalendarPrint, MonthCalendar
from ui.widgets.plan_timeline import PlanTimeline
from ui.widgets.refresh import RefreshWhenShown

if TYPE_CHECKING:  # these tabs import pandas: they are imported when a patient opens
    from ui.counts_tab import CountsTab
    from ui.harvest_tab import HarvestTab


class PatientWorkspace(QWidget):
    """The tab of one open patient.

    Signals:
        sig_status: a short message for the status bar.
    """

    sig_status = Signal(str)
    """Emitted with a one-line message for the main window's status bar."""

    def __init__(
        self,
        session: TransplantSession,
        parent: QWidget | None = None,
        *,
        lab_settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.documents_notice = QLabel()
        self.documents_notice.setObjectName("documentsNotice")
        self.documents_notice.setTextFormat(Qt.TextFormat.PlainText)
        self.documents_notice.setStyleSheet("color:#8a4b00;font-weight:bold;")
        self.documents_notice.setVisible(False)
        self.documents_notice.setWordWrap(True)  # a long notice wraps: the window never grows
        # A long name is elided (the tooltip holds it), never widening the window.
        self.header = ElidedLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setAccessibleName(self.tr("Patient summary"))
        self.timeline = PlanTimeline()
        self._events_shown: list[tuple[dt.date, str]] = []
        self.timeline.step_details = self._step_details
        self.calendar = MonthCalendar()
        self._calendar_refresher = RefreshWhenShown(
            self.calendar, lambda: self.calendar.set_plan(self.session.plan, self.session.today)
        )
        # Date edits in the table take the timeline's path: regimen steps ask first.
        self.table_model = StepTableModel(
            session, move_handler=self._on_timeline_occurrences_move_requested
        )
        self.table_proxy = QSortFilterProxyModel(self)
        self.table_proxy.setSourceModel(self.table_model)
        self.table_proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.table_proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setAccessibleName(self.tr("Plan steps"))
        # Dates are typed as YYYY-MM-DD in the cell, as in every dialog, and refused
        # there, never wrapped into another date.
        self.date_delegate = DateFieldDelegate(lambda: self.session.plan.day0, self.table)
        self.table.setItemDelegateForColumn(DATE_COL, self.date_delegate)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        header = self.table.horizontalHeader()
        # Sized to the contents when shown, not on every edit: measuring 200 rows per
        # change would cost the edit its frame while the table is not even on screen.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the step title
        header.setResizeContentsPrecision(60)
        self._table_sized = False
        self.table_model.modelReset.connect(self._size_table_columns)
        self.tabs = QTabWidget()
        # Access keys: ui/actions.py allots them with the window's menus and tabs.
        self.tabs.addTab(self.timeline, shown(PATIENT_TABS["timeline"]))
        self.tabs.addTab(self.calendar, shown(PATIENT_TABS["calendar"]))
        self.tabs.addTab(self.table, shown(PATIENT_TABS["steps"]))
        self.checklists = ChecklistTab(session)
        self.complications = ComplicationsTab(session)
        self.tabs.addTab(self.checklists, shown(PATIENT_TABS["checklists"]))
        self.tabs.addTab(self.complications, shown(PATIENT_TABS["complications"]))
        self.checklists.sig_status.connect(self.sig_status)
        self.complications.sig_status.connect(self.sig_status)
        self._add_harvest_and_counts_tabs(lab_settings)
        self.plan_checks = PlanChecksPanel()
        self.tabs.addTab(self.plan_checks, shown(PATIENT_TABS["plan_checks"]))
        self._checks_refresher = RefreshWhenShown(self.plan_checks, self._show_plan_checks)
        self.toolbar = QToolBar(self.tr("Patient"))
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.documents_notice)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs)
        self.table_model.sig_refused.connect(self.sig_status)
        self.date_delegate.refused.connect(self.sig_status)
        self.tabs.currentChanged.connect(lambda _i: self._size_table_columns())
        self.timeline.sig_step_move_requested.connect(self._on_timeline_step_move_requested)
        self.timeline.sig_occurrences_move_requested.connect(
            self._on_timeline_occurrences_move_requested
        )
        self.timeline.sig_step_action_requested.connect(self._on_timeline_step_action_requested)
        self.timeline.sig_step_activated.connect(self._on_timeline_step_activated)
        session.sig_changed.connect(self._on_session_changed)
        # The header shows the board row's phase and high alerts: follow every board
        # recompute (a complication or harvest edit, a full refresh, a new day).
        session.sig_board_changed.connect(self._show_header)
        self._show(ALL_PARTS)

    def _build_actions(self) -> None:
        """The toolbar, from ``ui.actions``: each runs on this workspace.

        The keys (Ctrl+D, Ctrl+0...) are the main window's actions, which run the same
        methods on the current patient tab: a second owner here made Qt refuse both as
        an "Ambiguous shortcut overload". The tooltips still name the keys.
        """
        for name in PATIENT_TOOLBAR:
            spec = SPECS[name]
            action = make_action(spec, self, partial(self._run, spec.slot), with_shortcut=False)
            self.toolbar.addAction(action)
            self.actions_by_name[name] = action

    def _run(self, slot: str) -> None:
        getattr(self, slot)()  # looked up when run: a test may replace the method

    # --- printing --------------------------------------------------------------------------

    def print_timeline(self) -> None:
        """Print the plan timeline (a month per page width) through the print dialog."""
        self._ask_printer(self.print_timeline_to, self._timeline_print)

    def print_calendar(self) -> None:
        """Print the month calendar (a month per page) through the print dialog."""
        self._ask_printer(self.print_calendar_to, self._calendar_print)

    def print_checklists(self) -> None:
        """Print every checklist of the transplant through the print dialog."""
        self._ask_printer(self.print_checklists_to, None)

    def print_timeline_to(self, printer: QPrinter) -> bool:
        """Record, then print the timeline on ``printer`` (the chosen pages); True when
        printed, False when refused (nothing printed)."""
        job = self._timeline_print(printer)
        return self._audited_print("timeline", lambda: print_pages(printer, job.count, job.paint))

    def print_calendar_to(self, printer: QPrinter) -> bool:
        """Record, then print the month calendar on ``printer`` (see ``print_timeline_to``)."""
        job = self._calendar_print(printer)
        return self._audited_print("calendar", lambda: print_pages(printer, job.count, job.paint))

    def print_checklists_to(self, printer: QPrinter) -> bool:
        """Record, then print the checklists on ``printer`` (see ``print_timeline_to``)."""
        try:
            document = QTextDocument()
            document.setHtml(self.checklists.printable_html(self._print_heading()))
        except PlannerError as exc:
            self.sig_status.emit(user_message(exc))
            return False
        return self._audited_print("checklists", lambda: print_document(document, printer))

    def _print_heading(self) -> str:
        p = self.session.patient
        return self.tr("{name}   MRN {mrn}   Day 0 {day0}").format(
            name=p.display_name, mrn=p.mrn, day0=format_date(self.session.plan.day0, "%d %b %Y")
        )

    def _timeline_print(self, printer: QPrinter) -> TimelineBandsPrint:
        # The layout of the exported timeline PDF (planner.export.views): months across a
        # landscape page, each label wrapped in its own column, never cut at the edge.
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        s = self.session
        return TimelineBandsPrint(
            s.plan, s.today, s.closures, logical_page(printer), self._print_heading(), self.font()
        )

    def _calendar_print(self, printer: QPrinter) -> CalendarPrint:
        # The calendar tab may not have been shown yet: give it the plan first.
        self.calendar.set_plan(self.session.plan, self.session.today)
        return CalendarPrint(self.calendar, logical_page(printer), self._print_heading())

    def _ask_printer(
        self,
        print_to: Callable[[QPrinter], bool],
        layout: Callable[[QPrinter], TimelineBandsPrint | CalendarPrint] | None,
    ) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if layout is not None:  # offer the page range with the document's page numbers
            dialog.setMinMax(1, max(1, layout(printer).count))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_to(printer)

    def _audited_print(self, what: str, produce: Callable[[], int]) -> bool:
        """Write the "Print ``what``" audit row, then ``produce`` the pages.

        The row comes first: paper cannot be taken back, so nothing is printed without
        its row; when the row cannot be written a dialog says so and nothing is printed.
        """
        event = f"Print {what}"
        patient_id = self.session.patient.id
        try:
            self.session.run(
                lambda repo, ctx: record_output(
                    repo,
                    ctx,
                    event,
                    outcome=f"The {what} was not printed",
                    what="the print",
                    patient_id=patient_id,
                )
            )
        except PlannerError as exc:
            QMessageBox.warning(self, "Transplant Planner", user_message(exc))
            return False
        self.sig_status.emit(self._printed_sentence(what, produce()))
        return True

    def _printed_sentence(self, what: str, pages: int) -> str:
        """What was printed, in the status bar."""
        name = {
            "timeline": self.tr("timeline"),
            "calendar": self.tr("calendar"),
            "checklists": self.tr("checklists"),
        }.get(what, what)
        if pages == 1:
            return self.tr("Printed 1 page of the {what}.").format(what=name)
        if pages:
            return self.tr("Printed {pages} pages of the {what}.").format(pages=pages, what=name)
        return self.tr(
            "Nothing of the {what} was printed (no page chosen, or the printer failed)."
        ).format(what=name)

    def zoom_in(self) -> None:
        """Zoom the plan timeline in."""
        self.timeline.zoom_in()

    def zoom_out(self) -> None:
        """Zoom the plan timeline out."""
        self.timeline.zoom_out()

    def fit(self) -> None:
        """Fit the whole plan into the timeline's width."""
        self.timeline.fit()

    def open_infusion(self) -> None:
        """The infusion record of this transplant: products infused and reactions."""
        from ui.infusion_dialog import InfusionDialog

        InfusionDialog(self, self.session).exec()

    def verify_doses(self) -> None:
        """Patient > Verify doses: the double check of the doses, signed with a password."""
        from ui.dialogs.verify_doses_dialog import VerifyDosesDialog

        self.verify_dialog = VerifyDosesDialog(self.session, self)
        self.verify_dialog.open()

    @property
    def title(self) -> str:
        """Tab title: the MRN (window titles and tabs show no names by default), with the
        transplant's number from a patient's second transplant on ("DEMO-0016 #2")."""
        number = self.session.transplant.number
        mrn = self.session.patient.mrn
        return f"{mrn} #{number}" if number > 1 else mrn

    def _size_table_columns(self) -> None:
        """Fit the step table's columns to their contents once it is on screen."""
        if self.sender() is self.table_model:
            self._table_sized = False  # new rows: measure again when next shown
        if self._table_sized or self.tabs.currentWidget() is not self.table:
            return
        self.table.resizeColumnsToContents()
        self._table_sized = True

    def _show(self, parts: frozenset[str]) -> None:
        """Refresh what shows ``parts`` (the parts a change touched)."""
        s = self.session
        episodes = self._episodes() if parts & {PLAN, TRANSPLANT, COMPLICATIONS} else None
        if parts & {PLAN, TRANSPLANT}:
            self.actions_by_name["set_anchor"].setEnabled(bool(settable_anchors(s.plan)))
            self.timeline.set_plan(s.plan, s.today, s.closures, episodes)  # one layout
            self._calendar_refresher.request()
        elif episodes is not None:
            self.timeline.set_episodes(episodes)
        if parts & {PATIENT, TRANSPLANT, PLAN, ENGRAFTMENT, SAMPLES}:
            self._show_header()
        if parts & {PLAN, DOCUMENTS}:
            self.refresh_documents()
        if parts & {PATIENT, TRANSPLANT, PLAN}:
            act = sum(1 for f in self.session.plan_findings() if f.action)
            index = self.tabs.indexOf(self.plan_checks)
            title = shown(PATIENT_TABS["plan_checks"])
            self.tabs.setTabText(index, f"{title} ({act})" if act else title)
            self._checks_refresher.request()

    def _step_details(self, step_id: str, date: dt.date) -> list[str]:
        """The timeline tooltip's dose (after the plan rules) and the rules on the step."""
        s = self.session
        step = s.plan.step(step_id)
        lines: list[str] = []  # record reasons and the step's status reason: the tooltip has them
        dose = plan_dose_line(step, s.plan, s.facts, date)
        if dose is not None and step.dose is not None:
            how = f" {step.dose.frequency}" if step.dose.frequency else ""
            lines.append(
                self.tr("Dose: {dose}: {why}").format(
                    dose=f"{dose.text}{how}", why=dose.explanation
                )
            )
        lines += [
            self.tr("Plan check ({severity}): {sentence}").format(
                severity=f.severity, sentence=f.sentence
            )
            for f in findings_for_step(s.plan_findings(), step_id)
            if f.action
        ]
        return lines

    def _show_plan_checks(self) -> None:
        self.plan_checks.show_findings(self.session.plan_findings())

    def _show_header(self) -> None:
        s = self.session
        today = s.today
        engrafted = s.engrafted_on()
        reading = current_phase(s.transplant, s.plan, today, engrafted)
        day = (today - s.plan.day0).days
        p = s.patient
        # The live clinic board's row (engraftment from counts, every alert source) gives
        # the phase and the high alerts, so the header never says what the board contradicts.
        row = s.board_row()
        if row is None and not s.transplant.is_active:
            # Off the board (completed, cancelled, deceased): its status, date and reason.
            row = closed_rows([s.patient], [s.transplant], [s.plan], today)[0]
        phase, rule = (row.phase, row.phase_rule) if row else (reading.phase, reading.rule)
        high = row.high_alerts if row else ()
        text = self.tr(
            "{name}   MRN {mrn}   born {born} (age {age})   {type} {source}   "
            "Day 0 {day0}   today {day} ({phase})"
        ).format(
            name=p.display_name,
            mrn=p.mrn,
            born=format_date(p.date_of_birth, "%d %b %Y"),
            age=p.age_on(today),
            type=shown_transplant_type(s.transplant.transplant_type.value),
            source=shown_graft_source(s.transplant.graft_source.value),
            day0=format_date(s.plan.day0, "%a %d %b %Y"),
            day=short_day_label(day),
            phase=shown_phase(phase),
        )
        if high:
            text += "\n" + self.tr("! High alerts: {alerts}").format(
                alerts="; ".join(a.text for a in high)
            )
        self.header.setText(text)
        high_tip = self.tr("HIGH: {alert}\n    Why: {rule}")
        self.header.setToolTip(
            "\n\n".join([rule, *(high_tip.format(alert=a.text, rule=a.rule or "-") for a in high)])
        )
        # The recorded neutrophil engraftment day, as on the chart and the board.
        events = [(engrafted, self.tr("ANC engraftment"))] if engrafted else []
        if events != self._events_shown:  # the header follows every board recompute;
            self._events_shown = events  # the timeline repaints only when this changed
            self.timeline.set_events(events)

    def refresh_documents(self) -> None:
        """Show "handout of DATE is out of date" when the plan changed since it was printed."""
        stale = plan_outdated_documents(self.session.record.documents, self.session.plan)
        self.documents_notice.setText(
            self.tr("{documents}: print a new one.").format(
                documents="; ".join(s[:1].upper() + s[1:] for s in stale)
            )
            if stale
            else ""
        )
        self.documents_notice.setVisible(bool(stale))

    def _episodes(self) -> list[tuple[str, dt.date, dt.date | None, str]]:
        """Complication episodes as bands for the timeline (none when the record is
        damaged: the status bar says so)."""
        try:
            log = self.session.record.complications
        except PlannerError as err:
            self.sig_status.emit(str(err))
            return []
        return episode_bands(log, self.session.plan.day0)

    def _add_harvest_and_counts_tabs(self, settings: QSettings | None) -> None:
        """The Harvest tab (a mobilisation anchor, an autologous or a PBSC transplant) and
        the Counts tab (entry grid, engraftment, chart)."""
        from ui.counts_tab import CountsTab  # lazy: keeps pandas off the start-up path
        from ui.harvest_tab import HarvestTab

        s = self.session
        pbsc = s.transplant.graft_source is GraftSource.PBSC
        self.harvest_tab: HarvestTab | None = None
        autologous = s.transplant.transplant_type is TransplantType.AUTOLOGOUS
        if s.plan.mobilisation_anchor() is not None or autologous or pbsc:
            self.harvest_tab = HarvestTab(s)
            self.tabs.addTab(self.harvest_tab, shown(PATIENT_TABS["harvest"]))
            self.harvest_tab.sig_status.connect(self.sig_status)
        self.counts_tab: CountsTab | None = CountsTab(s, settings)
        self.tabs.addTab(self.counts_tab, shown(PATIENT_TABS["counts"]))
        self.counts_tab.sig_status.connect(self.sig_status)

    def _on_session_changed(self, change: Change) -> None:
        self._show(change.parts)

    def set_anchor(self) -> None:
        """Set an anchor (mobilisation start...) to its real date, with a preview and a reason.

        A change refused or not saved brings the dialog back with what was typed and why.
        """
        if not settable_anchors(self.session.plan):
            self.sig_status.emit(self.tr("This plan has no anchor besides Day 0 (use Move Day 0)."))
            return

        def save(move: AnchorMove) -> str:
            plan, changes = set_anchor_date(self.session.plan, move.anchor, move.date)
            text = f"Set {move.anchor} to {move.date.isoformat()}"
            if not self.session.push(plan, text, reason=move.reason):
                return self.tr("The anchor was not set: the other workstation's plan was kept.")
            return self.tr("{anchor} set to {date}; {count} dates changed.").format(
                anchor=move.anchor.capitalize(),
                date=format_date(move.date, "%a %d %b %Y"),
                count=len(changes),
            )

        message = ask_until_saved(
            lambda **again: SetAnchorDialog.ask(self, self.session.plan, **again), save
        )
        if message is not None:
            self.sig_status.emit(message)

    # --- edits -------------------------------------------------------------------------------

    def move_day0(self) -> None:
        """Ask for a new Day 0 with a preview and a reason; apply as one undoable command.

        A move refused or not saved (the disk full, the database busy) brings the dialog
        back with the date and reason typed and why.
        """
        s = self.session

        def save(move: Day0Move) -> str:
            plan, transplant, changes = day0_move(
                s.plan, s.transplant, s.patient, move.new_day0, move.reason, today=s.today
            )
            if not s.push(
                Snapshot(plan, transplant),
                f"Move Day 0 to {move.new_day0.isoformat()}",
                reason=move.reason,
            ):
                return self.tr("Day 0 was not moved: the other workstation's plan was kept.")
            return self.tr("Day 0 moved to {date}; {count} dates changed.").format(
                date=format_date(move.new_day0, "%a %d %b %Y"), count=len(changes)
            )

        message = ask_until_saved(
            lambda **again: MoveDay0Dialog.ask(
                self, s.plan, today=s.today, transplant=s.transplant, patient=s.patient, **again
            ),
            save,
        )
        if message is not None:
            self.sig_status.emit(message)

    def _on_timeline_step_move_requested(self, step_id: str, delta: int) -> None:
        step = self.session.plan.step(step_id)
        if step.regimen_tied and not StepDialogs.confirm(
            self,
            self.tr("Move a regimen step?"),
            self.tr(
                "{step} is tied to its day relative to Day 0 by the regimen. Move it {days} anyway?"
            ).format(step=tr(step.title), days=self._days_phrase(delta)),
        ):
            return
        try:
            after, changes = move_step(self.session.plan, step_id, delta)
        except ValidationError as err:
            self.sig_status.emit(str(err))
            return
        self.session.push(after, f"Move {step.title}", merge_key=f"move:{step_id}")
        self.sig_status.emit(
            self.tr("{step}: {count} date(s) moved by {delta} days.").format(
                step=tr(step.title), count=len(changes), delta=f"{delta:+d}"
            )
        )

    def _days_phrase(self, delta: int) -> str:
        """ "1 day later", "3 days earlier": how far a move goes."""
        n = abs(delta)
        if delta > 0:
            return self.tr("1 day later") if n == 1 else self.tr("{n} days later").format(n=n)
        return self.tr("1 day earlier") if n == 1 else self.tr("{n} days earlier").format(n=n)

    def _on_timeline_occurrences_move_requested(
        self, step_id: str, offsets: tuple[int, ...] | None, delta: int
    ) -> None:
        """Move some occurrences (a dragged bar, one row of the Steps table) or, with
        ``offsets`` None, the whole series; a regimen step asks first."""
        if offsets is None:
            self._on_timeline_step_move_requested(step_id, delta)
            return
        step = self.session.plan.step(step_id)
        count = len(offsets)
        # Stored in the undo history (English, as every change description).
        what = "this occurrence" if count == 1 else f"these {count} occurrences"
        shown_what = (
            self.tr("this occurrence")
            if count == 1
            else self.tr("these {count} occurrences").format(count=count)
        )
        if step.regimen_tied and not StepDialogs.confirm(
            self,
            self.tr("Move a regimen step?"),
            self.tr(
                "{step} is tied to its day relative to Day 0 by the regimen. "
                "Move {what} {days} anyway?"
            ).format(step=tr(step.title), what=shown_what, days=self._days_phrase(delta)),
        ):
            return
        try:
            after, changes = move_occurrences(self.session.plan, step_id, offsets, delta)
        except ValidationError as err:
            self.sig_status.emit(str(err))
            return
        key = f"move:{step_id}:{','.join(map(str, offsets))}"
        self.session.push(after, f"Move {step.title} ({what})", merge_key=key)
        self.sig_status.emit(
            self.tr(
                "{step}: {count} date(s) moved by {delta} days; the rest of the "
                "series stays (Ctrl+drag or Ctrl+Shift+arrow moves the whole series)."
            ).format(step=tr(step.title), count=len(changes), delta=f"{delta:+d}")
        )

    def _on_timeline_step_activated(self, step_id: str) -> None:
        self.tabs.setCurrentWidget(self.table)
        for row in range(self.table_proxy.rowCount()):
            source = self.table_proxy.mapToSource(self.table_proxy.index(row, 0))
            if self.table_model.occurrence(source.row()).step_id == step_id:
                self.table.selectRow(row)
                break

    def _on_timeline_step_action_requested(self, step_id: str, action: str, offset: int) -> None:
        """Done, skip, note or cancel from the timeline's menu. A record that cannot be
        saved brings its dialog back with what was typed and why (``ui.dialogs.saving``)."""
        plan = self.session.plan
        step = plan.step(step_id)
        occ = next((o for o in plan.step_occurrences(step) if o.anchor_day == offset), None)
        s = self.session

        def done(entry: DoneEntry) -> None:
            # A conditioning dose is refused while the graft is not secured; the dialog
            # then comes back offering an override with a reason (planner.app.graft_secured).
            after = mark_step_done(
                s.record,
                step_id,
                offset,
                entry.actual_date,
                by=s.actor_name,
                at=s.now_utc_text(),
                reason=entry.note,
                override=entry.override,
            )
            s.push(after, f"Mark {step.title} done", reason=entry.override)

        def ask_done(**again: Any) -> DoneEntry | None:
            assert occ is not None  # asked only for an occurrence of the plan
            if again and needs_override(s.record, step_id):
                again["can_override"] = True
            return StepDialogs.ask_done(self, occ, s.today, **again)

        def skip(reason: str) -> None:
            after = skip_occurrence(
                s.plan, step_id, offset, reason=reason, by=s.actor_name, at=s.now_utc_text()
            )
            s.push(after, f"Skip {step.title}", reason=reason)

        def cancel(reason: str) -> None:
            after = set_step_status(s.plan, step_id, StepStatus.CANCELLED, reason)
            s.push(after, f"Cancel {step.title}", reason=reason)

        try:
            if action == "done" and occ is not None:
                ask_until_saved(ask_done, done)
            elif action == "skip":
                ask_until_saved(
                    lambda **again: StepDialogs.ask_reason(
                        self,
                        self.tr("Skip"),
                        self.tr("Why is {step} skipped?").format(step=tr(step.title)),
                        **again,
                    ),
                    skip,
                )
            elif action == "note":
                ask_until_saved(
                    lambda **again: StepDialogs.ask_note(self, step.note, **again),
                    lambda text: s.push(
                        set_step_note(s.plan, step_id, text), f"Note on {step.title}"
                    ),
                )
            elif action == "cancel":
                ask_until_saved(
                    lambda **again: StepDialogs.ask_reason(
                        self,
                        self.tr("Cancel step"),
                        self.tr(
                            "Why is {step} cancelled? Occurrences already done or skipped "
                            "keep their record."
                        ).format(step=tr(step.title)),
                        **again,
                    ),
                    cancel,
                )
            elif action == "replan":
                self.session.push(
                    set_step_status(plan, step_id, StepStatus.PLANNED, ""),
                    f"Plan {step.title} again",
                )
            elif action == "undo_record" and occ is not None:
                after = undo_occurrence_record(plan, step_id, offset)
                self.session.push(after, f"Undo the {occ.status.value} record of {step.title}")
            elif action == "open":
                self._on_timeline_step_activated(step_id)
        except ValidationError as err:
            self.sig_status.emit(str(err))
