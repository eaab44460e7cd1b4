"""Indicators (指标): the catalogue, who reports each one where, the targets plans set on them, the values
reported per region and period, and the judgement thresholds (研判规则) kept as data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcity.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

PERIODICITIES = ("monthly", "quarterly", "half_yearly", "yearly")
DATA_SOURCES = ("entered", "computed", "imported")
DIRECTIONS = ("up", "down")
VALUE_STATES = ("entered", "approved")
RULE_STATUSES = ("in_force", "draft")


class Indicator(IdMixin, TimestampMixin, Base):
    """指标: one measurable quantity in the catalogue (指标库), shared by every region that targets it.

    `key` is the normalised name: the targets of several plans (制造业质量竞争力指数 in the national outline,
    in 宜昌's and in 重庆's plans) meet on it. `natural_limit` is the value it cannot pass (100 for a pass rate).
    `validation_rules` holds rules as data (see qcity.indicators.validation); None means the defaults.
    `region_id` is the region whose office created the entry; None for a catalogue entry shared by all.
    """

    __tablename__ = "indicator"

    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16), default="")
    direction: Mapped[str | None] = mapped_column(String(8))
    natural_limit: Mapped[float | None] = mapped_column(Float)
    periodicity: Mapped[str] = mapped_column(String(16), default="yearly")
    data_source: Mapped[str] = mapped_column(String(16), default="entered")
    validation_rules: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    targets: Mapped[list[IndicatorTarget]] = relationship(
        back_populates="indicator", order_by="IndicatorTarget.id"
    )


class IndicatorResponsibility(IdMixin, Base):
    """指标责任单位: the unit that reports an indicator's values in one region (its liaison enters them)."""

    __tablename__ = "indicator_responsibility"
    __table_args__ = (UniqueConstraint("indicator_id", "region_id"),)

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)

    unit = relationship("Unit", lazy="joined")


class IndicatorTarget(IdMixin, TimestampMixin, Base):
    """指标目标值: what one region's plan commits an indicator to (目标值, 目标年份), with its baseline (基期值).

    Created from a plan's target (主要目标, `plan_target_id`) or by the office. op is one of the judgement's
    comparators; value_high is the upper bound of a range; value_kind says how an increase/decrease is meant.
    """

    __tablename__ = "indicator_target"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    plan_target_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_target.id", ondelete="SET NULL"), unique=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    op: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    value_kind: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(16), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_period: Mapped[date | None] = mapped_column(Date)
    evidence_accepted: Mapped[bool] = mapped_column(Boolean, default=False)  # 佐证材料已认可 (qualitative)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")
    region = relationship("Region", lazy="joined")


class IndicatorValue(IdMixin, TimestampMixin, Base):
    """指标数值: an indicator's value for one region and period (统计期), entered or imported, then approved.

    entered → approved (locked, 审核锁定). Unlocking needs a reason and sends it back to entered. `version` is
    an optimistic lock: two people saving the same value at once, the second gets a conflict.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "region_id", "period_end"),)

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    period_end: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="entered")  # entered / imported / computed
    state: Mapped[str] = mapped_column(String(16), default="entered", index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unlock_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    indicator: Mapped[Indicator] = relationship()
    region = relationship("Region", lazy="joined")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class JudgementRule(IdMixin, Base):
    """研判规则: one threshold of the on-track judgement (e.g. on_track = 0.95), with its source and effective date.

    Policy numbers live here, not in code (ARCHITECTURE.md §6). For each code the judgement uses the latest row
    in force whose effective date has come.
    """

    __tablename__ = "judgement_rule"
    __table_args__ = (UniqueConstraint("code", "effective_from"),)

    code: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(300), default="")  # 依据 and 条款
    effective_from: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="in_force")
