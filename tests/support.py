"""Test helpers shared by many test modules: the personas and a small city to act in."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

# --- personas ---------------------------------------------------------------------------------------------

PASSWORD = "secret-pass-1"
PERSONAS = ["admin", "liaison_a", "liaison_b", "leader", "public", "anonymous"]


@dataclass
class World:
    """A small city: one region, units A (市市场监管局) and B (市科技局), one plan, a task for each and a shared one."""

    region_id: int
    other_region_id: int
    unit_a: int
    unit_b: int
    plan_id: int
    period_id: int
    task_shared: int  # A leads, B participates
    task_b_only: int
    assignment_a: int  # A on the shared task
    assignment_b: int  # B on the shared task
    assignment_b_only: int
    ids: dict[str, int] = field(default_factory=dict)


def build_world(session: Session) -> World:
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from qcity.accounts import service as accounts
    from qcity.accounts.actor import Actor
    from qcity.accounts.permissions import DEFAULT_GRANTS
    from qcity.models import Assignment, ReportingPeriod, Task
    from qcity.org import service as org
    from qcity.plans import service as plans

    province = org.create_region(session, None, code="440000", name="广东省", level="province")
    city = org.create_region(session, None, code="440800", name="湛江市", level="city", parent_id=province.id)
    other = org.create_region(session, None, code="420500", name="宜昌市", level="city")
    unit_a = org.create_unit(
        session, None, region_id=city.id, name="市市场监管局", aliases=["市市场监督管理局"]
    )
    unit_b = org.create_unit(session, None, region_id=city.id, name="市科技局")
    org.create_unit(session, None, region_id=other.id, name="市市场监管局")
    admin = Actor(user=None, role="office_admin", permissions=frozenset(DEFAULT_GRANTS["office_admin"]),
                  region_id=city.id, region_path=city.path)  # fmt: skip
    plan_json = {
        "title": "测试市质量强市实施方案",
        "date": "2024-01-15",
        "horizon": [2026],
        "targets": [
            {
                "text": "合格率稳定在98%以上",
                "indicator": "合格率",
                "op": ">=",
                "value": 98,
                "unit": "%",
                "year": 2026,
            }
        ],
        "tasks": [
            {
                "no": "1",
                "title": "共同任务",
                "units": ["市市场监督管理局", "市科技局"],
                "lead": ["市市场监督管理局"],
            },
            {"no": "2", "title": "科技任务", "units": ["市科技局"], "lead": []},
        ],
    }
    plan = plans.confirm_import(session, admin, city.id, plan_json)
    session.flush()
    # The office has tracked this plan since it began: every period is owed (see tasks.queries.owed_expr).
    session.execute(update(Assignment).values(created_at=datetime(2024, 1, 1, tzinfo=UTC)))
    tasks = {t.no: t.id for t in session.scalars(select(Task).where(Task.plan_id == plan.id))}
    asg = {(a.task_id, a.unit_id): a.id for a in session.scalars(select(Assignment))}
    period = session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id).order_by(ReportingPeriod.starts_on)
    ).first()
    assert period is not None
    users = [
        ("admin", "office_admin", city.id, []),
        ("liaison_a", "liaison", city.id, [unit_a.id]),
        ("liaison_b", "liaison", city.id, [unit_b.id]),
        ("leader", "leader", city.id, []),
        ("public", "public", None, []),
    ]
    for username, role, region_id, units in users:
        accounts.create_user(session, None, username=username, password=PASSWORD, role=role,
                             region_id=region_id, unit_ids=units)  # fmt: skip
    session.commit()
    return World(
        region_id=city.id, other_region_id=other.id, unit_a=unit_a.id, unit_b=unit_b.id, plan_id=plan.id,
        period_id=period.id, task_shared=tasks["1"], task_b_only=tasks["2"],
        assignment_a=asg[(tasks["1"], unit_a.id)], assignment_b=asg[(tasks["1"], unit_b.id)],
        assignment_b_only=asg[(tasks["2"], unit_b.id)],
    )  # fmt: skip


class PersonaClient(TestClient):
    csrf: str = ""


def login(app, username: str | None) -> PersonaClient:  # type: ignore[no-untyped-def]
    c = PersonaClient(app)
    if username:
        r = c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.csrf = r.json()["csrf_token"]
        c.headers["X-CSRF-Token"] = c.csrf
    return c
