"""The registry forms list (View > Registry forms due) as a table model: a long history
lists tens of thousands of forms, and a cell is written only when the view paints it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor

from planner.app.forms import DONE, PAST_DUE, FormDue
from planner.domain.i18n import tr
from ui.models.lazy_table_model import LazyTableModel
from ui.translation import format_date

COLUMNS = 5  # MRN, form, due, window ends, status
STATUS_COLUMN = 4
_STATUS_COLOURS = {PAST_DUE: QColor("#b91c1c"), DONE: QColor("#15803d")}
_DATE = "%a %d %b %Y"


def _cells(form: FormDue) -> tuple[str, ...]:
    return (
        form.mrn,
        tr(form.form),
        format_date(form.due, _DATE),
        format_date(form.window_end, _DATE),
        tr(form.status),
    )


def _colour(form: FormDue, column: int) -> QColor | None:
    return _STATUS_COLOURS.get(form.status) if column == STATUS_COLUMN else None


class FormsModel(LazyTableModel):
    """The forms of the last read, one row each, in the order read; ``headers``: the five
    column titles as shown (the dialog's, translated there)."""

    def __init__(self, headers: Sequence[str]) -> None:
        if len(headers) != COLUMNS:
            raise ValueError(f"{COLUMNS} column headers are needed, not {len(headers)}")
        super().__init__(headers, _cells, foreground=_colour)

    def set_forms(self, forms: Sequence[FormDue]) -> None:
        """Show these forms instead."""
        self.set_rows(forms)
