"""Supervision API models: tasks, assignments, reports, attachments, escalations."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class AssignmentBrief(BaseModel):
    id: int | None
    unit_id: int
    unit_name: str
    role: str
    due_date: date | None
    light: str | None = None
    percent: int | None = None


class TaskOut(BaseModel):
    id: int
    plan_id: int
    no: str
    title: str
    content: str
    section: str | None
    due_date: date | None
    light: str | None
    progress: float | None
    progress_label: str
    assignments: list[AssignmentBrief]


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    page: int
    per_page: int


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ReportOut(BaseModel):
    id: int
    assignment_id: int
    period_id: int
    period_label: str
    text: str
    percent: int
    work_status: str
    state: str
    return_reason: str | None
    return_count: int
    submitted_at: datetime | None
    reviewed_at: datetime | None
    version: int
    attachments: list[AttachmentOut]


class EscalationOut(BaseModel):
    id: int
    assignment_id: int
    reason: str
    respond_by: date | None
    issued_at: datetime
    acknowledged_at: datetime | None
    response: str | None


class PeriodOut(BaseModel):
    id: int
    label: str
    starts_on: date
    ends_on: date
    due_on: date


class AssignmentOut(BaseModel):
    id: int
    task_id: int
    task_no: str
    task_title: str
    plan_id: int
    unit_id: int
    unit_name: str
    role: str
    due_date: date | None
    light: str
    percent: int | None
    reports: list[ReportOut] = Field(default_factory=list)
    escalations: list[EscalationOut] = Field(default_factory=list)


class AssignmentPage(BaseModel):
    items: list[AssignmentOut]
    total: int
    page: int
    per_page: int


class ReportPage(BaseModel):
    items: list[ReportOut]
    total: int
    page: int
    per_page: int


class DraftIn(BaseModel):
    text: str = Field(default="", max_length=20000)
    percent: int = Field(default=0, ge=0, le=100)
    work_status: str = Field(default="in_progress", max_length=16)
    version: int | None = None


class VersionIn(BaseModel):
    version: int | None = None


class ReturnIn(BaseModel):
    reason: str = Field(max_length=2000)
    version: int | None = None


class EscalationIn(BaseModel):
    reason: str = Field(max_length=2000)
    respond_by: date | None = None


class AckIn(BaseModel):
    response: str = Field(default="", max_length=2000)
