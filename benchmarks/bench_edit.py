"""Edits in the real window, from the action to the repainted views, 500-patient clinic.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_edit``

Budgets (docs/architecture.md, "Edit path"): Move Day 0 of a 200-step plan at most
50 ms and any record edit at most 20 ms, from the action to the views repainted (the
event loop run until nothing is pending, paint events included). The dialog that asks
for the new date or value is answered at once: typing is not part of the edit. Each
figure is compared with its floor measured in the same run: the same use case called
directly on the repository, with no window.

It also counts the functions (and their modules) one Move Day 0 runs in the window.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from benchmarks.bench_plan import two_hundred_step_template
from benchmarks.clinic import ACTOR, write_clinic_db
from benchmarks.common import Figure, median_time
from planner.app.context import Context
from planner.app.harvest import record_pb_cd34
from planner.app.plans import move_day0
from planner.domain.patients import Transplant, TransplantStatus, TransplantType
from planner.domain.plans import instantiate
from planner.domain.templates import parse_protocol
from planner.records.ports import Action
from planner.storage import open_repository
from ui.app import create_main_window
from ui.dialogs.day0_dialog import Day0Move, MoveDay0Dialog
from ui.harvest_tab import CountDialog

BIG = "t-bench-200"


def _add_big_plan(repo: object, today: dt.date) -> None:
    """One more transplant, of the first benchmark patient, with a 200-step plan."""
    patient = repo.list_patients()[0]  # type: ignore[attr-defined]
    day0 = today + dt.timedelta(days=20)
    transplant = Transplant(
        id=BIG,
        patient_id=patient.id,
        transplant_type=TransplantType.ALLOGENEIC,
        graft_source="pbsc",
        day0=day0,
        status=TransplantStatus.PLANNED,
    )
    plan = instantiate(
        parse_protocol(two_hundred_step_template(), "bench.toml"), day0, transplant_id=BIG
    )
    repo.commit(  # type: ignore[attr-defined]
        Action(
            actor=ACTOR,
            at=dt.datetime.now(dt.UTC),
            description="bench",
            transplants=(transplant,),
            plans=(plan,),
        )
    )


def _settle(app: QApplication) -> None:
    """Run the event loop until nothing is pending (posted paints included)."""
    app.processEvents()
    app.processEvents()


def main(patients: int = 500) -> list[Figure]:
    """Measure and print the edit figures and the function count of one Move Day 0."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    today = dt.date.today()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "clinic.db"
        write_clinic_db(db, patients, today)
        repo = open_repository(str(db), user="bench", workstation="bench")
        try:
            _add_big_plan(repo, today)
            settings = QSettings(str(Path(tmp) / "w.ini"), QSettings.Format.IniFormat)
            window = create_main_window(
                repo,
                actor=ACTOR,
                clock=lambda: dt.datetime.now().astimezone(),
                settings=settings,
            )
            window.resize(1600, 900)
            window.show()
            _settle(app)
            ws = window.open_transplant(BIG)
            assert ws is not None
            _settle(app)
            shift = [1]

            def answer(*_a: object, **_k: object) -> Day0Move:
                shift[0] = -shift[0]  # back and forth: every call is a real move
                return Day0Move(ws.session.plan.day0 + dt.timedelta(days=shift[0]), "bench")

            MoveDay0Dialog.ask = staticmethod(answer)  # type: ignore[method-assign]
            action = ws.actions_by_name["move_day0"]

            def move_in_window() -> None:
                action.trigger()
                _settle(app)

            figure = median_time(move_in_window, repeat=9)
            count, modules = _functions_run(move_in_window)
            ctx = Context(ACTOR, dt.datetime.now().astimezone())

            def move_plainly() -> None:
                plan = repo.get_plan(BIG)
                shift[0] = -shift[0]
                move_day0(repo, ctx, plan, plan.day0 + dt.timedelta(days=shift[0]), "bench")

            floor = median_time(move_plainly, repeat=9)
            figures.append(
                Figure(
                    "Move Day 0, 200 steps, action to repaint",
                    figure,
                    "use case alone",
                    floor,
                    "50 ms",
                    figure <= 0.050,
                )
            )
            ws.session.reload()  # the floor wrote behind the window's back

            # A record edit: the day's blood CD34+ count on the harvest tab.
            harvest_ws = window.open_transplant(
                next(r.transplant_id for r in window.session.rows if r.day_label.startswith("M"))
            )
            assert harvest_ws is not None and harvest_ws.harvest_tab is not None
            _settle(app)
            value = [10.0]

            def count_answer(*_a: object) -> tuple[dt.date, float]:
                value[0] = 21.0 - value[0]
                return today, value[0]

            CountDialog.ask = staticmethod(count_answer)  # type: ignore[method-assign]

            def count_in_window() -> None:
                harvest_ws.harvest_tab.count_button.click()
                _settle(app)

            figure = median_time(count_in_window, repeat=15)
            tid = harvest_ws.session.transplant.id

            def count_plainly() -> None:
                value[0] = 21.0 - value[0]
                record_pb_cd34(repo, ctx, tid, today, value[0])

            floor = median_time(count_plainly, repeat=15)
            harvest_ws.session.reload()
            figures.append(
                Figure(
                    "record edit (blood CD34+), action to repaint",
                    figure,
                    "use case alone",
                    floor,
                    "20 ms",
                    figure <= 0.020,
                )
            )
            window.close()
        finally:
            repo.close()
    for fig in figures:
        print(fig.line())
    print(f"one Move Day 0 in the window runs {count} functions in {modules} modules")
    return figures


def _functions_run(action: object) -> tuple[int, int]:
    """Distinct Python functions (and their modules) one call of ``action`` runs."""
    profile = cProfile.Profile()
    profile.runcall(action)  # type: ignore[arg-type]
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    ours = [k for k in stats if any(f"/{p}/" in k[0] for p in ("planner", "ui", "benchmarks"))]
    return len(ours), len({k[0] for k in ours})


if __name__ == "__main__":
    main()
