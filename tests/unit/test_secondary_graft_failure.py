"""After neutrophil engraftment: the initial date stands, a later loss is a secondary
graft-failure pattern (Rondón et al., Biol Blood Marrow Transplant 2008;14:859-866; ASTCT
2021, Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649) and lasting cytopenias a
poor-graft-function pattern, never the primary graft-failure alert."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import planner.engraftment as public
from planner.app import alert_rules
from planner.clinical.engraftment import (
    DEFAULT_PGF_THRESHOLDS,
    PoorGraftFunctionThresholds,
    neutrophil_engraftment,
    poor_graft_function_pattern,
    secondary_graft_failure_pattern,
)
from planner.domain.labs import CANONICAL_UNIT, LabSample
from planner.domain.patients import Donor, Transplant
from planner.errors import ValidationError
from planner.records.recovery import (
    Override,
    RecoveryRecord,
    Transfusion,
    assess,
    board_alerts,
    clinic_alerts,
)

DAY0 = dt.date(2026, 2, 1)
T = Transplant("t1", "p1", "allogeneic", "pbsc", day0=DAY0, donor=Donor("MUD"))
SECONDARY_D18 = (
    "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive results since D+18 "
    "after engraftment on D+9: confirm"
)


def d(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def series(points: list[tuple[int, float]]) -> pd.Series:
    return pd.Series([v for _, v in points], index=[d(n) for n, _ in points], dtype=float)


def samples(points: list[tuple[int, float]], analyte: str = "anc") -> list[LabSample]:
    return [
        LabSample("p1", "000123", d(n), analyte, v, CANONICAL_UNIT[analyte])  # type: ignore[arg-type]
        for n, v in points
    ]


# Nadir 0.05 on Day +5; ANC >= 0.5 on Days +9, +10, +11 (engraftment Day +9); then 0.01
# every day from Day +18 (a deeper fall after engraftment).
BEFORE = [(0, 2.0), (3, 0.3), (5, 0.05), (7, 0.2), (9, 0.6), (10, 0.9), (11, 1.4), (14, 2.0)]
LATER_FALL = BEFORE + [(16, 1.8)] + [(n, 0.01) for n in range(18, 32)]


# --------------------------------------------------------------------------- the date stands


@pytest.mark.parametrize("use_day0", [True, False], ids=["day0", "no-day0"])
def test_a_deeper_later_fall_keeps_the_initial_date_and_the_nadir_before_it(use_day0) -> None:
    result = neutrophil_engraftment(series(LATER_FALL), day0=DAY0 if use_day0 else None)
    assert (result.status, result.date) == ("engrafted", d(9))
    assert (result.nadir_date, result.nadir_value) == (d(5), 0.05)  # not 0.01 on Day +18
    assert result.deciding_values == ((d(9), 0.6), (d(10), 0.9), (d(11), 1.4))
    assert any("initial date stands" in n and "clinician confirms" in n for n in result.notes)


def test_the_public_name_keeps_the_first_date_after_a_later_fall() -> None:
    """``planner.engraftment.neutrophil_engraftment(anc)``: the public API, positional."""
    result = public.neutrophil_engraftment(series(LATER_FALL))
    assert result.status == "engrafted"
    assert result.date == d(9)


def test_a_short_later_fall_and_new_run_does_not_move_the_date_to_day_20() -> None:
    # 0.01 on Days +18 and +19, then >= 0.5 from Day +20: the old rule said Day +20.
    points = [*BEFORE, (18, 0.01), (19, 0.01), (20, 0.6), (21, 0.8), (22, 1.1)]
    assert neutrophil_engraftment(series(points), day0=DAY0).date == d(9)
    assert secondary_graft_failure_pattern(series(points), d(9), day0=DAY0) is None


def test_the_pre_nadir_counts_of_the_first_days_are_still_no_engraftment() -> None:
    # Days 0-2 >= 0.5 before any fall below 0.5: not a recovery.
    points = [(0, 2.1), (1, 1.2), (2, 0.6), (4, 0.2), (6, 0.01), (12, 0.7), (13, 0.8), (14, 1.0)]
    result = neutrophil_engraftment(series(points), day0=DAY0)
    assert result.date == d(12)
    assert result.nadir_date == d(6)


def test_design_decision_a_run_after_the_first_fall_is_the_initial_engraftment() -> None:
    """Three values >= 0.5 after the first fall below 0.5 are the initial engraftment even
    if a deeper fall follows; the later fall is then flagged as a secondary pattern for the
    clinician, who overrides the date if that run was before the true nadir."""
    points = [(0, 3.0), (3, 0.45), (4, 0.6), (5, 0.55), (6, 0.7), (8, 0.02), (9, 0.01), (10, 0.0)]
    result = neutrophil_engraftment(series(points), day0=DAY0)
    assert result.date == d(4)
    pattern = secondary_graft_failure_pattern(series(points), result, day0=DAY0)
    assert pattern is not None and pattern.since == d(8)


def test_a_single_dip_before_the_aplasia_is_not_the_nadir() -> None:
    """Counts still falling after conditioning (one value of 0.45, then 0.6, 0.7, 0.55) and
    then the aplasia (three or more results below 0.5) and recovery: engraftment is the run
    after the aplasia (D+15), never the run after the dip (D+2); nothing secondary."""
    points = [
        (0, 2.1), (1, 0.45), (2, 0.6), (3, 0.7), (4, 0.55), (5, 0.2), (6, 0.05), (7, 0.01),
        (8, 0.0), (10, 0.01), (12, 0.02), (14, 0.3), (15, 0.6), (16, 0.9), (17, 1.4),
    ]  # fmt: skip
    result = neutrophil_engraftment(series(points), day0=DAY0)
    assert result.date == d(15)
    assert result.nadir_date == d(8)
    assert secondary_graft_failure_pattern(series(points), result, day0=DAY0) is None


# --------------------------------------------------------------------------- board and tab


def test_review_case_on_the_board_at_day_31() -> None:
    anc = samples(LATER_FALL)
    status = assess(T, anc, None, d(31))
    assert status.neutrophil_date == d(9)
    assert status.graft_failure is None  # no primary graft-failure flag once engrafted
    alerts = board_alerts(T, None, anc, None, d(31))
    assert alerts == [SECONDARY_D18]
    assert not any("primary" in a.lower() for a in alerts)
    dates, by_id = clinic_alerts([T], {}, anc, [], [], d(31))
    assert dates == {"t1": d(9)}  # the board's phase stays "engrafted"
    assert by_id == {"t1": [SECONDARY_D18]}


def test_the_secondary_pattern_has_its_own_rule_on_the_board() -> None:
    rule = alert_rules.recovery_rule(SECONDARY_D18)
    assert rule != alert_rules.RECOVERY
    assert "Rondón" in rule and "Kharfan-Dabaja" in rule and "confirms" in rule
    pgf = alert_rules.recovery_rule("Poor graft function pattern: ANC <= 1: confirm")
    assert pgf not in (rule, alert_rules.RECOVERY)
    assert "centre setting" in pgf and "confirms" in pgf


def test_review_case_message_for_the_counts_tab() -> None:
    status = assess(T, samples(LATER_FALL), None, d(31))
    assert status.secondary is not None and status.secondary.ongoing
    text = status.secondary.message(DAY0)
    assert text.startswith(SECONDARY_D18 + ".")
    assert "0.01 on 2026-02-19" in text  # the deciding values
    assert "initial engraftment date stands" in text
    assert "relapse, infection or drugs" in text
    assert "Rondón" in status.secondary.rule


def test_a_transient_single_low_value_is_no_pattern() -> None:
    points = [*BEFORE, (16, 1.8), (18, 0.3), (19, 0.9), (20, 1.2), (25, 0.2), (26, 1.5)]
    anc = samples(points)
    assert secondary_graft_failure_pattern(series(points), d(9), day0=DAY0) is None
    status = assess(T, anc, None, d(31))
    assert status.neutrophil_date == d(9)
    assert status.secondary is None
    assert board_alerts(T, None, anc, None, d(31)) == []
    assert any("fell below 0.5 again" in n for n in status.neutrophil.notes)


@pytest.mark.parametrize(
    ("later", "since"),
    [
        pytest.param([(18, 0.4), (19, 0.3), (20, 0.8)], None, id="two-lows"),
        pytest.param([(18, 0.4), (19, 0.3), (20, 0.49)], 18, id="three-lows"),
        pytest.param([(18, 0.4), (19, 0.5), (20, 0.4), (21, 0.3)], None, id="0.5-is-not-low"),
        pytest.param([(18, 0.4), (21, 0.3), (26, 0.2)], 18, id="gaps-between-draws"),
        pytest.param([(18, 0.4), (19, 0.9), (20, 0.3), (21, 0.3), (22, 0.1)], 20, id="restart"),
    ],
)
def test_three_consecutive_results_boundary(later, since) -> None:
    pattern = secondary_graft_failure_pattern(series(BEFORE + later), d(9), day0=DAY0)
    if since is None:
        assert pattern is None
    else:
        assert pattern is not None
        assert pattern.since == d(since)
        assert len(pattern.deciding_values) == 3
        assert all(v < 0.5 for _, v in pattern.deciding_values)


def test_same_day_values_count_once() -> None:
    # Three low values on two days are two results, not three.
    s = pd.Series([0.3, 0.2, 0.1], index=[d(18), d(18), d(19)], dtype=float)
    s = pd.concat([series(BEFORE), s])
    assert secondary_graft_failure_pattern(s, d(9), day0=DAY0) is None


def test_recovered_fall_leaves_the_board_but_stays_on_the_tab() -> None:
    points = [*BEFORE, (18, 0.1), (19, 0.1), (20, 0.2), (22, 0.7), (23, 0.9), (24, 1.3)]
    status = assess(T, samples(points), None, d(31))
    assert status.secondary is not None
    assert not status.secondary.ongoing and status.secondary.recovered_on == d(22)
    assert "ANC >= 0.5 again on 3 consecutive results from D+22" in status.secondary.message(DAY0)
    assert board_alerts(T, None, samples(points), None, d(31)) == []


def test_the_latest_fall_is_reported_and_an_earlier_one_noted() -> None:
    points = [*BEFORE, (16, 0.1), (17, 0.1), (18, 0.1), (19, 0.8), (20, 0.9), (21, 1.0)]
    points += [(25, 0.2), (26, 0.2), (27, 0.1)]
    pattern = secondary_graft_failure_pattern(series(points), d(9), day0=DAY0)
    assert pattern is not None and pattern.since == d(25) and pattern.ongoing
    assert any("D+16" in n for n in pattern.notes)


def test_without_day0_the_dates_are_named() -> None:
    pattern = secondary_graft_failure_pattern(series(LATER_FALL), d(9))
    assert pattern is not None
    assert pattern.headline() == (
        "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive results since "
        "2026-02-19 after engraftment on 2026-02-10: confirm"
    )


def test_no_pattern_without_engraftment() -> None:
    assert secondary_graft_failure_pattern(series(LATER_FALL), None) is None
    never = neutrophil_engraftment(series([(0, 0.1), (5, 0.0), (9, 0.1)]), day0=DAY0)
    assert never.status == "not_engrafted"
    assert secondary_graft_failure_pattern(series([(10, 0.1), (11, 0.1), (12, 0.1)]), never) is None


def test_platelets_not_recovered_is_noted() -> None:
    status = assess(T, samples(LATER_FALL) + samples([(5, 8), (20, 9)], "plt"), None, d(31))
    assert status.secondary is not None
    assert any("Platelet recovery" in n and "confirm" in n for n in status.secondary.notes)


def test_an_overridden_date_is_the_one_kept() -> None:
    rec = RecoveryRecord().with_override(
        Override("neutrophil", d(10), "manual differential", "dr", "2026-02-20")
    )
    status = assess(T, samples(LATER_FALL), rec, d(31))
    assert status.secondary is not None and status.secondary.engrafted_on == d(10)
    assert "after engraftment on D+10" in board_alerts(T, None, samples(LATER_FALL), rec, d(31))[0]


def test_override_not_engrafted_brings_back_the_primary_watch_not_the_secondary() -> None:
    rec = RecoveryRecord().with_override(Override("neutrophil", None, "lab error", "dr", "t"))
    status = assess(T, samples(LATER_FALL), rec, d(31))
    assert status.secondary is None and status.graft_failure is not None
    assert board_alerts(T, None, samples(LATER_FALL), rec, d(31)) == [
        "Meets primary graft failure definition: confirm"
    ]


# --------------------------------------------------------------------------- poor graft function

ENGRAFTED = [(0, 2.0), (5, 0.05), (12, 0.8), (13, 1.2), (14, 1.5), (20, 1.6)]


def _pgf(anc=(), plt=(), hb=(), tx=(), thresholds=DEFAULT_PGF_THRESHOLDS):
    return poor_graft_function_pattern(
        series(list(anc)),
        series(list(plt)),
        series(list(hb)),
        day0=DAY0,
        transfusions=[d(n) for n in tx],
        thresholds=thresholds,
    )


def _every_other_day(first: int, last: int, value: float) -> list[tuple[int, float]]:
    return [(n, value) for n in range(first, last + 1, 2)] + [(last, value)]


def test_two_cytopenias_for_14_days_from_day_28_is_the_pattern() -> None:
    pattern = _pgf(
        anc=_every_other_day(28, 42, 0.9), plt=_every_other_day(28, 42, 15), tx=[27, 30, 35]
    )
    assert pattern is not None
    assert [c.analyte for c in pattern.cytopenias] == ["anc", "plt"]
    assert pattern.cytopenias[0].days == 14
    assert pattern.transfusions == (d(30), d(35))  # those since the cytopenias began
    assert pattern.headline(DAY0) == (
        "Poor graft function pattern: ANC <= 1, platelets <= 20 for 14 days or more from "
        "D+28: confirm"
    )
    text = pattern.message(DAY0)
    assert "2 transfusion(s) recorded since D+28" in text
    assert "hypocellular marrow, full donor chimerism" in text
    assert "centre setting" in pattern.rule and "Kharfan-Dabaja" in pattern.rule


@pytest.mark.parametrize(
    ("anc", "plt", "hb", "met"),
    [
        pytest.param(1.0, 20.0, 120.0, True, id="ANC-1.0-and-PLT-20-are-at-threshold"),
        pytest.param(1.01, 20.0, 120.0, False, id="ANC-1.01-is-not-low"),
        pytest.param(1.0, 20.5, 120.0, False, id="PLT-20.5-is-not-low"),
        pytest.param(3.0, 15.0, 80.0, True, id="PLT-and-Hb-80"),
        pytest.param(3.0, 15.0, 81.0, False, id="Hb-81-is-not-low"),
        pytest.param(0.4, 10.0, 70.0, True, id="three-cytopenias"),
    ],
)
def test_threshold_boundaries(anc: float, plt: float, hb: float, met: bool) -> None:
    pattern = _pgf(
        anc=_every_other_day(28, 42, anc),
        plt=_every_other_day(28, 42, plt),
        hb=_every_other_day(28, 42, hb),
    )
    assert (pattern is not None) is met


@pytest.mark.parametrize(
    ("first", "last", "met"),
    [
        pytest.param(28, 42, True, id="14-days"),
        pytest.param(28, 41, False, id="13-days"),
        pytest.param(27, 40, False, id="day-27-does-not-count"),
        pytest.param(35, 49, True, id="later-14-days"),
    ],
)
def test_duration_and_start_day_boundaries(first: int, last: int, met: bool) -> None:
    pattern = _pgf(anc=[(first, 0.8), (last, 0.8)], plt=[(first, 10), (last, 10)])
    assert (pattern is not None) is met


def test_a_recovered_value_ends_the_stretch() -> None:
    anc = [(28, 0.8), (35, 1.5), (38, 0.8), (42, 0.8)]  # 1.5 on Day +35 breaks it
    assert _pgf(anc=anc, plt=_every_other_day(28, 42, 10)) is None
    # ... and a latest value above threshold means it is not ongoing.
    assert _pgf(anc=[(28, 0.8), (42, 0.8), (44, 1.2)], plt=_every_other_day(28, 44, 10)) is None


def test_one_cytopenia_is_not_enough_and_thresholds_are_a_setting() -> None:
    assert _pgf(plt=_every_other_day(28, 50, 5)) is None
    one = PoorGraftFunctionThresholds(min_lineages=1)
    assert _pgf(plt=_every_other_day(28, 50, 5), thresholds=one) is not None


def test_the_board_rule_texts_use_the_screen_defaults() -> None:
    assert DEFAULT_PGF_THRESHOLDS.from_day == alert_rules.PGF_FROM_DAY
    assert DEFAULT_PGF_THRESHOLDS.min_days == alert_rules.PGF_MIN_DAYS
    assert DEFAULT_PGF_THRESHOLDS.anc == alert_rules.PGF_ANC
    assert DEFAULT_PGF_THRESHOLDS.plt == alert_rules.PGF_PLT
    assert DEFAULT_PGF_THRESHOLDS.hb == alert_rules.PGF_HB_G_L


def test_poor_graft_function_on_the_board_after_engraftment_only() -> None:
    counts = (
        samples(ENGRAFTED + _every_other_day(28, 44, 0.9))
        + samples(_every_other_day(28, 44, 12), "plt")
        + samples(_every_other_day(28, 44, 75), "hb")
    )
    rec = RecoveryRecord(transfusions=(Transfusion(d(30), "red_cells"),))
    status = assess(T, counts, rec, d(45))
    assert status.neutrophil_date == d(12)
    assert status.poor_function is not None
    assert [c.analyte for c in status.poor_function.cytopenias] == ["anc", "plt", "hb"]
    alerts = board_alerts(T, None, counts, rec, d(45))
    assert alerts == [
        "Poor graft function pattern: ANC <= 1, platelets <= 20, Hb <= 80 g/L for 14 days or "
        "more from D+28: confirm"
    ]
    assert alert_rules.recovery_rule(alerts[0]) != alert_rules.RECOVERY
    # Never engrafted: the primary watch speaks, not poor graft function.
    low = samples([(0, 2.0), *_every_other_day(5, 44, 0.1)])
    status = assess(T, low, None, d(45))
    assert status.poor_function is None and status.graft_failure is not None


def test_the_secondary_pattern_comes_before_poor_graft_function_on_the_board() -> None:
    counts = samples(ENGRAFTED + _every_other_day(28, 44, 0.1)) + samples(
        _every_other_day(28, 44, 12), "plt"
    )
    status = assess(T, counts, None, d(45))
    assert status.secondary is not None and status.poor_function is not None
    alerts = board_alerts(T, None, counts, None, d(45))
    assert len(alerts) == 1 and alerts[0].startswith("Secondary graft failure pattern")


def test_the_screen_needs_day0() -> None:
    with pytest.raises(ValidationError, match="needs Day 0"):
        poor_graft_function_pattern(
            series([]),
            series([]),
            series([]),
            day0=None,  # type: ignore[arg-type]
        )
