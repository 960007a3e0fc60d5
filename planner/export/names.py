"""Default file names for exported documents: kind, print date and a token, no patient data."""

from __future__ import annotations

import datetime as dt
import re

from planner.errors import ValidationError
from planner.records.documents import DOCUMENT_KINDS

_TOKEN = re.compile(r"^[a-z0-9]{1,16}$")


def default_file_name(kind: str, printed_on: dt.date, token: str) -> str:
    """ "handout_2026-03-10_1a2b.pdf": never a name, MRN or date of birth.

    Args:
        kind: handout, summary or handoff.
        printed_on: the print date.
        token: a short random or sequence token from the caller (lower-case letters and
            digits), so two files of one day do not collide.
    """
    if kind not in DOCUMENT_KINDS:
        raise ValidationError(
            "kind", f"Document kind '{kind}' is not one of: {', '.join(DOCUMENT_KINDS)}."
        )
    if not _TOKEN.match(token):
        raise ValidationError("token", "The file token must be 1-16 lower-case letters or digits.")
    return f"{kind}_{printed_on.isoformat()}_{token}.pdf"
