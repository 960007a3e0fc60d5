"""Budget of the clinic timeline: 500 patients x 60 steps, one frame at any zoom and scrolling.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_timeline``

Each case renders the timeline's viewport (1600x900 widget) into a QImage; the floor is
a bare QWidget of the same size rendered the same way in the same run. Budget: 16 ms
median per frame (docs/architecture.md, "Performance budgets"). Nothing is asserted; figures are printed.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable

from benchmarks.common import Figure, median_time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from planner.domain.plans import instantiate
from planner.domain.templates import parse_protocol
from ui.widgets.clinic_timeline import ClinicRow, ClinicTimeline

TODAY = dt.date(2026, 3, 10)
PATIENTS = 500
SIZE = (1600, 900)
BUDGET_S = 0.016
# (phase, kind, day form) cycled to make 60 steps from Day -40 to Day +365.
_SHAPES = (
    ("work-up", "visit", "day = {d}"),
    ("mobilisation", "medication", "from = {d}\nto = {e}"),
    ("collection", "procedure", "days = [{d}, {e}]"),
    ("conditioning", "medication", "from = {d}\nto = {e}"),
    ("infusion", "procedure", "day = {d}"),
    ("gvhd-prophylaxis", "medication", "from = {d}\nto = {e}\nevery = 2"),
    ("supportive-care", "medication", "from = {d}\nto = {e}"),
    ("recovery", "lab", "from = {d}\nto = {e}\nevery = 3"),
    ("follow-up", "visit", "day = {d}"),
)
# First day of each phase's window; steps of a phase are spread inside it.
_WINDOWS = {
    "work-up": (-40, -31),
    "mobilisation": (-30, -21),
    "collection": (-20, -15),
    "conditioning": (-8, -1),
    "infusion": (0, 0),
    "gvhd-prophylaxis": (-1, 180),
    "supportive-care": (-7, 60),
    "recovery": (1, 100),
    "follow-up": (100, 365),
}


def sixty_step_template() -> bytes:
    """One synthetic template of 60 steps spread over Day -40..+365 in every phase."""
    lines = [
        "schema = 1",
        'id = "bench-clinic"',
        'version = "1"',
        'title = "Benchmark"',
        'category = "follow-up"',
        'transplant_types = ["allogeneic"]',
        'graft_sources = ["pbsc"]',
        'review_status = "for local review"',
        'source = "synthetic benchmark"',
    ]
    for i in range(60):
        phase, kind, form = _SHAPES[i % len(_SHAPES)]
        lo, hi = _WINDOWS[phase]
        nth = i // len(_SHAPES)
        start = lo + (nth * 7) % max(1, hi - lo + 1)
        end = min(hi, start + (3 if phase in ("mobilisation", "conditioning") else 20))
        if end <= start:
            end = start + 1
        lines += [
            "[[steps]]",
            f'id = "s{i}"',
            f'title = "Step {i}"',
            f'phase = "{phase}"',
            f'kind = "{kind}"',
            form.format(d=start, e=end),
        ]
    return "\n".join(lines).encode()


def synthetic_clinic(patients: int = PATIENTS) -> list[ClinicRow]:
    """``patients`` rows, Day 0s spread from a year ago to two months ahead."""
    protocol = parse_protocol(sixty_step_template(), "bench.toml")
    rows = []
    for i in range(patients):
        day0 = TODAY + dt.timedelta(days=60 - (i * 37) % 425)
        plan = instantiate(protocol, day0, transplant_id=f"t{i}")
        rows.append(ClinicRow(f"t{i}", f"PATIENT{i:03d}, Test · D{(TODAY - day0).days:+d}", plan))
    return rows


def _frame(widget: QWidget, image: QImage) -> Callable[[], None]:
    def run() -> None:
        widget.render(image)

    return run


def main() -> list[Figure]:
    """Run and print the clinic timeline benchmarks."""
    app = QApplication.instance() or QApplication([])
    rows = synthetic_clinic()
    timeline = ClinicTimeline()
    timeline.resize(*SIZE)
    timeline.show()
    start = time.perf_counter()
    timeline.set_rows(rows, TODAY)
    set_rows_s = time.perf_counter() - start
    app.processEvents()
    viewport = timeline.viewport()
    image = QImage(viewport.size(), QImage.Format.Format_ARGB32_Premultiplied)
    bare = QWidget()
    bare.resize(viewport.size())
    bare.show()
    app.processEvents()
    floor = median_time(_frame(bare, image), repeat=15)
    steps = sum(len(r.plan.steps) for r in rows if r.plan is not None)
    figures = [
        Figure(
            f"set_rows {len(rows)} patients, {steps} steps",
            set_rows_s,
            "bare frame",
            floor,
            "reported",
            True,
        )
    ]
    for ppd in (0.5, 1.0, 3.0, 12.0, 40.0):
        timeline.set_px_per_day(ppd)
        timeline.scroll_to_today()
        timeline.verticalScrollBar().setValue(200 * 24)
        seconds = median_time(_frame(viewport, image), repeat=21)
        figures.append(
            Figure(
                f"frame at {ppd:g} px/day ({timeline.detail_level()})",
                seconds,
                "bare frame",
                floor,
                "16 ms median",
                seconds <= BUDGET_S,
            )
        )
    timeline.fit()
    seconds = median_time(_frame(viewport, image), repeat=21)
    figures.append(
        Figure(
            f"frame after fit() ({timeline.px_per_day:.2f} px/day)",
            seconds,
            "bare frame",
            floor,
            "16 ms median",
            seconds <= BUDGET_S,
        )
    )
    for ppd in (0.5, 3.0, 12.0, 40.0):
        figures.append(_scrolling(timeline, image, ppd, floor))
    for fig in figures:
        print(fig.line())
    return figures


def _scrolling(timeline: ClinicTimeline, image: QImage, ppd: float, floor: float) -> Figure:
    """Frames with both scroll positions changing every frame."""
    timeline.set_px_per_day(ppd)
    timeline.scroll_to_today()
    vbar, hbar = timeline.verticalScrollBar(), timeline.horizontalScrollBar()
    state = {"n": 0}

    def frame() -> None:
        n = state["n"] = state["n"] + 1
        vbar.setValue((n * 37) % max(1, vbar.maximum()))
        hbar.setValue((hbar.value() + 13) % max(1, hbar.maximum()))
        timeline.viewport().render(image)

    seconds = median_time(frame, repeat=41)
    return Figure(
        f"scrolling at {ppd:g} px/day ({timeline.detail_level()})",
        seconds,
        "bare frame",
        floor,
        "16 ms median",
        seconds <= BUDGET_S,
    )


if __name__ == "__main__":
    main()
