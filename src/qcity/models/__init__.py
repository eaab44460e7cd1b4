"""All tables, one module per aggregate. Importing this package registers every table on Base.metadata."""

from qcity.models.account import AuthSession, Role, RolePermission, User, UserUnit
from qcity.models.assessment import AssessmentCycle, AssessmentEvidence, AssessmentScheme, UnitAssessment
from qcity.models.audit import AuditEvent, AuditHead
from qcity.models.indicator import (
    Indicator,
    IndicatorResponsibility,
    IndicatorTarget,
    IndicatorValue,
    JudgementRule,
)
from qcity.models.org import Region, Unit, UnitAlias
from qcity.models.plan import Plan, PlanTarget, Task
from qcity.models.task import Assignment, Attachment, Escalation, ProgressReport, ReportingPeriod

__all__ = [
    "AssessmentCycle",
    "AssessmentEvidence",
    "AssessmentScheme",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "AuthSession",
    "Escalation",
    "Indicator",
    "IndicatorResponsibility",
    "IndicatorTarget",
    "IndicatorValue",
    "JudgementRule",
    "Plan",
    "PlanTarget",
    "ProgressReport",
    "Region",
    "ReportingPeriod",
    "Role",
    "RolePermission",
    "Task",
    "Unit",
    "UnitAlias",
    "UnitAssessment",
    "User",
    "UserUnit",
]
