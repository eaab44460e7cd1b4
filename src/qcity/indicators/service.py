"""Indicator writes: targets → catalogue (create or match), responsibilities, values (enter, import, approve,
unlock) and targets' baselines.

Every function takes (session, actor, ...), loads rows through the data scope, checks the actor's right, writes
an audit event and never commits. A value goes entered → approved (locked); unlocking needs a reason and sends
it back to entered, so it stops counting until the office approves it again.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.scope import region_ids_in_scope, scoped
from qcity.audit import service as audit
from qcity.db.base import utcnow
from qcity.indicators import importer
from qcity.indicators.importer import ReportPeriod, RowError, parse_period
from qcity.indicators.validation import (
    IndicatorMeta,
    Problem,
    check_text,
    derived_value,
    rules_from_data,
    validate_period,
    validate_value,
)
from qcity.kit.dates import today_cn
from qcity.kit.errors import Conflict, Forbidden, NotFound, StateError, ValidationError
from qcity.kit.textnorm import normalize
from qcity.models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorTarget,
    IndicatorValue,
    Plan,
    PlanTarget,
    Region,
    Unit,
)
from qcity.models.indicator import DATA_SOURCES, PERIODICITIES
from qcity.plans import service as plans

VALUE_FIELDS = ["indicator_id", "region_id", "period_end", "value", "numerator", "denominator", "comment",
                "state", "locked", "unlock_reason", "version"]  # fmt: skip
TARGET_FIELDS = ["indicator_id", "region_id", "op", "value", "value_high", "value_kind", "year",
                 "baseline_value", "baseline_period", "evidence_accepted"]  # fmt: skip
INDICATOR_FIELDS = ["key", "name", "unit", "direction", "natural_limit", "periodicity", "data_source",
                    "validation_rules"]  # fmt: skip

# Words that open a target's name without being part of the indicator: 全市/我区/市、县… (data, extend freely).
REGION_PREFIXES = ("全国", "全省", "全市", "全区", "全县", "全镇", "我省", "我市", "我区", "我县", "本省", "本市",
                   "本区", "本县", "市、县", "市县", "县市区", "县(市、区)", "各县市区")  # fmt: skip
RATE_WORDS = ("率", "满意度", "占比", "比重", "比例")
GROWTH_WORDS = ("增长率", "增速", "增幅", "年均")
UP_OPS = (">=", ">", "increase")
DOWN_OPS = ("<=", "<", "decrease")


# --- names and the catalogue ------------------------------------------------------------------------------


def _strip_prefixes(text: str, region_names: Sequence[str]) -> int:
    """How many leading characters of (normalised, space-free) `text` are a region prefix."""
    prefixes = sorted({*REGION_PREFIXES, *region_names}, key=len, reverse=True)
    cut = 0
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if prefix and text.startswith(prefix, cut) and len(text) - cut > len(prefix) + 1:
                cut += len(prefix)
                changed = True
                break
    return cut


def _squeeze(text: str) -> str:
    return re.sub(r"[\s“”\"‘’']+", "", text)


def display_name(name: str, region_names: Sequence[str] = ()) -> str:
    """The indicator's name as written, without a region prefix or spaces (宜昌市 制造业… → 制造业…)."""
    written = _squeeze(unicodedata.normalize("NFC", name or ""))
    return written[_strip_prefixes(_squeeze(normalize(written)), region_names) :]


def normalise_name(name: str, region_names: Sequence[str] = ()) -> str:
    """The matching key: half-width, simplified, no spaces or quotes, no region prefix, ASCII lower-case."""
    text = _squeeze(normalize(unicodedata.normalize("NFC", name or "")))
    return text[_strip_prefixes(text, region_names) :].lower()


def region_names(session: Session) -> list[str]:
    """Every region's name, and its stem (宜昌市 → 宜昌), as prefixes to strip from indicator names."""
    names: set[str] = set()
    for (name,) in session.execute(select(Region.name)):
        names.add(name)
        stem = re.sub(r"(省|市|自治州|州|地区|盟|区|县|自治县|旗|镇|街道|乡)$", "", name)
        if len(stem) >= 2:
            names.add(stem)
    return sorted(names)


def natural_limit_for(name: str, unit: str) -> float | None:
    """100 for a rate or share in % (合格率, 覆盖率, 占比) and for a satisfaction score; none for a growth rate."""
    if any(w in name for w in GROWTH_WORDS):
        return None
    if unit == "%" and any(w in name for w in RATE_WORDS):
        return 100.0
    if "满意度" in name and unit in ("分", "%", ""):
        return 100.0
    return None


def value_kind_for(op: str, unit: str, text: str) -> str | None:
    """How an increase/decrease is meant: 提高2个百分点, 年均增长16%, 增长15%, 增加20家."""
    if op not in ("increase", "decrease"):
        return None
    if "百分点" in text:
        return "points"
    if unit == "%":
        return "annual_percent" if "年均" in text else "percent"
    return "absolute"


def _direction(op: str) -> str | None:
    return "up" if op in UP_OPS else "down" if op in DOWN_OPS else None


def find_indicator(session: Session, key: str) -> Indicator | None:
    return session.scalar(select(Indicator).where(Indicator.key == key))


def _require(actor: Actor, permission: str, message: str) -> None:
    if not actor.can(permission):
        raise Forbidden(message)


def match_or_create(
    session: Session, actor: Actor, name: str, *, unit: str = "", op: str = ">=", value_kind: str | None = None,
    region_id: int | None = None, names: Sequence[str] | None = None,
) -> tuple[Indicator, bool]:  # fmt: skip
    """The catalogue entry for a target's indicator name, created when none matches. (indicator, created)."""
    names = region_names(session) if names is None else names
    key = normalise_name(name, names)
    if not key:
        raise ValidationError("指标名称不能为空", "name", plain="indicator name is empty")
    found = find_indicator(session, key)
    if found is not None:
        return found, False
    # "增长15%" describes the change, not the quantity: the series itself has no % unit.
    series_unit = "" if value_kind in ("percent", "annual_percent") else (unit or "")
    shown = display_name(name, names)[:200] or key
    indicator = Indicator(key=key[:200], name=shown, unit=series_unit[:16], direction=_direction(op),
                          natural_limit=natural_limit_for(shown, series_unit), periodicity="yearly",
                          data_source="entered", region_id=region_id)  # fmt: skip
    session.add(indicator)
    session.flush()
    audit.record(session, actor.user, "indicator.create", "indicator", indicator.id,
                 after=audit.snapshot(indicator, INDICATOR_FIELDS), region_id=region_id)  # fmt: skip
    return indicator, True


@dataclass
class SyncResult:
    plans: int = 0
    indicators_created: int = 0
    targets_created: int = 0
    targets_updated: int = 0
    skipped: list[str] = field(default_factory=list)


def _target_values(pt: PlanTarget) -> dict[str, Any]:
    op = pt.op if not pt.qualitative else "qualitative"
    unit = pt.unit or ""
    return {
        "op": op[:16],
        "value": pt.value if op != "qualitative" else None,
        "value_high": pt.value_high if op == "range" else None,
        "value_kind": value_kind_for(op, unit, pt.text or ""),
        "unit": unit[:16],
        "year": pt.year,
        "text": pt.text or "",
    }


def sync_plan(session: Session, actor: Actor, plan_id: int, result: SyncResult | None = None) -> SyncResult:
    """Every target of a plan becomes (or updates) an indicator target of the plan's region."""
    _require(actor, "indicator.manage", "只有办公室可以从方案生成指标")
    result = result or SyncResult()
    plan = plans.get_plan(session, actor, plan_id)
    names = region_names(session)
    existing = {
        t.plan_target_id: t
        for t in session.scalars(
            select(IndicatorTarget).where(IndicatorTarget.plan_target_id.in_([pt.id for pt in plan.targets]))
        )
    }
    result.plans += 1
    baseline_period = date(plan.start_date.year - 1, 12, 31)
    for pt in plan.targets:
        values = _target_values(pt)
        target = existing.get(pt.id)
        if target is not None:
            if any(getattr(target, k) != v for k, v in values.items()):
                before = audit.snapshot(target, TARGET_FIELDS)
                for k, v in values.items():
                    setattr(target, k, v)
                session.flush()
                audit.record(session, actor.user, "indicator_target.update", "indicator_target", target.id,
                             before=before, after=audit.snapshot(target, TARGET_FIELDS),
                             region_id=target.region_id)  # fmt: skip
                result.targets_updated += 1
            continue
        if not (pt.indicator or "").strip():
            result.skipped.append(pt.text[:60])
            continue
        indicator, created = match_or_create(session, actor, pt.indicator, unit=values["unit"], op=values["op"],
                                             value_kind=values["value_kind"], region_id=plan.region_id,
                                             names=names)  # fmt: skip
        result.indicators_created += int(created)
        target = IndicatorTarget(indicator_id=indicator.id, plan_target_id=pt.id, region_id=plan.region_id,
                                 baseline_period=baseline_period, **values)  # fmt: skip
        session.add(target)
        session.flush()
        audit.record(session, actor.user, "indicator_target.create", "indicator_target", target.id,
                     after=audit.snapshot(target, TARGET_FIELDS), region_id=plan.region_id)  # fmt: skip
        result.targets_created += 1
    return result


def sync_all(session: Session, actor: Actor) -> SyncResult:
    """Sync every plan in the actor's scope (the catalogue page's button and `qcity indicators sync`)."""
    _require(actor, "indicator.manage", "只有办公室可以从方案生成指标")
    result = SyncResult()
    for plan_id in session.scalars(scoped(select(Plan.id), Plan, actor).order_by(Plan.id)):
        sync_plan(session, actor, plan_id, result)
    return result


def unsynced_target_count(session: Session, actor: Actor) -> int:
    linked = select(IndicatorTarget.plan_target_id).where(IndicatorTarget.plan_target_id.is_not(None))
    stmt = scoped(select(PlanTarget.id), PlanTarget, actor).where(PlanTarget.id.not_in(linked))
    return len(session.scalars(stmt).all())


# --- loading rows through the scope -----------------------------------------------------------------------


def get_indicator(session: Session, actor: Actor, indicator_id: int) -> Indicator:
    row = session.scalar(scoped(select(Indicator).where(Indicator.id == indicator_id), Indicator, actor))
    if row is None:
        raise NotFound("指标不存在")
    return row


def get_target(session: Session, actor: Actor, target_id: int) -> IndicatorTarget:
    row = session.scalar(
        scoped(select(IndicatorTarget).where(IndicatorTarget.id == target_id), IndicatorTarget, actor)
    )
    if row is None:
        raise NotFound("指标目标不存在")
    return row


def get_value(session: Session, actor: Actor, value_id: int) -> IndicatorValue:
    row = session.scalar(
        scoped(select(IndicatorValue).where(IndicatorValue.id == value_id), IndicatorValue, actor)
    )
    if row is None:
        raise NotFound("指标数值不存在")
    return row


def _own_region(session: Session, actor: Actor, region_id: int) -> Region:
    """A region the actor administers (their subtree), for writes: the regions above are read-only to them."""
    region = session.scalar(
        select(Region).where(Region.id == region_id, Region.id.in_(region_ids_in_scope(actor)))
    )
    if region is None:
        raise ValidationError(
            "地区不存在或不在您的管辖范围内", "region_id", plain=f"no region {region_id} in scope"
        )
    return region


def responsibility(session: Session, indicator_id: int, region_id: int) -> IndicatorResponsibility | None:
    return session.scalar(
        select(IndicatorResponsibility).where(
            IndicatorResponsibility.indicator_id == indicator_id,
            IndicatorResponsibility.region_id == region_id,
        )
    )


def entry_regions(session: Session, actor: Actor, indicator_id: int) -> list[Region]:
    """The regions where the actor's units report this indicator (where they may enter values)."""
    if not actor.can("indicator.enter") or not actor.unit_ids:
        return []
    stmt = (
        select(Region)
        .join(IndicatorResponsibility, IndicatorResponsibility.region_id == Region.id)
        .where(IndicatorResponsibility.indicator_id == indicator_id,
               IndicatorResponsibility.unit_id.in_(actor.unit_ids))
        .order_by(Region.path)
    )  # fmt: skip
    return list(session.scalars(stmt))


# --- catalogue and targets (office) -----------------------------------------------------------------------


def set_responsibility(
    session: Session, actor: Actor, indicator_id: int, region_id: int, unit_id: int
) -> IndicatorResponsibility:
    """Name the unit that reports the indicator in a region (one per region; a new choice replaces the old)."""
    _require(actor, "indicator.manage", "只有办公室可以指定指标的责任单位")
    indicator = get_indicator(session, actor, indicator_id)
    _own_region(session, actor, region_id)
    unit = session.get(Unit, unit_id)
    if unit is None or unit.region_id != region_id:
        raise ValidationError("责任单位不存在或不属于该地区", "unit_id", plain=f"no unit {unit_id} in region")
    row = responsibility(session, indicator.id, region_id)
    before = {"unit_id": row.unit_id} if row else None
    if row is None:
        row = IndicatorResponsibility(indicator_id=indicator.id, region_id=region_id, unit_id=unit_id)
        session.add(row)
    row.unit_id = unit_id
    session.flush()
    audit.record(session, actor.user, "indicator.responsibility", "indicator", indicator.id, before=before,
                 after={"region_id": region_id, "unit_id": unit_id, "unit": unit.name}, region_id=region_id)  # fmt: skip
    return row


def update_indicator(session: Session, actor: Actor, indicator_id: int, **changes: Any) -> Indicator:
    """Edit a catalogue entry: name, unit, natural limit, periodicity, data source, validation rules."""
    _require(actor, "indicator.manage", "只有办公室可以修改指标库")
    indicator = get_indicator(session, actor, indicator_id)
    allowed = {
        "name",
        "unit",
        "natural_limit",
        "periodicity",
        "data_source",
        "validation_rules",
        "description",
    }
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(
            f"不能修改字段：{'、'.join(unknown)}", unknown[0], plain=f"cannot change {unknown}"
        )
    if "periodicity" in changes and changes["periodicity"] not in PERIODICITIES:
        raise ValidationError("统计频次无效", "periodicity", plain="bad periodicity")
    if "data_source" in changes and changes["data_source"] not in DATA_SOURCES:
        raise ValidationError("数据来源无效", "data_source", plain="bad data source")
    if changes.get("validation_rules") is not None:
        try:
            rules_from_data(changes["validation_rules"])
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"校验规则有误：{exc}", "validation_rules", plain=str(exc)) from None
    if "name" in changes and not str(changes["name"] or "").strip():
        raise ValidationError("指标名称不能为空", "name", plain="name is empty")
    before = audit.snapshot(indicator, INDICATOR_FIELDS)
    for k, v in changes.items():
        setattr(indicator, k, v)
    session.flush()
    audit.record(session, actor.user, "indicator.update", "indicator", indicator.id, before=before,
                 after=audit.snapshot(indicator, INDICATOR_FIELDS), region_id=indicator.region_id)  # fmt: skip
    return indicator


def update_target(
    session: Session, actor: Actor, target_id: int, *, baseline_value: object = None,
    baseline_period: object = None, evidence_accepted: bool | None = None,
) -> IndicatorTarget:  # fmt: skip
    """Set a target's baseline (基期值; empty = take the value reported for the baseline period)."""
    _require(actor, "indicator.manage", "只有办公室可以修改基期")
    target = get_target(session, actor, target_id)
    _own_region(session, actor, target.region_id)
    before = audit.snapshot(target, TARGET_FIELDS)
    target.baseline_value = parse_number(baseline_value, "baseline_value", required=False)
    if baseline_period not in (None, ""):
        period = (
            baseline_period
            if isinstance(baseline_period, date)
            else _period(baseline_period, "baseline_period")
        )
        target.baseline_period = period if isinstance(period, date) else period.end
    if evidence_accepted is not None:
        target.evidence_accepted = bool(evidence_accepted)
    session.flush()
    audit.record(session, actor.user, "indicator_target.update", "indicator_target", target.id, before=before,
                 after=audit.snapshot(target, TARGET_FIELDS), region_id=target.region_id)  # fmt: skip
    return target


# --- values -----------------------------------------------------------------------------------------------


def parse_number(raw: object, field_name: str = "value", *, required: bool = True) -> float | None:
    """Numbers only: 98.5, "98.5", "98.5%", "1,234". Anything else names the field."""
    label = {"value": "数值", "numerator": "分子", "denominator": "分母", "baseline_value": "基期值"}.get(
        field_name, field_name
    )
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValidationError(f"{label}不能为空", field_name, plain=f"{field_name} is required")
        return None
    if isinstance(raw, bool):
        raise ValidationError(f"{label}应为数字", field_name, plain=f"{field_name} must be a number")
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(f"{label}应为数字，不能填写文字", field_name,
                                  plain=f"{field_name} must be a number") from None  # fmt: skip
    if not math.isfinite(number):
        raise ValidationError(f"{label}应为有效数字", field_name, plain=f"{field_name} must be finite")
    return number


def _period(raw: object, field_name: str = "period") -> ReportPeriod:
    if isinstance(raw, ReportPeriod):
        return raw
    if isinstance(raw, date):
        return ReportPeriod(raw, "day", f"{raw.year}年{raw.month}月{raw.day}日")
    period = parse_period(str(raw or ""))
    if period is None:
        raise ValidationError("期间无法识别，请写作2024、2024年第一季度、2024年上半年或2024年6月等", field_name,
                              plain=f"{field_name}: unrecognised period {raw!r}")  # fmt: skip
    return period


def meta_of(indicator: Indicator) -> IndicatorMeta:
    rules = rules_from_data(indicator.validation_rules) if indicator.validation_rules is not None else None
    return IndicatorMeta(indicator.name, unit=indicator.unit, natural_limit=indicator.natural_limit, rules=rules,
                         key=indicator.id)  # fmt: skip


def history(session: Session, indicator_id: int, region_id: int, before: date) -> list[float]:
    """The series' earlier values (any state), oldest first, for the jump check."""
    stmt = (
        select(IndicatorValue.value)
        .where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.region_id == region_id,
               IndicatorValue.period_end < before)
        .order_by(IndicatorValue.period_end)
    )  # fmt: skip
    return list(session.scalars(stmt))


def _series_value(session: Session, indicator_id: int, region_id: int, end: date) -> IndicatorValue | None:
    return session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id,
                                     IndicatorValue.region_id == region_id, IndicatorValue.period_end == end)
    )  # fmt: skip


def _check_version(row: IndicatorValue, version: int | None) -> None:
    if version is not None and int(version) != row.version:
        raise Conflict("该数值已被他人修改，请刷新后再保存", "version", plain="the value changed; reload")


def _require_responsible(session: Session, actor: Actor, indicator: Indicator, region_id: int) -> None:
    if not actor.can("indicator.enter"):
        raise Forbidden("只有责任单位联络员可以填报指标数值")
    row = responsibility(session, indicator.id, region_id)
    if row is None or row.unit_id not in actor.unit_ids:
        raise Forbidden("您的单位不是该指标在该地区的责任单位，不能填报")


def _write_value(
    session: Session, actor: Actor, indicator: Indicator, region_id: int, period: ReportPeriod, value: float,
    numerator: float | None, denominator: float | None, comment: str | None, source: str,
    version: int | None = None,
) -> IndicatorValue:  # fmt: skip
    row = _series_value(session, indicator.id, region_id, period.end)
    now = utcnow()
    if row is None:
        row = IndicatorValue(indicator_id=indicator.id, region_id=region_id, period_end=period.end,
                             period_label=period.label[:32], value=value, numerator=numerator,
                             denominator=denominator, comment=comment, source=source, state="entered",
                             locked=False, entered_by_id=actor.user_id, entered_at=now)  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(session, actor.user, "indicator_value.enter", "indicator_value", row.id,
                     after=audit.snapshot(row, VALUE_FIELDS) | {"source": source}, region_id=region_id)  # fmt: skip
        return row
    if row.locked:
        raise StateError(f"{row.period_label}的数值已审核锁定，需办公室解锁后才能修改", "period",
                         plain="the value is approved and locked")  # fmt: skip
    _check_version(row, version)
    before = audit.snapshot(row, VALUE_FIELDS)
    row.value, row.numerator, row.denominator, row.comment = value, numerator, denominator, comment
    row.period_label, row.source, row.state = period.label[:32], source, "entered"
    row.entered_by_id, row.entered_at = actor.user_id, now
    session.flush()
    audit.record(session, actor.user, "indicator_value.update", "indicator_value", row.id, before=before,
                 after=audit.snapshot(row, VALUE_FIELDS) | {"source": source}, region_id=region_id)  # fmt: skip
    return row


def _refuse(problems: Sequence[Problem]) -> None:
    """Every problem in one Chinese message; the first names the field the form marks."""
    if problems:
        raise ValidationError("；".join(p.message for p in problems), problems[0].field,
                              plain="; ".join(p.rule for p in problems))  # fmt: skip


def enter_value(
    session: Session, actor: Actor, indicator_id: int, *, period: object, value: object,
    region_id: int | None = None, numerator: object = None, denominator: object = None,
    comment: str | None = None, version: int | None = None,
) -> IndicatorValue:  # fmt: skip
    """The responsible unit's liaison enters (or corrects, until approved) one value. Numbers only.

    The period must have ended (China time) and be no older than the indicator's earliest year. Left empty, the
    value is computed from numerator and denominator where the indicator's ratio rule has a scale.
    """
    indicator = get_indicator(session, actor, indicator_id)
    if region_id is None:
        regions = entry_regions(session, actor, indicator.id)
        if len(regions) != 1:
            _require_responsible(session, actor, indicator, -1)
            raise ValidationError("请选择地区", "region_id", plain="region_id is required")
        region_id = regions[0].id
    _require_responsible(session, actor, indicator, region_id)
    report_period = _period(period)
    number = parse_number(value, "value", required=False)
    num = parse_number(numerator, "numerator", required=False)
    den = parse_number(denominator, "denominator", required=False)
    note = (comment or "").strip() or None
    meta = meta_of(indicator)
    if number is None:
        number = derived_value(meta, num, den)
    problems = validate_period(meta, report_period.end, report_period.label, today_cn())
    problems += validate_value(meta, number, history(session, indicator.id, region_id, report_period.end), note,
                               num, den)  # fmt: skip
    _refuse(problems)
    assert number is not None
    return _write_value(session, actor, indicator, region_id, report_period, number, num, den, note, "entered",
                        version)  # fmt: skip


def approve_value(
    session: Session, actor: Actor, value_id: int, version: int | None = None
) -> IndicatorValue:
    """The office approves a value: it counts from now on, and is locked against change."""
    _require(actor, "indicator.manage", "只有办公室可以审核指标数值")
    row = get_value(session, actor, value_id)
    _own_region(session, actor, row.region_id)
    if row.state == "approved":
        raise StateError("该数值已审核", "state", plain="already approved")
    _check_version(row, version)
    if row.period_end > today_cn():  # entered before periods were checked, or the clock was wrong
        raise ValidationError(f"期间{row.period_label}尚未结束，不能审核该数值", "period",
                              plain="the period has not ended")  # fmt: skip
    before = audit.snapshot(row, VALUE_FIELDS)
    row.state, row.locked, row.approved_by_id, row.approved_at = "approved", True, actor.user_id, utcnow()
    row.unlock_reason = None
    session.flush()
    audit.record(session, actor.user, "indicator_value.approve", "indicator_value", row.id, before=before,
                 after=audit.snapshot(row, VALUE_FIELDS), region_id=row.region_id)  # fmt: skip
    return row


def unlock_value(
    session: Session, actor: Actor, value_id: int, reason: str, version: int | None = None
) -> IndicatorValue:
    """The office unlocks an approved value, with a reason; it goes back to entered until approved again."""
    _require(actor, "indicator.manage", "只有办公室可以解锁指标数值")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("解锁必须填写原因", "reason", plain="a reason is required to unlock")
    _refuse(check_text("reason", reason))
    row = get_value(session, actor, value_id)
    _own_region(session, actor, row.region_id)
    if not row.locked:
        raise StateError("该数值未锁定", "state", plain="the value is not locked")
    _check_version(row, version)
    before = audit.snapshot(row, VALUE_FIELDS)
    row.locked, row.state, row.unlock_reason = False, "entered", reason
    session.flush()
    audit.record(session, actor.user, "indicator_value.unlock", "indicator_value", row.id, before=before,
                 after=audit.snapshot(row, VALUE_FIELDS), region_id=row.region_id)  # fmt: skip
    return row


# --- import -----------------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    written: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_file(session: Session, actor: Actor, data: bytes, filename: str = "") -> ImportOutcome:
    """Import values from .xlsx/.csv (UTF-8 or GBK). Any error in any row: nothing is written, every error listed.

    A liaison imports only the indicators and regions their units report; the office imports for its subtree.
    Imported values are entered, not approved: the office approves them like typed ones.
    """
    manage = actor.can("indicator.manage")
    if not (manage or actor.can("indicator.enter")):
        raise Forbidden("无权导入指标数值")
    names = region_names(session)
    regions = {
        r.name: r for r in session.scalars(select(Region).where(Region.id.in_(region_ids_in_scope(actor))))
    }
    codes = {r.code: r for r in regions.values()}
    catalogue = {i.key: i for i in session.scalars(scoped(select(Indicator), Indicator, actor))}

    def find_indicator(name: str) -> IndicatorMeta | None:
        found = catalogue.get(normalise_name(name, names))
        return meta_of(found) if found is not None else None

    def find_region(name: str) -> Hashable | None:
        region = regions.get(name.strip()) or codes.get(name.strip())
        return region.id if region is not None else None

    def past(meta: IndicatorMeta, region: Hashable, period: ReportPeriod) -> list[float]:
        assert isinstance(meta.key, int) and isinstance(region, int)
        return history(session, meta.key, region, period.end)

    own = session.get(Region, actor.region_id) if actor.region_id else None
    result = importer.import_values(data, find_indicator, find_region, filename=filename, history=past,
                                    default_region=own.name if own else None, today=today_cn())  # fmt: skip
    outcome = ImportOutcome(errors=list(result.errors))
    indicators = {i.id: i for i in catalogue.values()}
    for row in result.rows:
        indicator_id, region_id = row.indicator.key, row.region
        assert isinstance(indicator_id, int) and isinstance(region_id, int)
        if not manage:
            resp = responsibility(session, indicator_id, region_id)
            if resp is None or resp.unit_id not in actor.unit_ids:
                outcome.errors.append(
                    RowError(
                        row.row, "指标", f"您的单位不负责填报“{row.indicator.name}”在{row.region_name}的数据"
                    )
                )
                continue
        existing = _series_value(session, indicator_id, region_id, row.period.end)
        if existing is not None and existing.locked:
            outcome.errors.append(
                RowError(row.row, "期间", f"{existing.period_label}的数值已审核锁定，需办公室解锁后才能修改")
            )
    if outcome.errors:
        outcome.errors.sort(key=lambda e: (e.row, e.column_letter))
        return outcome
    for row in result.rows:
        assert isinstance(row.region, int) and isinstance(row.indicator.key, int)
        _write_value(session, actor, indicators[row.indicator.key], row.region, row.period, row.value,
                     row.numerator, row.denominator, row.comment, "imported")  # fmt: skip
        outcome.written += 1
    audit.record(session, actor.user, "indicator_value.import", "indicator_import", filename[:64] or "upload",
                 after={"filename": filename, "rows": outcome.written}, region_id=actor.region_id)  # fmt: skip
    return outcome
