"""Assessment writes: scheme versions, cycles (open → verifying → published → closed), self-assessment with
evidence, verification, computing and ranking.

Functions take (session, actor, ...), load rows through the data scope, check the actor's right, write an
audit event, and never commit. The scheme a cycle uses is a frozen version; at publication each unit's metrics
are snapshotted, so a published or closed cycle recomputes to the same cents whatever data arrives later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.scope import region_ids_in_scope, scoped
from qcity.assessment import queries
from qcity.assessment.engine import Adjustment, ManualScore, ScoreSheet, ScoringError, rank, score_unit
from qcity.assessment.metrics import cycle_metrics
from qcity.assessment.scheme import (
    Scheme,
    SchemeError,
    fmt,
    scheme_from_dict,
    scheme_from_yaml,
    scheme_to_dict,
)
from qcity.assessment.scheme_xlsx import scheme_from_xlsx
from qcity.assessment.sheets import sheet_to_dict
from qcity.audit import service as audit
from qcity.db.base import utcnow
from qcity.kit.dates import today_cn
from qcity.kit.errors import Conflict, Forbidden, StateError, ValidationError
from qcity.models import AssessmentCycle, AssessmentEvidence, AssessmentScheme, Region, Unit, UnitAssessment
from qcity.tasks.service import evidence_name, store_file

UA_FIELDS = ["self_state", "self_scores", "verified_scores", "vetoes", "adjustments", "version"]
CYCLE_FIELDS = ["name", "year", "state", "bottom_n", "publish_sheets", "scheme_id"]
MAX_TEXT = 2000
ASSESSED_KINDS = ("department", "town", "other")  # the committee and its office assess, they are not assessed


def _require_manage(actor: Actor) -> None:
    if not actor.can("assessment.manage"):
        raise Forbidden("只有办公室可以管理考核")


# ---------------------------------------------------------------- schemes


def parse_scheme_file(filename: str, data: bytes) -> Scheme:
    """A scheme from the office's .xlsx form or from YAML; every problem listed, naming the row or item."""
    name = (filename or "").lower()
    if not data:
        raise ValidationError("请选择考核方案文件（.xlsx 或 .yaml）", "file", plain="no file")
    try:
        if name.endswith(".xlsx") or data[:2] == b"PK":
            try:
                return scheme_from_xlsx(data)
            except SchemeError:
                raise
            except Exception:  # a corrupt or non-Excel file: openpyxl raises many kinds
                raise ValidationError(
                    "无法读取该Excel文件，请确认是.xlsx格式", "file", plain="unreadable xlsx"
                ) from None
        if name.endswith((".yaml", ".yml")):
            return scheme_from_yaml(data)
    except SchemeError as err:
        problems = "；".join(str(i) for i in err.issues[:20])
        more = f"（另有{len(err.issues) - 20}处）" if len(err.issues) > 20 else ""
        raise ValidationError(f"考核方案有误：{problems}{more}", "file", plain=str(err)) from None
    raise ValidationError("只支持 .xlsx（考核细则表）或 .yaml 文件", "file", plain="use .xlsx or .yaml")


def _region_in_scope(session: Session, actor: Actor, region_id: int) -> Region:
    region = session.scalar(
        select(Region).where(Region.id == region_id, Region.id.in_(region_ids_in_scope(actor)))
    )
    if region is None:
        raise ValidationError(
            "行政区划不存在或不在您的管辖范围内", "region_id", plain=f"no region {region_id}"
        )
    return region


def save_scheme(
    session: Session, actor: Actor, region_id: int, scheme: Scheme, source_name: str | None = None
) -> AssessmentScheme:
    """Store a scheme as the next version of its (region, code); an unchanged scheme returns the latest version."""
    _require_manage(actor)
    _region_in_scope(session, actor, region_id)
    body = scheme_to_dict(scheme)
    code = (scheme.code or scheme.name).strip()[:64]
    latest = session.scalar(
        select(AssessmentScheme)
        .where(AssessmentScheme.region_id == region_id, AssessmentScheme.code == code)
        .order_by(AssessmentScheme.version.desc())
        .limit(1)
    )
    if latest is not None and latest.body == body:
        return latest
    row = AssessmentScheme(region_id=region_id, code=code, name=scheme.name[:200], body=body,
                           version=(latest.version + 1) if latest else 1, source_name=(source_name or None),
                           created_by_id=actor.user_id, created_at=utcnow())  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(session, actor.user, "assessment_scheme.create", "assessment_scheme", row.id,
                 after={"code": code, "name": row.name, "version": row.version, "source": source_name},
                 region_id=region_id)  # fmt: skip
    return row


def import_scheme(
    session: Session, actor: Actor, region_id: int, *, filename: str, data: bytes
) -> AssessmentScheme:
    _require_manage(actor)
    return save_scheme(session, actor, region_id, parse_scheme_file(filename, data), filename[-255:] or None)


# ---------------------------------------------------------------- cycles


def _int_field(value: object, field_name: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"{label}应为整数", field_name, plain=f"{field_name}: integer") from None
    if not low <= number <= high:
        raise ValidationError(
            f"{label}应在{low}到{high}之间", field_name, plain=f"{field_name}: {low}..{high}"
        )
    return number


def open_cycle(
    session: Session, actor: Actor, *, scheme_id: object, year: object, name: str = "", bottom_n: object = 3,
    unit_ids: Sequence[int] = (), publish_sheets: bool = False,
) -> AssessmentCycle:  # fmt: skip
    """Open a cycle under one scheme version for the given units (default: every department and town)."""
    _require_manage(actor)
    if scheme_id in (None, ""):
        raise ValidationError("请选择考核方案", "scheme_id", plain="scheme_id required")
    scheme_row = queries.get_scheme(session, actor, _int_field(scheme_id, "scheme_id", "考核方案", 1, 2**31))
    the_year = _int_field(year, "year", "考核年度", 2000, 2100)
    bottom = _int_field(bottom_n, "bottom_n", "后位整改名额", 0, 100)
    region = session.get(Region, scheme_row.region_id)
    assert region is not None
    in_region = select(Region.id).where(Region.path.like(region.path + "%"))
    stmt = scoped(select(Unit), Unit, actor).where(Unit.region_id.in_(in_region))
    if unit_ids:
        units = list(session.scalars(stmt.where(Unit.id.in_(list(unit_ids)))))
        if len(units) != len(set(unit_ids)):
            raise ValidationError(
                "参加考核的单位须属于本方案的行政区划", "unit_ids", plain="unit outside region"
            )
    else:
        units = list(session.scalars(stmt.where(Unit.kind.in_(ASSESSED_KINDS))))
    if not units:
        raise ValidationError("请至少选择一个参加考核的单位", "unit_ids", plain="no units")
    scheme = scheme_from_dict(scheme_row.body)
    start, end = scheme.period(the_year)
    title = (name or "").strip()[:200] or f"{the_year}年度{scheme.name}"
    cycle = AssessmentCycle(region_id=scheme_row.region_id, scheme_id=scheme_row.id, name=title, year=the_year,
                            period_start=start, period_end=end, state="open", bottom_n=bottom,
                            publish_sheets=bool(publish_sheets), opened_by_id=actor.user_id)  # fmt: skip
    cycle.units = [UnitAssessment(unit_id=u.id, self_scores={}, verified_scores={}, vetoes={}, adjustments=[])
                   for u in sorted(units, key=lambda u: (u.sort_order, u.id))]  # fmt: skip
    session.add(cycle)
    session.flush()
    audit.record(session, actor.user, "assessment_cycle.open", "assessment_cycle", cycle.id,
                 after=audit.snapshot(cycle, CYCLE_FIELDS) | {"units": [u.unit_id for u in cycle.units]},
                 region_id=cycle.region_id)  # fmt: skip
    compute_cycle(session, cycle)
    return cycle


TRANSITIONS = {"start_verification": ("open", "verifying"), "publish": ("verifying", "published"),
               "close": ("published", "closed"), "reopen": ("verifying", "open")}  # fmt: skip
ACTION_NAMES = {"start_verification": "结束自评、开始核定", "publish": "公布结果", "close": "归档",
                "reopen": "退回自评", "recompute": "重新计算"}  # fmt: skip


@dataclass
class Recomputed:
    changed: list[str] = field(default_factory=list)  # units whose figures differ from those stored
    frozen: bool = False  # published or closed: figures compared, never overwritten


def transition(
    session: Session, actor: Actor, cycle_id: int, action: str, *, as_of: date | None = None
) -> Recomputed:
    """Move a cycle along open → verifying → published → closed, or recompute it."""
    _require_manage(actor)
    cycle = queries.get_cycle(session, actor, cycle_id, for_update=True)
    if action == "recompute":
        return recompute(session, actor, cycle, as_of=as_of)
    if action not in TRANSITIONS:
        raise ValidationError("未知的操作", "action", plain=f"unknown action {action!r}")
    source, target = TRANSITIONS[action]
    if cycle.state != source:
        state = queries.CYCLE_STATE_NAMES.get(cycle.state, cycle.state)
        raise StateError(
            f"考核周期当前为“{state}”，不能{ACTION_NAMES[action]}", "state", plain=f"cycle is {cycle.state}"
        )
    before = audit.snapshot(cycle, CYCLE_FIELDS)
    if action == "publish":
        missing = [ua.unit.name for ua in cycle.units if ua.verified_at is None]
        if missing:
            raise StateError(
                f"以下单位尚未核定，不能公布：{'、'.join(missing)}", "state", plain="units not verified"
            )
        compute_cycle(session, cycle, as_of=as_of)
        for ua in cycle.units:  # freeze: from now on the cycle scores from these snapshots only
            ua.metrics_frozen = True
        cycle.published_at = utcnow()
    elif action == "close":
        cycle.closed_at = utcnow()
    cycle.state = target
    if action in ("start_verification", "reopen"):
        compute_cycle(session, cycle, as_of=as_of)
    session.flush()
    audit.record(session, actor.user, f"assessment_cycle.{action}", "assessment_cycle", cycle.id, before=before,
                 after=audit.snapshot(cycle, CYCLE_FIELDS), region_id=cycle.region_id)  # fmt: skip
    return Recomputed()


def recompute(
    session: Session, actor: Actor, cycle: AssessmentCycle, *, as_of: date | None = None
) -> Recomputed:
    """Open cycles take the latest data. A published or closed cycle is recomputed from its frozen scheme and
    snapshots and compared with the stored figures; it is never overwritten (the published result stands)."""
    _require_manage(actor)
    if not queries.is_published(cycle):
        compute_cycle(session, cycle, as_of=as_of)
        return Recomputed()
    results = _score_all(session, cycle, as_of=as_of, store_metrics=False)
    changed = [ua.unit.name for ua in cycle.units if _figures(ua) != _fresh_figures(results[ua.id])]
    audit.record(session, actor.user, "assessment_cycle.recompute", "assessment_cycle", cycle.id,
                 after={"changed": changed}, region_id=cycle.region_id)  # fmt: skip
    return Recomputed(changed=changed, frozen=True)


def _figures(ua: UnitAssessment) -> tuple[Any, ...]:
    return (
        ua.sheet,
        None if ua.final_score is None else Decimal(ua.final_score),
        ua.grade,
        ua.rank,
        ua.rectify,
    )


def _fresh_figures(row: tuple[ScoreSheet, int, bool]) -> tuple[Any, ...]:
    sheet, place, rectify = row
    return (sheet_to_dict(sheet), sheet.final_score, sheet.grade, place, rectify)


def compute_cycle(session: Session, cycle: AssessmentCycle, *, as_of: date | None = None) -> None:
    """Score and rank every unit of the cycle and store the sheets. Computed columns never bump `version`."""
    results = _score_all(session, cycle, as_of=as_of, store_metrics=True)
    for ua in cycle.units:
        sheet, place, rectify = results[ua.id]
        ua.sheet, ua.final_score, ua.grade = sheet_to_dict(sheet), sheet.final_score, sheet.grade
        ua.rank, ua.rectify = place, rectify
    cycle.computed_at = utcnow()
    session.flush()


def _score_all(
    session: Session, cycle: AssessmentCycle, *, as_of: date | None, store_metrics: bool
) -> dict[int, tuple[ScoreSheet, int, bool]]:
    scheme = queries.frozen_scheme(cycle)
    live_ids = [ua.unit_id for ua in cycle.units if not ua.metrics_frozen]
    cutoff = as_of or today_cn()
    live = cycle_metrics(session, live_ids, cycle.period_start, cycle.period_end, cutoff) if live_ids else {}
    sheets: dict[int, ScoreSheet] = {}
    for ua in cycle.units:
        snapshot = ua.metrics if ua.metrics_frozen else live[ua.unit_id]
        if store_metrics and not ua.metrics_frozen:
            ua.metrics = snapshot
        sheets[ua.id] = score_inputs(scheme, ua, snapshot or {})
    ranked = rank(list(sheets.values()), cycle.bottom_n)
    by_code = {row.unit_code: row for row in ranked}
    return {ua_id: (s, by_code[str(ua_id)].rank, by_code[str(ua_id)].rectify) for ua_id, s in sheets.items()}


def score_inputs(scheme: Scheme, ua: UnitAssessment, snapshot: Mapping[str, Any]) -> ScoreSheet:
    """One unit's sheet from its stored inputs and a metric snapshot."""
    evidence = queries.evidence_by_item(ua)
    names = {code: tuple(e.filename for e in rows) for code, rows in evidence.items()}
    manual = {}
    for item in scheme.leaves():
        if item.method != "manual":
            continue
        own = (ua.self_scores or {}).get(item.code) or {}
        checked = (ua.verified_scores or {}).get(item.code) or {}
        if own.get("score") is None and checked.get("score") is None and item.code not in names:
            continue
        manual[item.code] = ManualScore(_dec_or_none(own.get("score")), _dec_or_none(checked.get("score")),
                                        reason=str(checked.get("reason") or ""), evidence=names.get(item.code, ()))  # fmt: skip
    bonuses: list[Adjustment] = []
    penalties: list[Adjustment] = []
    seen: set[str] = set()
    for entry in ua.adjustments or []:
        points = _adjustment_points(entry)
        if points is None or points <= 0:
            continue  # a claim the office verified to 0 is rejected, and scores nothing
        files = names.get(entry["code"], ()) if entry["code"] not in seen else ()
        seen.add(entry["code"])
        target = bonuses if entry["kind"] == "bonus" else penalties
        target.append(Adjustment(entry["code"], points, _adjustment_reason(entry), files))
    snapshot_values = snapshot.get("values", {}) if snapshot else {}
    metrics = {k: _dec_or_none(v) for k, v in snapshot_values.items()}
    sources = {k: tuple(v) for k, v in (snapshot.get("sources", {}) if snapshot else {}).items()}
    try:
        return score_unit(scheme, metrics, manual, dict(ua.vetoes or {}), bonuses, penalties,
                          unit_name=ua.unit.name, unit_code=str(ua.id), metric_sources=sources)  # fmt: skip
    except (ScoringError, SchemeError) as err:
        raise ValidationError(f"无法计分：{err}", "scores", plain=str(err)) from None


def _adjustment_points(entry: Mapping[str, Any]) -> Decimal | None:
    verified = _dec_or_none(entry.get("verified"))
    return verified if verified is not None else _dec_or_none(entry.get("claimed"))


def _adjustment_reason(entry: Mapping[str, Any]) -> str:
    reason = str(entry.get("reason") or "")
    claimed, verified = _dec_or_none(entry.get("claimed")), _dec_or_none(entry.get("verified"))
    if claimed is not None and verified is not None and claimed != verified:
        reason += f"；申报{fmt(claimed)}分，核定{fmt(verified)}分：{entry.get('verify_reason') or ''}"
    elif claimed is not None and verified is None:
        reason += "；尚未核定，暂按申报分"
    return reason


def _dec_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


# ---------------------------------------------------------------- input parsing


def _points(value: object, field_name: str, label: str, high: Decimal | None) -> Decimal | None:
    """A score as typed: blank → None; a number from 0 to `high` with at most two decimals. `label` names the
    score the way the message reads: “2.1 制度建设”的自评分."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}应为数字", field_name, plain=f"{field_name}: not a number") from None
    if not number.is_finite() or number < 0 or (high is not None and number > high):
        limit = f"应在0到{fmt(high)}分之间" if high is not None else "应不小于0"
        raise ValidationError(f"{label}{limit}", field_name, plain=f"{field_name}: out of range")
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}最多保留两位小数", field_name, plain=f"{field_name}: 2 decimals")
    return number


def _typed(value: object) -> bool:
    """Does a submission carry anything the user typed (text anywhere in it)?"""
    if isinstance(value, Mapping):
        return any(_typed(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_typed(v) for v in value)
    return value is not None and str(value).strip() != ""


def _check_version(ua: UnitAssessment, version: object, typed: bool) -> None:
    """Optimistic lock; the form comes back with what was typed, so say so, but only when something was."""
    if version not in (None, "") and str(version).strip() != str(ua.version):
        kept = "（您填写的内容未丢失）" if typed else ""
        raise Conflict(f"该考核记录已被他人修改，请刷新后再保存{kept}", "version",
                       plain="changed by someone else; reload and try again")  # fmt: skip


def get_for_write(session: Session, actor: Actor, ua_id: int) -> UnitAssessment:
    return queries.get_unit_assessment(session, actor, ua_id, for_update=True)


# ---------------------------------------------------------------- self-assessment (自评)


def _require_own_open(actor: Actor, ua: UnitAssessment) -> None:
    if not queries.own(actor, ua):
        raise Forbidden("只有本单位联络员可以填写自评")
    if ua.cycle.state != "open":
        raise StateError("自评已结束，不能再修改", "state", plain=f"cycle is {ua.cycle.state}")


def self_assess(
    session: Session, actor: Actor, ua_id: int, *, scores: Mapping[str, object], notes: Mapping[str, str] | None = None,
    claims: Sequence[Mapping[str, Any]] | None = None, submit: bool = False, version: object = None,
) -> UnitAssessment:  # fmt: skip
    """Save (and with submit=True, submit) the unit's 自评分 and its bonus claims (加分申报)."""
    ua = get_for_write(session, actor, ua_id)
    _require_own_open(actor, ua)
    _check_version(ua, version, _typed([scores, notes, claims]))
    scheme = queries.frozen_scheme(ua.cycle)
    manual = {i.code: i for i in scheme.leaves() if i.method == "manual"}
    unknown = sorted(set(scores) - set(manual))
    if unknown:
        raise ValidationError(
            f"“{unknown[0]}”不是本方案的自评项目", f"score[{unknown[0]}]", plain="unknown item"
        )
    new_scores: dict[str, Any] = {}
    for code, item in manual.items():
        where = f"score[{code}]"
        value = _points(scores.get(code), where, f"“{code} {item.name}”的自评分", item.points)
        note = str((notes or {}).get(code) or "").strip()[:MAX_TEXT]
        if value is not None or note:
            new_scores[code] = {"score": None if value is None else str(value), "note": note}
    new_claims = _parse_claims(scheme, claims or [], by="unit")
    if submit:
        _check_complete(ua, manual, new_scores)
    before = audit.snapshot(ua, UA_FIELDS)
    ua.self_scores = new_scores
    ua.adjustments = [a for a in (ua.adjustments or []) if a.get("by") != "unit"] + new_claims
    if submit:
        ua.self_state, ua.self_submitted_at = "submitted", utcnow()
    ua.version += 1
    session.flush()
    audit.record(session, actor.user, "unit_assessment.submit" if submit else "unit_assessment.save_self",
                 "unit_assessment", ua.id, before=before, after=audit.snapshot(ua, UA_FIELDS),
                 region_id=ua.cycle.region_id)  # fmt: skip
    compute_cycle(session, ua.cycle)
    return ua


def _check_complete(ua: UnitAssessment, manual: Mapping[str, Any], scores: Mapping[str, Any]) -> None:
    evidence = queries.evidence_by_item(ua)
    for code, item in manual.items():
        score = (scores.get(code) or {}).get("score")
        if score is None:
            raise ValidationError(
                f"提交前请填写“{code} {item.name}”的自评分", f"score[{code}]", plain="missing score"
            )
        if item.evidence_required and Decimal(score) > 0 and code not in evidence:
            raise ValidationError(f"“{code} {item.name}”须上传佐证材料（{item.evidence_note or '佐证材料'}），否则不得分",
                                  f"evidence[{code}]", plain="evidence required")  # fmt: skip


def _parse_claims(scheme: Scheme, claims: Sequence[Mapping[str, Any]], *, by: str) -> list[dict[str, Any]]:
    """Bonus claims by the unit, or bonus/penalty entries by the office."""
    items = {"bonus": {a.code: a for a in scheme.bonuses}, "penalty": {a.code: a for a in scheme.penalties}}
    out = []
    for n, claim in enumerate(claims):
        kind = str(claim.get("kind") or "bonus")
        code = str(claim.get("code") or "").strip()
        where = f"claims[{n}]"
        if by == "unit" and kind != "bonus":
            raise ValidationError("单位只能申报加分项", f"{where}.kind", plain="units claim bonuses only")
        if kind not in items or code not in items[kind]:
            raise ValidationError(
                "请选择本方案的加分或扣分项目", f"{where}.code", plain=f"unknown item {code!r}"
            )
        label = "申报分" if by == "unit" else "分值"
        points = _points(claim.get("points"), f"{where}.points", f"“{items[kind][code].name}”的{label}", None)
        if points is None or points <= 0:
            raise ValidationError(
                f"“{items[kind][code].name}”的{label}应大于0", f"{where}.points", plain="points > 0"
            )
        reason = str(claim.get("reason") or "").strip()[:MAX_TEXT]
        if not reason:
            raise ValidationError(
                f"请写明“{items[kind][code].name}”的事由", f"{where}.reason", plain="reason required"
            )
        entry = {"kind": kind, "code": code, "by": by, "reason": reason, "claimed": None, "verified": None,
                 "verify_reason": ""}  # fmt: skip
        entry["claimed" if by == "unit" else "verified"] = str(points)
        out.append(entry)
    return out


def add_evidence(
    session: Session, actor: Actor, ua_id: int, *, item_code: str, filename: str, content_type: str, data: bytes,
    files_dir: Path, max_bytes: int,
) -> AssessmentEvidence:  # fmt: skip
    """A 佐证材料 file on a manual item or a bonus claim, stored by SHA-256 like report attachments."""
    ua = get_for_write(session, actor, ua_id)
    _require_own_open(actor, ua)
    scheme = queries.frozen_scheme(ua.cycle)
    codes = {i.code for i in scheme.leaves() if i.method == "manual"} | {b.code for b in scheme.bonuses}
    code = (item_code or "").strip()
    if code not in codes:
        raise ValidationError("请选择佐证材料对应的考核项目", "item_code", plain=f"unknown item {code!r}")
    name = evidence_name(filename)
    if not name or not data:
        raise ValidationError("请选择要上传的佐证材料文件", "file", plain="no file")
    if len(data) > max_bytes:
        raise ValidationError(f"文件超过{max_bytes // 1024 // 1024}MB上限", "file", plain="file too large")
    digest = store_file(files_dir, data)
    ev = AssessmentEvidence(unit_assessment_id=ua.id, item_code=code, filename=name, size=len(data), sha256=digest,
                            content_type=(content_type or "application/octet-stream")[:128],
                            uploaded_by_id=actor.user_id, uploaded_at=utcnow())  # fmt: skip
    session.add(ev)
    session.flush()
    session.refresh(ua, ["evidence"])
    audit.record(session, actor.user, "assessment_evidence.add", "assessment_evidence", ev.id,
                 after={"unit_assessment_id": ua.id, "item_code": code, "filename": name, "size": len(data),
                        "sha256": digest}, region_id=ua.cycle.region_id)  # fmt: skip
    compute_cycle(session, ua.cycle)
    return ev


# ---------------------------------------------------------------- verification (核定)


def verify(
    session: Session, actor: Actor, ua_id: int, *, scores: Mapping[str, object], reasons: Mapping[str, str] | None = None,
    claim_points: Mapping[int, object] | None = None, claim_reasons: Mapping[int, str] | None = None,
    entries: Sequence[Mapping[str, Any]] | None = None, vetoes: Mapping[str, str] | None = None,
    version: object = None,
) -> UnitAssessment:  # fmt: skip
    """The office's 核定分 for every manual item (blank = as self-assessed), a reason wherever it differs from the
    自评分; the verdict on each bonus claim; the office's own bonus/penalty entries; triggered vetoes with facts."""
    _require_manage(actor)
    ua = get_for_write(session, actor, ua_id)
    if ua.cycle.state != "verifying":
        state = queries.CYCLE_STATE_NAMES.get(ua.cycle.state, ua.cycle.state)
        raise StateError(
            f"考核周期当前为“{state}”，只有核定阶段可以核定", "state", plain=f"cycle is {ua.cycle.state}"
        )
    _check_version(ua, version, _typed([scores, reasons, claim_points, claim_reasons, entries, vetoes]))
    scheme = queries.frozen_scheme(ua.cycle)
    reasons = reasons or {}
    verified: dict[str, Any] = {}
    for item in scheme.leaves():
        if item.method != "manual":
            continue
        own = _dec_or_none(((ua.self_scores or {}).get(item.code) or {}).get("score"))
        label = f"“{item.code} {item.name}”的核定分"
        value = _points(scores.get(item.code), f"score[{item.code}]", label, item.points)
        value = own if value is None else value
        reason = str(reasons.get(item.code) or "").strip()[:MAX_TEXT]
        if value is not None and own is not None and value != own and not reason:
            raise ValidationError(
                f"“{item.code} {item.name}”核定分{fmt(value)}分与自评分{fmt(own)}分不一致，须填写理由",
                f"reason[{item.code}]", plain=f"reason[{item.code}] required: verified differs from self score")  # fmt: skip
        if value is not None:
            verified[item.code] = {"score": str(value), "reason": reason if value != own else ""}
    adjustments = _verify_claims(ua, claim_points or {}, claim_reasons or {})
    adjustments += _parse_claims(scheme, entries or [], by="office")
    veto_names = {v.code: v.name for v in scheme.vetoes}
    triggered: dict[str, str] = {}
    for code, facts in (vetoes or {}).items():
        if code not in veto_names:
            raise ValidationError("不是本方案的一票否决项", f"veto[{code}]", plain=f"unknown veto {code!r}")
        text = str(facts or "").strip()[:MAX_TEXT]
        if not text:
            raise ValidationError(
                f"触发“{veto_names[code]}”须写明认定事实", f"veto[{code}]", plain="facts required"
            )
        triggered[code] = text
    before = audit.snapshot(ua, UA_FIELDS)
    ua.verified_scores, ua.adjustments, ua.vetoes = verified, adjustments, triggered
    ua.verified_at, ua.verified_by_id = utcnow(), actor.user_id
    ua.version += 1
    session.flush()
    audit.record(session, actor.user, "unit_assessment.verify", "unit_assessment", ua.id, before=before,
                 after=audit.snapshot(ua, UA_FIELDS), region_id=ua.cycle.region_id)  # fmt: skip
    compute_cycle(session, ua.cycle)
    return ua


def _verify_claims(
    ua: UnitAssessment, points: Mapping[int, object], reasons: Mapping[int, str]
) -> list[dict[str, Any]]:
    out = []
    for n, entry in enumerate(ua.adjustments or []):
        if entry.get("by") != "unit":
            continue  # the office's own entries are replaced by this save
        claimed = _dec_or_none(entry.get("claimed"))
        value = _points(points.get(n), f"claim[{n}].points", f"加分申报“{entry['code']}”的核定分", None)
        value = claimed if value is None else value
        reason = str(reasons.get(n) or "").strip()[:MAX_TEXT]
        if value != claimed and not reason:
            raise ValidationError(f"加分申报“{entry['code']}”核定{fmt(value or Decimal(0))}分与申报{fmt(claimed or Decimal(0))}分"
                                  "不一致，须填写理由", f"claim[{n}].reason", plain="reason required")  # fmt: skip
        out.append(entry | {"verified": None if value is None else str(value), "verify_reason": reason})
    return out
