"""Lab import as the app runs it (read, compare with stored samples, one commit), and again.

Run: ``.venv/bin/python -m benchmarks.bench_import [--archived N]``

The file: 100,000 rows of daily counts for 500 patients of a realistic clinic
(``benchmarks.clinic``, with its history of archived transplants). Floor: ``pandas.read_csv``
of the same bytes, interleaved with each import. Budgets: an import within 5x the floor,
and importing the same file again (every row already stored) no slower than the import.
Each round imports into a fresh copy of the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.bench_labs import MAPPING
from benchmarks.clinic import copy_db, synthetic_clinic, write_clinic_db
from planner.app.context import Context
from planner.app.lab_import import import_labs
from planner.records.ports import Actor
from planner.storage import open_repository

ROWS = 100_000


def clinic_csv(mrns: list[str], rows: int, today: dt.date) -> bytes:
    """Daily WBC/ANC/PLT/HB of these patients, back from yesterday, ``rows`` rows."""
    out = io.StringIO()
    out.write("MRN,Date,Test,Result,Unit\n")
    analytes = (("WBC", 4.0, "10^9/L"), ("ANC", 2.0, "10^9/L"), ("PLT", 150.0, "K/uL"))
    written, back = 0, 1
    while written < rows:
        date = (today - dt.timedelta(days=back)).isoformat()
        for i, mrn in enumerate(mrns):
            for name, value, unit in (*analytes, ("HB", 11.0, "g/dL")):
                if written == rows:
                    break
                out.write(
                    f"{mrn},{date},{name},{value * (0.2 + (i + back) % 13 / 10):.2f},{unit}\n"
                )
                written += 1
        back += 1
    return out.getvalue().encode()


def _import(db: Path, data: bytes) -> tuple[float, float, int]:
    """Seconds of the import, of the same file again, and the samples accepted."""
    repo = open_repository(str(db), user="bench", workstation="bench")
    try:
        ctx = Context(Actor("bench", "bench"), dt.datetime.now().astimezone())
        start = time.perf_counter()
        first = import_labs(repo, ctx, data, "labs.csv", MAPPING)
        middle = time.perf_counter()
        again = import_labs(repo, ctx, data, "labs.csv", MAPPING)
        end = time.perf_counter()
    finally:
        repo.close()
    assert not again.accepted, "the same file imported twice"
    return middle - start, end - middle, len(first.accepted)


def main(argv: list[str] | None = None) -> None:
    """Measure and print the import figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archived", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        pristine, db = Path(tmp) / "pristine.db", Path(tmp) / "db.db"
        write_clinic_db(pristine, 500, today, archived=args.archived)
        mrns = [p.mrn for p, _, _ in synthetic_clinic(500, today)]
        data = clinic_csv(mrns, ROWS, today)
        floors, firsts, agains = [], [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            floors.append(time.perf_counter() - start)
            copy_db(pristine, db)
            first, again, accepted = _import(db, data)
            firsts.append(first)
            agains.append(again)
    floor, first, again = (statistics.median(x) for x in (floors, firsts, agains))
    print(f"== lab import, {ROWS:,} rows ({accepted:,} new samples), {args.archived:,} archived")
    print(
        f"  {'import as the app runs it':<36} {first * 1000:8.0f} ms  {first / floor:5.1f}x "
        f"read_csv ({floor * 1000:.0f} ms)   budget 5x   {'ok' if first <= 5 * floor else 'OVER'}"
    )
    print(
        f"  {'the same file again':<36} {again * 1000:8.0f} ms  {again / first:5.2f}x the "
        f"import{'':16} budget 1x   {'ok' if again <= first else 'OVER'}"
    )


if __name__ == "__main__":
    main()
