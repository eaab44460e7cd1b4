"""On-track judgement of a target (是否按期达标), after Open SDG / Statistics Canada.

The question a leader asks is "at the pace we have kept since the baseline, will we reach the target by its year?".
So we compare the pace achieved since the baseline with the pace needed to reach the target by its year:

    ratio = achieved rate / needed rate
    ratio ≥ 0.95 → on_track, 0.60–0.95 → needs_acceleration, 0–0.60 → limited_progress, < 0 → moving_away

Definitions (all exact; the tests compute them by hand):

* Periods. A period is a date (the day its data close: 2024-12-31 for 2024, 2024-06-30 for 2024 H1) or an int year
  (read as that year's December). Time between two periods is counted in whole months / 12, so 2021 → 2024 is
  exactly 3 years and 2021 → 2024 H1 is 2.5 years whatever the day of month. The target is due in December of
  its year.
* Baseline B at t0: the target's baseline value, or else the observation at the baseline period.
  Latest L at t: the last observation dated on or before `as_of`. Aim A: the edge of the target band that the
  baseline must reach (98 for "≥ 98"; the nearer edge for "=" and "range").
* Compound (CAGR, as Open SDG's sdg-build computes it) for quantities that grow by proportion — counts, money,
  indices: needed = (A/B)^(1/(T−t0)) − 1, achieved = (L/B)^(1/(t−t0)) − 1. Needs B > 0, A > 0, L ≥ 0; otherwise
  we fall back to linear and say so in the working.
* Linear for rates in % (a pass rate moves in percentage points, and Chinese reports speak of "提高X个百分点"),
  for "points" targets, and when the caller asks for it: needed = (A − B)/(T − t0), achieved = (L − B)/(t − t0),
  in units per year.
* Gap, near a natural limit (a pass rate whose target is within `near_limit_points` of 100) and for the two-sided
  comparators "=" and "range": a growth rate means little there (96→98 is +2% but closes 4/7 of the failures), so
  we judge on the share of the baseline gap to the target that has been closed, against the share of the time
  elapsed: ratio = ((d(B) − d(L)) / d(B)) / ((t − t0)/(T − t0)), d(x) = distance from x to the target band.
  For one-sided targets this is arithmetically the linear ratio; what changes is that the working speaks of the gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

STATUS_LABELS: dict[str, str] = {
    "achieved": "已达成",  # the latest value meets the target
    "on_track": "进展顺利",  # ratio ≥ on_track
    "needs_acceleration": "需加快进度",  # needs_acceleration ≤ ratio < on_track
    "limited_progress": "进展有限",  # limited_progress ≤ ratio < needs_acceleration
    "moving_away": "偏离目标",  # ratio < limited_progress, or slipped back after meeting the target at baseline
    "missed": "逾期未达成",  # data for the target year (or later) are in and do not meet the target
    "unknown": "数据不足",  # no observation, no baseline, no target year, nothing observed after the baseline
    "needs_evidence": "需佐证材料",  # a qualitative target without evidence
}
COMPARATORS = (">=", "<=", ">", "<", "=", "increase", "decrease", "range", "qualitative")
VALUE_KINDS = ("percent", "points", "absolute", "annual_percent")
GROWTHS = ("compound", "linear")

Period = date | int


@dataclass(frozen=True)
class JudgementRules:
    """Thresholds of the judgement.

    Policy numbers (RULES.md, "On-track judgement": Open SDG / Statistics Canada's 95% and 60% bands). The caller
    loads them from the rules table (`from_mapping`); the defaults only serve tests and a fresh install.
    """

    on_track: float = 0.95
    needs_acceleration: float = 0.60
    limited_progress: float = 0.0
    equal_tolerance: float = (
        0.02  # "=" is met within ±2% of the target value (relative) unless the target says
    )
    near_limit_points: float = 5.0  # a target this close to its natural limit is judged on the gap

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> JudgementRules:
        """Build from rule-table rows keyed by field name; an unknown key is a configuration error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"未知的研判规则：{', '.join(unknown)}")
        return cls(**{k: float(v) for k, v in values.items()})


DEFAULT_RULES = JudgementRules()


@dataclass(frozen=True)
class Target:
    """A target as the plan states it.

    op: one of COMPARATORS. value: a number; [low, high] for "range"; None for "qualitative".
    value_kind (increase/decrease only): "percent" = X% of the baseline, "points" = X percentage points,
    "absolute" = X units, "annual_percent" = X% a year compounded (年均增长X%).
    direction: "up" or "down", which way is better; implied by the op except for "qualitative".
    tolerance: half-width of the "=" band in the value's unit; default rules.equal_tolerance × |value|.
    growth: force "compound" or "linear"; by default linear for % rates, compound otherwise.
    """

    op: str
    value: float | tuple[float, float] | None
    year: int | None
    baseline_value: float | None = None
    baseline_period: Period | None = None
    unit: str = ""
    natural_limit: float | None = None
    direction: str | None = None
    value_kind: str | None = None
    tolerance: float | None = None
    growth: str | None = None
    text: str = ""  # the clause as written, shown for qualitative targets

    def __post_init__(self) -> None:
        problem = _target_problem(self)
        if problem:
            raise ValueError(problem)


def _target_problem(t: Target) -> str | None:
    if t.op not in COMPARATORS:
        return f"未知的比较方式：{t.op}"
    if t.op == "range":
        if not isinstance(t.value, tuple | list) or len(t.value) != 2 or t.value[0] > t.value[1]:
            return "区间目标需要 [下限, 上限]"
    elif t.op != "qualitative" and not isinstance(t.value, int | float):
        return "目标值必须是数字"
    if t.op in ("increase", "decrease") and t.value_kind not in VALUE_KINDS:
        return "增长/下降类目标须说明是百分比、百分点还是绝对量（value_kind）"
    if t.direction not in (None, "up", "down"):
        return "direction 只能是 up 或 down"
    if t.growth not in (None, *GROWTHS):
        return "growth 只能是 compound 或 linear"
    return None


@dataclass(frozen=True)
class Judgement:
    """The verdict and its working.

    Rates: for method "compound" a fraction per year (0.032 = 3.2% a year); for "linear" and "gap" units of the
    indicator per year (for "gap", the distance to the target band closed per year). ratio = achieved / needed.
    """

    status: str
    label: str
    ratio: float | None = None
    baseline: float | None = None
    baseline_period: date | None = None
    latest: float | None = None
    latest_period: date | None = None
    goal: float | None = None  # the aim: the value the baseline must reach
    needed_rate: float | None = None
    achieved_rate: float | None = None
    method: str | None = None  # "compound" | "linear" | "gap"
    working: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Point:
    period: date
    value: float


@dataclass(frozen=True)
class _Band:
    """The set of values that meet the target: low/high bounds, each inclusive unless strict."""

    low: float | None = None
    high: float | None = None
    strict_low: bool = False
    strict_high: bool = False

    def met(self, x: float) -> bool:
        above = self.low is None or (x > self.low if self.strict_low else x >= self.low - _slack(self.low))
        below = self.high is None or (
            x < self.high if self.strict_high else x <= self.high + _slack(self.high)
        )
        return above and below

    def distance(self, x: float) -> float:
        return max(
            (self.low - x) if self.low is not None else 0.0,
            (x - self.high) if self.high is not None else 0.0,
            0.0,
        )

    def aim(self, baseline: float) -> float:
        """The edge the baseline has to reach."""
        if self.low is not None and (self.high is None or baseline < self.low):
            return self.low
        assert self.high is not None  # a band always has at least one bound
        return self.high


@dataclass(frozen=True)
class _Case:
    """Everything the rate computations need, checked to be usable."""

    target: Target
    rules: JudgementRules
    band: _Band
    base: _Point
    latest: _Point
    deadline: date
    elapsed: float  # years from baseline to latest
    total: float  # years from baseline to the deadline


def judge(
    target: Target,
    observations: Sequence[tuple[Period, float | None]],
    as_of: date,
    rules: JudgementRules = DEFAULT_RULES,
    *,
    evidence: bool = False,
) -> Judgement:
    """Judge whether `target` is on track as of `as_of`, from observations (period, value).

    `evidence` says the office has accepted evidence (佐证材料) that a qualitative target is met.
    """
    points = _usable(observations, as_of)
    base = _baseline(target, points)
    if target.op == "qualitative":
        return _qualitative(target, base, points, evidence)
    if not points:
        return _unknown(base, None, f"截至{as_of.year}年{as_of.month}月{as_of.day}日尚无观测数据，无法判断。")
    latest = points[-1]
    band = _band(target, base, rules)
    if band is None:
        return _unknown(base, latest, "增长/下降类目标缺少基线或目标年份，无法确定目标值。")
    intro = _intro(target, band, base, latest)
    if band.met(latest.value):
        return _verdict(
            "achieved", base, latest, band, [intro, f"最新值{_qty(latest.value, target.unit)}已达到目标。"]
        )
    return _judge_progress(target, rules, band, base, latest, as_of, intro)


def _judge_progress(
    target: Target,
    rules: JudgementRules,
    band: _Band,
    base: _Point | None,
    latest: _Point,
    as_of: date,
    intro: str,
) -> Judgement:
    if base is None:
        return _unknown(None, latest, "未设定基线，无法测算进度。", intro)
    if target.year is None:
        return _unknown(base, latest, "未设定目标年份，无法测算按期所需进度。", intro)
    deadline = date(target.year, 12, 31)
    case = _Case(
        target,
        rules,
        band,
        base,
        latest,
        deadline,
        _years(base.period, latest.period),
        _years(base.period, deadline),
    )
    if case.elapsed <= 0:
        return _unknown(base, latest, f"{_when(base.period)}基线之后尚无新的观测数据，无法测算进度。", intro)
    if case.total <= 0:
        return _unknown(base, latest, "目标年份不晚于基线期，无法测算按期所需进度。", intro)
    if band.met(base.value) or band.distance(base.value) <= _slack(case.band.aim(base.value)):
        return _from_edge(case, intro)
    return _measure(case, as_of, intro)


def _from_edge(case: _Case, intro: str) -> Judgement:
    """The baseline met the target, or sat on the edge of a strict one ("> 60" from 60).

    The pace arithmetic would divide by zero; what matters is whether the latest value held the line.
    """
    latest, unit = case.latest, case.target.unit
    if case.band.met(case.base.value):
        text = f"基线时已达到目标，最新值{_qty(latest.value, unit)}又未达到，偏离目标。"
        return _verdict("moving_away", case.base, latest, case.band, [intro, text])
    if latest.value == case.base.value:
        text = f"基线恰在目标边界上，最新值没有变化，{STATUS_LABELS['limited_progress']}。"
        return _verdict("limited_progress", case.base, latest, case.band, [intro, text], ratio=0.0)
    text = f"基线恰在目标边界上，最新值{_qty(latest.value, unit)}向相反方向变化，偏离目标。"
    return _verdict("moving_away", case.base, latest, case.band, [intro, text])


def _measure(case: _Case, as_of: date, intro: str) -> Judgement:
    method = _method(case)
    working = [intro]
    if method == "compound" and not _compound_possible(case):
        working.append("基线、目标或最新值不为正数，无法计算年均增长率，改按每年增减量判断。")
        method = "linear"
    needed, achieved, ratio = _RATES[method](case)
    status = _status(ratio, case)
    working.append(_pace_sentence(case, method, needed, achieved, ratio, status))
    if status != "missed" and as_of > case.deadline:
        working.append(f"目标年份已过，{case.deadline.year}年数据尚未报送，以上按最新数据判断。")
    return _verdict(status, case.base, case.latest, case.band, working, ratio, needed, achieved, method)


def _method(case: _Case) -> str:
    t = case.target
    if t.op in ("=", "range") or _near_limit(case):
        return "gap"
    if t.growth:
        return t.growth
    if t.unit == "%" or t.value_kind == "points":
        return "linear"
    return "compound"


def _near_limit(case: _Case) -> bool:
    limit = case.target.natural_limit
    aim = case.band.aim(case.base.value)
    return limit is not None and abs(limit - aim) <= case.rules.near_limit_points


def _compound_possible(case: _Case) -> bool:
    return case.base.value > 0 and case.band.aim(case.base.value) > 0 and case.latest.value >= 0


def _compound(case: _Case) -> tuple[float, float, float]:
    b, aim = case.base.value, case.band.aim(case.base.value)
    needed = (aim / b) ** (1 / case.total) - 1
    achieved = (case.latest.value / b) ** (1 / case.elapsed) - 1
    return needed, achieved, achieved / needed


def _linear(case: _Case) -> tuple[float, float, float]:
    b, aim = case.base.value, case.band.aim(case.base.value)
    needed = (aim - b) / case.total
    achieved = (case.latest.value - b) / case.elapsed
    return needed, achieved, achieved / needed


def _gap(case: _Case) -> tuple[float, float, float]:
    gap = case.band.distance(case.base.value)
    closed = gap - case.band.distance(case.latest.value)
    ratio = (closed / gap) / (case.elapsed / case.total)
    return gap / case.total, closed / case.elapsed, ratio


_RATES = {"compound": _compound, "linear": _linear, "gap": _gap}


def _status(ratio: float, case: _Case) -> str:
    if _months(case.latest.period) >= _months(case.deadline):
        return "missed"
    rules = case.rules
    if ratio >= rules.on_track:
        return "on_track"
    if ratio >= rules.needs_acceleration:
        return "needs_acceleration"
    if ratio >= rules.limited_progress:
        return "limited_progress"
    return "moving_away"


# --- inputs --------------------------------------------------------------------------------------------------


def _usable(observations: Sequence[tuple[Period, float | None]], as_of: date) -> list[_Point]:
    """Observations known by `as_of`, oldest first; a later entry for the same period replaces an earlier one."""
    by_period: dict[date, float] = {}
    for period, value in observations:
        when = _as_date(period)
        if value is not None and math.isfinite(value) and when <= as_of:
            by_period[when] = float(value)
    return [_Point(p, v) for p, v in sorted(by_period.items())]


def _baseline(target: Target, points: list[_Point]) -> _Point | None:
    if target.baseline_period is None:
        return None
    when = _as_date(target.baseline_period)
    if target.baseline_value is not None:
        return _Point(when, float(target.baseline_value))
    return next((p for p in points if _months(p.period) == _months(when)), None)


def _band(target: Target, base: _Point | None, rules: JudgementRules) -> _Band | None:
    v = target.value
    if target.op == "range":
        assert isinstance(v, tuple | list)
        return _Band(low=float(v[0]), high=float(v[1]))
    assert isinstance(v, int | float)
    if target.op in ("increase", "decrease"):
        return _change_band(target, float(v), base)
    simple = {
        ">=": _Band(low=v),
        ">": _Band(low=v, strict_low=True),
        "<=": _Band(high=v),
        "<": _Band(high=v, strict_high=True),
    }
    if target.op in simple:
        return simple[target.op]
    tol = target.tolerance if target.tolerance is not None else abs(v) * rules.equal_tolerance
    return _Band(low=v - tol, high=v + tol)


def _change_band(target: Target, v: float, base: _Point | None) -> _Band | None:
    """'增长15%' and the like: the target value follows from the baseline."""
    if base is None or (target.value_kind == "annual_percent" and target.year is None):
        return None
    sign = 1 if target.op == "increase" else -1
    b = base.value
    if target.value_kind == "percent":
        aim = b * (1 + sign * v / 100)
    elif target.value_kind == "annual_percent":
        assert target.year is not None
        years = _years(base.period, date(target.year, 12, 31))
        aim = b * (1 + sign * v / 100) ** years
    else:  # points or absolute
        aim = b + sign * v
    return _Band(low=aim) if sign > 0 else _Band(high=aim)


def _qualitative(target: Target, base: _Point | None, points: list[_Point], evidence: bool) -> Judgement:
    latest = points[-1] if points else None
    working = [f"目标：{_year_prefix(target)}{target.text or '定性要求'}（定性目标，以佐证材料认定）。"]
    trend = _trend(target, base, latest)
    if trend is not None:
        working.append(trend[1])
    if not evidence:
        working.append("尚未提交经认可的佐证材料，需佐证材料。")
        return _verdict("needs_evidence", base, latest, None, working)
    if trend is not None and trend[0] < 0:
        # Evidence cannot outweigh data that move the wrong way: a leader would see a contradiction.
        working.append("虽已提交佐证材料，但数据与目标方向相反，偏离目标。")
        return _verdict("moving_away", base, latest, None, working)
    working.append("已提交佐证材料并经认可，认定已达成。")
    return _verdict("achieved", base, latest, None, working)


def _trend(target: Target, base: _Point | None, latest: _Point | None) -> tuple[int, str] | None:
    """(+1 better / 0 unchanged / −1 worse, sentence) for a qualitative target with a direction and data."""
    if target.direction is None or base is None or latest is None or latest.period <= base.period:
        return None
    change = latest.value - base.value
    sign = (change > 0) - (change < 0)
    better = sign if target.direction == "up" else -sign
    words = {1: "方向符合目标", 0: "没有变化", -1: "与目标方向相反"}[better]
    text = f"数据：{_when(base.period)} {_qty(base.value, target.unit)}，{_when(latest.period)} {_qty(latest.value, target.unit)}，{words}。"
    return better, text


# --- working, in Chinese a leader can read ----------------------------------------------------------------------


def _intro(target: Target, band: _Band, base: _Point | None, latest: _Point) -> str:
    parts = []
    if base is not None:
        parts.append(f"基线：{_when(base.period)} {_qty(base.value, target.unit)}")
    parts.append(f"目标：{_year_prefix(target)}{_target_words(target, band)}")
    parts.append(f"最新：{_when(latest.period)} {_qty(latest.value, target.unit)}")
    return "；".join(parts) + "。"


def _target_words(target: Target, band: _Band) -> str:
    u, v = target.unit, target.value
    if target.op == "range":
        assert isinstance(v, tuple | list)
        return f"在{_num(v[0])}至{_qty(v[1], u)}之间"
    assert isinstance(v, int | float)
    plain = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于"}
    if target.op in plain:
        return f"{plain[target.op]}{_qty(v, u)}"
    if target.op == "=":
        assert band.low is not None and band.high is not None
        return f"保持在{_qty(v, u)}左右（{_num(band.low)}至{_qty(band.high, u)}）"
    return _change_words(target, float(v), band)


def _change_words(target: Target, v: float, band: _Band) -> str:
    up = target.op == "increase"
    aim = band.low if up else band.high
    assert aim is not None
    words = {
        "percent": f"比基线{'增长' if up else '下降'}{_num(v)}%",
        "annual_percent": f"年均{'增长' if up else '下降'}{_num(v)}%",
        "points": f"比基线{'提高' if up else '降低'}{_num(v)}个百分点",
        "absolute": f"比基线{'增加' if up else '减少'}{_qty(v, target.unit)}",
    }[target.value_kind or "absolute"]
    return f"{words}（即{'达到' if up else '降至'}{_qty(aim, target.unit)}）"


def _pace_sentence(
    case: _Case, method: str, needed: float, achieved: float, ratio: float, status: str
) -> str:
    span = _span(case.base.period, case.latest.period)
    if method == "gap":
        body = _gap_words(case, needed, achieved, ratio)
    else:
        need = _rate_words(needed, method, case.target.unit)
        got = _rate_words(achieved, method, case.target.unit)
        prefix = "年均" if method == "compound" else "每年"
        body = f"按期达标{prefix}需{need}；{span}实际{prefix}{got}"
        body += f"，为所需的{ratio:.0%}" if ratio >= 0 else "，与目标方向相反"
    return f"{body}，{_conclusion(case, status)}。"


def _gap_words(case: _Case, needed: float, achieved: float, ratio: float) -> str:
    unit = "个百分点" if case.target.unit == "%" else case.target.unit
    gap = needed * case.total
    closed = achieved * case.elapsed
    head = ""
    if _near_limit(case):
        limit = _qty(case.target.natural_limit or 0.0, case.target.unit)
        head = f"目标值接近极限值{limit}，按缩小差距而非增长率判断："
    if closed < 0:
        done = f"截至{_when(case.latest.period)}差距反而扩大{_num(-closed)}{unit}"
    else:
        done = f"截至{_when(case.latest.period)}已缩小{_num(closed)}{unit}，占差距的{closed / gap:.0%}"
    time_share = case.elapsed / case.total
    tail = f"；目标期已过去{time_share:.0%}" + (f"，进度为应有进度的{ratio:.0%}" if ratio >= 0 else "")
    where = "目标区间" if case.band.low is not None and case.band.high is not None else "目标"
    return f"{head}基线距{where}差{_num(gap)}{unit}；{done}{tail}"


def _rate_words(rate: float, method: str, unit: str) -> str:
    up = rate >= 0
    if method == "compound":
        return f"{'增长' if up else '下降'}{abs(rate):.2%}"
    if unit == "%":
        return f"{'提高' if up else '降低'}{abs(rate):.2f}个百分点"
    return f"{'增加' if up else '减少'}{abs(rate):.2f}{unit}"


def _conclusion(case: _Case, status: str) -> str:
    if status == "missed":
        return f"目标期已到而未达到目标，{STATUS_LABELS['missed']}"
    return STATUS_LABELS[status]


def _verdict(
    status: str,
    base: _Point | None,
    latest: _Point | None,
    band: _Band | None,
    working: list[str],
    ratio: float | None = None,
    needed: float | None = None,
    achieved: float | None = None,
    method: str | None = None,
) -> Judgement:
    return Judgement(
        status=status,
        label=STATUS_LABELS[status],
        ratio=ratio,
        baseline=base.value if base else None,
        baseline_period=base.period if base else None,
        latest=latest.value if latest else None,
        latest_period=latest.period if latest else None,
        goal=_goal(band, base),
        needed_rate=needed,
        achieved_rate=achieved,
        method=method,
        working=working,
    )


def _goal(band: _Band | None, base: _Point | None) -> float | None:
    if band is None:
        return None
    if base is not None:
        return band.aim(base.value)
    if band.low is None or band.high is None:  # one-sided: the bound is the goal whatever the baseline
        return band.low if band.low is not None else band.high
    return None


def _unknown(base: _Point | None, latest: _Point | None, reason: str, intro: str | None = None) -> Judgement:
    working = [intro] if intro else []
    return _verdict("unknown", base, latest, None, [*working, reason])


# --- small helpers -----------------------------------------------------------------------------------------------


def _slack(bound: float) -> float:
    """Float noise allowance: 100 × 1.1² is 121.00000000000001, and 121 must meet it."""
    return 1e-9 * max(1.0, abs(bound))


def _as_date(period: Period) -> date:
    if isinstance(period, int):
        return date(period, 12, 31)
    return period


def _months(d: date) -> int:
    return d.year * 12 + d.month


def _years(start: date, end: date) -> float:
    """Whole months between two periods, in years: period dates mark the month their data close."""
    return (_months(end) - _months(start)) / 12


def _is_year_end(d: date) -> bool:
    return d.month == 12


def _when(d: date) -> str:
    return f"{d.year}年" if _is_year_end(d) else f"{d.year}年{d.month}月"


def _span(a: date, b: date) -> str:
    if _is_year_end(a) and _is_year_end(b):
        return f"{a.year}—{b.year}年"
    return f"{_when(a)}—{_when(b)}"


def _year_prefix(target: Target) -> str:
    return f"{target.year}年" if target.year else ""


def _num(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _qty(x: float, unit: str) -> str:
    return f"{_num(x)}{unit}"
