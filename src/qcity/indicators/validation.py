"""Checks on a reported indicator value, with the rules kept as data.

An indicator carries a list of rules (from its configuration row, e.g. YAML or JSON):

    {"type": "range", "min": 0, "max": 100}          a rate stays within 0–100
    {"type": "ratio", "scale": 100, "required": true} numerator ≤ denominator, value = numerator / denominator × 100
    {"type": "jump", "sigmas": 3, "min_history": 3}  a value beyond 3 standard deviations of its history needs a comment

`validate_value` returns every problem at once (so a liaison fixes a row in one go), each naming the field and
saying in Chinese what is wrong. An empty list means the value may be saved.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

RULE_TYPES = ("range", "ratio", "jump")
FIELD_LABELS = {"value": "数值", "numerator": "分子", "denominator": "分母", "comment": "说明"}


@dataclass(frozen=True)
class Rule:
    """One check. Which attributes matter depends on `type`:

    range: min, max (either may be None). ratio: scale (value = numerator / denominator × scale; None skips that
    check), required (numerator and denominator must be given). jump: sigmas, min_history (fewer prior values
    than this and the check is skipped: two points give no useful spread), min_spread_share (the spread used is
    at least this share of the mean: a flat history, 100, 100, 100, would otherwise flag 99.9).
    """

    type: str
    min: float | None = None
    max: float | None = None
    scale: float | None = None
    required: bool = False
    sigmas: float = 3.0
    min_history: int = 3
    min_spread_share: float = 0.01

    def __post_init__(self) -> None:
        if self.type not in RULE_TYPES:
            raise ValueError(f"未知的校验规则类型：{self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("校验规则的下限大于上限")

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


def default_rules(natural_limit: float | None = None) -> tuple[Rule, ...]:
    """Rules for an indicator configured with none: a jump check, and 0..limit for a bounded rate.

    Only a natural limit implies a range: a "%" unit alone does not (年均增长率 can be negative or above 100).
    """
    jump = Rule("jump")
    if natural_limit is None:
        return (jump,)
    return (Rule("range", min=min(0.0, natural_limit), max=max(0.0, natural_limit)), jump)


@dataclass(frozen=True)
class IndicatorMeta:
    """What validation (and the importer) needs to know of an indicator.

    key: the caller's identifier (a database id); rules: None means default_rules(natural_limit).
    """

    name: str
    unit: str = ""
    natural_limit: float | None = None
    rules: tuple[Rule, ...] | None = None
    key: Any = None

    def effective_rules(self) -> tuple[Rule, ...]:
        return default_rules(self.natural_limit) if self.rules is None else self.rules


@dataclass(frozen=True)
class Problem:
    """field: "value", "numerator", "denominator" or "comment"; message: Chinese, for the user; rule: the rule type."""

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
    """Every problem with one reported value. `history`: this indicator's earlier values for the same region."""
    if value is None:
        return [Problem("value", "数值为空", "required")]
    if not math.isfinite(value):
        return [Problem("value", "数值无效", "required")]
    problems: list[Problem] = []
    for rule in indicator_meta.effective_rules():
        if rule.type == "range":
            problems += _check_range(rule, value, indicator_meta.unit)
        elif rule.type == "ratio":
            problems += _check_ratio(rule, value, numerator, denominator)
        else:
            problems += _check_jump(rule, value, history, comment)
    return problems


def _check_range(rule: Rule, value: float, unit: str) -> list[Problem]:
    if rule.min is not None and value < rule.min:
        return [Problem("value", f"数值{_num(value)}{unit}低于下限{_num(rule.min)}{unit}", "range")]
    if rule.max is not None and value > rule.max:
        return [Problem("value", f"数值{_num(value)}{unit}高于上限{_num(rule.max)}{unit}", "range")]
    return []


def _check_ratio(
    rule: Rule, value: float, numerator: float | None, denominator: float | None
) -> list[Problem]:
    if numerator is None and denominator is None:
        return [Problem("numerator", "该指标需同时填写分子和分母", "ratio")] if rule.required else []
    if numerator is None or denominator is None:
        missing = "numerator" if numerator is None else "denominator"
        return [
            Problem(
                missing,
                f"已填写{'分母' if numerator is None else '分子'}，{FIELD_LABELS[missing]}也须填写",
                "ratio",
            )
        ]
    problems = []
    if denominator <= 0:
        problems.append(Problem("denominator", "分母必须大于0", "ratio"))
    if numerator < 0:
        problems.append(Problem("numerator", "分子不能为负数", "ratio"))
    if numerator > denominator:
        problems.append(Problem("numerator", f"分子{_num(numerator)}大于分母{_num(denominator)}", "ratio"))
    if not problems and rule.scale is not None:
        problems += _check_quotient(value, numerator / denominator * rule.scale)
    return problems


def _check_quotient(value: float, computed: float) -> list[Problem]:
    """The value must equal numerator / denominator × scale to the precision the user wrote it with.

    96.4 agrees with 96.43 (one decimal written, so ±0.05), 96 with 96.43 (±0.5), but 96.5 does not.
    """
    allowed = 0.5 * 10 ** -_decimals(value) + 1e-9
    if abs(value - computed) <= allowed:
        return []
    return [Problem("value", f"数值{_num(value)}与分子÷分母算得的{_num(computed)}不一致", "ratio")]


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


def _num(x: float) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
