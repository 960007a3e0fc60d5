"""Timing helpers shared by the benchmark scripts: medians, floors and ratios."""

from __future__ import annotations

import compileall
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The floor of every start-up figure: the bare PySide6 window, timed to its first paint
# (``painted_at``) like the app (``benchmarks/bench_app.py``).
BARE_WINDOW = (
    "import sys, time\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QMainWindow()\nw.resize(1280, 800)\nw.show()\napp.processEvents()\nw.repaint()\n"
    "print(f'painted_at={time.time():.6f}')\n"
)


def compile_project() -> None:
    """Byte-compile the project as ``tools/bootstrap.sh`` does at install.

    With PYTHONDONTWRITEBYTECODE set (common here) a checkout that was never installed
    recompiles every module it changed at every start, which is not what a user's start
    costs.
    """
    root = Path(__file__).resolve().parents[1]
    for folder in ("planner", "ui"):
        compileall.compile_dir(str(root / folder), quiet=1, workers=0)
    compileall.compile_file(str(root / "main.py"), quiet=1)


@dataclass(frozen=True)
class Figure:
    """One measured budget: the figure, the floor it is compared with, and the budget."""

    name: str
    seconds: float
    floor_name: str
    floor_seconds: float
    budget: str
    within: bool

    @property
    def ratio(self) -> float:
        """Figure divided by floor (the number the budget is stated in where it is a ratio)."""
        return self.seconds / self.floor_seconds if self.floor_seconds else float("inf")

    def line(self) -> str:
        """One printable row."""
        verdict = "ok" if self.within else "OVER BUDGET"
        return (
            f"{self.name:<46} {self.seconds * 1000:9.2f} ms   floor {self.floor_name} "
            f"{self.floor_seconds * 1000:8.2f} ms   ratio {self.ratio:6.2f}   "
            f"budget {self.budget:<22} {verdict}"
        )


def median_time(fn: Callable[[], object], repeat: int = 7, number: int = 1) -> float:
    """Median wall time of ``number`` calls of ``fn``, over ``repeat`` rounds, per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def interleaved_medians(
    fn: Callable[[], object], floor: Callable[[], object], repeat: int = 7
) -> tuple[float, float]:
    """Median wall times of ``fn`` and of its ``floor``, sampled in turn (one floor call,
    one ``fn`` call, ...), so that a machine slowing down slows both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn_, out in ((floor, samples[1]), (fn, samples[0])):
            start = time.perf_counter()
            fn_()
            out.append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def python_floor() -> float:
    """A fixed pure-Python workload, to normalise figures across machines in one run."""

    def work() -> None:
        sorted(range(200_000, 0, -1))

    return median_time(work, repeat=5)
