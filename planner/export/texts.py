"""Plain-language handout texts per language, read from ``resources/handouts/<lang>/``.

Every word a patient reads comes from these files, never from code: the section texts
(``handout.toml``) and, optionally, translations of template steps (``steps.toml``, keyed
by "template-id/step-id" or by the bare step id). English is the reference language: a
language file missing a key fails loudly with the list of missing keys.

Numbers, dates, month and day names are never typed into these files: they come from the
Unicode CLDR data through Babel (https://babel.pocoo.org/en/latest/dates.html), for the
locale a language file names in ``format.locale`` ("en_GB", "es_ES").
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_day_names
from babel.numbers import format_decimal

from planner.domain.assets import resource
from planner.errors import PlannerError

REFERENCE_LANGUAGE = "en"


@dataclass(frozen=True)
class StepText:
    """The patient wording of one template step in one language.

    Attributes:
        short: a few words for a calendar cell.
        text: one or two plain sentences.
    """

    short: str
    text: str


def available_languages() -> tuple[str, ...]:
    """Language codes that have handout texts, sorted."""
    folder = resource("handouts")
    return tuple(
        sorted(
            c.name for c in folder.iterdir() if c.is_dir() and c.joinpath("handout.toml").is_file()
        )
    )


def _flat_keys(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        keys.add(path)
        if isinstance(value, Mapping):
            keys |= _flat_keys(value, f"{path}.")
    return keys


def _read_toml(lang: str, name: str) -> dict[str, Any]:
    node = resource("handouts", lang)
    child = node.joinpath(name)
    if not child.is_file():
        return {}
    try:
        return tomllib.loads(child.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise PlannerError(
            f"Handout texts handouts/{lang}/{name} are not valid TOML: {err}"
        ) from None


class HandoutTexts:
    """The texts of one language, with the formatting rules that language uses."""

    def __init__(self, lang: str, data: Mapping[str, Any], steps: Mapping[str, Any]) -> None:
        self.lang = lang
        self._data = data
        self._steps = steps
        try:  # a language file names its locale; a wrong one fails here, not mid-document
            Locale.parse(self.locale)
        except (ValueError, TypeError, UnknownLocaleError):
            raise PlannerError(
                f"Handout texts for '{lang}' name an unknown locale "
                f"'{self._node('format.locale')}' in format.locale "
                "(use a CLDR code such as en_GB or es_ES)."
            ) from None

    def get(self, path: str) -> str:
        """The text at a dotted path ("cover.heading")."""
        value = self._node(path)
        if not isinstance(value, str):
            raise PlannerError(f"Handout text '{path}' ({self.lang}) is not a single text.")
        return value

    def items(self, path: str) -> tuple[str, ...]:
        """The list of texts at a dotted path ("call.signs")."""
        value = self._node(path)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PlannerError(f"Handout text '{path}' ({self.lang}) is not a list of texts.")
        return tuple(value)

    def has(self, path: str) -> bool:
        """True when the dotted path exists."""
        try:
            self._node(path)
        except PlannerError:
            return False
        return True

    def fill(self, path: str, **values: object) -> str:
        """The text at ``path`` with its {placeholders} filled in."""
        return self.get(path).format_map({k: str(v) for k, v in values.items()})

    def day_label(self, day: int) -> str:
        """ "Day -6", "Day 0", "Day +12" in this language."""
        return self.fill("format.day_label", n=f"{day:+d}" if day else "0")

    @property
    def locale(self) -> str:
        """The CLDR locale of this language's numbers and dates ("es_ES")."""
        return self.get("format.locale")

    def date(self, when: dt.date, *, short: bool = False) -> str:
        """A date written out, e.g. "Tuesday, 10 March 2026" or "10 Mar 2026"."""
        return format_date(when, "medium" if short else "full", locale=self.locale)

    def day_month(self, when: dt.date) -> str:
        """Day and short month, for a calendar cell: "10 Mar", "10 mar"."""
        return format_skeleton("dMMM", when, locale=self.locale)

    def month_name(self, year: int, month: int) -> str:
        """A month in running text: "March 2026", "marzo de 2026"."""
        return format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale)

    def month_title(self, year: int, month: int) -> str:
        """ "March 2026" as a heading (capitalised: Spanish month names are lower case)."""
        name = self.month_name(year, month)
        return f"{name[:1].upper()}{name[1:]}"

    def weekdays(self, width: Literal["wide", "abbreviated"] = "wide") -> tuple[str, ...]:
        """Day names Monday first, as column heads ("wide" or "abbreviated")."""
        names = get_day_names(width, context="stand-alone", locale=self.locale)
        return tuple(names[i] for i in range(7))

    def number(self, value: float, decimals: int = 1) -> str:
        """A number with exactly ``decimals`` decimals and this language's signs ("38,0")."""
        pattern = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def temperature(self, celsius: float) -> str:
        """ "38.0 °C (100.4 °F)": patient handouts give both scales (handout display rule)."""
        fahrenheit = celsius * 9 / 5 + 32
        return self.fill("format.temperature", c=self.number(celsius), f=self.number(fahrenheit))

    def step(self, step_id: str) -> StepText | None:
        """The translation of a template step ("template/step" first, then the bare id)."""
        bare = step_id.split("/", 1)[-1]
        for key in (step_id, bare):
            entry = self._steps.get(key)
            if isinstance(entry, Mapping):
                return StepText(str(entry.get("short", "")), str(entry.get("text", "")))
        return None

    def _node(self, path: str) -> object:
        node: object = self._data
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise PlannerError(f"Handout text '{path}' is missing for language {self.lang}.")
            node = node[part]
        return node


@cache
def load_texts(lang: str) -> HandoutTexts:
    """The handout texts of ``lang``; an unknown language lists the available ones."""
    known = available_languages()
    if lang not in known:
        raise PlannerError(
            f"There are no handout texts for language '{lang}'; available: {', '.join(known)}."
        )
    data = _read_toml(lang, "handout.toml")
    if lang != REFERENCE_LANGUAGE:
        missing = _flat_keys(_read_toml(REFERENCE_LANGUAGE, "handout.toml")) - _flat_keys(data)
        if missing:
            raise PlannerError(f"Handout texts for '{lang}' lack: {', '.join(sorted(missing))}.")
    steps = _read_toml(lang, "steps.toml")
    return HandoutTexts(lang, data, steps)
