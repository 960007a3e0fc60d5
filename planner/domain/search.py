"""Finding patients by a few typed letters of their name or MRN.

The board filters the rows it shows, and the store searches the programme's history, with
the same key, so a text that finds a patient on the board finds the same patient among
the closed transplants.
"""

from __future__ import annotations

import unicodedata

# Letters that carry no combining mark in Unicode's decomposition (NFKD leaves them whole)
# but that people type without the stroke: Polish ł, Danish/Norwegian ø, Croatian đ.
_STROKED = str.maketrans({"ł": "l", "ø": "o", "đ": "d"})


def search_key(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` ("Łukasz" ~ "lukasz", "Muñoz" ~ "munoz")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.translate(_STROKED)


def patient_search_key(family_name: str, given_name: str, mrn: str) -> str:
    """What a patient is found by: the roster name ("FAMILY, Given") and the MRN, folded
    as ``search_key`` folds (the board row's name and MRN give the same text)."""
    name = f"{family_name}, {given_name}" if given_name else family_name
    return search_key(f"{name} {mrn}")
