"""On-track judgement: every comparator through every status band, with the arithmetic done by hand."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcity.indicators.judgement import STATUS_LABELS, VALUE_KINDS, JudgementRules, Target, judge

AS_OF = date(2023, 3, 1)

# Linear cases: baseline 2020, target year 2025 (5 years), latest 2022 (2 years elapsed).
# Compound cases: baseline 2021 = 100, target year 2023 (2 years), latest 2022 (1 year), aim 121 or 81 so that
# the needed CAGR is exactly ±10%: (121/100)^(1/2) − 1 = 0.10, (81/100)^(1/2) − 1 = −0.10.
GE_RATE = Target(">=", 90, 2025, baseline_value=80, baseline_period=2020, unit="%")
GE_COUNT = Target(">=", 121, 2023, baseline_value=100, baseline_period=2021, unit="个")
GT_RATE = Target(">", 60, 2025, baseline_value=50, baseline_period=2020, unit="%")
LE_RATE = Target("<=", 10, 2025, baseline_value=20, baseline_period=2020, unit="%")
LT_DAYS = Target("<", 81, 2023, baseline_value=100, baseline_period=2021, unit="天")
EQ_DAYS = Target("=", 300, 2025, baseline_value=275, baseline_period=2020, unit="天", tolerance=5)
INC_PERCENT = Target(
    "increase", 21, 2023, baseline_value=100, baseline_period=2021, unit="项", value_kind="percent"
)
INC_POINTS = Target(
    "increase", 10, 2025, baseline_value=80, baseline_period=2020, unit="%", value_kind="points"
)
INC_ABSOLUTE = Target(
    "increase",
    20,
    2025,
    baseline_value=40,
    baseline_period=2020,
    unit="家",
    value_kind="absolute",
    growth="linear",
)
INC_ANNUAL = Target(
    "increase", 10, 2023, baseline_value=100, baseline_period=2021, unit="亿元", value_kind="annual_percent"
)
DEC_PERCENT = Target(
    "decrease", 19, 2023, baseline_value=100, baseline_period=2021, unit="件", value_kind="percent"
)
DEC_POINTS = Target(
    "decrease", 10, 2025, baseline_value=20, baseline_period=2020, unit="%", value_kind="points"
)
RANGE_HIGH = Target("range", (10, 20), 2025, baseline_value=30, baseline_period=2020, unit="个")
RANGE_LOW = Target("range", (10, 20), 2025, baseline_value=0, baseline_period=2020, unit="个")

CASES = [
    # ">=" rate, linear: needed (90 − 80) / 5 = 2.0 points a year.
    ("ge-achieved", GE_RATE, 2022, 91, "achieved", None),  # 91 ≥ 90
    ("ge-on-track", GE_RATE, 2022, 84, "on_track", 1.0),  # (84 − 80) / 2 = 2.0; 2.0 / 2.0 = 1.00
    ("ge-accelerate", GE_RATE, 2022, 83, "needs_acceleration", 0.75),  # 1.5 / 2.0 = 0.75
    ("ge-limited", GE_RATE, 2022, 81, "limited_progress", 0.25),  # 0.5 / 2.0 = 0.25
    ("ge-away", GE_RATE, 2022, 79, "moving_away", -0.25),  # −0.5 / 2.0 = −0.25
    # ">=" count, compound: needed CAGR 10%.
    ("ge-count-achieved", GE_COUNT, 2022, 121, "achieved", None),  # 121 ≥ 121
    ("ge-count-on-track", GE_COUNT, 2022, 110, "on_track", 1.0),  # 110/100 − 1 = 0.10; 0.10 / 0.10 = 1.00
    ("ge-count-accelerate", GE_COUNT, 2022, 107, "needs_acceleration", 0.7),  # 0.07 / 0.10 = 0.70
    ("ge-count-limited", GE_COUNT, 2022, 103, "limited_progress", 0.3),  # 0.03 / 0.10 = 0.30
    ("ge-count-away", GE_COUNT, 2022, 95, "moving_away", -0.5),  # −0.05 / 0.10 = −0.50
    # ">" rate, linear: needed (60 − 50) / 5 = 2.0 a year; 60 itself does not meet "> 60".
    ("gt-achieved", GT_RATE, 2022, 61, "achieved", None),  # 61 > 60
    ("gt-on-track", GT_RATE, 2022, 60, "on_track", 2.5),  # (60 − 50) / 2 = 5.0; 5.0 / 2.0 = 2.50, not yet met
    ("gt-accelerate", GT_RATE, 2022, 53, "needs_acceleration", 0.75),  # 1.5 / 2.0 = 0.75
    ("gt-limited", GT_RATE, 2022, 51, "limited_progress", 0.25),  # 0.5 / 2.0 = 0.25
    ("gt-away", GT_RATE, 2022, 49, "moving_away", -0.25),  # −0.5 / 2.0 = −0.25
    # "<=" rate, linear: needed (10 − 20) / 5 = −2.0 a year.
    ("le-achieved", LE_RATE, 2022, 10, "achieved", None),  # 10 ≤ 10
    ("le-on-track", LE_RATE, 2022, 16, "on_track", 1.0),  # (16 − 20) / 2 = −2.0; −2.0 / −2.0 = 1.00
    ("le-accelerate", LE_RATE, 2022, 17, "needs_acceleration", 0.75),  # −1.5 / −2.0 = 0.75
    ("le-limited", LE_RATE, 2022, 19, "limited_progress", 0.25),  # −0.5 / −2.0 = 0.25
    ("le-away", LE_RATE, 2022, 21, "moving_away", -0.25),  # 0.5 / −2.0 = −0.25
    # "<" days, compound: needed CAGR −10%; 81 itself does not meet "< 81".
    ("lt-achieved", LT_DAYS, 2022, 80, "achieved", None),  # 80 < 81
    ("lt-on-track", LT_DAYS, 2022, 90, "on_track", 1.0),  # 90/100 − 1 = −0.10; −0.10 / −0.10 = 1.00
    ("lt-on-track-at-edge", LT_DAYS, 2022, 81, "on_track", 1.9),  # −0.19 / −0.10 = 1.90, not yet met
    ("lt-accelerate", LT_DAYS, 2022, 93, "needs_acceleration", 0.7),  # −0.07 / −0.10 = 0.70
    ("lt-limited", LT_DAYS, 2022, 97, "limited_progress", 0.3),  # −0.03 / −0.10 = 0.30
    ("lt-away", LT_DAYS, 2022, 102, "moving_away", -0.2),  # 0.02 / −0.10 = −0.20
    # "=" 300 ± 5 days, gap: band [295, 305], baseline gap 295 − 275 = 20; time elapsed 2 / 5 = 0.4.
    ("eq-achieved", EQ_DAYS, 2022, 301, "achieved", None),  # 295 ≤ 301 ≤ 305
    ("eq-on-track", EQ_DAYS, 2022, 283, "on_track", 1.0),  # closed (20 − 12) / 20 = 0.4; 0.4 / 0.4 = 1.00
    ("eq-accelerate", EQ_DAYS, 2022, 281, "needs_acceleration", 0.75),  # 6 / 20 = 0.3; 0.3 / 0.4 = 0.75
    ("eq-limited", EQ_DAYS, 2022, 277, "limited_progress", 0.25),  # 2 / 20 = 0.1; 0.1 / 0.4 = 0.25
    ("eq-away", EQ_DAYS, 2022, 273, "moving_away", -0.25),  # −2 / 20 = −0.1; −0.1 / 0.4 = −0.25
    (
        "eq-overshoot",
        EQ_DAYS,
        2022,
        309,
        "on_track",
        2.0,
    ),  # 4 past the band: (20 − 4) / 20 = 0.8; 0.8 / 0.4 = 2.0
    # "increase" 21% from 100 → aim 121; compound as ">=" count.
    ("inc-pct-achieved", INC_PERCENT, 2022, 125, "achieved", None),  # 125 ≥ 121
    ("inc-pct-on-track", INC_PERCENT, 2022, 110, "on_track", 1.0),  # 0.10 / 0.10
    ("inc-pct-accelerate", INC_PERCENT, 2022, 107, "needs_acceleration", 0.7),  # 0.07 / 0.10
    ("inc-pct-limited", INC_PERCENT, 2022, 103, "limited_progress", 0.3),  # 0.03 / 0.10
    ("inc-pct-away", INC_PERCENT, 2022, 95, "moving_away", -0.5),  # −0.05 / 0.10
    # "increase" 10 points from 80% → aim 90; linear as ">=" rate.
    ("inc-pts-achieved", INC_POINTS, 2022, 90, "achieved", None),  # 90 ≥ 90
    ("inc-pts-on-track", INC_POINTS, 2022, 84, "on_track", 1.0),  # 2.0 / 2.0
    ("inc-pts-accelerate", INC_POINTS, 2022, 83, "needs_acceleration", 0.75),  # 1.5 / 2.0
    ("inc-pts-limited", INC_POINTS, 2022, 81, "limited_progress", 0.25),  # 0.5 / 2.0
    ("inc-pts-away", INC_POINTS, 2022, 79, "moving_away", -0.25),  # −0.5 / 2.0
    # "increase" 20 units from 40 → aim 60, linear forced: needed 20 / 5 = 4 a year.
    ("inc-abs-achieved", INC_ABSOLUTE, 2022, 60, "achieved", None),  # 60 ≥ 60
    ("inc-abs-on-track", INC_ABSOLUTE, 2022, 48, "on_track", 1.0),  # (48 − 40) / 2 = 4; 4 / 4 = 1.00
    ("inc-abs-accelerate", INC_ABSOLUTE, 2022, 46, "needs_acceleration", 0.75),  # 3 / 4
    ("inc-abs-limited", INC_ABSOLUTE, 2022, 42, "limited_progress", 0.25),  # 1 / 4
    ("inc-abs-away", INC_ABSOLUTE, 2022, 38, "moving_away", -0.25),  # −1 / 4
    # "increase" 10% a year for 2 years from 100 → aim 100 × 1.1² = 121; compound.
    ("inc-annual-achieved", INC_ANNUAL, 2022, 121, "achieved", None),
    ("inc-annual-on-track", INC_ANNUAL, 2022, 110, "on_track", 1.0),  # 0.10 / 0.10
    ("inc-annual-accelerate", INC_ANNUAL, 2022, 107, "needs_acceleration", 0.7),  # 0.07 / 0.10
    ("inc-annual-limited", INC_ANNUAL, 2022, 103, "limited_progress", 0.3),  # 0.03 / 0.10
    ("inc-annual-away", INC_ANNUAL, 2022, 95, "moving_away", -0.5),  # −0.05 / 0.10
    # "decrease" 19% from 100 → aim 81; compound: needed −10% a year.
    ("dec-pct-achieved", DEC_PERCENT, 2022, 81, "achieved", None),  # 81 ≤ 81
    ("dec-pct-on-track", DEC_PERCENT, 2022, 90, "on_track", 1.0),  # −0.10 / −0.10
    ("dec-pct-accelerate", DEC_PERCENT, 2022, 93, "needs_acceleration", 0.7),  # −0.07 / −0.10
    ("dec-pct-limited", DEC_PERCENT, 2022, 97, "limited_progress", 0.3),  # −0.03 / −0.10
    ("dec-pct-away", DEC_PERCENT, 2022, 102, "moving_away", -0.2),  # 0.02 / −0.10
    # "decrease" 10 points from 20% → aim 10; linear as "<=" rate.
    ("dec-pts-achieved", DEC_POINTS, 2022, 9.5, "achieved", None),
    ("dec-pts-on-track", DEC_POINTS, 2022, 16, "on_track", 1.0),  # −2 / −2
    ("dec-pts-accelerate", DEC_POINTS, 2022, 17, "needs_acceleration", 0.75),  # −1.5 / −2
    ("dec-pts-limited", DEC_POINTS, 2022, 19, "limited_progress", 0.25),  # −0.5 / −2
    ("dec-pts-away", DEC_POINTS, 2022, 21, "moving_away", -0.25),  # 0.5 / −2
    # "range" [10, 20] from 30 (above): gap 30 − 20 = 10; time elapsed 0.4.
    ("range-achieved", RANGE_HIGH, 2022, 15, "achieved", None),  # 10 ≤ 15 ≤ 20
    ("range-on-track", RANGE_HIGH, 2022, 26, "on_track", 1.0),  # closed 4 / 10 = 0.4; 0.4 / 0.4 = 1.00
    ("range-accelerate", RANGE_HIGH, 2022, 27, "needs_acceleration", 0.75),  # 3 / 10 = 0.3; / 0.4 = 0.75
    ("range-limited", RANGE_HIGH, 2022, 29, "limited_progress", 0.25),  # 1 / 10 = 0.1; / 0.4 = 0.25
    ("range-away", RANGE_HIGH, 2022, 31, "moving_away", -0.25),  # −1 / 10 = −0.1; / 0.4 = −0.25
    ("range-from-below", RANGE_LOW, 2022, 3, "needs_acceleration", 0.75),  # 3 / 10 = 0.3; / 0.4 = 0.75
]


@pytest.mark.parametrize(
    ("target", "year", "value", "status", "ratio"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_status_bands(target: Target, year: int, value: float, status: str, ratio: float | None) -> None:
    result = judge(target, [(year, value)], AS_OF)
    assert result.status == status
    assert result.label == STATUS_LABELS[status]
    if ratio is None:
        assert result.ratio is None
    else:
        assert result.ratio == pytest.approx(ratio)
    assert result.working, "a leader always sees the working"


def test_working_reads_like_the_leaders_brief() -> None:
    # Needed (98 − 96.5) / 4 = 0.375 → 0.38 a year; achieved (97.4 − 96.5) / 3 = 0.30; 0.30 / 0.375 = 0.80.
    target = Target(">=", 98, 2025, baseline_value=96.5, baseline_period=2021, unit="%")
    result = judge(target, [(2022, 96.8), (2024, 97.4)], date(2025, 3, 1))
    assert result.status == "needs_acceleration"
    assert result.method == "linear"
    assert result.needed_rate == pytest.approx(0.375)
    assert result.achieved_rate == pytest.approx(0.3)
    assert result.working == [
        "基线：2021年 96.5%；目标：2025年不低于98%；最新：2024年 97.4%。",
        "按期达标每年需提高0.38个百分点；2021—2024年实际每年提高0.30个百分点，为所需的80%，需加快进度。",
    ]


def test_compound_working_speaks_of_annual_growth() -> None:
    result = judge(GE_COUNT, [(2022, 107)], AS_OF)
    assert result.method == "compound"
    assert result.needed_rate == pytest.approx(0.10)
    assert (
        result.working[1]
        == "按期达标年均需增长10.00%；2021—2022年实际年均增长7.00%，为所需的70%，需加快进度。"
    )


def test_moving_away_says_the_direction_is_wrong() -> None:
    result = judge(GE_RATE, [(2022, 79)], AS_OF)
    assert "实际每年降低0.50个百分点，与目标方向相反，偏离目标。" in result.working[1]


# --- natural limit --------------------------------------------------------------------------------------------


def test_near_a_natural_limit_judges_on_the_gap_closed() -> None:
    # 98 is within 5 of the limit 100. Gap 98 − 96.5 = 1.5; closed 97.4 − 96.5 = 0.9 = 60% of it;
    # time elapsed 3 of 4 years = 75%; ratio 0.60 / 0.75 = 0.80.
    target = Target(">=", 98, 2025, baseline_value=96.5, baseline_period=2021, unit="%", natural_limit=100)
    result = judge(target, [(2024, 97.4)], date(2025, 3, 1))
    assert result.method == "gap"
    assert result.status == "needs_acceleration"
    assert result.ratio == pytest.approx(0.8)
    assert "已缩小0.9个百分点，占差距的60%；目标期已过去75%，进度为应有进度的80%" in result.working[1]


def test_near_limit_replaces_compound_growth() -> None:
    # Complaints per 10,000 people, ≤ 1 by 2025 from 4 in 2021; 2.5 in 2024.
    # As a quantity, CAGR: needed (1/4)^(1/4) − 1 = −0.29289, achieved (2.5/4)^(1/3) − 1 = −0.14501,
    # ratio 0.4951 → limited progress. Near the limit 0: gap 3, closed 1.5 = 50%, time 3/4 = 75%,
    # ratio 0.50 / 0.75 = 0.667 → needs acceleration.
    compound = Target("<=", 1, 2025, baseline_value=4, baseline_period=2021, unit="件")
    near = Target("<=", 1, 2025, baseline_value=4, baseline_period=2021, unit="件", natural_limit=0)
    far = judge(compound, [(2024, 2.5)], date(2025, 3, 1))
    assert (far.method, far.status, far.ratio) == (
        "compound",
        "limited_progress",
        pytest.approx(0.4951, abs=1e-4),
    )
    result = judge(near, [(2024, 2.5)], date(2025, 3, 1))
    assert (result.method, result.status, result.ratio) == ("gap", "needs_acceleration", pytest.approx(2 / 3))


def test_near_limit_threshold_is_a_parameter() -> None:
    # With the threshold at 1 point, 98 is 2 points from 100: not near; the % rate is judged linearly.
    target = Target(">=", 98, 2025, baseline_value=96.5, baseline_period=2021, unit="%", natural_limit=100)
    result = judge(target, [(2024, 97.4)], date(2025, 3, 1), JudgementRules(near_limit_points=1))
    assert result.method == "linear"


def test_far_from_the_limit_keeps_the_growth_rate() -> None:
    target = Target(">=", 80, 2025, baseline_value=60, baseline_period=2020, unit="%", natural_limit=100)
    assert judge(target, [(2022, 68)], AS_OF).method == "linear"  # (68 − 60) / 2 = 4 = (80 − 60) / 5


# --- unknown, missed, slipped ---------------------------------------------------------------------------------


def test_no_observations_is_unknown() -> None:
    result = judge(GE_RATE, [], AS_OF)
    assert (result.status, result.label) == ("unknown", "数据不足")
    assert "尚无观测数据" in result.working[-1]


def test_observations_after_as_of_are_not_yet_known() -> None:
    assert judge(GE_RATE, [(date(2023, 6, 30), 91)], AS_OF).status == "unknown"


def test_no_baseline_is_unknown_unless_the_target_is_met() -> None:
    target = Target(">=", 90, 2025, unit="%")
    assert judge(target, [(2022, 85)], AS_OF).status == "unknown"
    assert judge(target, [(2022, 92)], AS_OF).status == "achieved"


def test_baseline_value_may_come_from_the_observation_at_the_baseline_period() -> None:
    # Baseline 2020 = 80 from the data; (84 − 80) / 2 = 2 = (90 − 80) / 5.
    target = Target(">=", 90, 2025, baseline_period=2020, unit="%")
    result = judge(target, [(2020, 80), (2022, 84)], AS_OF)
    assert (result.status, result.baseline) == ("on_track", 80)


def test_increase_without_baseline_is_unknown() -> None:
    target = Target("increase", 15, 2025, unit="%", value_kind="percent")
    assert judge(target, [(2022, 50)], AS_OF).status == "unknown"


def test_no_target_year_is_unknown() -> None:
    target = Target(">=", 90, None, baseline_value=80, baseline_period=2020, unit="%")
    assert judge(target, [(2022, 84)], AS_OF).status == "unknown"


def test_nothing_observed_after_the_baseline_is_unknown() -> None:
    assert judge(GE_RATE, [(2020, 80)], AS_OF).status == "unknown"


def test_target_year_data_that_miss_the_target_is_missed() -> None:
    # Latest is the target year itself (2025) and 89 < 90: no time is left.
    result = judge(GE_RATE, [(2025, 89)], date(2026, 3, 1))
    assert (result.status, result.label) == ("missed", "逾期未达成")


def test_deadline_passed_without_target_year_data_keeps_the_band_and_says_so() -> None:
    result = judge(GE_RATE, [(2024, 88)], date(2026, 3, 1))  # (88 − 80) / 4 = 2 = 2 / 2 → on track so far
    assert result.status == "on_track"
    assert "2025年数据尚未报送" in result.working[-1]


def test_baseline_met_then_slipped_is_moving_away() -> None:
    target = Target(">=", 98, 2025, baseline_value=98.5, baseline_period=2020, unit="%")
    assert judge(target, [(2022, 97.8)], AS_OF).status == "moving_away"


def test_baseline_on_the_edge_of_a_strict_target() -> None:
    target = Target(">", 60, 2025, baseline_value=60, baseline_period=2020, unit="%")
    assert judge(target, [(2022, 60)], AS_OF).status == "limited_progress"
    assert judge(target, [(2022, 59)], AS_OF).status == "moving_away"


def test_default_equal_tolerance_is_two_percent() -> None:
    # 300 ± 2% = [294, 306].
    target = Target("=", 300, 2025, baseline_value=280, baseline_period=2020, unit="天")
    assert judge(target, [(2022, 294)], AS_OF).status == "achieved"
    assert judge(target, [(2022, 293.9)], AS_OF).status != "achieved"


def test_sub_year_periods_count_months() -> None:
    # Baseline 2020 (Dec), latest 2022-06-30: 1.5 years; (83 − 80) / 1.5 = 2 = (90 − 80) / 5 → ratio 1.0.
    result = judge(GE_RATE, [(date(2022, 6, 30), 83)], AS_OF)
    assert result.ratio == pytest.approx(1.0)
    assert "2020年—2022年6月" in result.working[1]


# --- qualitative ----------------------------------------------------------------------------------------------


def test_qualitative_needs_evidence() -> None:
    target = Target("qualitative", None, 2025, text="质量品牌影响力不断提高")
    result = judge(target, [], AS_OF)
    assert (result.status, result.label) == ("needs_evidence", "需佐证材料")


def test_qualitative_with_evidence_is_achieved() -> None:
    target = Target("qualitative", None, 2025, text="位居全省前列")
    assert judge(target, [], AS_OF, evidence=True).status == "achieved"


def test_qualitative_evidence_does_not_outweigh_data_moving_the_wrong_way() -> None:
    target = Target(
        "qualitative", None, 2025, baseline_value=50, baseline_period=2020, direction="up", text="不断提高"
    )
    result = judge(target, [(2022, 45)], AS_OF, evidence=True)
    assert result.status == "moving_away"
    assert "与目标方向相反" in "".join(result.working)


# --- rules and inputs -----------------------------------------------------------------------------------------


def test_thresholds_come_from_the_rules_table() -> None:
    rules = JudgementRules.from_mapping({"on_track": 0.7, "needs_acceleration": 0.5})
    assert judge(GE_RATE, [(2022, 83)], AS_OF, rules).status == "on_track"  # 0.75 ≥ 0.7
    with pytest.raises(ValueError, match="未知"):
        JudgementRules.from_mapping({"on_track_ratio": 0.9})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"op": "≥", "value": 1, "year": 2025},
        {"op": "range", "value": (5, 1), "year": 2025},
        {"op": ">=", "value": None, "year": 2025},
        {"op": "increase", "value": 5, "year": 2025},  # percent or points? it must say
    ],
)
def test_malformed_targets_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Target(**kwargs)  # type: ignore[arg-type]


# --- robustness -----------------------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
years = st.integers(min_value=2015, max_value=2030)


@st.composite
def targets(draw: st.DrawFn) -> Target:
    op = draw(st.sampled_from([">=", "<=", ">", "<", "=", "increase", "decrease", "range"]))
    value: float | tuple[float, float] = draw(values)
    if op == "range":
        low, high = sorted((draw(values), draw(values)))
        value = (low, high)
    return Target(
        op,
        value,
        draw(st.one_of(st.none(), years)),
        baseline_value=draw(st.one_of(st.none(), values)),
        baseline_period=draw(st.one_of(st.none(), years)),
        unit=draw(st.sampled_from(["%", "个", ""])),
        natural_limit=draw(st.sampled_from([None, 0.0, 100.0])),
        value_kind=draw(st.sampled_from(VALUE_KINDS)),
    )


@given(targets(), st.lists(st.tuples(years, values), max_size=5), years)
def test_judge_always_answers_with_a_known_status(
    target: Target, observations: list[tuple[int, float]], as_of: int
) -> None:
    result = judge(target, observations, date(as_of, 12, 31))
    assert result.status in STATUS_LABELS
    assert result.working


@given(st.floats(min_value=0, max_value=89.9), st.floats(min_value=0, max_value=89.9))
def test_a_higher_latest_value_never_judges_worse(low: float, high: float) -> None:
    low, high = sorted((low, high))
    order = ["moving_away", "limited_progress", "needs_acceleration", "on_track", "achieved"]
    target = Target(">=", 90, 2025, baseline_value=50, baseline_period=2020, unit="%")
    worse, better = (judge(target, [(2022, v)], AS_OF).status for v in (low, high))
    assert order.index(worse) <= order.index(better)
