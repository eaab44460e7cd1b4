"""On-time ranking counts only the periods an assignment owed: those that fell due after it was made."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qcity.accounts.service import actor_for_user
from qcity.kit.dates import CHINA
from qcity.models import Assignment, ReportingPeriod, User
from qcity.tasks import service
from qcity.tasks.queries import on_time_by_unit
from tests.support import World


def _actor(session: Session, username: str):  # type: ignore[no-untyped-def]
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return actor_for_user(session, user)


def _periods(session: Session, world: World) -> list[ReportingPeriod]:
    stmt = select(ReportingPeriod).where(ReportingPeriod.plan_id == world.plan_id)
    return list(session.scalars(stmt.order_by(ReportingPeriod.starts_on)))


def _submit(session: Session, world: World, period: ReportingPeriod, on: date) -> None:
    liaison = _actor(session, "liaison_a")
    report = service.save_draft(session, liaison, world.assignment_a, period.id, text="进展", percent=50)
    service.submit_report(session, liaison, report.id)
    report.first_submitted_at = datetime.combine(on, time(10), tzinfo=CHINA).astimezone(UTC)
    session.flush()


def _row(ranking: list[dict], unit_id: int) -> dict:  # type: ignore[type-arg]
    return next(u for u in ranking if u["id"] == unit_id)


def test_periods_before_the_assignment_existed_are_not_owed(session: Session, world: World) -> None:
    periods = _periods(session, world)
    today = periods[3].due_on + timedelta(days=1)  # four periods have fallen due
    _submit(session, world, periods[3], periods[3].due_on)  # on its due day: on time
    office = _actor(session, "admin")
    before = _row(on_time_by_unit(session, office, today), world.unit_a)
    assert (before["expected"], before["submitted"], before["on_time"]) == (4, 1, 1)
    # The plan reached unit A only after the third period had fallen due.
    made = datetime.combine(periods[2].due_on + timedelta(days=1), time(9), tzinfo=CHINA)
    session.execute(update(Assignment).where(Assignment.id == world.assignment_a).values(created_at=made))
    after = _row(on_time_by_unit(session, office, today), world.unit_a)
    assert (after["expected"], after["on_time"], after["rate"]) == (1, 1, 1.0)
    unit_b = _row(on_time_by_unit(session, office, today), world.unit_b)
    assert unit_b["expected"] == 8  # two assignments × four periods, unchanged


def test_a_report_first_submitted_the_day_after_the_due_day_is_late(session: Session, world: World) -> None:
    periods = _periods(session, world)
    _submit(session, world, periods[0], periods[0].due_on + timedelta(days=1))
    row = _row(on_time_by_unit(session, _actor(session, "admin"), periods[1].due_on), world.unit_a)
    assert (row["expected"], row["submitted"], row["on_time"]) == (1, 1, 0)


def test_light_counts_add_up_to_the_plans_tasks(session: Session, world: World) -> None:
    """A task no unit holds yet (its units unresolved) still counts: green, as the task table shows it."""
    from qcity.models import Task
    from qcity.tasks.queries import task_light_counts, task_table

    session.add(Task(plan_id=world.plan_id, seq=3, no="3", title="尚未分工的任务"))
    session.flush()
    office = _actor(session, "admin")
    today = date(2024, 3, 1)
    counts = task_light_counts(session, office, today, plan_id=world.plan_id)
    assert sum(counts.values()) == 3
    green = task_table(session, office, world.plan_id, today=today, light_name="green")
    assert counts["green"] == green.total


def test_this_weeks_due_list_shows_todays_light(session: Session, world: World) -> None:
    """Due yesterday is red today, though it was still yellow on Monday when the week began."""
    from qcity.tasks.queries import due_between

    today = date(2024, 3, 6)  # a Wednesday
    monday = today - timedelta(days=today.weekday())
    session.execute(
        update(Assignment).where(Assignment.id == world.assignment_a).values(due_date=today - timedelta(1))
    )
    session.flush()
    rows = due_between(session, _actor(session, "admin"), monday, monday + timedelta(days=6), today=today)
    assert [(a.id, rank) for a, rank in rows if a.id == world.assignment_a] == [
        (world.assignment_a, 0)
    ]  # red
