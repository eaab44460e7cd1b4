"""Units (单位) administration: list with aliases and workload, add a unit, add another spelling (alias)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.kit.errors import DomainError, NotFound, ValidationError
from qcity.models import Assignment, Region, Unit, UserUnit
from qcity.models.org import UNIT_KINDS
from qcity.org import service
from qcity.tasks.queries import paginate
from qcity.web.deps import DbSession, require
from qcity.web.templating import render

router = APIRouter(include_in_schema=False)


def _context(db: DbSession, actor: Actor, page: int, q: str = "") -> dict[str, Any]:
    stmt = scoped(select(Unit), Unit, actor).options(selectinload(Unit.aliases))
    if q:
        stmt = stmt.where(Unit.name.contains(q))
    result = paginate(db, stmt.order_by(Unit.region_id, Unit.sort_order, Unit.name), page, 50)
    ids = [u.id for u in result.items]
    work = dict(db.execute(select(Assignment.unit_id, func.count()).where(Assignment.unit_id.in_(ids))
                           .group_by(Assignment.unit_id)).all())  # fmt: skip
    people = dict(db.execute(select(UserUnit.unit_id, func.count()).where(UserUnit.unit_id.in_(ids))
                             .group_by(UserUnit.unit_id)).all())  # fmt: skip
    regions = list(db.scalars(scoped(select(Region), Region, actor).order_by(Region.path)))
    return {"actor": actor, "page": result, "work": work, "people": people, "kinds": service.KIND_NAMES,
            "regions": regions, "region_names": {r.id: r.name for r in regions}, "q": q, "form": {}}  # fmt: skip


@router.get("/admin/units", response_class=HTMLResponse)
def units_page(
    request: Request,
    db: DbSession,
    page: int = 1,
    q: str = "",
    actor: Actor = Depends(require("unit.manage")),
) -> Response:
    return render(request, "org/units.html", _context(db, actor, page, q.strip()))


@router.post("/admin/units")
def create_unit(
    request: Request, db: DbSession, name: str = Form(""), kind: str = Form("department"),
    region_id: str = Form(""), aliases: str = Form(""), actor: Actor = Depends(require("unit.manage")),
) -> Response:  # fmt: skip
    try:
        rid = int(region_id) if region_id.isdigit() else actor.region_id
        if rid is None or db.scalar(scoped(select(Region.id).where(Region.id == rid), Region, actor)) is None:
            raise ValidationError("地区不存在或不在您的管辖范围内", "region_id")
        extra = [a.strip() for a in aliases.replace("，", "、").replace(",", "、").split("、") if a.strip()]
        unit = service.create_unit(db, actor, region_id=rid, name=name, kind=kind, aliases=extra)
    except DomainError as err:
        db.rollback()
        ctx = _context(db, actor, 1) | {
            "error": err,
            "form": {"name": name, "kind": kind, "aliases": aliases},
        }
        return render(request, "org/units.html", ctx, status_code=err.status)
    return RedirectResponse(f"/admin/units?created={unit.id}#unit-{unit.id}", status_code=303)


@router.post("/admin/units/{unit_id}/aliases")
def add_alias(
    unit_id: int, request: Request, db: DbSession, alias: str = Form(""),
    actor: Actor = Depends(require("unit.manage")),
) -> Response:  # fmt: skip
    unit = db.scalar(scoped(select(Unit).where(Unit.id == unit_id), Unit, actor))
    if unit is None:
        raise NotFound("单位不存在")
    try:
        if not alias.strip():
            raise ValidationError("别名不能为空", "alias")
        service.add_alias(db, actor, unit, alias)
    except DomainError as err:
        db.rollback()
        ctx = _context(db, actor, 1) | {"error": err}
        return render(request, "org/units.html", ctx, status_code=err.status)
    return RedirectResponse(f"/admin/units#unit-{unit_id}", status_code=303)


__all__ = ["UNIT_KINDS", "router"]
