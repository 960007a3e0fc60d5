"""Child process: open the app on a clinic database until the board is painted, then exit.

Mirrors ``main.py``'s GUI path (open the repository, build the window, load the board),
minus the event loop's ``exec``. Used by ``bench_startup``; not part of the app.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from planner.ports import Actor
from planner.storage import open_repository
from ui.app import create_main_window


def _peak_rss_mb() -> float:
    """Peak resident memory of this process image, in MB.

    VmHWM belongs to the memory map created at exec; getrusage's ru_maxrss would also
    count the parent's peak inherited at fork (a large benchmark runner, say).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(db: str, settings_path: str) -> int:
    """Open, paint, exit."""
    app = QApplication(sys.argv[:1])
    repo = open_repository(db, user="bench", workstation="bench")
    try:
        window = create_main_window(
            repo, actor=Actor("bench", "bench"), clock=lambda: dt.datetime.now().astimezone(),
            settings=QSettings(settings_path, QSettings.Format.IniFormat))
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        window.repaint()  # the board is painted and usable
        rows = window.model.rowCount()
        print(f"rss_mb={_peak_rss_mb():.1f}")
        window.close()
    finally:
        repo.close()
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
