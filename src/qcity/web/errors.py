"""Errors become a JSON body under /api and a Chinese page (or htmx fragment) elsewhere. Never a traceback."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from qcity.kit.errors import Conflict, DomainError, NotFound, Unauthenticated, ValidationError
from qcity.web.templating import FIELD_NAMES

log = logging.getLogger("qcity.web")

FIELD_REASONS = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "date_from_datetime_parsing": "日期应按“2025-03-31”的格式填写",
    "date_parsing": "日期应按“2025-03-31”的格式填写",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "json_invalid": "JSON格式错误",
    "model_attributes_type": "格式无效",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "literal_error": "取值无效",
    "enum": "取值无效",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _render_error(request: Request, err: DomainError) -> Response:
    if _is_api(request):
        return JSONResponse(err.to_dict(), status_code=err.status)
    if isinstance(err, Unauthenticated) and request.method == "GET" and not request.headers.get("hx-request"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(here, safe='/')}", status_code=303)
    templates = request.app.state.templates
    template = "_error_fragment.html" if request.headers.get("hx-request") else "error.html"
    actor = getattr(request.state, "actor", None)
    return templates.TemplateResponse(
        request, template, {"error": err, "actor": actor}, status_code=err.status
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return _render_error(request, exc)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        return _render_error(request, Conflict("该记录已被他人修改，请刷新后重试", "version"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors: list[dict[str, Any]] = list(exc.errors())
        first = errors[0] if errors else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path", "form")]
        field = ".".join(loc) or None
        reason = FIELD_REASONS.get(str(first.get("type")), "格式无效")
        label = None if _is_api(request) else FIELD_NAMES.get(field or "")  # a page names it in Chinese
        err = ValidationError(
            f"“{label}”{reason}" if label else f"字段“{field}”{reason}" if field else f"请求{reason}", field
        )
        if _is_api(request):
            body = err.to_dict() | {"details": [{"field": ".".join(map(str, e.get("loc", ()))),
                                                 "reason": FIELD_REASONS.get(str(e.get("type")), "格式无效")}
                                                for e in errors]}  # fmt: skip
            return JSONResponse(body, status_code=422)
        return _render_error(request, err)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return _render_error(request, NotFound("页面不存在"))
        err = DomainError(str(exc.detail) if exc.detail else "请求无法处理")
        err.status = exc.status_code
        return _render_error(request, err)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = DomainError("服务器内部错误，请稍后重试；如持续出现请联系管理员")
        err.status = 500
        return _render_error(request, err)
