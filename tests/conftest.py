"""Shared fixtures: a migrated database (SQLite, or PostgreSQL with QCITY_TEST_DATABASE_URL), the app, personas.

SQLite: each test gets a copy of a migrated template file. PostgreSQL: one database per xdist worker, migrated
once, with every table except the seeded role tables truncated before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from qcity.config import Settings
from qcity.db.base import Base
from qcity.db.engine import make_engine, make_session_factory
from qcity.db.migrate import upgrade
from qcity.web.app import create_app
from tests.support import PERSONAS, PersonaClient, World, build_world, login

PG_URL = os.environ.get("QCITY_TEST_DATABASE_URL", "")
KEEP_TABLES = {"role", "role_permission", "alembic_version"}
DB_FIXTURES = {"db_url", "engine", "session", "app", "client", "world", "personas"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("postgres_only") and not PG_URL:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set QCITY_TEST_DATABASE_URL"))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    base = make_url(PG_URL)
    name = f"qcity_test_{_worker()}"
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name).render_as_string(hide_password=False)
    eng = make_engine(url)
    upgrade(eng)
    eng.dispose()
    yield url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if PG_URL:
        url: str = request.getfixturevalue("_pg_database")
        _truncate(url)
        return url
    template: Path = request.getfixturevalue("_sqlite_template")
    target = tmp_path / "qcity.sqlite3"
    shutil.copy(template, target)
    return f"sqlite:///{target}"


def _truncate(url: str) -> None:
    eng = make_engine(url)
    names = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with eng.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
    eng.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url, lockout_attempts=5)


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings, engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def world(engine: Engine) -> World:
    with make_session_factory(engine)() as s:
        return build_world(s)


@pytest.fixture
def personas(app, world: World) -> dict[str, PersonaClient]:  # type: ignore[no-untyped-def]
    return {p: login(app, None if p == "anonymous" else p) for p in PERSONAS}
