"""`qcity demo --data-only`: five real plans in five regions, accounts that sign in, a year of activity, the same
every time. The demo is SQLite by design, so these tests build their own database (not the `db` fixtures)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from qcity.config import Settings
from qcity.db.engine import make_engine, make_session_factory
from qcity.db.migrate import upgrade
from qcity.demo import PASSWORD, REGIONS, build_demo, plan_json
from qcity.demo.runner import demo_settings, prepare
from qcity.kit.dates import CHINA
from qcity.models import Escalation, Plan, ProgressReport, Region, ReportingPeriod, Task, User
from qcity.web.app import create_app

pytestmark = pytest.mark.xdist_group("demo")  # one worker builds it once


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, Any], Engine]]:
    base = Settings(data_dir=tmp_path_factory.mktemp("demo") / "data")
    started = time.perf_counter()
    settings, meta, was_built = prepare(base)
    print(f"\ndemo build: {time.perf_counter() - started:.1f} s (generator {meta['seconds']:.1f} s)")
    assert was_built
    engine = make_engine(settings.effective_database_url)
    yield settings, meta, engine
    engine.dispose()


@pytest.fixture
def db(built: tuple[Settings, dict[str, Any], Engine]) -> Iterator[Session]:
    with make_session_factory(built[2])() as s:
        yield s


def test_the_five_regions_hold_their_plans_with_every_task_the_reader_extracts(db: Session) -> None:
    for spec in REGIONS:
        region = db.scalar(select(Region).where(Region.code == spec.code))
        assert region is not None, spec.name
        assert (region.name, region.level) == (spec.name, spec.level)
        plans = list(db.scalars(select(Plan).where(Plan.region_id == region.id)))
        assert len(plans) == 1
        expected = plan_json(spec)
        assert plans[0].title == expected["title"].strip()
        n_tasks = db.scalar(select(func.count()).select_from(Task).where(Task.plan_id == plans[0].id))
        assert n_tasks == len(expected["tasks"]) > 0, spec.name
        parent_codes = [code for code, _, _ in spec.parents]
        assert region.parent is not None and region.parent.code == parent_codes[-1]


def test_reporting_periods_cover_the_last_twelve_months(db: Session, built: Any) -> None:
    today = built[1]["today"]
    for plan in db.scalars(select(Plan)):
        periods = list(db.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)))
        assert min(p.starts_on for p in periods).isoformat() <= f"{int(today[:4]) - 1}{today[4:]}"
        assert any(p.starts_on.isoformat() <= today <= p.due_on.isoformat() for p in periods)


def test_demo_accounts_sign_in_with_the_printed_password(built: Any) -> None:
    settings, meta, engine = built
    names = [a["username"] for a in meta["accounts"]]
    assert {"demo_office", "demo_leader", "demo_liaison1", "demo_liaison2"} <= set(names)
    roles = {a["role"] for a in meta["accounts"]}
    assert roles == {"办公室管理员", "领导", "单位联络员"}
    with TestClient(create_app(settings, engine)) as client:
        for username in ["demo_office", "demo_liaison1", "demo_liaison2", "demo_leader", "huoshan_office"]:
            r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, (username, r.text)
        r = client.post("/api/v1/auth/login", json={"username": "demo_office", "password": "wrong-pass"})
        assert r.status_code == 401


def test_every_unit_has_a_liaison(db: Session) -> None:
    from qcity.models import Unit, UserUnit

    units = db.scalar(select(func.count()).select_from(Unit)) or 0
    covered = db.scalar(select(func.count(func.distinct(UserUnit.unit_id)))) or 0
    assert units > 100 and covered == units


def test_a_year_of_activity_in_every_state(db: Session, built: Any) -> None:
    counts = built[1]["counts"]
    for state in ("draft", "submitted", "returned", "accepted"):
        assert counts.get(f"reports_{state}", 0) > 0, state
    assert counts["returned_ever"] > counts["reports_returned"]  # most returned reports were corrected
    assert 0 < counts["escalations_acknowledged"] < counts["escalations"]
    assert counts["attachments"] > 0
    first = ProgressReport.first_submitted_at
    rows = db.execute(
        select(first, ReportingPeriod.due_on).join(ReportingPeriod).where(first.is_not(None))
    ).all()
    late = [1 for at, due in rows if at.astimezone(CHINA).date() > due]
    assert 0.05 < len(late) / len(rows) < 0.5
    months = {at.astimezone(CHINA).strftime("%Y-%m") for at, _ in rows}
    assert len(months) >= 5  # spread over the year, not all stamped "now"
    now = datetime.now(UTC)
    assert all(at <= now and at > now - timedelta(days=430) for at, _ in rows)
    from qcity.models import Assignment

    per_region = dict(
        db.execute(
            select(Plan.region_id, func.count(ProgressReport.id))
            .join(Task, Task.plan_id == Plan.id)
            .join(Assignment, Assignment.task_id == Task.id)
            .join(ProgressReport, ProgressReport.assignment_id == Assignment.id)
            .where(ProgressReport.state == "accepted")
            .group_by(Plan.region_id)
        ).all()
    )
    assert len(per_region) == 5 and min(per_region.values()) > 50
    assert db.scalar(select(func.count()).select_from(Escalation)) == counts["escalations"]


def test_every_region_ranks_its_units_on_reports_owed_over_the_year(db: Session, built: Any) -> None:
    from qcity.accounts.service import actor_for_user
    from qcity.tasks.queries import on_time_by_unit

    today = datetime.fromisoformat(built[1]["today"]).date()
    for office in db.scalars(select(User).where(User.role_code == "office_admin")):
        ranking = on_time_by_unit(db, actor_for_user(db, office), today)
        assert ranking and all(u["expected"] >= 3 for u in ranking), office.username  # a year of quarters
        assert 0 < sum(u["on_time"] for u in ranking) < sum(u["expected"] for u in ranking)


def test_each_region_dashboard_renders_marked_as_demo_data(built: Any) -> None:
    settings, meta, engine = built
    assert settings.demo
    offices = [a for a in meta["accounts"] if a["role"] == "办公室管理员"]
    assert len(offices) == 5
    for account in offices:
        with TestClient(create_app(settings, engine)) as client:
            r = client.post("/login", data={"username": account["username"], "password": PASSWORD},
                            follow_redirects=True)  # fmt: skip
            assert r.status_code == 200, account
            assert "演示数据" in r.text
            short = account["region"].removeprefix("重庆市")
            assert short in r.text, account


def test_a_second_run_the_same_day_reuses_the_database(built: Any) -> None:
    settings, meta, _ = built
    base = Settings(data_dir=settings.data_dir.parent)
    again, meta2, was_built = prepare(base)
    assert not was_built and again.data_dir == demo_settings(base).data_dir
    assert meta2["counts"] == meta["counts"]


def _snapshot(session: Session) -> dict[str, Any]:
    reports = session.execute(
        select(ProgressReport.id, ProgressReport.assignment_id, ProgressReport.state, ProgressReport.text,
               ProgressReport.percent, ProgressReport.return_reason).order_by(ProgressReport.id)
    ).all()  # fmt: skip
    escalations = session.execute(select(Escalation.id, Escalation.reason, Escalation.response)).all()
    users = session.execute(select(User.id, User.username, User.display_name).order_by(User.id)).all()
    return {"reports": reports, "escalations": escalations, "users": users}


def test_the_same_seed_builds_the_same_demo(tmp_path: Path) -> None:
    snaps = []
    for n in range(2):
        engine = make_engine(f"sqlite:///{tmp_path / f'd{n}.sqlite3'}")
        upgrade(engine)
        with make_session_factory(engine)() as s:
            summary = build_demo(s, files_dir=tmp_path / "files", only=("tongjiang", "huoshan"))
            s.commit()
            snaps.append((summary.counts, _snapshot(s)))
        engine.dispose()
    assert snaps[0] == snaps[1]
    assert snaps[0][1]["reports"]


def test_cli_data_only_builds_without_serving(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qcity.cli.main import app
    from qcity.config import get_settings

    calls: list[dict[str, Any]] = []
    monkeypatch.setenv("QCITY_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    monkeypatch.setattr("qcity.demo.runner.prepare",
                        lambda base, **kw: (calls.append(kw) or (demo_settings(base), _FAKE_META, True)))  # fmt: skip
    try:
        result = CliRunner().invoke(app, ["demo", "--data-only", "--seed", "7", "--reset"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert calls == [{"seed": 7, "reset": True}]
    assert "demo_office" in result.output and "qcity-demo" in result.output


_FAKE_META: dict[str, Any] = {
    "seed": 7, "today": "2026-01-01", "seconds": 1.0, "counts": {"reports": 1},
    "regions": [{"name": "宜昌市", "code": "420500", "plan_title": "方案", "tasks": 1, "units": 1, "assignments": 1}],
    "accounts": [{"username": "demo_office", "password": PASSWORD, "role": "办公室管理员", "region": "宜昌市",
                  "unit": ""}],
}  # fmt: skip
