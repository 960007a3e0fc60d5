"""The day's verified backup beside the GUI thread: the longest the other thread waits.

Run: ``.venv/bin/python -m benchmarks.bench_backup [--patients N] [--repeat N]``

The desktop takes the day's backup in a worker thread a minute after the clinic is in
(``ui.main_window``): the copy, its ``integrity_check``, the audit chain read once in
chunks and every stored document hashed (``planner.storage.backup``). Meanwhile the GUI
thread must keep answering: a thread ticking every 5 ms here stands for it, and the
longest gap between two ticks is the stall a user would feel (budget 50 ms). Its floor:
the same ticks beside a plain ``sqlite3`` copy of the file (no verification). The peak
memory the backup adds is reported (the audit rows were once all held at once). The
clinic has no archived history: ``benchmarks.clinic`` copies it without audit rows, so its
check would only report them missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.clinic import write_clinic_db
from planner.storage import open_repository

TICK_S = 0.005
BUDGET_MS = 50.0


def _longest_gap(work: Callable[[], None]) -> tuple[float, float]:
    """(longest gap between two ticks of this thread in ms, seconds of ``work``) while
    ``work`` runs in another thread."""
    done = threading.Event()
    took: list[float] = []

    def run() -> None:
        start = time.perf_counter()
        try:
            work()
        finally:
            took.append(time.perf_counter() - start)
            done.set()

    worker = threading.Thread(target=run)
    worker.start()
    last, worst = time.perf_counter(), 0.0
    while not done.is_set():
        time.sleep(TICK_S)
        now = time.perf_counter()
        worst = max(worst, now - last - TICK_S)
        last = now
    worker.join()
    return worst * 1000, took[0]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    """Measure and print the backup's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "clinic.db"
        write_clinic_db(db, args.patients, dt.date.today())
        repo = open_repository(str(db), user="bench", workstation="bench")
        plain_gaps, gaps, times = [], [], []
        before = _peak_mb()
        try:
            for round_ in range(args.repeat):
                copy = folder / f"plain-{round_}.db"

                def plain(copy: Path = copy) -> None:
                    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
                        src.backup(dst)

                plain_gaps.append(_longest_gap(plain)[0])
                now = dt.datetime.now().astimezone() + dt.timedelta(seconds=round_)
                gap, took = _longest_gap(lambda now=now: repo.backup_now(now, keep=2))
                gaps.append(gap)
                times.append(took)
        finally:
            repo.close()
        added = _peak_mb() - before
    gap, floor = statistics.median(gaps), statistics.median(plain_gaps)
    print(f"== the day's verified backup beside the GUI thread, {args.patients} patients")
    print(
        f"  {'longest gap of a 5 ms tick':<36} {gap:6.0f} ms (plain copy {floor:.0f} ms)"
        f"   budget {BUDGET_MS:.0f} ms   {'ok' if gap <= BUDGET_MS else 'OVER'}"
    )
    print(f"  {'the backup, verified':<36} {statistics.median(times):6.2f} s   (reported)")
    print(f"  {'peak memory it added':<36} {added:6.0f} MB   (reported)")


if __name__ == "__main__":
    main()
