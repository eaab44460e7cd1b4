"""Audit API: the log, filtered and paged; chain verification."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from qcity.accounts.actor import Actor
from qcity.audit import queries, service
from qcity.audit.schemas import EventOut, EventPage, VerifyOut
from qcity.web.deps import DbSession, require

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get("/audit", response_model=EventPage)
def list_events(
    db: DbSession, object_type: str | None = None, action: str | None = None, page: int = 1, per_page: int = 50,
    actor: Actor = Depends(require("audit.read")),
) -> EventPage:  # fmt: skip
    result = queries.events(db, actor, object_type=object_type, action=action, page=page, per_page=per_page)
    return EventPage(items=[EventOut.model_validate(e, from_attributes=True) for e in result.items],
                     total=result.total, page=result.page, per_page=result.per_page)  # fmt: skip


@router.get("/audit/verify", response_model=VerifyOut)
def verify(db: DbSession, actor: Actor = Depends(require("user.manage"))) -> VerifyOut:
    result = service.verify(db)
    return VerifyOut(ok=result.ok, count=result.count, first_bad_id=result.first_bad_id, reason=result.reason)
