"""Org API: regions and units."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.kit.errors import ValidationError
from qcity.models import Region, Unit
from qcity.org import service
from qcity.org.schemas import RegionOut, UnitIn, UnitOut
from qcity.web.deps import DbSession, require

router = APIRouter(prefix="/api/v1", tags=["org"])


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(id=unit.id, region_id=unit.region_id, name=unit.name, kind=unit.kind,
                   aliases=[a.alias for a in unit.aliases])  # fmt: skip


@router.get("/regions", response_model=list[RegionOut])
def list_regions(db: DbSession, actor: Actor = Depends(require("plan.read"))) -> list[RegionOut]:
    rows = db.scalars(scoped(select(Region), Region, actor).order_by(Region.path))
    return [RegionOut(id=r.id, code=r.code, name=r.name, level=r.level, parent_id=r.parent_id) for r in rows]


@router.get("/units", response_model=list[UnitOut])
def list_units(
    db: DbSession, region_id: int | None = None, actor: Actor = Depends(require("plan.read"))
) -> list[UnitOut]:
    stmt = scoped(select(Unit), Unit, actor)
    if region_id is not None:
        stmt = stmt.where(Unit.region_id == region_id)
    return [unit_out(u) for u in db.scalars(stmt.order_by(Unit.region_id, Unit.sort_order, Unit.id))]


@router.post("/units", response_model=UnitOut, status_code=201)
def create_unit(body: UnitIn, db: DbSession, actor: Actor = Depends(require("unit.manage"))) -> UnitOut:
    if db.scalar(scoped(select(Region.id).where(Region.id == body.region_id), Region, actor)) is None:
        raise ValidationError("地区不存在或不在您的管辖范围内", "region_id")
    unit = service.create_unit(db, actor, region_id=body.region_id, name=body.name, kind=body.kind,
                               aliases=body.aliases)  # fmt: skip
    return unit_out(unit)
