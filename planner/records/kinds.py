"""The names of what the program prints, in a module that imports nothing.

The command line offers them as choices, and its grammar is built at every start of the
desktop app too (before its window paints): reading them from the modules that make the
documents would import the plan model, Babel and the handout texts first.
"""

from __future__ import annotations

from typing import Final

# The patient handout, the team summary and the handoff letter (planner.records.documents).
DOCUMENT_KINDS: Final[tuple[str, ...]] = ("handout", "summary", "handoff")
# Printable views of a plan (planner.export.views).
VIEW_KINDS: Final[tuple[str, ...]] = ("timeline", "calendar", "checklists")
# The language the handout texts are written in; every translation is checked against it
# (planner.export.texts).
REFERENCE_LANGUAGE: Final = "en"
