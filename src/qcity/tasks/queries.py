"""Reads for supervision: assignment lights, task roll-ups, a liaison's work, the review queue.

Every query starts from `scoped()`, so what an actor cannot see is never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, DateTime, String, and_, case, cast, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.db.base import UTCDateTime
from qcity.kit.dates import CHINA, add_months, today_cn
from qcity.models import Assignment, Escalation, Plan, PlanTarget, ProgressReport, ReportingPeriod, Task, Unit
from qcity.tasks.lights import RollUp, light, roll_up


@dataclass(frozen=True)
class AssignmentState:
    percent: int | None  # latest accepted report; None = unknown
    completed: bool
    light: str


def latest_accepted(session: Session, assignment_ids: list[int]) -> dict[int, tuple[int, str]]:
    """assignment id → (percent, work status) of its latest accepted report, by period."""
    if not assignment_ids:
        return {}
    ranked = (
        select(
            ProgressReport.assignment_id,
            ProgressReport.percent,
            ProgressReport.work_status,
            func.row_number()
            .over(partition_by=ProgressReport.assignment_id, order_by=ReportingPeriod.starts_on.desc())
            .label("rn"),
        )
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(ProgressReport.state == "accepted", ProgressReport.assignment_id.in_(assignment_ids))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.assignment_id, ranked.c.percent, ranked.c.work_status).where(ranked.c.rn == 1)
    )
    return {aid: (pct, status) for aid, pct, status in rows}


def assignment_states(
    session: Session, assignments: list[Assignment], today: date | None = None,
    accepted: dict[int, tuple[int, str]] | None = None,
) -> dict[int, AssignmentState]:  # fmt: skip
    """`accepted`: latest_accepted() of these assignments when the caller already has it (lists read it once)."""
    today = today or today_cn()
    if accepted is None:
        accepted = latest_accepted(session, [a.id for a in assignments])
    out = {}
    for a in assignments:
        pct, status = accepted.get(a.id, (None, None))
        done = status == "completed" or pct == 100
        warn = a.task.plan.warn_days
        out[a.id] = AssignmentState(pct, done, light(a.due_date, done, today, warn))
    return out


def task_rollup(session: Session, task: Task, accepted: dict[int, tuple[int, str]] | None = None) -> RollUp:
    assignments = list(task.assignments)
    if accepted is None:
        accepted = latest_accepted(session, [a.id for a in assignments])
    items = [(a.unit.name, a.role, accepted.get(a.id, (None, None))[0]) for a in assignments]
    return roll_up(items, task.plan.lead_weight)


def task_light(states: list[AssignmentState]) -> str:
    """A task shows its worst open assignment's light."""
    order = ["red", "yellow", "green", "done"]
    return min((s.light for s in states), key=order.index, default="green")


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(session: Session, stmt: Any, page: int, per_page: int) -> Page:
    page = max(1, page)
    per_page = min(max(1, per_page), 200)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = min(page, max(1, -(-total // per_page)))  # past the end: the last page, as paginate_rows does
    items = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, total, page, per_page)


def my_assignments(session: Session, actor: Actor, page: int = 1, per_page: int = 50) -> Page:
    stmt = (
        scoped(select(Assignment), Assignment, actor)
        .where(Assignment.unit_id.in_(actor.unit_ids))
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.is_archived.is_(False))
        .order_by(Assignment.due_date, Assignment.id)
    )
    return paginate(session, stmt, page, per_page)


REVIEW_SORTS: dict[str, Any] = {
    "submitted": ProgressReport.submitted_at.asc(),
    "-submitted": ProgressReport.submitted_at.desc(),
    "unit": Unit.name.asc(),
}


def review_queue(
    session: Session, actor: Actor, *, state: str = "submitted", unit_id: int | None = None,
    sort: str = "submitted", page: int = 1, per_page: int = 50,
) -> Page:  # fmt: skip
    """Reports in a state, sorted and paged: the page's ids first (a sort of ids, not of full rows), then those
    reports with their files (bench/api.py)."""
    stmt = (
        scoped(select(ProgressReport.id), ProgressReport, actor)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(ProgressReport.state == state)
    )
    if unit_id:
        stmt = stmt.where(Assignment.unit_id == unit_id)
    stmt = stmt.order_by(REVIEW_SORTS.get(sort, REVIEW_SORTS["submitted"]), ProgressReport.id)
    ids = paginate(session, stmt, page, per_page)
    loaded = session.scalars(
        select(ProgressReport)
        .where(ProgressReport.id.in_(ids.items))
        .options(selectinload(ProgressReport.attachments))
    )
    by_id = {r.id: r for r in loaded}
    return Page([by_id[i] for i in ids.items], ids.total, ids.page, ids.per_page)


def plan_tasks(
    session: Session,
    actor: Actor,
    plan_id: int,
    *,
    unit_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page:
    stmt = scoped(select(Task), Task, actor).where(Task.plan_id == plan_id, Task.is_archived.is_(False))
    if unit_id:
        stmt = stmt.where(Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id == unit_id)))
    return paginate(session, stmt.order_by(Task.seq), page, per_page)


def reports_of_assignment(session: Session, actor: Actor, assignment_id: int) -> list[ProgressReport]:
    stmt = (
        scoped(select(ProgressReport), ProgressReport, actor)
        .where(ProgressReport.assignment_id == assignment_id)
        .options(selectinload(ProgressReport.attachments))  # the files of all the reports in one query
    )
    return list(session.scalars(stmt.order_by(ProgressReport.period_id)))


def escalations_of_assignment(session: Session, actor: Actor, assignment_id: int) -> list[Escalation]:
    stmt = scoped(select(Escalation), Escalation, actor).where(Escalation.assignment_id == assignment_id)
    return list(session.scalars(stmt.order_by(Escalation.id)))


def visible_assignments_of_task(session: Session, actor: Actor, task_id: int) -> list[Assignment]:
    stmt = scoped(select(Assignment), Assignment, actor).where(Assignment.task_id == task_id)
    return list(session.scalars(stmt.order_by(Assignment.id)).unique())


def current_period(session: Session, plan_id: int, today: date | None = None) -> ReportingPeriod | None:
    """The period whose report is being written now: the latest period that has started."""
    today = today or today_cn()
    return session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan_id, ReportingPeriod.starts_on <= today)
        .order_by(ReportingPeriod.starts_on.desc())
        .limit(1)
    ) or session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan_id)
        .order_by(ReportingPeriod.starts_on)
        .limit(1)
    )


def plans_of_region(session: Session, actor: Actor) -> list[Plan]:
    return list(session.scalars(scoped(select(Plan), Plan, actor).order_by(Plan.id.desc())))


# --- Page reads: lights, statuses and counts computed in SQL, so lists stay fast with 20,000 reports ---------

LIGHT_ORDER = ("red", "yellow", "green", "done")  # rank 0..3: a task shows its worst open assignment
TASK_STATUSES = {"not_reported": "未上报", "in_progress": "推进中", "completed": "已完成"}
TASK_SORTS = {"seq": "序号", "due": "完成时限", "light": "灯号"}


@dataclass
class RowPage:
    """A page of result rows (tuples), not entities."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate_rows(session: Session, stmt: Any, page: int, per_page: int) -> RowPage:
    page = max(1, page)
    per_page = min(max(1, per_page), 200)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = min(page, max(1, -(-total // per_page)))
    items = list(session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return RowPage(items, total, page, per_page)


def _done_flag(not_after: date) -> Any:
    """Per assignment: 1 if its latest accepted report (by period) is completed or 100 %, 0 if not, NULL if none.

    Correlated on Assignment and Task (both in the enclosing query). It walks the plan's periods newest first and
    looks up the assignment's report for each (a report's period is always of its task's plan), so it stops at
    the first accepted one instead of reading and sorting every report of the assignment (bench/pages.py).
    The walk starts at the period of `not_after`, not at the plan's last one (a plan to 2035 has a hundred
    periods still to come): no report is made for a period that has not begun (service.save_draft).
    """
    return (
        select(
            case((or_(ProgressReport.work_status == "completed", ProgressReport.percent == 100), 1), else_=0)
        )
        .select_from(ReportingPeriod)
        .join(
            ProgressReport,
            and_(
                ProgressReport.period_id == ReportingPeriod.id, ProgressReport.assignment_id == Assignment.id
            ),
        )
        .where(
            ReportingPeriod.plan_id == Task.plan_id,
            ReportingPeriod.starts_on <= not_after,
            ProgressReport.state == "accepted",
        )
        .order_by(ReportingPeriod.starts_on.desc())
        .limit(1)
        .correlate(Assignment, Task)
        .scalar_subquery()
    )


def assignment_facts(
    session: Session, actor: Actor, today: date, *, plan_id: int | None = None, whole_tasks: bool = False,
    every_row: bool = False,
) -> Any:  # fmt: skip
    """A subquery: one row per open assignment with its light rank (0 red … 3 done) and done flag.

    `whole_tasks`: every assignment of the tasks in scope (a task's light is its worst unit's, as in the API);
    otherwise only the assignments in scope (a liaison's own units).
    `every_row`: the caller reads every row (it aggregates them). PostgreSQL then computes the done flag once per
    assignment in a materialized CTE; inlined, it would run the flag's subquery once for each place that reads
    `done` or `rank` (five times in task_facts), which made the 任务分解表 miss its speed goal (bench/pages.py).
    """
    warn = sorted(set(session.scalars(scoped(select(Plan.warn_days).distinct(), Plan, actor)))) or [3]
    yellow_until = case(
        {w: literal(today + timedelta(days=w), Date()) for w in warn},
        value=Plan.warn_days,
        else_=literal(today + timedelta(days=3), Date()),
    )
    inner = (
        select(
            Assignment.id.label("id"), Assignment.task_id.label("task_id"), Assignment.unit_id.label("unit_id"),
            Assignment.role.label("role"), Assignment.due_date.label("due_date"), Task.plan_id.label("plan_id"),
            _done_flag(max(today, today_cn())).label("done"), yellow_until.label("yellow_until"),
        )
        .join(Task, Task.id == Assignment.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Task.is_archived.is_(False))
    )  # fmt: skip
    if whole_tasks:
        inner = inner.where(Task.id.in_(scoped(select(Task.id), Task, actor)))
    else:
        inner = scoped(inner, Assignment, actor)
    if plan_id is not None:
        inner = inner.where(Task.plan_id == plan_id)
    sub = (
        inner.cte("asg").prefix_with("MATERIALIZED", dialect="postgresql")
        if every_row
        else inner.subquery("asg")
    )
    rank = case(
        (sub.c.done == 1, 3),
        (sub.c.due_date.is_(None), 2),
        (sub.c.due_date < today, 0),
        (sub.c.due_date <= sub.c.yellow_until, 1),
        else_=2,
    )
    return select(*sub.c, rank.label("rank")).subquery("facts")


def task_facts(session: Session, actor: Actor, today: date, *, plan_id: int | None = None) -> Any:
    """A subquery: one row per task with its light rank, assignment count, accepted count and done count."""
    f = assignment_facts(session, actor, today, plan_id=plan_id, whole_tasks=True, every_row=True)
    return (
        select(
            f.c.task_id.label("task_id"),
            func.min(f.c.rank).label("rank"),
            func.count().label("n"),
            func.count(f.c.done).label("reported"),
            func.coalesce(func.sum(f.c.done), 0).label("done"),
        )
        .group_by(f.c.task_id)
        .subquery("tf")
    )


def _status_clause(tf: Any, status: str) -> Any:
    if status == "completed":
        return and_(tf.c.n > 0, tf.c.done == tf.c.n)
    if status == "not_reported":
        return func.coalesce(tf.c.reported, 0) == 0
    if status == "in_progress":
        return and_(tf.c.reported > 0, tf.c.done < tf.c.n)
    return true()


def task_status(n: int | None, reported: int | None, done: int | None) -> str:
    if n and done == n:
        return "completed"
    return "in_progress" if reported else "not_reported"


def task_table(
    session: Session, actor: Actor, plan_id: int, *, today: date | None = None, unit_id: int | None = None,
    status: str = "", light_name: str = "", sort: str = "seq", page: int = 1, per_page: int = 50,
) -> RowPage:  # fmt: skip
    """The plan's 任务分解表, filtered by unit, status and light, sorted and paged in SQL.

    Each item is (Task, rank, n, reported, done); the task's assignments and units are loaded with it.
    """
    today = today or today_cn()
    tf = task_facts(session, actor, today, plan_id=plan_id)
    rank = func.coalesce(tf.c.rank, 2)
    stmt = (
        scoped(select(Task, rank.label("rank"), tf.c.n, tf.c.reported, tf.c.done), Task, actor)
        .outerjoin(tf, tf.c.task_id == Task.id)
        .where(Task.plan_id == plan_id, Task.is_archived.is_(False))
        .options(selectinload(Task.assignments))
    )
    if unit_id:
        stmt = stmt.where(Task.id.in_(select(Assignment.task_id).where(Assignment.unit_id == unit_id)))
    if status in TASK_STATUSES:
        stmt = stmt.where(_status_clause(tf, status))
    if light_name in LIGHT_ORDER:
        stmt = stmt.where(rank == LIGHT_ORDER.index(light_name))
    order = {"due": (Task.due_date.is_(None), Task.due_date, Task.seq), "light": (rank, Task.seq)}
    stmt = stmt.order_by(*order.get(sort, (Task.seq,)))
    return paginate_rows(session, stmt, page, per_page)


def task_light_counts(
    session: Session, actor: Actor, today: date, plan_id: int | None = None
) -> dict[str, int]:
    """Tasks by light: every open task in scope, by its worst assignment; a task no unit holds yet counts as
    green, as the 任务分解表 and the API show it, so the counts add up to the plan's tasks."""
    tf = task_facts(session, actor, today, plan_id=plan_id)
    rank = func.coalesce(tf.c.rank, 2)
    stmt = (
        scoped(select(rank, func.count()).select_from(Task), Task, actor)
        .outerjoin(tf, tf.c.task_id == Task.id)
        .where(Task.is_archived.is_(False))
        .group_by(rank)
    )
    if plan_id is not None:
        stmt = stmt.where(Task.plan_id == plan_id)
    rows = session.execute(stmt)
    counts = dict.fromkeys(LIGHT_ORDER, 0)
    for rank, n in rows:
        counts[LIGHT_ORDER[int(rank)]] += n
    return counts


def unit_light_counts(session: Session, actor: Actor, today: date) -> list[dict[str, Any]]:
    """Assignments by unit and light, units in order of red, then yellow, counts."""
    f = assignment_facts(session, actor, today, every_row=True)
    rows = session.execute(
        select(Unit.id, Unit.name, f.c.rank, func.count())
        .join(f, f.c.unit_id == Unit.id)
        .group_by(Unit.id, Unit.name, f.c.rank)
    )
    units: dict[int, dict[str, Any]] = {}
    for uid, name, rank, n in rows:
        entry = units.setdefault(uid, {"id": uid, "name": name} | dict.fromkeys(LIGHT_ORDER, 0))
        entry[LIGHT_ORDER[int(rank)]] += n
    return sorted(units.values(), key=lambda u: (-u["red"], -u["yellow"], u["name"]))


def period_deadline(session: Session) -> Any:
    """The end of a period's due day, China time (UTC+8, no daylight saving), as a UTC moment.

    Needs ReportingPeriod joined; one expression instead of a CASE over every period's cut-off, which cost a
    comparison per period for each report (bench/pages.py)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.timezone("Asia/Shanghai", cast(ReportingPeriod.due_on + 1, DateTime()))
    # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: midnight after the due day, China time, is 16:00 UTC on the
    # due day. Text, compared as text: the same as datetime(due_on, '+16 hours') without parsing a date per row.
    return cast(ReportingPeriod.due_on, String()) + " 16:00:00"


def owed_expr(session: Session, deadline: Any = None) -> Any:
    """An assignment owes a report for a period only if it existed before the period fell due: a plan imported
    in November does not make its units late for the first three quarters (Assignment joined; ReportingPeriod
    too, unless the caller passes the period's `deadline` from period_deadlines)."""
    return Assignment.created_at < (period_deadline(session) if deadline is None else deadline)


def period_deadlines(session: Session, actor: Actor, due_before: date) -> Any:
    """The periods in scope due before `due_before`, each with its deadline (period_deadline), as a CTE.

    PostgreSQL computes each period's deadline once (MATERIALIZED); written inline, it converted the time zone
    again for every report and every (assignment, period) pair, half of the ranking's time (bench/pages.py).
    """
    stmt = scoped(
        select(ReportingPeriod.id, ReportingPeriod.plan_id, period_deadline(session).label("deadline")),
        ReportingPeriod,
        actor,
    ).where(ReportingPeriod.due_on < due_before)
    return stmt.cte("due_period").prefix_with("MATERIALIZED", dialect="postgresql")


def on_time_by_unit(session: Session, actor: Actor, today: date) -> list[dict[str, Any]]:
    """Units ranked by on-time reporting: reports first submitted by the due day, of those due so far."""
    due = period_deadlines(session, actor, today)
    # The due periods by a join on the plan rather than an IN list of their ids: SQLite turned the list into a
    # probe per (assignment, period).
    expected = dict(
        session.execute(
            scoped(select(Assignment.unit_id, func.count()), Assignment, actor)
            .join(Task, Task.id == Assignment.task_id)
            .join(due, due.c.plan_id == Task.plan_id)
            .where(Task.is_archived.is_(False), owed_expr(session, due.c.deadline))
            .group_by(Assignment.unit_id)
        ).all()
    )
    on_time = ProgressReport.first_submitted_at < due.c.deadline
    got = {
        uid: (n, ok or 0)
        for uid, n, ok in session.execute(
            scoped(select(Assignment.unit_id, func.count(), func.sum(case((on_time, 1), else_=0))),
                   ProgressReport, actor)
            .join(Assignment, Assignment.id == ProgressReport.assignment_id)
            .join(due, due.c.id == ProgressReport.period_id)
            .where(ProgressReport.first_submitted_at.is_not(None), owed_expr(session, due.c.deadline))
            .group_by(Assignment.unit_id)
        )
    }  # fmt: skip
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(expected)))).all())
    out = []
    for uid, n_expected in expected.items():
        submitted, ok = got.get(uid, (0, 0))
        rate = ok / n_expected if n_expected else 0.0
        out.append({"id": uid, "name": names.get(uid, ""), "expected": n_expected, "submitted": submitted,
                    "on_time": ok, "rate": rate})  # fmt: skip
    return sorted(out, key=lambda u: (-u["rate"], -u["on_time"], u["name"]))


def _month_of(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+8 hours")


def on_time_by_month(session: Session, actor: Actor, today: date, months: int = 12) -> list[dict[str, Any]]:
    """Reports first submitted in each of the last `months` months, on time and late."""
    if session.scalar(scoped(select(ReportingPeriod.id), ReportingPeriod, actor).limit(1)) is None:
        return []
    since = add_months(date(today.year, today.month, 1), -(months - 1))
    since_utc = datetime.combine(since, time(0), tzinfo=CHINA).astimezone(UTC)
    month = _month_of(session, ProgressReport.first_submitted_at)
    on_time = ProgressReport.first_submitted_at < period_deadline(session)
    rows = session.execute(
        scoped(select(month, func.count(), func.sum(case((on_time, 1), else_=0))), ProgressReport, actor)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(ProgressReport.first_submitted_at >= literal(since_utc, UTCDateTime()))
        .group_by(month)
    )
    got = {m: (n, ok or 0) for m, n, ok in rows}
    out = []
    for i in range(months):
        m = add_months(since, i)
        key = f"{m.year:04d}-{m.month:02d}"
        n, ok = got.get(key, (0, 0))
        out.append({"month": f"{m.year}年{m.month}月", "on_time": ok, "late": n - ok})
    return out


def due_between(
    session: Session, actor: Actor, start: date, end: date, *, today: date | None = None, limit: int = 20
) -> list[Any]:
    """Open assignments due in [start, end]: (Assignment, rank), soonest first, each with its light today (as on
    every other page; this week's list once showed Monday's light on a Wednesday)."""
    f = assignment_facts(session, actor, today or today_cn())
    stmt = (
        select(Assignment, f.c.rank)
        .join(f, f.c.id == Assignment.id)
        .where(f.c.due_date >= start, f.c.due_date <= end, f.c.rank < 3)
        .options(joinedload(Assignment.task))
        .order_by(f.c.due_date, Assignment.id)
        .limit(limit)
    )
    return list(session.execute(stmt).unique())


def periods_due_between(session: Session, actor: Actor, start: date, end: date) -> list[dict[str, Any]]:
    """Report deadlines in [start, end], with how many assignments in scope have not submitted yet."""
    periods = list(
        session.scalars(
            scoped(select(ReportingPeriod), ReportingPeriod, actor)
            .where(ReportingPeriod.due_on >= start, ReportingPeriod.due_on <= end)
            .order_by(ReportingPeriod.due_on)
        )
    )
    out = []
    for p in periods:
        expected = (
            session.scalar(
                scoped(select(func.count()).select_from(Assignment), Assignment, actor)
                .join(Task, Task.id == Assignment.task_id)
                .where(Task.plan_id == p.plan_id, Task.is_archived.is_(False))
            )
            or 0
        )
        submitted = (
            session.scalar(
                scoped(select(func.count()).select_from(ProgressReport), ProgressReport, actor).where(
                    ProgressReport.period_id == p.id, ProgressReport.submitted_at.is_not(None)
                )
            )
            or 0
        )
        out.append({"period": p, "expected": expected, "pending": max(0, expected - submitted)})
    return out


def plan_summaries(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Plans in scope with their open task and target counts (two grouped queries, not one per plan)."""
    plans = plans_of_region(session, actor)
    ids = [p.id for p in plans]
    tasks = dict(
        session.execute(
            select(Task.plan_id, func.count())
            .where(Task.plan_id.in_(ids), Task.is_archived.is_(False))
            .group_by(Task.plan_id)
        ).all()
    )
    targets = dict(
        session.execute(
            select(PlanTarget.plan_id, func.count())
            .where(PlanTarget.plan_id.in_(ids))
            .group_by(PlanTarget.plan_id)
        ).all()
    )
    return [{"plan": p, "tasks": tasks.get(p.id, 0), "targets": targets.get(p.id, 0)} for p in plans]


TARGET_STATUSES = {"past": "已到期", "this_year": "本年度到期", "future": "以后年度", "open": "未定年份"}


def target_status_counts(session: Session, actor: Actor, today: date) -> dict[str, int]:
    """Targets in scope by where their deadline year stands today."""
    status = case(
        (PlanTarget.year.is_(None), "open"),
        (PlanTarget.year < today.year, "past"),
        (PlanTarget.year == today.year, "this_year"),
        else_="future",
    )
    rows = session.execute(scoped(select(status, func.count()), PlanTarget, actor).group_by(status))
    counts = dict.fromkeys(TARGET_STATUSES, 0)
    for key, n in rows:
        counts[key] = n
    return counts


def my_work(
    session: Session, actor: Actor, *, today: date | None = None, state: str = "", page: int = 1,
    per_page: int = 50,
) -> RowPage:  # fmt: skip
    """A liaison's own assignments with the current period and that period's report: (Assignment, period, report, rank).

    state: "" all, "todo" (no report submitted for the current period), or a report state.
    """
    today = today or today_cn()
    f = assignment_facts(session, actor, today)
    current = (
        select(ReportingPeriod.id)
        .where(ReportingPeriod.plan_id == Task.plan_id, ReportingPeriod.starts_on <= today)
        .order_by(ReportingPeriod.starts_on.desc())
        .limit(1)
        .correlate(Task)
        .scalar_subquery()
    )
    base = (
        scoped(select(Assignment.id.label("aid"), current.label("period_id")), Assignment, actor)
        .join(Task, Task.id == Assignment.task_id)
        .where(Assignment.unit_id.in_(actor.unit_ids), Task.is_archived.is_(False))
        .subquery("mine")
    )
    report = aliased(ProgressReport)
    stmt = (
        select(Assignment, ReportingPeriod, report, func.coalesce(f.c.rank, 2).label("rank"))
        .join(base, base.c.aid == Assignment.id)
        .outerjoin(ReportingPeriod, ReportingPeriod.id == base.c.period_id)
        .outerjoin(report, and_(report.assignment_id == Assignment.id, report.period_id == base.c.period_id))
        .outerjoin(f, f.c.id == Assignment.id)
        .options(joinedload(Assignment.task))
    )
    if state == "todo":
        stmt = stmt.where(or_(report.id.is_(None), report.state.in_(("draft", "returned"))))
    elif state in ("draft", "submitted", "returned", "accepted"):
        stmt = stmt.where(report.state == state)
    stmt = stmt.order_by(ReportingPeriod.due_on, Assignment.due_date, Assignment.id)
    return paginate_rows(session, stmt, page, per_page)


REVIEW_PAGE_SORTS = {
    "submitted": (ProgressReport.submitted_at.asc(),),
    "-submitted": (ProgressReport.submitted_at.desc(),),
    "unit": (Unit.name.asc(), ProgressReport.submitted_at.asc()),
}


def review_page(
    session: Session, actor: Actor, *, state: str = "submitted", unit_id: int | None = None,
    plan_id: int | None = None, sort: str = "submitted", page: int = 1, per_page: int = 50,
) -> RowPage:  # fmt: skip
    """The review queue with everything a row shows loaded in the same few queries: (report,).

    The page's report ids are sorted and cut first; only those reports are then loaded with their assignment,
    task and files, so a late page or a sort by unit never sorts thousands of full rows (bench/pages.py).
    """
    stmt = (
        scoped(select(ProgressReport.id), ProgressReport, actor)
        .join(Assignment, Assignment.id == ProgressReport.assignment_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(ProgressReport.state == state)
    )
    if unit_id:
        stmt = stmt.where(Assignment.unit_id == unit_id)
    if plan_id:
        stmt = stmt.where(Task.plan_id == plan_id)
    stmt = stmt.order_by(*REVIEW_PAGE_SORTS.get(sort, REVIEW_PAGE_SORTS["submitted"]), ProgressReport.id)
    result = paginate_rows(session, stmt, page, per_page)
    ids = [row[0] for row in result.items]
    loaded = session.scalars(
        select(ProgressReport)
        .where(ProgressReport.id.in_(ids))
        .options(
            selectinload(ProgressReport.attachments),
            joinedload(ProgressReport.assignment).joinedload(Assignment.task),
        )
    ).unique()
    by_id = {r.id: r for r in loaded}
    result.items = [(by_id[i],) for i in ids]
    return result


def units_in_scope(session: Session, actor: Actor) -> list[Unit]:
    return list(session.scalars(scoped(select(Unit), Unit, actor).order_by(Unit.sort_order, Unit.name)))


def reports_of_assignments(session: Session, actor: Actor, assignment_ids: list[int]) -> list[ProgressReport]:
    """Reports in scope of several assignments, newest period first, with their files (no per-row queries)."""
    if not assignment_ids:
        return []
    stmt = (
        scoped(select(ProgressReport), ProgressReport, actor)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(ProgressReport.assignment_id.in_(assignment_ids))
        .options(selectinload(ProgressReport.attachments))
        .order_by(ReportingPeriod.starts_on.desc(), ProgressReport.id)
    )
    return list(session.scalars(stmt).unique())


def escalations_of_assignments(session: Session, actor: Actor, assignment_ids: list[int]) -> list[Escalation]:
    if not assignment_ids:
        return []
    stmt = scoped(select(Escalation), Escalation, actor).where(Escalation.assignment_id.in_(assignment_ids))
    return list(session.scalars(stmt.order_by(Escalation.id)))


def periods_of_plan(
    session: Session, actor: Actor, plan_id: int, *, begun_by: date | None = None
) -> list[ReportingPeriod]:
    """The plan's periods in order; with `begun_by`, only those begun by that day (the ones a report can be for)."""
    stmt = scoped(select(ReportingPeriod), ReportingPeriod, actor).where(ReportingPeriod.plan_id == plan_id)
    if begun_by is not None:
        stmt = stmt.where(ReportingPeriod.starts_on <= begun_by)
    return list(session.scalars(stmt.order_by(ReportingPeriod.starts_on)))
