"""The desktop app (PySide6 widgets over the planner's use cases)."""

from ui.pyside_imports import quicken

quicken()  # before the app's modules are imported (see ui/pyside_imports.py)
