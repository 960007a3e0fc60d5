"""The translation sources are complete: every message finished, nothing of the English
lost that the code fills in or that the keyboard needs (no Qt needed)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[2] / "resources" / "translations"
SOURCES = sorted(FOLDER.glob("*.ts"))
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%n")


def messages(ts: Path) -> list[tuple[str, ET.Element]]:
    """(context name, message element) of every message of ``ts``."""
    root = ET.parse(ts).getroot()
    return [
        (context.findtext("name", ""), message)
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def translations(message: ET.Element) -> list[str]:
    """The translated text, or each plural form of it."""
    element = message.find("translation")
    assert element is not None
    forms = element.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [element.text or ""]


def problems(ts: Path) -> list[str]:
    """What is wrong with the messages of one source file."""
    found = []
    for context, message in messages(ts):
        source = message.findtext("source", "")
        where = f"{ts.name} [{context}] {source!r}"
        element = message.find("translation")
        if element is None or element.get("type") in ("unfinished", "vanished", "obsolete"):
            found.append(f"{where}: not finished")
            continue
        for text in translations(message):
            if not text.strip():
                found.append(f"{where}: empty translation")
            if sorted(set(_PLACEHOLDER.findall(source))) != sorted(set(_PLACEHOLDER.findall(text))):
                found.append(f"{where}: placeholders differ in {text!r}")
            if ("&" in source.replace("&&", "")) != ("&" in text.replace("&&", "")):
                found.append(f"{where}: access key only on one side in {text!r}")
    return found


def test_there_are_spanish_sources():
    assert {p.name for p in SOURCES} >= {"main_es.ts"}
    for ts in SOURCES:
        assert ET.parse(ts).getroot().get("language", "").startswith(ts.stem.split("_")[-1])


@pytest.mark.parametrize("ts", SOURCES, ids=[p.name for p in SOURCES])
def test_every_message_is_finished_with_its_placeholders(ts):
    found = problems(ts)
    assert not found, "\n".join(found)


def test_the_check_finds_an_unfinished_or_broken_message(tmp_path):
    ts = tmp_path / "x_es.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="es">'
        "<context><name>C</name>"
        "<message><source>Moved {n} steps</source>"
        '<translation type="unfinished"></translation></message>'
        "<message><source>Moved {n} steps to {day}</source>"
        "<translation>Movidos {count} pasos al {day}</translation></message>"
        "<message><source>&amp;Undo</source><translation>Deshacer</translation></message>"
        "<message><source>Day 0</source><translation>Día 0</translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    found = problems(ts)
    assert len(found) == 3
    assert "not finished" in found[0]
    assert "placeholders differ" in found[1]
    assert "access key only on one side" in found[2]


def test_the_catalogues_together_hold_every_text_of_the_interface(tmp_path) -> None:
    """lupdate over the whole of ui/ finds no text that neither catalogue holds."""
    import subprocess
    import sys

    root = FOLDER.parents[1]
    fresh = tmp_path / "all_es.ts"
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    files = sorted(str(p) for p in (root / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *files, "-ts", str(fresh)], capture_output=True, check=True)
    held = {(c, m.findtext("source")) for ts in SOURCES for c, m in messages(ts)}
    found = {(c, m.findtext("source")) for c, m in messages(fresh)}
    assert len(found) > 500
    assert found <= held, sorted(found - held)[:10]
