"""Two people save the same report at once: one wins, the other gets a conflict, nothing is lost.

On PostgreSQL the two saves run in two real concurrent transactions: the second blocks on the row lock and then
finds the version changed.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm.exc import StaleDataError

from qcity.accounts.service import actor_for_user, get_user
from qcity.db.engine import make_session_factory, writer_bind
from qcity.kit.errors import Conflict
from qcity.tasks import service


@pytest.mark.postgres_only
def test_two_concurrent_saves_one_conflict(world, engine) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(writer_bind(engine))  # type: ignore[arg-type]
    with factory() as s:
        actor = actor_for_user(s, get_user(s, "liaison_a"))
        report = service.save_draft(s, actor, world.assignment_a, world.period_id, text="v1", percent=10)
        s.commit()
        rid, version = report.id, report.version

    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(name: str) -> None:
        with factory() as s:
            actor = actor_for_user(s, get_user(s, "liaison_a"))
            try:
                # both read version `version` before either writes
                service.get_report(s, actor, rid)
                barrier.wait(timeout=10)
                service.save_draft(s, actor, world.assignment_a, world.period_id, text=f"by {name}", percent=20,
                                   version=version)  # fmt: skip
                s.commit()
                outcomes[name] = "saved"
            except (Conflict, StaleDataError):
                s.rollback()
                outcomes[name] = "conflict"

    threads = [threading.Thread(target=save, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["conflict", "saved"], outcomes
    winner = next(n for n, o in outcomes.items() if o == "saved")
    with factory() as s:
        actor = actor_for_user(s, get_user(s, "liaison_a"))
        final = service.get_report(s, actor, rid)
        assert final.text == f"by {winner}" and final.version == version + 1


def test_sequential_stale_save_is_a_conflict(world, engine) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(writer_bind(engine))  # type: ignore[arg-type]
    with factory() as s:
        actor = actor_for_user(s, get_user(s, "liaison_a"))
        report = service.save_draft(s, actor, world.assignment_a, world.period_id, text="v1", percent=10)
        s.commit()
        service.save_draft(
            s, actor, world.assignment_a, world.period_id, text="v2", percent=10, version=report.version
        )
        s.commit()
        with pytest.raises(Conflict):
            service.save_draft(
                s, actor, world.assignment_a, world.period_id, text="v3", percent=10, version=1
            )
