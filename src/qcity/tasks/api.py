"""Supervision API: tasks and their roll-up, assignments, reports, evidence files, escalations (督办)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.models import Assignment, Escalation, ProgressReport, ReportingPeriod, Task
from qcity.plans import service as plans
from qcity.tasks import queries, service
from qcity.tasks.schemas import (
    AckIn,
    AssignmentBrief,
    AssignmentOut,
    AssignmentPage,
    AttachmentOut,
    DraftIn,
    EscalationIn,
    EscalationOut,
    PeriodOut,
    ReportOut,
    ReportPage,
    ReturnIn,
    TaskOut,
    TaskPage,
    VersionIn,
)
from qcity.web.deps import DbSession, require

router = APIRouter(prefix="/api/v1", tags=["tasks"])


def report_out(r: ProgressReport) -> ReportOut:
    return ReportOut(
        id=r.id, assignment_id=r.assignment_id, period_id=r.period_id, period_label=r.period.label, text=r.text,
        percent=r.percent, work_status=r.work_status, state=r.state, return_reason=r.return_reason,
        return_count=r.return_count, submitted_at=r.submitted_at, reviewed_at=r.reviewed_at, version=r.version,
        attachments=[AttachmentOut.model_validate(a, from_attributes=True) for a in r.attachments],
    )  # fmt: skip


def escalation_out(e: Escalation) -> EscalationOut:
    return EscalationOut.model_validate(e, from_attributes=True)


def assignment_out(
    db: DbSession,
    actor: Actor,
    a: Assignment,
    detail: bool = False,
    state: queries.AssignmentState | None = None,
) -> AssignmentOut:
    state = state or queries.assignment_states(db, [a])[a.id]
    out = AssignmentOut(id=a.id, task_id=a.task_id, task_no=a.task.no, task_title=a.task.title,
                        plan_id=a.task.plan_id, unit_id=a.unit_id, unit_name=a.unit.name, role=a.role,
                        due_date=a.due_date, light=state.light, percent=state.percent)  # fmt: skip
    if detail:
        out.reports = [report_out(r) for r in queries.reports_of_assignment(db, actor, a.id)]
        out.escalations = [escalation_out(e) for e in queries.escalations_of_assignment(db, actor, a.id)]
    return out


def task_out(
    db: DbSession, actor: Actor, task: Task, visible: set[int] | None = None,
    accepted: dict[int, tuple[int, str]] | None = None,
) -> TaskOut:  # fmt: skip
    """Every responsible unit is named (it is in the published plan); lights only for assignments in scope.

    A list passes `visible` (assignment ids in scope) and `accepted` (queries.latest_accepted) for all its tasks,
    read once for the page instead of once per task."""
    if visible is None:
        visible = {a.id for a in queries.visible_assignments_of_task(db, actor, task.id)}
    if accepted is None:
        accepted = queries.latest_accepted(db, [a.id for a in task.assignments])
    states = queries.assignment_states(db, list(task.assignments), accepted=accepted)
    rollup = queries.task_rollup(db, task, accepted) if actor.can("assignment.read") else None
    briefs = [
        AssignmentBrief(id=a.id if a.id in visible else None, unit_id=a.unit_id, unit_name=a.unit.name, role=a.role,
                        due_date=a.due_date, light=states[a.id].light if a.id in visible else None,
                        percent=states[a.id].percent if a.id in visible else None)
        for a in task.assignments
    ]  # fmt: skip
    light = queries.task_light(list(states.values())) if actor.can("assignment.read") else None
    return TaskOut(id=task.id, plan_id=task.plan_id, no=task.no, title=task.title, content=task.content,
                   section=task.section, due_date=task.due_date, light=light,
                   progress=rollup.percent if rollup else None,
                   progress_label=rollup.label if rollup else "", assignments=briefs)  # fmt: skip


@router.get("/plans/{plan_id}/tasks", response_model=TaskPage)
def plan_tasks(
    plan_id: int, db: DbSession, unit_id: int | None = None, page: int = 1, per_page: int = 100,
    actor: Actor = Depends(require("public.read")),
) -> TaskPage:  # fmt: skip
    plans.get_plan(db, actor, plan_id)
    result = queries.plan_tasks(db, actor, plan_id, unit_id=unit_id, page=page, per_page=per_page)
    tasks = list(db.scalars(select(Task).where(Task.id.in_([t.id for t in result.items]))
                            .options(selectinload(Task.assignments))))  # fmt: skip
    ids = [a.id for t in tasks for a in t.assignments]
    visible = set(db.scalars(scoped(select(Assignment.id), Assignment, actor).where(Assignment.id.in_(ids))))
    accepted = queries.latest_accepted(db, ids)
    return TaskPage(items=[task_out(db, actor, t, visible, accepted) for t in result.items], total=result.total,
                    page=result.page, per_page=result.per_page)  # fmt: skip


@router.get("/plans/{plan_id}/periods", response_model=list[PeriodOut])
def plan_periods(
    plan_id: int, db: DbSession, actor: Actor = Depends(require("plan.read"))
) -> list[PeriodOut]:
    plans.get_plan(db, actor, plan_id)
    rows = db.scalars(
        select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id).order_by(ReportingPeriod.starts_on)
    )
    return [PeriodOut.model_validate(p, from_attributes=True) for p in rows]


@router.get("/tasks/{task_id}", response_model=TaskOut)
def get_task(task_id: int, db: DbSession, actor: Actor = Depends(require("public.read"))) -> TaskOut:
    return task_out(db, actor, service.task_of(db, actor, task_id))


@router.get("/assignments", response_model=AssignmentPage)
def list_assignments(
    db: DbSession, page: int = 1, per_page: int = 50, actor: Actor = Depends(require("assignment.read"))
) -> AssignmentPage:
    if actor.unit_bound:
        result = queries.my_assignments(db, actor, page, per_page)
    else:
        stmt = scoped(select(Assignment), Assignment, actor).order_by(Assignment.due_date, Assignment.id)
        result = queries.paginate(db, stmt, page, per_page)
    # The page's tasks and plans, and their latest accepted reports, in one query each rather than one per row.
    # The tasks are held in a local: the session keeps only weak references, and `a.task.plan` then needs no query.
    of_page = {a.task_id for a in result.items}
    _tasks = db.scalars(select(Task).where(Task.id.in_(of_page)).options(joinedload(Task.plan))).all()
    states = queries.assignment_states(db, result.items)
    return AssignmentPage(items=[assignment_out(db, actor, a, state=states[a.id]) for a in result.items],
                          total=result.total, page=result.page, per_page=result.per_page)  # fmt: skip


@router.get("/assignments/{assignment_id}", response_model=AssignmentOut)
def get_assignment(
    assignment_id: int, db: DbSession, actor: Actor = Depends(require("assignment.read"))
) -> AssignmentOut:
    return assignment_out(db, actor, service.get_assignment(db, actor, assignment_id), detail=True)


@router.put("/assignments/{assignment_id}/reports/{period_id}", response_model=ReportOut)
def save_draft(
    assignment_id: int, period_id: int, body: DraftIn, db: DbSession,
    actor: Actor = Depends(require("report.write")),
) -> ReportOut:  # fmt: skip
    report = service.save_draft(db, actor, assignment_id, period_id, text=body.text, percent=body.percent,
                                work_status=body.work_status, version=body.version)  # fmt: skip
    return report_out(report)


@router.get("/reports", response_model=ReportPage)
def list_reports(
    db: DbSession, state: str = "submitted", unit_id: int | None = None, sort: str = "submitted",
    page: int = 1, per_page: int = 50, actor: Actor = Depends(require("assignment.read")),
) -> ReportPage:  # fmt: skip
    result = queries.review_queue(
        db, actor, state=state, unit_id=unit_id, sort=sort, page=page, per_page=per_page
    )
    return ReportPage(items=[report_out(r) for r in result.items], total=result.total, page=result.page,
                      per_page=result.per_page)  # fmt: skip


@router.get("/reports/{report_id}", response_model=ReportOut)
def get_report(
    report_id: int, db: DbSession, actor: Actor = Depends(require("assignment.read"))
) -> ReportOut:
    return report_out(service.get_report(db, actor, report_id))


@router.post("/reports/{report_id}/submit", response_model=ReportOut)
def submit(
    report_id: int, body: VersionIn, db: DbSession, actor: Actor = Depends(require("report.write"))
) -> ReportOut:
    return report_out(service.submit_report(db, actor, report_id, body.version))


@router.post("/reports/{report_id}/accept", response_model=ReportOut)
def accept(
    report_id: int, body: VersionIn, db: DbSession, actor: Actor = Depends(require("report.review"))
) -> ReportOut:
    return report_out(service.accept_report(db, actor, report_id, body.version))


@router.post("/reports/{report_id}/return", response_model=ReportOut)
def return_(
    report_id: int, body: ReturnIn, db: DbSession, actor: Actor = Depends(require("report.review"))
) -> ReportOut:
    return report_out(service.return_report(db, actor, report_id, body.reason, body.version))


@router.post("/reports/{report_id}/attachments", response_model=AttachmentOut, status_code=201)
def upload(
    report_id: int, file: UploadFile, request: Request, db: DbSession,
    actor: Actor = Depends(require("report.write")),
) -> AttachmentOut:  # fmt: skip
    settings = request.app.state.settings
    limit = settings.max_upload_mb * 1024 * 1024
    data = file.file.read(limit + 1)
    att = service.add_attachment(db, actor, report_id, filename=file.filename or "", data=data,
                                 content_type=file.content_type or "", files_dir=settings.files_dir,
                                 max_bytes=limit)  # fmt: skip
    return AttachmentOut.model_validate(att, from_attributes=True)


@router.get("/attachments/{attachment_id}", response_class=FileResponse)
def download(
    attachment_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("assignment.read"))
) -> FileResponse:
    att = service.get_attachment(db, actor, attachment_id)
    path = service.file_path(request.app.state.settings.files_dir, att.sha256)
    return FileResponse(path, media_type=att.content_type, filename=att.filename)


@router.post("/assignments/{assignment_id}/escalations", response_model=EscalationOut, status_code=201)
def escalate(
    assignment_id: int, body: EscalationIn, db: DbSession, actor: Actor = Depends(require("escalation.issue"))
) -> EscalationOut:
    esc = service.issue_escalation(db, actor, assignment_id, reason=body.reason, respond_by=body.respond_by)
    return escalation_out(esc)


@router.post("/escalations/{escalation_id}/acknowledge", response_model=EscalationOut)
def acknowledge(
    escalation_id: int, body: AckIn, db: DbSession, actor: Actor = Depends(require("escalation.ack"))
) -> EscalationOut:
    return escalation_out(service.acknowledge_escalation(db, actor, escalation_id, body.response))
