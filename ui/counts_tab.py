"""Blood counts after transplant: an entry grid by date, engraftment, and the count chart.

The grid shows one row per date (WBC, ANC, platelets, haemoglobin, and platelet / red-cell
transfusions as check boxes); typing a value saves it at once through a use case of
``planner.app.counts`` run by the transplant session (one transaction, undoable). The
engraftment panel shows the computed results of ``planner.records.recovery`` with their
rule and deciding values, and an Override... button that requires a reason. Above the chart,
a red banner shows the primary graft-failure watch (before engraftment) and an amber one the
secondary graft-failure and poor-graft-function patterns (after it), each to confirm. The chart
draws ``planner.records.recovery.chart_data``. The tab reads the session's record and
keeps no copy of it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCharts import (
    QAbstractAxis,
    QChart,
    QChartView,
    QLineSeries,
    QLogValueAxis,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.app.changes import PLAN, SAMPLES, TRANSPLANT, Change
from planner.app.counts import (
    override_engraftment,
    record_counts,
    record_transfusion,
    remove_count,
    remove_transfusion,
)
from planner.app.lab_import import ImportReport, import_labs
from planner.domain.days import short_day_label
from planner.domain.i18n import tr
from planner.domain.labs import (
    ANALYTE_LABEL,
    CHEMISTRY_ANALYTES,
    DRUG_LEVEL_ANALYTES,
    PHYSICAL_RANGE,
    LabSample,
    analyte_label,
)
from planner.domain.patients import Transplant, TransplantType
from planner.errors import PlannerError
from planner.labimport.reader import ColumnMapping
from planner.records.levels_chart import levels_chart
from planner.records.ports import ENGRAFTMENT
from planner.records.recovery import (
    RESULT_KEYS,
    RecoveryChart,
    RecoveryRecord,
    RecoveryStatus,
    assess,
    chart_data,
)
from ui.chimerism_panel import ChimerismPanel
from ui.dialogs.import_labs_dialog import ImportLabsDialog, saved_mappings_of
from ui.dialogs.saving import SaveErrorLine, ask_until_saved
from ui.dialogs.step_dialogs import StepDialogs
from ui.levels_chart import LevelsChartView
from ui.translation import QT_TRANSLATE_NOOP, format_date
from ui.transplant_session import TransplantSession
from ui.widgets.date_field import DateField, DateLimit
from ui.widgets.day_axis import add_day_axis
from ui.widgets.refresh import RefreshWhenShown

if TYPE_CHECKING:
    from ui.session import UseCase

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")
_ROOT = QModelIndex()
COLORS = {"anc": "#1f6fb2", "plt": "#b23a1f", "wbc": "#6a6a6a", "hb": "#7a4fa0"}
TX_COLUMNS = (
    ("platelets", QT_TRANSLATE_NOOP("CountsGridModel", "PLT tx")),
    ("red_cells", QT_TRANSLATE_NOOP("CountsGridModel", "RBC tx")),
)
HEADERS = (
    QT_TRANSLATE_NOOP("CountsGridModel", "Date"),
    QT_TRANSLATE_NOOP("CountsGridModel", "Day"),
    QT_TRANSLATE_NOOP("CountsGridModel", "WBC"),
    QT_TRANSLATE_NOOP("CountsGridModel", "ANC"),
    QT_TRANSLATE_NOOP("CountsGridModel", "PLT"),
    QT_TRANSLATE_NOOP("CountsGridModel", "Hb g/L"),
    *(t for _, t in TX_COLUMNS),
)
GRID_ANALYTES: tuple[str, ...] = ("wbc", "anc", "plt", "hb")
# Results a lab feed brings besides the counts: shown read-only, each column only for a
# patient who has such results (creatinine and bilirubin feed the calculators and the
# plan rules; the drug levels the chart of levels and chimerism).
# Each cell says its unit: a lab reports creatinine and bilirubin in mg/dL or in umol/L,
# and the grid shows what it reported (the tooltip gives the stored mg/dL beside it).
EXTRA_ANALYTES: tuple[str, ...] = (*CHEMISTRY_ANALYTES, *DRUG_LEVEL_ANALYTES)
LOG_FLOOR = 0.01  # log axis floor: 0 and "<0.01" are drawn here


def as_reported(sample: LabSample) -> str:
    """ "34 µmol/L": a result as the lab reported it, the micro sign as people write it."""
    return sample.reported.replace(_ASCII_MICRO, _MICRO)


_ASCII_MICRO, _MICRO = "umol/", "\u00b5mol/"


# --------------------------------------------------------------------------- grid model


@dataclass(frozen=True)
class _Day:
    date: dt.date
    values: dict[str, LabSample]
    transfusions: frozenset[str]


class CountsGridModel(QAbstractTableModel):
    """Counts by date (a view of the stored samples and record; edits go to ``save``).

    ``save(date, analyte, value)`` stores a value; ``toggle(date, product, on)`` a transfusion.
    """

    def __init__(
        self,
        save: Callable[[dt.date, str, float], bool],
        toggle: Callable[[dt.date, str, bool], bool],
        remove: Callable[[dt.date, str], bool] | None = None,
    ) -> None:
        super().__init__()
        self._save = save
        self._toggle = toggle
        self._remove = remove
        self._rows: list[_Day] = []
        self._day0: dt.date | None = None
        self._extra: tuple[str, ...] = ()

    @property
    def analytes(self) -> tuple[str, ...]:
        """The analyte of each value column, in order (counts first)."""
        return GRID_ANALYTES + self._extra

    def _analyte_at(self, col: int) -> str | None:
        values = self.analytes
        return values[col - 2] if 2 <= col < 2 + len(values) else None

    def _product_at(self, col: int) -> str | None:
        first = 2 + len(self.analytes)
        return TX_COLUMNS[col - first][0] if first <= col < first + len(TX_COLUMNS) else None

    def set_data(
        self,
        samples: Sequence[LabSample],
        record: RecoveryRecord,
        day0: dt.date | None,
        today: dt.date,
    ) -> None:
        """Rows from Day -3 (or the first sample) to today, newest first."""
        by_day: dict[dt.date, dict[str, LabSample]] = {}
        for s in samples:
            current = by_day.setdefault(s.date, {})
            # Counts: the lowest of a day, as engraftment reads them; other results: the
            # last one given (a lab's correction comes after its first result).
            lower = s.analyte in current and s.value >= current[s.analyte].value
            if s.analyte not in GRID_ANALYTES or not lower:
                current[s.analyte] = s
        present = {s.analyte for s in samples}
        extra = tuple(a for a in EXTRA_ANALYTES if a in present)
        tx: dict[dt.date, set[str]] = {}
        for t in record.transfusions:
            tx.setdefault(t.date, set()).add(t.product)
        dates = set(by_day) | set(tx)
        if day0 is not None and day0 <= today:
            start = min([day0 - dt.timedelta(days=3), *dates])
            dates |= {start + dt.timedelta(days=i) for i in range((today - start).days + 1)}
        dates.add(today)
        rows = [
            _Day(d, by_day.get(d, {}), frozenset(tx.get(d, ())))
            for d in sorted(dates, reverse=True)
        ]
        same_columns = extra == self._extra
        if (
            same_columns
            and day0 == self._day0
            and [r.date for r in rows] == [r.date for r in self._rows]
        ):
            # Same days: report the changed rows in place, so the cell being typed in
            # (and the user's place in the grid) survives the save of a value.
            old, self._rows = self._rows, rows
            for i, (before, after) in enumerate(zip(old, rows, strict=True)):
                if before != after:
                    self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
            return
        self.beginResetModel()
        self._day0 = day0
        self._rows = rows
        self._extra = extra
        self.endResetModel()

    def day_at(self, row: int) -> _Day:
        """The date and stored values of ``row``."""
        return self._rows[row]

    def row_of(self, date: dt.date) -> int:
        """The row showing ``date`` (-1 if none)."""
        return next((i for i, r in enumerate(self._rows) if r.date == date), -1)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else 2 + len(self.analytes) + len(TX_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        analyte = self._analyte_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if analyte in EXTRA_ANALYTES:
                return analyte_label(analyte)
            if analyte is None and section >= 2:  # a transfusion column
                section -= len(self._extra)
            return QCoreApplication.translate("CountsGridModel", HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and 2 <= section < 5:
            return QCoreApplication.translate("CountsGridModel", "x10^9/L (K/uL)")
        if role == Qt.ItemDataRole.ToolTipRole and analyte in EXTRA_ANALYTES:
            return QCoreApplication.translate(
                "CountsGridModel", "From lab files; correct it in the lab's system"
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        if 2 <= col < 2 + len(GRID_ANALYTES):
            return base | Qt.ItemFlag.ItemIsEditable
        if self._product_at(col) is not None:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        product = self._product_at(col)
        if product is not None:
            if role == Qt.ItemDataRole.CheckStateRole:
                return (
                    Qt.CheckState.Checked if product in r.transfusions else Qt.CheckState.Unchecked
                )
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return format_date(r.date, "%a %d %b")
            if col == 1:
                return short_day_label((r.date - self._day0).days) if self._day0 else ""
            sample = r.values.get(self.analytes[col - 2])
            if sample is None:
                return ""
            if sample.analyte in EXTRA_ANALYTES:  # as the lab reported it, with its unit
                return as_reported(sample)
            return sample.display_value
        if role == Qt.ItemDataRole.ToolTipRole and col >= 2:
            sample = r.values.get(self.analytes[col - 2])
            if sample is None:
                return None
            shown = f"{sample.display_value} {sample.unit}"
            if sample.reported_unit:  # the lab's own figure beside the stored one
                shown += " = " + sample.reported
            return f"{shown} ({sample.source})"
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        r = self._rows[index.row()]
        col = index.column()
        product = self._product_at(col)
        if product is not None and role == Qt.ItemDataRole.CheckStateRole:
            on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
            return self._toggle(r.date, product, on)
        if 2 <= col < 2 + len(GRID_ANALYTES) and role == Qt.ItemDataRole.EditRole:
            text = str(value).strip().replace(",", ".")
            if not text:
                # A cleared cell takes back the stored count (with a reason; undoable).
                analyte = GRID_ANALYTES[col - 2]
                if analyte in r.values and self._remove is not None:
                    return self._remove(r.date, analyte)
                return False
            try:
                number = float(text)
            except ValueError:
                return self._save(r.date, GRID_ANALYTES[col - 2], math.nan)
            return self._save(r.date, GRID_ANALYTES[col - 2], number)
        return False


# --------------------------------------------------------------------------- chart


class CountChartView(QChartView):
    """ANC, platelets and WBC by transplant day; thresholds, markers, zoom, hover values.

    Attributes:
        hover_text: the text of the last hovered point ("ANC D+12 (Sat 14 Feb): 0.6").
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRubberBand(QChartView.RubberBand.RectangleRubberBand)
        self.setMinimumHeight(260)
        self.hover_text = ""
        self.log_scale = True
        self.data: RecoveryChart | None = None
        self.setChart(QChart())

    def set_data(self, data: RecoveryChart | None, log_scale: bool | None = None) -> None:
        """Draw ``data`` (None: an empty chart with a note)."""
        if log_scale is not None:
            self.log_scale = log_scale
        self.data = data
        chart = QChart()
        # One row above the plot: on the right, a dozen entries (counts, thresholds,
        # engraftment days, transfusions) ran past the chart's foot at 1366x768. A label
        # too long for its share of the row is elided; its tooltip gives it in full.
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignTop)
        legend.setShowToolTips(True)
        chart.setMargins(chart.margins())
        if data is None or not data.series:
            chart.setTitle(self.tr("No blood counts yet"))
            self.setChart(chart)
            return
        chart.setTitle(self.tr("Blood counts by transplant day (x10^9/L)"))
        x = add_day_axis(chart, data.first_day, data.last_day, self.tr("Transplant day"))
        left, right = self._y_axes(chart, data)
        for s in data.series:
            line = QLineSeries()
            line.setName(s.label)
            line.setPointsVisible(True)
            line.setPen(QPen(QColor(COLORS.get(s.analyte, "#333")), 2))
            for p in s.points:
                line.append(p.day, max(p.value, LOG_FLOOR) if self.log_scale else p.value)
            chart.addSeries(line)
            self._attach(line, x, right if s.analyte == "plt" else left)
            line.hovered.connect(
                lambda point, state, a=s.analyte: self._on_series_hovered(a, point, state)
            )
        for analyte, value, label in data.thresholds:
            line = QLineSeries()
            line.setName(label)
            pen = QPen(QColor(COLORS.get(analyte, "#333")), 1, Qt.PenStyle.DashLine)
            line.setPen(pen)
            line.append(data.first_day - 0.5, value)
            line.append(data.last_day + 0.5, value)
            chart.addSeries(line)
            self._attach(line, x, right if analyte == "plt" else left)
        self._markers(chart, data, x, left)
        self.setChart(chart)

    def _y_axes(self, chart: QChart, data: RecoveryChart) -> tuple[QAbstractAxis, QAbstractAxis]:
        top = max(
            [
                1.0,
                *(p.value for s in data.series for p in s.points),
                *(v for _, v, _ in data.thresholds),
            ]
        )
        if self.log_scale:
            axis = QLogValueAxis()
            axis.setBase(10)
            axis.setLabelFormat("%g")
            axis.setRange(LOG_FLOOR, 10 ** math.ceil(math.log10(top * 1.5)))
            axis.setTitleText(self.tr("x10^9/L (log)"))
            chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
            return axis, axis
        tops = {"left": 1.0, "right": 60.0}
        for s in data.series:
            side = "right" if s.analyte == "plt" else "left"
            tops[side] = max([tops[side], *(p.value for p in s.points)])
        left = QValueAxis()
        left.setRange(0, tops["left"] * 1.1)
        left.setTitleText(self.tr("ANC, WBC x10^9/L"))
        right = QValueAxis()
        right.setRange(0, tops["right"] * 1.1)
        right.setTitleText(self.tr("Platelets x10^9/L"))
        left.applyNiceNumbers()
        right.applyNiceNumbers()
        chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        return left, right

    @staticmethod
    def _attach(series: QLineSeries | QScatterSeries, x: QAbstractAxis, y: QAbstractAxis) -> None:
        series.attachAxis(x)
        series.attachAxis(y)

    def _markers(self, chart: QChart, data: RecoveryChart, x: QValueAxis, y: QAbstractAxis) -> None:
        low = LOG_FLOOR if self.log_scale else 0.0
        y_max = y.max() if isinstance(y, QValueAxis | QLogValueAxis) else 1.0
        for m in data.markers_of("engraftment"):
            line = QLineSeries()
            line.setName(m.label)
            line.setPen(QPen(QColor("#0b7a2a"), 2, Qt.PenStyle.DotLine))
            line.append(m.day, low)
            line.append(m.day, y_max)
            chart.addSeries(line)
            self._attach(line, x, y)
        shapes = (
            (
                "transfusion_platelets",
                self.tr("Platelet transfusion"),
                "#b23a1f",
                QScatterSeries.MarkerShape.MarkerShapeTriangle,
            ),
            (
                "transfusion_red_cells",
                self.tr("Red-cell transfusion"),
                "#8b0000",
                QScatterSeries.MarkerShape.MarkerShapeRectangle,
            ),
            ("gcsf", "G-CSF", "#1f8f8f", QScatterSeries.MarkerShape.MarkerShapeCircle),
        )
        for kind, name, color, shape in shapes:
            marks = data.markers_of(kind)
            if not marks:
                continue
            scatter = QScatterSeries()
            scatter.setName(name)
            scatter.setMarkerShape(shape)
            scatter.setMarkerSize(9)
            scatter.setColor(QColor(color))
            scatter.setBorderColor(QColor(color))
            level = (
                low * (1.6 if kind == "gcsf" else 1.25)
                if self.log_scale
                else (y_max * (0.04 if kind == "gcsf" else 0.02))
            )
            for m in marks:
                scatter.append(m.day, level)
            chart.addSeries(scatter)
            self._attach(scatter, x, y)
            scatter.hovered.connect(
                lambda point, state, k=kind: self._on_marker_hovered(k, point, state)
            )

    def _on_series_hovered(self, analyte: str, point: QPointF, state: bool) -> None:
        if not state or self.data is None:
            return
        series = next((s for s in self.data.series if s.analyte == analyte), None)
        if series is None or not series.points:
            return
        nearest = min(series.points, key=lambda p: abs(p.day - point.x()))
        self.hover_text = (
            f"{series.label} {short_day_label(nearest.day)} "
            f"({format_date(nearest.date, '%a %d %b')}): {nearest.qualifier}{nearest.value:g} "
            f"{series.unit}"
        )
        QToolTip.showText(self.cursor().pos(), self.hover_text, self)

    def _on_marker_hovered(self, kind: str, point: QPointF, state: bool) -> None:
        if not state or self.data is None:
            return
        marks = self.data.markers_of(kind)
        if marks:
            nearest = min(marks, key=lambda m: abs(m.day - point.x()))
            self.hover_text = nearest.label
            QToolTip.showText(self.cursor().pos(), self.hover_text, self)

    def reset_zoom(self) -> None:
        """Back to the whole range."""
        self.chart().zoomReset()


# --------------------------------------------------------------------------- override dialog


class OverrideDialog(QDialog):
    """Override an engraftment result with a date (or "not engrafted") and a reason.

    ``typed`` and ``error``: the override typed before and why it was not saved (asked
    again, ``ui.dialogs.saving``).
    """

    def __init__(
        self,
        parent: QWidget | None,
        key: str,
        status: RecoveryStatus,
        today: dt.date,
        *,
        typed: tuple[dt.date | None, str] | None = None,
        error: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Override: {result}").format(result=tr(RESULT_KEYS[key])))
        result = status.result(key)
        computed = result.computed or result
        self.engrafted = QRadioButton(self.tr("Engrafted on"))
        self.not_engrafted = QRadioButton(self.tr("Not engrafted"))
        self.date_edit = DateField(
            result.date or today,
            accessible_name=self.tr("Engraftment date"),
            maximum=DateLimit(
                today, self.tr("after today: engraftment is recorded once it happened")
            ),
        )
        (self.engrafted if result.date else self.not_engrafted).setChecked(True)
        self.reason = QLineEdit()
        if typed is not None:
            typed_date, typed_reason = typed
            if typed_date is not None:
                self.date_edit.set_date(typed_date)
            (self.engrafted if typed_date is not None else self.not_engrafted).setChecked(True)
            self.reason.setText(typed_reason)
        self.reason.setAccessibleName(self.tr("Reason for the override"))
        self.reason.setPlaceholderText(
            self.tr("e.g. manual differential; count drawn after transfusion")
        )
        explanation = QLabel(
            self.tr("Computed: {explanation}").format(explanation=computed.explanation())
        )
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout(self)
        form.addRow(explanation)
        form.addRow(self.engrafted, self.date_edit)
        form.addRow(self.not_engrafted)
        form.addRow(self.tr("&Reason (required):"), self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()))  # Enter with no reason presses nothing
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.reason.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(SaveErrorLine(error))
        form.addRow(self.buttons)
        self.reason.setFocus()  # a reason typed at once never lands on a button

    def accept(self) -> None:
        """Close only with a reason and, when engrafted, an acceptable date."""
        if not self.reason.text().strip():
            return
        if self.engrafted.isChecked() and not self.date_edit.is_valid():
            self.date_edit.show_error()
            self.date_edit.setFocus()
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        key: str,
        status: RecoveryStatus,
        today: dt.date,
        *,
        typed: tuple[dt.date | None, str] | None = None,
        error: str = "",
    ) -> tuple[dt.date | None, str] | None:
        """(date or None for not engrafted, reason), or None when cancelled."""
        dialog = cls(parent, key, status, today, typed=typed, error=error)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        date = dialog.date_edit.date() if dialog.engrafted.isChecked() else None
        return date, dialog.reason.text().strip()


# --------------------------------------------------------------------------- the tab


class CountsTab(QWidget):
    """Counts, engraftment and the chart of one transplant: a view of the session's record.

    Signals:
        sig_status: a one-line message for the status bar.
    """

    sig_status = Signal(str)
    """Emitted with a one-line message."""

    def __init__(
        self,
        session: TransplantSession,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._settings = settings
        self.status: RecoveryStatus | None = None
        self.model = CountsGridModel(self._save_value, self._toggle_transfusion, self._remove_value)
        self.grid = QTableView()
        self.grid.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        # Delete or Backspace on a count, or "Remove this count..." in its menu, takes it back.
        self.grid.installEventFilter(self)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._on_grid_menu_requested)
        self.grid.setModel(self.model)
        self.grid.setAccessibleName(self.tr("Blood counts by date"))
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart = CountChartView()
        self.log_check = QCheckBox(self.tr("Lo&g scale"))  # Alt+L: the Calendar tab
        self.log_check.setChecked(True)
        self.log_check.toggled.connect(self._on_log_check_toggled)
        self.reset_zoom_button = QPushButton(self.tr("Reset &zoom"))
        self.reset_zoom_button.clicked.connect(self.chart.reset_zoom)
        self.import_button = QPushButton(self.tr("&Import lab file..."))
        self.import_button.clicked.connect(self.import_labs)
        self.engraftment_labels: dict[str, QLabel] = {}
        self.override_buttons: dict[str, QPushButton] = {}
        panel = QGroupBox(self.tr("Engraftment (CIBMTR/ASTCT 2021)"))
        grid = QGridLayout(panel)
        for row, (key, english_title) in enumerate(RESULT_KEYS.items()):
            title = tr(english_title)
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAccessibleName(title)
            button = QPushButton(self.tr("Override..."))
            button.setAccessibleName(self.tr("Override {result}").format(result=title))
            button.clicked.connect(lambda _checked=False, k=key: self.override(k))
            grid.addWidget(QLabel(f"<b>{title}</b>"), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.engraftment_labels[key] = label
            self.override_buttons[key] = button
        grid.setColumnStretch(1, 1)
        self.graft_failure = QLabel()
        self.graft_failure.setObjectName("graftFailureBanner")
        self.graft_failure.setWordWrap(True)
        self.graft_failure.setTextFormat(Qt.TextFormat.PlainText)
        self.graft_failure.setStyleSheet(
            "background:#fde2e1;color:#8b0000;border:1px solid #8b0000;padding:6px;"
        )
        self.graft_function = QLabel()
        self.graft_function.setObjectName("graftFunctionBanner")
        self.graft_function.setAccessibleName(self.tr("Graft function after engraftment"))
        self.graft_function.setWordWrap(True)
        self.graft_function.setTextFormat(Qt.TextFormat.PlainText)
        self.graft_function.setStyleSheet(
            "background:#fff4d6;color:#6b4500;border:1px solid #b07d00;padding:6px;"
        )
        tools = QHBoxLayout()
        tools.addWidget(self.import_button)
        tools.addStretch(1)
        tools.addWidget(self.log_check)
        tools.addWidget(self.reset_zoom_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.graft_failure)
        right_layout.addWidget(self.graft_function)
        # The chart above, the engraftment results (long rule texts) and chimerism below in
        # a scroll area: at 768 pixels the results scroll instead of painting over the chart.
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(panel)
        self.chimerism: ChimerismPanel | None = None
        self.levels: LevelsChartView | None = None
        if session.transplant.transplant_type is TransplantType.ALLOGENEIC:
            self.chimerism = ChimerismPanel(session, self.sig_status.emit)
            details_layout.addWidget(self.chimerism)
            # Tacrolimus or ciclosporin levels and the chimerism results, as a trend: a
            # second chart beside the counts', one tab each (three panes stacked leave
            # none readable at 768 pixels).
            self.levels = LevelsChartView()
        details_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.chart.setMinimumHeight(220)
        charts = QSplitter(Qt.Orientation.Vertical)
        self.chart_tabs: QTabWidget | None = None
        if self.levels is not None:
            self.chart_tabs = QTabWidget()
            self.chart_tabs.setDocumentMode(True)
            self.chart_tabs.addTab(self.chart, self.tr("Blood counts"))
            self.chart_tabs.addTab(self.levels, self.tr("Drug levels and chimerism"))
            charts.addWidget(self.chart_tabs)
        else:
            charts.addWidget(self.chart)
        charts.addWidget(scroll)
        charts.setStretchFactor(0, 3)
        charts.setStretchFactor(1, 2)
        right_layout.addWidget(charts, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([470, 900])
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.splitter, 1)
        self._refresher = RefreshWhenShown(self, self._show)
        session.sig_changed.connect(self._on_session_changed)
        self._show()

    @property
    def transplant(self) -> Transplant:
        """The transplant as stored now."""
        return self.session.transplant

    @property
    def record(self) -> RecoveryRecord:
        """Transfusions, overrides and superseded counts (the session's)."""
        return self.session.record.recovery

    @property
    def samples(self) -> list[LabSample]:
        """The patient's counts that no correction or undo superseded."""
        return self.session.record.counts

    def _on_session_changed(self, change: Change) -> None:
        if change.touches(ENGRAFTMENT, SAMPLES, PLAN, TRANSPLANT):
            self._refresher.request()

    def _show(self) -> None:
        try:
            record, samples = self.record, self.samples
        except PlannerError as err:
            self.sig_status.emit(str(err))
            return
        today = self.session.today
        day0 = self.transplant.day0
        self.model.set_data(samples, record, day0, today)
        if self.chimerism is not None:
            self.chimerism.show_results(record.chimerism, day0)
        if self.levels is not None:
            self.levels.set_data(
                levels_chart(samples, record.chimerism, day0) if day0 is not None else None
            )
        if day0 is None:
            self.status = None
            self.chart.set_data(None)
            for label in self.engraftment_labels.values():
                label.setText(self.tr("Set Day 0 to assess engraftment."))
            self.graft_failure.setVisible(False)
            self.graft_function.setVisible(False)
            return
        self.status = assess(self.transplant, samples, record, today)
        for key, label in self.engraftment_labels.items():
            result = self.status.result(key)
            label.setText(result.explanation())
            label.setToolTip(result.rule)
        flag = self.status.graft_failure
        self.graft_failure.setVisible(flag is not None)
        if flag is not None:
            self.graft_failure.setText(flag.message)
            self.graft_failure.setToolTip(flag.rule)
        after = [p for p in (self.status.secondary, self.status.poor_function) if p is not None]
        self.graft_function.setVisible(bool(after))
        self.graft_function.setText("\n".join(p.message(day0) for p in after))
        self.graft_function.setToolTip("\n\n".join(p.rule for p in after))
        self.chart.set_data(
            chart_data(
                self.transplant, self.session.plan, samples, record, today, status=self.status
            ),
            self.log_check.isChecked(),
        )

    def _on_log_check_toggled(self, on: bool) -> None:
        self.chart.set_data(self.chart.data, on)

    def _run(self, use_case: UseCase[Change], done: str) -> bool:
        """Run an edit through the session (undoable); report it in the status bar."""
        try:
            change = self.session.run(use_case)
        except PlannerError as err:
            self.sig_status.emit(str(err))
            return False
        if change.parts:
            self.sig_status.emit(done)
        return True

    def _ask_and_run(
        self, ask: Callable[..., T | None], edit: Callable[[T], UseCase[Change]], done: str
    ) -> bool:
        """Ask, then run the edit like ``_run``; an edit refused or not saved brings the
        dialog back with what was typed and why (``ui.dialogs.saving``)."""
        try:
            change = ask_until_saved(ask, lambda answer: self.session.run(edit(answer)))
        except PlannerError as err:  # a conflict: the record was reloaded
            self.sig_status.emit(str(err))
            return False
        if change is None:
            return False
        if change.parts:
            self.sig_status.emit(done)
        return True

    # --- edits -------------------------------------------------------------------------------

    def _save_value(self, date: dt.date, analyte: str, value: float) -> bool:
        label = ANALYTE_LABEL[analyte]
        if math.isnan(value):
            self.sig_status.emit(self.tr("{count}: type a number.").format(count=label))
            return False
        low, high = PHYSICAL_RANGE[analyte]
        if not low <= value <= high:
            self.sig_status.emit(
                self.tr("{count} {value} is outside {low}-{high}; not saved.").format(
                    count=label, value=f"{value:g}", low=f"{low:g}", high=f"{high:g}"
                )
            )
            return False
        existing = [s for s in self.samples if s.date == date and s.analyte == analyte]
        tid = self.transplant.id
        done = self.tr("{count} {value} on {date} saved.").format(
            count=label, value=f"{value:g}", date=format_date(date, "%d %b")
        )

        def edit(reason: str) -> UseCase[Change]:
            return lambda repo, ctx: record_counts(repo, ctx, tid, date, {analyte: value}, reason)

        if existing and any(s.value != value for s in existing):
            prompt = self.tr("{count} on {date} is {value}. Why correct it?").format(
                count=label, date=format_date(date, "%d %b"), value=existing[0].display_value
            )
            title = self.tr("Correct a count")
            return self._ask_and_run(
                lambda **again: StepDialogs.ask_reason(self, title, prompt, **again),
                edit,
                done,
            )
        return self._run(edit(""), done)

    def _remove_value(self, date: dt.date, analyte: str) -> bool:
        """Take back the stored count of ``analyte`` on ``date``, with a reason."""
        label = ANALYTE_LABEL[analyte]
        tid = self.transplant.id
        return self._ask_and_run(
            lambda **again: StepDialogs.ask_reason(
                self,
                self.tr("Remove a count"),
                self.tr("Why remove {count} of {date}?").format(
                    count=label, date=format_date(date, "%d %b %Y")
                ),
                **again,
            ),
            lambda reason: lambda repo, ctx: remove_count(repo, ctx, tid, date, analyte, reason),
            self.tr("{count} of {date} removed (Undo brings it back).").format(
                count=label, date=format_date(date, "%d %b")
            ),
        )

    def _grid_count_at(self, index: QModelIndex) -> tuple[dt.date, str] | None:
        col = index.column()
        if not index.isValid() or not 2 <= col < 2 + len(GRID_ANALYTES):
            return None
        day = self.model.day_at(index.row())
        analyte = GRID_ANALYTES[col - 2]
        return (day.date, analyte) if analyte in day.values else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.grid
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.grid.state() != QAbstractItemView.State.EditingState
        ):
            found = self._grid_count_at(self.grid.currentIndex())
            if found is not None:
                self._remove_value(*found)
                return True
        return super().eventFilter(watched, event)

    def _on_grid_menu_requested(self, pos: QPoint) -> None:
        found = self._grid_count_at(self.grid.indexAt(pos))
        if found is None:
            return
        menu = QMenu(self)
        action = menu.addAction(self.tr("Remove this count..."))
        action.triggered.connect(lambda: self._remove_value(*found))
        menu.exec(self.grid.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _toggle_transfusion(self, date: dt.date, product: str, on: bool) -> bool:
        platelets = product == "platelets"
        tid = self.transplant.id
        when = format_date(date, "%d %b")
        if on:
            done = (
                self.tr("Platelet transfusion recorded on {date}.")
                if platelets
                else self.tr("Red-cell transfusion recorded on {date}.")
            ).format(date=when)
        else:
            done = (
                self.tr("Platelet transfusion removed on {date}.")
                if platelets
                else self.tr("Red-cell transfusion removed on {date}.")
            ).format(date=when)
        if on:
            return self._run(
                lambda repo, ctx: record_transfusion(repo, ctx, tid, date, product), done
            )
        return self._ask_and_run(
            lambda **again: StepDialogs.ask_reason(
                self,
                self.tr("Remove transfusion"),
                (
                    self.tr("Why remove the platelet transfusion of {date}?")
                    if platelets
                    else self.tr("Why remove the red-cell transfusion of {date}?")
                ).format(date=when),
                **again,
            ),
            lambda reason: (
                lambda repo, ctx: remove_transfusion(repo, ctx, tid, date, product, reason)
            ),
            done,
        )

    def add_counts(self, date: dt.date, values: dict[str, float], reason: str = "") -> None:
        """Save several counts of one date (the grid saves one cell at a time)."""
        tid = self.transplant.id
        self._run(
            lambda repo, ctx: record_counts(repo, ctx, tid, date, values, reason),
            self.tr("Counts of {date} saved.").format(date=format_date(date, "%d %b")),
        )

    def override(self, key: str) -> None:
        """Ask for an override of one engraftment result (a reason is required)."""
        if self.status is None:
            self.sig_status.emit(self.tr("Set Day 0 before assessing engraftment."))
            return
        status, tid = self.status, self.transplant.id
        self._ask_and_run(
            lambda **again: OverrideDialog.ask(self, key, status, self.session.today, **again),
            lambda answer: (
                lambda repo, ctx: override_engraftment(repo, ctx, tid, key, answer[0], answer[1])
            ),
            self.tr("{result}: override saved.").format(result=tr(RESULT_KEYS[key])),
        )

    def import_labs(self) -> None:
        """Open the import dialog (the import is undoable in this tab)."""
        report = ImportLabsDialog.ask(
            self, self.run_import, self._settings, mappings=saved_mappings_of(self.session)
        )
        if report is not None:
            self.sig_status.emit(report.summary())

    def run_import(
        self,
        data: bytes,
        name: str,
        mapping: ColumnMapping,
        dry_run: bool,
        on_done: Callable[[ImportReport], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Start a lab import (or its dry run) in a worker thread, on the edit path of this
        transplant's session: the import is undoable in this tab once stored."""
        if dry_run:
            self.session.read_in_background(
                lambda repo, ctx: import_labs(repo, ctx, data, name, mapping, dry_run=True),
                on_done,
                on_error,
            )
            return
        self.session.run_in_background(
            lambda repo, ctx: import_labs(repo, ctx, data, name, mapping), on_done, on_error
        )
