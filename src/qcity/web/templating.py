"""Jinja2 set-up: Chinese formatting filters and the globals every page uses."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from qcity.config import Settings
from qcity.kit.dates import fmt_date, fmt_datetime
from qcity.tasks.lights import LIGHT_NAMES

STATE_NAMES = {"draft": "草稿", "submitted": "待审核", "returned": "已退回", "accepted": "已通过"}
WORK_STATUS_NAMES = {
    "not_started": "未启动",
    "in_progress": "推进中",
    "completed": "已完成",
    "delayed": "滞后",
}
ROLE_IN_TASK = {"lead": "牵头", "participant": "参与"}
OP_NAMES = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "≈", "increase": "提高", "decrease": "下降",
            "range": "区间", "qualitative": "定性"}  # fmt: skip


def fmt_number(value: float | int | None, unit: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text}{unit or ''}"


# A field's name where an error message does not already say it. Fields whose messages always say what is wrong
# in full (a stale version, the ticked reports, the unit mapping) have none: "（版本）" after them only puzzled.
FIELD_NAMES = {
    "text": "进展情况", "percent": "完成百分比", "work_status": "工作状态", "reason": "原因", "file": "文件",
    "username": "用户名", "password": "密码", "role": "角色", "unit_ids": "所属单位", "name": "名称",
    "kind": "单位类型", "alias": "别名", "title": "方案标题", "tasks": "任务",
    "targets": "目标", "region_id": "地区", "state": "状态", "respond_by": "回复期限",
    "period_id": "报告期", "display_name": "姓名", "reporting_frequency": "报告频次",
    "response": "签收意见", "unit_id": "单位", "plan": "方案", "plan_id": "方案", "page": "页码",
    "since": "起始日期", "until": "截止日期", "object_id": "对象编号", "issued_on": "印发日期",
    "start_date": "开始日期", "end_date": "结束日期", "due_date": "完成时限",
}  # fmt: skip


def fmt_size(size: int | None) -> str:
    """A file size with its unit: 812字节, 12.5KB, 3.2MB."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{size}字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f}KB"
    return f"{size / 1024 / 1024:.1f}MB"


def fmt_percent(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}%"


def fmt_json(value: Any) -> str:
    """JSON as people can read it: Chinese characters as themselves, not \\u escapes (autoescape still applies)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def url_with(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (None or "" removes one): paging and sorting links."""
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params |= {k: v for k, v in changes.items() if v not in (None, "")}
    return request.url.path + ("?" + urlencode(params) if params else "")


def render(request: Request, template: str, ctx: dict[str, Any], status_code: int = 200) -> Response:
    """Render a page; every page gets the actor (for the nav) from the request."""
    ctx.setdefault("actor", getattr(request.state, "actor", None))
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, ctx, status_code=status_code)


def configure_templates(templates: Jinja2Templates, settings: Settings) -> Jinja2Templates:
    env = templates.env
    env.filters.update(date=fmt_date, datetime=fmt_datetime, number=fmt_number, size=fmt_size,
                       percent=fmt_percent)  # fmt: skip
    env.globals.update(
        settings=settings,
        demo=settings.demo,
        STATE_NAMES=STATE_NAMES,
        WORK_STATUS_NAMES=WORK_STATUS_NAMES,
        LIGHT_NAMES=LIGHT_NAMES,
        ROLE_IN_TASK=ROLE_IN_TASK,
        OP_NAMES=OP_NAMES,
        url_with=url_with,
        FIELD_NAMES=FIELD_NAMES,
    )
    return templates
