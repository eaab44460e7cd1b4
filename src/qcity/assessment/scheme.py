"""考核方案 (assessment scheme) as plain data: an item tree with points, scoring rules, bonuses,
penalties, 一票否决 items, grade bands and the assessment year.

Pure: no database, no web. A scheme travels as a dict, YAML, or the .xlsx form offices already use
(一级指标 | 二级指标 | 三级指标 | 分值 | 评分方法 | 评分标准 | 数据来源 | 佐证材料要求).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

# Data metrics a leaf may be scored from. "rate" metrics are shares in [0, 1] scored linearly;
# "count" metrics are occurrences scored by per-unit deduction. The engine only knows these codes,
# so an unknown code in a scheme is a validation error rather than a silent zero at scoring time.
METRICS: dict[str, tuple[str, str]] = {
    "on_time_report_rate": ("按时报送率", "rate"),
    "first_time_accept_rate": ("一次审核通过率", "rate"),
    "escalations": ("被督办次数", "count"),
    "targets_on_track": ("目标进度达标率", "rate"),
}
FORMULA_FOR_KIND = {"rate": "linear", "count": "deduct"}
METHODS = ("data", "manual")
NO_DATA_POLICIES = ("full", "zero")  # metric is None: no assignments → full points (default) or zero
LEVEL_NAMES = ("一级指标", "二级指标", "三级指标")
MAX_DEPTH = 3


class SchemeError(ValueError):
    """A scheme that cannot be used; `issues` lists every problem with the item path."""

    def __init__(self, issues: list[SchemeIssue]) -> None:
        self.issues = issues
        super().__init__("；".join(str(i) for i in issues))


@dataclass(frozen=True)
class SchemeIssue:
    path: str  # e.g. "1.1.2 工作落实/任务推进/一次通过" or "加分项/B1" or "方案"
    message: str  # Chinese, shown to the office

    def __str__(self) -> str:
        return f"{self.path}：{self.message}"


@dataclass
class Item:
    """考核指标 (一级/二级/三级). A leaf carries the scoring rule; a parent's points are its children's sum."""

    code: str
    name: str
    points: Decimal
    children: list[Item] = field(default_factory=list)
    method: str = ""  # leaves: "data" | "manual"
    metric: str = ""  # data: a METRICS code
    formula: str = ""  # data: "linear" (share × points) | "deduct" (points − per_unit × count, ≥ floor)
    deduct_per_unit: Decimal = Decimal(0)
    floor: Decimal = Decimal(0)
    if_no_data: str = "full"
    evidence_required: bool = False  # manual: no evidence → 0 points
    criteria: str = ""  # 评分标准
    data_source: str = ""  # 数据来源
    evidence_note: str = ""  # 佐证材料要求

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class AdjustmentItem:
    """加分项 or 扣分项: `cap` bounds the points one unit can get from this item."""

    code: str
    name: str
    cap: Decimal
    criteria: str = ""
    evidence_note: str = ""


@dataclass
class VetoItem:
    """一票否决项: if triggered, the unit gets the lowest grade whatever its score."""

    code: str
    name: str
    criteria: str = ""


@dataclass
class GradeBand:
    grade: str
    min_score: Decimal  # a score ≥ min_score (and below the next band up) gets this grade
    label: str = ""


def default_grade_bands() -> list[GradeBand]:
    # 国办发〔2013〕47号 practice (RULES.md "Assessment"): A ≥ 90, B 80–89, C 60–79, D ≤ 59. Defaults only:
    # every scheme stores its own bands, which the office edits.
    return [
        GradeBand("A", Decimal(90), "优秀"),
        GradeBand("B", Decimal(80), "良好"),
        GradeBand("C", Decimal(60), "合格"),
        GradeBand("D", Decimal(0), "不合格"),
    ]


@dataclass
class Scheme:
    name: str
    items: list[Item]
    code: str = ""
    total_points: Decimal = Decimal(100)
    bonuses: list[AdjustmentItem] = field(default_factory=list)
    penalties: list[AdjustmentItem] = field(default_factory=list)
    vetoes: list[VetoItem] = field(default_factory=list)
    bonus_cap: Decimal | None = None  # None: only the per-item caps apply
    penalty_cap: Decimal | None = None
    grade_bands: list[GradeBand] = field(default_factory=default_grade_bands)
    year_start_month: int = 1  # 7 = 1 July–30 June (national), 1 = calendar year (甘肃), 9 = 盘锦

    def walk(self) -> Iterator[tuple[Item, tuple[str, ...]]]:
        """Every item in display order (pre-order) with its path of names."""
        yield from _walk(self.items, ())

    def leaves(self) -> list[Item]:
        return [item for item, _ in self.walk() if item.is_leaf]

    def find(self, code: str) -> Item | None:
        return next((item for item, _ in self.walk() if item.code == code), None)

    def period(self, year: int) -> tuple[date, date]:
        return assessment_period(year, self.year_start_month)


def _walk(items: list[Item], parents: tuple[str, ...]) -> Iterator[tuple[Item, tuple[str, ...]]]:
    for item in items:
        path = (*parents, item.name)
        yield item, path
        yield from _walk(item.children, path)


def assessment_period(year: int, start_month: int = 1) -> tuple[date, date]:
    """First and last day of assessment year `year`, which is labelled by the calendar year it BEGINS in.

    start_month=1 → 1 Jan–31 Dec of `year`; start_month=7 → 1 July `year` – 30 June `year + 1`.
    """
    if not 1 <= start_month <= 12:
        raise ValueError(f"考核年度起始月应为1–12，实际为{start_month}")
    start = date(year, start_month, 1)
    end_year, end_month = (year, 12) if start_month == 1 else (year + 1, start_month - 1)
    return start, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def assessment_year_of(day: date, start_month: int = 1) -> int:
    """The assessment year (labelled by its starting calendar year) that contains `day`."""
    return day.year if day.month >= start_month else day.year - 1


# ---------------------------------------------------------------- validation


def item_path(code: str, path: Iterable[str]) -> str:
    return f"{code} {'/'.join(path)}".strip()


def validate_scheme(scheme: Scheme) -> list[SchemeIssue]:
    """All problems in the scheme; empty when it can be published."""
    issues: list[SchemeIssue] = []
    issues += _check_header(scheme)
    issues += _check_items(scheme)
    issues += _check_adjustments("加分项", scheme.bonuses, scheme.bonus_cap)
    issues += _check_adjustments("扣分项", scheme.penalties, scheme.penalty_cap)
    issues += _check_unique("一票否决项", [(v.code, v.name) for v in scheme.vetoes])
    issues += _check_codes_global(scheme)
    issues += _check_bands(scheme.grade_bands)
    return issues


def check_scheme(scheme: Scheme) -> Scheme:
    issues = validate_scheme(scheme)
    if issues:
        raise SchemeError(issues)
    return scheme


def _check_header(scheme: Scheme) -> list[SchemeIssue]:
    issues = []
    if not scheme.name.strip():
        issues.append(SchemeIssue("方案", "方案名称不能为空"))
    if not 1 <= scheme.year_start_month <= 12:
        issues.append(SchemeIssue("方案", f"考核年度起始月应为1–12，实际为{scheme.year_start_month}"))
    if not scheme.items:
        issues.append(SchemeIssue("方案", "至少需要一个考核指标"))
    top = sum((i.points for i in scheme.items), Decimal(0))
    if scheme.items and top != scheme.total_points:
        issues.append(
            SchemeIssue("方案", f"一级指标分值合计{fmt(top)}分，与总分{fmt(scheme.total_points)}分不一致")
        )
    return issues


def _check_items(scheme: Scheme) -> list[SchemeIssue]:
    issues = _check_unique("方案", [(i.code, i.name) for i in scheme.items], codes=False)
    for item, path in scheme.walk():
        where = item_path(item.code, path)
        if not item.name.strip():
            issues.append(SchemeIssue(where, "指标名称不能为空"))
        if item.points <= 0:
            issues.append(SchemeIssue(where, f"分值应大于0，实际为{fmt(item.points)}"))
        if len(path) > MAX_DEPTH:
            issues.append(SchemeIssue(where, "指标最多三级"))
        if item.children:
            issues += _check_parent(item, where)
        else:
            issues += _check_leaf(item, where)
    return issues


def _check_parent(item: Item, where: str) -> list[SchemeIssue]:
    issues = _check_unique(where, [(c.code, c.name) for c in item.children], codes=False)
    total = sum((c.points for c in item.children), Decimal(0))
    if total != item.points:
        issues.append(SchemeIssue(where, f"下级指标分值合计{fmt(total)}分，与本项{fmt(item.points)}分不一致"))
    if item.method:
        issues.append(SchemeIssue(where, "有下级指标的项目不设评分方法（由下级指标计分）"))
    return issues


def _check_leaf(item: Item, where: str) -> list[SchemeIssue]:
    if item.method == "manual":
        return []
    if item.method != "data":
        return [SchemeIssue(where, f"评分方法应为“数据”或“人工评分”，实际为“{item.method or '空'}”")]
    if item.metric not in METRICS:
        return [SchemeIssue(where, f"未知的数据指标“{item.metric}”，可用：{'、'.join(METRICS)}")]
    issues = []
    label, kind = METRICS[item.metric]
    if item.formula != FORMULA_FOR_KIND[kind]:
        want = "按比例计分" if kind == "rate" else "按次扣分"
        issues.append(SchemeIssue(where, f"“{label}”应采用{want}（formula={FORMULA_FOR_KIND[kind]}）"))
    if item.formula == "deduct" and item.deduct_per_unit <= 0:
        issues.append(SchemeIssue(where, "按次扣分须设置每次扣分值（大于0）"))
    if not 0 <= item.floor <= item.points:
        issues.append(SchemeIssue(where, f"最低得分应在0到{fmt(item.points)}分之间"))
    if item.if_no_data not in NO_DATA_POLICIES:
        issues.append(SchemeIssue(where, f"无数据处理方式应为full或zero，实际为“{item.if_no_data}”"))
    return issues


def _check_adjustments(kind: str, items: list[AdjustmentItem], cap: Decimal | None) -> list[SchemeIssue]:
    issues = _check_unique(kind, [(i.code, i.name) for i in items])
    for item in items:
        if item.cap <= 0:
            issues.append(SchemeIssue(f"{kind}/{item.code} {item.name}", "单项上限应大于0"))
    if cap is not None and cap < 0:
        issues.append(SchemeIssue(kind, "总上限不能为负数"))
    return issues


def _check_unique(where: str, pairs: list[tuple[str, str]], codes: bool = True) -> list[SchemeIssue]:
    issues = []
    seen_names: set[str] = set()
    seen_codes: set[str] = set()
    for code, name in pairs:
        if name in seen_names:
            issues.append(SchemeIssue(where, f"名称“{name}”重复"))
        if codes and not code.strip():
            issues.append(SchemeIssue(where, f"“{name}”缺少编码"))
        elif codes and code in seen_codes:
            issues.append(SchemeIssue(where, f"编码“{code}”重复"))
        seen_names.add(name)
        seen_codes.add(code)
    return issues


def _check_codes_global(scheme: Scheme) -> list[SchemeIssue]:
    # Manual scores, bonuses and vetoes are keyed by code, so a code must name exactly one thing.
    codes = [i.code for i, _ in scheme.walk()]
    codes += [a.code for a in scheme.bonuses] + [a.code for a in scheme.penalties]
    codes += [v.code for v in scheme.vetoes]
    issues = []
    seen: set[str] = set()
    for code in codes:
        if not code.strip():
            issues.append(SchemeIssue("方案", "存在缺少编码的项目"))
        elif code in seen:
            issues.append(SchemeIssue("方案", f"编码“{code}”重复使用"))
        seen.add(code)
    return issues


def _check_bands(bands: list[GradeBand]) -> list[SchemeIssue]:
    if not bands:
        return [SchemeIssue("等级", "至少需要一个等级")]
    issues = _check_unique("等级", [(b.grade, b.grade) for b in bands], codes=False)
    mins = [b.min_score for b in bands]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        issues.append(SchemeIssue("等级", "等级分数线应从高到低排列且互不相同"))
    if bands[-1].min_score > 0:
        issues.append(SchemeIssue("等级", "最低等级的分数线应为0，才能覆盖所有得分"))
    return issues


# ---------------------------------------------------------------- dict / YAML


def fmt(value: Decimal) -> str:
    """Points as a user reads them: 20, 2.5 (no trailing zeros, never exponent notation)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _num(value: Decimal) -> int | float:
    # YAML and dicts carry plain numbers so people can edit them; integral points stay ints.
    return int(value) if value == value.to_integral_value() else float(value)


def to_decimal(value: Any, where: str, what: str) -> Decimal:
    """Decimal from int/float/str; floats go through str() so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise SchemeError([SchemeIssue(where, f"{what}应为数字")])
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise SchemeError([SchemeIssue(where, f"{what}应为数字，实际为“{value}”")]) from None
    if not result.is_finite():
        raise SchemeError([SchemeIssue(where, f"{what}应为有限数字")])
    return result


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    return {
        "name": scheme.name,
        "code": scheme.code,
        "total_points": _num(scheme.total_points),
        "year_start_month": scheme.year_start_month,
        "grade_bands": [
            {"grade": b.grade, "min_score": _num(b.min_score), "label": b.label} for b in scheme.grade_bands
        ],
        "items": [_item_to_dict(i) for i in scheme.items],
        "bonus": _adjustments_to_dict(scheme.bonus_cap, scheme.bonuses),
        "penalty": _adjustments_to_dict(scheme.penalty_cap, scheme.penalties),
        "veto": [{"code": v.code, "name": v.name, "criteria": v.criteria} for v in scheme.vetoes],
    }


def _item_to_dict(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"code": item.code, "name": item.name, "points": _num(item.points)}
    if item.children:
        out["children"] = [_item_to_dict(c) for c in item.children]
        return out
    out["method"] = item.method
    if item.method == "data":
        out.update(metric=item.metric, formula=item.formula, if_no_data=item.if_no_data)
        if item.formula == "deduct":
            out.update(deduct_per_unit=_num(item.deduct_per_unit), floor=_num(item.floor))
    else:
        out["evidence_required"] = item.evidence_required
    out.update(criteria=item.criteria, data_source=item.data_source, evidence_note=item.evidence_note)
    return out


def _adjustments_to_dict(cap: Decimal | None, items: list[AdjustmentItem]) -> dict[str, Any]:
    return {
        "cap": None if cap is None else _num(cap),
        "items": [
            {
                "code": a.code,
                "name": a.name,
                "cap": _num(a.cap),
                "criteria": a.criteria,
                "evidence_note": a.evidence_note,
            }
            for a in items
        ],
    }


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """Build and validate; raises SchemeError listing every problem. Missing item codes are numbered
    by position ("1", "1.2", "1.2.3"; B1/P1/V1 for bonus/penalty/veto items)."""
    return check_scheme(build_scheme(data))


def build_scheme(data: Mapping[str, Any]) -> Scheme:
    """Parse without the cross-item validation (types are still checked)."""
    if not isinstance(data, Mapping):
        raise SchemeError([SchemeIssue("方案", "方案内容应为键值结构")])
    bands = data.get("grade_bands")
    bonus = data.get("bonus") or {}
    penalty = data.get("penalty") or {}
    scheme = Scheme(
        name=str(data.get("name") or ""),
        code=str(data.get("code") or ""),
        items=[_item_from_dict(d, str(n)) for n, d in enumerate(_list(data, "items", "方案"), 1)],
        total_points=to_decimal(data.get("total_points", 100), "方案", "总分"),
        year_start_month=_int(data.get("year_start_month", 1), "方案", "考核年度起始月"),
        grade_bands=default_grade_bands()
        if bands is None
        else [_band(b) for b in _list(data, "grade_bands", "等级")],
        bonuses=_adjustments(bonus, "加分项", "B"),
        penalties=_adjustments(penalty, "扣分项", "P"),
        bonus_cap=_cap(bonus, "加分项"),
        penalty_cap=_cap(penalty, "扣分项"),
        vetoes=[_veto(v, n) for n, v in enumerate(_list(data, "veto", "一票否决项"), 1)],
    )
    return scheme


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise SchemeError([SchemeIssue(where, f"“{key}”应为列表，每项为键值结构")])
    return value


def _int(value: Any, where: str, what: str) -> int:
    number = to_decimal(value, where, what)
    if number != number.to_integral_value():
        raise SchemeError([SchemeIssue(where, f"{what}应为整数")])
    return int(number)


def _item_from_dict(data: Mapping[str, Any], position: str) -> Item:
    code = str(data.get("code") or position)
    where = item_path(code, [str(data.get("name") or "")])
    children = [_item_from_dict(d, f"{code}.{n}") for n, d in enumerate(_list(data, "children", where), 1)]
    return Item(
        code=code,
        name=str(data.get("name") or "").strip(),
        points=to_decimal(data.get("points"), where, "分值"),
        children=children,
        method=str(data.get("method") or ""),
        metric=str(data.get("metric") or ""),
        formula=str(data.get("formula") or _default_formula(data)),
        deduct_per_unit=to_decimal(data.get("deduct_per_unit", 0), where, "每次扣分"),
        floor=to_decimal(data.get("floor", 0), where, "最低得分"),
        if_no_data=str(data.get("if_no_data") or "full"),
        evidence_required=bool(data.get("evidence_required", False)),
        criteria=str(data.get("criteria") or ""),
        data_source=str(data.get("data_source") or ""),
        evidence_note=str(data.get("evidence_note") or ""),
    )


def _default_formula(data: Mapping[str, Any]) -> str:
    # The formula follows from the metric's kind, so hand-written YAML may leave it out.
    spec = METRICS.get(str(data.get("metric") or ""))
    return FORMULA_FOR_KIND[spec[1]] if data.get("method") == "data" and spec else ""


def _adjustments(data: Any, kind: str, prefix: str) -> list[AdjustmentItem]:
    if not isinstance(data, Mapping):
        raise SchemeError([SchemeIssue(kind, "应为键值结构（cap, items）")])
    out = []
    for n, d in enumerate(_list(data, "items", kind), 1):
        code = str(d.get("code") or f"{prefix}{n}")
        where = f"{kind}/{code} {d.get('name') or ''}".strip()
        out.append(
            AdjustmentItem(
                code=code,
                name=str(d.get("name") or "").strip(),
                cap=to_decimal(d.get("cap"), where, "单项上限"),
                criteria=str(d.get("criteria") or ""),
                evidence_note=str(d.get("evidence_note") or ""),
            )
        )
    return out


def _cap(data: Any, kind: str) -> Decimal | None:
    value = data.get("cap") if isinstance(data, Mapping) else None
    return None if value is None else to_decimal(value, kind, "总上限")


def _veto(data: Mapping[str, Any], n: int) -> VetoItem:
    return VetoItem(
        code=str(data.get("code") or f"V{n}"),
        name=str(data.get("name") or "").strip(),
        criteria=str(data.get("criteria") or ""),
    )


def _band(data: Mapping[str, Any]) -> GradeBand:
    grade = str(data.get("grade") or "")
    return GradeBand(
        grade, to_decimal(data.get("min_score"), f"等级/{grade}", "分数线"), str(data.get("label") or "")
    )


def scheme_to_yaml(scheme: Scheme) -> str:
    return yaml.safe_dump(scheme_to_dict(scheme), allow_unicode=True, sort_keys=False, width=1000)


def scheme_from_yaml(text: str | bytes) -> Scheme:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemeError([SchemeIssue("方案", f"YAML格式错误：{exc}")]) from None
    return scheme_from_dict(data)
