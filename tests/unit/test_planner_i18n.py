"""The planner's own sentences in the interface's language: catalogues complete and current,
the switch per thread, and documents that must not vary staying English."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from planner.domain import i18n
from planner.domain.days import mobilisation_label
from tools import extract_messages

LOCALE = Path(__file__).resolve().parents[2] / "resources" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/*.po"))
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?::[^}]*)?\}")


@pytest.fixture
def spanish():
    i18n.set_language("es")
    yield
    i18n.set_language("en")


def test_the_catalogues_hold_every_marked_text_of_the_code() -> None:
    assert CATALOGUES, "no catalogue"
    assert extract_messages.main(["--check"]) == 0, "run tools/extract_messages.py"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_text_is_translated_and_keeps_its_placeholders(po: Path) -> None:
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale=po.parent.name)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert not message.fuzzy, f"fuzzy: {ids[0]!r}"
        wanted = set(_PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(_PLACEHOLDER.findall(text)) == wanted, (ids[0], text)


def test_one_english_text_has_one_translation_across_catalogues() -> None:
    seen: dict[tuple[str, str], str] = {}
    for po in CATALOGUES:
        with po.open("rb") as stream:
            for message in read_po(stream, locale=po.parent.name):
                if message.id and isinstance(message.id, str):
                    key = (po.parent.name, message.id)
                    assert seen.setdefault(key, message.string) == message.string, message.id


def test_the_language_switch_and_an_english_block(spanish) -> None:
    assert mobilisation_label(3) == "Día M 3"
    with i18n.english():
        assert mobilisation_label(3) == "M-Day 3"
    assert mobilisation_label(3) == "Día M 3"


def test_english_block_is_per_thread(spanish) -> None:
    seen: list[str] = []
    with i18n.english():
        worker = threading.Thread(target=lambda: seen.append(mobilisation_label(1)))
        worker.start()
        worker.join()
        assert mobilisation_label(1) == "M-Day 1"
    assert seen == ["Día M 1"]


def test_an_unknown_language_is_english() -> None:
    assert i18n.set_language("xx") == "en"
    assert mobilisation_label(2) == "M-Day 2"
    assert i18n.available()[0] == "en" and "es" in i18n.available()


def test_team_documents_do_not_change_with_the_interface_language() -> None:
    from planner.app.demo import build_demo_clinic
    from planner.app.exports import RenderJob, render
    from planner.domain.patients import ClinicSettings

    today = dt.date(2026, 3, 10)
    patient, transplant, plan = build_demo_clinic(today)[2]  # mobilising: M-Days printed
    job = RenderJob("summary", patient, transplant, plan, ClinicSettings(), today)
    english = render(job).pdf
    i18n.set_language("es")
    try:
        assert render(job).pdf == english
    finally:
        i18n.set_language("en")
