"""Supervision pages: a task with its assignments, reports and escalations; a liaison's work and report form
(autosaved draft, attachments); the office's review queue (accept or return, one by one or in bulk).

Every form works as plain HTML; htmx only adds the autosave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from starlette.datastructures import FormData, QueryParams

from qcity.accounts.actor import Actor
from qcity.kit.dates import fmt_datetime, today_cn
from qcity.kit.errors import DomainError, NotFound, ValidationError
from qcity.models import Assignment, ProgressReport, ReportingPeriod
from qcity.tasks import queries, service
from qcity.web.deps import DbSession, require
from qcity.web.templating import WORK_STATUS_NAMES, render

router = APIRouter(include_in_schema=False)


async def form_data(request: Request) -> FormData:
    """The posted form, for forms whose field names carry ids (parsed once; Starlette caches it)."""
    return await request.form()


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


# --- task -------------------------------------------------------------------------------------------------------


def _task_context(db: DbSession, actor: Actor, task_id: int) -> dict[str, Any]:
    task = service.task_of(db, actor, task_id)
    visible = queries.visible_assignments_of_task(db, actor, task.id)
    visible_ids = [a.id for a in visible]
    states = queries.assignment_states(db, list(task.assignments))
    reports = queries.reports_of_assignments(db, actor, visible_ids)
    escalations = queries.escalations_of_assignments(db, actor, visible_ids)
    by_asg: dict[int, list[ProgressReport]] = {}
    for r in reports:
        by_asg.setdefault(r.assignment_id, []).append(r)
    esc_by_asg: dict[int, list[Any]] = {}
    for e in escalations:
        esc_by_asg.setdefault(e.assignment_id, []).append(e)
    rollup = queries.task_rollup(db, task) if task.assignments else None
    return {
        "actor": actor, "task": task, "plan": task.plan, "assignments": list(task.assignments),
        "visible": set(visible_ids), "visible_list": visible, "states": states,
        "task_light": queries.task_light(list(states.values())) if task.assignments else None,
        "rollup": rollup, "reports": by_asg, "escalations": esc_by_asg, "today": today_cn(),
    }  # fmt: skip


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(
    task_id: int, request: Request, db: DbSession, actor: Actor = Depends(require("plan.read"))
) -> Response:
    return render(request, "tasks/task.html", _task_context(db, actor, task_id))


@router.post("/assignments/{assignment_id}/escalate")
def escalate(
    assignment_id: int, request: Request, db: DbSession, reason: str = Form(""), respond_by: str = Form(""),
    actor: Actor = Depends(require("escalation.issue")),
) -> Response:  # fmt: skip
    assignment = service.get_assignment(db, actor, assignment_id)
    task_id = assignment.task_id
    try:
        service.issue_escalation(db, actor, assignment_id, reason=reason, respond_by=respond_by)
    except DomainError as err:
        db.rollback()
        ctx = _task_context(db, actor, task_id) | {"error": err, "error_assignment": assignment_id,
                                                   "form": {"reason": reason, "respond_by": respond_by}}  # fmt: skip
        return render(request, "tasks/task.html", ctx, status_code=err.status)
    return RedirectResponse(f"/tasks/{task_id}?done=escalated#asg-{assignment_id}", status_code=303)


@router.post("/escalations/{escalation_id}/acknowledge")
def acknowledge(
    escalation_id: int, request: Request, db: DbSession, response: str = Form(""),
    actor: Actor = Depends(require("escalation.ack")),
) -> Response:  # fmt: skip
    esc = service.get_escalation(db, actor, escalation_id)
    task_id, assignment_id = esc.assignment.task_id, esc.assignment_id
    try:
        service.acknowledge_escalation(db, actor, escalation_id, response)
    except DomainError as err:
        db.rollback()
        ctx = _task_context(db, actor, task_id) | {"error": err, "error_assignment": assignment_id,
                                                   "form": {"response": response}}  # fmt: skip
        return render(request, "tasks/task.html", ctx, status_code=err.status)
    return RedirectResponse(f"/tasks/{task_id}?done=acknowledged", status_code=303)


# --- my work ----------------------------------------------------------------------------------------------------

MY_FILTERS = {"": "全部", "todo": "待填报", "submitted": "待审核", "returned": "已退回", "accepted": "已通过"}


@router.get("/my", response_class=HTMLResponse)
def my_work(
    request: Request,
    db: DbSession,
    state: str = "",
    page: int = 1,
    actor: Actor = Depends(require("report.write")),
) -> Response:
    state = state if state in MY_FILTERS else ""
    result = queries.my_work(db, actor, state=state, page=page, per_page=50)
    return render(request, "tasks/my.html", {"actor": actor, "page": result, "state": state,
                                            "filters": MY_FILTERS, "today": today_cn()})  # fmt: skip


def _own_assignment(db: DbSession, actor: Actor, assignment_id: int) -> Assignment:
    assignment = service.get_assignment(db, actor, assignment_id)
    if assignment.unit_id not in actor.unit_ids:
        raise NotFound("任务分工不存在")  # a lead unit sees participants' work but never fills it in
    return assignment


def _period(db: DbSession, assignment: Assignment, period_id: int | None) -> ReportingPeriod:
    if period_id:
        period = db.get(ReportingPeriod, period_id)
        if period is None or period.plan_id != assignment.task.plan_id:
            raise NotFound("报告期不存在")
        return period
    period = queries.current_period(db, assignment.task.plan_id)
    if period is None:
        raise NotFound("该方案没有报告期")
    return period


def _report_context(db: DbSession, actor: Actor, assignment: Assignment, period: ReportingPeriod,
                    form: Mapping[str, Any] | None = None, error: DomainError | None = None) -> dict[str, Any]:  # fmt: skip
    report = db.scalar(
        select(ProgressReport).where(
            ProgressReport.assignment_id == assignment.id, ProgressReport.period_id == period.id
        )
    )
    history = [
        r for r in queries.reports_of_assignments(db, actor, [assignment.id]) if r.period_id != period.id
    ]
    escalations = queries.escalations_of_assignments(db, actor, [assignment.id])
    state = queries.assignment_states(db, [assignment])[assignment.id]
    values = {
        "text": report.text if report else "",
        "percent": report.percent if report else (state.percent or 0),
        "work_status": report.work_status if report else ("completed" if state.completed else "in_progress"),
        "version": report.version if report else "",
    }
    if form:
        values |= {k: form.get(k, values[k]) for k in values}
    today = today_cn()
    begun = period.starts_on <= today  # no report before its period begins (service.save_draft)
    return {
        "actor": actor, "assignment": assignment, "task": assignment.task, "period": period, "report": report,
        "history": history, "escalations": escalations, "state": state, "values": values, "error": error,
        "work_statuses": WORK_STATUS_NAMES,
        "editable": begun and (report is None or report.state in service.EDITABLE_STATES),
        "periods": queries.periods_of_plan(db, actor, assignment.task.plan_id, begun_by=today),
    }  # fmt: skip


@router.get("/my/assignments/{assignment_id}", response_class=HTMLResponse)
def report_form(
    assignment_id: int, request: Request, db: DbSession, period_id: int | None = None,
    actor: Actor = Depends(require("report.write")),
) -> Response:  # fmt: skip
    assignment = _own_assignment(db, actor, assignment_id)
    period = _period(db, assignment, period_id)
    return render(request, "tasks/report_form.html", _report_context(db, actor, assignment, period))


@router.post("/my/assignments/{assignment_id}")
def report_save(
    assignment_id: int, request: Request, db: DbSession, period_id: int | None = Form(None),
    text: str = Form(""), percent: str = Form(""), work_status: str = Form("in_progress"),
    version: str = Form(""), action: str = Form("draft"), file: UploadFile | None = File(None),
    actor: Actor = Depends(require("report.write")),
) -> Response:  # fmt: skip
    """Save the draft (with an optional file) and, for 提交, submit it: one transaction, all or nothing."""
    assignment = _own_assignment(db, actor, assignment_id)
    period = _period(db, assignment, period_id)
    settings = request.app.state.settings
    try:
        report = service.save_draft(db, actor, assignment.id, period.id, text=text, percent=percent,
                                    work_status=work_status, version=_int(version))  # fmt: skip
        if file is not None and file.filename:
            limit = settings.max_upload_mb * 1024 * 1024
            service.add_attachment(db, actor, report.id, filename=file.filename, data=file.file.read(limit + 1),
                                   content_type=file.content_type or "", files_dir=settings.files_dir,
                                   max_bytes=limit)  # fmt: skip
        if action == "submit":
            service.submit_report(db, actor, report.id)
    except DomainError as err:
        db.rollback()  # nothing half-saved: not the text, not the file, not the state
        form = {"text": text, "percent": percent, "work_status": work_status, "version": version}
        ctx = _report_context(db, actor, assignment, period, form, err)
        return render(request, "tasks/report_form.html", ctx, status_code=err.status)
    done = "submitted" if action == "submit" else "saved"
    return RedirectResponse(
        f"/my/assignments/{assignment.id}?period_id={period.id}&done={done}", status_code=303
    )


@router.post("/my/assignments/{assignment_id}/autosave", response_class=HTMLResponse)
def report_autosave(
    assignment_id: int, request: Request, db: DbSession, period_id: int | None = Form(None),
    text: str = Form(""), percent: str = Form(""), work_status: str = Form("in_progress"), version: str = Form(""),
    actor: Actor = Depends(require("report.write")),
) -> Response:  # fmt: skip
    """htmx: save the draft as the liaison types; answers the status line and the new version (out of band)."""
    assignment = _own_assignment(db, actor, assignment_id)
    period = _period(db, assignment, period_id)
    try:
        report = service.save_draft(db, actor, assignment.id, period.id, text=text, percent=percent,
                                    work_status=work_status, version=_int(version))  # fmt: skip
        db.flush()
    except DomainError as err:
        db.rollback()
        html = Markup('<span id="autosave-status" class="field-error" role="status">未能自动保存：{}</span>').format(
            err.message)  # fmt: skip
        return HTMLResponse(html)
    html = Markup(
        '<span id="autosave-status" class="muted" role="status">草稿已自动保存（{}）</span>'
        '<input type="hidden" name="version" id="report-version" value="{}" hx-swap-oob="true">'
    ).format(fmt_datetime(report.updated_at), report.version)
    return HTMLResponse(html)


# --- review queue -----------------------------------------------------------------------------------------------

REVIEW_STATES = {"submitted": "待审核", "returned": "已退回", "accepted": "已通过"}
REVIEW_SORTS = {"submitted": "提交时间（早→晚）", "-submitted": "提交时间（晚→早）", "unit": "单位"}


def _review_context(db: DbSession, actor: Actor, request: Request, error: DomainError | None = None,
                    form: Mapping[str, Any] | None = None, view: str | None = None) -> dict[str, Any]:  # fmt: skip
    """`view`: the queue's query string (filters, sort, page) when it is not the request's own, as after a POST."""
    q = QueryParams(_without_done(request.url.query if view is None else view))
    state = q.get("state") or "submitted"
    state = state if state in REVIEW_STATES else "submitted"
    sort = q.get("sort") or "submitted"
    sort = sort if sort in REVIEW_SORTS else "submitted"
    unit_id, plan_id = _int(q.get("unit_id")), _int(q.get("plan_id"))
    result = queries.review_page(db, actor, state=state, unit_id=unit_id, plan_id=plan_id, sort=sort,
                                 page=_int(q.get("page")) or 1, per_page=50)  # fmt: skip
    return {
        "actor": actor, "page": result, "reports": [row[0] for row in result.items], "state": state,
        "sort": sort, "unit_id": unit_id, "plan_id": plan_id, "states": REVIEW_STATES, "sorts": REVIEW_SORTS,
        "units": queries.units_in_scope(db, actor), "plans": queries.plans_of_region(db, actor),
        "error": error, "form": form or {}, "query": str(q),
    }  # fmt: skip


def _without_done(query: str) -> str:
    """A queue view's query string without the last action's `done=` notice, which would pile up otherwise."""
    return urlencode([(k, v) for k, v in parse_qsl(query) if k != "done"])


@router.get("/review", response_class=HTMLResponse)
def review_queue(
    request: Request, db: DbSession, actor: Actor = Depends(require("report.review"))
) -> Response:
    return render(request, "tasks/review.html", _review_context(db, actor, request))


@router.post("/review")
def review_act(
    request: Request, db: DbSession, form: FormData = Depends(form_data),
    actor: Actor = Depends(require("report.review")),
) -> Response:  # fmt: skip
    """Accept or return one report (row buttons) or every ticked report (bulk buttons), all or nothing."""
    back = _without_done(str(form.get("back") or ""))
    try:
        done = _apply_review(db, actor, form)
    except DomainError as err:
        db.rollback()  # the error is shown over the same filtered, sorted page of the queue
        return render(request, "tasks/review.html", _review_context(db, actor, request, err, form, view=back),
                      status_code=err.status)  # fmt: skip
    sep = "&" if back else ""
    return RedirectResponse(f"/review?{back}{sep}done={done}", status_code=303)


def _apply_review(db: DbSession, actor: Actor, form: FormData) -> str:
    one_accept, one_return = _int(form.get("accept_one")), _int(form.get("return_one"))
    bulk = str(form.get("bulk") or "")

    def version(rid: int) -> int | None:
        return _int(form.get(f"version_{rid}"))

    if one_accept:
        service.accept_report(db, actor, one_accept, version(one_accept))
        return "accepted-1"
    if one_return:
        reason = str(form.get(f"reason_{one_return}") or "")
        if not reason.strip():
            raise ValidationError("退回时必须填写原因", "reason")
        service.return_report(db, actor, one_return, reason, version(one_return))
        return "returned-1"
    if bulk in ("accept", "return"):
        ids = [i for i in (_int(v) for v in form.getlist("report_ids")) if i]
        if not ids:
            raise ValidationError("请先勾选要处理的报告", "report_ids")
        reason = str(form.get("bulk_reason") or "")
        if bulk == "return" and not reason.strip():
            raise ValidationError("批量退回时必须填写原因", "reason")
        for rid in ids:
            if bulk == "accept":
                service.accept_report(db, actor, rid, version(rid))
            else:
                service.return_report(db, actor, rid, reason, version(rid))
        return f"{'accepted' if bulk == 'accept' else 'returned'}-{len(ids)}"
    return "none"
