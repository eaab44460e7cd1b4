"""Plan API models."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class TargetOut(BaseModel):
    id: int
    seq: int
    text: str
    indicator: str
    op: str
    value: float | None
    value_high: float | None
    unit: str | None
    year: int | None
    qualitative: bool


class PlanOut(BaseModel):
    id: int
    region_id: int
    title: str
    issuer: str | None
    issued_on: date | None
    start_date: date
    end_date: date
    reporting_frequency: str
    is_published: bool
    revision: int
    task_count: int
    targets: list[TargetOut] = Field(default_factory=list)


class ImportIn(BaseModel):
    region_id: int
    plan: dict[str, Any]
    mapping: dict[str, str | int] = Field(default_factory=dict)
    reporting_frequency: str = "quarterly"
    first_listed_leads: bool = True
    publish: bool = False


class PreviewIn(BaseModel):
    region_id: int
    plan: dict[str, Any]


class NameOut(BaseModel):
    name: str
    unit_id: int | None
    unit_name: str | None
    is_group: bool
    task_count: int


class ChangeOut(BaseModel):
    no: str
    title: str
    change: str


class PreviewOut(BaseModel):
    title: str
    task_count: int
    target_count: int
    names: list[NameOut]
    unresolved: list[str]
    replaces_plan_id: int | None
    changes: list[ChangeOut]
