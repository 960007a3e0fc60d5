"""Compile every interface translation: resources/translations/*.ts -> *.qm beside it.

    .venv/bin/python tools/build_translations.py

Run by tools/bootstrap.sh at install and by the bundle's spec file; the ``.qm`` files are
build output (not in git). The sources are edited with Qt Linguist or by hand and updated
from the code with pyside6-lupdate (ui/translation.py says how they are used).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ui.translation import compile_catalogue, translations_folder  # noqa: E402


def main() -> int:
    """Compile each ``.ts``; exit 1 when one fails (after trying the others)."""
    folder = translations_folder()
    sources = sorted(folder.glob("*.ts"))
    failed = 0
    started = time.perf_counter()
    for ts in sources:
        try:
            compile_catalogue(ts, ts.with_suffix(".qm"))
        except OSError as exc:
            print(f"build_translations: {exc}", file=sys.stderr)
            failed += 1
    took = time.perf_counter() - started
    print(f"translations: {len(sources) - failed} of {len(sources)} compiled in {took:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
