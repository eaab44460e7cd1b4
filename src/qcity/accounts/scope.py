"""The one data-scope filter. Every read of domain rows passes through `scoped()`.

- office admin and leader: everything in their region's subtree (leader: read only, by permissions);
- unit liaison: plans and tasks of their region; assignments, reports, attachments and escalations of their
  own units only, plus (as a lead unit) the submitted reports of the participants of a task they lead;
- public and anonymous: published plans, their targets and tasks; nothing else.
- assessment (考核): office and leader see every cycle of their region; a liaison sees the cycles its units
  take part in and, before publication, only its own units' assessments; once a cycle is published everyone
  who reads it sees every unit's row (the ranking). Evidence files stay with the office, leaders and the
  unit itself. What each reader sees *of* a published row (the ranking line or the full sheet) is the
  cycle's `publish_sheets` choice, applied in qcity.assessment.queries.
- indicators (指标): whoever holds indicator.read sees the targets, values and responsibilities of their
  region's subtree and of the regions above it (the cascade: a city sees the national and provincial targets
  it inherits); catalogue entries are seen where they are targeted, reported or were created. Who may *enter*
  a value (the responsible unit's liaison) is a write rule, in qcity.indicators.service.
Rows outside the scope are simply absent, so a guessed id answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from qcity.accounts.actor import Actor
from qcity.models import (
    AssessmentCycle,
    AssessmentEvidence,
    AssessmentScheme,
    Assignment,
    Attachment,
    AuditEvent,
    Escalation,
    Plan,
    PlanTarget,
    ProgressReport,
    Region,
    ReportingPeriod,
    Task,
    Unit,
    UnitAssessment,
    User,
)
from qcity.models.assessment import PUBLISHED_STATES
from qcity.models.indicator import (
    Indicator,
    IndicatorResponsibility,
    IndicatorTarget,
    IndicatorValue,
    JudgementRule,
)

SelectT = TypeVar("SelectT", bound=Select)  # any row shape


def region_ids_in_scope(actor: Actor) -> Select[Any]:
    if actor.region_path is None:
        return select(Region.id)
    return select(Region.id).where(Region.path.like(actor.region_path + "%"))


def _in_region(column: Any, actor: Actor) -> ColumnElement[bool]:
    if actor.region_path is None:
        return true()
    return column.in_(region_ids_in_scope(actor))


def _plan_clause(actor: Actor) -> ColumnElement[bool]:
    if actor.can("plan.read"):
        return _in_region(Plan.region_id, actor)
    if actor.can("public.read") or not actor.is_authenticated:
        return Plan.is_published.is_(True)
    return false()


def _plan_ids(actor: Actor) -> Select[Any]:
    return select(Plan.id).where(_plan_clause(actor))


def _own_assignment_ids(actor: Actor) -> Select[Any]:
    return select(Assignment.id).where(Assignment.unit_id.in_(actor.unit_ids))


def _assignment_clause(actor: Actor) -> ColumnElement[bool]:
    if not actor.can("assignment.read"):
        return false()
    if actor.unit_bound:
        led_tasks = select(Assignment.task_id).where(
            Assignment.unit_id.in_(actor.unit_ids), Assignment.role == "lead"
        )
        return or_(Assignment.unit_id.in_(actor.unit_ids), Assignment.task_id.in_(led_tasks))
    tasks = select(Task.id).where(Task.plan_id.in_(_plan_ids(actor)))
    return Assignment.task_id.in_(tasks)


def _assignment_ids(actor: Actor) -> Select[Any]:
    return select(Assignment.id).where(_assignment_clause(actor))


def _report_clause(actor: Actor) -> ColumnElement[bool]:
    # A draft is the unit's own working copy: nobody outside the unit sees it.
    own = ProgressReport.assignment_id.in_(_own_assignment_ids(actor)) if actor.unit_ids else false()
    visible_submitted = and_(
        ProgressReport.state != "draft", ProgressReport.assignment_id.in_(_assignment_ids(actor))
    )
    if not actor.can("assignment.read"):
        return false()
    return or_(own, visible_submitted)


def _assessment_staff(actor: Actor) -> bool:
    return actor.can("assessment.read") or actor.can("assessment.manage")


def _own_cycle_ids(actor: Actor) -> Select[Any]:
    return select(UnitAssessment.cycle_id).where(UnitAssessment.unit_id.in_(actor.unit_ids))


def _cycle_clause(actor: Actor) -> ColumnElement[bool]:
    published = AssessmentCycle.state.in_(PUBLISHED_STATES)
    if _assessment_staff(actor):
        return _in_region(AssessmentCycle.region_id, actor)
    if actor.can("assessment.self") and actor.unit_ids:
        return or_(AssessmentCycle.id.in_(_own_cycle_ids(actor)),
                   and_(published, _in_region(AssessmentCycle.region_id, actor)))  # fmt: skip
    if actor.can("public.read") or not actor.is_authenticated:
        return published
    return false()


def _cycle_ids(actor: Actor) -> Select[Any]:
    return select(AssessmentCycle.id).where(_cycle_clause(actor))


def _published_cycle_ids() -> Select[Any]:
    return select(AssessmentCycle.id).where(AssessmentCycle.state.in_(PUBLISHED_STATES))


def _unit_assessment_clause(actor: Actor) -> ColumnElement[bool]:
    visible_cycle = UnitAssessment.cycle_id.in_(_cycle_ids(actor))
    if _assessment_staff(actor):
        return visible_cycle
    own = UnitAssessment.unit_id.in_(actor.unit_ids) if actor.unit_ids else false()
    return and_(visible_cycle, or_(own, UnitAssessment.cycle_id.in_(_published_cycle_ids())))


def _scheme_clause(actor: Actor) -> ColumnElement[bool]:
    if _assessment_staff(actor) or actor.can("assessment.self"):
        # A scheme is the published rulebook units are judged by: every unit of the region may read it.
        return _in_region(AssessmentScheme.region_id, actor)
    return AssessmentScheme.id.in_(select(AssessmentCycle.scheme_id).where(_cycle_clause(actor)))


def _evidence_clause(actor: Actor) -> ColumnElement[bool]:
    if _assessment_staff(actor):
        rows = select(UnitAssessment.id).where(_unit_assessment_clause(actor))
    elif actor.can("assessment.self") and actor.unit_ids:
        rows = select(UnitAssessment.id).where(UnitAssessment.unit_id.in_(actor.unit_ids))
    else:
        return false()
    return AssessmentEvidence.unit_assessment_id.in_(rows)


def _ancestor_ids(actor: Actor) -> list[int]:
    """The ids on the actor's region path above their own region ("/1/4/9/" → [1, 4])."""
    parts = [int(p) for p in (actor.region_path or "").strip("/").split("/") if p.isdigit()]
    return parts[:-1]


def _indicator_region(column: Any, actor: Actor) -> ColumnElement[bool]:
    """The actor's subtree and the regions above it: the targets a region inherits are part of its view."""
    if not actor.can("indicator.read"):
        return false()
    if actor.region_path is None:
        return true()
    return or_(column.in_(region_ids_in_scope(actor)), column.in_(_ancestor_ids(actor)))


def _indicator_clause(model: Any, actor: Actor) -> ColumnElement[bool]:
    if model is JudgementRule:
        return true() if actor.can("indicator.read") else false()
    if model in (IndicatorTarget, IndicatorValue, IndicatorResponsibility):
        return _indicator_region(model.region_id, actor)
    if not actor.can("indicator.read"):
        return false()
    if actor.region_path is None:
        return true()
    targeted = select(IndicatorTarget.indicator_id).where(_indicator_region(IndicatorTarget.region_id, actor))
    reported = select(IndicatorResponsibility.indicator_id).where(
        _indicator_region(IndicatorResponsibility.region_id, actor)
    )
    return or_(
        Indicator.region_id.is_(None),
        _indicator_region(Indicator.region_id, actor),
        Indicator.id.in_(targeted),
        Indicator.id.in_(reported),
    )


INDICATOR_MODELS = (Indicator, IndicatorTarget, IndicatorValue, IndicatorResponsibility, JudgementRule)


def _clause_for(model: Any, actor: Actor) -> ColumnElement[bool]:
    if model in INDICATOR_MODELS:
        return _indicator_clause(model, actor)
    if model is AssessmentScheme:
        return _scheme_clause(actor)
    if model is AssessmentCycle:
        return _cycle_clause(actor)
    if model is UnitAssessment:
        return _unit_assessment_clause(actor)
    if model is AssessmentEvidence:
        return _evidence_clause(actor)
    if model is Region:
        return true() if not actor.can("plan.read") else _in_region(Region.id, actor)
    if model is Unit:
        return _in_region(Unit.region_id, actor) if actor.can("plan.read") else false()
    if model is Plan:
        return _plan_clause(actor)
    if model in (PlanTarget, Task, ReportingPeriod):
        return model.plan_id.in_(_plan_ids(actor))
    if model is Assignment:
        return _assignment_clause(actor)
    if model is ProgressReport:
        return _report_clause(actor)
    if model is Attachment:
        return Attachment.report_id.in_(select(ProgressReport.id).where(_report_clause(actor)))
    if model is Escalation:
        return Escalation.assignment_id.in_(_assignment_ids(actor))
    if model is AuditEvent:
        if not actor.can("audit.read"):
            return false()
        return true() if actor.region_path is None else AuditEvent.region_id.in_(region_ids_in_scope(actor))
    if model is User:
        return _in_region(User.region_id, actor) if actor.can("user.manage") else User.id == actor.user_id
    raise LookupError(f"no data scope defined for {model.__name__}")


def scoped(stmt: SelectT, model: Any, actor: Actor) -> SelectT:
    """Restrict a SELECT over `model` to the rows `actor` may read."""
    return stmt.where(_clause_for(model, actor))


def scope_clause(model: Any, actor: Actor) -> ColumnElement[bool]:
    return _clause_for(model, actor)
