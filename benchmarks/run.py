"""Run every benchmark and print figure, floor, ratio and budget (docs/architecture.md, "Performance budgets").

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.run [--database-url URL]
        [--timeline-patients N ...] [--only NAME ...]

Each script can also run alone (``python -m benchmarks.bench_plan`` ...). The options
go to the scripts that take them: ``--database-url`` measures the app as run
(``bench_app``) on that PostgreSQL server too, after SQLite; ``--timeline-patients``
sets the clinic sizes of ``bench_timeline`` (default 500 and 2,000).
"""

from __future__ import annotations

import argparse
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
    "bench_import",
    "bench_backup",
    "bench_forms",
    "bench_app",
)


def main(argv: list[str] | None = None) -> None:
    """Run each benchmark module's ``main`` (the scripts with options of their own get
    an explicit argument list: this command line is not theirs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", metavar="URL", help="bench_app on PostgreSQL too")
    parser.add_argument("--timeline-patients", type=int, nargs="+", metavar="N")
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, metavar="NAME")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in args.only or SCRIPTS:
        print(f"== {name}")
        module = importlib.import_module(f"benchmarks.{name}")
        if name == "bench_app":
            module.main([])
            if args.database_url:
                module.main(["--database-url", args.database_url])
        elif name == "bench_timeline":
            sizes = args.timeline_patients
            module.main(["--patients", *map(str, sizes)] if sizes else [])
        elif name in ("bench_import", "bench_forms", "bench_backup"):
            module.main([])
        else:
            module.main()


if __name__ == "__main__":
    main()
