"""``transplant-planner import-labs FILE [--dry-run]``: the command-line lab import.

``main.py`` parses the arguments and calls :func:`run_import_labs`, which returns the exit
code and the text to print, so tests call it directly. Long-format exports with the columns
MRN, Date, Test, Result, Unit are read with :data:`DEFAULT_MAPPING`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from planner.app.context import Context
from planner.app.lab_import import import_labs
from planner.errors import PlannerError
from planner.labimport.reader import ColumnMapping, LabImportError, check_size
from planner.records.ports import Repository

DEFAULT_MAPPING: Final = ColumnMapping(
    mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit"
)
EXIT_OK: Final = 0
EXIT_REJECTED_ROWS: Final = 1  # imported, but some rows were rejected: a script should look
EXIT_REFUSED: Final = 2  # nothing imported: the file was refused


def run_import_labs(
    repo: Repository,
    ctx: Context,
    path: str | os.PathLike[str],
    dry_run: bool = False,
    mapping: ColumnMapping = DEFAULT_MAPPING,
) -> tuple[int, str]:
    """Import a lab file (or preview it with ``dry_run``).

    Returns:
        (exit code, report text): 0 every row accepted, 1 some rows rejected (listed with
        their reasons), 2 the file was refused (the reason is the text).
    """
    file = Path(path)
    try:
        check_size(os.stat(file).st_size)
        data = file.read_bytes()
    except OSError as exc:
        return EXIT_REFUSED, f"Cannot read {file.name}: {exc.strerror or exc}."
    except LabImportError as exc:
        return EXIT_REFUSED, f"{file.name} refused: {exc}"
    try:
        report = import_labs(repo, ctx, data, file.name, mapping, dry_run=dry_run)
    except LabImportError as exc:
        return EXIT_REFUSED, f"{file.name} refused: {exc}"
    except PlannerError as exc:
        return EXIT_REFUSED, f"{file.name} not imported: {exc}"
    return (EXIT_REJECTED_ROWS if report.rejected else EXIT_OK), "\n".join(report.lines())
