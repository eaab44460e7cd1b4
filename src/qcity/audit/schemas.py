"""Audit API models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class EventOut(BaseModel):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


class EventPage(BaseModel):
    items: list[EventOut]
    total: int
    page: int
    per_page: int


class VerifyOut(BaseModel):
    ok: bool
    count: int
    first_bad_id: int | None
    reason: str
