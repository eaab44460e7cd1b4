"""Indicator API models."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class IndicatorOut(BaseModel):
    id: int
    name: str
    unit: str
    direction: str | None
    natural_limit: float | None
    periodicity: str
    data_source: str
    validation_rules: list[dict[str, object]] | None
    target_count: int = 0
    regions: list[str] = Field(default_factory=list)


class JudgementOut(BaseModel):
    status: str
    label: str
    ratio: float | None
    baseline: float | None
    baseline_period: date | None
    latest: float | None
    latest_period: date | None
    goal: float | None
    needed_rate: float | None
    achieved_rate: float | None
    method: str | None
    working: list[str]


class TargetOut(BaseModel):
    id: int
    indicator_id: int
    indicator_name: str
    region_id: int
    region_name: str
    plan_target_id: int | None
    op: str
    value: float | None
    value_high: float | None
    value_kind: str | None
    unit: str
    year: int | None
    text: str
    baseline_value: float | None
    baseline_period: date | None
    responsible_unit: str | None = None
    pending_values: int = 0
    judgement: JudgementOut | None = None


class ValueOut(BaseModel):
    id: int
    indicator_id: int
    region_id: int
    region_name: str
    period_end: date
    period_label: str
    value: float
    numerator: float | None
    denominator: float | None
    comment: str | None
    source: str
    state: str
    locked: bool
    unlock_reason: str | None
    version: int


class IndicatorDetail(IndicatorOut):
    targets: list[TargetOut]
    values: list[ValueOut]


class OverviewOut(BaseModel):
    region_id: int | None
    region_name: str | None
    as_of: date
    counts: dict[str, int]
    targets: list[TargetOut]


class ValueIn(BaseModel):
    """Lengths and values are checked by the service, which names the field in Chinese (说明 at most 2,000
    characters, refused beyond — never cut; a period that has ended)."""

    period: str = Field(
        description="2024, 2024年第一季度, 2024年上半年, 2024年6月 … (a period that has ended)"
    )
    value: float | None = Field(
        default=None,
        description="empty: numerator / denominator × the ratio rule's scale, when both are given",
    )
    region_id: int | None = None
    numerator: float | None = None
    denominator: float | None = None
    comment: str | None = Field(default=None, description="说明, at most 2,000 characters")
    version: int | None = None


class VersionIn(BaseModel):
    version: int | None = None


class UnlockIn(BaseModel):
    reason: str = Field(description="解锁原因, at most 2,000 characters (checked by the service)")
    version: int | None = None


class ResponsibilityIn(BaseModel):
    region_id: int
    unit_id: int


class TargetIn(BaseModel):
    baseline_value: float | None = None
    baseline_period: str | None = Field(default=None, max_length=32)
    evidence_accepted: bool | None = None


class SyncIn(BaseModel):
    plan_id: int | None = None


class SyncOut(BaseModel):
    plans: int
    indicators_created: int
    targets_created: int
    targets_updated: int
    skipped: list[str]


class RowErrorOut(BaseModel):
    row: int
    column: str
    column_letter: str
    message: str
    text: str


class ImportOut(BaseModel):
    ok: bool
    written: int
    errors: list[RowErrorOut]
