"""Plain-language handout texts per language, read from ``resources/handouts/<lang>/``.

Every word a patient reads comes from these files, never from code: the section texts
(``handout.toml``) and the wording of template steps (``steps.toml``, keyed by
"template-id/step-id" or by the bare step id, each with a calendar ``short`` and a ``text``).
English is the reference language: a language file missing a key fails loudly with the
list of missing keys.

A centre adds a language, or rewords some texts of a bundled one, with the same two files
in ``handouts/<lang>/`` of its data folder. They are validated like local templates: an
unknown or missing key, a wrong type, placeholders other than English's or an unknown
locale is one sentence naming the file and the key, and that language's centre files are
then not used at all (the bundled texts are, or the language is not offered): a language
is never half loaded.

Numbers, dates, month and day names are never typed into these files: they come from the
Unicode CLDR data through Babel (https://babel.pocoo.org/en/latest/dates.html), for the
locale a language file names in ``format.locale`` ("en_GB", "es_ES").
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_day_names
from babel.numbers import format_decimal

from planner.domain.assets import resource
from planner.domain.templates import ID_PATTERN, StepKind, load_protocols
from planner.errors import PlannerError, TemplateError
from planner.records.kinds import REFERENCE_LANGUAGE as REFERENCE_LANGUAGE

HANDOUT_FILE = "handout.toml"
STEPS_FILE = "steps.toml"
SHORT_MAX_CHARS = 28  # a large-print calendar cell is about 7 cm wide: a few words
MAX_TEXT_BYTES = 256 * 1024
STEP_FIELDS = ("short", "text")
# A language folder is named by its ISO 639 code, optionally with a region ("pt", "pt_BR").
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?\Z")


@dataclass(frozen=True)
class StepText:
    """The patient wording of one template step in one language.

    Attributes:
        short: a few words for a calendar cell.
        text: one or two plain sentences.
    """

    short: str
    text: str


@dataclass(frozen=True)
class _Layer:
    """The two files of one language as read: section texts and step wording."""

    data: Mapping[str, Any]
    steps: Mapping[str, Any]


@cache
def _bundled_languages() -> tuple[str, ...]:
    folder = resource("handouts")
    return tuple(
        sorted(
            c.name for c in folder.iterdir() if c.is_dir() and c.joinpath(HANDOUT_FILE).is_file()
        )
    )


def available_languages(centre_folder: Path | None = None) -> tuple[str, ...]:
    """Language codes that have handout texts, sorted: bundled, plus the centre's valid ones.

    Args:
        centre_folder: the ``handouts`` folder of the centre's data folder, or None.
    """
    bundled = _bundled_languages()
    if centre_folder is None:
        return bundled
    return tuple(sorted(set(bundled) | set(_centre_layers(centre_folder)[0])))


def centre_text_errors(centre_folder: Path) -> tuple[TemplateError, ...]:
    """Why some of a centre's handout files are not used: one sentence each."""
    return _centre_layers(centre_folder)[1]


def _flat_keys(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        keys.add(path)
        if isinstance(value, Mapping):
            keys |= _flat_keys(value, f"{path}.")
    return keys


def _leaves(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every value that is not a table, by dotted path."""
    found: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            found |= _leaves(value, f"{path}.")
        else:
            found[path] = value
    return found


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


PROGRAMME_OVERLAYS = frozenset({"car-t"})
"""Top-level tables of programme wording (``HandoutTexts.for_programme``). Optional in a
language: where one is missing, the general text is used, so a centre's language written
before a programme's wording existed keeps working."""


def _in_overlay(key: str) -> bool:
    return key.split(".", 1)[0] in PROGRAMME_OVERLAYS


def placeholders(text: str) -> frozenset[str]:
    """The {names} a text has for the program to fill in; ValueError on unbalanced braces."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


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

    def step(self, step_id: str, *, bare: bool = True) -> StepText | None:
        """The wording of a template step ("template/step" first, then the bare id).

        ``bare=False`` looks for the full key only: a centre's own template may reuse a
        bundled step id ("admission") for a different step.
        """
        keys = (step_id, step_id.split("/", 1)[-1]) if bare else (step_id,)
        for key in keys:
            entry = self._steps.get(key)
            if isinstance(entry, Mapping):
                return StepText(str(entry.get("short", "")), str(entry.get("text", "")))
        return None

    def step_keys(self) -> tuple[str, ...]:
        """The keys of every step wording this language has, sorted."""
        return tuple(sorted(self._steps))

    def for_programme(self, kind: str) -> HandoutTexts:
        """These texts with the wording of a programme kind first: a top-level table named
        after the kind (``[car-t.cover]`` heading = ...) replaces the texts it gives, so a
        CAR T-cell patient does not read of "stem cells" and "transplant"; every other text
        is the general one."""
        if not isinstance(self._data.get(kind), Mapping):
            return self
        copy = object.__new__(HandoutTexts)
        copy.__dict__.update(self.__dict__)
        copy._overlay = kind
        return copy

    _overlay = ""

    def _node(self, path: str) -> object:
        if self._overlay:
            try:
                return self._walk(f"{self._overlay}.{path}")
            except PlannerError:
                pass
        return self._walk(path)

    def _walk(self, path: str) -> object:
        node: object = self._data
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise PlannerError(f"Handout text '{path}' is missing for language {self.lang}.")
            node = node[part]
        return node


@cache
def _bundled(lang: str) -> _Layer:
    data = _read_toml(lang, HANDOUT_FILE)
    if lang != REFERENCE_LANGUAGE:
        reference = _flat_keys(_read_toml(REFERENCE_LANGUAGE, HANDOUT_FILE))
        missing = {k for k in reference - _flat_keys(data) if not _in_overlay(k)}
        if missing:
            raise PlannerError(f"Handout texts for '{lang}' lack: {', '.join(sorted(missing))}.")
    return _Layer(data, _read_toml(lang, STEPS_FILE))


@cache
def _bundled_texts(lang: str) -> HandoutTexts:
    layer = _bundled(lang)
    return HandoutTexts(lang, layer.data, layer.steps)


def load_texts(lang: str, centre_folder: Path | None = None) -> HandoutTexts:
    """The handout texts of ``lang``; an unknown language lists the available ones.

    Args:
        lang: a language code ("en", "es", or one the centre added).
        centre_folder: the ``handouts`` folder of the centre's data folder, or None for
            the bundled texts only. The centre's valid files for ``lang`` replace the
            bundled keys they give; invalid ones are ignored (``centre_text_errors``).
    """
    layer = _centre_layers(centre_folder)[0].get(lang) if centre_folder is not None else None
    if layer is None:
        if lang not in _bundled_languages():
            known = available_languages(centre_folder)
            raise PlannerError(
                f"There are no handout texts for language '{lang}'; available: {', '.join(known)}."
            )
        return _bundled_texts(lang)
    if lang in _bundled_languages():
        base = _bundled(lang)
        return HandoutTexts(lang, _merged(base.data, layer.data), {**base.steps, **layer.steps})
    return HandoutTexts(lang, layer.data, layer.steps)


def _merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        out[key] = _merged(old, value) if isinstance(old, Mapping) else value
    return out


# --- a centre's own languages and wording ----------------------------------------------------


_Signature = tuple[tuple[str, int, int], ...]


def _centre_layers(folder: Path) -> tuple[dict[str, _Layer], tuple[TemplateError, ...]]:
    """The centre's valid languages and the errors of the ones refused.

    Read again whenever a file's size or time changed, so an edit shows at the next
    handout without a restart, and a batch of handouts reads the files once.
    """
    if not folder.is_dir():
        return {}, ()
    try:
        children = sorted(c for c in folder.iterdir() if c.is_dir() and not c.name.startswith("."))
        signature = tuple(
            (str(f), info.st_mtime_ns, info.st_size)
            for child in children
            for f in (child / HANDOUT_FILE, child / STEPS_FILE)
            if (info := _stat(f)) is not None
        )
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        error = TemplateError("handouts", f"cannot be read ({reason}); the bundled texts are used.")
        return {}, (error,)
    return _read_centre_layers(tuple(children), signature)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


@lru_cache(maxsize=8)
def _read_centre_layers(
    children: tuple[Path, ...], signature: _Signature
) -> tuple[dict[str, _Layer], tuple[TemplateError, ...]]:
    del signature  # part of the cache key only
    layers: dict[str, _Layer] = {}
    errors: list[TemplateError] = []
    for child in children:
        try:
            layers[child.name] = _centre_layer(child)
        except TemplateError as exc:
            errors.append(exc)
    return layers, tuple(errors)


def _centre_layer(folder: Path) -> _Layer:
    lang = folder.name
    where = f"handouts/{lang}"
    if not _LANGUAGE_CODE.match(lang):
        raise TemplateError(
            where,
            "the folder name is not a language code such as fr or pt_BR; it is not used.",
        )
    bundled = lang in _bundled_languages()
    handout_path, steps_path = folder / HANDOUT_FILE, folder / STEPS_FILE
    if not bundled and not handout_path.is_file():
        raise TemplateError(
            where,
            f"a new language needs a {HANDOUT_FILE} with every key of English's; "
            "the language is not offered.",
        )
    data = _read_centre_toml(handout_path, lang) if handout_path.exists() else {}
    steps = _read_centre_toml(steps_path, lang) if steps_path.exists() else {}
    _check_sections(data, f"{where}/{HANDOUT_FILE}", new=not bundled, lang=lang)
    _check_steps(steps, f"{where}/{STEPS_FILE}", lang)
    return _Layer(data, steps)


@cache
def _bundled_patient_steps() -> dict[str, frozenset[str]]:
    """The step ids each bundled template shows patients (registry forms never)."""
    return {
        pid: frozenset(s.id for s in proto.steps if s.kind is not StepKind.REGISTRY_FORM)
        for pid, proto in load_protocols().items()
    }


def _not_used(lang: str) -> str:
    if lang in _bundled_languages():
        return f"the bundled '{lang}' texts are used instead"
    return f"the language '{lang}' is not offered"


def _read_centre_toml(path: Path, lang: str) -> dict[str, Any]:
    """One centre file: a regular file of at most ``MAX_TEXT_BYTES``, UTF-8 TOML."""
    file = f"handouts/{lang}/{path.name}"
    try:
        # O_NONBLOCK: a pipe put in the folder must not block the app on opening it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise TemplateError(file, f"is not a regular file; {_not_used(lang)}.")
            raw = handle.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise TemplateError(
            file, f"cannot be read ({exc.strerror or type(exc).__name__}); {_not_used(lang)}."
        ) from None
    if len(raw) > MAX_TEXT_BYTES:
        raise TemplateError(file, f"is larger than {MAX_TEXT_BYTES // 1024} KB; {_not_used(lang)}.")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise TemplateError(
            file, f"cannot be read as UTF-8 TOML ({exc}); {_not_used(lang)}."
        ) from None


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list of texts"
    return "a text" if isinstance(value, str) else "something else"


def _check_sections(data: Mapping[str, Any], file: str, *, new: bool, lang: str) -> None:
    """A centre's handout.toml against the bundled English one: keys, types, placeholders."""
    refused = _not_used(lang)
    reference = _bundled(REFERENCE_LANGUAGE).data
    ref_keys, ref_leaves = _flat_keys(reference), _leaves(reference)
    for key in sorted(_flat_keys(data)):
        if key not in ref_keys:
            raise TemplateError(file, f"is not a key English has; {refused}.", field=key)
    own = _leaves(data)
    tables = _flat_keys(data) - set(own)
    for key in sorted(tables & set(ref_leaves)):
        want = _kind(ref_leaves[key])
        raise TemplateError(file, f"must be {want}, as in English; {refused}.", field=key)
    for key, value in sorted(own.items()):
        _check_value(key, value, ref_leaves.get(key), file, refused)
    if new:
        missing = sorted(k for k in set(ref_leaves) - set(own) if not _in_overlay(k))
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise TemplateError(
                file,
                f"is missing{more} (a new language needs every key of English's); {refused}.",
                field=missing[0],
            )
    if "format" in data and "locale" in data["format"]:
        code = data["format"]["locale"]
        try:
            Locale.parse(code)
        except (ValueError, TypeError, UnknownLocaleError):
            raise TemplateError(
                file,
                f"'{code}' is not a CLDR locale (such as fr_FR or pt_BR); {refused}.",
                field="format.locale",
            ) from None


def _check_value(key: str, value: Any, ref: Any, file: str, refused: str) -> None:
    want = "a table" if ref is None else _kind(ref)  # None: English has a table there
    if _kind(value) != want:
        raise TemplateError(file, f"must be {want}, as in English; {refused}.", field=key)
    wanted = placeholders(ref) if isinstance(ref, str) else frozenset()
    for text in [value] if isinstance(value, str) else value:
        if not isinstance(text, str):
            raise TemplateError(file, f"must be a list of texts; {refused}.", field=key)
        if not text.strip():
            raise TemplateError(file, f"is empty; {refused}.", field=key)
        try:
            found: frozenset[str] | None = placeholders(text)
        except ValueError:  # a lone brace
            found = None
        if found != wanted:
            names = ", ".join(f"{{{n}}}" for n in sorted(wanted)) or "none"
            raise TemplateError(
                file,
                f"must have exactly the placeholders English has ({names}); {refused}.",
                field=key,
            )


def _check_steps(steps: Mapping[str, Any], file: str, lang: str) -> None:
    """A centre's steps.toml: step keys, a short and a text each, no placeholders."""
    refused = _not_used(lang)
    for key, entry in steps.items():
        parts = key.split("/")
        if len(parts) > 2 or not all(ID_PATTERN.fullmatch(p) for p in parts):
            raise TemplateError(
                file,
                f"is not a step key ('template-id/step-id' or 'step-id'); {refused}.",
                field=key,
            )
        shown = _bundled_patient_steps().get(parts[0])
        if len(parts) == 2 and shown is not None and parts[1] not in shown:
            # A bundled template's step is known here; a centre template's is not.
            raise TemplateError(
                file,
                f"names no step of the bundled template '{parts[0]}' that a patient sees; "
                f"{refused}.",
                field=key,
            )
        if not isinstance(entry, Mapping):
            raise TemplateError(
                file, f"must be a table with a short and a text; {refused}.", field=key
            )
        unknown = sorted(set(entry) - set(STEP_FIELDS))
        if unknown:
            raise TemplateError(
                file, f"has '{unknown[0]}'; only short and text are allowed; {refused}.", field=key
            )
        for name in STEP_FIELDS:
            value = entry.get(name)
            if not isinstance(value, str) or not value.strip():
                raise TemplateError(
                    file, f"needs {name} as a text that is not empty; {refused}.", field=key
                )
            if "{" in value or "}" in value:
                raise TemplateError(
                    file,
                    f"{name} has braces, but step wording has no placeholders "
                    f"(English has none); {refused}.",
                    field=key,
                )
        if len(entry["short"]) > SHORT_MAX_CHARS:
            raise TemplateError(
                file,
                f"short has {len(entry['short'])} characters; a calendar cell holds at most "
                f"{SHORT_MAX_CHARS}; {refused}.",
                field=key,
            )
