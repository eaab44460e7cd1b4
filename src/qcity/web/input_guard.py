"""Refuse NUL characters in any request text, before a handler sees it.

PostgreSQL cannot store U+0000 in a text column and no honest form or client sends one; refusing it here,
with the field named, keeps SQLite and PostgreSQL behaving alike and keeps a 500 out of every handler.
Uploaded file *contents* are not text and are left alone (only their file names are checked).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from qcity.kit.errors import ValidationError

NUL = "\x00"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def reject_nul(request: Request) -> None:
    for key, value in request.path_params.items():
        _check(key, str(value))
    for key, value in request.query_params.multi_items():
        _check(key, key + value)
    for key, value in request.cookies.items():  # a quoted cookie may spell NUL as \000
        _check(key, key + value)
    if request.method not in BODY_METHODS:
        return
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return  # FastAPI answers malformed JSON itself
        _walk(payload, "")
    elif ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        for key, value in (await request.form()).multi_items():
            _check(key, key + (value.filename or "" if isinstance(value, UploadFile) else value))


def _walk(value: Any, path: str) -> None:
    if isinstance(value, str):
        _check(path, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            _check(name, str(key))
            _walk(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}.{i}" if path else str(i))


def _check(field: str, text: str) -> None:
    if NUL in text:
        shown = field.replace(NUL, "\\0") or "请求"
        raise ValidationError(f"字段“{shown}”含有不允许的空字符（NUL）", shown)
