"""Imports after PySide6 at the speed of plain Python imports.

Importing PySide6 replaces ``__import__`` with shiboken's ``__feature_import__``, which
asks of every module imported afterwards whether it uses PySide6, so that the module
can opt into the "snake_case" and "true_property" features (PYSIDE-2029). It finds out
with ``inspect.getsource(module)``: the whole source file read and split into lines
through ``linecache``, in Python, for each of the hundreds of modules (SQLAlchemy, the
planner, pandas) the app imports after PySide6, some of them on the GUI thread before the
first paint and the rest in worker threads holding the interpreter the GUI thread waits
for. Its test is whether the text "PySide6" occurs in the source; ``quicken`` puts in the
same test on the file's bytes (one read, one search in C). This program never imports
``__feature__``, so the answer only sets each module's default of "no feature" either way.
"""

from __future__ import annotations

import sys
from types import ModuleType

# Where shiboken keeps the check (its own embedded support package, loaded with PySide6).
_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def uses_pyside(module: ModuleType) -> bool:
    """Whether the source file of ``module`` contains "PySide6" (False without one: a
    built-in, an extension or a module without its source, as ``inspect.getsource``
    raising makes the original answer)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def quicken() -> bool:
    """Replace shiboken's check with ``uses_pyside``; False (nothing changed) when this
    PySide6 has no such check."""
    import PySide6  # noqa: F401  (installs the import hook and loads its support package)

    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, _CHECK, None)):
        return False
    setattr(feature, _CHECK, uses_pyside)
    return True
