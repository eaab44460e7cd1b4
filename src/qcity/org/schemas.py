"""Org API models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RegionOut(BaseModel):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


class UnitOut(BaseModel):
    id: int
    region_id: int
    name: str
    kind: str
    aliases: list[str]


class UnitIn(BaseModel):
    region_id: int
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field(default="department", max_length=16)
    aliases: list[str] = Field(default_factory=list, max_length=50)
