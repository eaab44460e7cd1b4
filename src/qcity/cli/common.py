"""Shared CLI plumbing: open the database, run a unit of work, turn domain errors into plain messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from qcity.config import get_settings
from qcity.db.engine import make_engine, make_session_factory, writer_bind
from qcity.kit.errors import DomainError

T = TypeVar("T")


def engine() -> Engine:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.effective_database_url)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"错误 error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def unit_of_work(eng: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed once at the end, rolled back whole on any error."""
    eng = eng or engine()
    factory = make_session_factory(writer_bind(eng))
    with factory() as session:
        try:
            yield session
            session.commit()
        except DomainError as err:
            session.rollback()
            raise fail(f"{err.plain}" + (f" (field: {err.field})" if err.field else "")) from None


def run(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except DomainError as err:
        raise fail(err.plain) from None
