"""Start-up to a painted, usable board with a 500-patient clinic vs the bare PySide6 window.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_startup``
Budget (DESIGN.md section 7): at most 3x the bare window measured in the same run.
"""

from __future__ import annotations

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
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QMainWindow()\nw.resize(1280, 800)\nw.show()\napp.processEvents()\nw.repaint()\n"
)


def _timed(cmd: list[str], env: dict[str, str], repeat: int) -> tuple[float, str]:
    samples = []
    out = ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run(cmd, check=True, env=env, capture_output=True, text=True).stdout
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), out


def main(patients: int = 500, repeat: int = 5) -> Figure:
    """Measure and print the start-up figure."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "clinic.db"
        write_clinic_db(db, patients, dt.date.today())
        bare, _ = _timed([sys.executable, "-c", BARE], env, repeat)
        app, out = _timed([sys.executable, "-m", "benchmarks.startup_app", str(db),
                           str(Path(tmp) / "s.ini")], env, repeat)
    fig = Figure(f"start-up to painted board, {patients} patients", app, "bare window", bare,
                 "<= 3x bare window", app <= 3 * bare)
    print(fig.line())
    rss = float(out.strip().split("rss_mb=")[-1])
    print(f"{'memory with the ' + str(patients) + '-patient clinic open':<46} {rss:9.1f} MB   "
          f"budget 300 MB RSS{'':14} {'ok' if rss <= 300 else 'OVER BUDGET'}")
    return fig


if __name__ == "__main__":
    main()
