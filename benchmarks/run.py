"""Run every benchmark and print figure, floor, ratio and budget (docs/architecture.md, "Performance budgets").

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.run

Each script can also run alone (``python -m benchmarks.bench_plan`` ...).
"""

from __future__ import annotations

import importlib
import os

SCRIPTS = (
    "bench_plan",
    "bench_labs",
    "bench_labs_store",
    "bench_pdf",
    "bench_timeline",
    "bench_refresh",
    "bench_board_sort",
    "bench_gc",
    "bench_edit",
    "bench_preview",
    "bench_startup",
    "bench_import",
    "bench_app",
)


def main() -> None:
    """Run each benchmark module's ``main``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in SCRIPTS:
        print(f"== {name}")
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main()
