"""Assessment metrics from qcity's own supervision data, per unit over an assessment period.

- on_time_report_rate: of the reports due (each assignment × each reporting period whose due date falls in
  the period, has passed by `as_of` and came after the assignment was made), the share first submitted on or before the due date (China time);
- first_time_accept_rate: of those reports that were accepted, the share accepted without ever being returned;
- escalations: 督办 issued on the unit's assignments within the period (zero is data, not "no data");
- targets_on_track: the share of the unit's targets judged on track, when the indicators feature provides
  `qcity.indicators.queries.targets_on_track(session, unit_ids, start, end, as_of)`; otherwise None, and the
  scheme's if_no_data rule applies.

A rate with nothing to count is None ("no data this period"). Each value comes with the facts behind it
(`sources`, shown on the score sheet) and the rows it was counted from (`details`, linked from the sheet).
Values are strings of exact Decimals, so a snapshot stored as JSON scores to the same cents.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from qcity.kit.dates import CHINA, fmt_date
from qcity.models import Assignment, Escalation, ProgressReport, ReportingPeriod, Task
from qcity.tasks.queries import owed_expr


def _cn_date(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(CHINA).date()


def _cn_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=CHINA)


def _rate(part: int, whole: int) -> str | None:
    return None if whole == 0 else str(Decimal(part) / Decimal(whole))


def cycle_metrics(
    session: Session, unit_ids: list[int], start: date, end: date, as_of: date
) -> dict[int, dict[str, Any]]:
    """unit id → {"values", "sources", "details", "as_of", "period"} for every unit in `unit_ids`."""
    cutoff = min(end, as_of)
    due: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.execute(
        select(Assignment.id, Assignment.task_id, Assignment.unit_id, Task.no, Task.title, ReportingPeriod.label, ReportingPeriod.due_on,
               ProgressReport.id, ProgressReport.state, ProgressReport.first_submitted_at, ProgressReport.return_count)
        .join(Task, Task.id == Assignment.task_id)
        .join(ReportingPeriod, ReportingPeriod.plan_id == Task.plan_id)
        .outerjoin(ProgressReport, and_(ProgressReport.assignment_id == Assignment.id,
                                        ProgressReport.period_id == ReportingPeriod.id))
        .where(Assignment.unit_id.in_(unit_ids), Task.is_archived.is_(False),
               ReportingPeriod.due_on >= start, ReportingPeriod.due_on <= cutoff, owed_expr(session))
        .order_by(ReportingPeriod.due_on, Task.seq, Assignment.id)
    )  # fmt: skip
    for aid, task_id, unit_id, no, title, label, due_on, rid, state, first_at, returns in rows:
        submitted = _cn_date(first_at)
        due[unit_id].append({
            "assignment_id": aid, "task_id": task_id, "report_id": rid, "task": f"{no} {title}"[:80], "period": label,
            "due_on": due_on.isoformat(), "submitted_on": submitted.isoformat() if submitted else None,
            "on_time": submitted is not None and submitted <= due_on, "state": state or "missing",
            "return_count": returns or 0,
        })  # fmt: skip
    escalations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    esc_rows = session.execute(
        select(Escalation.id, Escalation.assignment_id, Assignment.task_id, Escalation.issued_at, Escalation.reason,
               Assignment.unit_id)
        .join(Assignment, Assignment.id == Escalation.assignment_id)
        .where(Assignment.unit_id.in_(unit_ids), Escalation.issued_at >= _cn_start(start),
               Escalation.issued_at < _cn_start(cutoff + timedelta(days=1)))
        .order_by(Escalation.issued_at, Escalation.id)
    )  # fmt: skip
    for eid, aid, tid, issued_at, reason, unit_id in esc_rows:
        escalations[unit_id].append({"escalation_id": eid, "assignment_id": aid, "task_id": tid,
                                     "issued_on": _cn_date(issued_at).isoformat(),  # type: ignore[union-attr]
                                     "reason": (reason or "")[:80]})  # fmt: skip
    targets = _targets_on_track(session, unit_ids, start, end, as_of)
    out = {}
    for unit_id in unit_ids:
        reports = due[unit_id]
        on_time = sum(1 for r in reports if r["on_time"])
        accepted = [r for r in reports if r["state"] == "accepted"]
        first_time = sum(1 for r in accepted if r["return_count"] == 0)
        escs = escalations[unit_id]
        target_value, target_sources = targets.get(unit_id, (None, ["指标模块尚未提供目标进度判断"]))
        out[unit_id] = {
            "values": {
                "on_time_report_rate": _rate(on_time, len(reports)),
                "first_time_accept_rate": _rate(first_time, len(accepted)),
                "escalations": str(len(escs)),
                "targets_on_track": None if target_value is None else str(target_value),
            },
            "sources": {
                "on_time_report_rate": [
                    f"截至{fmt_date(cutoff)}应报{len(reports)}期次，按时报送{on_time}期次"
                ],
                "first_time_accept_rate": [f"审核通过{len(accepted)}期次，其中一次通过{first_time}期次"],
                "escalations": [f"考核期内被督办{len(escs)}次"],
                "targets_on_track": list(target_sources),
            },
            "details": {"reports": reports, "escalations": escs},
            "as_of": cutoff.isoformat(),
            "period": [start.isoformat(), end.isoformat()],
        }
    return out


def _targets_on_track(
    session: Session, unit_ids: list[int], start: date, end: date, as_of: date
) -> dict[int, tuple[Decimal | None, list[str]]]:
    """Ask the indicators feature, when it offers judgements; its absence is "no data", not an error."""
    try:
        queries = importlib.import_module("qcity.indicators.queries")
    except ImportError:
        return {}
    provider = getattr(queries, "targets_on_track", None)
    if provider is None:
        return {}
    result: dict[int, tuple[Decimal | None, list[str]]] = provider(session, unit_ids, start, end, as_of)
    return result
