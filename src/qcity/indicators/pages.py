"""Indicator pages: the catalogue, an indicator (chart, cascade, judgement with its working, values; entry for the
responsible liaison, approval and unlocking for the office), the region overview with its Excel export, the
approval queue and the import page. Every form is plain HTML; a failed form re-renders with the input kept.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from qcity.accounts.actor import Actor
from qcity.accounts.scope import region_ids_in_scope, scoped
from qcity.indicators import queries, service
from qcity.indicators.api import may_import, xlsx_response
from qcity.indicators.export import target_words
from qcity.indicators.judgement import STATUS_LABELS
from qcity.indicators.validation import TEXT_LIMITS
from qcity.kit.dates import today_cn
from qcity.kit.errors import DomainError, ValidationError
from qcity.models import IndicatorValue, Region, Unit
from qcity.web.deps import DbSession, read_upload, require
from qcity.web.templating import render

router = APIRouter(include_in_schema=False)

DONE = {
    "entered": "数值已保存，等待办公室审核",
    "approved": "数值已审核并锁定",
    "unlocked": "数值已解锁，等待重新填报与审核",
    "responsibility": "责任单位已指定",
    "target": "目标基期已更新",
}
FIELDS = {"value": "数值", "period": "期间", "numerator": "分子", "denominator": "分母", "comment": "说明",
          "region_id": "地区", "reason": "解锁原因", "unit_id": "责任单位", "baseline_value": "基期值",
          "baseline_period": "基期", "version": "版本", "state": "状态", "file": "文件"}  # fmt: skip
STATUS_CLASS = {"achieved": "good", "on_track": "good", "needs_acceleration": "warn", "limited_progress": "warn",
                "moving_away": "bad", "missed": "bad", "unknown": "none", "needs_evidence": "none"}  # fmt: skip


def _common() -> dict[str, Any]:
    return {"STATUS_LABELS": STATUS_LABELS, "STATUS_CLASS": STATUS_CLASS, "FIELDS": FIELDS,
            "VALUE_STATES": queries.VALUE_STATES, "SOURCES": queries.SOURCES, "PERIODICITY_NAMES": queries.PERIODICITY_NAMES,
            "DIRECTION_NAMES": queries.DIRECTION_NAMES,
            "STATUS_ORDER": queries.STATUS_ORDER, "target_words": target_words,
            "period_name": period_name, "TEXT_LIMITS": TEXT_LIMITS}  # fmt: skip


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# --- catalogue --------------------------------------------------------------------------------------------


@router.get("/indicators", response_class=HTMLResponse)
def catalogue_page(
    request: Request,
    db: DbSession,
    q: str = "",
    done: str = "",
    actor: Actor = Depends(require("indicator.read")),
) -> Response:
    ctx = _common() | {"rows": queries.catalogue(db, actor, q), "q": q, "done": done}
    if actor.can("indicator.manage"):
        ctx["unsynced"] = service.unsynced_target_count(db, actor)
    return render(request, "indicators/catalogue.html", ctx)


@router.post("/indicators/sync")
def sync_page(db: DbSession, actor: Actor = Depends(require("indicator.manage"))) -> Response:
    result = service.sync_all(db, actor)
    return RedirectResponse(f"/indicators?done=sync-{result.targets_created}-{result.indicators_created}",
                            status_code=303)  # fmt: skip


# --- overview and export ----------------------------------------------------------------------------------


@router.get("/indicators/overview", response_class=HTMLResponse)
def overview_page(
    request: Request, db: DbSession, region_id: int | None = None, status: str = "",
    actor: Actor = Depends(require("indicator.read")),
) -> Response:  # fmt: skip
    view = queries.overview(db, actor, region_id)
    rows = [v for v in view.rows if not status or v.judgement.status == status]
    ctx = _common() | {"view": view, "rows": rows, "status": status, "regions": queries.target_regions(db, actor),
                       "today": today_cn()}  # fmt: skip
    return render(request, "indicators/overview.html", ctx)


@router.get("/indicators/overview.xlsx")
def overview_export_page(
    db: DbSession, region_id: int | None = None, actor: Actor = Depends(require("indicator.read"))
) -> Response:
    return xlsx_response(db, actor, region_id)


# --- approval queue ---------------------------------------------------------------------------------------


@router.get("/indicators/review", response_class=HTMLResponse)
def review_page(
    request: Request, db: DbSession, done: str = "", actor: Actor = Depends(require("indicator.manage"))
) -> Response:
    return _review(request, db, actor, done=DONE.get(done, ""))


def _review(
    request: Request, db: DbSession, actor: Actor, *, done: str = "", error: DomainError | None = None
) -> Response:
    ctx = _common() | {"values": queries.pending_values(db, actor), "done": done, "error": error}
    return render(request, "indicators/review.html", ctx, status_code=error.status if error else 200)


# --- import -----------------------------------------------------------------------------------------------


@router.get("/indicators/import", response_class=HTMLResponse)
def import_form(request: Request, actor: Actor = Depends(may_import)) -> Response:
    return render(request, "indicators/import.html", _common() | {"outcome": None})


@router.post("/indicators/import", response_class=HTMLResponse)
def import_upload(
    request: Request, db: DbSession, file: UploadFile | None = File(None), actor: Actor = Depends(may_import),
) -> Response:  # fmt: skip
    ctx: dict[str, Any] = _common() | {"outcome": None, "filename": file.filename if file else ""}
    try:
        data = read_upload(request, file, ".xlsx或.csv文件")
        outcome = service.import_file(db, actor, data, (file.filename if file else "") or "")
    except DomainError as err:
        db.rollback()
        return render(request, "indicators/import.html", ctx | {"error": err}, status_code=err.status)
    if not outcome.ok:
        db.rollback()
    return render(
        request, "indicators/import.html", ctx | {"outcome": outcome}, status_code=200 if outcome.ok else 422
    )


# --- one indicator ----------------------------------------------------------------------------------------


def period_name(d: date) -> str:
    """A period end as people say it: 2024年 for a year's end, 2024年6月 otherwise (as the import reads them)."""
    return f"{d.year}年" if (d.month, d.day) == (12, 31) else f"{d.year}年{d.month}月"


def _chart(
    views: list[queries.TargetView], values: list[IndicatorValue], region_id: int | None
) -> dict[str, Any]:
    """ECharts data for one region: approved values, pending ones, the baseline, and for each of the region's
    targets (a plan often sets one for 2025 and one for 2035) its target line and its deadline.

    The x axis is a category per period, named as people say it (2023年, 2024年上半年), with every year from the
    first value to the last target year, so that a year's value sits on its own year and a deadline on its target
    year. (On a time axis, 2023's value, dated 2023-12-31, sat on the 2024 tick.)
    """
    focus = [v for v in views if v.target.region_id == region_id]
    series = [v for v in values if v.region_id == region_id]
    labels: dict[date, str] = {}
    for v in series:
        labels.setdefault(v.period_end, v.period_label)
    out: dict[str, Any] = {
        "approved": [[labels[v.period_end], v.value] for v in series if v.state == "approved"],
        "pending": [[labels[v.period_end], v.value] for v in series if v.state != "approved"],
        "unit": focus[0].indicator.unit if focus else (values[0].indicator.unit if values else ""),
        "baseline": None, "targets": [],
    }  # fmt: skip
    for view in focus:
        j, t = view.judgement, view.target
        goal = j.goal if j.goal is not None else (t.value if t.op not in ("range", "qualitative") else None)
        words = target_words(t.op, t.value, t.value_high, t.unit or view.indicator.unit)
        mark: dict[str, Any] = {
            "goal": goal,
            "deadline": None,
            "band": None,
            "label": f"{t.year or ''}年目标 {words}",
        }
        if t.year:
            deadline = date(t.year, 12, 31)
            mark["deadline"] = labels.setdefault(deadline, period_name(deadline))
        if t.op == "range" and t.value is not None and t.value_high is not None:
            mark["band"] = [t.value, t.value_high]
        out["targets"].append(mark)
        if out["baseline"] is None and j.baseline is not None and j.baseline_period is not None:
            out["baseline"] = [
                labels.setdefault(j.baseline_period, period_name(j.baseline_period)),
                j.baseline,
            ]
    if labels:  # every year in between, so that the spacing reads as time
        for year in range(min(labels).year, max(labels).year + 1):
            labels.setdefault(date(year, 12, 31), f"{year}年")
    out["periods"] = [labels[d] for d in sorted(labels)]
    return out


def _detail_ctx(
    db: DbSession, actor: Actor, indicator_id: int, region_id: int | None = None, **extra: Any
) -> dict[str, Any]:
    indicator = service.get_indicator(db, actor, indicator_id)
    views = queries.views_of(db, queries.cascade(db, actor, indicator.id))
    values = queries.values_of(db, actor, indicator.id)
    entry_regions = service.entry_regions(db, actor, indicator.id)
    region_ids = [v.target.region_id for v in views]
    if region_id is None:
        candidates = (
            [actor.region_id] + [r.id for r in entry_regions] + region_ids + [v.region_id for v in values]
        )
        region_id = next(
            (r for r in candidates if r in region_ids or any(v.region_id == r for v in values)), None
        )
    focus = [v for v in views if v.target.region_id == region_id]
    shown = [v.target.region for v in focus] + [v.region for v in values if v.region_id == region_id]
    ctx: dict[str, Any] = _common() | {
        "indicator": indicator, "views": views, "focus": focus, "values": values, "region_id": region_id,
        "region": shown[0] if shown else None, "own_ids": set(),
        "entry_regions": entry_regions, "chart": _chart(views, values, region_id), "form": {}, "error": None,
        "responsibilities": queries.responsibilities_of(db, actor, indicator.id), "done": "",
    }  # fmt: skip
    if actor.can("indicator.manage"):
        own = region_ids_in_scope(actor)
        ctx["own_regions"] = list(db.scalars(select(Region).where(Region.id.in_(own)).order_by(Region.path)))
        ctx["own_ids"] = {r.id for r in ctx["own_regions"]}  # the regions above are read-only here
        ctx["units"] = list(
            db.scalars(scoped(select(Unit), Unit, actor).order_by(Unit.region_id, Unit.sort_order, Unit.name))
        )
    return ctx | extra


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_page(
    indicator_id: int, request: Request, db: DbSession, region_id: int | None = None, done: str = "",
    actor: Actor = Depends(require("indicator.read")),
) -> Response:  # fmt: skip
    ctx = _detail_ctx(db, actor, indicator_id, region_id, done=DONE.get(done, ""))
    return render(request, "indicators/detail.html", ctx)


def _fail(request: Request, db: DbSession, actor: Actor, indicator_id: int, err: DomainError,
          form: dict[str, Any], region_id: int | None = None) -> Response:  # fmt: skip
    db.rollback()
    ctx = _detail_ctx(db, actor, indicator_id, region_id, error=err, form=form)
    return render(request, "indicators/detail.html", ctx, status_code=err.status)


@router.post("/indicators/{indicator_id}/values")
def enter_value_page(
    indicator_id: int, request: Request, db: DbSession, period: str = Form(""), value: str = Form(""),
    region_id: str = Form(""), numerator: str = Form(""), denominator: str = Form(""), comment: str = Form(""),
    actor: Actor = Depends(require("indicator.enter")),
) -> Response:  # fmt: skip
    form = {"period": period, "value": value, "numerator": numerator, "denominator": denominator,
            "comment": comment, "region_id": region_id}  # fmt: skip
    region = int(region_id) if region_id.strip().isdigit() else None
    try:
        row = service.enter_value(db, actor, indicator_id, period=period, value=value, region_id=region,
                                  numerator=numerator, denominator=denominator, comment=comment)  # fmt: skip
    except DomainError as err:
        service.get_indicator(db, actor, indicator_id)  # an unseen indicator answers 404, not the form
        return _fail(request, db, actor, indicator_id, err, form, region)
    return RedirectResponse(f"/indicators/{indicator_id}?region_id={row.region_id}&done=entered#values",
                            status_code=303)  # fmt: skip


def _back(row: IndicatorValue, done: str, back: str) -> RedirectResponse:
    if back == "review":
        return RedirectResponse(f"/indicators/review?done={done}", status_code=303)
    return RedirectResponse(f"/indicators/{row.indicator_id}?region_id={row.region_id}&done={done}#values",
                            status_code=303)  # fmt: skip


@router.post("/indicators/values/{value_id}/approve")
def approve_page(
    value_id: int, request: Request, db: DbSession, version: str = Form(""), back: str = Form(""),
    actor: Actor = Depends(require("indicator.manage")),
) -> Response:  # fmt: skip
    row = service.get_value(db, actor, value_id)
    try:
        service.approve_value(db, actor, value_id, int(version) if version.isdigit() else None)
    except DomainError as err:
        if back == "review":  # stay on the queue the office was working through
            db.rollback()
            return _review(request, db, actor, error=err)
        return _fail(request, db, actor, row.indicator_id, err, {}, row.region_id)
    return _back(row, "approved", back)


@router.post("/indicators/values/{value_id}/unlock")
def unlock_page(
    value_id: int, request: Request, db: DbSession, reason: str = Form(""), version: str = Form(""),
    actor: Actor = Depends(require("indicator.manage")),
) -> Response:  # fmt: skip
    row = service.get_value(db, actor, value_id)
    try:
        service.unlock_value(db, actor, value_id, reason, int(version) if version.isdigit() else None)
    except DomainError as err:
        return _fail(request, db, actor, row.indicator_id, err, {"reason": reason, "unlock_id": value_id},
                     row.region_id)  # fmt: skip
    return _back(row, "unlocked", "")


@router.post("/indicators/{indicator_id}/responsibility")
def responsibility_page(
    indicator_id: int, request: Request, db: DbSession, region_id: str = Form(""), unit_id: str = Form(""),
    actor: Actor = Depends(require("indicator.manage")),
) -> Response:  # fmt: skip
    try:
        if not region_id.isdigit() or not unit_id.isdigit():
            raise ValidationError("请选择地区和责任单位", "unit_id", plain="region and unit required")
        service.set_responsibility(db, actor, indicator_id, int(region_id), int(unit_id))
    except DomainError as err:
        service.get_indicator(db, actor, indicator_id)
        return _fail(request, db, actor, indicator_id, err, {"unit_id": unit_id})
    return RedirectResponse(f"/indicators/{indicator_id}?region_id={region_id}&done=responsibility",
                            status_code=303)  # fmt: skip


@router.post("/indicators/targets/{target_id}")
def target_page(
    target_id: int, request: Request, db: DbSession, baseline_value: str = Form(""),
    baseline_period: str = Form(""), evidence_accepted: str = Form(""), evidence_field: str = Form(""),
    actor: Actor = Depends(require("indicator.manage")),
) -> Response:  # fmt: skip
    target = service.get_target(db, actor, target_id)
    try:
        service.update_target(db, actor, target_id, baseline_value=baseline_value, baseline_period=baseline_period,
                              evidence_accepted=(evidence_accepted == "on") if evidence_field else None)  # fmt: skip
    except DomainError as err:
        return _fail(request, db, actor, target.indicator_id, err,
                     {"baseline_value": baseline_value, "baseline_period": baseline_period}, target.region_id)  # fmt: skip
    return RedirectResponse(f"/indicators/{target.indicator_id}?region_id={target.region_id}&done=target",
                            status_code=303)  # fmt: skip
