"""A whole assessment cycle on the database: self-assessment with evidence, verification, ranking, publication,
what each reader sees before and after, and a closed cycle that recomputes to the same cents after new data."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcity.assessment import queries, service
from qcity.assessment.metrics import cycle_metrics
from qcity.assessment.scheme import scheme_from_dict
from qcity.kit.errors import Forbidden, NotFound, StateError, ValidationError
from qcity.models import AssessmentCycle, AssessmentScheme, Escalation, ProgressReport
from qcity.tasks import service as tasks
from tests.assessment.assessment_cases import scheme_data
from tests.assessment.seed import actor, seed_assessment
from tests.support import World

D = Decimal


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T02:00:00").replace(tzinfo=UTC)  # 10:00 in China


def report(session: Session, world: World, period_id: int, submitted: str, *, returned: bool = False) -> None:
    """Unit A's report for a period, first submitted on `submitted` (China date), accepted (after a return)."""
    a, admin = actor(session, "liaison_a"), actor(session, "admin")
    r = tasks.save_draft(session, a, world.assignment_a, period_id, text="按计划推进", percent=50)
    tasks.submit_report(session, a, r.id)
    if returned:
        tasks.return_report(session, admin, r.id, "材料不全")
        tasks.submit_report(session, a, r.id)
    tasks.accept_report(session, admin, r.id)
    r.first_submitted_at = at(submitted)
    session.flush()


def supervision_data(session: Session, world: World) -> None:
    # Assessment year 2024 starts in July (scheme): periods due 2024-07-10, 10-10, 2025-01-10, 04-10 → 4 due for A.
    report(session, world, world.period_id + 1, "2024-07-05")  # due 07-10: on time, accepted first time
    report(session, world, world.period_id + 2, "2024-10-20", returned=True)  # late, returned once
    esc = tasks.issue_escalation(session, actor(session, "admin"), world.assignment_a, reason="进度滞后")
    esc.issued_at = at("2024-08-01")
    session.commit()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return tmp_path / "files"


def run_cycle(session: Session, world: World, files: Path) -> dict[str, int]:
    supervision_data(session, world)
    ids = seed_assessment(session, world, files)
    a, b, admin = actor(session, "liaison_a"), actor(session, "liaison_b"), actor(session, "admin")
    service.add_evidence(session, a, ids["ua_id"], item_code="2.2.1", filename="制度.docx", content_type="",
                         data=b"rules", files_dir=files, max_bytes=10_000)  # fmt: skip
    service.self_assess(session, a, ids["ua_id"], scores={"2.1": "15", "2.2.1": "10", "2.2.2": "12"},
                        claims=[{"code": "B1", "points": "2", "reason": "获市政府质量奖"}], submit=True)  # fmt: skip
    service.add_evidence(session, b, ids["ua_b_id"], item_code="2.1", filename="纪要.pdf", content_type="",
                         data=b"minutes b", files_dir=files, max_bytes=10_000)  # fmt: skip
    service.self_assess(
        session, b, ids["ua_b_id"], scores={"2.1": "10", "2.2.1": "0", "2.2.2": "8"}, submit=True
    )
    service.transition(session, admin, ids["cycle_id"], "start_verification")
    service.verify(session, admin, ids["ua_id"], scores={"2.1": "14", "2.2.1": "", "2.2.2": "12"},
                   reasons={"2.1": "专题会议纪要缺一次"})  # fmt: skip
    service.verify(session, admin, ids["ua_b_id"], scores={},
                   entries=[{"kind": "penalty", "code": "P1", "points": "1", "reason": "被市政府通报批评"}])  # fmt: skip
    session.commit()
    return ids


def test_full_cycle_scores_ranks_and_publishes(session: Session, world: World, files: Path) -> None:
    ids = run_cycle(session, world, files)
    admin = actor(session, "admin")
    service.transition(session, admin, ids["cycle_id"], "publish")
    session.commit()
    a = queries.get_unit_assessment(session, admin, ids["ua_id"])
    sheet = queries.sheet_of(a)
    assert sheet is not None
    # A: on time 1 of 4 → 25% × 20 = 5.00; first time 1 of 2 accepted → 50% × 10 = 5.00; 1 escalation → 8.00;
    #    targets: no data → full 20.00; manual 14 (verified, reason) + 10 + 12 = 36; bonus B1 2 → 76.00 → C
    assert [sheet.line(c).points for c in ("1.1.1", "1.1.2", "1.1.3", "1.2.1")] == [
        D("5.00"),
        D("5.00"),
        D(8),
        D(20),
    ]
    assert sheet.line("1.1.1").explanation == "按时报送率 25.0% × 20分 = 5.00分"
    assert "截至2025年6月30日应报4期次，按时报送1期次" in sheet.line("1.1.1").sources
    assert sheet.line("1.1.1").sources[0] == "数据指标：按时报送率"
    assert sheet.line("2.1").explanation.startswith("自评15分，核定14分（理由：专题会议纪要缺一次）")
    assert "领导小组会议纪要.pdf" in sheet.line("2.1").explanation
    assert (sheet.base_score, sheet.bonus_total, sheet.final_score, sheet.grade) == (D(74), D(2), D(76), "C")
    b = queries.get_unit_assessment(session, admin, ids["ua_b_id"])
    # B: 8 due, none reported → 0.00; no accepted report → no data → 0 (if_no_data zero); no escalation → 10;
    #    targets 20 → 30; manual 10 + 0 + 8 = 18; penalty 1 → 47.00 → D, last, flagged (bottom 1)
    assert (b.final_score, b.grade, b.rank, b.rectify) == (D(47), "D", 2, True)
    assert (a.final_score, a.rank, a.rectify) == (D(76), 1, False)
    cycle = queries.get_cycle(session, admin, ids["cycle_id"])
    assert cycle.state == "published" and all(u.metrics_frozen for u in cycle.units)


def test_visibility_before_and_after_publication(session: Session, world: World, files: Path) -> None:
    ids = run_cycle(session, world, files)
    liaison_b, public, leader = (actor(session, n) for n in ("liaison_b", "public", "leader"))
    with pytest.raises(NotFound):
        queries.get_unit_assessment(session, liaison_b, ids["ua_id"])
    cycle_b = queries.get_cycle(session, liaison_b, ids["cycle_id"])
    assert [u.id for u in queries.visible_units(session, liaison_b, cycle_b)] == [ids["ua_b_id"]]
    assert queries.list_cycles(session, public) == []
    assert not queries.can_see_results(liaison_b, cycle_b)
    assert (
        len(queries.visible_units(session, leader, queries.get_cycle(session, leader, ids["cycle_id"]))) == 2
    )

    service.transition(session, actor(session, "admin"), ids["cycle_id"], "publish")
    session.commit()
    cycle = queries.get_cycle(session, public, ids["cycle_id"])
    rows = queries.visible_units(session, public, cycle)
    assert [queries.summary(public, u)["unit_name"] for u in rows] == ["市市场监管局", "市科技局"]
    assert not queries.can_see_sheet(public, rows[0]) and not queries.can_see_evidence(public, rows[0])
    seen_by_b = queries.get_unit_assessment(session, liaison_b, ids["ua_id"])  # the ranking line, now public
    assert not queries.can_see_sheet(liaison_b, seen_by_b)
    for reader in (liaison_b, public):
        with pytest.raises(NotFound):
            queries.get_evidence(session, reader, ids["evidence_id"])
    assert queries.get_evidence(session, leader, ids["evidence_id"]).filename == "领导小组会议纪要.pdf"


def test_closed_cycle_recomputes_to_identical_figures_after_new_data(
    session: Session, world: World, files: Path
) -> None:
    ids = run_cycle(session, world, files)
    admin = actor(session, "admin")
    service.transition(session, admin, ids["cycle_id"], "publish")
    service.transition(session, admin, ids["cycle_id"], "close")
    session.commit()
    before = {
        u.id: (u.sheet, u.final_score, u.grade, u.rank)
        for u in queries.get_cycle(session, admin, ids["cycle_id"]).units
    }
    # New data for the same period arrives after the close: two more on-time reports and an escalation.
    report(session, world, world.period_id + 3, "2025-01-02")
    report(session, world, world.period_id + 4, "2025-04-01")
    session.add(Escalation(assignment_id=world.assignment_a, reason="再次督办", issued_by_id=admin.user_id,
                           issued_at=at("2025-05-01")))  # fmt: skip
    session.commit()
    cycle = queries.get_cycle(session, admin, ids["cycle_id"])
    live = cycle_metrics(session, [world.unit_a], cycle.period_start, cycle.period_end, cycle.period_end)
    assert live[world.unit_a]["values"]["on_time_report_rate"] == "0.75"  # the data did change
    result = service.transition(session, admin, ids["cycle_id"], "recompute")
    session.commit()
    assert result.frozen and result.changed == []
    session.expire_all()
    after = {
        u.id: (u.sheet, u.final_score, u.grade, u.rank)
        for u in queries.get_cycle(session, admin, ids["cycle_id"]).units
    }
    assert after == before


def test_verified_score_that_differs_needs_a_reason_naming_the_field(
    session: Session, world: World, files: Path
) -> None:
    ids = seed_assessment(session, world, files)
    a, admin = actor(session, "liaison_a"), actor(session, "admin")
    service.self_assess(session, a, ids["ua_id"], scores={"2.1": "15", "2.2.1": "", "2.2.2": "9"})
    service.transition(session, admin, ids["cycle_id"], "start_verification")
    with pytest.raises(ValidationError) as err:
        service.verify(session, admin, ids["ua_id"], scores={"2.1": "12"})
    assert err.value.field == "reason[2.1]"
    assert "核定分12分与自评分15分不一致，须填写理由" in err.value.message


def test_only_the_units_liaison_self_assesses_and_only_while_open(
    session: Session, world: World, files: Path
) -> None:
    ids = seed_assessment(session, world, files)
    with pytest.raises(NotFound):
        service.self_assess(session, actor(session, "liaison_b"), ids["ua_id"], scores={"2.1": "15"})
    with pytest.raises(Forbidden):
        service.self_assess(session, actor(session, "admin"), ids["ua_id"], scores={"2.1": "15"})
    a = actor(session, "liaison_a")
    with pytest.raises(ValidationError) as err:
        service.self_assess(session, a, ids["ua_id"], scores={"2.1": "16"})
    assert err.value.field == "score[2.1]"
    with pytest.raises(ValidationError) as err:
        service.self_assess(
            session, a, ids["ua_id"], scores={"2.1": "15", "2.2.1": "8", "2.2.2": "9"}, submit=True
        )
    assert err.value.field == "evidence[2.2.1]"  # evidence required, none uploaded
    service.transition(session, actor(session, "admin"), ids["cycle_id"], "start_verification")
    with pytest.raises(StateError):
        service.self_assess(session, a, ids["ua_id"], scores={"2.1": "15"})


def test_publish_needs_every_unit_verified(session: Session, world: World, files: Path) -> None:
    ids = seed_assessment(session, world, files)
    admin = actor(session, "admin")
    service.transition(session, admin, ids["cycle_id"], "start_verification")
    service.verify(session, admin, ids["ua_id"], scores={})
    with pytest.raises(StateError) as err:
        service.transition(session, admin, ids["cycle_id"], "publish")
    assert "市科技局" in err.value.message


def test_a_changed_scheme_is_a_new_version_and_the_cycle_keeps_its_own(
    session: Session, world: World, files: Path
) -> None:
    ids = seed_assessment(session, world, files)
    admin = actor(session, "admin")
    same = service.save_scheme(session, admin, world.region_id, scheme_from_dict(scheme_data()))
    assert same.id == ids["scheme_id"]
    data = scheme_data()
    data["bonus"]["cap"] = 5
    changed = service.save_scheme(session, admin, world.region_id, scheme_from_dict(data))
    assert (changed.id != same.id, changed.version) == (True, 2)
    assert session.get(AssessmentCycle, ids["cycle_id"]).scheme_id == ids["scheme_id"]  # type: ignore[union-attr]
    assert session.get(AssessmentScheme, ids["scheme_id"]).body["bonus"]["cap"] == 4  # type: ignore[union-attr]
    assert session.scalar(select(ProgressReport.id)) is None


def test_evidence_files_follow_the_attachment_types(session: Session, world: World, files: Path) -> None:
    ids = seed_assessment(session, world, files)
    with pytest.raises(ValidationError) as err:
        service.add_evidence(session, actor(session, "liaison_a"), ids["ua_id"], item_code="2.1", filename="x.exe",
                             content_type="", data=b"MZ", files_dir=files, max_bytes=10_000)  # fmt: skip
    assert err.value.field == "file" and "类型" in err.value.message
