"""Indicator API: catalogue, an indicator with its cascade, values and judgements; entry, approval, unlocking,
import, the region overview and its Excel export."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.indicators import queries, service
from qcity.indicators.export import overview_xlsx
from qcity.indicators.queries import TargetView
from qcity.indicators.schemas import (
    ImportOut,
    IndicatorDetail,
    IndicatorOut,
    JudgementOut,
    OverviewOut,
    ResponsibilityIn,
    RowErrorOut,
    SyncIn,
    SyncOut,
    TargetIn,
    TargetOut,
    UnlockIn,
    ValueIn,
    ValueOut,
    VersionIn,
)
from qcity.kit.dates import today_cn
from qcity.kit.errors import Forbidden, Unauthenticated
from qcity.models import Indicator, IndicatorValue
from qcity.web.deps import CurrentActor, DbSession, read_upload, require

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_import(actor: CurrentActor) -> Actor:
    """Dependency: a liaison (for their unit's indicators) or the office may import values."""
    if not actor.is_authenticated:
        raise Unauthenticated()
    if not (actor.can("indicator.enter") or actor.can("indicator.manage")):
        raise Forbidden("只有责任单位联络员或办公室可以导入指标数值")
    return actor


def indicator_out(i: Indicator, target_count: int = 0, regions: list[str] | None = None) -> IndicatorOut:
    return IndicatorOut(id=i.id, name=i.name, unit=i.unit, direction=i.direction, natural_limit=i.natural_limit,
                        periodicity=i.periodicity, data_source=i.data_source, validation_rules=i.validation_rules,
                        target_count=target_count, regions=regions or [])  # fmt: skip


def target_out(v: TargetView) -> TargetOut:
    t = v.target
    return TargetOut(id=t.id, indicator_id=t.indicator_id, indicator_name=v.indicator.name, region_id=t.region_id,
                     region_name=t.region.name, plan_target_id=t.plan_target_id, op=t.op, value=t.value,
                     value_high=t.value_high, value_kind=t.value_kind, unit=t.unit, year=t.year, text=t.text,
                     baseline_value=t.baseline_value, baseline_period=t.baseline_period,
                     responsible_unit=v.unit_name, pending_values=v.pending,
                     judgement=JudgementOut(**asdict(v.judgement)))  # fmt: skip


def value_out(v: IndicatorValue) -> ValueOut:
    return ValueOut(id=v.id, indicator_id=v.indicator_id, region_id=v.region_id, region_name=v.region.name,
                    period_end=v.period_end, period_label=v.period_label, value=v.value, numerator=v.numerator,
                    denominator=v.denominator, comment=v.comment, source=v.source, state=v.state,
                    locked=v.locked, unlock_reason=v.unlock_reason, version=v.version)  # fmt: skip


@router.get("", response_model=list[IndicatorOut])
def list_indicators(
    db: DbSession, q: str = "", actor: Actor = Depends(require("indicator.read"))
) -> list[IndicatorOut]:
    return [indicator_out(r.indicator, r.targets, r.regions) for r in queries.catalogue(db, actor, q)]


@router.get("/overview", response_model=OverviewOut)
def overview(
    db: DbSession, region_id: int | None = None, actor: Actor = Depends(require("indicator.read"))
) -> OverviewOut:
    view = queries.overview(db, actor, region_id)
    return OverviewOut(region_id=view.region.id if view.region else None,
                       region_name=view.region.name if view.region else None, as_of=today_cn(),
                       counts=view.counts, targets=[target_out(v) for v in view.rows])  # fmt: skip


@router.get("/overview.xlsx", response_class=Response)
def overview_export(
    db: DbSession, region_id: int | None = None, actor: Actor = Depends(require("indicator.read"))
) -> Response:
    return xlsx_response(db, actor, region_id)


def xlsx_response(db: Session, actor: Actor, region_id: int | None) -> Response:
    view = queries.overview(db, actor, region_id)
    today = today_cn()
    name = f"indicator-overview-{today:%Y%m%d}.xlsx"
    return Response(overview_xlsx(view, today), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/sync", response_model=SyncOut)
def sync(body: SyncIn, db: DbSession, actor: Actor = Depends(require("indicator.manage"))) -> SyncOut:
    result = service.sync_plan(db, actor, body.plan_id) if body.plan_id else service.sync_all(db, actor)
    return SyncOut(**asdict(result))


@router.post("/import", response_model=ImportOut)
def import_values(
    file: UploadFile, request: Request, db: DbSession, actor: Actor = Depends(may_import)
) -> Response:
    outcome = service.import_file(db, actor, read_upload(request, file), file.filename or "")
    body = ImportOut(ok=outcome.ok, written=outcome.written, errors=[errors_out(e) for e in outcome.errors])
    return JSONResponse(body.model_dump(), status_code=200 if outcome.ok else 422)


def errors_out(e: service.RowError) -> RowErrorOut:
    return RowErrorOut(
        row=e.row, column=e.column, column_letter=e.column_letter, message=e.message, text=str(e)
    )


@router.post("/values/{value_id}/approve", response_model=ValueOut)
def approve(
    value_id: int, body: VersionIn, db: DbSession, actor: Actor = Depends(require("indicator.manage"))
) -> ValueOut:
    return value_out(service.approve_value(db, actor, value_id, body.version))


@router.post("/values/{value_id}/unlock", response_model=ValueOut)
def unlock(
    value_id: int, body: UnlockIn, db: DbSession, actor: Actor = Depends(require("indicator.manage"))
) -> ValueOut:
    return value_out(service.unlock_value(db, actor, value_id, body.reason, body.version))


@router.put("/targets/{target_id}", response_model=TargetOut)
def update_target(
    target_id: int, body: TargetIn, db: DbSession, actor: Actor = Depends(require("indicator.manage"))
) -> TargetOut:
    target = service.update_target(db, actor, target_id, baseline_value=body.baseline_value,
                                   baseline_period=body.baseline_period, evidence_accepted=body.evidence_accepted)  # fmt: skip
    return target_out(queries.views_of(db, [target])[0])


@router.get("/{indicator_id}", response_model=IndicatorDetail)
def get_indicator(
    indicator_id: int, db: DbSession, actor: Actor = Depends(require("indicator.read"))
) -> IndicatorDetail:
    indicator = service.get_indicator(db, actor, indicator_id)
    views = queries.views_of(db, queries.cascade(db, actor, indicator.id))
    base = indicator_out(indicator, len(views), list(dict.fromkeys(v.target.region.name for v in views)))
    return IndicatorDetail(**base.model_dump(), targets=[target_out(v) for v in views],
                           values=[value_out(v) for v in queries.values_of(db, actor, indicator.id)])  # fmt: skip


@router.post("/{indicator_id}/values", response_model=ValueOut, status_code=201)
def enter_value(
    indicator_id: int, body: ValueIn, db: DbSession, actor: Actor = Depends(require("indicator.enter"))
) -> ValueOut:
    row = service.enter_value(db, actor, indicator_id, period=body.period, value=body.value,
                              region_id=body.region_id, numerator=body.numerator, denominator=body.denominator,
                              comment=body.comment, version=body.version)  # fmt: skip
    return value_out(row)


@router.put("/{indicator_id}/responsibility", response_model=IndicatorOut)
def set_responsibility(
    indicator_id: int,
    body: ResponsibilityIn,
    db: DbSession,
    actor: Actor = Depends(require("indicator.manage")),
) -> IndicatorOut:
    service.set_responsibility(db, actor, indicator_id, body.region_id, body.unit_id)
    return indicator_out(service.get_indicator(db, actor, indicator_id))
