"""Export use cases against real repositories: files, history and audit in one commit."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.exports import (
    batch_export,
    export_document,
    prepare_job,
    render,
    transplants_with_visit_on,
)
from planner.app.plans import move_day0
from planner.errors import ValidationError
from planner.export.atomic import TargetExistsError
from planner.records.documents import document_alerts, history, plan_outdated_documents
from planner.records.harvest_log import Collection, HarvestLog
from planner.records.ports import Action, ClinicalRecord, Repository, Scope
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(ACTOR, NOW)


class CountingRepo:
    """The repository with its commits counted (everything else passes through)."""

    def __init__(self, inner: Repository) -> None:
        self.inner = inner
        self.commits: list[Action] = []

    def commit(self, action: Action):
        self.commits.append(action)
        return self.inner.commit(action)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@pytest.fixture
def demo(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _tid(repo: Repository, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return repo.list_transplants(patient.id)[0].id


def _pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def test_export_writes_file_then_history_and_audit_in_one_commit(demo, tmp_path):
    counted = CountingRepo(demo)
    tid = _tid(demo, "DEMO-0004")
    before = len(demo.audit_log())
    result = export_document(
        counted, CTX, tid, "handout", tmp_path / "h.pdf", language="es", large_print=True
    )
    assert _pages(result.path) > 5
    assert len(counted.commits) == 1
    assert result.change is not None and result.change.parts == {"documents"}
    assert not result.change.undoable  # a document given out cannot be taken back
    action = counted.commits[0]
    assert action.event and "large print" in action.event and str(tmp_path) not in action.event
    assert [r.kind for r in action.records] == ["documents"]
    rows = demo.audit_log()[before:]
    assert {r.entity for r in rows} == {"event", "record:documents"}
    assert len({r.at_utc for r in rows}) == 1
    [entry] = history(demo.get_record(tid, "documents"))
    assert (entry.kind, entry.language, entry.large_print, entry.no_phi) == (
        "handout",
        "es",
        True,
        False,
    )
    assert entry.plan_version == demo.get_plan(tid).version
    assert entry.printed_on == NOW.date()


def test_existing_file_is_refused_and_nothing_recorded(demo, tmp_path):
    target = tmp_path / "h.pdf"
    target.write_bytes(b"earlier handout")
    counted = CountingRepo(demo)
    with pytest.raises(TargetExistsError):
        export_document(counted, CTX, _tid(demo, "DEMO-0004"), "handout", target)
    assert target.read_bytes() == b"earlier handout"
    assert counted.commits == []
    export_document(demo, CTX, _tid(demo, "DEMO-0004"), "handout", target, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")


def test_handout_is_out_of_date_after_day0_moves(demo, tmp_path):
    tid = _tid(demo, "DEMO-0004")
    export_document(demo, CTX, tid, "handout", tmp_path / "h.pdf")
    plan = demo.get_plan(tid)
    record = demo.get_record(tid, "documents")
    assert plan_outdated_documents(record, plan) == []
    assert document_alerts(demo.list_records("documents"), demo.list_plans()) == {}
    move_day0(demo, CTX, plan, plan.day0 + dt.timedelta(days=3), "donor delayed")
    moved = demo.get_plan(tid)
    assert plan_outdated_documents(demo.get_record(tid, "documents"), moved) == [
        "handout of 2026-03-10 is out of date"
    ]
    assert document_alerts(demo.list_records("documents"), demo.list_plans()) == {
        tid: ["handout of 2026-03-10 is out of date"]
    }
    export_document(demo, CTX, tid, "handout", tmp_path / "h2.pdf")
    assert plan_outdated_documents(demo.get_record(tid, "documents"), moved) == []


@pytest.mark.parametrize("kind", ["summary", "handoff"])
def test_team_documents_tolerate_missing_records_and_use_harvest(demo, tmp_path, kind):
    tid = _tid(demo, "DEMO-0010")
    result = export_document(demo, CTX, tid, kind, tmp_path / f"{kind}.pdf")
    assert _pages(result.path) >= 1
    transplant = demo.get_transplant(tid)
    log = HarvestLog.from_body(None, transplant)
    for c in (
        Collection("a", dt.date(2026, 2, 2), 100, 80, cd34_total_e6=100),
        # 1500/uL x 250 mL / 75 kg = 5.0
        Collection("b", dt.date(2026, 2, 1), 250, 75, cd34_per_ul=1500),
        Collection("c", dt.date(2026, 2, 3), 200, 80, cd34_total_e6=80),
    ):
        log = log.with_collection(c)
    demo.commit(
        Action(
            actor=ACTOR,
            at=NOW,
            description="Harvest",
            records=(ClinicalRecord(tid, "harvest", log.to_body()),),
        )
    )
    job = prepare_job(demo, tid, kind, printed_on=NOW.date())
    # the same doses and running total as the harvest tab (planner.harvestlog)
    assert [r.cd34_per_kg for r in job.inputs.harvest] == [d.value for d in log.doses()]
    assert [r.cd34_per_kg for r in job.inputs.harvest] == pytest.approx([5.0, 1.25, 1.0])
    assert [r.cumulative for r in job.inputs.harvest] == pytest.approx([5.0, 6.25, 7.25])
    assert job.inputs.harvest_error == ""
    assert render(job).pdf.startswith(b"%PDF")


def test_bad_requests_are_refused_before_anything_is_written(demo, tmp_path):
    tid = _tid(demo, "DEMO-0004")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ValidationError, match="no handout texts in 'xx'"):
        export_document(demo, CTX, tid, "handout", tmp_path / "a.pdf", language="xx")
    with pytest.raises(ValidationError, match="team document"):
        export_document(demo, CTX, tid, "summary", tmp_path / "a.pdf", language="es")
    with pytest.raises(ValidationError, match="Unknown document"):
        export_document(demo, CTX, tid, "letter", tmp_path / "a.pdf")
    assert list(tmp_path.iterdir()) == []


def test_batch_of_four_on_two_workers_writes_four_valid_pdfs(tmp_path):
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    tomorrow_ctx = Context(ACTOR, NOW + dt.timedelta(days=1))
    ids = transplants_with_visit_on(repo, tomorrow_ctx.today + dt.timedelta(days=1))
    assert len(ids) == 4
    items = batch_export(
        repo, tomorrow_ctx, ids, "handout", tmp_path, language="es", large_print=True, max_workers=2
    )
    assert [i.error for i in items] == [""] * 4
    files = sorted(tmp_path.iterdir())
    assert len(files) == 4
    names = {p.mrn: p.display_name for p in repo.list_patients()}
    for item in items:
        assert item.result is not None and item.result.change is not None
        assert item.result.change.transplant_ids == {item.transplant_id}
        path = item.result.path
        assert path.name.startswith("handout_2026-03-11_")
        assert item.mrn not in path.name
        assert not any(part in path.name for part in names[item.mrn].replace(",", " ").split())
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        assert len(reader.pages) > 5
        if shutil.which("qpdf"):
            subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
        assert history(repo.get_record(item.transplant_id, "documents"))[0].language == "es"
    again = batch_export(
        repo,
        tomorrow_ctx,
        ids[:1],
        "handout",
        tmp_path,
        language="es",
        large_print=True,
        max_workers=2,
    )
    assert "already exists" in again[0].error


def test_batch_reports_a_failing_patient_and_writes_the_others(tmp_path):
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    good = [t.id for t in repo.list_transplants()][:2]
    items = batch_export(
        repo, CTX, [good[0], "missing", good[1]], "summary", tmp_path, max_workers=1
    )
    assert [bool(i.result) for i in items] == [True, False, True]
    assert items[1].error
    assert len(list(tmp_path.iterdir())) == 2


def test_team_summary_lists_complications_and_checklist_status(demo):
    from planner.app.checklists import tick_checklist_item
    from planner.app.complications import save_assessment
    from planner.app.exports import prepare_job, render
    from planner.clinical.grading import magic_assessment
    from planner.records.checklists import load_checklists

    tid = _tid(demo, "DEMO-0010")  # allogeneic, Day +21
    result = magic_assessment(
        skin_bsa_percent=60, bilirubin=4.2, upper_gi_persistent=True, stool_ml_per_day=800
    )
    save_assessment(demo, CTX, tid, result, NOW.date())
    template = next(t for t in load_checklists().values() if t.applies_to("allogeneic"))
    tick_checklist_item(demo, CTX, tid, template, template.items[0].id, done=True, date=NOW.date())
    job = prepare_job(demo, tid, "summary", printed_on=NOW.date())
    assert job.inputs.episodes and job.inputs.checklist
    assert job.inputs.checklist[0].startswith(f"{template.title}: 1 of ")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render(job).pdf)).pages)
    assert "aGVHD grade III since D+21" in " ".join(text.split())
    assert f"{template.title}: 1 of" in " ".join(text.split())


def _text(pdf: bytes) -> str:
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_damaged_harvest_log_is_reported_not_silently_shortened(demo):
    tid = _tid(demo, "DEMO-0010")
    demo.commit(
        Action(
            actor=ACTOR,
            at=NOW,
            description="Harvest",
            records=(
                ClinicalRecord(
                    tid,
                    "harvest",
                    {
                        "schema": 1,
                        "collections": [
                            {
                                "id": "c1",
                                "date": "2026-02-01",
                                "product_volume_ml": 250,
                                "weight_kg": 75,
                                "cd34_per_ul": 1500,
                            },
                            {
                                "id": "c2",
                                "date": "not a date",
                                "product_volume_ml": 250,
                                "weight_kg": 75,
                                "cd34_per_ul": 900,
                            },
                        ],
                    },
                ),
            ),
        )
    )
    job = prepare_job(demo, tid, "summary", printed_on=NOW.date())
    assert job.inputs.harvest == () and "not a date" in job.inputs.harvest_error
    assert "The harvest log could not be read" in _text(render(job).pdf)


@pytest.mark.parametrize("kind", ["summary", "handoff"])
def test_team_documents_show_the_apps_engraftment_with_transfusions_and_overrides(demo, kind):
    from planner.app.counts import load_recovery, override_engraftment
    from planner.clinical.engraftment import count_series, platelet_engraftment
    from planner.records.recovery import assess

    tid = _tid(demo, "DEMO-0010")  # platelet transfusions on file (Day +6 and +9)
    override_engraftment(
        demo, CTX, tid, "neutrophil", dt.date(2026, 3, 4), "G-CSF given; counts confirmed on film"
    )
    transplant = demo.get_transplant(tid)
    samples = demo.list_lab_samples(transplant.patient_id)
    record, _ = load_recovery(demo, tid)
    assert record.platelet_transfusion_dates()
    app = assess(transplant, samples, record, NOW.date())  # what the counts tab shows
    without_tx = platelet_engraftment(count_series(samples, "plt"), day0=transplant.day0)
    assert app.platelet20.date != without_tx.date  # the transfusions matter here

    job = prepare_job(demo, tid, kind, printed_on=NOW.date())
    text = _text(render(job).pdf)
    assert app.platelet20.date is not None
    assert f"Platelet engraftment (>= 20 x10^9/L): {app.platelet20.date.isoformat()}." in text
    assert f"Platelet engraftment (>= 20 x10^9/L): {without_tx.date.isoformat()}." not in text
    assert "Neutrophil engraftment (>= 0.5 x10^9/L): 2026-03-04." in text
    assert "Clinician override by" in text and "G-CSF given; counts confirmed on film" in text


def test_engraftment_that_cannot_be_computed_says_why(demo):
    tid = _tid(demo, "DEMO-0010")
    demo.commit(
        Action(
            actor=ACTOR,
            at=NOW,
            description="Damage",
            records=(
                ClinicalRecord(
                    tid,
                    "engraftment",
                    {"schema": 1, "transfusions": [{"date": "2026-02-30", "product": "platelets"}]},
                    demo.get_record(tid, "engraftment").version,
                ),
            ),
        )
    )
    job = prepare_job(demo, tid, "summary", printed_on=NOW.date())
    text = _text(render(job).pdf)
    assert "Engraftment could not be computed: " in text
    assert "No engraftment results recorded" not in text


def test_the_visits_of_a_day_read_the_open_plans_only_and_come_by_mrn(monkeypatch):
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    day = CTX.today + dt.timedelta(days=2)
    every = transplants_with_visit_on(repo, day)
    # As it was found before: every plan ever made, each transplant read on its own.
    expected = []
    for plan in repo.list_plans():
        transplant = repo.get_transplant(plan.transplant_id)
        if transplant.is_active and any(
            o.date == day and o.kind.value in ("visit", "procedure") and o.status.value == "planned"
            for o in plan.occurrences()
        ):
            expected.append((repo.get_patient(transplant.patient_id).mrn, transplant.id))
    assert every == [tid for _, tid in sorted(expected)] and every
    read = []
    whole = repo.list_plans

    def list_plans(scope=Scope.ALL, **kw):
        read.append(scope)
        return whole(scope, **kw)

    monkeypatch.setattr(repo, "list_plans", list_plans)
    monkeypatch.setattr(repo, "get_transplant", lambda *_: pytest.fail("one read per plan"))
    assert transplants_with_visit_on(repo, day) == every
    assert read == [Scope.OPEN]
