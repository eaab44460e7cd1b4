"""Validation of a reported indicator value: range, numerator/denominator, and jumps that need a comment."""

from __future__ import annotations

from datetime import date

import pytest

from qcity.indicators.validation import (
    EARLIEST_YEAR,
    TEXT_LIMITS,
    IndicatorMeta,
    Problem,
    Rule,
    check_text,
    default_rules,
    derived_value,
    rules_from_data,
    validate_period,
    validate_value,
)

PASS_RATE = IndicatorMeta(
    "食品抽检合格率",
    unit="%",
    rules=rules_from_data(
        [
            {"type": "range", "min": 0, "max": 100},
            {"type": "ratio", "scale": 100},
            {"type": "jump", "sigmas": 3},
        ]
    ),
)
HISTORY = [97.0, 98.0, 97.5, 98.5]  # mean 97.75, sample sd 0.645


def fields(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def test_a_plausible_value_passes() -> None:
    assert validate_value(PASS_RATE, 98.2, HISTORY, numerator=982, denominator=1000) == []


def test_empty_value_is_reported() -> None:
    assert validate_value(PASS_RATE, None, HISTORY) == [Problem("value", "数值为空", "required")]


def test_a_rate_above_100_is_out_of_range() -> None:
    problems = validate_value(PASS_RATE, 101.0, [])
    assert fields(problems) == ["value"]
    assert problems[0].message == "数值101%高于上限100%"


def test_a_negative_rate_is_out_of_range() -> None:
    assert validate_value(PASS_RATE, -1.0, [])[0].message == "数值-1%低于下限0%"


def test_numerator_above_denominator() -> None:
    problems = validate_value(PASS_RATE, 98.0, [], numerator=1010, denominator=1000)
    assert fields(problems) == ["numerator"]
    assert "分子1010大于分母1000" in problems[0].message


def test_denominator_must_be_positive() -> None:
    assert "denominator" in fields(validate_value(PASS_RATE, 0.0, [], numerator=0, denominator=0))


def test_one_of_numerator_and_denominator_alone_is_reported() -> None:
    problems = validate_value(PASS_RATE, 98.0, [], numerator=980)
    assert fields(problems) == ["denominator"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (96.43, True),  # 964.3 / 1000 × 100 = 96.43 exactly
        (96.4, True),  # written to 1 decimal: ±0.05 covers 96.43
        (96.0, True),  # written as a whole number: ±0.5 covers 96.43
        (96.5, False),  # 96.5 − 96.43 = 0.07 > 0.05
        (69.43, False),  # a transposition typo
    ],
)
def test_value_must_agree_with_numerator_over_denominator(value: float, ok: bool) -> None:
    problems = validate_value(PASS_RATE, value, [], numerator=964.3, denominator=1000)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].field == "value" and "不一致" in problems[0].message


def test_required_ratio_needs_both_parts() -> None:
    meta = IndicatorMeta("合格率", unit="%", rules=(Rule("ratio", required=True),))
    assert fields(validate_value(meta, 98.0, [])) == ["numerator"]


def test_a_jump_needs_a_comment() -> None:
    # 9.85 (a slipped decimal point) is 87.9 below the mean 97.75, far beyond 3 × 0.645.
    problems = validate_value(PASS_RATE, 9.85, HISTORY)
    assert fields(problems) == ["comment"]
    assert "请在说明中写明原因" in problems[0].message


def test_a_jump_with_a_comment_is_accepted() -> None:
    assert validate_value(PASS_RATE, 90.0, HISTORY, comment="新增抽检品类，合格率下降") == []


def test_within_three_sigmas_is_no_jump() -> None:
    # 97.75 + 3 × 0.645 = 99.69; 99.5 is inside.
    assert validate_value(PASS_RATE, 99.5, HISTORY) == []


def test_short_history_skips_the_jump_check() -> None:
    assert validate_value(PASS_RATE, 50.0, [98.0, 98.5]) == []


def test_a_flat_history_does_not_flag_a_small_move() -> None:
    # sd 0 is floored at 1% of the mean: 3 × 1.0 = 3 around 100.
    assert validate_value(PASS_RATE, 99.9, [100.0, 100.0, 100.0]) == []
    assert fields(validate_value(PASS_RATE, 90.0, [100.0, 100.0, 100.0])) == ["comment"]


def test_all_problems_come_back_together() -> None:
    problems = validate_value(PASS_RATE, 120.0, HISTORY, numerator=1200, denominator=1000)
    assert set(fields(problems)) == {"value", "numerator", "comment"}


def test_default_rules_bound_a_rate_with_a_natural_limit() -> None:
    meta = IndicatorMeta("合格率", unit="%", natural_limit=100)
    assert fields(validate_value(meta, 100.5, [])) == ["value"]
    assert default_rules() == (Rule("jump"),)


def test_a_growth_rate_in_percent_is_not_bounded_by_default() -> None:
    meta = IndicatorMeta("技术改造投资额年均增长率", unit="%")
    assert validate_value(meta, -12.0, []) == []
    assert validate_value(meta, 130.0, []) == []


def test_malformed_rule_data_is_refused() -> None:
    with pytest.raises(ValueError, match="未知的校验规则类型"):
        rules_from_data([{"type": "regex"}])
    with pytest.raises(ValueError, match="未知字段"):
        rules_from_data([{"type": "range", "maximum": 100}])
    with pytest.raises(ValueError, match="下限大于上限"):
        Rule("range", min=100, max=0)
    with pytest.raises(ValueError, match="小数位数"):
        rules_from_data([{"type": "ratio", "scale": 100, "decimals": 2.5}])
    with pytest.raises(ValueError, match="比例系数"):
        rules_from_data([{"type": "ratio", "scale": 0}])
    with pytest.raises(ValueError, match="最早年份"):
        rules_from_data([{"type": "period", "earliest_year": "2000"}])


# --- numerator and denominator for an indicator with the default rules (the tester's 合格率, no rules configured) ---

DEFAULT_RATE = IndicatorMeta("食品抽检合格率", unit="%", natural_limit=100)
COUNT = IndicatorMeta("有效注册商标数", unit="件")


def test_a_zero_denominator_is_refused_under_the_default_rules() -> None:
    problems = validate_value(DEFAULT_RATE, 5.0, [], numerator=5, denominator=0)
    assert fields(problems) == ["denominator"] and "分母必须大于0" in problems[0].message


def test_a_zero_denominator_is_refused_whatever_the_rules() -> None:
    for meta in (COUNT, IndicatorMeta("有效注册商标数", unit="件", rules=())):
        problems = validate_value(meta, 5.0, [], numerator=5, denominator=0)
        assert fields(problems) == ["denominator"], meta
        assert fields(validate_value(meta, 5.0, [], numerator=5)) == ["denominator"]
    # A quotient of two quantities (件 per 万人) may exceed 1: only a share's numerator is held to its denominator.
    assert validate_value(COUNT, 20.0, [], numerator=200, denominator=10) == []


def test_the_value_must_agree_with_the_parts_under_the_default_rules() -> None:
    problems = validate_value(DEFAULT_RATE, 99.0, [], numerator=50, denominator=100)
    assert fields(problems) == ["value"]
    assert problems[0].message.startswith("数值99与分子÷分母×100算得的50不一致")
    assert validate_value(DEFAULT_RATE, 50.0, [], numerator=50, denominator=100) == []
    per_mille = IndicatorMeta("万人口死亡率", unit="‰")
    assert fields(validate_value(per_mille, 5.0, [], numerator=5, denominator=100)) == ["value"]  # 50‰
    assert validate_value(per_mille, 50.0, [], numerator=5, denominator=100) == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (50.0, True),
        (50.4, False),
        (50.5, False),
        (49.63, True),
        (49.6, True),
        (49.7, False),
        (50.0001, False),
    ],
)
def test_the_tolerance_is_half_a_unit_of_the_last_decimal_written(value: float, ok: bool) -> None:
    # 4963 / 10000 × 100 = 49.63: 49.6 (±0.05) and 50 (±0.5) are roundings of it, 49.7 and 50.4 are not.
    problems = validate_value(DEFAULT_RATE, value, [], numerator=4963, denominator=10000)
    assert (problems == []) is ok, problems


def test_a_value_left_empty_is_computed_from_the_parts() -> None:
    assert derived_value(DEFAULT_RATE, 50, 100) == 50.0
    assert derived_value(DEFAULT_RATE, 2, 3) == 66.67  # rounded to the ratio rule's 2 decimals
    assert derived_value(PASS_RATE, 964.3, 1000) == 96.43
    three = IndicatorMeta("合格率", unit="%", rules=(Rule("ratio", scale=100, decimals=3),))
    assert derived_value(three, 2, 3) == 66.667
    assert derived_value(DEFAULT_RATE, 5, 0) is None  # validate_value then says why
    assert derived_value(DEFAULT_RATE, 5, None) is None
    assert derived_value(COUNT, 5, 10) is None  # no scale to compute with
    problems = validate_value(DEFAULT_RATE, None, [], numerator=5, denominator=0)
    assert fields(problems) == ["denominator", "value"]


# --- the period ------------------------------------------------------------------------------------------------

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("end", "label", "message"),
    [
        (date(2099, 12, 31), "2099年", "期间2099年尚未结束（截至2099年12月31日），不能填报未来期间的数值"),
        (date(2026, 12, 31), "2026年", "期间2026年尚未结束（截至2026年12月31日），不能填报未来期间的数值"),
        (
            date(2026, 11, 30),
            "2026年11月",
            "期间2026年11月尚未结束（截至2026年11月30日），不能填报未来期间的数值",
        ),
        (date(1900, 12, 31), "1900年", f"期间1900年早于{EARLIEST_YEAR}年，请核对年份"),
        (date(1948, 12, 31), "1948年", "期间1948年早于1949年，请核对年份"),
    ],
)
def test_a_period_not_yet_ended_or_implausibly_old_is_refused(end: date, label: str, message: str) -> None:
    assert validate_period(DEFAULT_RATE, end, label, TODAY) == [Problem("period", message, "period")]


@pytest.mark.parametrize(
    "end", [date(2026, 11, 23), date(2026, 10, 31), date(2025, 12, 31), date(1949, 12, 31)]
)
def test_a_period_that_has_ended_is_accepted(end: date) -> None:
    assert validate_period(DEFAULT_RATE, end, "", TODAY) == []


def test_a_period_rule_sets_a_later_floor() -> None:
    meta = IndicatorMeta(
        "合格率", unit="%", rules=rules_from_data([{"type": "period", "earliest_year": 2010}])
    )
    assert fields(validate_period(meta, date(2009, 12, 31), "2009年", TODAY)) == ["period"]
    assert validate_period(meta, date(2010, 12, 31), "2010年", TODAY) == []
    assert validate_value(meta, 98.0, []) == []  # the period rule is not a check on the value


# --- text fields -------------------------------------------------------------------------------------------------


def test_an_over_long_comment_is_refused_naming_the_field() -> None:
    limit = TEXT_LIMITS["comment"]
    assert limit == 2000
    assert check_text("comment", "说" * limit) == []
    assert check_text("comment", "  " + "说" * limit + "  ") == []  # spaces around are trimmed, not counted
    problems = validate_value(PASS_RATE, 98.0, [], comment="说" * 3000)
    assert problems == [Problem("comment", "说明不能超过2000字（现有3000字），请精简后再保存", "length")]
    assert check_text("reason", "因" * 2001)[0].message.startswith("解锁原因不能超过2000字")
