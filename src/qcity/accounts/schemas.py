"""Account API models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class LoginOut(BaseModel):
    token: str
    csrf_token: str
    user: UserOut


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    region_id: int | None
    unit_ids: list[int]


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: str = Field(max_length=32)
    display_name: str | None = Field(default=None, max_length=64)
    region_id: int | None = None
    unit_ids: list[int] = Field(default_factory=list, max_length=100)
