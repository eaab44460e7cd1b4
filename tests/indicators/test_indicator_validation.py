"""Validation of a reported indicator value: range, numerator/denominator, and jumps that need a comment."""

from __future__ import annotations

import pytest

from qcity.indicators.validation import (
    IndicatorMeta,
    Problem,
    Rule,
    default_rules,
    rules_from_data,
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
