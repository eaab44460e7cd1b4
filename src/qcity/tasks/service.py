"""Progress reports (draft → submitted → returned/accepted), evidence files and escalations (督办).

Every function takes (session, actor, ...), checks the actor's right on the row it loads through the data
scope, writes an audit event, and never commits.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.audit import service as audit
from qcity.db.base import utcnow
from qcity.kit.dates import fmt_date, today_cn
from qcity.kit.errors import Conflict, Forbidden, NotFound, StateError, ValidationError
from qcity.models import Assignment, Attachment, Escalation, ProgressReport, ReportingPeriod, Task
from qcity.models.task import WORK_STATUSES

REPORT_FIELDS = ["state", "text", "percent", "work_status", "return_reason", "version"]
MAX_TEXT = 20000
EDITABLE_STATES = ("draft", "returned")


def get_assignment(session: Session, actor: Actor, assignment_id: int) -> Assignment:
    row = session.scalar(scoped(select(Assignment).where(Assignment.id == assignment_id), Assignment, actor))
    if row is None:
        raise NotFound("任务分工不存在")
    return row


def get_report(session: Session, actor: Actor, report_id: int) -> ProgressReport:
    row = session.scalar(
        scoped(select(ProgressReport).where(ProgressReport.id == report_id), ProgressReport, actor)
    )
    if row is None:
        raise NotFound("进展报告不存在")
    return row


def get_attachment(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    row = session.scalar(scoped(select(Attachment).where(Attachment.id == attachment_id), Attachment, actor))
    if row is None:
        raise NotFound("附件不存在")
    return row


def _region_of(assignment: Assignment) -> int:
    return assignment.task.plan.region_id


def _require_own_unit(actor: Actor, assignment: Assignment) -> None:
    """Only the unit's own liaison writes its reports: the office reviews but never edits them."""
    if not actor.can("report.write") or assignment.unit_id not in actor.unit_ids:
        raise Forbidden("只有本单位联络员可以填写该单位的进展报告")


MAX_NOTE = 2000  # a return reason, a 督办 reason or a reply: a paragraph, not a report
# Evidence is documents, spreadsheets, scans and photos, or an archive of them; anything else (programs, web
# pages) is refused, since the office will open these files on its own computers. .ofd: China's e-document format.
ATTACHMENT_TYPES = frozenset([
    ".pdf", ".ofd", ".doc", ".docx", ".wps", ".rtf", ".odt", ".xls", ".xlsx", ".et", ".ods", ".csv", ".ppt", ".pptx",
    ".dps", ".odp", ".txt", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".mp4", ".zip",
    ".rar", ".7z",
])  # fmt: skip


def _note(text: str | None, field_name: str, label: str, *, required: bool) -> str:
    """A short free text, stripped; refused (never cut) when too long."""
    text = (text or "").strip()
    if required and not text:
        raise ValidationError(f"{label}不能为空", field_name, plain=f"{field_name} is empty")
    if len(text) > MAX_NOTE:
        raise ValidationError(f"{label}不能超过{MAX_NOTE}字（现有{len(text)}字）", field_name,
                              plain=f"{field_name} longer than {MAX_NOTE} characters")  # fmt: skip
    return text


def _check_fields(text: str, percent: object, work_status: str) -> int:
    if len(text) > MAX_TEXT:
        raise ValidationError(f"进展情况不能超过{MAX_TEXT}字", "text", plain="text too long")
    try:
        value = int(str(percent).strip().rstrip("%"))
    except (TypeError, ValueError):
        raise ValidationError(
            "完成百分比应为0到100之间的整数", "percent", plain="percent must be 0..100"
        ) from None
    if not 0 <= value <= 100:
        raise ValidationError("完成百分比应为0到100之间的整数", "percent", plain="percent must be 0..100")
    if work_status not in WORK_STATUSES:
        raise ValidationError("工作状态无效", "work_status", plain=f"bad work status {work_status!r}")
    return value


def _check_version(report: ProgressReport, version: int | None, *, writing: bool = True) -> None:
    """`writing`: the liaison's own text is at stake (the form keeps it), rather than a review action."""
    if version is not None and int(version) != report.version:
        message = (
            "该报告已被他人修改，请刷新后再保存（您的内容未丢失，可复制后重新填写）"
            if writing
            else "该报告已被他人修改，请刷新后重新审核"
        )
        raise Conflict(
            message, "version", plain="the report was changed by someone else; reload and try again"
        )


def save_draft(
    session: Session,
    actor: Actor,
    assignment_id: int,
    period_id: int,
    *,
    text: str,
    percent: object,
    work_status: str = "in_progress",
    version: int | None = None,
) -> ProgressReport:
    """Create or update the unit's report for a period. Only a draft or a returned report can change."""
    assignment = get_assignment(session, actor, assignment_id)
    _require_own_unit(actor, assignment)
    period = session.get(ReportingPeriod, period_id)
    if period is None or period.plan_id != assignment.task.plan_id:
        raise ValidationError("报告期不存在", "period_id", plain=f"no period {period_id} for this plan")
    if period.starts_on > today_cn():
        # Progress is reported for work done: a period that has not begun has none yet. The light of a task
        # (queries._done_flag) relies on this and reads only periods that have begun.
        raise ValidationError(f"报告期“{period.label}”自{fmt_date(period.starts_on)}开始，尚不能填报", "period_id",
                              plain=f"period {period.label} starts on {period.starts_on}")  # fmt: skip
    value = _check_fields(text or "", percent, work_status)
    report = session.scalar(
        select(ProgressReport).where(
            ProgressReport.assignment_id == assignment.id, ProgressReport.period_id == period_id
        )
    )
    if report is None:
        report = ProgressReport(assignment_id=assignment.id, period_id=period_id, author_id=actor.user_id,
                                text=text or "", percent=value, work_status=work_status, state="draft")  # fmt: skip
        session.add(report)
        session.flush()
        audit.record(session, actor.user, "report.create", "progress_report", report.id,
                     after=audit.snapshot(report, REPORT_FIELDS), region_id=_region_of(assignment))  # fmt: skip
        return report
    if report.state not in EDITABLE_STATES:
        raise StateError("报告已提交，不能再修改", "state", plain=f"report is {report.state}")
    _check_version(report, version)
    before = audit.snapshot(report, REPORT_FIELDS)
    report.text, report.percent, report.work_status = text or "", value, work_status
    session.flush()
    audit.record(session, actor.user, "report.update", "progress_report", report.id, before=before,
                 after=audit.snapshot(report, REPORT_FIELDS), region_id=_region_of(assignment))  # fmt: skip
    return report


def submit_report(
    session: Session, actor: Actor, report_id: int, version: int | None = None
) -> ProgressReport:
    report = get_report(session, actor, report_id)
    _require_own_unit(actor, report.assignment)
    if report.state not in EDITABLE_STATES:
        raise StateError(
            "只有草稿或被退回的报告可以提交", "state", plain=f"cannot submit a {report.state} report"
        )
    _check_version(report, version)
    if not report.text.strip():
        raise ValidationError("请填写进展情况后再提交", "text", plain="text is empty")
    before = audit.snapshot(report, REPORT_FIELDS)
    now = utcnow()
    report.state, report.submitted_at = "submitted", now
    report.first_submitted_at = report.first_submitted_at or now
    session.flush()
    audit.record(session, actor.user, "report.submit", "progress_report", report.id, before=before,
                 after=audit.snapshot(report, REPORT_FIELDS), region_id=_region_of(report.assignment))  # fmt: skip
    return report


def _review(session: Session, actor: Actor, report_id: int, version: int | None) -> ProgressReport:
    report = get_report(session, actor, report_id)
    if not actor.can("report.review"):
        raise Forbidden("只有办公室可以审核进展报告")
    if report.state != "submitted":
        raise StateError("只有已提交的报告可以审核", "state", plain=f"cannot review a {report.state} report")
    _check_version(report, version, writing=False)
    return report


def accept_report(
    session: Session, actor: Actor, report_id: int, version: int | None = None
) -> ProgressReport:
    report = _review(session, actor, report_id, version)
    before = audit.snapshot(report, REPORT_FIELDS)
    report.state, report.reviewed_at, report.reviewed_by_id = "accepted", utcnow(), actor.user_id
    report.return_reason = None
    session.flush()
    audit.record(session, actor.user, "report.accept", "progress_report", report.id, before=before,
                 after=audit.snapshot(report, REPORT_FIELDS), region_id=_region_of(report.assignment))  # fmt: skip
    return report


def return_report(
    session: Session, actor: Actor, report_id: int, reason: str, version: int | None = None
) -> ProgressReport:
    reason = _note(reason, "reason", "退回原因", required=True)
    report = _review(session, actor, report_id, version)
    before = audit.snapshot(report, REPORT_FIELDS)
    report.state, report.return_reason = "returned", reason
    report.return_count += 1
    report.reviewed_at, report.reviewed_by_id = utcnow(), actor.user_id
    session.flush()
    audit.record(session, actor.user, "report.return", "progress_report", report.id, before=before,
                 after=audit.snapshot(report, REPORT_FIELDS), region_id=_region_of(report.assignment))  # fmt: skip
    return report


_UNSAFE_NAME = re.compile(r"[\\/\x00-\x1f<>:\"|?*]")


def evidence_name(filename: str | None) -> str:
    """An uploaded evidence file's name made safe to store and offer back ("" when none was given); refused
    unless its type is in ATTACHMENT_TYPES. Report attachments and assessment 佐证材料 both pass through here."""
    name = _UNSAFE_NAME.sub("_", (filename or "").strip())[-200:]
    if name and Path(name).suffix.lower() not in ATTACHMENT_TYPES:
        raise ValidationError("附件类型不支持：请上传文档、表格、图片、PDF/OFD或压缩包", "file",
                              plain=f"attachment type not allowed: {Path(name).suffix or 'no extension'}")  # fmt: skip
    return name


def store_file(files_dir: Path, data: bytes) -> str:
    """Write content-addressed (by SHA-256) via a temp file and rename, so a killed process leaves no half file."""
    digest = hashlib.sha256(data).hexdigest()
    target = files_dir / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return digest


def file_path(files_dir: Path, sha256: str) -> Path:
    return files_dir / sha256[:2] / sha256


def add_attachment(
    session: Session, actor: Actor, report_id: int, *, filename: str, content_type: str, data: bytes,
    files_dir: Path, max_bytes: int,
) -> Attachment:  # fmt: skip
    report = get_report(session, actor, report_id)
    _require_own_unit(actor, report.assignment)
    if report.state not in EDITABLE_STATES:
        raise StateError("报告已提交，不能再添加附件", "file", plain=f"report is {report.state}")
    name = evidence_name(filename)
    if not name:
        raise ValidationError("附件缺少文件名", "file", plain="attachment has no file name")
    if not data:
        raise ValidationError("附件是空文件", "file", plain="attachment is empty")
    if len(data) > max_bytes:
        raise ValidationError(
            f"附件超过{max_bytes // 1024 // 1024}MB上限", "file", plain="attachment too large"
        )
    digest = store_file(files_dir, data)
    att = Attachment(report_id=report.id, filename=name, content_type=(content_type or "application/octet-stream")[:128],
                     size=len(data), sha256=digest, uploaded_by_id=actor.user_id, uploaded_at=utcnow())  # fmt: skip
    session.add(att)
    session.flush()
    audit.record(session, actor.user, "attachment.add", "attachment", att.id,
                 after={"report_id": report.id, "filename": name, "size": len(data), "sha256": digest},
                 region_id=_region_of(report.assignment))  # fmt: skip
    return att


def issue_escalation(
    session: Session, actor: Actor, assignment_id: int, *, reason: str, respond_by: object = None,
    issued_on: date | None = None,
) -> Escalation:  # fmt: skip
    """`issued_on`: the day of issue, today unless recording one issued earlier (the demo's history)."""
    assignment = get_assignment(session, actor, assignment_id)
    if not actor.can("escalation.issue"):
        raise Forbidden("只有办公室可以发出督办")
    reason = _note(reason, "reason", "督办事由", required=True)
    due = _date_or_none(respond_by, "respond_by")
    if due is not None and due < (issued_on or today_cn()):
        raise ValidationError("回复期限不能早于今天", "respond_by", plain="respond_by is in the past")
    esc = Escalation(assignment_id=assignment.id, reason=reason, respond_by=due,
                     issued_by_id=actor.user_id, issued_at=utcnow())  # fmt: skip
    session.add(esc)
    session.flush()
    audit.record(session, actor.user, "escalation.issue", "escalation", esc.id,
                 after={"assignment_id": assignment.id, "reason": esc.reason, "respond_by": due},
                 region_id=_region_of(assignment))  # fmt: skip
    return esc


def _date_or_none(value: object, field_name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValidationError(
            "日期应按“2025-03-31”的格式填写", field_name, plain=f"{field_name}: use YYYY-MM-DD"
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"日期{text}不存在", field_name, plain=f"{field_name}: no such date") from None


def get_escalation(session: Session, actor: Actor, escalation_id: int) -> Escalation:
    row = session.scalar(scoped(select(Escalation).where(Escalation.id == escalation_id), Escalation, actor))
    if row is None:
        raise NotFound("督办不存在")
    return row


def acknowledge_escalation(
    session: Session, actor: Actor, escalation_id: int, response: str = ""
) -> Escalation:
    esc = get_escalation(session, actor, escalation_id)
    if not actor.can("escalation.ack") or esc.assignment.unit_id not in actor.unit_ids:
        raise Forbidden("只有被督办单位的联络员可以签收")
    if esc.acknowledged_at is not None:
        raise StateError("该督办已签收", "state", plain="already acknowledged")
    reply = _note(response, "response", "签收回复", required=False)
    esc.acknowledged_at, esc.acknowledged_by_id = utcnow(), actor.user_id
    esc.response = reply or None
    session.flush()
    audit.record(session, actor.user, "escalation.acknowledge", "escalation", esc.id,
                 after={"response": esc.response}, region_id=_region_of(esc.assignment))  # fmt: skip
    return esc


def task_of(session: Session, actor: Actor, task_id: int) -> Task:
    row = session.scalar(scoped(select(Task).where(Task.id == task_id), Task, actor))
    if row is None:
        raise NotFound("任务不存在")
    return row
