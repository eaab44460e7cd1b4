"""Assessment (质量工作考核): scheme versions (考核方案), cycles (考核周期), each unit's assessment
(自评分 → 核定分 → 评分表) and its evidence files (佐证材料).

The scheme itself is pure data (`qcity.assessment.scheme`); these tables freeze it and the inputs scored
under it so a published result can be recomputed to the cent years later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcity.db.base import Base, IdMixin, TimestampMixin, UTCDateTime, utcnow

CYCLE_STATES = ("open", "verifying", "published", "closed")
PUBLISHED_STATES = ("published", "closed")
SELF_STATES = ("draft", "submitted")


class AssessmentScheme(IdMixin, Base):
    """考核方案 (one version): the item tree, scoring rules, bonuses, penalties, vetoes and grade bands.

    Immutable: any change is a new row with the next `version` under the same (region, code). A cycle
    points at the exact version it was opened under, so later edits never touch its figures.
    """

    __tablename__ = "assessment_scheme"
    __table_args__ = (UniqueConstraint("region_id", "code", "version"),)

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # the scheme family across versions
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # scheme_to_dict(); never updated
    source_name: Mapped[str | None] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    region = relationship("Region")


class AssessmentCycle(IdMixin, TimestampMixin, Base):
    """考核周期: one assessment year under one frozen scheme version: open (自评) → verifying (核定) →
    published (公布) → closed (归档)."""

    __tablename__ = "assessment_cycle"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("assessment_scheme.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)  # assessment year, labelled by the calendar year it begins in
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    bottom_n: Mapped[int] = mapped_column(Integer, default=3)  # 后N名 report rectification
    publish_sheets: Mapped[bool] = mapped_column(Boolean, default=False)  # publish every unit's sheet too
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    scheme: Mapped[AssessmentScheme] = relationship(lazy="joined")
    units: Mapped[list[UnitAssessment]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="UnitAssessment.id"
    )


class UnitAssessment(IdMixin, TimestampMixin, Base):
    """单位考核: one unit in one cycle — 自评分 per manual item, 核定分 with reasons, 加分/扣分 claimed and
    verified, 一票否决, the metric snapshot scored from and the computed 评分表 (sheet), score, grade, rank.

    JSON holds Decimal values as strings so no float ever enters the arithmetic.
    `version` counts saves of the inputs (自评, 核定) and is checked by hand as an optimistic lock; the computed
    columns (sheet, score, rank) are rewritten for every unit whenever any input changes, so they must not
    bump it (a SQLAlchemy version_id_col would), or one unit's save would invalidate every other open form.
    """

    __tablename__ = "unit_assessment"
    __table_args__ = (UniqueConstraint("cycle_id", "unit_id"),)

    cycle_id: Mapped[int] = mapped_column(ForeignKey("assessment_cycle.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    self_state: Mapped[str] = mapped_column(String(16), default="draft")
    self_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # code → {"score", "note"}
    self_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # code → {"score", "reason"}
    vetoes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # veto code → facts
    adjustments: Mapped[list[Any]] = mapped_column(JSON, default=list)  # bonus/penalty entries
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # values, sources, details, as_of
    metrics_frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    sheet: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the computed 评分表
    final_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    grade: Mapped[str | None] = mapped_column(String(8))
    rank: Mapped[int | None] = mapped_column(Integer)
    rectify: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    cycle: Mapped[AssessmentCycle] = relationship(back_populates="units")
    unit = relationship("Unit", lazy="joined")
    evidence: Mapped[list[AssessmentEvidence]] = relationship(
        back_populates="unit_assessment", cascade="all, delete-orphan", order_by="AssessmentEvidence.id"
    )


class AssessmentEvidence(IdMixin, Base):
    """考核佐证材料: a file a unit attaches to a manual item or a bonus claim, stored by its SHA-256."""

    __tablename__ = "assessment_evidence"

    unit_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("unit_assessment.id", ondelete="CASCADE"), index=True
    )
    item_code: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    unit_assessment: Mapped[UnitAssessment] = relationship(back_populates="evidence")
