"""``Counts``: the engraftment functions give the same answer as with a pandas Series.

The app passes ``Counts`` (``sample_counts``) so that the clinic board's load neither
imports pandas nor builds a Series per patient; the public functions keep taking Series.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.clinical.engraftment import (
    count_series,
    neutrophil_engraftment,
    platelet_engraftment,
    poor_graft_function_pattern,
    sample_counts,
    secondary_graft_failure_pattern,
)
from planner.domain.labs import CANONICAL_UNIT, LabSample

DAY0 = dt.date(2026, 3, 1)

# Values within each analyte's physical range (LabSample refuses the others).
RANGES = {"anc": (0.0, 40.0), "plt": (0.0, 900.0), "hb": (10.0, 250.0)}
samples_strategy = st.lists(
    st.sampled_from(sorted(RANGES)).flatmap(
        lambda a: st.tuples(
            st.integers(-5, 60),
            st.just(a),
            st.floats(*RANGES[a], allow_nan=False),
            st.sampled_from(["", "<", ">"]),
        )
    ),
    max_size=80,
)


def _samples(rows) -> list[LabSample]:
    return [
        LabSample("p1", "001", DAY0 + dt.timedelta(days=day), a, v, CANONICAL_UNIT[a], q, "t")
        for day, a, v, q in rows
    ]


@settings(max_examples=150, deadline=None)
@given(samples_strategy)
def test_counts_and_series_give_the_same_results(rows) -> None:
    samples = _samples(rows)
    for analyte in ("anc", "plt", "hb"):
        counts, series = sample_counts(samples, analyte), count_series(samples, analyte)
        assert list(counts.dates) == series.index.tolist()
        assert list(counts.values) == series.tolist()
    anc_c, anc_s = sample_counts(samples, "anc"), count_series(samples, "anc")
    plt_c, plt_s = sample_counts(samples, "plt"), count_series(samples, "plt")
    hb_c, hb_s = sample_counts(samples, "hb"), count_series(samples, "hb")
    n_c, n_s = neutrophil_engraftment(anc_c, day0=DAY0), neutrophil_engraftment(anc_s, day0=DAY0)
    assert n_c == n_s
    assert platelet_engraftment(plt_c, [], 20, day0=DAY0) == platelet_engraftment(
        plt_s, [], 20, day0=DAY0
    )
    assert secondary_graft_failure_pattern(anc_c, n_c, day0=DAY0) == (
        secondary_graft_failure_pattern(anc_s, n_s, day0=DAY0)
    )
    assert poor_graft_function_pattern(anc_c, plt_c, hb_c, day0=DAY0, transfusions=[]) == (
        poor_graft_function_pattern(anc_s, plt_s, hb_s, day0=DAY0, transfusions=[])
    )


def test_a_below_limit_value_never_counts_as_reaching_it() -> None:
    (value,) = sample_counts(_samples([(3, "anc", 0.5, "<")]), "anc").values
    assert value < 0.5 and value > 0.4999


def test_the_clinic_board_loads_without_pandas() -> None:
    code = (
        "import sys, datetime as dt\n"
        "from planner.app.clinic import clinic_view\n"
        "from planner.app.demo import load_demo_clinic\n"
        "from planner.app.context import Context\n"
        "from planner.records.ports import Actor\n"
        "from planner.storage.memory import InMemoryRepository\n"
        "repo = InMemoryRepository()\n"
        "now = dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)\n"
        "load_demo_clinic(repo, Context(Actor('u', 'w'), now))\n"
        "view = clinic_view(repo, now.date())\n"
        "assert view.rows and any(r.day is not None and r.day > 14 for r in view.rows)\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
