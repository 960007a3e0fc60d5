"""``transplant-planner schedule`` for a pharmacist: combined templates, doses for a
given patient with the rules that changed or flagged them, clashes refused."""

from __future__ import annotations

import json

import pytest

import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main.main(["schedule", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows_of(out: str, step_id: str) -> list[dict[str, object]]:
    return [r for r in json.loads(out) if r["step_id"] == step_id]


def test_plerixafor_for_the_reviews_patient(capsys):
    code, out, _ = run(
        capsys,
        "gcsf-plerixafor-mobilisation-auto",
        "--day0",
        "2027-02-01",
        "--weight",
        "70",
        "--sex",
        "F",
        "--age",
        "72",
        "--creatinine",
        "1.6056",
        "--json",
    )
    assert code == 0
    (row,) = rows_of(out, "plerixafor")
    assert row["dose"] == "11.2 mg (0.16 mg/kg) SC"
    assert "plerixafor-renal" in row["rules"]
    filgrastim = rows_of(out, "filgrastim")
    assert filgrastim and all(r["dose"] == "700 mcg (10 mcg/kg) SC" for r in filgrastim)
    assert all(r["rules"] == [] for r in filgrastim)


def test_letermovir_with_ciclosporin_and_cmv(capsys):
    args = (
        "flu-bu4-allo",
        "ciclosporin-methotrexate-gvhd",
        "supportive-care-allo",
        "--day0",
        "2027-02-01",
        "--weight",
        "62",
        "--height",
        "168",
        "--sex",
        "F",
        "--age",
        "38",
        "--creatinine",
        "0.8",
    )
    code, out, err = run(capsys, *args, "--cmv-recipient", "pos", "--json")
    assert code == 0
    (row,) = rows_of(out, "letermovir")
    assert row["dose"] == "240 mg PO" and row["rules"] == ["letermovir-with-ciclosporin"]
    code, out, err = run(capsys, *args, "--cmv-recipient", "neg", "--json")
    assert code == 0
    assert rows_of(out, "letermovir") == [] and rows_of(out, "letermovir-stop") == []
    assert "left out: Letermovir" in err and "letermovir-cmv-seropositive" in err
    code, out, err = run(capsys, *args, "--json")
    (row,) = rows_of(out, "letermovir")
    assert "letermovir-cmv-seropositive" in row["rules"]
    assert "to confirm" in err


def test_a_dose_needing_creatinine_is_null_with_its_rules(capsys):
    code, out, err = run(
        capsys,
        "haplo-flu-cy-tbi-ptcy",
        "--day0",
        "2027-02-01",
        "--weight",
        "70",
        "--height",
        "170",
        "--sex",
        "M",
        "--age",
        "50",
        "--json",
    )
    assert code == 0
    rows = rows_of(out, "fludarabine")
    assert rows and all(r["dose"] is None for r in rows)
    assert all("dose-needs-measurement" in r["rules"] for r in rows)
    assert "warning: [dose-needs-measurement]" in err and "serum creatinine" in err


def test_mmf_daily_maximum_in_the_rows(capsys):
    code, out, _ = run(
        capsys,
        "haplo-flu-cy-tbi-ptcy",
        "--day0",
        "2027-02-01",
        "--weight",
        "90",
        "--height",
        "180",
        "--sex",
        "M",
        "--age",
        "40",
        "--creatinine",
        "1",
        "--json",
    )
    assert code == 0
    rows = rows_of(out, "mycophenolate")
    assert rows and all(r["dose"].startswith("1,000 mg") for r in rows)  # type: ignore[union-attr]
    assert all("mmf-daily-maximum" in r["rules"] for r in rows)


@pytest.mark.parametrize(
    ("ids", "rule"),
    [
        (("haplo-flu-cy-tbi-ptcy", "ptcy-tacrolimus-mmf-gvhd"), "duplicate-agent"),
        (("flu-bu4-atg-allo", "grafalon-atg-gvhd"), "duplicate-agent"),
        (("flu-bu4-allo", "bucy2-allo"), "one-regimen-per-slot"),
    ],
)
def test_clashing_templates_exit_2_with_one_sentence(capsys, ids, rule):
    code, out, err = run(capsys, *ids, "--day0", "2027-02-01", "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "cannot go together" in err and f"(rule {rule}:" in err
    assert all(i in err for i in ids)


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--weight", "0", "--weight"),
        ("--creatinine", "abc", "not a number"),
        ("--age", "300", "--age"),
    ],
)
def test_bad_patient_values_exit_2(capsys, option, value, words):
    code, out, err = run(capsys, "mel200-auto", "--day0", "2027-02-01", option, value)
    assert code == 2 and out == "" and words in err


def test_text_output_shows_doses_and_rules(capsys):
    code, out, _ = run(
        capsys,
        "mel200-auto",
        "--day0",
        "2027-02-01",
        "--weight",
        "70",
        "--height",
        "170",
        "--sex",
        "M",
        "--age",
        "60",
        "--creatinine",
        "2.5",
    )
    assert code == 0
    line = next(x for x in out.splitlines() if "Melphalan" in x)
    assert "363.62 mg (200 mg/m2) IV" in line and "[melphalan-renal]" in line
