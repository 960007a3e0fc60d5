"""Budgets of the planning core: reanchor a 200-step plan, instantiate every template.

Run: ``.venv/bin/python -m benchmarks.bench_plan``
"""

from __future__ import annotations

import datetime as dt

from benchmarks.common import Figure, median_time, python_floor
from planner.domain.plans import instantiate, mark_done, reanchor
from planner.domain.templates import load_protocols, parse_protocol

DAY0 = dt.date(2026, 3, 10)


def two_hundred_step_template() -> bytes:
    """A synthetic template of 200 single-day steps from Day -30 to Day +169."""
    lines = [
        "schema = 1",
        'id = "bench-200"',
        'version = "1"',
        'title = "Benchmark"',
        'category = "follow-up"',
        'transplant_types = ["allogeneic"]',
        'graft_sources = ["pbsc"]',
        'review_status = "for local review"',
        'source = "synthetic benchmark"',
    ]
    for i in range(200):
        lines += [
            "[[steps]]",
            f'id = "s{i}"',
            f'title = "Step {i}"',
            'phase = "recovery"',
            'kind = "lab"',
            f"day = {i - 30}",
        ]
    return "\n".join(lines).encode()


def bench_reanchor(floor: float) -> Figure:
    """Move Day 0 of a 200-step plan with the change preview (budget 5 ms)."""
    plan = instantiate(parse_protocol(two_hundred_step_template(), "bench.toml"), DAY0)
    # A realistic plan has its past steps done: they keep their dates.
    for occ in list(plan.occurrences())[:30]:
        plan = mark_done(plan, occ.step_id, occ.anchor_day, occ.date, by="bench", at="")
    new_day0 = DAY0 + dt.timedelta(days=7)
    seconds = median_time(lambda: reanchor(plan, new_day0, "bench"), repeat=9, number=20)
    return Figure(
        "reanchor 200-step plan with preview", seconds, "python", floor, "5 ms", seconds <= 0.005
    )


def bench_instantiate(floor: float) -> Figure:
    """Instantiate every bundled template once (no budget; reported)."""
    protocols = list(load_protocols().values())

    def run() -> None:
        for proto in protocols:
            list(instantiate(proto, DAY0).occurrences())

    seconds = median_time(run, repeat=7)
    return Figure(
        f"instantiate all {len(protocols)} templates", seconds, "python", floor, "reported", True
    )


def main() -> list[Figure]:
    """Run and print the planning-core benchmarks."""
    floor = python_floor()
    figures = [bench_reanchor(floor), bench_instantiate(floor)]
    for fig in figures:
        print(fig.line())
    return figures


if __name__ == "__main__":
    main()
