"""Append-only audit events in a hash chain: each event's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.db.base import utcnow
from qcity.models import AuditEvent, AuditHead, User

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The audited state of a domain object: the named columns, JSON-ready."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def event_hash(event: AuditEvent) -> str:
    payload = {
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "region_id": event.region_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS, count=0)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    actor: User | None,
    action: str,
    obj_type: str,
    obj_id: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    region_id: int | None = None,
) -> AuditEvent:
    """Append one event. Call inside the same transaction as the change it records."""
    head = _locked_head(session)
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        region_id=region_id,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(event)
    session.add(event)
    head.last_hash = event.hash
    head.count += 1
    session.flush()
    return event


@dataclass
class VerifyResult:
    ok: bool
    count: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 2000) -> VerifyResult:
    """Walk the chain in id order, recomputing every hash. Any edited, removed or inserted row shows."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for ev in rows:
            if ev.prev_hash != prev:
                return VerifyResult(False, count, ev.id, "链断裂：前一条哈希不一致（有记录被删除或插入）")
            if event_hash(ev) != ev.hash:
                return VerifyResult(False, count, ev.id, "内容被篡改：哈希不一致")
            prev = ev.hash
            count += 1
            last_id = ev.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.count != count):
        return VerifyResult(False, count, None, "链尾与记录不一致（末尾记录被删除）")
    return VerifyResult(True, count)
