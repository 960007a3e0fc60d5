"""Budgets of the counts core: import 100,000 lab rows; engraftment for 500 patients.

Run: ``.venv/bin/python -m benchmarks.bench_labs``
Budgets (docs/architecture.md, "Performance budgets"): 1.5 s and 1 s.
"""

from __future__ import annotations

import datetime as dt
import io
import random

import pandas as pd

from benchmarks.common import Figure, median_time
from planner.clinical.engraftment import neutrophil_engraftment, platelet_engraftment
from planner.labimport.reader import ColumnMapping, read_lab_file

DAY0 = dt.date(2026, 3, 10)
MAPPING = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")


def lab_csv(rows: int, patients: int) -> tuple[bytes, dict[str, str]]:
    """A long-format export: daily WBC/ANC/PLT/HB for ``patients`` patients."""
    rng = random.Random(7)
    out = io.StringIO()
    out.write("MRN,Date,Test,Result,Unit\n")
    analytes = (("WBC", "10^9/L"), ("ANC", "10^9/L"), ("PLT", "K/uL"), ("HB", "g/dL"))
    written = 0
    day = 0
    while written < rows:
        for p in range(patients):
            date = (DAY0 + dt.timedelta(days=day)).isoformat()
            for name, unit in analytes:
                if written == rows:
                    break
                value = {"WBC": 4.0, "ANC": 2.0, "PLT": 150.0, "HB": 11.0}[name]
                out.write(f"{p:06d},{date},{name},{value * rng.uniform(0.05, 1.5):.2f},{unit}\n")
                written += 1
        day += 1
    known = {f"{p:06d}": f"pid{p}" for p in range(patients)}
    return out.getvalue().encode(), known


def recovery_series(seed: int) -> tuple[pd.Series, pd.Series]:
    """ANC and platelets from Day 0 to Day +40 with a nadir and a recovery."""
    rng = random.Random(seed)
    dates = [DAY0 + dt.timedelta(days=d) for d in range(41)]
    turn = rng.randint(9, 24)
    anc = [max(0.01, 2.0 - 0.3 * d) if d < turn else 0.2 + 0.15 * (d - turn) for d in range(41)]
    plt = [max(5.0, 120 - 15 * d) if d < turn + 3 else 10 + 6 * (d - turn - 3) for d in range(41)]
    return pd.Series(anc, index=dates), pd.Series(plt, index=dates)


def main() -> list[Figure]:
    """Measure and print both budgets."""
    data, known = lab_csv(100_000, 500)
    floor = median_time(
        lambda: pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False), repeat=3
    )
    imp = median_time(lambda: read_lab_file(data, "labs.csv", MAPPING, known), repeat=3)
    series = [recovery_series(i) for i in range(500)]

    def engraft_all() -> None:
        for anc, plt in series:
            neutrophil_engraftment(anc, day0=DAY0)
            platelet_engraftment(plt, threshold=20)
            platelet_engraftment(plt, threshold=50)

    eng = median_time(engraft_all, repeat=3)
    figures = [
        Figure(
            "import 100,000 lab rows (parse, check, map)",
            imp,
            "pandas read_csv",
            floor,
            "1.5 s",
            imp <= 1.5,
        ),
        Figure(
            "engraftment for 500 patients (3 rules each)",
            eng,
            "pandas read_csv",
            floor,
            "1 s",
            eng <= 1.0,
        ),
    ]
    for fig in figures:
        print(fig.line())
    return figures


if __name__ == "__main__":
    main()
