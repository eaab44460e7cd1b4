"""The report workflow through the API: draft → submit → return → resubmit → accept, with evidence and audit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from qcity.audit.service import verify
from qcity.db.engine import make_session_factory
from qcity.kit.dates import today_cn
from qcity.models import AuditEvent, ProgressReport, ReportingPeriod


def _draft(client, world, **body):  # type: ignore[no-untyped-def]
    return client.put(f"/api/v1/assignments/{world.assignment_a}/reports/{world.period_id}",
                      json={"text": "已完成调研", "percent": 50} | body)  # fmt: skip


def test_full_cycle_changes_light_rollup_and_audit(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    a, admin = personas["liaison_a"], personas["admin"]
    r = _draft(a, world)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["state"] == "draft"
    data = "佐证材料".encode()
    up = a.post(
        f"/api/v1/reports/{report['id']}/attachments", files={"file": ("会议纪要.txt", data, "text/plain")}
    )
    assert up.status_code == 201, up.text
    assert up.json()["sha256"] == hashlib.sha256(data).hexdigest()

    # The office cannot see a draft, let alone edit it.
    assert admin.get(f"/api/v1/reports/{report['id']}").status_code == 404
    assert admin.put(f"/api/v1/assignments/{world.assignment_a}/reports/{world.period_id}",
                     json={"text": "x", "percent": 1}).status_code == 403  # fmt: skip

    assert a.post(f"/api/v1/reports/{report['id']}/submit", json={}).json()["state"] == "submitted"
    returned = admin.post(f"/api/v1/reports/{report['id']}/return", json={"reason": "缺少佐证"}).json()
    assert returned["state"] == "returned" and returned["return_reason"] == "缺少佐证"
    r = _draft(a, world, text="补充了材料", percent=100, work_status="completed", version=returned["version"])
    assert r.status_code == 200, r.text
    assert a.post(f"/api/v1/reports/{report['id']}/submit", json={}).status_code == 200

    task_before = admin.get(f"/api/v1/tasks/{world.task_shared}").json()
    assert task_before["progress"] is None  # nothing accepted yet: unknown, not 0 %
    accepted = admin.post(f"/api/v1/reports/{report['id']}/accept", json={}).json()
    assert accepted["state"] == "accepted"

    asg = admin.get(f"/api/v1/assignments/{world.assignment_a}").json()
    assert asg["light"] == "done" and asg["percent"] == 100
    task = admin.get(f"/api/v1/tasks/{world.task_shared}").json()
    assert task["progress"] == 100.0 and "1个单位未报告" in task["progress_label"]

    # The download is the same bytes, for the office too.
    att_id = asg["reports"][0]["attachments"][0]["id"]
    assert admin.get(f"/api/v1/attachments/{att_id}").content == data

    with make_session_factory(engine)() as s:
        actions = [
            e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.object_type == "progress_report"))
        ]
        assert actions == ["report.create", "report.submit", "report.return", "report.update", "report.submit",
                           "report.accept"]  # fmt: skip
        assert verify(s).ok


def test_bad_input_names_the_field_and_saves_nothing(personas, world) -> None:  # type: ignore[no-untyped-def]
    a = personas["liaison_a"]
    r = _draft(a, world, percent=140)
    assert r.status_code == 422 and r.json()["field"] == "percent"
    assert "percent" in r.json()["message"]
    r = _draft(a, world, work_status="done-ish")
    assert r.status_code == 422 and r.json()["field"] == "work_status"
    assert a.get(f"/api/v1/assignments/{world.assignment_a}").json()["reports"] == []
    r = a.put(f"/api/v1/assignments/{world.assignment_a}/reports/999999", json={"text": "x", "percent": 1})
    assert r.status_code == 422 and r.json()["field"] == "period_id"


def test_a_period_that_has_not_begun_takes_no_report(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    with make_session_factory(engine)() as s:
        periods = s.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == world.plan_id)).all()
        future = min(
            (p for p in periods if p.starts_on > today_cn()), key=lambda p: p.starts_on, default=None
        )
        if future is None:  # the test plan runs to 2025; give it a period after today, as a longer plan has
            start = today_cn().replace(day=1) + timedelta(days=40)
            future = ReportingPeriod(plan_id=world.plan_id, label="未来报告期", starts_on=start,
                                     ends_on=start + timedelta(days=20), due_on=start + timedelta(days=25))  # fmt: skip
            s.add(future)
            s.commit()
        future_id, label = future.id, future.label
    a = personas["liaison_a"]
    r = a.put(
        f"/api/v1/assignments/{world.assignment_a}/reports/{future_id}",
        json={"text": "提前报", "percent": 10},
    )
    assert r.status_code == 422 and r.json()["field"] == "period_id"
    assert label in r.json()["message"] and "尚不能填报" in r.json()["message"]
    with make_session_factory(engine)() as s:
        assert s.scalar(select(ProgressReport).where(ProgressReport.period_id == future_id)) is None
    assert _draft(a, world).status_code == 200  # a period that has begun still takes one
    page = a.get(f"/my/assignments/{world.assignment_a}?period_id={future_id}")
    assert page.status_code == 200 and "届时可以填报" in page.text and 'id="report-form"' not in page.text
    page = a.get(f"/my/assignments/{world.assignment_a}")
    assert 'id="report-form"' in page.text and f">{label}</option>" not in page.text


def test_return_needs_a_reason_and_only_submitted_reports_are_reviewed(personas, world) -> None:  # type: ignore[no-untyped-def]
    a, admin = personas["liaison_a"], personas["admin"]
    rid = _draft(a, world).json()["id"]
    assert admin.post(f"/api/v1/reports/{rid}/accept", json={}).status_code == 404  # a draft is invisible
    a.post(f"/api/v1/reports/{rid}/submit", json={})
    r = admin.post(f"/api/v1/reports/{rid}/return", json={"reason": "  "})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert admin.post(f"/api/v1/reports/{rid}/accept", json={}).status_code == 200
    assert admin.post(f"/api/v1/reports/{rid}/accept", json={}).status_code == 409


def test_stale_version_is_a_conflict(personas, world) -> None:  # type: ignore[no-untyped-def]
    a = personas["liaison_a"]
    first = _draft(a, world).json()
    assert _draft(a, world, text="第二次", version=first["version"]).status_code == 200
    r = _draft(a, world, text="过期的编辑", version=first["version"])
    assert r.status_code == 409 and "内容未丢失" in r.json()["message"]
    assert a.get(f"/api/v1/reports/{first['id']}").json()["text"] == "第二次"
    a.post(f"/api/v1/reports/{first['id']}/submit", json={})
    r = personas["admin"].post(f"/api/v1/reports/{first['id']}/accept", json={"version": first["version"]})
    assert r.status_code == 409 and r.json()["message"] == "该报告已被他人修改，请刷新后重新审核"


def test_lead_unit_sees_participant_reports_but_not_drafts(personas, world) -> None:  # type: ignore[no-untyped-def]
    a, b = personas["liaison_a"], personas["liaison_b"]
    rb = b.put(f"/api/v1/assignments/{world.assignment_b}/reports/{world.period_id}",
               json={"text": "配合推进", "percent": 20}).json()  # fmt: skip
    assert a.get(f"/api/v1/reports/{rb['id']}").status_code == 404
    b.post(f"/api/v1/reports/{rb['id']}/submit", json={})
    assert a.get(f"/api/v1/reports/{rb['id']}").status_code == 200
    # but B, a participant, never sees A's reports
    ra = _draft(a, world).json()
    a.post(f"/api/v1/reports/{ra['id']}/submit", json={})
    assert b.get(f"/api/v1/reports/{ra['id']}").status_code == 404


def test_escalation_is_issued_acknowledged_and_counted(personas, world) -> None:  # type: ignore[no-untyped-def]
    a, admin = personas["liaison_a"], personas["admin"]
    esc = admin.post(f"/api/v1/assignments/{world.assignment_a}/escalations",
                     json={"reason": "请于本周内报送", "respond_by": "2030-01-10"}).json()  # fmt: skip
    assert (
        personas["liaison_b"].post(f"/api/v1/escalations/{esc['id']}/acknowledge", json={}).status_code == 404
    )
    ack = a.post(f"/api/v1/escalations/{esc['id']}/acknowledge", json={"response": "已部署"})
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    assert a.post(f"/api/v1/escalations/{esc['id']}/acknowledge", json={}).status_code == 409
    detail = admin.get(f"/api/v1/assignments/{world.assignment_a}").json()
    assert len(detail["escalations"]) == 1


def test_attachment_rules(personas, world) -> None:  # type: ignore[no-untyped-def]
    a = personas["liaison_a"]
    rid = _draft(a, world).json()["id"]
    r = a.post(f"/api/v1/reports/{rid}/attachments", files={"file": ("empty.txt", b"", "text/plain")})
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = personas["liaison_b"].post(
        f"/api/v1/reports/{rid}/attachments", files={"file": ("x.txt", b"x", "text/plain")}
    )
    assert r.status_code == 404


def test_long_notes_are_refused_never_cut(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    """A return reason, a 督办 reason or a reply over 2,000 characters: an error naming the field, nothing saved."""
    from sqlalchemy import func, select

    from qcity.db.engine import make_session_factory
    from qcity.models import Escalation, ProgressReport

    a, admin = personas["liaison_a"], personas["admin"]
    rid = _draft(a, world).json()["id"]
    a.post(f"/api/v1/reports/{rid}/submit", json={})
    long = "情" * 2001
    r = admin.post("/review", data={"return_one": str(rid), f"reason_{rid}": long})
    assert r.status_code == 422 and "退回原因不能超过2000字" in r.text
    r = admin.post(f"/assignments/{world.assignment_a}/escalate", data={"reason": long})
    assert r.status_code == 422 and "督办事由不能超过2000字" in r.text
    esc = admin.post(
        f"/api/v1/assignments/{world.assignment_a}/escalations", json={"reason": "请加快"}
    ).json()
    r = a.post(f"/escalations/{esc['id']}/acknowledge", data={"response": long})
    assert r.status_code == 422 and "签收回复不能超过2000字" in r.text and long in r.text  # the reply is kept
    with make_session_factory(engine)() as s:
        assert s.scalar(select(ProgressReport.state).where(ProgressReport.id == rid)) == "submitted"
        assert s.scalar(select(func.count()).select_from(Escalation)) == 1
        assert s.scalar(select(Escalation.acknowledged_at)) is None


def test_escalation_reply_date_must_exist_and_not_be_past(personas, world) -> None:  # type: ignore[no-untyped-def]
    admin = personas["admin"]
    url = f"/assignments/{world.assignment_a}/escalate"
    r = admin.post(url, data={"reason": "请加快", "respond_by": "2026-02-30"})
    assert r.status_code == 422 and "日期2026-02-30不存在" in r.text
    r = admin.post(url, data={"reason": "请加快", "respond_by": "2020-01-01"})
    assert r.status_code == 422 and "回复期限不能早于今天" in r.text


def test_attachments_are_documents_images_or_archives(personas, world) -> None:  # type: ignore[no-untyped-def]
    a = personas["liaison_a"]
    rid = _draft(a, world).json()["id"]
    for name in ("virus.exe", "evil.html", "x.svg", "noextension"):
        r = a.post(
            f"/api/v1/reports/{rid}/attachments", files={"file": (name, b"MZ", "application/octet-stream")}
        )
        assert r.status_code == 422 and r.json()["field"] == "file" and "类型" in r.json()["message"], name
    for name in ("纪要.PDF", "照片.jpg", "台账.xlsx", "公文.ofd"):
        r = a.post(
            f"/api/v1/reports/{rid}/attachments", files={"file": (name, b"data", "application/octet-stream")}
        )
        assert r.status_code == 201, name


def test_review_keeps_its_view_after_an_error_and_after_an_action(personas, world) -> None:  # type: ignore[no-untyped-def]
    a, admin = personas["liaison_a"], personas["admin"]
    rid = _draft(a, world).json()["id"]
    a.post(f"/api/v1/reports/{rid}/submit", json={})
    view = f"sort=unit&unit_id={world.unit_a}"
    r = admin.post("/review", data={"return_one": str(rid), f"reason_{rid}": " ", "back": view})
    assert r.status_code == 422 and "退回时必须填写原因" in r.text and "（原因）" not in r.text  # said once
    assert f'name="back" value="{view.replace("&", "&amp;")}"' in r.text  # the same filtered view, kept
    assert 'value="unit" selected' in r.text
    r = admin.post(
        "/review", data={"accept_one": str(rid), "back": f"{view}&done=returned-1"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == f"/review?{view}&done=accepted-1"  # one notice


def test_dashboard_light_counters_lead_to_those_tasks(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    """/plans?light=… (the dashboard's counters) lists only plans with such tasks, or opens the one plan's table."""
    from qcity.accounts.service import actor_for_user
    from qcity.models import User
    from qcity.tasks.queries import task_light_counts

    with make_session_factory(engine)() as s:
        admin = actor_for_user(s, s.scalars(select(User).where(User.username == "admin")).one())
        counts = task_light_counts(s, admin, today_cn())
    present = next(k for k, n in counts.items() if n)
    absent = next(k for k, n in counts.items() if not n)
    r = personas["admin"].get(f"/plans?light={present}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/plans/{world.plan_id}?light={present}"
    page = personas["admin"].get(f"/plans?light={absent}")
    assert (
        page.status_code == 200
        and f'href="/plans/{world.plan_id}"' not in page.text
        and "显示全部方案" in page.text
    )
    assert f'href="/plans/{world.plan_id}"' in personas["admin"].get("/plans").text
