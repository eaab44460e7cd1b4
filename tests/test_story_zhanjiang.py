"""End to end on a real plan: the Zhanjiang plan imported by the CLI, then a report's whole life through the API.

import → 30 tasks with lead and participating units → a liaison drafts and submits with an attachment → the office
returns it → the liaison resubmits → the office accepts → the light and roll-up change → the audit log shows every
step, `qcity audit verify` passes, and editing an audit row by hand makes it fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, text

from qcity.db.engine import make_session_factory
from qcity.extract.units import is_unit_group
from qcity.models import AuditEvent, Plan, Task
from tests.support import PASSWORD, login

PLAN = Path(__file__).parent / "fixtures" / "plans" / "zhanjiang-2018.txt"
GOLD = json.loads(
    (Path(__file__).parent / "fixtures" / "plans" / "zhanjiang-2018.gold.json").read_text("utf-8")
)


def qcity(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qcity.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_zhanjiang_story(db_url: str, tmp_path: Path, app, engine) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "QCITY_DATABASE_URL": db_url, "QCITY_DATA_DIR": str(tmp_path / "data")}
    assert (
        qcity(env, "region", "add", "--code", "440800", "--name", "湛江市", "--level", "city").returncode == 0
    )
    r = qcity(env, "plan", "import", str(PLAN), "--region", "440800")
    assert r.returncode == 2 and "match no unit" in r.stderr  # unresolved names stop the import
    with make_session_factory(engine)() as s:
        assert s.scalar(select(Plan.id)) is None  # and nothing was written
    r = qcity(env, "plan", "import", str(PLAN), "--region", "440800", "--create-units")
    assert r.returncode == 0, r.stderr
    assert "30 tasks" in r.stdout

    with make_session_factory(engine)() as s:
        tasks = list(s.scalars(select(Task).order_by(Task.seq)))
        assert len(tasks) == 30
        for task, gold in zip(tasks, GOLD["tasks"], strict=True):
            leads = sorted(a.unit.name for a in task.assignments if a.role == "lead")
            assert leads == sorted(gold["lead"]), task.no
            named_units = [
                u for u in gold["units"] if not is_unit_group(u)
            ]  # 市直相关单位 is a group, not a unit
            assert len(task.assignments) == len(named_units)
        first = tasks[0]
        lead_unit = next(a for a in first.assignments if a.role == "lead")
        participant = next(a for a in first.assignments if a.role == "participant")
        lead_name, lead_unit_id, asg_id, other_asg = (
            lead_unit.unit.name,
            lead_unit.unit_id,
            lead_unit.id,
            participant.id,
        )

    region = "440800"
    assert (
        qcity(
            env, "user", "add", "office", "--role", "office_admin", "--region", region, "--password", PASSWORD
        ).returncode
        == 0
    )
    r = qcity(env, "user", "add", "liaison", "--role", "liaison", "--region", region, "--unit", lead_name,
              "--password", PASSWORD)  # fmt: skip
    assert r.returncode == 0, r.stderr

    office, liaison = login(app, "office"), login(app, "liaison")
    plan_id = office.get("/api/v1/plans").json()[0]["id"]
    period = office.get(f"/api/v1/plans/{plan_id}/periods").json()[0]["id"]
    before = office.get(f"/api/v1/tasks/{tasks[0].id}").json()
    assert before["progress"] is None

    rep = liaison.put(
        f"/api/v1/assignments/{asg_id}/reports/{period}", json={"text": "制定标准化生产规划", "percent": 60}
    )
    assert rep.status_code == 200, rep.text
    rid = rep.json()["id"]
    att = liaison.post(
        f"/api/v1/reports/{rid}/attachments",
        files={"file": ("规划.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    assert att.status_code == 201
    assert liaison.post(f"/api/v1/reports/{rid}/submit", json={}).status_code == 200
    assert (
        office.post(f"/api/v1/reports/{rid}/return", json={"reason": "请补充示范区数量"}).status_code == 200
    )
    rep = liaison.put(f"/api/v1/assignments/{asg_id}/reports/{period}",
                      json={"text": "示范区已达31个", "percent": 100, "work_status": "completed"})  # fmt: skip
    assert rep.status_code == 200
    assert liaison.post(f"/api/v1/reports/{rid}/submit", json={}).status_code == 200
    assert office.post(f"/api/v1/reports/{rid}/accept", json={}).status_code == 200

    after = office.get(f"/api/v1/tasks/{tasks[0].id}").json()
    assert after["progress"] == 100.0 and after["progress_label"].endswith("个单位未报告）")
    light = {a["unit_id"]: a["light"] for a in after["assignments"]}
    assert light[lead_unit_id] == "done"
    # the participant cannot see the lead's assignment; the lead sees the participant's
    assert liaison.get(f"/api/v1/assignments/{other_asg}").status_code == 200

    with make_session_factory(engine)() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for step in ("plan.import", "report.create", "attachment.add", "report.submit", "report.return",
                 "report.update", "report.accept"):  # fmt: skip
        assert step in actions
    assert qcity(env, "audit", "verify").returncode == 0

    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update" if pg
                          else "DROP TRIGGER audit_event_no_update"))  # fmt: skip
        conn.execute(text("UPDATE audit_event SET after = NULL WHERE action = 'report.accept'"))
        if pg:
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update"))
    broken = qcity(env, "audit", "verify")
    assert broken.returncode == 1 and "BROKEN" in broken.stderr
