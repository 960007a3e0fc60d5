"""Texts the planner makes for people to read, in the language of the interface.

The planner has no Qt, so its sentences (alerts, rule explanations, calculator labels,
refusals) are translated with gettext catalogues: ``resources/locale/<lang>/<part>.po``, one
per package of ``planner`` (``app.po`` for ``planner/app``...), read directly with Babel's PO reader (https://babel.pocoo.org/en/latest/messages.html),
so there is no compile step to forget. English is the source language and needs no file.

* ``tr("text")`` translates a text where it is made; ``tr_n(one, many, n)`` picks the
  singular or plural form; ``tr_noop("text")`` marks a text kept in a table and translated
  where it is shown (with ``tr``). The extraction (``tools/extract_messages.py``) finds
  the three by name.
* The desktop app calls ``set_language`` once at start. The command line does not: its
  output and every stored text stay English (the board entries it renews for the
  desktop's next start are in the language the desktop stored them in, ``speaking``).
* What is written down must not change with the reader: audit descriptions, reasons,
  stored documents and the team documents (printed in English). ``english()`` makes the
  current thread English for a block; the PDF writers run inside it.
* Placeholders are filled after translating: ``tr("{n} overdue").format(n=n)``.
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache

from planner.domain.assets import resource

ENGLISH = "en"
_state = {"language": ENGLISH}
_local = threading.local()


class _Catalogue:
    """The finished translations of a language by English text, and its plural rule."""

    def __init__(self, texts: dict[str, str | tuple[str, ...]], plural: str) -> None:
        self.texts = texts
        # gettext's own compiler of a catalogue's C plural expression ("(n != 1)").
        self.index: Callable[[int], int] = gettext.c2py(plural)


@cache
def _catalogue(language: str) -> _Catalogue | None:
    from babel.messages.pofile import read_po

    folder = resource("locale")
    if not language.isalpha() or not folder.joinpath(language).is_dir():
        return None
    folder = folder.joinpath(language)
    texts: dict[str, str | tuple[str, ...]] = {}
    plural = "(n != 1)"
    for node in sorted(folder.iterdir(), key=lambda n: n.name):
        if not node.name.endswith(".po"):
            continue
        with node.open("rb") as stream:
            catalogue = read_po(stream, locale=language)
        plural = catalogue.plural_expr
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            if isinstance(message.string, tuple | list):
                if all(message.string):
                    texts[key] = tuple(message.string)
            elif message.string:
                texts[key] = message.string
    return _Catalogue(texts, plural)


def available() -> tuple[str, ...]:
    """Languages with a catalogue, English first."""
    folder = resource("locale")
    found = sorted(c.name for c in folder.iterdir() if c.is_dir())
    return (ENGLISH, *found)


def set_language(language: str) -> str:
    """Use ``language`` from now on ("es", or "es_ES"); returns the one used ("en" if none)."""
    _state["language"] = _supported(language)
    return _state["language"]


def _supported(language: str) -> str:
    """The catalogue ``language`` names ("es" for "es_ES"), or English where there is none."""
    base = language.split("_")[0].split("-")[0].lower()
    return base if base != ENGLISH and _catalogue(base) is not None else ENGLISH


def current() -> str:
    """The language ``tr`` translates into on this thread."""
    return getattr(_local, "override", None) or _state["language"]


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """``language`` on this thread for the block (English where it has no catalogue): the
    command line renewing board entries in the language the desktop stored them in."""
    before = getattr(_local, "override", None)
    _local.override = _supported(language)
    try:
        yield
    finally:
        _local.override = before


def english() -> AbstractContextManager[None]:
    """English on this thread for the block (documents and records that must not vary)."""
    return speaking(ENGLISH)


def tr(text: str) -> str:
    """``text`` in the current language (as it is when there is no translation)."""
    language = current()
    catalogue = _catalogue(language) if language != ENGLISH else None
    found = catalogue.texts.get(text) if catalogue is not None else None
    return found if isinstance(found, str) else text


def tr_n(one: str, many: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    language = current()
    catalogue = _catalogue(language) if language != ENGLISH else None
    found = catalogue.texts.get(one) if catalogue is not None else None
    if catalogue is None or not isinstance(found, tuple):
        return one if n == 1 else many
    return found[min(catalogue.index(n), len(found) - 1)]


def tr_noop(text: str) -> str:
    """Marks ``text`` for the catalogue; translate it with ``tr`` where it is shown."""
    return text
