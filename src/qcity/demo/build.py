"""Build the demo: five regions, their real plans, accounts and a year of activity, through the real services.

`build_demo(session, files_dir=...)` writes everything and never commits (the caller commits once). The same
seed gives the same rows, ids and texts every time; only timestamps move with the day it is built on, so the
lights, "due this week" and the monthly charts always look current.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qcity.accounts import service as accounts
from qcity.accounts.actor import Actor
from qcity.accounts.permissions import LEADER, LIAISON, OFFICE_ADMIN
from qcity.audit import service as audit
from qcity.demo import activity, extras
from qcity.demo.catalog import DEFAULT_SEED, FLAGSHIP, GIVEN, PASSWORD, REGIONS, SURNAMES, DemoRegion
from qcity.extract import extract_plan
from qcity.kit.dates import CHINA, add_months, today_cn
from qcity.models import Assignment, Plan, Region, ReportingPeriod, Task, Unit, User
from qcity.org import service as org
from qcity.plans import service as plans
from qcity.plans.periods import periods_between
from qcity.readers import read_document


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    region: str
    unit: str = ""


@dataclass
class RegionSummary:
    slug: str
    name: str
    code: str
    region_id: int
    plan_id: int
    plan_title: str
    tasks: int
    units: int
    assignments: int


@dataclass
class DemoSummary:
    seed: int
    today: date
    regions: list[RegionSummary] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def plan_json(spec: DemoRegion) -> dict[str, Any]:
    """The shipped plan as the plan reader extracts it: the same JSON a user gets from uploading the file."""
    return extract_plan(read_document(spec.path)).to_json()


@contextmanager
def _one_hash_per_password() -> Iterator[None]:
    """argon2 costs tens of milliseconds a hash by design. The demo's ~150 accounts share one printed password,
    so hash it once and reuse the (valid, salted) hash instead of spending seconds on identical work."""
    original = accounts.hash_password
    cache: dict[str, str] = {}

    def cached(password: str) -> str:
        if password not in cache:
            cache[password] = original(password)
        return cache[password]

    accounts.hash_password = cached
    try:
        yield
    finally:
        accounts.hash_password = original


def build_demo(
    session: Session, *, files_dir: Path, seed: int = DEFAULT_SEED, today: date | None = None,
    max_upload_bytes: int = 50 * 1024 * 1024, only: tuple[str, ...] | None = None,
) -> DemoSummary:  # fmt: skip
    """Create the demo in an empty, migrated database (`only`: a subset of region slugs, for quick tests).
    Raises a domain error if a demo region already exists."""
    started = time.perf_counter()
    today = today or today_cn()
    summary = DemoSummary(seed=seed, today=today)
    chosen = [r for r in REGIONS if only is None or r.slug in only]
    with _one_hash_per_password():
        for spec in chosen:
            # One random stream per region: a region's data never shifts when another changes.
            rng = random.Random(f"{seed}:{spec.slug}")
            ctx = _build_region(session, spec, rng, today, summary)
            activity.generate(session, ctx, rng, today, files_dir, max_upload_bytes)
            extras.indicators(session, ctx, rng, today)
            if spec.slug == FLAGSHIP:
                extras.assessment(session, ctx, rng, today, files_dir, max_upload_bytes)
    session.flush()
    summary.counts = activity.counts(session)
    summary.seconds = time.perf_counter() - started
    return summary


def _ensure_region(session: Session, code: str, name: str, level: str, parent_id: int | None) -> Region:
    region = session.scalar(select(Region).where(Region.code == code))
    return region or org.create_region(session, None, code=code, name=name, level=level, parent_id=parent_id)


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in used:
            used.add(name)
            return name


def _build_region(
    session: Session, spec: DemoRegion, rng: random.Random, today: date, summary: DemoSummary
) -> activity.RegionContext:
    parent_id = None
    for code, name, level in spec.parents:
        parent_id = _ensure_region(session, code, name, level, parent_id).id
    region = org.create_region(session, None, code=spec.code, name=spec.name, level=spec.level,
                               parent_id=parent_id)  # fmt: skip
    flagship = spec.slug == FLAGSHIP
    prefix = "demo" if flagship else spec.slug
    used: set[str] = set()
    office_user = accounts.create_user(session, None, username=f"{prefix}_office", password=PASSWORD,
                                       role=OFFICE_ADMIN, display_name=f"{_person(rng, used)}（质量强市办）",
                                       region_id=region.id)  # fmt: skip
    office = accounts.actor_for_user(session, office_user)
    data = plan_json(spec)
    preview = plans.preview_import(session, office, region.id, data)
    mapping: dict[str, Any] = {n.name: plans.NEW for n in preview.unresolved}
    options = plans.ImportOptions(reporting_frequency=spec.frequency, publish=True)
    plan = plans.confirm_import(session, office, region.id, data, mapping, options, source_name=spec.file)
    _live_window(session, office, plan, rng, today)
    leader = accounts.create_user(session, None, username=f"{prefix}_leader", password=PASSWORD, role=LEADER,
                                  display_name=f"{_person(rng, used)}（分管领导）", region_id=region.id)  # fmt: skip
    summary.accounts.append(DemoAccount(office_user.username, PASSWORD, "办公室管理员", spec.full_name))
    summary.accounts.append(DemoAccount(leader.username, PASSWORD, "领导", spec.full_name))
    units = list(session.scalars(select(Unit).where(Unit.region_id == region.id).order_by(Unit.id)))
    busy = dict(
        session.execute(
            select(Assignment.unit_id, func.count())
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan.id)
            .group_by(Assignment.unit_id)
        ).all()
    )
    # The two busiest units get the printed liaison accounts; every other unit has its own liaison too.
    featured = sorted(units, key=lambda u: (-busy.get(u.id, 0), u.id))[:2]
    liaisons: dict[int, Actor] = {}
    for n, unit in enumerate(units, 1):
        rank = featured.index(unit) + 1 if unit in featured else 0
        username = f"{prefix}_liaison{rank}" if rank else f"{spec.slug}_u{n:02d}"
        user = accounts.create_user(session, None, username=username, password=PASSWORD, role=LIAISON,
                                    display_name=_person(rng, used), region_id=region.id,
                                    unit_ids=[unit.id])  # fmt: skip
        liaisons[unit.id] = accounts.actor_for_user(session, user)
        if rank:
            summary.accounts.append(DemoAccount(username, PASSWORD, "单位联络员", spec.full_name, unit.name))
    n_assign = sum(busy.values())
    summary.regions.append(RegionSummary(spec.slug, spec.full_name, spec.code, region.id, plan.id, plan.title,
                                         len(plan.tasks), len(units), n_assign))  # fmt: skip
    return activity.RegionContext(spec=spec, region=region, plan=plan, office=office,
                                  leader=accounts.actor_for_user(session, leader), liaisons=liaisons)  # fmt: skip


def _live_window(session: Session, office: Actor, plan: Plan, rng: random.Random, today: date) -> None:
    """Make the plan current: its reporting periods cover the last twelve months and run on past today, and its
    tasks fall due around now (some overdue, some this week, most later). The document's own dates are history:
    a plan issued in 2016 would otherwise show nothing but red lights."""
    before = audit.snapshot(plan, ["start_date", "end_date"])
    plan.start_date = add_months(date(today.year, today.month, 1), -12)
    plan.end_date = max(plan.end_date, date(today.year + 1, 12, 31))
    session.execute(delete(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id))
    for span in periods_between(
        plan.start_date, plan.end_date, plan.reporting_frequency, plan.report_grace_days
    ):
        session.add(ReportingPeriod(plan_id=plan.id, label=span.label, starts_on=span.starts_on,
                                    ends_on=span.ends_on, due_on=span.due_on))  # fmt: skip
    tracked_since = datetime.combine(plan.start_date, time_of_day.min, tzinfo=CHINA)
    tasks = list(plan.tasks)
    n = len(tasks)
    # Fixed shares (at least one or two each), so every region has work due this week and some overdue.
    this_week, overdue = max(1, round(n * 0.08)), max(2, round(n * 0.14))
    this_year, next_half = round(n * 0.18), round(n * 0.15)
    days_left_in_week = 6 - today.weekday()
    for i, task in enumerate(rng.sample(tasks, n)):
        if i < this_week:
            due = today + timedelta(days=rng.randint(0, min(3, days_left_in_week)))  # yellow, due this week
        elif i < this_week + overdue:
            due = today - timedelta(days=rng.randint(5, 75))  # red unless finished
        elif i < this_week + overdue + this_year:
            due = date(today.year, 12, 31)
        elif i < this_week + overdue + this_year + next_half:
            due = date(today.year + 1, 6, 30)
        else:
            due = plan.end_date
        task.due_date = due
        for a in task.assignments:
            a.due_date = due
            a.created_at = tracked_since  # assigned when the window opened: every demo period is owed
    session.flush()
    audit.record(session, office.user, "plan.update", "plan", plan.id, before=before,
                 after=audit.snapshot(plan, ["start_date", "end_date"]) | {"demo": "reporting window set to now"},
                 region_id=plan.region_id)  # fmt: skip


def region_users(session: Session, region_id: int) -> list[User]:
    return list(session.scalars(select(User).where(User.region_id == region_id).order_by(User.id)))
