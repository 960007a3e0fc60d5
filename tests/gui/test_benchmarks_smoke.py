"""The in-process benchmarks still run (at toy sizes): their stand-ins follow the app.

``bench_board_sort`` once broke silently when the board model read a new session
attribute its stand-in session lacked; the figures themselves are not checked here (the
benchmarks time, tests do not).
"""

from __future__ import annotations

import pytest

from benchmarks import bench_board_sort, bench_gc, bench_refresh, bench_timeline


def test_board_sort_runs() -> None:
    figure = bench_board_sort.main(rows=60, repeat=1)
    assert figure.seconds > 0


@pytest.mark.parametrize("bench", [bench_refresh, bench_gc])
def test_clinic_benchmarks_run(bench) -> None:
    figure = bench.main(patients=6)
    assert figure.floor_seconds > 0


def test_timeline_benchmark_runs() -> None:
    figures = bench_timeline.measure(24)
    assert any("as the app" in f.name for f in figures)
