"""Plan API: plans, their targets and tasks; parse an uploaded plan; preview and confirm an import."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from sqlalchemy import func, select

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.models import Plan, Task
from qcity.plans import service
from qcity.plans.reading import parse_upload
from qcity.plans.schemas import (
    ImportIn,
    NameOut,
    PlanOut,
    PreviewIn,
    PreviewOut,
    TargetOut,
)
from qcity.web.deps import DbSession, read_upload, require

router = APIRouter(prefix="/api/v1", tags=["plans"])


def plan_out(db: DbSession, plan: Plan, with_targets: bool = False) -> PlanOut:
    count = (
        db.scalar(select(func.count(Task.id)).where(Task.plan_id == plan.id, Task.is_archived.is_(False)))
        or 0
    )
    targets = (
        [TargetOut.model_validate(t, from_attributes=True) for t in plan.targets] if with_targets else []
    )
    return PlanOut(id=plan.id, region_id=plan.region_id, title=plan.title, issuer=plan.issuer,
                   issued_on=plan.issued_on, start_date=plan.start_date, end_date=plan.end_date,
                   reporting_frequency=plan.reporting_frequency, is_published=plan.is_published,
                   revision=plan.revision, task_count=count, targets=targets)  # fmt: skip


@router.get("/plans", response_model=list[PlanOut])
def list_plans(db: DbSession, actor: Actor = Depends(require("public.read"))) -> list[PlanOut]:
    return [plan_out(db, p) for p in db.scalars(scoped(select(Plan), Plan, actor).order_by(Plan.id))]


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: int, db: DbSession, actor: Actor = Depends(require("public.read"))) -> PlanOut:
    return plan_out(db, service.get_plan(db, actor, plan_id), with_targets=True)


@router.post("/plans/parse")
def parse_plan(
    file: UploadFile, request: Request, actor: Actor = Depends(require("plan.import"))
) -> dict[str, Any]:
    return parse_upload(read_upload(request, file, "方案文件"), file.filename or "plan.txt").to_json()


@router.post("/plans/import/preview", response_model=PreviewOut)
def preview(body: PreviewIn, db: DbSession, actor: Actor = Depends(require("plan.import"))) -> PreviewOut:
    result = service.preview_import(db, actor, body.region_id, body.plan)
    return PreviewOut(
        title=result.title, task_count=result.task_count, target_count=result.target_count,
        names=[NameOut(**asdict(n)) for n in result.names], unresolved=[n.name for n in result.unresolved],
        replaces_plan_id=result.replaces_plan_id, changes=[asdict(c) for c in result.changes],  # type: ignore[misc]
    )  # fmt: skip


@router.post("/plans/import", response_model=PlanOut, status_code=201)
def confirm(body: ImportIn, db: DbSession, actor: Actor = Depends(require("plan.import"))) -> PlanOut:
    opts = service.ImportOptions(reporting_frequency=body.reporting_frequency,
                                 first_listed_leads=body.first_listed_leads, publish=body.publish)  # fmt: skip
    plan = service.confirm_import(db, actor, body.region_id, body.plan, body.mapping, opts)
    return plan_out(db, plan, with_targets=True)
