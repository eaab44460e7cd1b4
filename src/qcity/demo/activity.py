"""A year of supervision in one region: progress reports on time and late, returns and resubmissions, drafts and
early reports for the current period, escalations (督办) acknowledged or not, evidence files.

Every step goes through qcity.tasks.service as the unit's liaison or the office would take it; then the
timestamps the services stamp with "now" are moved back to when that step would have happened.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.db.base import utcnow
from qcity.demo import catalog as c
from qcity.demo.catalog import DemoRegion
from qcity.kit.dates import CHINA
from qcity.models import (
    Assignment,
    Attachment,
    Escalation,
    Plan,
    ProgressReport,
    Region,
    ReportingPeriod,
    Task,
)
from qcity.tasks import service as tasks


@dataclass
class RegionContext:
    spec: DemoRegion
    region: Region
    plan: Plan
    office: Actor
    leader: Actor
    liaisons: dict[int, Actor]  # unit id → that unit's liaison


@dataclass(frozen=True)
class Habits:
    """How a unit reports: how often it skips a period, reports late, or gets a report returned."""

    skip: float
    late: float
    returned: float


HABITS = (Habits(0.02, 0.06, 0.08), Habits(0.08, 0.22, 0.15), Habits(0.25, 0.5, 0.25))  # good, fair, poor
HABIT_WEIGHTS = (0.6, 0.3, 0.1)


def at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of a China calendar day, in UTC."""
    moment = datetime.combine(
        day, time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=CHINA
    )
    return moment.astimezone(UTC)


def _not_future(moment: datetime, now: datetime) -> datetime:
    return min(moment, now - timedelta(minutes=30))


def _text(rng: random.Random, unit: str, title: str, period: str, percent: int, delayed: bool) -> str:
    nums = {
        "a": rng.randint(1, 6),
        "b": rng.randint(2, 15),
        "c": rng.randint(8, 120),
        "d": rng.randint(30, 400),
    }
    short = title.rstrip("。；;，, ")[:40]
    if percent >= 100:
        return rng.choice(c.COMPLETED).format(title=short, **nums)
    opening = rng.choice(c.OPENINGS).format(period=period, unit=unit, title=short)
    actions = "；".join(a.format(**nums) for a in rng.sample(c.ACTIONS, 2))
    parts = [f"{opening}，{actions}，{rng.choice(c.RESULTS)}，累计完成年度任务的{percent}%。"]
    if delayed:
        parts.append(c.DELAYED.format(cause=rng.choice(c.DELAY_CAUSES)))
    parts.append(rng.choice(c.NEXT_STEPS))
    return "".join(parts)


def generate(
    session: Session, ctx: RegionContext, rng: random.Random, today: date, files_dir: Path, max_bytes: int
) -> None:
    now = utcnow()
    periods = list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == ctx.plan.id)
            .order_by(ReportingPeriod.starts_on)
        )
    )
    past = [p for p in periods if p.due_on < today]
    current = next((p for p in periods if p.starts_on <= today <= p.due_on), None)
    assignments = list(
        session.scalars(
            select(Assignment)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == ctx.plan.id)
            .order_by(Assignment.id)
        )
    )
    habits = {uid: rng.choices(HABITS, HABIT_WEIGHTS)[0] for uid in sorted(ctx.liaisons)}
    stamps = _Stamps()
    for a in assignments:
        writer = _Writer(session, ctx, rng, a, habits[a.unit_id], today, now, files_dir, max_bytes, stamps)
        writer.history(past)
        if current is not None:
            writer.current(current)
        writer.escalate(past)
    stamps.write(session)


REPORT_TIMES = ("created_at", "updated_at", "submitted_at", "first_submitted_at", "reviewed_at")


class _Stamps:
    """When each step really happened. The services stamp "now"; these times are written back in two bulk
    UPDATEs at the end (setting them one by one would cost a flush per step)."""

    def __init__(self) -> None:
        self.reports: dict[int, tuple[ProgressReport, dict[str, datetime]]] = {}
        self.files: dict[int, datetime] = {}

    def report(self, report: ProgressReport, **times: datetime) -> None:
        self.reports.setdefault(report.id, (report, {}))[1].update(times)

    def write(self, session: Session) -> None:
        session.flush()
        table = cast(Table, ProgressReport.__table__)
        rows = [{"rid": rid, **{k: times.get(k, getattr(r, k)) for k in REPORT_TIMES}}
                for rid, (r, times) in self.reports.items()]  # fmt: skip
        if rows:
            stmt = (
                update(table)
                .where(table.c.id == bindparam("rid"))
                .values({k: bindparam(k, type_=table.c[k].type) for k in REPORT_TIMES})
            )
            session.connection().execute(stmt, rows)
        if self.files:
            files = cast(Table, Attachment.__table__)
            session.connection().execute(
                update(files)
                .where(files.c.id == bindparam("aid"))
                .values(uploaded_at=bindparam("at", type_=files.c.uploaded_at.type)),
                [{"aid": aid, "at": when} for aid, when in self.files.items()],
            )
        for r, times in self.reports.values():  # keep the loaded objects in step with the rows
            session.expire(r, [k for k in REPORT_TIMES if k in times] + ["version"])


class _Writer:
    """One assignment's year, written in period order."""

    def __init__(
        self, session: Session, ctx: RegionContext, rng: random.Random, a: Assignment, habits: Habits,
        today: date, now: datetime, files_dir: Path, max_bytes: int, stamps: _Stamps,
    ) -> None:  # fmt: skip
        self.s, self.ctx, self.rng, self.a, self.h, self.stamps = session, ctx, rng, a, habits, stamps
        self.today, self.now, self.files_dir, self.max_bytes = today, now, files_dir, max_bytes
        self.liaison = ctx.liaisons[a.unit_id]
        self.unit = a.unit.name
        self.title = a.task.title
        due = a.due_date or ctx.plan.end_date
        # Overdue tasks were mostly finished on time; tasks due soon are sometimes done early.
        overdue, soon = due < today, due <= today + timedelta(days=7)
        self.finishes = rng.random() < (0.55 if overdue else 0.3 if soon else 0.08)
        self.overdue = overdue
        self.percent = rng.randint(5, 25)
        self.missing_last = False
        self.late_last = False  # the latest report was in, but late

    def _step(self, last: bool) -> tuple[int, str]:
        if last and self.finishes:
            self.percent = 100
            return 100, "completed"
        self.percent = min(95, self.percent + self.rng.randint(8, 25))
        delayed = self.overdue and not self.finishes
        return self.percent, "delayed" if delayed else "in_progress"

    def _attach(self, report: ProgressReport, when: datetime) -> None:
        name = self.rng.choice(c.EVIDENCE_FILES)
        body = f"{self.unit}\n{self.title}\n{report.period.label}{name.removesuffix('.txt')}\n（演示数据）\n"
        att = tasks.add_attachment(self.s, self.liaison, report.id, filename=name, content_type="text/plain",
                                   data=body.encode(), files_dir=self.files_dir, max_bytes=self.max_bytes)  # fmt: skip
        self.stamps.files[att.id] = when

    def _submit(self, report: ProgressReport, when: datetime) -> None:
        first = report.first_submitted_at is None
        tasks.submit_report(self.s, self.liaison, report.id)
        times = {"submitted_at": when, "updated_at": when}
        self.stamps.report(report, **(times | {"first_submitted_at": when} if first else times))

    def history(self, periods: list[ReportingPeriod]) -> None:
        for i, period in enumerate(periods):
            last = i == len(periods) - 1
            if self.rng.random() < self.h.skip and not (last and self.finishes):
                self.missing_last = last
                self._step(False)
                continue
            percent, status = self._step(last)
            text = _text(self.rng, self.unit, self.title, period.label, percent, status == "delayed")
            late = self.rng.random() < self.h.late
            self.late_last = last and late
            day = period.due_on + timedelta(days=self.rng.randint(1, 20)) if late else (
                period.due_on - timedelta(days=self.rng.randint(0, 12)))  # fmt: skip
            submitted = _not_future(at(max(day, period.ends_on - timedelta(days=5)), self.rng), self.now)
            created = submitted - timedelta(days=self.rng.randint(0, 3), hours=self.rng.randint(1, 6))
            report = tasks.save_draft(self.s, self.liaison, self.a.id, period.id, text=text, percent=percent,
                                      work_status=status)  # fmt: skip
            self.stamps.report(report, created_at=created)
            if self.rng.random() < 0.2:
                self._attach(report, created)
            self._submit(report, submitted)
            self._review(report, submitted, last)

    def _review(self, report: ProgressReport, submitted: datetime, last: bool) -> None:
        office, rng = self.ctx.office, self.rng
        if last and rng.random() < 0.2:
            return  # still waiting in the office's review queue
        reviewed = _not_future(
            submitted + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5)), self.now
        )
        if rng.random() < self.h.returned:
            tasks.return_report(self.s, office, report.id, rng.choice(c.RETURN_REASONS))
            self.stamps.report(report, reviewed_at=reviewed, updated_at=reviewed)
            if last and rng.random() < 0.3:
                return  # returned, not yet corrected
            revised = _not_future(
                reviewed + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5)), self.now
            )
            tasks.save_draft(self.s, self.liaison, self.a.id, report.period_id, text=report.text + c.REVISED,
                             percent=report.percent, work_status=report.work_status)  # fmt: skip
            if rng.random() < 0.5:
                self._attach(report, revised)
            self._submit(report, revised)
            reviewed = _not_future(
                revised + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5)), self.now
            )
        tasks.accept_report(self.s, office, report.id)
        self.stamps.report(report, reviewed_at=reviewed, updated_at=reviewed)

    def current(self, period: ReportingPeriod) -> None:
        """The period being written now: some drafts, a few reports already in."""
        roll = self.rng.random()
        if roll > 0.35 or self.percent >= 100:
            return
        percent, status = self._step(False)
        text = _text(self.rng, self.unit, self.title, period.label, percent, status == "delayed")
        started = max(period.starts_on, self.today - timedelta(days=30))
        day = started + timedelta(days=self.rng.randint(0, max(0, (self.today - started).days)))
        when = _not_future(at(day, self.rng), self.now)
        report = tasks.save_draft(self.s, self.liaison, self.a.id, period.id, text=text, percent=percent,
                                  work_status=status)  # fmt: skip
        self.stamps.report(report, created_at=when, updated_at=when)
        if roll < 0.12:
            self._submit(report, when)

    def escalate(self, periods: list[ReportingPeriod]) -> None:
        """督办: a missing latest report, or an overdue task that is not finished."""
        rng = self.rng
        if self.missing_last and periods and rng.random() < 0.7:
            period = periods[-1]
            issued_day = min(period.due_on + timedelta(days=rng.randint(3, 10)), self.today)
            reason = c.ESCALATION_MISSING
        elif self.late_last and periods and rng.random() < 0.25:
            period = periods[-1]
            issued_day = min(period.due_on + timedelta(days=rng.randint(1, 5)), self.today)
            reason = c.ESCALATION_MISSING
        elif self.overdue and not self.finishes and self.a.role == "lead" and rng.random() < 0.5:
            due = self.a.due_date or self.today
            issued_day = min(due + timedelta(days=rng.randint(2, 10)), self.today)
            period, reason = None, c.ESCALATION_OVERDUE
        else:
            return
        respond_by = issued_day + timedelta(days=7)
        task = f"{self.a.task.no}. {self.title[:30]}（{self.unit}）"
        label = period.label if period is not None else ""
        esc = tasks.issue_escalation(self.s, self.ctx.office, self.a.id,
                                     reason=reason.format(task=task, period=label, respond_by=_cn(respond_by)),
                                     respond_by=respond_by, issued_on=issued_day)  # fmt: skip
        esc.issued_at = _not_future(at(issued_day, rng), self.now)
        ack_day = issued_day + timedelta(days=rng.randint(1, 4))
        if ack_day < self.today and rng.random() < 0.65:
            tasks.acknowledge_escalation(self.s, self.liaison, esc.id, rng.choice(c.ESCALATION_RESPONSES))
            esc.acknowledged_at = _not_future(at(ack_day, rng), self.now)


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def counts(session: Session) -> dict[str, int]:
    """What the demo holds, for the printout and the tests."""
    out = {f"reports_{state}": n for state, n in
           session.execute(select(ProgressReport.state, func.count()).group_by(ProgressReport.state))}  # fmt: skip
    out["reports"] = sum(out.values())
    out["returned_ever"] = session.scalar(select(func.count()).where(ProgressReport.return_count > 0)) or 0
    out["escalations"] = session.scalar(select(func.count()).select_from(Escalation)) or 0
    out["escalations_acknowledged"] = (
        session.scalar(select(func.count()).where(Escalation.acknowledged_at.is_not(None))) or 0
    )
    out["attachments"] = session.scalar(select(func.count()).select_from(Attachment)) or 0
    return out
