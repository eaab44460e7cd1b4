"""Plans (实施方案), their targets (主要目标), tasks (主要任务) and each task's responsible units."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcity.db.base import Base, IdMixin, TimestampMixin

if TYPE_CHECKING:
    from qcity.models.task import Assignment

REPORTING_FREQUENCIES = ("monthly", "quarterly", "half_yearly", "yearly")


class Plan(IdMixin, TimestampMixin, Base):
    """实施方案 / 实施意见 / 工作方案: a region's published plan with targets and tasks."""

    __tablename__ = "plan"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    issuer: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    horizon: Mapped[list[int]] = mapped_column(JSON, default=list)
    reporting_frequency: Mapped[str] = mapped_column(String(16), default="quarterly")
    report_grace_days: Mapped[int] = mapped_column(Integer, default=10)  # days after a period ends to report
    warn_days: Mapped[int] = mapped_column(Integer, default=3)  # yellow light within N days of a due date
    lead_weight: Mapped[int] = mapped_column(Integer, default=60)  # roll-up share of lead units, percent
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)  # visible to the public
    source_name: Mapped[str | None] = mapped_column(String(255))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    region = relationship("Region")
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.seq"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Task.seq"
    )


class PlanTarget(IdMixin, Base):
    """主要目标: a numeric (or qualitative) target a plan commits to, as written and as structured data."""

    __tablename__ = "plan_target"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(String(200))
    op: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)  # upper bound of a range
    unit: Mapped[str | None] = mapped_column(String(16))
    year: Mapped[int | None] = mapped_column(Integer)
    qualitative: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[Plan] = relationship(back_populates="targets")


class Task(IdMixin, TimestampMixin, Base):
    """主要任务: a numbered work item of a plan (a row of the 任务分解表)."""

    __tablename__ = "task"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    no: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    content: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str | None] = mapped_column(String(300))
    due_date: Mapped[date | None] = mapped_column(Date)
    deadline_text: Mapped[str | None] = mapped_column(String(100))
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)  # dropped by a revised plan

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    assignments: Mapped[list[Assignment]] = relationship(
        "Assignment", back_populates="task", cascade="all, delete-orphan", order_by="Assignment.id"
    )
