"""Indicator rows for the permission matrix: the world's target synced, unit A responsible, one entered value."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support import World


def seed_indicators(session: Session, world: World) -> dict[str, int]:
    from qcity.accounts.service import actor_for_user, get_user
    from qcity.indicators import service
    from qcity.models import Indicator, IndicatorTarget

    admin = actor_for_user(session, get_user(session, "admin"))
    a = actor_for_user(session, get_user(session, "liaison_a"))
    service.sync_all(session, admin)
    indicator = session.scalars(select(Indicator).order_by(Indicator.id)).first()
    assert indicator is not None
    service.set_responsibility(session, admin, indicator.id, world.region_id, world.unit_a)
    value = service.enter_value(session, a, indicator.id, period="2024", value=97.5)
    target = session.scalars(
        select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id)
    ).first()
    assert target is not None
    session.commit()
    return {"indicator_id": indicator.id, "value_id": value.id, "target_id": target.id}
