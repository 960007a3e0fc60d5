"""Budgets of the PDF export: one handout in process, 100 handouts on two cores.

Run: ``.venv/bin/python -m benchmarks.bench_pdf``

The floor is a trivial one-page reportlab document with the same bundled font, so the
ratio says how much the handout costs over "reportlab at all" on this machine.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from concurrent.futures import ProcessPoolExecutor

from reportlab.pdfgen.canvas import Canvas

from benchmarks.common import Figure, median_time
from planner.domain.patients import (
    ClinicSettings,
    GraftSource,
    Patient,
    Sex,
    Transplant,
    TransplantType,
)
from planner.domain.plans import Plan, instantiate_many
from planner.domain.templates import get_protocol, load_protocols
from planner.export.handout import write_handout
from planner.export.pdfkit import FONT, register_fonts

PRINTED_ON = dt.date(2026, 3, 10)
DAY0 = PRINTED_ON + dt.timedelta(days=10)  # printed on Day -10: the calendar runs to Day +100
SETTINGS = ClinicSettings(centre_name="Benchmark Centre", phone_24h="+1 555 0100")
TEMPLATES = (
    "bucy2-allo",
    "ciclosporin-methotrexate-gvhd",
    "supportive-care-allo",
    "follow-up-allo",
)
BATCH = 100


def case() -> tuple[Patient, Transplant, Plan]:
    """An allogeneic patient printed on Day -10 (conditioning to follow-up)."""
    protocols = load_protocols()
    patient = Patient(
        id="p1",
        mrn="BENCH-1",
        family_name="Łukasz-Ñúñez",
        given_name="Zoë",
        date_of_birth=dt.date(1970, 5, 1),
        sex=Sex.FEMALE,
        height_cm=165,
        weight_kg=62,
        weight_date=PRINTED_ON,
    )
    transplant = Transplant(
        id="t1",
        patient_id="p1",
        transplant_type=TransplantType.ALLOGENEIC,
        graft_source=GraftSource.PBSC,
        day0=DAY0,
    )
    plan = instantiate_many(
        [get_protocol(protocols, t) for t in TEMPLATES], DAY0, transplant_id="t1", plan_id="plan1"
    )
    return patient, transplant, plan


def one_handout(args: tuple[Patient, Transplant, Plan, int]) -> int:
    """Write one handout to memory; return its size (runs in a worker process)."""
    patient, transplant, plan, version = args
    out = io.BytesIO()
    write_handout(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=SETTINGS,
        printed_on=PRINTED_ON,
        plan_version=version,
    )
    return len(out.getvalue())


def floor_document() -> None:
    """A one-page reportlab document with the bundled font."""
    register_fonts()
    canvas = Canvas(io.BytesIO(), invariant=1)
    canvas.setFont(FONT, 11)
    canvas.drawString(72, 720, "Floor")
    canvas.showPage()
    canvas.save()


def bench_single(floor: float) -> Figure:
    """One handout of a Day -10 to Day +100 plan, in process (budget 250 ms)."""
    patient, transplant, plan = case()
    one_handout((patient, transplant, plan, 1))  # fonts and texts loaded once, as in the app
    seconds = median_time(lambda: one_handout((patient, transplant, plan, 1)), repeat=7)
    return Figure(
        "handout Day -10..+100, in process",
        seconds,
        "1-page doc",
        floor,
        "250 ms",
        seconds <= 0.250,
    )


def bench_batch(floor: float) -> Figure:
    """100 handouts with a two-worker process pool, pool start-up included (budget 20 s)."""
    patient, transplant, plan = case()
    jobs = [(patient, transplant, plan, i) for i in range(BATCH)]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        sizes = list(pool.map(one_handout, jobs, chunksize=5))
    seconds = time.perf_counter() - start
    assert len(sizes) == BATCH and all(sizes)
    return Figure(
        f"{BATCH} handouts, 2 worker processes",
        seconds,
        "1-page doc",
        floor,
        "20 s",
        seconds <= 20.0,
    )


def main() -> list[Figure]:
    """Run and print the PDF benchmarks."""
    floor_document()
    floor = median_time(floor_document, repeat=9)
    figures = [bench_single(floor), bench_batch(floor)]
    for fig in figures:
        print(fig.line())
    return figures


if __name__ == "__main__":
    main()
