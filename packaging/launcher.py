"""Entry script of the PyInstaller bundle: the same program as ``main.py``.

``multiprocessing.freeze_support()`` comes first. A batch export renders in worker
processes started with "spawn" (``planner.app.exports``); in a frozen program each worker
is the bundle's own executable started again with multiprocessing's arguments, and this
call is what turns that start into a worker instead of a second Transplant Planner
(PyInstaller manual, "Common Issues and Pitfalls", section "multiprocessing"; Python
documentation of ``multiprocessing.freeze_support``). Unfrozen it does nothing.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from main import main

    sys.exit(main())
