"""Reads for assessment, every one through the data scope, and what a reader may see of a visible row.

What each reader sees (docs/decisions/0005-assessment-visibility.md):
- office (assessment.manage) and leaders (assessment.read): every cycle of their region, every unit's sheet
  and evidence, at any state;
- a unit's liaison: before publication only its own units' sheets, with their points and provisional score but
  no rank, grade or 整改 flag (a rank compares the unit with every other, and the grade is the office's verdict,
  so both wait for publication); after publication the ranking of every unit, its own sheet and evidence, and
  other units' sheets only if the office published the sheets too;
- the public: after publication the ranking table (rank, unit, score, grade, 一票否决, 整改) and, if the
  office chose to publish them, the sheets' items and points; never the evidence files.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.assessment.engine import RankedRow, ScoreSheet
from qcity.assessment.scheme import Scheme, scheme_from_dict
from qcity.assessment.sheets import ranked_row, sheet_from_dict
from qcity.kit.errors import NotFound
from qcity.models import AssessmentCycle, AssessmentEvidence, AssessmentScheme, UnitAssessment
from qcity.models.assessment import PUBLISHED_STATES

CYCLE_STATE_NAMES = {"open": "自评中", "verifying": "核定中", "published": "已公布", "closed": "已归档"}
SELF_STATE_NAMES = {"draft": "未提交", "submitted": "已提交"}


def is_staff(actor: Actor) -> bool:
    return actor.can("assessment.read") or actor.can("assessment.manage")


def get_scheme(session: Session, actor: Actor, scheme_id: int) -> AssessmentScheme:
    row = session.scalar(
        scoped(select(AssessmentScheme).where(AssessmentScheme.id == scheme_id), AssessmentScheme, actor)
    )
    if row is None:
        raise NotFound("考核方案不存在")
    return row


def get_cycle(session: Session, actor: Actor, cycle_id: int, *, for_update: bool = False) -> AssessmentCycle:
    stmt = scoped(select(AssessmentCycle).where(AssessmentCycle.id == cycle_id), AssessmentCycle, actor)
    row = session.scalar(stmt.with_for_update(of=AssessmentCycle) if for_update else stmt)
    if row is None:
        raise NotFound("考核周期不存在")
    return row


def get_unit_assessment(
    session: Session, actor: Actor, ua_id: int, *, for_update: bool = False
) -> UnitAssessment:
    stmt = scoped(select(UnitAssessment).where(UnitAssessment.id == ua_id), UnitAssessment, actor)
    row = session.scalar(stmt.with_for_update(of=UnitAssessment) if for_update else stmt)
    if row is None:
        raise NotFound("单位考核记录不存在")
    return row


def get_evidence(session: Session, actor: Actor, evidence_id: int) -> AssessmentEvidence:
    stmt = scoped(
        select(AssessmentEvidence).where(AssessmentEvidence.id == evidence_id), AssessmentEvidence, actor
    )
    row = session.scalar(stmt)
    if row is None:
        raise NotFound("佐证材料不存在")
    return row


def list_schemes(session: Session, actor: Actor) -> list[AssessmentScheme]:
    stmt = scoped(select(AssessmentScheme), AssessmentScheme, actor)
    return list(session.scalars(stmt.order_by(AssessmentScheme.code, AssessmentScheme.version.desc())))


def list_cycles(session: Session, actor: Actor) -> list[AssessmentCycle]:
    stmt = scoped(select(AssessmentCycle), AssessmentCycle, actor)
    return list(
        session.scalars(stmt.order_by(AssessmentCycle.year.desc(), AssessmentCycle.id.desc())).unique()
    )


def visible_units(session: Session, actor: Actor, cycle: AssessmentCycle) -> list[UnitAssessment]:
    """The cycle's unit rows this actor may see, best rank first (unranked last, by unit order); by unit order
    alone for a reader who may not see the ranking yet, since the order would give it away."""
    stmt = scoped(select(UnitAssessment), UnitAssessment, actor).where(UnitAssessment.cycle_id == cycle.id)
    rows = list(session.scalars(stmt).unique())
    if not can_see_results(actor, cycle):
        return sorted(rows, key=lambda u: (u.unit.sort_order, u.unit.name))
    return sorted(rows, key=lambda u: (u.rank is None, u.rank or 0, u.unit.sort_order, u.unit.name))


def is_published(cycle: AssessmentCycle) -> bool:
    return cycle.state in PUBLISHED_STATES


def own(actor: Actor, ua: UnitAssessment) -> bool:
    return actor.can("assessment.self") and ua.unit_id in actor.unit_ids


def can_see_sheet(actor: Actor, ua: UnitAssessment) -> bool:
    """The row is already in scope; may this reader see how each point was earned?"""
    if is_staff(actor) or own(actor, ua):
        return True
    return is_published(ua.cycle) and ua.cycle.publish_sheets


def can_see_evidence(actor: Actor, ua: UnitAssessment) -> bool:
    return is_staff(actor) or own(actor, ua)


def can_see_results(actor: Actor, cycle: AssessmentCycle) -> bool:
    """The whole ranking table: staff at any time, everyone who sees the cycle once it is published."""
    return is_staff(actor) or is_published(cycle)


def frozen_scheme(cycle: AssessmentCycle) -> Scheme:
    return scheme_from_dict(cycle.scheme.body)


def sheet_of(ua: UnitAssessment) -> ScoreSheet | None:
    return None if ua.sheet is None else sheet_from_dict(ua.sheet)


# What a sheet says of the grade until the office publishes the results.
UNPUBLISHED_GRADE = {"grade": "", "grade_label": "", "grade_explanation": "等级在考核结果公布后确定"}


def visible_sheet(actor: Actor, ua: UnitAssessment) -> dict[str, Any] | None:
    """The stored 评分表 as this reader may see it: None without the right to it; before publication a
    non-staff reader gets it without the grade."""
    if ua.sheet is None or not can_see_sheet(actor, ua):
        return None
    return ua.sheet if can_see_results(actor, ua.cycle) else ua.sheet | UNPUBLISHED_GRADE


def visible_score_sheet(actor: Actor, ua: UnitAssessment) -> ScoreSheet | None:
    data = visible_sheet(actor, ua)
    return None if data is None else sheet_from_dict(data)


def ranked_rows(units: list[UnitAssessment]) -> list[RankedRow]:
    rows = []
    for ua in units:
        sheet = sheet_of(ua)
        if sheet is not None and ua.rank is not None:
            rows.append(ranked_row(ua.rank, ua.rectify, sheet))
    return rows


def evidence_by_item(ua: UnitAssessment) -> dict[str, list[AssessmentEvidence]]:
    out: dict[str, list[AssessmentEvidence]] = {}
    for ev in ua.evidence:
        out.setdefault(ev.item_code, []).append(ev)
    return out


def summary(actor: Actor, ua: UnitAssessment) -> dict[str, Any]:
    """The ranking line as this reader may see it; rank, grade and 整改 are None until it may see the results."""
    sheet = ua.sheet or {}
    results = can_see_results(actor, ua.cycle)
    return {
        "id": ua.id,
        "unit_id": ua.unit_id,
        "unit_name": ua.unit.name,
        "rank": ua.rank if results else None,
        "final_score": None if ua.final_score is None else str(ua.final_score),
        "grade": ua.grade if results else None,
        "vetoed": bool(sheet.get("vetoes")),
        "rectify": ua.rectify if results else None,
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def export_results(
    session: Session, actor: Actor, cycle: AssessmentCycle, fmt: str
) -> tuple[bytes, str, str]:
    """The result table (and the sheets this reader may see) as .xlsx or .docx: (bytes, filename, media type)."""
    from qcity.assessment.export import results_to_docx, results_to_xlsx

    if not can_see_results(actor, cycle):
        raise NotFound("考核结果尚未公布")
    units = visible_units(session, actor, cycle)
    with_sheets = all(can_see_sheet(actor, ua) for ua in units)
    rows = ranked_rows(units)
    title = f"{cycle.name} 考核结果"
    if fmt == "docx":
        return results_to_docx(rows, title, with_sheets), f"{cycle.name}-考核结果.docx", DOCX
    return results_to_xlsx(rows, title, with_sheets), f"{cycle.name}-考核结果.xlsx", XLSX


def export_sheet(actor: Actor, ua: UnitAssessment, fmt: str) -> tuple[bytes, str, str]:
    from qcity.assessment.export import score_sheet_to_docx, score_sheet_to_xlsx

    sheet = visible_score_sheet(actor, ua)
    if sheet is None:
        raise NotFound("评分表不存在或尚未公布")
    name = f"{ua.cycle.name}-{ua.unit.name}-评分表"
    if fmt == "docx":
        return score_sheet_to_docx(sheet), f"{name}.docx", DOCX
    return score_sheet_to_xlsx(sheet), f"{name}.xlsx", XLSX


def export_scheme(scheme: AssessmentScheme, fmt: str) -> tuple[bytes, str, str]:
    from qcity.assessment.scheme import scheme_to_yaml
    from qcity.assessment.scheme_xlsx import scheme_to_xlsx

    parsed = scheme_from_dict(scheme.body)
    name = f"{scheme.name}-v{scheme.version}"
    if fmt in ("yaml", "yml"):
        return scheme_to_yaml(parsed).encode(), f"{name}.yaml", "application/yaml"
    return scheme_to_xlsx(parsed), f"{name}.xlsx", XLSX
