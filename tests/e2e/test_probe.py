"""The benchmarks' timing probe on the real entry point (``ui/probe.py``).

``benchmarks/bench_app.py`` times the installed ``transplant-planner`` by this probe, so
the probe must keep reporting every figure, in order, and close the app cleanly; and it
must print nothing about a patient.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from planner.app.demo import build_demo_clinic

ENTRY = Path(sys.executable).with_name("transplant-planner")
FIELDS = (
    "painted_at",
    "painted_rows",
    "ready_at",
    "live_at",
    "load_stall_ms",
    "closing_at",
    "peak_mb",
    "rows",
)


def _run(db: Path, tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TRANSPLANT_PLANNER_DATA": str(tmp_path / "data"),
        "HOME": str(tmp_path),
        # A second: the start's file check is over before the close (the board is stored).
        "TRANSPLANT_PLANNER_PROBE": "1",
    }
    done = subprocess.run(
        [str(ENTRY), "--db", str(db)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    fields = dict(item.split("=", 1) for item in done.stdout.split())
    clinic = build_demo_clinic(dt.date.today())
    names = {p.family_name for p, _, _ in clinic} | {p.mrn for p, _, _ in clinic}
    assert not any(name in done.stdout for name in names)
    return fields


def test_the_probe_reports_a_start_its_live_clinic_and_its_close(tmp_path):
    db = tmp_path / "clinic.db"
    subprocess.run([str(ENTRY), "demo-db", str(db)], check=True, capture_output=True)
    first = _run(db, tmp_path)
    assert set(FIELDS) <= set(first)
    assert float(first["painted_at"]) <= float(first["live_at"]) <= float(first["closing_at"])
    assert first["from_snapshot"] == "0" and int(first["rows"]) >= 17
    # The close stored the board: the next start paints it first.
    second = _run(db, tmp_path)
    assert second["from_snapshot"] == "1" and second["rows"] == first["rows"]
    # The first start painted the window before any row; the second, the stored board whole.
    assert first["painted_rows"] == "0" and second["painted_rows"] == second["rows"]
    # On the stored board a patient opens before the live load is in.
    assert float(second["painted_at"]) <= float(second["ready_at"]) < float(second["live_at"])
