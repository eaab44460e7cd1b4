"""Checks on a reported indicator value, with the rules kept as data.

An indicator carries a list of rules (from its configuration row, e.g. YAML or JSON):

    {"type": "range", "min": 0, "max": 100}          a rate stays within 0–100
    {"type": "ratio", "scale": 100, "required": true} numerator ≤ denominator, value = numerator / denominator × 100
    {"type": "jump", "sigmas": 3, "min_history": 3}  a value beyond 3 standard deviations of its history needs a comment
    {"type": "period", "earliest_year": 2000}        no value for a period before 2000 (default 1949)

`validate_value` and `validate_period` return every problem at once (so a liaison fixes a row in one go), each
naming the field and saying in Chinese what is wrong. An empty list means the value may be saved. Whatever the
rules, numerator and denominator go together and the denominator is above 0, a period must have ended (China
time) and not be older than its earliest year, and a text field stays within TEXT_LIMITS: too long is refused,
never cut.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

RULE_TYPES = ("range", "ratio", "jump", "period")
FIELD_LABELS = {
    "value": "数值",
    "numerator": "分子",
    "denominator": "分母",
    "comment": "说明",
    "period": "期间",
}
# The longest text (in characters, after trimming spaces) each free-text field of a value may hold.
TEXT_LIMITS = {"comment": 2000, "reason": 2000}
TEXT_LABELS = {"comment": "说明", "reason": "解锁原因"}
# value = numerator / denominator × scale, for an indicator with no rules of its own, by its unit.
UNIT_SCALES = {"%": 100.0, "％": 100.0, "‰": 1000.0, "‱": 10000.0}
# No indicator series this platform tracks starts before the People's Republic's statistics do; an older year
# is a typo (1924 for 2024). A "period" rule sets a later floor for one indicator.
EARLIEST_YEAR = 1949


@dataclass(frozen=True)
class Rule:
    """One check. Which attributes matter depends on `type`:

    range: min, max (either may be None). ratio: scale (value = numerator / denominator × scale; None skips that
    check), required (numerator and denominator must be given), part_of_whole (the numerator counts part of the
    denominator, 合格批次 of 抽检批次, so it cannot exceed it; false for a quotient of two quantities, 发明专利 per
    万人), decimals (a value left empty is computed and rounded to this many decimals). jump: sigmas,
    min_history (fewer prior values than this and the check is skipped: two points give no useful spread),
    min_spread_share (the spread used is at least this share of the mean: a flat history, 100, 100, 100, would
    otherwise flag 99.9). period: earliest_year (the first year a value may be reported for).
    """

    type: str
    min: float | None = None
    max: float | None = None
    scale: float | None = None
    required: bool = False
    sigmas: float = 3.0
    min_history: int = 3
    min_spread_share: float = 0.01
    part_of_whole: bool = True
    decimals: int = 2
    earliest_year: int = EARLIEST_YEAR

    def __post_init__(self) -> None:
        if self.type not in RULE_TYPES:
            raise ValueError(f"未知的校验规则类型：{self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("校验规则的下限大于上限")
        if self.scale is not None and not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError("校验规则的比例系数必须大于0")
        if not (_whole(self.decimals) and 0 <= self.decimals <= 6):
            raise ValueError("校验规则的小数位数应为0到6的整数")
        if not (_whole(self.earliest_year) and 1900 <= self.earliest_year <= 2100):
            raise ValueError("校验规则的最早年份应为1900到2100的整数")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"校验规则含未知字段：{', '.join(unknown)}")
        return cls(**data)


def rules_from_data(items: Iterable[Mapping[str, Any]]) -> tuple[Rule, ...]:
    """Rules from configuration rows; raises ValueError (Chinese message) on a malformed row."""
    return tuple(Rule.from_dict(item) for item in items)


def default_rules(natural_limit: float | None = None, unit: str = "") -> tuple[Rule, ...]:
    """Rules for an indicator configured with none: a jump check; 0..limit for a bounded rate; and a ratio check
    when numerator and denominator are given to a % (‰) indicator or to a bounded one.

    Only a natural limit implies a range, and a numerator within its denominator: a "%" unit alone does not
    (年均增长率 can be negative or above 100). The unit gives the ratio's scale (% → 100).
    """
    rules: list[Rule] = []
    if natural_limit is not None:
        rules.append(Rule("range", min=min(0.0, natural_limit), max=max(0.0, natural_limit)))
    scale = UNIT_SCALES.get(unit.strip())
    if scale is not None or natural_limit is not None:
        rules.append(Rule("ratio", scale=scale, part_of_whole=natural_limit is not None))
    rules.append(Rule("jump"))
    return tuple(rules)


@dataclass(frozen=True)
class IndicatorMeta:
    """What validation (and the importer) needs to know of an indicator.

    key: the caller's identifier (a database id); rules: None means default_rules(natural_limit, unit).
    """

    name: str
    unit: str = ""
    natural_limit: float | None = None
    rules: tuple[Rule, ...] | None = None
    key: Any = None

    def effective_rules(self) -> tuple[Rule, ...]:
        return default_rules(self.natural_limit, self.unit) if self.rules is None else self.rules

    def rule(self, rule_type: str) -> Rule | None:
        """The first effective rule of this type, if any."""
        return next((r for r in self.effective_rules() if r.type == rule_type), None)


@dataclass(frozen=True)
class Problem:
    """field: "value", "numerator", "denominator", "comment" or "period"; message: Chinese, for the user; rule: the
    rule type ("required", "parts" and "length" for the checks every value gets)."""

    field: str
    message: str
    rule: str = ""


def validate_value(
    indicator_meta: IndicatorMeta,
    value: float | None,
    history: Sequence[float],
    comment: str | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
) -> list[Problem]:
    """Every problem with one reported value. `history`: this indicator's earlier values for the same region.

    A value left empty (None) is a problem; compute it first with `derived_value` where numerator and
    denominator allow.
    """
    problems = check_text("comment", comment)
    ratio = indicator_meta.rule("ratio")
    if ratio is None:  # whatever the rules: the two go together, and one cannot divide by 0
        problems += _check_parts(numerator, denominator)
    if value is None or not math.isfinite(value):
        if ratio is not None:
            problems += _check_ratio(ratio, None, numerator, denominator)
        return [*problems, Problem("value", "数值为空" if value is None else "数值无效", "required")]
    for rule in indicator_meta.effective_rules():
        if rule.type == "range":
            problems += _check_range(rule, value, indicator_meta.unit)
        elif rule.type == "ratio":
            problems += _check_ratio(rule, value, numerator, denominator)
        elif rule.type == "jump":
            problems += _check_jump(rule, value, history, comment)
    return problems


def derived_value(
    indicator_meta: IndicatorMeta, numerator: float | None, denominator: float | None
) -> float | None:
    """numerator / denominator × scale, rounded to the ratio rule's decimals, for a value left empty; None when
    the indicator has no scaled ratio rule or the parts do not allow it (validate_value then says why)."""
    rule = indicator_meta.rule("ratio")
    if rule is None or rule.scale is None or numerator is None or denominator is None:
        return None
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator <= 0:
        return None
    return round(numerator / denominator * rule.scale, rule.decimals)


def validate_period(indicator_meta: IndicatorMeta, end: date, label: str, today: date) -> list[Problem]:
    """A value is reported for a period that has ended (its end is today or earlier, China time; the caller passes
    `today`) and is not older than the earliest year (a "period" rule, else EARLIEST_YEAR)."""
    if end > today:
        return [
            Problem("period", f"期间{label}尚未结束（截至{_day(end)}），不能填报未来期间的数值", "period")
        ]
    rule = indicator_meta.rule("period")
    earliest = rule.earliest_year if rule is not None else EARLIEST_YEAR
    if end.year < earliest:
        return [Problem("period", f"期间{label}早于{earliest}年，请核对年份", "period")]
    return []


def check_text(field: str, text: str | None) -> list[Problem]:
    """A free-text field over its limit in TEXT_LIMITS is refused, naming the field; it is never cut."""
    limit = TEXT_LIMITS.get(field)
    length = len(text.strip()) if text else 0
    if limit is None or length <= limit:
        return []
    label = TEXT_LABELS.get(field, field)
    return [Problem(field, f"{label}不能超过{limit}字（现有{length}字），请精简后再保存", "length")]


def _check_parts(numerator: float | None, denominator: float | None) -> list[Problem]:
    if numerator is None and denominator is None:
        return []
    if numerator is None or denominator is None:
        missing = "numerator" if numerator is None else "denominator"
        given = "分母" if numerator is None else "分子"
        return [Problem(missing, f"已填写{given}，{FIELD_LABELS[missing]}也须填写", "parts")]
    if denominator <= 0:
        return [Problem("denominator", f"分母必须大于0（现为{_num(denominator)}）", "parts")]
    return []


def _check_range(rule: Rule, value: float, unit: str) -> list[Problem]:
    if rule.min is not None and value < rule.min:
        return [Problem("value", f"数值{_num(value)}{unit}低于下限{_num(rule.min)}{unit}", "range")]
    if rule.max is not None and value > rule.max:
        return [Problem("value", f"数值{_num(value)}{unit}高于上限{_num(rule.max)}{unit}", "range")]
    return []


def _check_ratio(
    rule: Rule, value: float | None, numerator: float | None, denominator: float | None
) -> list[Problem]:
    """`value` None: the value was left empty, so only the parts are checked."""
    if numerator is None and denominator is None:
        return [Problem("numerator", "该指标需同时填写分子和分母", "ratio")] if rule.required else []
    problems = [replace(p, rule="ratio") for p in _check_parts(numerator, denominator)]
    if problems:
        return problems
    assert numerator is not None and denominator is not None
    if numerator < 0:
        problems.append(Problem("numerator", "分子不能为负数", "ratio"))
    if rule.part_of_whole and numerator > denominator:
        problems.append(Problem("numerator", f"分子{_num(numerator)}大于分母{_num(denominator)}", "ratio"))
    if not problems and value is not None and rule.scale is not None:
        problems += _check_quotient(value, numerator / denominator * rule.scale, rule.scale)
    return problems


def _check_quotient(value: float, computed: float, scale: float) -> list[Problem]:
    """The value must equal numerator / denominator × scale to the precision the user wrote it with.

    96.4 agrees with 96.43 (one decimal written, so ±0.05), 96 with 96.43 (±0.5), but 96.5 does not.
    """
    allowed = 0.5 * 10 ** -_decimals(value) + 1e-9
    if abs(value - computed) <= allowed:
        return []
    message = (
        f"数值{_num(value)}与分子÷分母×{_num(scale)}算得的{_num(computed)}不一致；"
        "请核对，或将数值留空由系统按分子、分母计算"
    )
    return [Problem("value", message, "ratio")]


def _check_jump(rule: Rule, value: float, history: Sequence[float], comment: str | None) -> list[Problem]:
    """A value far outside its own history is often a typo (a rate of 9.85 for 98.5) — or real: then say why."""
    if len(history) < rule.min_history or (comment and comment.strip()):
        return []
    mean = statistics.fmean(history)
    spread = max(statistics.stdev(history), rule.min_spread_share * abs(mean))
    if abs(value - mean) <= rule.sigmas * spread:
        return []
    message = (
        f"数值{_num(value)}偏离历史均值{_num(mean)}超过{_num(rule.sigmas)}个标准差（按{_num(spread)}计），"
        "请核实；如确属实，请在说明中写明原因"
    )
    return [Problem("comment", message, "jump")]


def _decimals(x: float) -> int:
    """Decimals in the shortest form of x: 96.4 → 1, 96.0 → 0."""
    text = repr(float(x))
    if "e" in text or "." not in text:
        return 0
    frac = text.split(".")[1].rstrip("0")
    return len(frac)


def _whole(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _num(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
