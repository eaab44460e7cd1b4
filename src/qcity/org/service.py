"""Regions and units: create them, and resolve a unit's name as written to one unit by its aliases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.audit import service as audit
from qcity.extract.units import canonical_unit
from qcity.kit.errors import ValidationError
from qcity.models import Region, Unit, UnitAlias
from qcity.models.org import REGION_LEVELS, UNIT_KINDS

KIND_NAMES = {
    "department": "部门",
    "town": "镇街",
    "committee": "委员会",
    "office": "办公室",
    "other": "其他",
}


def create_region(
    session: Session, actor: Actor | None, *, code: str, name: str, level: str, parent_id: int | None = None
) -> Region:
    code, name = (code or "").strip(), (name or "").strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise ValidationError(
            "行政区划代码应为6、9或12位数字", "code", plain="region code must be 6, 9 or 12 digits"
        )
    if not name:
        raise ValidationError("地区名称不能为空", "name", plain="region name is empty")
    if level not in REGION_LEVELS:
        raise ValidationError(
            f"层级应为{'、'.join(REGION_LEVELS)}之一", "level", plain=f"bad level {level!r}"
        )
    if session.scalar(select(Region.id).where(Region.code == code)) is not None:
        raise ValidationError("行政区划代码已存在", "code", plain=f"region code {code} exists")
    parent = session.get(Region, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise ValidationError("上级地区不存在", "parent_id", plain=f"no region {parent_id}")
    region = Region(code=code, name=name, level=level, parent_id=parent_id)
    session.add(region)
    session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    audit.record(session, actor.user if actor else None, "region.create", "region", region.id,
                 after=audit.snapshot(region, ["code", "name", "level", "parent_id"]), region_id=region.id)  # fmt: skip
    return region


def create_unit(
    session: Session, actor: Actor | None, *, region_id: int, name: str, kind: str = "department",
    aliases: list[str] | None = None,
) -> Unit:  # fmt: skip
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationError(
            "单位名称不能为空，且不超过120个字符", "name", plain="unit name empty or too long"
        )
    if kind not in UNIT_KINDS:
        raise ValidationError("单位类型无效", "kind", plain=f"bad unit kind {kind!r}")
    if session.get(Region, region_id) is None:
        raise ValidationError("地区不存在", "region_id", plain=f"no region {region_id}")
    if find_unit(session, region_id, name) is not None:
        raise ValidationError(
            f"单位“{name}”已存在（或其别名已被使用）", "name", plain=f"unit {name!r} exists"
        )
    unit = Unit(region_id=region_id, name=name, kind=kind)
    session.add(unit)
    session.flush()
    for alias in [name, *(aliases or [])]:
        add_alias(session, None, unit, alias, audited=False)
    audit.record(session, actor.user if actor else None, "unit.create", "unit", unit.id,
                 after={"name": name, "kind": kind, "aliases": aliases or []}, region_id=region_id)  # fmt: skip
    return unit


def add_alias(session: Session, actor: Actor | None, unit: Unit, alias: str, *, audited: bool = True) -> None:
    """Record another spelling of a unit. One canonical form maps to one unit per region, never two."""
    alias = alias.strip()
    key = canonical_unit(alias)
    existing = session.scalar(
        select(UnitAlias).where(UnitAlias.region_id == unit.region_id, UnitAlias.canonical == key)
    )
    if existing is not None:
        if existing.unit_id != unit.id:
            raise ValidationError(f"名称“{alias}”已对应另一单位", "alias", plain=f"alias {alias!r} is taken")
        return
    session.add(UnitAlias(region_id=unit.region_id, unit_id=unit.id, alias=alias, canonical=key))
    session.flush()
    if audited:
        audit.record(session, actor.user if actor else None, "unit.alias", "unit", unit.id,
                     after={"alias": alias}, region_id=unit.region_id)  # fmt: skip


def find_unit(session: Session, region_id: int, name: str) -> Unit | None:
    key = canonical_unit(name.strip())
    return session.scalar(
        select(Unit)
        .join(UnitAlias, UnitAlias.unit_id == Unit.id)
        .where(UnitAlias.region_id == region_id, UnitAlias.canonical == key)
    )
