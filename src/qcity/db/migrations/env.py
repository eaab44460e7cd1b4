"""Alembic environment. The URL comes from the caller's Config (set by qcity.db.migrate) or from Settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import qcity.models  # noqa: F401  (registers every table)
from qcity.config import get_settings
from qcity.db.base import Base
from qcity.db.engine import make_engine

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().effective_database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
