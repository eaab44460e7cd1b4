"""Assignments (任务分工), reporting periods, progress reports (进展报告), attachments and escalations (督办)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcity.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

ROLES = ("lead", "participant")
REPORT_STATES = ("draft", "submitted", "returned", "accepted")
WORK_STATUSES = ("not_started", "in_progress", "completed", "delayed")


class Assignment(IdMixin, TimestampMixin, Base):
    """任务分工: one task × one responsible unit, as lead (牵头) or participant (参与/配合), with a due date."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="lead")
    due_date: Mapped[date | None] = mapped_column(Date)
    name_as_written: Mapped[str | None] = mapped_column(String(160))

    task = relationship("Task", back_populates="assignments")
    unit = relationship("Unit", lazy="joined")
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="assignment", order_by="ProgressReport.id"
    )
    escalations: Mapped[list[Escalation]] = relationship(
        back_populates="assignment", order_by="Escalation.id"
    )


class ReportingPeriod(IdMixin, Base):
    """报告期: a month, quarter, half-year or year of a plan, with the date its reports fall due."""

    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("plan_id", "starts_on"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(32))  # 2025年第1季度
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)


class ProgressReport(IdMixin, TimestampMixin, Base):
    """进展报告: a unit's report on one assignment for one period: draft → submitted → returned/accepted.

    `version` is an optimistic lock: two people saving the same report at once, the second gets a conflict.
    """

    __tablename__ = "progress_report"
    __table_args__ = (
        UniqueConstraint("assignment_id", "period_id"),
        # An assignment's reports in one state, covering its latest accepted report's lookup (migration p001)
        # and the on-time ranking (p002).
        Index(
            "ix_progress_report_assignment_state",
            "assignment_id",
            "state",
            "period_id",
            "percent",
            "work_status",
            "first_submitted_at",
        ),
    )

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[int] = mapped_column(Integer, default=0)
    work_status: Mapped[str] = mapped_column(String(16), default="in_progress")
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    return_reason: Mapped[str | None] = mapped_column(Text)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    assignment: Mapped[Assignment] = relationship(back_populates="reports")
    period = relationship("ReportingPeriod", lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="report", order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Attachment(IdMixin, Base):
    """佐证材料: an evidence file on a report, stored by its SHA-256 in the data directory."""

    __tablename__ = "attachment"

    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class Escalation(IdMixin, Base):
    """督办: the office's escalation notice on an assignment, and the unit's acknowledgement."""

    __tablename__ = "escalation"

    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    respond_by: Mapped[date | None] = mapped_column(Date)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship(back_populates="escalations")
