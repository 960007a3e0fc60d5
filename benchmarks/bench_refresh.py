"""The board after an edit, 500-patient clinic: the edited transplant's rows vs the clinic's.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_refresh``
Reported (no budget in docs/architecture.md, "Performance budgets"): this is the pause the window takes after
each edit, on the GUI thread, before the board shows the change.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from benchmarks.clinic import write_clinic_db
from benchmarks.common import Figure, median_time
from planner.records.ports import Actor
from planner.storage import open_repository
from ui.session import ClinicSession


def main(patients: int = 500) -> Figure:
    """Measure and print the refresh figures."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "clinic.db"
        write_clinic_db(db, patients, dt.date.today())
        repo = open_repository(str(db), user="bench", workstation="bench")
        try:
            session = ClinicSession(
                repo, Actor("bench", "bench"), lambda: dt.datetime.now().astimezone()
            )
            full = median_time(session.refresh, repeat=3)
            tid = session.rows[len(session.rows) // 2].transplant_id
            part = median_time(lambda: session.refresh_transplants({tid}), repeat=15)
        finally:
            repo.close()
    fig = Figure(
        f"board after an edit, {patients} patients", part, "whole clinic", full, "reported", True
    )
    print(fig.line())
    return fig


if __name__ == "__main__":
    main()
