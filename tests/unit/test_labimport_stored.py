"""An import against what is stored: column-wise matching must agree with sample-by-sample.

``reference`` is the straightforward definition (a dict of the stored samples by patient,
day and analyte; each accepted row looked up, then compared by value and qualifier), as
the import did it before it matched columns; the generated stored samples include other
patients, days outside the file's, -0 beside 0, qualifiers, repeats and empty sources.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.app import lab_import
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.lab_import import ImportReport, import_labs
from planner.domain.i18n import tr
from planner.domain.labs import CANONICAL_UNIT, LabSample, analyte_label
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.labimport.reader import (
    CheckedFile,
    ColumnMapping,
    LabImportError,
    RejectedRow,
    check_lab_file,
)
from planner.records.ports import Action, Actor, Repository
from planner.storage import open_repository
from planner.storage.memory import InMemoryRepository

LONG = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
KNOWN = {"000123": "p1", "000456": "p2", "000789": "p3"}
DAY = dt.date(2025, 3, 10)
# (analyte, value as the file writes it, canonical value); hb in g/L.
RESULTS = [
    ("anc", "0", 0.0),
    ("anc", "-0", -0.0),
    ("anc", "<0.1", 0.1),
    ("anc", "0.1", 0.1),
    ("anc", "1.5", 1.5),
    ("plt", "20", 20.0),
    ("plt", ">1000", 1000.0),
    ("hb", "95", 95.0),
]
NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)


def reference(
    accepted: list[LabSample], stored: list[LabSample]
) -> tuple[list[LabSample], list[RejectedRow]]:
    """Sample by sample: what is new, and why each other one is not imported."""
    known: dict[tuple[str, dt.date, str], list[LabSample]] = {}
    for s in stored:
        known.setdefault((s.patient_id, s.date, s.analyte), []).append(s)
    new, rejected = [], []
    for s in accepted:
        there = known.get((s.patient_id, s.date, s.analyte))
        if not there:
            new.append(s)
            continue
        day, label = s.date.isoformat(), analyte_label(s.analyte)
        same = [t for t in there if t.value == s.value and t.qualifier == s.qualifier]
        if same:
            reason = tr(
                "Duplicate: {analyte} {value} on {date} is already stored ({source})."
            ).format(
                analyte=label,
                value=s.display_value,
                date=day,
                source=same[0].source or tr("no source"),
            )
        else:
            reason = tr(
                "Conflicts with the stored {analyte} of {date} ({values}); not imported, "
                "review and correct by hand."
            ).format(analyte=label, date=day, values=", ".join(t.display_value for t in there))
        line = int(s.source.rsplit(" line ", 1)[1])
        rejected.append(
            RejectedRow(line, reason, (s.mrn, day, s.analyte, s.display_value), s.analyte)
        )
    return new, rejected


def _csv(rows: list[tuple[str, int, int]]) -> bytes:
    units = {"anc": "10^9/L", "plt": "10^9/L", "hb": "g/L"}
    lines = ["MRN,Date,Test,Result,Unit"]
    for mrn, day, result in rows:
        analyte, written, _ = RESULTS[result]
        date = (DAY + dt.timedelta(days=day)).isoformat()
        lines.append(f"{mrn},{date},{analyte},{written},{units[analyte]}")
    return ("\n".join(lines) + "\n").encode()


file_rows = st.lists(
    st.tuples(st.sampled_from(sorted(KNOWN)), st.integers(0, 9), st.integers(0, len(RESULTS) - 1)),
    max_size=25,
)
stored_samples = st.lists(
    st.tuples(
        st.sampled_from(["p1", "p2", "p9"]),  # p9: a patient the file does not name
        st.integers(-1, 10),  # days before and after the file's
        st.integers(0, len(RESULTS) - 1),
        st.sampled_from(["", "labs.csv line 7", "entered by hand"]),
    ),
    max_size=40,
)


def _stored(drawn: list[tuple[str, int, int, str]]) -> list[LabSample]:
    samples = []
    for pid, day, result, source in drawn:
        analyte, written, value = RESULTS[result]
        qualifier = written[0] if written[0] in "<>" else ""
        samples.append(
            LabSample(
                pid,
                "x",
                DAY + dt.timedelta(days=day),
                analyte,  # type: ignore[arg-type]
                value,
                CANONICAL_UNIT[analyte],
                qualifier,  # type: ignore[arg-type]
                source,
            )
        )
    # Stored order, as the repository gives it: patient, date, analyte, insertion.
    return sorted(samples, key=lambda s: (s.patient_id, s.date, s.analyte))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(file_rows, stored_samples, st.data())
def test_column_matching_agrees_with_sample_by_sample(
    rows: list[tuple[str, int, int]],
    drawn: list[tuple[str, int, int, str]],
    data: st.DataObject,
) -> None:
    # Most stored samples share a row's patient and day, with the same or another result.
    for mrn, day, _ in rows:
        if data.draw(st.booleans()):
            result = data.draw(st.integers(0, len(RESULTS) - 1))
            source = data.draw(st.sampled_from(["", "labs.csv line 7"]))
            drawn.append((KNOWN[mrn], day, result, source))
    checked: CheckedFile = check_lab_file(_csv(rows), "labs.csv", LONG, KNOWN)
    stored = _stored(drawn)
    keep, rejected = lab_import._against_stored(checked, stored)
    expected_new, expected_rejected = reference(checked.samples(), stored)
    assert checked.samples(keep) == expected_new
    assert rejected == expected_rejected


def test_reasons_fill_translated_templates_like_format() -> None:
    fields = {"a": ["x", "100%"], "b": ["{y}", "z"]}
    for template in ("{a} and {b} ({a})", "100% of {b}: {a}%", "{b:>4}|{a!r}"):
        filled = lab_import._filler(template)(fields)
        assert filled == [
            template.format(a=a, b=b) for a, b in zip(fields["a"], fields["b"], strict=True)
        ]


# --------------------------------------------------------------------------- whole imports


def _clinic(repo: Repository) -> bytes:
    """The demo clinic stored; a file repeating, contradicting and adding to its counts."""
    load_demo_clinic(repo, CTX)
    stored = repo.list_lab_samples()
    mrn = {p.id: p.mrn for p in repo.list_patients()}
    lines = ["MRN,Date,Test,Result,Unit"]
    for i, s in enumerate(stored[:300]):
        value = s.value if i % 3 else s.value + 0.5  # every third contradicts
        unit = "g/L" if s.analyte == "hb" else "10^9/L"
        lines.append(f"{mrn[s.patient_id]},{s.date},{s.analyte},{s.qualifier}{value},{unit}")
        day = s.date - dt.timedelta(days=400)  # new
        lines.append(f"{mrn[s.patient_id]},{day},{s.analyte},{value},{unit}")
    lines.append("NOT-A-PATIENT,2026-01-05,ANC,1.5,10^9/L")
    return ("\n".join(lines) + "\n").encode()


def _report_facts(report: ImportReport) -> tuple[object, ...]:
    assert report.change is not None
    return (
        report.lines(),
        report.accepted,
        report.rejected,
        report.patients,
        report.change.before,
        report.change.samples,
    )


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_full_read_and_mrn_lookups_import_the_same(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = []
    # Every patient read for the unknown MRN; the unknown MRN looked up alone.
    for lookups in (0, 50):
        monkeypatch.setattr(lab_import, "MRN_LOOKUPS", lookups)
        repo: Repository = (
            InMemoryRepository()
            if kind == "memory"
            else open_repository(str(tmp_path / f"{lookups}.db"), user="u", workstation="w")
        )
        data = _clinic(repo)
        first = import_labs(repo, CTX, data, "labs.csv", LONG)
        again = import_labs(repo, CTX, data, "labs.csv", LONG)
        assert not again.accepted
        assert len(again.rejected) == len(first.accepted) + len(first.rejected)
        facts.append((_report_facts(first), again.lines()))
        repo.close()
    assert facts[0] == facts[1]


def test_the_collector_is_paused_for_an_import_only() -> None:
    repo = InMemoryRepository()
    data = _clinic(repo)
    assert gc.isenabled()
    import_labs(repo, CTX, data, "labs.csv", LONG, dry_run=True)
    assert gc.isenabled()
    with pytest.raises(LabImportError):
        import_labs(repo, CTX, b"PK\x03\x04", "labs.csv", LONG)
    assert gc.isenabled()
    gc.disable()
    try:
        import_labs(repo, CTX, data, "labs.csv", LONG, dry_run=True)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


@pytest.mark.parametrize("lookups", [0, 1, 50])
def test_mrns_outside_the_live_clinic_are_found_as_in_a_full_read(
    lookups: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lab_import, "MRN_LOOKUPS", lookups)
    repo = InMemoryRepository()
    people = [
        Patient(f"p{i}", mrn, "Null", "Ada", dt.date(1970, 1, 1), "female")
        for i, mrn in enumerate(["000123", "000456", "000789", "0001"])
    ]
    statuses = [TransplantStatus.ACTIVE, TransplantStatus.COMPLETED, TransplantStatus.DECEASED]
    repo.commit(
        Action(
            actor=CTX.actor,
            at=NOW,
            description="Setup",
            patients=tuple(people),
            transplants=tuple(
                Transplant(f"t{i}", f"p{i}", "autologous", "pbsc", dt.date(2026, 1, 1), status=s)
                for i, s in enumerate(statuses)  # p3 has no transplant
            ),
        )
    )
    everyone = {p.mrn: p.id for p in repo.list_patients()}
    known = lab_import._PatientsByMrn(repo)
    assert known.live == {"000123": "p0"}
    for mrn in ["000123", "000456", "NOPE", "0001", "000789", "", "123", "000456"]:
        assert (mrn in known, known.get(mrn)) == (mrn in everyone, everyone.get(mrn))
    assert (known.everyone is not None) == (lookups < 6)  # six MRNs outside the live clinic
    assert dict(known) == everyone
