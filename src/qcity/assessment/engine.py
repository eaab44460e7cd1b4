"""Scoring engine: one unit's score sheet under a scheme, and the ranking of many units.

Pure and deterministic: the same inputs give identical outputs. All arithmetic is Decimal; each leaf
is rounded to 0.01 (half up) and every subtotal and the final score are exact sums of the rounded
figures shown, so the sheet adds up on paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from qcity.assessment.scheme import (
    METRICS,
    AdjustmentItem,
    GradeBand,
    Item,
    Scheme,
    SchemeIssue,
    check_scheme,
    fmt,
    item_path,
    to_decimal,
)

CENT = Decimal("0.01")
# Rates are taken to 0.01 percentage point before scoring, so the percentage printed in the
# explanation is exactly the one multiplied.
RATE_STEP = Decimal("0.0001")
ZERO = Decimal(0)


class ScoringError(ValueError):
    """Inputs that cannot be scored (unknown codes, a changed score without a reason, …)."""

    def __init__(self, issues: list[SchemeIssue]) -> None:
        self.issues = issues
        super().__init__("；".join(str(i) for i in issues))


@dataclass(frozen=True)
class ManualScore:
    """自评分 by the unit and 核定分 by the office for one manual item; both are kept."""

    self_score: Decimal | float | int | None = None
    verified_score: Decimal | float | int | None = None
    reason: str = ""  # 核定分与自评分不一致的理由 (required when they differ)
    evidence: tuple[str, ...] = ()  # 佐证材料 file names or ids


@dataclass(frozen=True)
class Adjustment:
    """One 加分 or 扣分 occurrence; `points` is positive in both cases."""

    item_code: str
    points: Decimal | float | int
    reason: str = ""
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoreLine:
    code: str
    name: str
    level: int  # 1 = 一级指标
    path: tuple[str, ...]
    max_points: Decimal
    points: Decimal
    is_leaf: bool
    method: str  # "data" | "manual" | "" (subtotal)
    explanation: str
    sources: tuple[str, ...] = ()
    self_score: Decimal | None = None
    verified_score: Decimal | None = None
    verify_reason: str = ""


@dataclass(frozen=True)
class AdjustmentLine:
    kind: str  # "bonus" | "penalty"
    code: str
    name: str
    claimed: Decimal  # sum of occurrences before the item cap
    cap: Decimal
    points: Decimal  # after the item cap (before the total cap)
    explanation: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class VetoLine:
    code: str
    name: str
    facts: str = ""


@dataclass(frozen=True)
class ScoreSheet:
    unit_name: str
    unit_code: str
    scheme_name: str
    lines: tuple[ScoreLine, ...]  # every item in scheme order, subtotals included
    base_score: Decimal
    bonus_lines: tuple[AdjustmentLine, ...]
    penalty_lines: tuple[AdjustmentLine, ...]
    bonus_total: Decimal  # after item caps and the total cap
    penalty_total: Decimal
    bonus_explanation: str
    penalty_explanation: str
    vetoes: tuple[VetoLine, ...]
    final_score: Decimal
    grade: str
    grade_label: str
    score_explanation: str
    grade_explanation: str

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    def line(self, code: str) -> ScoreLine:
        return next(line for line in self.lines if line.code == code)

    def subtotals(self, level: int) -> dict[str, Decimal]:
        return {line.code: line.points for line in self.lines if line.level == level}


@dataclass(frozen=True)
class RankedRow:
    rank: int
    unit_name: str
    unit_code: str
    final_score: Decimal
    grade: str
    vetoed: bool
    rectify: bool  # in the bottom N: must report rectification
    sheet: ScoreSheet = field(repr=False, compare=False)


# ---------------------------------------------------------------- score one unit


def score_unit(
    scheme: Scheme,
    metrics: Mapping[str, float | Decimal | None],
    manual: Mapping[str, ManualScore],
    vetoes: AbstractSet[str] | Mapping[str, str] = frozenset(),
    bonuses: Sequence[Adjustment] = (),
    penalties: Sequence[Adjustment] = (),
    *,
    unit_name: str = "",
    unit_code: str = "",
    metric_sources: Mapping[str, Sequence[str]] | None = None,
) -> ScoreSheet:
    """Score one unit. `metrics` maps METRICS codes to values (None or absent: no data this period);
    `manual` maps manual item codes to scores; `vetoes` holds triggered veto codes (a mapping adds the
    facts); bonuses/penalties are occurrences keyed by item code. `metric_sources` adds references per
    metric code (e.g. "应报45项，按时41项") to the lines scored from it."""
    check_scheme(scheme)  # a hand-built Scheme may skip validation; scoring relies on it
    _check_codes(scheme, manual, vetoes, bonuses, penalties)
    lines: list[ScoreLine] = []
    data = _MetricData(metrics, metric_sources or {})
    for item in scheme.items:
        _score_item(item, (), data, manual, lines)
    base = sum((line.points for line in lines if line.level == 1), ZERO)
    bonus_lines = _adjustment_lines("bonus", scheme.bonuses, bonuses)
    penalty_lines = _adjustment_lines("penalty", scheme.penalties, penalties)
    bonus_total, bonus_text = _apply_total_cap("加分", bonus_lines, scheme.bonus_cap)
    penalty_total, penalty_text = _apply_total_cap("扣分", penalty_lines, scheme.penalty_cap)
    final, final_text = _final_score(base, bonus_total, penalty_total)
    veto_lines = _veto_lines(scheme, vetoes)
    band, grade_text = _grade(scheme.grade_bands, final, veto_lines)
    return ScoreSheet(
        unit_name=unit_name,
        unit_code=unit_code,
        scheme_name=scheme.name,
        lines=tuple(lines),
        base_score=base,
        bonus_lines=bonus_lines,
        penalty_lines=penalty_lines,
        bonus_total=bonus_total,
        penalty_total=penalty_total,
        bonus_explanation=bonus_text,
        penalty_explanation=penalty_text,
        vetoes=veto_lines,
        final_score=final,
        grade=band.grade,
        grade_label=band.label,
        score_explanation=final_text,
        grade_explanation=grade_text,
    )


def _check_codes(
    scheme: Scheme,
    manual: Mapping[str, ManualScore],
    vetoes: AbstractSet[str] | Mapping[str, str],
    bonuses: Sequence[Adjustment],
    penalties: Sequence[Adjustment],
) -> None:
    # A mistyped code would otherwise silently score nothing; fail loudly instead.
    manual_codes = {i.code for i in scheme.leaves() if i.method == "manual"}
    issues = [
        SchemeIssue(f"人工评分/{c}", "不是本方案的人工评分项") for c in sorted(set(manual) - manual_codes)
    ]
    veto_codes = {v.code for v in scheme.vetoes}
    issues += [
        SchemeIssue(f"一票否决/{c}", "不是本方案的一票否决项") for c in sorted(set(vetoes) - veto_codes)
    ]
    for kind, given, items in (("加分", bonuses, scheme.bonuses), ("扣分", penalties, scheme.penalties)):
        known = {a.code for a in items}
        for adj in given:
            if adj.item_code not in known:
                issues.append(SchemeIssue(f"{kind}/{adj.item_code}", f"不是本方案的{kind}项"))
    if issues:
        raise ScoringError(issues)


@dataclass(frozen=True)
class _MetricData:
    values: Mapping[str, float | Decimal | None]
    sources: Mapping[str, Sequence[str]]


def _score_item(
    item: Item,
    parents: tuple[str, ...],
    metrics: _MetricData,
    manual: Mapping[str, ManualScore],
    lines: list[ScoreLine],
) -> Decimal:
    path = (*parents, item.name)
    if item.is_leaf:
        line = _data_line(item, path, metrics) if item.method == "data" else _manual_line(item, path, manual)
        lines.append(line)
        return line.points
    index = len(lines)
    lines.append(_subtotal(item, path, ZERO, ""))  # placeholder keeps pre-order; filled below
    parts = [_score_item(child, path, metrics, manual, lines) for child in item.children]
    total = sum(parts, ZERO)
    working = " + ".join(f"{p:.2f}" for p in parts)
    lines[index] = _subtotal(item, path, total, f"下级指标得分合计：{working} = {total:.2f}分")
    return total


def _subtotal(item: Item, path: tuple[str, ...], points: Decimal, explanation: str) -> ScoreLine:
    return ScoreLine(
        code=item.code,
        name=item.name,
        level=len(path),
        path=path,
        max_points=item.points,
        points=points,
        is_leaf=False,
        method="",
        explanation=explanation,
    )


def _leaf(
    item: Item, path: tuple[str, ...], points: Decimal, explanation: str, sources: tuple[str, ...] = ()
) -> ScoreLine:
    return ScoreLine(
        code=item.code,
        name=item.name,
        level=len(path),
        path=path,
        max_points=item.points,
        points=points.quantize(CENT, ROUND_HALF_UP),
        is_leaf=True,
        method=item.method,
        explanation=explanation,
        sources=sources,
    )


def _data_line(item: Item, path: tuple[str, ...], metrics: _MetricData) -> ScoreLine:
    label = METRICS[item.metric][0]
    sources = tuple(s for s in (f"数据指标：{label}", item.data_source) if s)
    sources += tuple(metrics.sources.get(item.metric, ()))
    value = metrics.values.get(item.metric)
    if value is None:
        points = item.points if item.if_no_data == "full" else ZERO
        rule = "按满分计" if item.if_no_data == "full" else "按0分计"
        return _leaf(
            item, path, points, f"本期无{label}数据（无应考核事项），{rule}：{points:.2f}分", sources=sources
        )
    number = to_decimal(value, item_path(item.code, path), label)
    if item.formula == "linear":
        points, text = _linear(item, label, number, path)
    else:
        points, text = _deduct(item, label, number, path)
    return _leaf(item, path, points, text, sources=sources)


def _linear(item: Item, label: str, share: Decimal, path: tuple[str, ...]) -> tuple[Decimal, str]:
    if not ZERO <= share <= 1:
        raise ScoringError([SchemeIssue(item_path(item.code, path), f"{label}应在0到1之间，实际为{share}")])
    share = share.quantize(RATE_STEP, ROUND_HALF_UP)
    points = (share * item.points).quantize(CENT, ROUND_HALF_UP)
    percent = _percent(share)
    return points, f"{label} {percent}% × {fmt(item.points)}分 = {points:.2f}分"


def _percent(share: Decimal) -> str:
    # At least one decimal ("92.0%") as offices write it, at most two (RATE_STEP).
    text = fmt(share * 100)
    return text if "." in text else f"{text}.0"


def _deduct(item: Item, label: str, count: Decimal, path: tuple[str, ...]) -> tuple[Decimal, str]:
    if count < 0:
        raise ScoringError([SchemeIssue(item_path(item.code, path), f"{label}不能为负数，实际为{count}")])
    deduction = count * item.deduct_per_unit
    raw = item.points - deduction
    points = max(raw, item.floor)
    text = f"{label} {fmt(count)}次 × 每次扣{fmt(item.deduct_per_unit)}分 = 扣{fmt(deduction)}分；"
    text += f"{fmt(item.points)}分 − {fmt(deduction)}分 = "
    if raw < item.floor:
        return points, text + f"{fmt(raw)}分，低于最低{fmt(item.floor)}分，计{points:.2f}分"
    return points, text + f"{points:.2f}分"


def _manual_line(item: Item, path: tuple[str, ...], manual: Mapping[str, ManualScore]) -> ScoreLine:
    where = item_path(item.code, path)
    given = manual.get(item.code)
    if given is None:
        return _leaf(item, path, ZERO, "未评分，计0.00分")
    self_score = _score_value(given.self_score, item, where, "自评分")
    verified = _score_value(given.verified_score, item, where, "核定分")
    if (
        verified is not None
        and self_score is not None
        and verified != self_score
        and not given.reason.strip()
    ):
        raise ScoringError(
            [SchemeIssue(where, f"核定分{fmt(verified)}分与自评分{fmt(self_score)}分不一致，须填写理由")]
        )
    points, text = _manual_points(item, given, self_score, verified)
    line = _leaf(item, path, points, text, tuple(given.evidence))
    return replace(line, self_score=self_score, verified_score=verified, verify_reason=given.reason.strip())


def _manual_points(
    item: Item, given: ManualScore, self_score: Decimal | None, verified: Decimal | None
) -> tuple[Decimal, str]:
    basis = _manual_basis(self_score, verified, given.reason.strip())
    used = verified if verified is not None else self_score
    if used is None:
        return ZERO, "未评分，计0.00分"
    if item.evidence_required and not given.evidence:
        # Scheme rule "无佐证材料不得分": the score is kept on the line but not counted.
        return ZERO, f"{basis}；本项须提供佐证材料，未提供，不得分：0.00分"
    evidence = f"；佐证材料：{'、'.join(given.evidence)}" if given.evidence else ""
    return used, f"{basis}，计{used:.2f}分（满分{fmt(item.points)}分）{evidence}"


def _manual_basis(self_score: Decimal | None, verified: Decimal | None, reason: str) -> str:
    own = "未自评" if self_score is None else f"自评{fmt(self_score)}分"
    if verified is None:
        return f"{own}，尚未核定，暂按自评分"
    if self_score is not None and verified != self_score:
        return f"{own}，核定{fmt(verified)}分（理由：{reason}）"
    return f"{own}，核定{fmt(verified)}分"


def _score_value(value: Decimal | float | int | None, item: Item, where: str, what: str) -> Decimal | None:
    if value is None:
        return None
    number = to_decimal(value, where, what)
    if not ZERO <= number <= item.points:
        raise ScoringError(
            [SchemeIssue(where, f"{what}应在0到{fmt(item.points)}分之间，实际为{fmt(number)}")]
        )
    return number


# ---------------------------------------------------------------- bonuses, penalties, vetoes, grade


def _adjustment_lines(
    kind: str, items: list[AdjustmentItem], given: Sequence[Adjustment]
) -> tuple[AdjustmentLine, ...]:
    word = "加" if kind == "bonus" else "扣"
    lines = []
    for item in items:  # scheme order, so the sheet reads the same for every unit
        mine = [a for a in given if a.item_code == item.code]
        if not mine:
            continue
        amounts = [_adjustment_points(a, item, word) for a in mine]
        claimed = sum(amounts, ZERO)
        points = min(claimed, item.cap).quantize(CENT, ROUND_HALF_UP)
        text = " + ".join(f"{fmt(p)}分（{a.reason or '未注明'}）" for p, a in zip(amounts, mine, strict=True))
        text = f"{word}{text} = {fmt(claimed)}分"
        if claimed > item.cap:
            text += f"，超过单项上限{fmt(item.cap)}分，计{points:.2f}分"
        sources = tuple(e for a in mine for e in a.evidence)
        lines.append(AdjustmentLine(kind, item.code, item.name, claimed, item.cap, points, text, sources))
    return tuple(lines)


def _adjustment_points(adj: Adjustment, item: AdjustmentItem, word: str) -> Decimal:
    where = f"{word}分项/{item.code} {item.name}"
    points = to_decimal(adj.points, where, "分值")
    if points <= 0:
        raise ScoringError([SchemeIssue(where, f"{word}分分值应大于0（{word}分方向由项目决定）")])
    return points


def _apply_total_cap(
    word: str, lines: tuple[AdjustmentLine, ...], cap: Decimal | None
) -> tuple[Decimal, str]:
    total = sum((line.points for line in lines), ZERO)
    if not lines:
        return ZERO, f"无{word}"
    working = " + ".join(fmt(line.points) for line in lines)
    text = f"{word}合计 {working} = {fmt(total)}分"
    if cap is not None and total > cap:
        return cap.quantize(CENT, ROUND_HALF_UP), f"{text}，超过{word}总上限{fmt(cap)}分，计{cap:.2f}分"
    return total, text


def _final_score(base: Decimal, bonus: Decimal, penalty: Decimal) -> tuple[Decimal, str]:
    raw = base + bonus - penalty
    # A score below zero means nothing more than zero and would only confuse the ranking table.
    final = max(raw, ZERO).quantize(CENT, ROUND_HALF_UP)
    text = f"基础得分{base:.2f}分 + 加分{bonus:.2f}分 − 扣分{penalty:.2f}分 = {final:.2f}分"
    return final, text + ("（不低于0分）" if raw < 0 else "")


def _veto_lines(scheme: Scheme, vetoes: AbstractSet[str] | Mapping[str, str]) -> tuple[VetoLine, ...]:
    facts = vetoes if isinstance(vetoes, Mapping) else dict.fromkeys(vetoes, "")
    return tuple(VetoLine(v.code, v.name, facts[v.code]) for v in scheme.vetoes if v.code in facts)


def _grade(bands: list[GradeBand], final: Decimal, vetoes: tuple[VetoLine, ...]) -> tuple[GradeBand, str]:
    lowest = min(bands, key=lambda b: b.min_score)
    if vetoes:
        why = "；".join(f"{v.name}" + (f"（{v.facts}）" if v.facts else "") for v in vetoes)
        return lowest, f"触发一票否决：{why}，不论得分，等级定为{lowest.grade}（{lowest.label}）"
    band = next(b for b in sorted(bands, key=lambda b: b.min_score, reverse=True) if final >= b.min_score)
    return (
        band,
        f"得分{final:.2f}分，不低于{band.grade}等分数线{fmt(band.min_score)}分，等级为{band.grade}（{band.label}）",
    )


# ---------------------------------------------------------------- ranking


def rank(sheets: Sequence[ScoreSheet], bottom_n: int = 3) -> list[RankedRow]:
    """Competition ranking ("1, 2, 2, 4") by final score, highest first.

    - Vetoed units rank after every unit that was not vetoed (一票否决 means last place whatever
      the score), among themselves by score.
    - Ties share a rank and are listed by unit name (code-point order, then unit code).
    - The bottom `bottom_n` by rank are flagged for rectification; when units tie at the cutoff all
      of them are flagged, so more than `bottom_n` units may be flagged (none is spared by a coin toss).
    """
    keys = [(s.unit_name, s.unit_code) for s in sheets]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        names = "、".join(f"{n}{f'（{c}）' if c else ''}" for n, c in duplicates)
        raise ScoringError([SchemeIssue("排名", f"单位重复：{names}")])
    ordered = sorted(sheets, key=lambda s: (_standing(s), s.unit_name, s.unit_code))
    standings = [_standing(s) for s in ordered]
    ranks = [standings.index(st) + 1 for st in standings]  # first position holding that standing
    # The rank held by the N-th unit from the bottom; everyone at or below it is flagged.
    cutoff = ranks[max(len(ordered) - bottom_n, 0)] if bottom_n > 0 and ordered else None
    return [
        RankedRow(
            r,
            s.unit_name,
            s.unit_code,
            s.final_score,
            s.grade,
            s.vetoed,
            cutoff is not None and r >= cutoff,
            s,
        )
        for r, s in zip(ranks, ordered, strict=True)
    ]


def _standing(sheet: ScoreSheet) -> tuple[bool, Decimal]:
    return sheet.vetoed, -sheet.final_score
