"""An assessment in the test world: the test scheme, a cycle open for units A and B, and one evidence file on
unit A's 2.1 item. Used by the cycle tests and the permission matrix."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor
from qcity.accounts.service import actor_for_user, get_user
from qcity.assessment import service
from qcity.assessment.scheme import scheme_from_dict
from tests.assessment.assessment_cases import scheme_data
from tests.support import World


def actor(session: Session, username: str) -> Actor:
    return actor_for_user(session, get_user(session, username))


def seed_assessment(session: Session, world: World, files_dir: Path, *, bottom_n: int = 1) -> dict[str, int]:
    admin = actor(session, "admin")
    row = service.save_scheme(session, admin, world.region_id, scheme_from_dict(scheme_data()), "细则.yaml")
    cycle = service.open_cycle(session, admin, scheme_id=row.id, year=2024, bottom_n=bottom_n,
                               unit_ids=[world.unit_a, world.unit_b])  # fmt: skip
    ua = {u.unit_id: u.id for u in cycle.units}
    ev = service.add_evidence(session, actor(session, "liaison_a"), ua[world.unit_a], item_code="2.1",
                              filename="领导小组会议纪要.pdf", content_type="application/pdf", data=b"%PDF-1.4 minutes",
                              files_dir=files_dir, max_bytes=10_000_000)  # fmt: skip
    session.commit()
    return {"scheme_id": row.id, "cycle_id": cycle.id, "ua_id": ua[world.unit_a], "ua_b_id": ua[world.unit_b],
            "evidence_id": ev.id}  # fmt: skip
