"""``transplant-planner export``: run_export against the demo clinic, exit codes and files."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL
from planner.cli.export import run_export
from planner.cli.parser import add_export_parser
from planner.records.documents import history
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="transplant-planner")
    add_export_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["export", *argv])


@pytest.fixture
def repo() -> InMemoryRepository:
    r = InMemoryRepository()
    load_demo_clinic(r, CTX)
    return r


def _phi(repo: InMemoryRepository) -> list[str]:
    words: list[str] = []
    for p in repo.list_patients():
        words += [p.mrn, p.date_of_birth.isoformat(), p.family_name, p.given_name]
    return [w for w in words if w]


def test_spanish_large_print_handout_and_english_summary(repo, tmp_path):
    code, text = run_export(
        repo,
        CTX,
        parse(
            "handout",
            "--patient",
            "DEMO-0003",
            "--out",
            str(tmp_path / "guia.pdf"),
            "--lang",
            "es",
            "--large-print",
        ),
    )
    assert code == EXIT_OK, text
    assert "Wrote handout (es, large print)" in text
    assert len(PdfReader(tmp_path / "guia.pdf").pages) > 5
    code, text = run_export(
        repo,
        CTX,
        parse("summary", "--patient", "DEMO-0003", "--out", str(tmp_path / "summary.pdf")),
    )
    assert code == EXIT_OK, text
    assert PdfReader(tmp_path / "summary.pdf").pages
    tid = repo.list_transplants(repo.find_patient_by_mrn("DEMO-0003").id)[0].id
    assert [e.kind for e in history(repo.get_record(tid, "documents"))] == ["handout", "summary"]


def test_out_as_a_folder_gets_a_default_name_without_patient_data(repo, tmp_path):
    code, text = run_export(
        repo, CTX, parse("handout", "--patient", "DEMO-0005", "--out", str(tmp_path), "--no-phi")
    )
    assert code == EXIT_OK, text
    [written] = list(tmp_path.iterdir())
    assert written.name.startswith("handout_2026-03-10_") and written.suffix == ".pdf"
    assert not any(w in written.name for w in _phi(repo))


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (("handout", "--patient", "NOPE-1", "--out", "x.pdf"), "No patient has MRN NOPE-1."),
        (
            ("handout", "--patient", "DEMO-0003", "--out", "x.pdf", "--lang", "tlh"),
            "There are no handout texts in 'tlh'",
        ),
        (("summary", "--patient", "DEMO-0003", "--out", "x.pdf", "--large-print"), "team document"),
        (("handout", "--patient", "DEMO-0003"), "Give --out FILE.pdf"),
        (("handout", "--patients", "DEMO-0003", "--out", "x.pdf"), "Give --out-dir DIR"),
        (("handout", "--patients", " , ", "--out-dir", "."), "at least one MRN"),
        (("handout", "--patient", "DEMO-0003", "--out", "missing-folder/x.pdf"), "does not exist"),
    ],
    ids=[
        "unknown-mrn",
        "unknown-language",
        "summary-variant",
        "no-out",
        "batch-with-out",
        "empty-list",
        "missing-folder",
    ],
)
def test_bad_input_exits_2_with_one_sentence(repo, tmp_path, monkeypatch, argv, sentence):
    monkeypatch.chdir(tmp_path)
    code, text = run_export(repo, CTX, parse(*argv))
    assert code == EXIT_BAD_INPUT
    assert sentence in text
    assert "\n" not in text and text.endswith(".")
    assert not any(p.suffix == ".pdf" for p in Path(tmp_path).rglob("*"))


def test_existing_file_needs_overwrite(repo, tmp_path):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"keep me")
    args = ("handout", "--patient", "DEMO-0003", "--out", str(target))
    code, text = run_export(repo, CTX, parse(*args))
    assert (code, text) == (
        EXIT_BAD_INPUT,
        "h.pdf already exists; add --overwrite to replace it, or choose another name.",
    )
    assert target.read_bytes() == b"keep me"
    code, _ = run_export(repo, CTX, parse(*args, "--overwrite"))
    assert code == EXIT_OK
    assert target.read_bytes().startswith(b"%PDF")


def test_batch_by_mrn_list_names_files_without_patient_data(repo, tmp_path):
    code, text = run_export(
        repo,
        CTX,
        parse(
            "handoff",
            "--patients",
            "DEMO-0010,DEMO-0009,DEMO-0010",
            "--out-dir",
            str(tmp_path),
            "--workers",
            "1",
        ),
    )
    assert code == EXIT_OK, text
    assert "2 of 2 handoffs written" in text
    files = sorted(tmp_path.iterdir())
    assert len(files) == 2
    for f in files:
        assert f.name.startswith("handoff_2026-03-10_")
        assert not any(w in f.name for w in _phi(repo))


def test_batch_everyone_with_a_visit_tomorrow_on_two_cores(repo, tmp_path):
    ctx = Context(CTX.actor, NOW + dt.timedelta(days=1))  # tomorrow is then 2026-03-12
    code, text = run_export(
        repo,
        ctx,
        parse("handout", "--all-visits-tomorrow", "--out-dir", str(tmp_path), "--lang", "es"),
    )
    assert code == EXIT_OK, text
    assert len(list(tmp_path.glob("handout_2026-03-11_*.pdf"))) == 4
    code, text = run_export(
        repo,
        ctx,
        parse(
            "handout",
            "--all-visits-tomorrow",
            "--out-dir",
            str(tmp_path),
            "--lang",
            "es",
            "--workers",
            "1",
        ),
    )
    assert code == EXIT_PARTIAL
    assert "0 of 4 handouts written" in text and "already exists" in text


def test_nobody_tomorrow_is_not_an_error(repo, tmp_path):
    from planner.app.exports import transplants_with_visit_on

    # The first day whose tomorrow has no visit (the demo's CAR-T patient is seen daily).
    day = next(
        NOW + dt.timedelta(days=n)
        for n in range(60)
        if not transplants_with_visit_on(repo, (NOW + dt.timedelta(days=n + 1)).date())
    )
    code, text = run_export(
        repo,
        Context(CTX.actor, day),
        parse("handout", "--all-visits-tomorrow", "--out-dir", str(tmp_path)),
    )
    assert code == EXIT_OK
    assert "nothing written" in text


def test_handout_without_a_24_hour_number_or_with_untranslated_steps_warns(tmp_path):
    import argparse as _argparse

    from planner.app.context import Context
    from planner.app.demo import load_demo_clinic
    from planner.cli.export import run_export
    from planner.cli.parser import add_export_parser
    from planner.domain.patients import ClinicSettings
    from planner.storage.memory import InMemoryRepository
    from tests.integration.factories import ACTOR

    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(ACTOR, now))
    parser = _argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "export",
            "handout",
            "--patient",
            "DEMO-0010",
            "--lang",
            "fr",
            "--out",
            str(tmp_path / "h.pdf"),
        ]
    )
    # A language the centre added in its data folder, with no step wording yet; and a
    # reworded English file with a key English lacks, which is refused in one sentence.
    from planner.domain.assets import resource

    texts = tmp_path / "handouts"
    english = resource("handouts", "en", "handout.toml").read_text("utf-8")
    (texts / "fr").mkdir(parents=True)
    (texts / "fr" / "handout.toml").write_text(
        english.replace('locale = "en_GB"', 'locale = "fr_FR"'), encoding="utf-8"
    )
    (texts / "en").mkdir()
    (texts / "en" / "handout.toml").write_text('[cover]\nslogan = "x"\n', encoding="utf-8")
    settings = ClinicSettings(handout_texts=str(texts))
    code, text = run_export(repo, Context(ACTOR, now), args, settings=settings)
    assert code == 0
    assert "No 24-hour phone number is set" in text
    assert "no wording in this language" in text
    assert "The centre's handout texts were not used:" in text and "slogan" in text
    args = parser.parse_args(
        ["export", "handout", "--patient", "DEMO-0001", "--out", str(tmp_path / "h2.pdf")]
    )
    code, text = run_export(
        repo, Context(ACTOR, now), args, settings=ClinicSettings(phone_24h="+1 555 0100")
    )
    assert code == 0 and "Warning" not in text
