"""Child process: open the app on a clinic database until the board is painted, then exit.

Mirrors ``main.py``'s GUI path: the quick start (lock the file, read the board stored
for today, paint it), then the database opened and the clinic loaded behind the board,
minus the event loop's ``exec``. Prints when the board was painted and usable, when the
live clinic replaced it, whether the start came from the stored board, and the peak
memory. Used by ``bench_startup``; not part of the app.
"""

from __future__ import annotations

import time

START = time.perf_counter()

import datetime as dt  # noqa: E402 - the clock above starts with the process
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from planner.app.snapshot import start_board_of  # noqa: E402
from planner.records.ports import Actor  # noqa: E402
from planner.storage.quick import quick_open  # noqa: E402
from ui.app import create_main_window  # noqa: E402
from ui.workers import run_in_background  # noqa: E402


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


def main(db: str, settings_path: str, store: bool = True) -> int:
    """Open, paint, load the live clinic, exit (``store``: keep the snapshot, as the app)."""
    now = dt.datetime.now().astimezone()
    quick = quick_open(Path(db), user="bench", workstation="bench", now=now)
    assert quick is not None
    board = start_board_of(quick.index, now.date()) if quick.index is not None else None
    if board is not None and not board.complete:
        board = None  # this child does not complete a partial board: it loads the clinic
    app = QApplication(sys.argv[:1])
    repos = []

    def open_repo():  # the worker thread imports SQLAlchemy, as main.py's does
        from planner.storage import open_repository

        repos.append(open_repository(db, user="bench", workstation="bench", lock=quick.lock))
        return repos[-1]

    window = create_main_window(
        None if board is not None else open_repo(),
        actor=Actor("bench", "bench"),
        clock=lambda: dt.datetime.now().astimezone(),
        start_board=board,
        settings=QSettings(settings_path, QSettings.Format.IniFormat),
        restore_layout=True,
    )
    window.show()
    app.processEvents()
    window.repaint()  # the board is painted and usable (sort, filter, search, select)
    painted = time.perf_counter() - START
    painted_at = time.time()
    rows = window.model.rowCount()
    if board is not None:  # the live clinic behind the stored board, as ui.app.run does
        session = window.session
        run_in_background(
            open_repo, lambda repo: (session.attach(repo), session.refresh_async(print)), print
        )
        while not session.ready:
            app.processEvents()
            time.sleep(0.002)
    live = time.perf_counter() - START
    print(
        f"painted_at={painted_at:.6f} painted_s={painted:.4f} live_s={live:.4f} "
        f"from_snapshot={int(board is not None)} rows={rows} rss_mb={_peak_rss_mb():.1f}"
    )
    window.session.keep_snapshot = store
    window.close()
    for repo in repos:
        repo.close()
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], store="--no-store" not in sys.argv))
