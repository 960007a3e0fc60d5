"""PDF safety: markup injection, Unicode names, missing glyphs, qpdf validity, no fetches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import socket
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.app.demo import build_demo_clinic
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Plan
from planner.export.handout import write_handout
from planner.export.pdfkit import PLACEHOLDER, escape_markup
from planner.export.summary import SummaryInputs, write_handoff_packet, write_team_summary

TODAY = dt.date(2026, 3, 10)
SETTINGS = ClinicSettings(centre_name="Riverside Transplant Centre", phone_24h="+1 555 0100")
Case = tuple[Patient, Transplant, Plan]


@pytest.fixture(scope="module")
def case() -> Case:
    return build_demo_clinic(TODAY)[4]


def handout(case: Case, **kw: object) -> bytes:
    out = io.BytesIO()
    write_handout(
        out,
        patient=case[0],
        transplant=case[1],
        plan=case[2],
        settings=SETTINGS,
        printed_on=TODAY,
        plan_version=1,
        **kw,
    )  # type: ignore[arg-type]
    return out.getvalue()


def team(writer: Callable[..., object], case: Case) -> bytes:
    out = io.BytesIO()
    writer(
        out,
        patient=case[0],
        transplant=case[1],
        plan=case[2],
        settings=SETTINGS,
        printed_on=TODAY,
        inputs=SummaryInputs(),
        plan_version=1,
    )
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages))


def renamed(case: Case, family: str, given: str = "Test") -> Case:
    return (dataclasses.replace(case[0], family_name=family, given_name=given), case[1], case[2])


def has_links(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    return any("/Annots" in page for page in reader.pages) or b"/URI" in pdf


HOSTILE = [
    "<font size=40>",
    "a < b & c",
    '<a href="http://evil">x</a>',
    "<b>x</b>",
    "&amp; ]]>",
    '<img src="/etc/hostname"/>',
    '<font color="red" size="40">',
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_print_literally_without_links(case: Case, name: str) -> None:
    hostile = renamed(case, name)
    for pdf in (handout(hostile), team(write_team_summary, hostile)):
        text = re.sub(r"\s+", " ", text_of(pdf))
        assert name.upper() in text or name in text
        assert not has_links(pdf)


def test_remote_image_name_fetches_nothing(case: Case) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        name = f'<img src="http://127.0.0.1:{port}/"/>'
        pdf = handout(renamed(case, name))
        assert name in re.sub(r"\s+", " ", text_of(pdf))
        with pytest.raises(TimeoutError):
            listener.accept()


def test_escape_markup_escapes_then_breaks_lines() -> None:
    assert escape_markup("a < b & c\nd") == "a &lt; b &amp; c<br/>d"


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ñúñez-Łukasz",
        "Иван Петров",
        "Γιώργος",
        "Ærøskøbing",
        unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
    ],
)
def test_unicode_names_extract_back(case: Case, name: str) -> None:
    family, given = name.rsplit(" ", 1) if " " in name else (name, "")
    text = re.sub(r"\s+", " ", text_of(handout(renamed(case, family, given))))
    assert unicodedata.normalize("NFC", f"{given} {family}".strip()) in text


# 𠮷 (U+20BB7) lies outside the bundled CJK subset; an emoji is in no bundled face.
@pytest.mark.parametrize("name", ["𠮷田", "👶🏽 Baby"])
def test_missing_glyphs_become_placeholder_and_are_reported(case: Case, name: str) -> None:
    out = io.BytesIO()
    info = write_handout(
        out,
        patient=renamed(case, name)[0],
        transplant=case[1],
        plan=case[2],
        settings=SETTINGS,
        printed_on=TODAY,
        plan_version=1,
    )
    assert info.missing_glyphs
    assert set(info.missing_glyphs) <= set(name)
    assert PLACEHOLDER in text_of(out.getvalue())


def test_team_documents_report_missing_glyphs(case: Case) -> None:
    out = io.BytesIO()
    missing = write_team_summary(
        out,
        patient=renamed(case, "𠮷")[0],
        transplant=case[1],
        plan=case[2],
        settings=SETTINGS,
        printed_on=TODAY,
        inputs=SummaryInputs(),
        plan_version=1,
    )
    assert missing == ("𠮷",)


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
@pytest.mark.parametrize(
    "kind", ["handout", "handout-large-es", "handout-no-phi", "summary", "handoff"]
)
def test_qpdf_check_passes(case: Case, kind: str, tmp_path: Path) -> None:
    pdf = {
        "handout": lambda: handout(case),
        "handout-large-es": lambda: handout(case, language="es", large_print=True),
        "handout-no-phi": lambda: handout(case, no_phi=True),
        "summary": lambda: team(write_team_summary, case),
        "handoff": lambda: team(write_handoff_packet, case),
    }[kind]()
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["qpdf", "--check", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not has_links(pdf)
