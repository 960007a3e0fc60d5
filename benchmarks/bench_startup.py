"""Start-up to a painted, usable board with a 500-patient clinic vs the bare PySide6 window.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_startup``
Budget (docs/architecture.md, "Performance budgets"): at most 3x the bare window measured in the same run.

Each child prints the wall-clock time at which its window was painted; the figure is
that minus the time the parent started it (interpreter start included, exit excluded,
the same for the bare window and the app). The app is measured as a coordinator meets
it: with the board its last run stored (planner.app.snapshot), and reported also without
one (the first start on a new database) and to the live clinic behind the board.
"""

from __future__ import annotations

import compileall
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.clinic import write_clinic_db
from benchmarks.common import Figure

BARE = (
    "import sys, time\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QMainWindow()\nw.resize(1280, 800)\nw.show()\napp.processEvents()\nw.repaint()\n"
    "print(f'painted_at={time.time():.6f}')\n"
)


def _fields(out: str) -> dict[str, float]:
    return {k: float(v) for k, v in (item.split("=") for item in out.split())}


def _timed(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, dict[str, float]]:
    """Median seconds from spawning ``cmd`` to its paint, and the last run's fields."""
    samples = []
    fields: dict[str, float] = {}
    for _ in range(repeat):
        start = time.time()
        out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True).stdout
        fields = _fields(out)
        samples.append(fields["painted_at"] - start)
    return statistics.median(samples), fields


def _compile_project() -> None:
    """Byte-compile the project as ``tools/bootstrap.sh`` does at install.

    With PYTHONDONTWRITEBYTECODE set (common here) a checkout that was never installed
    recompiles every module at every start, which is not what a user's start costs.
    """
    root = Path(__file__).resolve().parents[1]
    for folder in ("planner", "ui"):
        compileall.compile_dir(str(root / folder), quiet=1, workers=0)
    compileall.compile_file(str(root / "main.py"), quiet=1)


def main(patients: int = 500, repeat: int = 5) -> Figure:
    """Measure and print the start-up figures."""
    _compile_project()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    app_cmd = [sys.executable, "-m", "benchmarks.startup_app"]
    with tempfile.TemporaryDirectory() as tmp:
        stored, cold = Path(tmp) / "stored.db", Path(tmp) / "cold.db"
        write_clinic_db(stored, patients, dt.date.today(), snapshot=True)
        write_clinic_db(cold, patients, dt.date.today())
        ini = str(Path(tmp) / "s.ini")
        bare, _ = _timed([sys.executable, "-c", BARE], env, repeat)
        app, out = _timed([*app_cmd, str(stored), ini], env, repeat)
        first, cold_out = _timed([*app_cmd, str(cold), ini, "--no-store"], env, repeat)
    if not out["from_snapshot"] or cold_out["from_snapshot"]:
        raise SystemExit("start-up benchmark: the stored board was not used as intended")
    fig = Figure(
        f"start-up to painted board, {patients} patients",
        app,
        "bare window",
        bare,
        "<= 3x bare window",
        app <= 3 * bare,
    )
    print(fig.line())
    live = out["live_s"] - out["painted_s"] + app
    print(
        f"{'  ... live clinic behind the stored board':<46} {live * 1000:9.2f} ms   "
        f"(reported; the board is usable meanwhile)"
    )
    print(
        f"{'  ... first start, no stored board':<46} {first * 1000:9.2f} ms   "
        f"ratio {first / bare:6.2f}   (reported; once per new database)"
    )
    rss = max(out["rss_mb"], cold_out["rss_mb"])
    print(
        f"{'memory with the ' + str(patients) + '-patient clinic open':<46} {rss:9.1f} MB   "
        f"budget 300 MB RSS{'':14} {'ok' if rss <= 300 else 'OVER BUDGET'}"
    )
    return fig


if __name__ == "__main__":
    main()
