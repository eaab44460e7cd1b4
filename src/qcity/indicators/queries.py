"""Indicator reads: the catalogue, an indicator's cascade of targets, its values, and each target's judgement.

Every query starts from `scoped()`. Judgements use approved values only: an entered value is shown as pending
(待审核) and counts once the office approves it, so a leader never sees a status move on an unchecked number.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from qcity.accounts.actor import Actor
from qcity.accounts.scope import region_ids_in_scope, scoped
from qcity.indicators.judgement import (
    COMPARATORS,
    DEFAULT_RULES,
    STATUS_LABELS,
    Judgement,
    JudgementRules,
    Target,
    judge,
)
from qcity.kit.dates import today_cn
from qcity.models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorTarget,
    IndicatorValue,
    JudgementRule,
    Region,
)

VALUE_STATES = {"entered": "待审核", "approved": "已审核"}
SOURCES = {"entered": "填报", "imported": "导入", "computed": "系统计算"}
DIRECTION_NAMES = {"up": "越高越好", "down": "越低越好"}
PERIODICITY_NAMES = {"monthly": "月度", "quarterly": "季度", "half_yearly": "半年", "yearly": "年度"}

STATUS_ORDER = ("missed", "moving_away", "limited_progress", "needs_acceleration", "needs_evidence", "unknown",
                "on_track", "achieved")  # fmt: skip


def load_rules(session: Session, as_of: date | None = None) -> JudgementRules:
    """The thresholds in force on `as_of`: per code, the latest row in force whose effective date has come.

    A code with no row keeps the default (the same numbers the migration seeds).
    """
    as_of = as_of or today_cn()
    rows = session.scalars(
        select(JudgementRule)
        .where(JudgementRule.status == "in_force", JudgementRule.effective_from <= as_of)
        .order_by(JudgementRule.code, JudgementRule.effective_from)
    )
    values = {r.code: r.value for r in rows}  # later rows overwrite earlier ones
    known = set(DEFAULT_RULES.__dataclass_fields__)
    return JudgementRules.from_mapping({k: v for k, v in values.items() if k in known})


def rule_rows(session: Session, actor: Actor) -> list[JudgementRule]:
    stmt = scoped(select(JudgementRule), JudgementRule, actor).order_by(
        JudgementRule.code, JudgementRule.effective_from
    )
    return list(session.scalars(stmt))


def judgement_target(target: IndicatorTarget, indicator: Indicator) -> Target:
    """The pure engine's Target from the stored one. Values are in the indicator's unit."""
    op = target.op if target.op in COMPARATORS else "qualitative"  # "rank" and the like: judged on evidence
    value: float | tuple[float, float] | None = target.value
    if op == "range":
        value = (
            (target.value, target.value_high)
            if target.value is not None and target.value_high is not None
            else None
        )
        if value is None:
            op = "qualitative"
    if op != "qualitative" and value is None:
        op = "qualitative"
    return Target(
        op=op,
        value=None if op == "qualitative" else value,
        year=target.year,
        baseline_value=target.baseline_value,
        baseline_period=target.baseline_period,
        unit=indicator.unit or "",
        natural_limit=indicator.natural_limit,
        direction=indicator.direction,
        value_kind=target.value_kind,
        text=target.text or indicator.name,
    )


def judge_target(
    target: IndicatorTarget, indicator: Indicator, observations: list[tuple[date, float]], rules: JudgementRules,
    as_of: date,
) -> Judgement:  # fmt: skip
    try:
        spec = judgement_target(target, indicator)
    except ValueError as exc:  # a stored target the engine cannot read: say so instead of failing the page
        return Judgement(status="unknown", label=STATUS_LABELS["unknown"], working=[f"目标设置有误：{exc}"])
    return judge(spec, observations, as_of, rules, evidence=target.evidence_accepted)


@dataclass
class TargetView:
    target: IndicatorTarget
    indicator: Indicator
    judgement: Judgement
    pending: int = 0  # values entered but not yet approved
    unit_name: str | None = None


@dataclass
class Overview:
    region: Region | None
    rows: list[TargetView]
    counts: dict[str, int] = field(default_factory=dict)


def approved_series(
    session: Session, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], list[tuple[date, float]]]:
    """(indicator, region) → approved (period end, value), oldest first, for many series in one query."""
    out: dict[tuple[int, int], list[tuple[date, float]]] = defaultdict(list)
    if not pairs:
        return out
    indicator_ids = {i for i, _ in pairs}
    region_ids = {r for _, r in pairs}
    rows = session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.region_id, IndicatorValue.period_end, IndicatorValue.value)
        .where(IndicatorValue.state == "approved", IndicatorValue.indicator_id.in_(indicator_ids),
               IndicatorValue.region_id.in_(region_ids))
        .order_by(IndicatorValue.period_end)
    )  # fmt: skip
    for ind, reg, end, value in rows:
        if (ind, reg) in pairs:
            out[(ind, reg)].append((end, value))
    return out


def pending_counts(session: Session, pairs: set[tuple[int, int]]) -> Counter[tuple[int, int]]:
    if not pairs:
        return Counter()
    rows = session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.region_id, func.count(IndicatorValue.id))
        .where(IndicatorValue.state == "entered", IndicatorValue.indicator_id.in_({i for i, _ in pairs}))
        .group_by(IndicatorValue.indicator_id, IndicatorValue.region_id)
    )
    return Counter({(i, r): n for i, r, n in rows if (i, r) in pairs})


def responsible_units(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    if not pairs:
        return {}
    rows = session.scalars(
        select(IndicatorResponsibility).where(IndicatorResponsibility.indicator_id.in_({i for i, _ in pairs}))
    )
    return {
        (r.indicator_id, r.region_id): r.unit.name for r in rows if (r.indicator_id, r.region_id) in pairs
    }


def views_of(
    session: Session,
    targets: list[IndicatorTarget],
    as_of: date | None = None,
    rules: JudgementRules | None = None,
) -> list[TargetView]:
    as_of = as_of or today_cn()
    rules = rules or load_rules(session, as_of)
    pairs = {(t.indicator_id, t.region_id) for t in targets}
    series = approved_series(session, pairs)
    pending = pending_counts(session, pairs)
    units = responsible_units(session, pairs)
    views = []
    for t in targets:
        key = (t.indicator_id, t.region_id)
        verdict = judge_target(t, t.indicator, series.get(key, []), rules, as_of)
        views.append(TargetView(t, t.indicator, verdict, pending.get(key, 0), units.get(key)))
    return views


def overview(
    session: Session, actor: Actor, region_id: int | None = None, as_of: date | None = None
) -> Overview:
    """Every target of one region (default: the actor's) with its judgement, and counts by status."""
    region_id = region_id or actor.region_id
    region = None
    stmt = scoped(select(IndicatorTarget), IndicatorTarget, actor).options(
        joinedload(IndicatorTarget.indicator)
    )
    if region_id is not None:
        region = session.scalar(scoped(select(Region).where(Region.id == region_id), Region, actor))
        stmt = stmt.where(IndicatorTarget.region_id == region_id)
    targets = list(session.scalars(stmt.order_by(IndicatorTarget.id)).unique())
    rows = views_of(session, targets, as_of)
    counts = Counter(v.judgement.status for v in rows)
    return Overview(region, rows, {s: counts.get(s, 0) for s in STATUS_ORDER})


def target_regions(session: Session, actor: Actor) -> list[Region]:
    """Regions in scope that have targets (the overview's region picker)."""
    ids = scoped(select(IndicatorTarget.region_id), IndicatorTarget, actor)
    return list(session.scalars(select(Region).where(Region.id.in_(ids)).order_by(Region.path)))


@dataclass
class CatalogueRow:
    indicator: Indicator
    targets: int
    regions: list[str]


def catalogue(session: Session, actor: Actor, q: str = "") -> list[CatalogueRow]:
    stmt = scoped(select(Indicator), Indicator, actor).order_by(Indicator.name)
    if q.strip():
        stmt = stmt.where(Indicator.name.contains(q.strip()))
    indicators = list(session.scalars(stmt))
    targets = session.scalars(
        scoped(select(IndicatorTarget), IndicatorTarget, actor)
        .where(IndicatorTarget.indicator_id.in_([i.id for i in indicators]))
        .order_by(IndicatorTarget.id)
    )
    by_indicator: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for t in targets:
        by_indicator[t.indicator_id].append(t)
    return [
        CatalogueRow(
            i, len(by_indicator[i.id]), list(dict.fromkeys(t.region.name for t in by_indicator[i.id]))
        )
        for i in indicators
    ]


def cascade(session: Session, actor: Actor, indicator_id: int) -> list[IndicatorTarget]:
    """One indicator's targets in every region the actor sees, from the top of the tree down."""
    stmt = (
        scoped(select(IndicatorTarget), IndicatorTarget, actor)
        .join(Region, Region.id == IndicatorTarget.region_id)
        .where(IndicatorTarget.indicator_id == indicator_id)
        .order_by(Region.path, IndicatorTarget.year, IndicatorTarget.id)
    )
    return list(session.scalars(stmt))


def values_of(session: Session, actor: Actor, indicator_id: int) -> list[IndicatorValue]:
    stmt = (
        scoped(select(IndicatorValue), IndicatorValue, actor)
        .join(Region, Region.id == IndicatorValue.region_id)
        .where(IndicatorValue.indicator_id == indicator_id)
        .order_by(Region.path, IndicatorValue.period_end)
    )
    return list(session.scalars(stmt))


def pending_values(session: Session, actor: Actor, region_id: int | None = None) -> list[IndicatorValue]:
    """The office's approval queue: entered values of its own subtree, oldest period first.

    Not the regions above: the office reads their values but cannot approve them (the province approves its own).
    """
    stmt = scoped(select(IndicatorValue), IndicatorValue, actor).where(
        IndicatorValue.state == "entered", IndicatorValue.region_id.in_(region_ids_in_scope(actor))
    )
    if region_id:
        stmt = stmt.where(IndicatorValue.region_id == region_id)
    stmt = stmt.options(joinedload(IndicatorValue.indicator)).order_by(
        IndicatorValue.period_end, IndicatorValue.id
    )
    return list(session.scalars(stmt).unique())


def responsibilities_of(session: Session, actor: Actor, indicator_id: int) -> list[IndicatorResponsibility]:
    stmt = scoped(select(IndicatorResponsibility), IndicatorResponsibility, actor).where(
        IndicatorResponsibility.indicator_id == indicator_id
    )
    return list(session.scalars(stmt))
