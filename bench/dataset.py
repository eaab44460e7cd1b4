"""A city-sized dataset for the benchmarks: one city, 50 units, 5 plans with 200 tasks, 20,000 progress reports.

    .venv/bin/python bench/dataset.py [--database-url URL] [--rebuild] [--verify]

Default URL: PostgreSQL `postgresql+psycopg://postgres@127.0.0.1:5432/qcity_bench` (the database is dropped and
created again on a rebuild; the names of the test databases are refused). An SQLite URL works too.

What it writes, from a fixed seed (the same rows every time for the same day; the dates move with today so the
lights, "due this week" and the last months' charts always look current):

- through the services (`qcity.org`, `qcity.accounts`, `qcity.plans`), exactly as an administrator would: the
  region 基准市 under 湖北省, 50 units (40 departments, 10 towns and streets), the office admin `bench_office`,
  the leader `bench_leader`, one liaison per unit (`bench_u01` … `bench_u50`; `bench_u01` is 市市场监管局, the
  busiest), and five plans imported from plan JSON (four monthly, one quarterly; 200 tasks, ~780 assignments
  lead/participant, with their reporting periods since December 2023). Their audit events are dated at the set-up
  moment (2023-12-25) instead of now, so the audit log stays in time order.
- in bulk (SQLAlchemy core INSERT of many rows): 20,000 progress reports and their history as the report service
  would have written it step by step — create (version 1), edit, submit, return with a reason, correct and
  resubmit, accept — with the same columns, states, versions, return counts and timestamps; ~200 escalations
  (督办), most acknowledged; and one hash-chained audit event per step (~70,000), continuing the chain the
  services began (`qcity audit verify` passes; `--verify` checks it here).
- through the services again, at the real time: indicators synced from the plans' targets with three years of
  values for some, and this year's assessment cycle (考核) opened over all units, scored from the reports.

A database that already holds this dataset (same version, seed and day) is reused unless `--rebuild` is given.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Engine, Table, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from qcity.accounts import service as accounts
from qcity.accounts.actor import Actor
from qcity.accounts.permissions import LEADER, LIAISON, OFFICE_ADMIN
from qcity.audit import service as audit
from qcity.db.engine import make_engine, make_session_factory
from qcity.db.migrate import upgrade
from qcity.demo import catalog as phrases
from qcity.kit.dates import CHINA, today_cn
from qcity.kit.errors import DomainError
from qcity.models import (
    Assignment,
    AuditEvent,
    AuditHead,
    Escalation,
    Plan,
    ProgressReport,
    Region,
    ReportingPeriod,
    Task,
    Unit,
    User,
)
from qcity.org import service as org
from qcity.plans import service as plans
from qcity.tasks.service import REPORT_FIELDS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/qcity_bench"
DEFAULT_SQLITE_URL = f"sqlite:///{ROOT / 'data' / 'bench' / 'qcity_bench.sqlite3'}"
VERSION = 1  # bump when the generator changes: a database built by another version is rebuilt
SEED = 20261123
N_REPORTS = 20_000
PASSWORD = "bench-pass-1"
OFFICE, LEADER_NAME = "bench_office", "bench_leader"
PROVINCE = ("420000", "湖北省", "province")
CITY = ("429900", "基准市", "city")
SETUP_AT = datetime(2023, 12, 25, 9, 0, tzinfo=CHINA).astimezone(UTC)  # when the office set the city up
PROTECTED_DATABASES = ("test", "postgres", "template0", "template1")
PROTECTED_PREFIXES = ("test_gw", "qcity_test")

# 40 departments (the first ones lead most tasks) and 10 towns/streets.
DEPARTMENTS = (
    "市市场监管局", "市经信局", "市发展改革委", "市科技局", "市农业农村局", "市住建局", "市商务局", "市交通运输局",
    "市生态环境局", "市文化和旅游局", "市卫生健康委", "市教育局", "市财政局", "市人社局", "市自然资源和规划局",
    "市水利和湖泊局", "市应急管理局", "市统计局", "市公安局", "市民政局", "市司法局", "市城管执法委", "市国资委",
    "市医保局", "市林业局", "市数据局", "市地方金融管理局", "市知识产权局", "市税务局", "市气象局", "市邮政管理局",
    "市消防救援支队", "市供销社", "市总工会", "团市委", "市妇联", "市科协", "市工商联", "市粮食和物资储备局",
    "市药品检验所",
)  # fmt: skip
TOWNS = (
    "城东街道",
    "城西街道",
    "城南街道",
    "城北街道",
    "东湖镇",
    "西山镇",
    "南河镇",
    "北坡镇",
    "龙泉镇",
    "白鹤镇",
)
UNIT_NAMES = DEPARTMENTS + TOWNS


@dataclass(frozen=True)
class PlanSpec:
    title: str
    issued: str
    frequency: str
    tasks: int
    sections: tuple[str, ...]
    targets: tuple[tuple[str, str, float, str], ...]  # indicator, op, value, unit


PLANS = (
    PlanSpec("基准市质量强市建设实施方案（2023—2027年）", "2023-12-08", "monthly", 45,
             ("推动经济发展质效提升", "增强产业质量竞争力", "提升产品工程服务质量", "加强质量基础设施建设",
              "推进质量治理现代化"),
             (("制造业质量竞争力指数", ">=", 88, ""), ("制造业产品质量合格率", ">=", 95, "%"),
              ("主要农产品质量安全抽检合格率", ">=", 98, "%"), ("有效发明专利拥有量", ">=", 12000, "件"),
              ("服务业质量满意度", ">=", 82, "分"))),
    PlanSpec("基准市质量提升行动方案", "2023-12-12", "monthly", 45,
             ("实施产品质量提升行动", "实施工程质量提升行动", "实施服务质量提升行动", "夯实质量发展基础"),
             (("建设工程质量一次验收合格率", ">=", 100, "%"), ("食品安全评价性抽检合格率", ">=", 98.5, "%"),
              ("重点服务业顾客满意度", ">=", 80, "分"), ("亿元GDP生产安全事故死亡率", "<=", 0.02, ""))),
    PlanSpec("基准市标准化发展战略实施方案", "2023-12-15", "monthly", 40,
             ("推动标准化与科技创新互动", "提升产业标准化水平", "完善绿色发展标准化保障", "强化标准实施应用"),
             (("主导或参与制修订国家标准", ">=", 60, "项"), ("企业标准领跑者", ">=", 30, "家"),
              ("标准化试点示范项目", ">=", 25, "个"))),
    PlanSpec("基准市品牌建设三年行动计划", "2023-12-20", "monthly", 40,
             ("培育区域公用品牌", "打造企业自主品牌", "提升品牌服务能力"),
             (("中国驰名商标", ">=", 40, "件"), ("地理标志商标", ">=", 90, "件"),
              ("政府质量奖获奖企业", ">=", 15, "家"))),
    PlanSpec("基准市计量发展规划实施方案", "2023-12-22", "quarterly", 30,
             ("加强计量科技创新", "完善计量基础设施", "提升计量服务能力"),
             (("社会公用计量标准", ">=", 220, "项"), ("计量检定校准服务覆盖率", ">=", 95, "%"))),
)  # fmt: skip

WORKS = (
    "实施制造业质量攻关", "推进重点产品质量追溯体系建设", "开展质量管理体系升级行动", "加强农产品质量安全监管",
    "培育先进质量管理标杆企业", "推动检验检测机构做优做强", "完善质量基础设施一站式服务", "提升建设工程品质",
    "加强消费品质量安全监管", "推进服务业标准化建设", "实施中小企业质量帮扶", "开展质量强县（区）创建",
    "深化质量认证体系建设", "强化特种设备安全监管", "推进知识产权强企建设", "加强质量人才队伍建设",
    "打造质量提升示范区", "推进智慧监管平台建设", "提升公共服务质量满意度", "加快培育区域公用品牌",
    "开展缺陷产品召回管理", "推动绿色产品认证", "加强计量标准体系建设", "推进标准化试点示范",
    "完善质量奖励激励机制", "开展质量月系列活动", "强化质量安全风险监测", "推动产业链供应链质量协同",
    "提升农产品品牌影响力", "加强旅游服务质量监管", "推进物流服务质量提升", "开展工业产品生产许可改革",
    "健全质量信用体系", "推动首席质量官制度落地", "加强公共检验检测平台建设", "推进质量基础设施数字化",
)  # fmt: skip
WORK_DETAIL = (
    "建立工作台账，明确时间节点和责任人，按季度调度推进情况。",
    "围绕重点行业和关键环节，组织开展专项行动，形成可复制推广的经验做法。",
    "加强部门协同和政策集成，推动各项措施落地见效。",
    "每年组织开展评估，及时发现和解决推进中的问题。",
)


@dataclass(frozen=True)
class Habit:
    """How a unit reports: how often it skips a period, reports late, or gets a report returned."""

    skip: float
    late: float
    returned: float


HABITS = (Habit(0.03, 0.06, 0.06), Habit(0.10, 0.20, 0.12), Habit(0.25, 0.45, 0.22))  # good, fair, poor
HABIT_WEIGHTS = (0.6, 0.3, 0.1)


@dataclass
class DatasetInfo:
    """What the benchmarks need to know about a built dataset (read back from the database)."""

    url: str
    password: str
    office: str
    leader: str
    liaison: str  # the liaison of the busiest unit
    liaison_unit_id: int
    region_id: int
    plan_ids: list[int]
    big_plan_id: int  # the plan with the most tasks
    unit_ids: list[int]
    task_ids: list[int]  # of the largest plan
    assignment_ids: list[int]  # of the liaison's unit
    cycle_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    built: bool = False
    seconds: float = 0.0


# --- the database ---------------------------------------------------------------------------------------------


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def reset_database(url: str) -> None:
    """An empty database at `url`: a new SQLite file, or the PostgreSQL database dropped and created again."""
    if is_sqlite(url):
        path = Path(make_url(url).database or "")
        if not path.name:
            raise SystemExit(f"not an SQLite file URL: {url}")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    target = make_url(url)
    name = target.database or ""
    if name in PROTECTED_DATABASES or name.startswith(PROTECTED_PREFIXES) or not name:
        raise SystemExit(f"refusing to drop database {name!r}: choose another name, e.g. qcity_bench")
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def tag(seed: int, today: date) -> str:
    """Stored as every plan's source_name: how a later run knows the dataset is already there."""
    return f"bench/dataset.py v{VERSION} seed {seed} day {today.isoformat()}"


def ensure(
    url: str, *, rebuild: bool = False, seed: int = SEED, today: date | None = None, verbose: bool = True
) -> DatasetInfo:
    """The dataset at `url`, built unless it is already there (same version, seed and day)."""
    today = today or today_cn()
    if not rebuild and _present(url, seed, today):
        engine = make_engine(url)
        try:
            upgrade(engine)  # a migration added since the build (an index) applies to the kept data
            with make_session_factory(engine)() as session:
                found = read_info(session, url)
        finally:
            engine.dispose()
        if verbose:
            print(f"dataset: reusing {_safe(url)} ({found.counts['reports']} reports)", flush=True)
        return found
    return build(url, seed=seed, today=today, verbose=verbose)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _present(url: str, seed: int, today: date) -> bool:
    if is_sqlite(url) and not Path(make_url(url).database or "").exists():
        return False
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            plans_ok = conn.scalar(select(func.count()).where(Plan.source_name == tag(seed, today)))
            reports = conn.scalar(select(func.count()).select_from(ProgressReport))
        engine.dispose()
    except Exception:  # no database, or not migrated: build it
        return False
    return plans_ok == len(PLANS) and reports == N_REPORTS


def build(url: str, *, seed: int = SEED, today: date | None = None, verbose: bool = True) -> DatasetInfo:
    """Drop and rebuild the database at `url` with the dataset; returns what it holds."""
    started = clock.perf_counter()
    today = today or today_cn()
    say = print if verbose else (lambda *_a, **_k: None)
    reset_database(url)
    engine = make_engine(url)
    try:
        upgrade(engine)
        say(f"dataset: migrated {_safe(url)} in {clock.perf_counter() - started:.1f} s", flush=True)
        with make_session_factory(engine)() as session:
            rng = random.Random(seed)
            city = _setup(session, rng, seed, today)
            say(
                f"dataset: city, units, accounts and plans in {clock.perf_counter() - started:.1f} s",
                flush=True,
            )
            counts = _activity(session, rng, city, today)
            session.commit()
            say(f"dataset: {counts['reports']} reports, {counts['escalations']} escalations and "
                f"{counts['events']} audit events in {clock.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            _extras(session, rng, city, today)
            session.commit()
        _analyze(engine)
        with make_session_factory(engine)() as session:
            info = read_info(session, url)
    finally:
        engine.dispose()
    info.built, info.seconds = True, clock.perf_counter() - started
    say(f"dataset: built in {info.seconds:.1f} s", flush=True)
    return info


def _analyze(engine: Engine) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum leaves the tables a minute after a bulk load (statistics for the
    planner, the visibility map for index-only scans). SQLite is left as the app leaves it (it never runs
    ANALYZE), so its planner works without statistics."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


# --- set-up through the services -------------------------------------------------------------------------------


@contextmanager
def _setup_time() -> Iterator[None]:
    """Services stamp audit events with "now"; during set-up, use the set-up moment (one second apart) so the
    log stays in time order with the back-dated activity after it. Argon2 is paid once for the shared password."""
    ticks = itertools.count()
    original_now, original_hash = audit.utcnow, accounts.hash_password
    cache: dict[str, str] = {}

    def hashed(password: str) -> str:
        if password not in cache:
            cache[password] = original_hash(password)
        return cache[password]

    audit.utcnow = lambda: SETUP_AT + timedelta(seconds=next(ticks))
    accounts.hash_password = hashed
    try:
        yield
    finally:
        audit.utcnow, accounts.hash_password = original_now, original_hash


@dataclass
class _Asg:
    id: int
    task_id: int
    task_no: str
    task_title: str
    unit_id: int
    unit_name: str
    role: str
    due: date
    plan_id: int
    liaison: tuple[int, str]
    habit: Habit


@dataclass
class _City:
    region_id: int
    office: Actor
    office_user: tuple[int, str]
    liaisons: dict[int, User]  # unit id → liaison
    assignments: list[_Asg]
    periods: dict[int, list[ReportingPeriod]]  # plan id → periods, in order
    habits: dict[int, Habit]


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(phrases.SURNAMES) + rng.choice(phrases.GIVEN)
        if name not in used:
            used.add(name)
            return name


def _deadline(rng: random.Random, today: date) -> str | None:
    """A task's deadline as a plan writes it, spread around today: some due this week, some overdue."""
    r = rng.random()
    if r < 0.06:
        return (today + timedelta(days=rng.randint(0, 3))).isoformat()  # yellow unless finished
    if r < 0.16:
        return (today - timedelta(days=rng.randint(5, 75))).isoformat()  # recently overdue
    if r < 0.28:
        return f"{today.year - 1}年底"  # long past: mostly finished
    if r < 0.45:
        return f"{today.year}年底"
    if r < 0.60:
        return f"{today.year + 1}年6月"
    return rng.choice(("长期坚持", f"{today.year + 1}年底", None))


def _plan_json(spec: PlanSpec, rng: random.Random, today: date, weights: list[float]) -> dict[str, Any]:
    tasks = []
    works = rng.sample(WORKS, len(WORKS))
    for i in range(spec.tasks):
        work = works[i % len(works)] + ("" if i < len(works) else "（二期）")
        leads = _pick(rng, weights, 2 if rng.random() < 0.15 else 1, set())
        n_part = rng.choices((0, 1, 2, 3, 4, 5), (6, 16, 26, 24, 16, 12))[0]
        participants = _pick(rng, weights, n_part, set(leads))
        names = [UNIT_NAMES[k] for k in leads + participants]
        content = f"{work}。" + "".join(rng.sample(WORK_DETAIL, 2))
        tasks.append({"no": str(i + 1), "title": work, "content": content, "units": names,
                      "lead": names[: len(leads)], "participants": names[len(leads):],
                      "deadline": _deadline(rng, today),
                      "section": spec.sections[i * len(spec.sections) // spec.tasks]})  # fmt: skip
    targets = [
        {"text": f"到2027年，{ind}{'达到' if op == '>=' else '控制在'}{value:g}{unit}{'以上' if op == '>=' else '以内'}",
         "indicator": ind, "op": op, "value": value, "unit": unit, "year": 2027}
        for ind, op, value, unit in spec.targets
    ]  # fmt: skip
    return {"title": spec.title, "issuer": "基准市人民政府", "region": "基准市", "level": "city",
            "date": spec.issued, "horizon": [2027], "targets": targets, "tasks": tasks}  # fmt: skip


def _pick(rng: random.Random, weights: list[float], k: int, exclude: set[int]) -> list[int]:
    """k distinct unit indexes, by weight."""
    out: list[int] = []
    while len(out) < k:
        i = rng.choices(range(len(weights)), weights)[0]
        if i not in exclude and i not in out:
            out.append(i)
    return out


def _setup(session: Session, rng: random.Random, seed: int, today: date) -> _City:
    used: set[str] = set()
    with _setup_time():
        province = org.create_region(session, None, code=PROVINCE[0], name=PROVINCE[1], level=PROVINCE[2])
        region = org.create_region(session, None, code=CITY[0], name=CITY[1], level=CITY[2],
                                   parent_id=province.id)  # fmt: skip
        units = [org.create_unit(session, None, region_id=region.id, name=name,
                                 kind="town" if name in TOWNS else "department") for name in UNIT_NAMES]  # fmt: skip
        for n, unit in enumerate(units):
            unit.sort_order = n + 1
        office_user = accounts.create_user(session, None, username=OFFICE, password=PASSWORD, role=OFFICE_ADMIN,
                                           display_name=f"{_person(rng, used)}（质量强市办）", region_id=region.id)  # fmt: skip
        accounts.create_user(session, None, username=LEADER_NAME, password=PASSWORD, role=LEADER,
                             display_name=f"{_person(rng, used)}（分管领导）", region_id=region.id)  # fmt: skip
        liaisons = {
            unit.id: accounts.create_user(
                session,
                None,
                username=f"bench_u{n:02d}",
                password=PASSWORD,
                role=LIAISON,
                display_name=_person(rng, used),
                region_id=region.id,
                unit_ids=[unit.id],
            )
            for n, unit in enumerate(units, 1)
        }
        office = accounts.actor_for_user(session, office_user)
        weights = [1 / (1 + i / 5) for i in range(len(DEPARTMENTS))] + [0.25] * len(TOWNS)
        for spec in PLANS:
            options = plans.ImportOptions(reporting_frequency=spec.frequency, publish=True)
            plans.confirm_import(session, office, region.id, _plan_json(spec, rng, today, weights),
                                 options=options, source_name=tag(seed, today))  # fmt: skip
        session.flush()
    # Rows the services stamped with the real time: dated at the set-up moment too.
    for model in (Region, Unit, User, Plan, Task, Assignment):
        table = cast(Table, model.__table__)
        session.execute(update(table).values(created_at=SETUP_AT, updated_at=SETUP_AT))
    habits = {u.id: rng.choices(HABITS, HABIT_WEIGHTS)[0] for u in units}
    names = {u.id: u.name for u in units}
    rows = session.execute(
        select(Assignment.id, Assignment.task_id, Task.no, Task.title, Assignment.unit_id, Assignment.role,
               Assignment.due_date, Task.plan_id)
        .join(Task, Task.id == Assignment.task_id)
        .order_by(Assignment.id)
    )  # fmt: skip
    assignments = [
        _Asg(aid, tid, no, title, uid, names[uid], role, due or date.max, pid,
             (liaisons[uid].id, liaisons[uid].username), habits[uid])
        for aid, tid, no, title, uid, role, due, pid in rows
    ]  # fmt: skip
    periods: dict[int, list[ReportingPeriod]] = {}
    for p in session.scalars(
        select(ReportingPeriod).order_by(ReportingPeriod.plan_id, ReportingPeriod.starts_on)
    ):
        periods.setdefault(p.plan_id, []).append(p)
    return _City(
        region.id, office, (office_user.id, office_user.username), liaisons, assignments, periods, habits
    )


# --- the activity, in bulk --------------------------------------------------------------------------------------


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of a China calendar day, in UTC."""
    moment = datetime.combine(
        day, time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=CHINA
    )
    return moment.astimezone(UTC)


@dataclass
class _Slot:
    asg: _Asg
    period: ReportingPeriod
    percent: int
    status: str
    weight: float


def _progress(rng: random.Random, asg: _Asg, periods: list[ReportingPeriod], today: date) -> list[_Slot]:
    """The assignment's percent and work status for every period that has started by today."""
    started = [p for p in periods if p.starts_on <= today]
    if not started:
        return []
    long_past, overdue = asg.due < today - timedelta(days=120), asg.due < today
    soon = asg.due <= today + timedelta(days=7)
    finishes = rng.random() < (0.85 if long_past else 0.5 if overdue else 0.3 if soon else 0.06)
    done_at = len(started) - 1
    if finishes:
        due_index = max((i for i, p in enumerate(started) if p.starts_on <= asg.due), default=0)
        done_at = min(done_at, due_index + rng.randint(-1, 1)) if long_past else done_at
        done_at = max(done_at, 0)
    end = 100 if finishes else rng.randint(55, 95)
    start = rng.randint(3, 15)
    steps = list(itertools.accumulate(rng.uniform(0.5, 1.5) for _ in range(done_at + 1)))
    slots = []
    for i, period in enumerate(started):
        current = period.due_on >= today
        pct = min(end, round(start + (end - start) * steps[i] / steps[-1])) if i <= done_at else end
        done = finishes and i >= done_at
        status = "completed" if done else "delayed" if period.starts_on > asg.due else "in_progress"
        weight = 0.3 if current else 0.35 if done and i > done_at else 1 - asg.habit.skip
        slots.append(_Slot(asg, period, 100 if done else min(pct, 95), status, weight))
    return slots


def _report_text(rng: random.Random, slot: _Slot) -> tuple[str, str]:
    """(first draft, final text) of a report: the opening alone, then the whole report."""
    a, p = slot.asg, slot.period
    nums = {
        "a": rng.randint(1, 6),
        "b": rng.randint(2, 15),
        "c": rng.randint(8, 120),
        "d": rng.randint(30, 400),
    }
    title = a.task_title[:40]
    if slot.percent >= 100:
        full = rng.choice(phrases.COMPLETED).format(title=title, **nums)
        return full[:30], full
    opening = rng.choice(phrases.OPENINGS).format(period=p.label, unit=a.unit_name, title=title)
    actions = "；".join(x.format(**nums) for x in rng.sample(phrases.ACTIONS, 2))
    body = f"{opening}，{actions}，{rng.choice(phrases.RESULTS)}，累计完成年度任务的{slot.percent}%。"
    if slot.status == "delayed":
        body += phrases.DELAYED.format(cause=rng.choice(phrases.DELAY_CAUSES))
    return opening + "。", body + rng.choice(phrases.NEXT_STEPS)


@dataclass
class _Report:
    row: dict[str, Any]
    region_id: int
    steps: list[tuple[datetime, tuple[int, str], str, dict[str, Any] | None, dict[str, Any]]]


def _lifecycle(
    rng: random.Random, slot: _Slot, office: tuple[int, str], region_id: int, today: date, now: datetime
) -> _Report:
    """One report from creation to its final state, step by step as tasks.service writes it."""
    a, p = slot.asg, slot.period
    floor = SETUP_AT + timedelta(days=1)
    latest = now - timedelta(minutes=30)
    draft_text, final_text = _report_text(rng, slot)
    age = (today - p.due_on).days
    if age <= 0:  # not yet due: being written now
        outcome, returns = ("submitted" if rng.random() < 0.3 else "draft"), 0
        first = max(p.starts_on, today - timedelta(days=30))
        submitted = min(
            _at(first + timedelta(days=rng.randint(0, max(0, (today - first).days))), rng), latest
        )
    else:
        pending, returned = (0.30, 0.08) if age < 20 else (0.04, 0.02) if age < 50 else (0.004, 0.004)
        r = rng.random()
        outcome = "submitted" if r < pending else "returned" if r < pending + returned else "accepted"
        returns = (2 if rng.random() < 0.15 else 1) if rng.random() < a.habit.returned else 0
        late = rng.random() < a.habit.late
        day = (
            p.due_on + timedelta(days=rng.randint(1, 20))
            if late
            else p.due_on - timedelta(days=rng.randint(0, 12))
        )
        submitted = min(max(_at(day, rng), floor), latest)
    created = max(submitted - timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6)), floor,
                  datetime.combine(p.starts_on, time(8), tzinfo=CHINA).astimezone(UTC))  # fmt: skip
    created = min(created, submitted - timedelta(minutes=20))
    # The audited fields of tasks.service.REPORT_FIELDS, snapshotted before and after every step.
    state: dict[str, Any] = {"state": "draft", "text": final_text, "percent": slot.percent,
                             "work_status": slot.status, "return_reason": None, "version": 1}  # fmt: skip
    assert list(state) == REPORT_FIELDS, "the report service audits other fields now: update the generator"
    liaison = a.liaison
    steps: list[tuple[datetime, tuple[int, str], str, dict[str, Any] | None, dict[str, Any]]] = []
    edited = rng.random() < 0.3
    if edited:
        state["text"] = draft_text
    steps.append((created, liaison, "report.create", None, dict(state)))

    def step(at: datetime, who: tuple[int, str], action: str, **changes: Any) -> None:
        before = dict(state)
        state.update(changes)
        state["version"] += 1
        steps.append((at, who, action, before, dict(state)))

    if edited:
        step(
            created + (submitted - created) * rng.uniform(0.2, 0.8), liaison, "report.update", text=final_text
        )
    times: dict[str, Any] = {"submitted_at": None, "first_submitted_at": None, "reviewed_at": None}
    return_count = 0
    if outcome != "draft":
        step(submitted, liaison, "report.submit", state="submitted")
        times["submitted_at"] = times["first_submitted_at"] = submitted
        last = submitted
        for n in range(returns + (1 if outcome == "returned" else 0)):
            reviewed = last + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5))
            if reviewed > latest:
                outcome = "submitted"  # the office has not got to it yet
                break
            reason = rng.choice(phrases.RETURN_REASONS)
            step(reviewed, office, "report.return", state="returned", return_reason=reason)
            return_count += 1
            times["reviewed_at"] = reviewed
            if outcome == "returned" and n == returns:
                break  # returned, not corrected yet
            fixed = reviewed + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5))
            if fixed > latest:
                outcome = "returned"
                break
            step(fixed - timedelta(minutes=rng.randint(5, 90)), liaison, "report.update",
                 text=state["text"] + phrases.REVISED)  # fmt: skip
            step(fixed, liaison, "report.submit", state="submitted")
            times["submitted_at"] = last = fixed
        if outcome == "accepted" and state["state"] == "submitted":
            accepted = last + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
            if accepted > latest:
                outcome = "submitted"
            else:
                step(accepted, office, "report.accept", state="accepted", return_reason=None)
                times["reviewed_at"] = accepted
    row = {
        "assignment_id": a.id, "period_id": p.id, "author_id": liaison[0], "text": state["text"],
        "percent": state["percent"], "work_status": state["work_status"], "state": state["state"],
        "return_reason": state["return_reason"], "return_count": return_count, **times,
        "reviewed_by_id": office[0] if times["reviewed_at"] else None, "version": state["version"],
        "created_at": created, "updated_at": steps[-1][0],
    }  # fmt: skip
    return _Report(row, region_id, steps)


def _select(rng: random.Random, slots: list[_Slot], n: int) -> list[_Slot]:
    """n slots without replacement, each kept with odds by its weight (Efraimidis–Spirakis keys)."""
    if len(slots) < n:
        raise SystemExit(
            f"only {len(slots)} (assignment, period) pairs for {n} reports: add tasks or periods"
        )
    keyed = sorted(((rng.random() ** (1 / s.weight), i) for i, s in enumerate(slots)), reverse=True)
    return [slots[i] for _, i in sorted(keyed[:n], key=lambda k: k[1])]


Event = tuple[datetime, int, str, str, str, str, int, dict[str, Any] | None, dict[str, Any] | None]


def _escalations(
    rng: random.Random, city: _City, chosen: set[tuple[int, int]], slots: dict[int, list[_Slot]], today: date,
    now: datetime,
) -> list[tuple[dict[str, Any], list[Event]]]:  # fmt: skip
    """督办 on a missing report (mostly the latest period's) or on an overdue lead assignment not finished."""
    out = []
    office_id, office_name = city.office_user
    latest = now - timedelta(minutes=30)
    for a in city.assignments:
        mine = slots.get(a.id, [])
        past = [s for s in mine if s.period.due_on < today]
        reasons = []
        for i, s in enumerate(past):
            if (a.id, s.period.id) in chosen:
                continue
            if rng.random() < (0.6 if i == len(past) - 1 else 0.015):
                issued = min(s.period.due_on + timedelta(days=rng.randint(3, 10)), today)
                reasons.append((issued, phrases.ESCALATION_MISSING, s.period.label))
        unfinished = bool(past) and past[-1].status != "completed"
        if a.due < today - timedelta(days=3) and unfinished and a.role == "lead" and rng.random() < 0.5:
            reasons.append(
                (min(a.due + timedelta(days=rng.randint(2, 10)), today), phrases.ESCALATION_OVERDUE, "")
            )
        for issued_day, template, label in reasons:
            respond_by = issued_day + timedelta(days=7)
            task = f"{a.task_no}. {a.task_title[:30]}（{a.unit_name}）"
            reason = template.format(task=task, period=label,
                                     respond_by=f"{respond_by.year}年{respond_by.month}月{respond_by.day}日")  # fmt: skip
            issued = min(_at(issued_day, rng), latest)
            row: dict[str, Any] = {"assignment_id": a.id, "reason": reason, "respond_by": respond_by,
                                   "issued_by_id": office_id, "issued_at": issued, "acknowledged_by_id": None,
                                   "acknowledged_at": None, "response": None}  # fmt: skip
            events: list[Event] = [(issued, office_id, office_name, "escalation.issue", "escalation", "",
                                    city.region_id, None, {"assignment_id": a.id, "reason": reason,
                                                           "respond_by": respond_by.isoformat()})]  # fmt: skip
            ack_day = issued_day + timedelta(days=rng.randint(1, 4))
            if ack_day < today and rng.random() < 0.7:
                acked = max(min(_at(ack_day, rng), latest), issued + timedelta(minutes=5))
                response = rng.choice(phrases.ESCALATION_RESPONSES)
                row |= {"acknowledged_by_id": a.liaison[0], "acknowledged_at": acked, "response": response}
                events.append((acked, a.liaison[0], a.liaison[1], "escalation.acknowledge", "escalation", "",
                               city.region_id, None, {"response": response}))  # fmt: skip
            out.append((row, events))
    return out


def _activity(session: Session, rng: random.Random, city: _City, today: date) -> dict[str, int]:
    now = datetime.combine(today, time(8, 0), tzinfo=CHINA).astimezone(
        UTC
    )  # a fixed "now": same rows all day
    by_asg: dict[int, list[_Slot]] = {}
    for a in city.assignments:
        by_asg[a.id] = _progress(rng, a, city.periods[a.plan_id], today)
    every = [s for a in city.assignments for s in by_asg[a.id]]
    chosen = _select(rng, every, N_REPORTS)
    reports = [_lifecycle(rng, s, city.office_user, city.region_id, today, now) for s in chosen]
    # Ids in the order the reports were created, as the database would have handed them out.
    reports.sort(key=lambda r: (r.row["created_at"], r.row["assignment_id"], r.row["period_id"]))
    first_id = (session.scalar(select(func.max(ProgressReport.id))) or 0) + 1
    events: list[Event] = []
    for rid, rep in enumerate(reports, first_id):
        rep.row["id"] = rid
        for at, (uid, uname), action, before, after in rep.steps:
            events.append((at, uid, uname, action, "progress_report", str(rid), rep.region_id, before, after))
    escalations = _escalations(rng, city, {(s.asg.id, s.period.id) for s in chosen}, by_asg, today, now)
    escalations.sort(key=lambda e: e[0]["issued_at"])
    first_esc = (session.scalar(select(func.max(Escalation.id))) or 0) + 1
    for eid, (row, evs) in enumerate(escalations, first_esc):
        row["id"] = eid
        events += [(*ev[:5], str(eid), *ev[6:]) for ev in evs]
    events.sort(key=lambda e: e[0])  # stable: a report's steps keep their order
    _insert(session, ProgressReport, [r.row for r in reports])
    _insert(session, Escalation, [row for row, _ in escalations])
    _chain(session, events)
    _sequences(session, ("progress_report", "escalation", "audit_event"))
    return {"reports": len(reports), "escalations": len(escalations), "events": len(events)}


def _insert(session: Session, model: Any, rows: list[dict[str, Any]], batch: int = 5000) -> None:
    table = cast(Table, model.__table__)
    for i in range(0, len(rows), batch):
        session.execute(insert(table), rows[i : i + batch])


def _chain(session: Session, events: list[Event]) -> None:
    """Append the events to the audit chain: ids after the last, each hash over the one before (audit.record)."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    prev = head.last_hash
    next_id = (session.scalar(select(func.max(AuditEvent.id))) or 0) + 1
    rows = []
    for n, (at, uid, uname, action, otype, oid, region_id, before, after) in enumerate(events):
        row = {"id": next_id + n, "at": at, "actor_id": uid, "actor_name": uname, "action": action,
               "object_type": otype, "object_id": oid, "region_id": region_id, "before": before, "after": after,
               "prev_hash": prev}  # fmt: skip
        row["hash"] = prev = audit.event_hash(cast(AuditEvent, SimpleNamespace(**row)))
        rows.append(row)
    _insert(session, AuditEvent, rows)
    head.last_hash, head.count = prev, head.count + len(rows)
    session.flush()


def _sequences(session: Session, tables: tuple[str, ...]) -> None:
    """Explicit ids do not move PostgreSQL's sequences: set them past the last id so the app's inserts work."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                             f"GREATEST((SELECT max(id) FROM {name}), 1))"))  # fmt: skip


# --- indicators and the assessment cycle, through their services, at the real time ------------------------------


def _extras(session: Session, rng: random.Random, city: _City, today: date) -> None:
    from qcity.assessment import service as assessment
    from qcity.assessment.scheme import scheme_from_dict
    from qcity.indicators import service as indicators
    from qcity.models.indicator import IndicatorTarget

    office = city.office
    for plan_id in session.scalars(select(Plan.id).where(Plan.region_id == city.region_id).order_by(Plan.id)):
        indicators.sync_plan(session, office, plan_id)
    targets = session.scalars(
        select(IndicatorTarget)
        .where(IndicatorTarget.region_id == city.region_id, IndicatorTarget.value.is_not(None))
        .order_by(IndicatorTarget.id)
    ).all()
    units = sorted(city.liaisons)
    seen: set[int] = set()
    for target in targets:
        if target.indicator_id in seen or target.value is None or len(seen) >= 12:
            continue
        seen.add(target.indicator_id)
        unit_id = units[0] if rng.random() < 0.4 else rng.choice(units)
        liaison = accounts.actor_for_user(session, city.liaisons[unit_id])
        indicators.set_responsibility(session, office, target.indicator_id, city.region_id, unit_id)
        up = target.op in (">=", ">")
        for k, year in enumerate(range(today.year - 3, today.year)):
            share = (0.86 + 0.05 * k + rng.uniform(-0.03, 0.03)) if up else (1.2 - 0.08 * k)
            value = round(target.value * share, 2)
            if target.unit == "%":
                value = min(value, 99.9)
            try:
                row = indicators.enter_value(session, liaison, target.indicator_id, period=str(year), value=value,
                                             region_id=city.region_id)  # fmt: skip
                if k < 2 or rng.random() < 0.6:
                    indicators.approve_value(session, office, row.id)
            except DomainError:
                break  # a value the plausibility rules refuse: the series stops, as a real liaison's would
    scheme = scheme_from_dict(phrases.assessment_scheme(today.year) | {"code": "qcity-bench"})
    saved = assessment.save_scheme(session, office, city.region_id, scheme, "基准市质量工作考核细则.yaml")
    assessment.open_cycle(session, office, scheme_id=saved.id, year=today.year, bottom_n=3)
    session.flush()


# --- reading it back ----------------------------------------------------------------------------------------------


def read_info(session: Session, url: str) -> DatasetInfo:
    from qcity.models import AssessmentCycle, UserUnit

    region_id = session.scalar(select(Region.id).where(Region.code == CITY[0]))
    if region_id is None:
        raise SystemExit(f"no benchmark dataset in {_safe(url)}")
    busiest = session.execute(
        select(Assignment.unit_id, func.count()).group_by(Assignment.unit_id).order_by(func.count().desc(),
                                                                                        Assignment.unit_id)
    ).first()  # fmt: skip
    assert busiest is not None
    unit_id = busiest[0]
    liaison = session.scalar(
        select(User.username).join(UserUnit, UserUnit.user_id == User.id).where(UserUnit.unit_id == unit_id)
    )
    plan_ids = list(session.scalars(select(Plan.id).where(Plan.region_id == region_id).order_by(Plan.id)))
    biggest = session.execute(
        select(Task.plan_id, func.count()).group_by(Task.plan_id).order_by(func.count().desc(), Task.plan_id)
    ).first()
    assert biggest is not None
    counts = {f"reports_{s}": n for s, n in session.execute(
        select(ProgressReport.state, func.count()).group_by(ProgressReport.state).order_by(ProgressReport.state))}  # fmt: skip
    counts["reports"] = sum(counts.values())
    for name, model in (("units", Unit), ("users", User), ("plans", Plan), ("tasks", Task),
                        ("assignments", Assignment), ("periods", ReportingPeriod), ("escalations", Escalation),
                        ("audit_events", AuditEvent)):  # fmt: skip
        counts[name] = session.scalar(select(func.count()).select_from(model)) or 0
    counts["escalations_acknowledged"] = (
        session.scalar(select(func.count()).where(Escalation.acknowledged_at.is_not(None))) or 0
    )
    counts["returned_ever"] = session.scalar(select(func.count()).where(ProgressReport.return_count > 0)) or 0
    return DatasetInfo(
        url=url, password=PASSWORD, office=OFFICE, leader=LEADER_NAME, liaison=liaison or "", liaison_unit_id=unit_id,
        region_id=region_id, plan_ids=plan_ids, big_plan_id=biggest[0],
        unit_ids=list(session.scalars(select(Unit.id).where(Unit.region_id == region_id).order_by(Unit.id))),
        task_ids=list(session.scalars(select(Task.id).where(Task.plan_id == biggest[0]).order_by(Task.seq))),
        assignment_ids=list(session.scalars(select(Assignment.id).where(Assignment.unit_id == unit_id)
                                            .order_by(Assignment.id))),
        cycle_id=session.scalar(select(func.max(AssessmentCycle.id)).where(AssessmentCycle.region_id == region_id)),
        counts=counts,
    )  # fmt: skip


def describe(info: DatasetInfo) -> str:
    c = info.counts
    states = ", ".join(
        f"{s} {c.get('reports_' + s, 0)}" for s in ("draft", "submitted", "returned", "accepted")
    )
    return "\n".join([
        f"database     {_safe(info.url)}",
        f"region       基准市 (id {info.region_id}), {c['units']} units, {c['users']} accounts "
        f"(password {info.password}: {info.office}, {info.leader}, liaisons bench_u01..bench_u50; busiest "
        f"{info.liaison})",
        f"plans        {c['plans']} plans, {c['tasks']} tasks, {c['assignments']} assignments, {c['periods']} "
        "reporting periods",
        f"reports      {c['reports']} ({states}); {c['returned_ever']} returned at least once",
        f"escalations  {c['escalations']} ({c['escalations_acknowledged']} acknowledged)",
        f"audit        {c['audit_events']} events",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=DEFAULT_PG_URL, help="PostgreSQL or SQLite URL")
    parser.add_argument("--sqlite", action="store_true", help=f"use {DEFAULT_SQLITE_URL}")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even when the dataset is there")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--verify", action="store_true", help="verify the audit hash chain afterwards")
    args = parser.parse_args(argv)
    url = DEFAULT_SQLITE_URL if args.sqlite else args.database_url
    info = ensure(url, rebuild=args.rebuild, seed=args.seed)
    print(describe(info))
    if args.verify:
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            result = audit.verify(session)
        engine.dispose()
        print(f"audit chain  {'ok' if result.ok else 'BROKEN: ' + result.reason} ({result.count} events)")
        return 0 if result.ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
