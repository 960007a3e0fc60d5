"""``transplant-planner import-labs FILE [--dry-run] [--mapping NAME] [--decimal-comma]``:
the command-line lab import.

``main.py`` parses the arguments and calls :func:`run_import_labs`, which returns the exit
code and the text to print, so tests call it directly. A CSV or XLSX export is read with
a mapping saved under a name in the desktop's import dialog (``--mapping NAME``), or else
with :data:`DEFAULT_MAPPING` (long format with the columns MRN, Date, Test, Result, Unit).
An HL7 v2 file (ORU^R01) needs no columns; a saved mapping gives it the laboratory's own
result codes.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Final

from planner.app.context import Context
from planner.app.lab_import import import_labs
from planner.app.lab_mappings import saved_mapping
from planner.errors import PlannerError
from planner.labimport.reader import ColumnMapping, LabImportError, check_size
from planner.records.ports import Repository

DEFAULT_MAPPING: Final = ColumnMapping(
    mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit"
)
EXIT_OK: Final = 0
EXIT_REJECTED_ROWS: Final = 1  # imported, but some rows were rejected: a script should look
EXIT_REFUSED: Final = 2  # nothing imported: the file (or the mapping named) was refused


def run_import_labs(
    repo: Repository,
    ctx: Context,
    path: str | os.PathLike[str],
    dry_run: bool = False,
    mapping: ColumnMapping = DEFAULT_MAPPING,
    *,
    mapping_name: str | None = None,
    decimal_comma: bool = False,
) -> tuple[int, str]:
    """Import a lab file (or preview it with ``dry_run``).

    Args:
        mapping: the columns when no ``mapping_name`` is given.
        mapping_name: a mapping saved in the database (the import dialog saves them); an
            unknown name is refused, naming the saved ones.
        decimal_comma: the file writes "1,5" for 1.5 (whatever the mapping says).

    Returns:
        (exit code, report text): 0 every row accepted, 1 some rows rejected (listed with
        their reasons), 2 the file or the mapping was refused (the reason is the text).
    """
    file = Path(path)
    if mapping_name is not None:
        try:
            mapping = saved_mapping(repo, mapping_name)
        except PlannerError as exc:
            return EXIT_REFUSED, str(exc)
    if decimal_comma:
        mapping = replace(mapping, decimal_comma=True)
    try:
        check_size(os.stat(file).st_size)
        data = file.read_bytes()
    except OSError as exc:
        return EXIT_REFUSED, f"Cannot read {file.name}: {exc.strerror or exc}."
    except LabImportError as exc:
        return EXIT_REFUSED, f"{file.name} refused: {exc}"
    try:
        report = import_labs(
            repo, ctx, data, file.name, mapping, dry_run=dry_run, mapping_name=mapping_name or ""
        )
    except LabImportError as exc:
        return EXIT_REFUSED, f"{file.name} refused: {exc}"
    except PlannerError as exc:
        return EXIT_REFUSED, f"{file.name} not imported: {exc}"
    return (EXIT_REJECTED_ROWS if report.rejected else EXIT_OK), "\n".join(report.lines())
