"""What an audit event changed, in words: each field by its Chinese name, coded values by theirs (操作日志).

The event keeps the field codes and raw values (they are hashed into the chain and exported as they are); only the
page translates them. A field or value with no name here shows as its code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.permissions import ROLE_NAMES
from qcity.assessment.queries import CYCLE_STATE_NAMES, SELF_STATE_NAMES
from qcity.indicators.queries import DIRECTION_NAMES, PERIODICITY_NAMES, SOURCES, VALUE_STATES
from qcity.kit.dates import fmt_date
from qcity.models import AssessmentScheme, AuditEvent, Indicator, Region, Unit
from qcity.org.service import KIND_NAMES
from qcity.plans.periods import FREQUENCY_NAMES
from qcity.web.templating import FIELD_NAMES, OP_NAMES, STATE_NAMES, WORK_STATUS_NAMES, fmt_json

# The fields the pages already name (templating.FIELD_NAMES), and those only the log shows. Where a name there is
# narrower than the log's field (a plan's 方案标题; a task has a title too), the log's own wins.
FIELD_LABELS = FIELD_NAMES | {
    # plans, tasks, reports, escalations, attachments
    "title": "标题", "revision": "版本号", "tasks": "任务数", "targets": "目标数", "no": "序号", "content": "内容",
    "is_archived": "已归档", "return_reason": "退回原因", "version": "修改次数", "assignment_id": "任务分工",
    "report_id": "进展报告", "filename": "文件名", "size": "大小", "sha256": "SHA-256",
    # organisation and accounts
    "code": "代码", "level": "层级", "parent_id": "上级地区", "kind": "类型", "aliases": "别名", "unit": "单位",
    "role_code": "角色", "is_active": "启用", "locked_until": "锁定至",
    # indicators
    "key": "指标代码", "direction": "方向", "natural_limit": "自然上限", "periodicity": "统计周期",
    "data_source": "数据来源", "validation_rules": "校验规则", "indicator_id": "指标", "op": "目标类型",
    "value": "数值", "value_high": "区间上限", "value_kind": "数值类型", "year": "年份", "baseline_value": "基期值",
    "baseline_period": "基期", "evidence_accepted": "可用佐证", "period_end": "统计期末", "numerator": "分子",
    "denominator": "分母", "comment": "说明", "locked": "已锁定", "unlock_reason": "解锁原因", "source": "来源",
    "rows": "行数", "changed": "变更数",
    # assessment
    "bottom_n": "末位数", "publish_sheets": "公开评分表", "scheme_id": "考核方案", "units": "参评单位",
    "self_state": "自评状态", "self_scores": "自评分", "verified_scores": "核定分", "vetoes": "一票否决",
    "adjustments": "加减分", "unit_assessment_id": "单位考核", "item_code": "考核项目",
    # inside assessment scores
    "score": "得分", "points": "分值", "note": "说明", "claimed": "申报", "verified": "核定", "by": "提出方",
    "verify_reason": "核定说明",
    # the demo marks what it generated
    "demo": "演示数据",
}  # fmt: skip
# Fields that hold another object's id: the page shows that object's name.
ID_FIELDS: dict[str, Any] = {"region_id": Region, "parent_id": Region, "unit_id": Unit, "unit_ids": Unit,
                             "indicator_id": Indicator, "scheme_id": AssessmentScheme}  # fmt: skip
Names = Mapping[tuple[str, int], str]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
LEVEL_NAMES = {"province": "省", "city": "市", "county": "县", "district": "区", "town": "乡镇街道"}
# Coded values by field; a field whose codes differ by object type is keyed by (object type, field).
VALUE_NAMES: dict[Any, dict[Any, str]] = {
    ("progress_report", "state"): STATE_NAMES, ("indicator_value", "state"): VALUE_STATES,
    ("assessment_cycle", "state"): CYCLE_STATE_NAMES, ("indicator_value", "source"): SOURCES,
    "work_status": WORK_STATUS_NAMES, "role_code": ROLE_NAMES, ("unit", "kind"): KIND_NAMES, "level": LEVEL_NAMES,
    "reporting_frequency": FREQUENCY_NAMES, "periodicity": PERIODICITY_NAMES, "data_source": SOURCES,
    "direction": DIRECTION_NAMES, "op": OP_NAMES, "self_state": SELF_STATE_NAMES,
    "value_kind": {"percent": "百分比", "points": "百分点", "absolute": "绝对量", "annual_percent": "年均百分比"},
    "kind": {"bonus": "加分", "penalty": "扣分", "veto": "一票否决"},  # of a 加减分 claim
    "by": {"unit": "单位", "office": "办公室"},
}  # fmt: skip


def referenced_names(session: Session, events: Iterable[AuditEvent]) -> dict[tuple[str, int], str]:
    """(field, id) → name of every object the events' ID_FIELDS point to, one query per kind of object."""
    wanted: dict[Any, set[int]] = defaultdict(set)
    for event in events:
        for side in (event.before, event.after):
            for field, model in ID_FIELDS.items():
                value = side.get(field) if isinstance(side, dict) else None
                wanted[model] |= {
                    i for i in (value if isinstance(value, list) else [value]) if type(i) is int
                }
    names: dict[tuple[str, int], str] = {}
    for model, wanted_ids in wanted.items():
        found: dict[int, str] = {}
        if wanted_ids:
            rows = session.execute(select(model.id, model.name).where(model.id.in_(wanted_ids)))
            found = {i: name for i, name in rows}
        names |= {
            (field, i): name for field, m in ID_FIELDS.items() if m is model for i, name in found.items()
        }
    return names


def value_text(object_type: str, field: str, value: Any, names: Names | None = None) -> str:
    """One recorded value as a person reads it; `names` (referenced_names) turns ids into names."""
    if names and type(value) is int and (field, value) in names:
        return names[(field, value)]
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):  # records, e.g. 加减分 claims: one per line
            return "\n".join(_inline(v) for v in value)
        return "、".join(value_text(object_type, field, v, names) for v in value)
    if isinstance(value, dict):  # e.g. scores by item: {"2.1": {"score": "11", "reason": ""}}
        return "；".join(f"{k}：{_inline(v)}" for k, v in value.items())
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return fmt_date(date.fromisoformat(value))
    names = VALUE_NAMES.get((object_type, field)) or VALUE_NAMES.get(field) or {}
    return names.get(value, str(value)) if isinstance(value, str | int) else str(value)


def _inline(value: Any) -> str:
    """A value inside a record (a score line, an adjustment): its filled-in parts, each by name."""
    if isinstance(value, dict):
        parts = (
            f"{FIELD_LABELS.get(k, k)}{value_text('', k, v)}" for k, v in value.items() if v not in (None, "")
        )
        return "，".join(parts)
    return fmt_json(value) if isinstance(value, list) else str(value)


def change_rows(
    object_type: str, before: Any, after: Any, names: Names | None = None
) -> list[tuple[str, str, str]]:
    """(field name, before, after) for the page; an update lists only the fields it changed."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [("内容", value_text(object_type, "", before), value_text(object_type, "", after))]
    before, after = before or {}, after or {}
    fields = list(dict.fromkeys([*after, *before]))
    if before and after:
        fields = [f for f in fields if before.get(f) != after.get(f)] or fields
    return [
        (
            FIELD_LABELS.get(f, f),
            value_text(object_type, f, before[f], names) if f in before else "",
            value_text(object_type, f, after[f], names) if f in after else "",
        )
        for f in fields
    ]
