"""The audit log (操作日志): filtered and paged on the server, exported as CSV with the same filters."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy import Select

from qcity.accounts.actor import Actor
from qcity.audit import queries
from qcity.audit.changes import change_rows, referenced_names
from qcity.kit.dates import CHINA, fmt_datetime, today_cn
from qcity.kit.errors import ValidationError
from qcity.web.deps import DbSession, require
from qcity.web.templating import render

router = APIRouter(include_in_schema=False)

OBJECT_NAMES = {
    "plan": "方案", "progress_report": "进展报告", "attachment": "附件", "escalation": "督办", "unit": "单位",
    "user": "用户", "region": "地区", "task": "任务", "assignment": "任务分工", "indicator": "指标",
    "indicator_target": "指标目标", "indicator_value": "指标数值", "indicator_import": "指标数值导入",
    "assessment_scheme": "考核方案", "assessment_cycle": "考核周期", "unit_assessment": "单位考核",
    "assessment_evidence": "考核佐证材料",
}  # fmt: skip
# Objects with a page of their own: the log links to it (the page still checks who may see it).
OBJECT_LINKS = {
    "plan": "/plans/{}", "task": "/tasks/{}", "indicator": "/indicators/{}", "assessment_scheme": "/assessment/schemes/{}",
    "assessment_cycle": "/assessment/cycles/{}", "unit_assessment": "/assessment/units/{}",
}  # fmt: skip
ACTION_NAMES = {
    "plan.import": "导入方案", "plan.revise": "修订方案", "plan.update": "修改方案", "report.create": "新建报告",
    "report.update": "修改报告", "report.submit": "提交报告", "report.accept": "通过报告", "report.return": "退回报告",
    "attachment.add": "上传附件", "escalation.issue": "发出督办", "escalation.acknowledge": "签收督办",
    "unit.create": "新建单位", "unit.alias": "添加单位别名", "user.create": "新建用户", "user.lock": "锁定账户",
    "region.create": "新建地区", "indicator.create": "新建指标", "indicator.update": "修改指标",
    "indicator.responsibility": "指定指标责任单位", "indicator_target.create": "新建指标目标",
    "indicator_target.update": "修改指标目标", "indicator_value.enter": "填报指标数值",
    "indicator_value.update": "修改指标数值", "indicator_value.import": "导入指标数值",
    "indicator_value.approve": "审核指标数值", "indicator_value.unlock": "解锁指标数值",
    "assessment_scheme.create": "导入考核方案", "assessment_cycle.open": "开启考核",
    "assessment_cycle.start_verification": "结束自评、开始核定", "assessment_cycle.publish": "公布考核结果",
    "assessment_cycle.close": "归档考核", "assessment_cycle.reopen": "退回自评",
    "assessment_cycle.recompute": "重新计算考核", "assessment_evidence.add": "上传考核佐证",
    "unit_assessment.save_self": "保存自评", "unit_assessment.submit": "提交自评", "unit_assessment.verify": "核定得分",
}  # fmt: skip
EXPORT_LIMIT = 100_000


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError("日期应按“2025-03-31”的格式填写", field) from None


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    since, until = _day(q.get("since"), "since"), _day(q.get("until"), "until")
    return {
        "object_type": q.get("object_type") or None,
        "action": q.get("action") or None,
        "actor_name": (q.get("actor_name") or "").strip() or None,
        "object_id": (q.get("object_id") or "").strip() or None,
        "since": datetime.combine(since, time(0), tzinfo=CHINA) if since else None,
        "until": datetime.combine(until + timedelta(days=1), time(0), tzinfo=CHINA) if until else None,
    }


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, db: DbSession, page: int = 1, actor: Actor = Depends(require("audit.read"))
) -> Response:
    filters = _filters(request)
    result = queries.events(db, actor, page=page, per_page=50, **filters)
    object_types, actions = queries.filter_values(db, actor)
    ctx = {
        "actor": actor, "page": result, "q": request.query_params, "today": today_cn(),
        "object_types": object_types, "actions": actions,
        "object_names": OBJECT_NAMES, "object_links": OBJECT_LINKS, "action_names": ACTION_NAMES,
        "export_query": request.url.query, "change_rows": change_rows,
        "names": referenced_names(db, result.items),
    }  # fmt: skip
    return render(request, "audit/log.html", ctx)


def _csv_rows(db: DbSession, stmt: Select[Any]) -> Iterator[str]:
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["序号", "时间", "操作人", "操作", "对象类型", "对象编号", "变更前", "变更后", "哈希"])
    yield "\ufeff" + buf.getvalue()  # BOM: Excel and WPS open UTF-8 CSV correctly
    for ev in db.scalars(stmt.limit(EXPORT_LIMIT).execution_options(yield_per=1000)):
        buf.seek(0)
        buf.truncate()
        out.writerow([ev.id, fmt_datetime(ev.at), ev.actor_name, ACTION_NAMES.get(ev.action, ev.action),
                      OBJECT_NAMES.get(ev.object_type, ev.object_type), ev.object_id,
                      _json(ev.before), _json(ev.after), ev.hash])  # fmt: skip
        yield buf.getvalue()


def _json(value: Any) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/audit/export.csv")
def audit_export(request: Request, db: DbSession, actor: Actor = Depends(require("audit.read"))) -> Response:
    stmt = queries.filtered(actor, **_filters(request))
    rows = list(_csv_rows(db, stmt))  # read inside the request's session, before it closes
    name = quote(f"操作日志-{today_cn().isoformat()}.csv")
    return StreamingResponse(iter(rows), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})  # fmt: skip
