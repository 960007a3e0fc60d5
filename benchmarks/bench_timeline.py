"""Budget of the clinic timeline: 500 and 2,000 patients x 60 steps, one frame at any
zoom, a frame reaching rows not painted since the last refresh, and scrolling.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_timeline
[--patients N ...] [--profile]``

Each case renders the timeline's viewport (1600x900 widget) into a QImage; the floor is
a bare QWidget of the same size rendered the same way, interleaved with the case (one
floor frame, one case frame, ...), medians of each. Budget: 16 ms median per frame
(docs/architecture.md, "Performance budgets"). Nothing is asserted; figures are printed.

* frame at a zoom: the same view again (its rows measured already);
* unpainted rows: after a refresh with new plans (as a load gives), every frame shows
  a page of rows never painted since (each row's geometry is built on its first paint,
  for at most ``PAINT_BUILD_S`` a frame: the rows left are drawn by the frames that
  follow); "page whole" is the time of the frames until such a page is drawn entirely;
* scrolling: both scroll positions change every frame.

``--profile``: cProfile the unpainted-rows and scrolling frames at the largest size and
print where the time goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Figure, interleaved_medians, median_time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from planner.app.timeline import row_sketch
from planner.domain.plans import instantiate
from planner.domain.templates import parse_protocol
from ui.widgets.clinic_timeline import ROW_HEIGHT, ClinicRow, ClinicTimeline

TODAY = dt.date(2026, 3, 10)
# Clinic sizes measured by default; the budget holds up to 2,000 active transplants.
PATIENTS = (500, 2000)
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


def synthetic_clinic(patients: int = PATIENTS[0]) -> list[ClinicRow]:
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


def _frame_figure(
    name: str, fn: Callable[[], object], bare: Callable[[], object], repeat: int
) -> Figure:
    seconds, floor = interleaved_medians(fn, bare, repeat=repeat)
    return Figure(name, seconds, "bare frame", floor, "16 ms median", seconds <= BUDGET_S)


def _unpainted(
    timeline: ClinicTimeline,
    patients: int,
    ppd: float,
    built: bool = False,
    sketched: bool = False,
    idle: bool = False,
    whole: bool = False,
) -> tuple[Callable[[], None], int]:
    """Frames each showing a page of rows not painted since the last refresh; the frame
    and how many such pages there are. The refresh gives new plans (nothing of them
    computed yet), as the clinic's load does; ``built``: with every plan's occurrences
    built beforehand (to tell their share of the frame without a profiler);
    ``sketched``: with each row's sketch made beforehand, as the app makes them in a
    worker thread after each load (``ClinicSession._sketch_in_background``); ``idle``: and
    the event loop run until the timeline has prepared every row in its idle slices (what
    a user scrolling a moment after a load meets); ``whole``: each frame is followed by
    those the timeline asks for until the page is drawn entirely (``drawing_deferred``),
    as the event loop runs them, and the case is all of them."""
    rows = synthetic_clinic(patients)
    if built:
        for row in rows:
            if row.plan is not None:
                row.plan.sorted_occurrences()
    if sketched:
        rows = [
            ClinicRow(r.transplant_id, r.label, r.plan, row_sketch(r.plan)) if r.plan else r
            for r in rows
        ]
        for row in rows:
            if row.sketch is not None:
                _ = row.sketch.bands
    timeline.set_px_per_day(ppd)
    timeline.set_rows(rows, TODAY)
    timeline.scroll_to_today()
    if idle:
        # As the window asks once the load and its sketches are done. (Without it this
        # case measured rows never prepared: nothing was pending.)
        timeline.prepare_while_idle()
        while timeline._pending:
            QApplication.processEvents()
    viewport = timeline.viewport()
    image = QImage(viewport.size(), QImage.Format.Format_ARGB32_Premultiplied)
    vbar = timeline.verticalScrollBar()
    # A page further than a viewport's height: no row of one page is in the next.
    page = viewport.height() + ROW_HEIGHT
    pages = max(1, (vbar.maximum() + viewport.height()) // page)
    state = {"n": 0}

    def frame() -> None:
        n = state["n"]
        state["n"] = n + 1
        vbar.setValue(min(vbar.maximum(), (n % pages) * page))
        viewport.render(image)
        while whole and timeline.drawing_deferred:
            viewport.render(image)

    return frame, pages


def _scrolling(timeline: ClinicTimeline, image: QImage, ppd: float) -> Callable[[], None]:
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

    return frame


def measure(patients: int) -> list[Figure]:
    """The figures of one clinic of ``patients`` rows, printed as they come."""
    app = QApplication.instance() or QApplication([])
    rows = synthetic_clinic(patients)
    timeline = ClinicTimeline()
    timeline.resize(*SIZE)
    timeline.show()
    app.processEvents()
    viewport = timeline.viewport()
    bare = QWidget()
    bare.resize(viewport.size())
    bare.show()
    app.processEvents()
    image = QImage(viewport.size(), QImage.Format.Format_ARGB32_Premultiplied)
    print(f"-- {patients} patients, viewport {viewport.width()}x{viewport.height()}")
    bare_frame = _frame(bare, image)
    floor = median_time(bare_frame, repeat=15)
    start = time.perf_counter()
    timeline.set_rows(rows, TODAY)
    set_rows_s = time.perf_counter() - start
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
    print(figures[0].line())

    def add(fig: Figure) -> None:
        figures.append(fig)
        print(fig.line())

    # A refresh with the same plan objects (after an edit only the edited one is new).
    again = [ClinicRow(r.transplant_id, r.label, r.plan) for r in rows]
    start = time.perf_counter()
    timeline.set_rows(again, TODAY)
    add(
        Figure(
            "set_rows again, same plans",
            time.perf_counter() - start,
            "bare frame",
            floor,
            "reported",
            True,
        )
    )
    # New plans whose date spans the load's worker computed (ClinicSession._compute),
    # as the app's rows come after every full load.
    loaded = synthetic_clinic(patients)
    for row in loaded:
        if row.plan is not None:
            row.plan.date_span()
    start = time.perf_counter()
    timeline.set_rows(loaded, TODAY)
    add(
        Figure(
            "set_rows, new plans, spans from the load (as the app)",
            time.perf_counter() - start,
            "bare frame",
            floor,
            "16 ms",
            time.perf_counter() - start <= BUDGET_S,
        )
    )
    app.processEvents()
    for ppd in (0.5, 1.0, 3.0, 12.0, 40.0):
        timeline.set_px_per_day(ppd)
        timeline.scroll_to_today()
        timeline.verticalScrollBar().setValue(200 * 24)
        name = f"frame at {ppd:g} px/day ({timeline.detail_level()})"
        add(_frame_figure(name, _frame(viewport, image), bare_frame, 21))
    timeline.fit()
    name = f"frame after fit() ({timeline.px_per_day:.2f} px/day)"
    add(_frame_figure(name, _frame(viewport, image), bare_frame, 21))
    for ppd in (0.5, 3.0, 12.0, 40.0):
        frame, pages = _unpainted(timeline, patients, ppd)
        name = f"unpainted rows at {ppd:g} px/day ({timeline.detail_level()})"
        add(_frame_figure(name, frame, bare_frame, min(21, pages)))
    frame, pages = _unpainted(timeline, patients, 3.0, built=True)
    name = "unpainted rows at 3 px/day, occurrences built"
    add(_frame_figure(name, frame, bare_frame, min(21, pages)))
    for ppd in (0.5, 3.0, 12.0):
        frame, pages = _unpainted(timeline, patients, ppd, whole=True)
        seconds, floor = interleaved_medians(frame, bare_frame, repeat=min(21, pages))
        name = f"unpainted page whole at {ppd:g} px/day (frames)"
        add(Figure(name, seconds, "bare frame", floor, "reported", True))
    for ppd in (0.5, 3.0, 12.0, 40.0):
        frame, pages = _unpainted(timeline, patients, ppd, sketched=True)
        name = f"unpainted rows at {ppd:g} px/day, sketched behind the load (as the app)"
        add(_frame_figure(name, frame, bare_frame, min(21, pages)))
    frame, pages = _unpainted(timeline, patients, 3.0, sketched=True, idle=True)
    name = "rows reached after the idle preparation, 3 px/day"
    add(_frame_figure(name, frame, bare_frame, min(21, pages)))
    timeline.set_rows(rows, TODAY)
    for ppd in (0.5, 3.0, 12.0, 40.0):
        frame = _scrolling(timeline, image, ppd)
        name = f"scrolling at {ppd:g} px/day ({timeline.detail_level()})"
        add(_frame_figure(name, frame, bare_frame, 41))
    timeline.close()
    bare.close()
    return figures


def profile(patients: int, ppd: float = 3.0, top: int = 14) -> None:
    """cProfile the unpainted-rows and scrolling frames and print where the time goes
    (own time per function, share of the frames' total)."""
    import cProfile
    import pstats

    app = QApplication.instance() or QApplication([])
    timeline = ClinicTimeline()
    timeline.resize(*SIZE)
    timeline.show()
    app.processEvents()
    image = QImage(timeline.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    cases = []
    frame, pages = _unpainted(timeline, patients, ppd)
    cases.append((f"unpainted rows at {ppd:g} px/day", frame, min(21, pages)))
    timeline.set_rows(synthetic_clinic(patients), TODAY)
    cases.append((f"scrolling at {ppd:g} px/day", _scrolling(timeline, image, ppd), 41))
    for name, frame, count in cases:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(count):
            frame()
        prof.disable()
        stats = pstats.Stats(prof)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(
            f"-- profile: {patients} patients, {name}, {count} frames, {total / count * 1000:.1f} ms/frame (profiled)"
        )
        for column, title in ((2, "own time"), (3, "cumulative time")):
            rows = sorted(stats.stats.items(), key=lambda kv, c=column: -kv[1][c])  # type: ignore[attr-defined]
            print(f"   by {title}: {'own ms':>8} {'share':>6} {'cum ms':>8} {'cum share':>9}")
            for (path, line, func), (_cc, calls, tt, ct, _callers) in rows[:top]:
                where = f"{Path(path).name}:{line}" if line else "~"
                print(
                    f"   {'':>12}{tt / count * 1000:8.2f} {tt / total:6.1%} "
                    f"{ct / count * 1000:8.2f} {ct / total:9.1%}  "
                    f"{func} ({where}, {calls / count:.0f} calls/frame)"
                )
    timeline.close()


def main(argv: list[str] | None = None) -> list[Figure]:
    """Run and print the clinic timeline benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=list(PATIENTS))
    parser.add_argument(
        "--profile", action="store_true", help="profile the largest clinic's frames"
    )
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for patients in args.patients:
        figures += measure(patients)
    if args.profile:
        profile(max(args.patients))
    return figures


if __name__ == "__main__":
    main()
