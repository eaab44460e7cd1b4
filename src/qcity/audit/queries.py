"""Reads of the audit log, through the data scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.scope import scoped
from qcity.models import AuditEvent
from qcity.tasks.queries import Page, paginate


def events(
    session: Session, actor: Actor, *, object_type: str | None = None, action: str | None = None,
    actor_name: str | None = None, page: int = 1, per_page: int = 50,
    since: datetime | None = None, until: datetime | None = None, object_id: str | None = None,
) -> Page:  # fmt: skip
    """A page of the log. The page's ids come first (a sort of ids only), then just those rows: a late page of a
    long log never sorts every event with its before/after JSON (bench/pages.py)."""
    stmt = filtered(actor, object_type=object_type, action=action, actor_name=actor_name, since=since,
                    until=until, object_id=object_id)  # fmt: skip
    ids = paginate(session, stmt.with_only_columns(AuditEvent.id), page, per_page)
    rows = {e.id: e for e in session.scalars(select(AuditEvent).where(AuditEvent.id.in_(ids.items)))}
    return Page([rows[i] for i in ids.items], ids.total, ids.page, ids.per_page)


def filtered(
    actor: Actor, *, object_type: str | None = None, action: str | None = None, actor_name: str | None = None,
    since: datetime | None = None, until: datetime | None = None, object_id: str | None = None,
) -> Select[Any]:  # fmt: skip
    """The log in scope, filtered, newest first (a SELECT, so a page or an export can run it)."""
    stmt = scoped(select(AuditEvent), AuditEvent, actor)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor_name:
        stmt = stmt.where(AuditEvent.actor_name == actor_name)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt.order_by(AuditEvent.id.desc())


def filter_values(session: Session, actor: Actor) -> tuple[list[str], list[str]]:
    """The object types and the actions present in the log in scope, for the filter menus, in one pass."""
    pairs = session.execute(
        scoped(select(AuditEvent.object_type, AuditEvent.action).distinct(), AuditEvent, actor)
    ).all()
    return sorted({t for t, _ in pairs}), sorted({a for _, a in pairs})


def distinct_values(session: Session, actor: Actor, column: str) -> list[str]:
    """The object types or actions present in the log in scope, for the filter menus."""
    col = getattr(AuditEvent, column)
    return list(session.scalars(scoped(select(col).distinct(), AuditEvent, actor).order_by(col)))
