"""The registry-forms list (View > Registry forms due, ``transplant-planner forms``) over a
growing history.

Run: ``.venv/bin/python -m benchmarks.bench_forms [--archived N ...] [--repeat N]``

The forms are owed for every transplant ever recorded, so the list covers the archive
too. Three figures for 500 live patients and each size of archive (``benchmarks.clinic``;
the archived transplants' forms were never ticked, so every one of them is listed past
due, the heaviest case): the first list after an upgrade (nothing in the forms index:
every transplant dated from its documents, then stored), the list again (the index
current), and the list after one transplant's checklist changed. Floor, interleaved:
the plainest read of what the list shows, ``sqlite3`` fetching every stored forms entry
and ``json.loads`` of each. Reported, no budget of the issue names this list; the time
per listed form shows whether it grows with anything but the forms listed.

Also the dialog (offscreen unless ``QT_QPA_PLATFORM`` says otherwise): the list handed
to ``FormsDialog`` filled and painted, against the plainest table: a ``QTableWidget``
filled with the same cells, interleaved.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.clinic import copy_db, write_clinic_db
from planner.app.checklists import tick_checklist_item
from planner.app.context import Context
from planner.app.forms import PAST_DUE, FormDue, forms_due
from planner.records.checklists import load_checklists
from planner.records.ports import Actor
from planner.storage import open_repository

ACTOR = Actor("bench", "bench")


def _plain_read(db: Path) -> int:
    """Every stored forms entry, fetched and decoded the plainest way."""
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT transplant_id, payload FROM forms_entries").fetchall()
    return sum(len(json.loads(payload)["forms"]) for _, payload in rows)


def _round(pristine: Path, db: Path, today: dt.date) -> tuple[float, float, float, list[FormDue]]:
    """Seconds of the first list, the list again and the list after one tick; the list."""
    copy_db(pristine, db)
    repo = open_repository(str(db), user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        start = time.perf_counter()
        listed = forms_due(repo, today)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = forms_due(repo, today)
        second = time.perf_counter() - start
        assert again == listed
        owed = next(f for f in listed if f.status == PAST_DUE)
        template = load_checklists()["registry-forms"]
        item = next(i for i in template.items if i.title == owed.form)
        ctx = Context(ACTOR, dt.datetime.now().astimezone())
        tick_checklist_item(repo, ctx, owed.transplant_id, template, item.id, done=True, date=today)
        start = time.perf_counter()
        after = forms_due(repo, today)
        edited = time.perf_counter() - start
        assert len(after) == len(listed) - 1
    finally:
        repo.close()
    return first, second, edited, listed


def _dialog_fill(forms: list[FormDue], repeat: int) -> tuple[float, float]:
    """Median seconds of the dialog's fill and paint, and of a plain table widget's."""
    from unittest import mock

    from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem

    from ui.dialogs.forms_dialog import FormsDialog
    from ui.models.forms_model import FormsModel

    app = QApplication.instance() or QApplication([])
    headers = ["MRN", "Form", "Due", "Window ends", "Status"]
    texts = FormsModel(headers)
    texts.set_forms(forms)

    def ours() -> float:
        with mock.patch.object(FormsDialog, "reload", lambda self: None):
            dialog = FormsDialog(None, lambda tid: None)  # type: ignore[arg-type]
        dialog.show()
        app.processEvents()
        start = time.perf_counter()
        dialog._fill(forms)
        dialog.table.viewport().repaint()
        took = time.perf_counter() - start
        dialog.close()
        dialog.deleteLater()
        app.processEvents()
        return took

    def plain() -> float:
        table = QTableWidget(0, len(headers))
        table.resize(980, 560)
        table.show()
        app.processEvents()
        start = time.perf_counter()
        table.setRowCount(len(forms))
        for row in range(len(forms)):
            for column, text in enumerate(texts.cells(row)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.viewport().repaint()
        took = time.perf_counter() - start
        table.close()
        table.deleteLater()
        app.processEvents()
        return took

    floors, figures = [], []
    for _ in range(repeat):
        floors.append(plain())
        figures.append(ours())
    return statistics.median(figures), statistics.median(floors)


def main(argv: list[str] | None = None) -> None:
    """Measure and print the forms list's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archived", type=int, nargs="+", default=[0, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    today = dt.date.today()
    for archived in args.archived:
        with tempfile.TemporaryDirectory() as tmp:
            pristine, db = Path(tmp) / "pristine.db", Path(tmp) / "db.db"
            write_clinic_db(pristine, 500, today, archived=archived)
            figures: list[tuple[float, float, float, list[FormDue]]] = []
            floors: list[float] = []
            for _ in range(args.repeat):
                figures.append(_round(pristine, db, today))
                start = time.perf_counter()
                _plain_read(db)
                floors.append(time.perf_counter() - start)
        first, second, edited = (statistics.median(f[i] for f in figures) for i in range(3))
        floor, forms = statistics.median(floors), figures[-1][3]
        listed = len(forms)
        print(
            f"== registry forms, 500 live and {archived:,} archived transplants "
            f"({listed:,} forms listed; floor: plain read of the index {floor * 1000:.0f} ms)"
        )
        for name, seconds in (
            ("first list (nothing kept: upgrade)", first),
            ("the list again (index current)", second),
            ("after one transplant's checklist changed", edited),
        ):
            print(
                f"  {name:<44} {seconds * 1000:8.0f} ms  {seconds / floor:5.1f}x floor  "
                f"{seconds / max(listed, 1) * 1e6:5.1f} us a form   reported"
            )
        fill, table = _dialog_fill(forms, min(args.repeat, 3))
        print(
            f"  {'the dialog fills and paints the list':<44} {fill * 1000:8.0f} ms  "
            f"{fill / table:5.2f}x a plain QTableWidget of the same cells ({table * 1000:.0f} ms)"
            f"   budget 1x   {'ok' if fill <= table else 'OVER'}"
        )


if __name__ == "__main__":
    main()
