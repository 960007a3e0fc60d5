"""Render the README screenshots from the demo clinic (run under Xvfb).

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python tools/screenshots.py

Writes PNGs into docs/. Uses an in-memory demo clinic, never a real database.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from planner.demo import load_demo_clinic
from planner.ports import Actor
from planner.services import Context
from planner.storage.memory import InMemoryRepository
from ui.app import create_main_window

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> int:
    """Open the main window on the demo clinic and save docs/board.png."""
    app = QApplication.instance() or QApplication(sys.argv)
    now = dt.datetime.now().astimezone()
    actor = Actor("demo", "screenshots")
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(actor, now))
    window = create_main_window(repo, actor=actor, clock=lambda: now, demo=True)
    window.resize(1366, 768)
    window.show()
    for _ in range(20):
        app.processEvents()
    DOCS.mkdir(exist_ok=True)
    window.grab().save(str(DOCS / "board.png"))
    print(f"wrote {DOCS / 'board.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
