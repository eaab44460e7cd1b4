"""Permissions and the default grants of each role.

The grants live in the `role_permission` table (seeded by a migration from DEFAULT_GRANTS, editable by an
administrator); this module names them so code and the seed agree.
"""

from __future__ import annotations

OFFICE_ADMIN = "office_admin"
LIAISON = "liaison"
LEADER = "leader"
INSPECTOR = "inspector"
PUBLIC = "public"

ROLE_NAMES = {
    OFFICE_ADMIN: "办公室管理员",
    LIAISON: "单位联络员",
    LEADER: "领导",
    INSPECTOR: "检查员",
    PUBLIC: "公众",
}

PERMISSIONS = {
    "dashboard.read": "查看工作台",
    "plan.read": "查看方案、目标与任务",
    "plan.import": "导入方案",
    "plan.manage": "修改方案设置",
    "assignment.read": "查看任务分工与进展报告",
    "report.write": "填写与提交进展报告",
    "report.review": "审核进展报告",
    "escalation.issue": "发出督办",
    "escalation.ack": "签收督办",
    "unit.manage": "管理单位",
    "user.manage": "管理用户",
    "audit.read": "查看操作日志",
    "public.read": "查看公开信息",
    "assessment.manage": "管理考核方案与考核周期、核定分数、公布结果",
    "assessment.self": "填写本单位考核自评",
    "assessment.read": "查看考核结果与各单位评分表",
    "indicator.read": "查看指标、目标值与达标研判",
    "indicator.enter": "填报本单位负责的指标数值",
    "indicator.manage": "管理指标库、审核与解锁指标数值",
}

DEFAULT_GRANTS: dict[str, set[str]] = {
    OFFICE_ADMIN: {
        "dashboard.read", "plan.read", "plan.import", "plan.manage", "assignment.read", "report.review",
        "escalation.issue", "unit.manage", "user.manage", "audit.read", "public.read",
        "assessment.manage", "assessment.read", "indicator.read", "indicator.manage",
    },
    LIAISON: {"dashboard.read", "plan.read", "assignment.read", "report.write", "escalation.ack", "public.read",
              "assessment.self", "indicator.read", "indicator.enter"},
    LEADER: {"dashboard.read", "plan.read", "assignment.read", "audit.read", "public.read", "assessment.read",
             "indicator.read"},
    INSPECTOR: {"plan.read", "public.read"},
    PUBLIC: {"public.read"},
}  # fmt: skip
