"""Pydantic in/out models of the assessment API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class SchemeOut(BaseModel):
    id: int
    region_id: int
    code: str
    name: str
    version: int
    source_name: str | None
    created_at: datetime


class SchemeDetail(SchemeOut):
    body: dict[str, Any]


class CycleIn(BaseModel):
    scheme_id: int
    year: int
    name: str = ""
    bottom_n: int = 3
    unit_ids: list[int] = Field(default_factory=list)
    publish_sheets: bool = False


class TransitionIn(BaseModel):
    action: str = Field(description="start_verification | reopen | publish | close | recompute")


class TransitionOut(BaseModel):
    state: str
    frozen: bool = False
    changed: list[str] = Field(default_factory=list)


class RankingRow(BaseModel):
    """rank, grade and rectify are None until the reader may see the results (a unit: after publication)."""

    id: int
    unit_id: int
    unit_name: str
    rank: int | None
    final_score: str | None
    grade: str | None
    vetoed: bool
    rectify: bool | None


class CycleOut(BaseModel):
    id: int
    region_id: int
    scheme_id: int
    name: str
    year: int
    period_start: date
    period_end: date
    state: str
    bottom_n: int
    publish_sheets: bool
    published_at: datetime | None
    closed_at: datetime | None


class CycleDetail(CycleOut):
    units: list[RankingRow]


class EvidenceOut(BaseModel):
    id: int
    item_code: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ClaimIn(BaseModel):
    kind: str = "bonus"
    code: str
    points: str | float
    reason: str = ""


class SelfIn(BaseModel):
    scores: dict[str, str | float | None] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    claims: list[ClaimIn] = Field(default_factory=list)
    submit: bool = False
    version: int | None = None


class VerifyIn(BaseModel):
    scores: dict[str, str | float | None] = Field(default_factory=dict)
    reasons: dict[str, str] = Field(default_factory=dict)
    claim_points: dict[int, str | float | None] = Field(default_factory=dict)
    claim_reasons: dict[int, str] = Field(default_factory=dict)
    entries: list[ClaimIn] = Field(default_factory=list)
    vetoes: dict[str, str] = Field(default_factory=dict)
    version: int | None = None


class UnitAssessmentOut(RankingRow):
    cycle_id: int
    self_state: str
    version: int
    # None when this reader may see only the ranking line; a blank grade until it may see the results
    sheet: dict[str, Any] | None = None
    inputs: dict[str, Any] | None = None  # self scores, verified scores, adjustments, vetoes, metric snapshot
    evidence: list[EvidenceOut] = Field(default_factory=list)
