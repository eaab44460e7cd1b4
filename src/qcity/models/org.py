"""Regions (行政区划) and units (责任单位) with their aliases."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcity.db.base import Base, IdMixin, TimestampMixin

REGION_LEVELS = ("province", "city", "county", "district", "town")
UNIT_KINDS = ("department", "town", "committee", "office", "other")


class Region(IdMixin, TimestampMixin, Base):
    """行政区划: a province, city, county, district or town, in a tree.

    `path` is the materialised chain of ids ("/1/4/"), so a region's subtree is one LIKE query.
    """

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), unique=True)  # 行政区划代码 (GB/T 2260)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="/", index=True)

    parent: Mapped[Region | None] = relationship(remote_side="Region.id")


class Unit(IdMixin, TimestampMixin, Base):
    """责任单位: a department, town/street, the committee (委员会) or its office (办公室), in one region."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="department")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    region: Mapped[Region] = relationship()
    aliases: Mapped[list[UnitAlias]] = relationship(back_populates="unit", cascade="all, delete-orphan")


class UnitAlias(IdMixin, Base):
    """单位别名: one spelling of a unit's name (市市场监督管理局 / 市市场监管局), keyed by its canonical form."""

    __tablename__ = "unit_alias"
    __table_args__ = (UniqueConstraint("region_id", "canonical"),)

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(160))
    canonical: Mapped[str] = mapped_column(String(160))

    unit: Mapped[Unit] = relationship(back_populates="aliases")
