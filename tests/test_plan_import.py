"""Importing a parsed plan: unit names resolve by alias, unresolved names stop the import, revisions keep reports."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from qcity.db.engine import make_session_factory
from qcity.models import Assignment, Plan, Task, Unit

PLAN = {
    "title": "某县质量强县工作方案",
    "date": "2024-03-01",
    "horizon": [2025],
    "targets": [
        {"text": "合格率达到95%", "indicator": "合格率", "op": ">=", "value": 95, "unit": "%", "year": 2025}
    ],
    "tasks": [
        {"no": "1", "title": "提升产品质量", "units": ["市市场监督管理局", "市新材料办"], "lead": []},
        {"no": "2", "title": "加强标准引领", "units": ["市科技局", "县质量发展委员会各成员单位"], "lead": []},
        {"no": "3", "title": "品牌建设", "units": ["市科技局"], "lead": ["市科技局"], "deadline": "2024年底"},
    ],
}


def _count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with make_session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_preview_lists_unresolved_names_and_groups(personas, world) -> None:  # type: ignore[no-untyped-def]
    r = personas["admin"].post(
        "/api/v1/plans/import/preview", json={"region_id": world.region_id, "plan": PLAN}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unresolved"] == ["市新材料办"]
    names = {n["name"]: n for n in body["names"]}
    assert names["市市场监督管理局"]["unit_id"] == world.unit_a  # resolved through its alias
    assert names["县质量发展委员会各成员单位"]["is_group"] is True


def test_unresolved_name_stops_the_import_and_writes_nothing(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    plans_before, units_before = _count(engine, Plan), _count(engine, Unit)
    r = personas["admin"].post("/api/v1/plans/import", json={"region_id": world.region_id, "plan": PLAN})
    assert r.status_code == 422 and "市新材料办" in r.json()["message"] and r.json()["field"] == "mapping"
    assert (_count(engine, Plan), _count(engine, Unit)) == (plans_before, units_before)


def test_mapping_creates_or_aliases_units(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    r = personas["admin"].post("/api/v1/plans/import", json={
        "region_id": world.region_id, "plan": PLAN, "mapping": {"市新材料办": "new"}})  # fmt: skip
    assert r.status_code == 201, r.text
    plan_id = r.json()["id"]
    with make_session_factory(engine)() as s:
        tasks = {t.no: t for t in s.scalars(select(Task).where(Task.plan_id == plan_id))}
        roles = {(a.unit.name, a.role) for a in tasks["1"].assignments}
        assert roles == {("市市场监管局", "lead"), ("市新材料办", "participant")}  # first listed leads
        assert [a.unit.name for a in tasks["2"].assignments] == ["市科技局"]  # the group is not a unit
        assert tasks["3"].due_date.isoformat() == "2024-12-31"
    # mapping an unknown name to an existing unit teaches the alias for next time
    plan2 = copy.deepcopy(PLAN) | {"title": "另一个方案"}
    plan2["tasks"][0]["units"] = ["市场监管局本级"]
    r = personas["admin"].post("/api/v1/plans/import", json={
        "region_id": world.region_id, "plan": plan2, "mapping": {"市场监管局本级": world.unit_a}})  # fmt: skip
    assert r.status_code == 201, r.text
    r = personas["admin"].post(
        "/api/v1/plans/import/preview", json={"region_id": world.region_id, "plan": plan2}
    )
    assert r.json()["unresolved"] == []


def test_reimport_keeps_reports_of_unchanged_tasks(personas, world, engine) -> None:  # type: ignore[no-untyped-def]
    admin, b = personas["admin"], personas["liaison_b"]
    mapping = {"市新材料办": "new"}
    plan_id = admin.post("/api/v1/plans/import", json={"region_id": world.region_id, "plan": PLAN,
                                                        "mapping": mapping}).json()["id"]  # fmt: skip
    with make_session_factory(engine)() as s:
        t3 = s.scalar(select(Task).where(Task.plan_id == plan_id, Task.no == "3"))
        asg = s.scalar(select(Assignment).where(Assignment.task_id == t3.id))
        asg_id = asg.id
    period = admin.get(f"/api/v1/plans/{plan_id}/periods").json()[0]["id"]
    rep = b.put(f"/api/v1/assignments/{asg_id}/reports/{period}", json={"text": "品牌培育", "percent": 30})
    assert rep.status_code == 200, rep.text

    revised = copy.deepcopy(PLAN)
    revised["tasks"][0]["content"] = "提升产品质量，新增内容"
    del revised["tasks"][1]
    revised["tasks"].append({"no": "4", "title": "质量基础设施", "units": ["市市场监管局"], "lead": []})
    preview = admin.post(
        "/api/v1/plans/import/preview", json={"region_id": world.region_id, "plan": revised}
    ).json()
    assert preview["replaces_plan_id"] == plan_id
    changes = {c["no"]: c["change"] for c in preview["changes"]}
    assert changes == {"1": "changed", "3": "unchanged", "4": "added", "2": "removed"}

    r = admin.post("/api/v1/plans/import", json={"region_id": world.region_id, "plan": revised})
    assert r.status_code == 201, r.text
    assert r.json()["id"] == plan_id and r.json()["revision"] == 2
    assert b.get(f"/api/v1/assignments/{asg_id}").json()["reports"][0]["text"] == "品牌培育"
    tasks = admin.get(f"/api/v1/plans/{plan_id}/tasks").json()
    assert sorted(t["no"] for t in tasks["items"]) == ["1", "3", "4"]


def test_bad_plan_json_is_rejected_with_the_field(personas, world) -> None:  # type: ignore[no-untyped-def]
    admin = personas["admin"]
    r = admin.post(
        "/api/v1/plans/import", json={"region_id": world.region_id, "plan": {"title": "", "tasks": []}}
    )
    assert r.status_code == 422 and r.json()["field"] == "title"
    r = admin.post(
        "/api/v1/plans/import", json={"region_id": world.region_id, "plan": {"title": "x", "tasks": "no"}}
    )
    assert r.status_code == 422 and r.json()["field"] == "tasks"
    r = admin.post("/api/v1/plans/import", json={"region_id": world.other_region_id, "plan": PLAN})
    assert r.status_code == 422 and r.json()["field"] == "region_id"  # another city's region
    r = admin.post(
        "/api/v1/plans/import", json={"region_id": world.region_id, "plan": {"title": "空", "tasks": []}}
    )
    assert r.status_code == 422 and r.json()["field"] == "tasks"  # nothing to track: no empty plan is made


def test_upload_that_is_no_plan_is_refused_in_chinese(personas, world) -> None:  # type: ignore[no-untyped-def]
    admin = personas["admin"]
    r = admin.post(
        "/import", files={"file": ("x.exe", b"MZMZ this program cannot be run in DOS mode", "text/plain")}
    )
    assert r.status_code == 422 and "没有识别出任何任务或目标" in r.text
    r = admin.post("/import", files={"file": ("plan.pdf", b"%PDF-1.4 broken", "application/pdf")})
    assert r.status_code == 422 and "无法读取方案文件" in r.text
    message = r.text.split("无法读取方案文件：", 1)[1].split("<", 1)[0]
    assert message and not any("a" <= ch.lower() <= "z" for ch in message.replace("PDF", "")), message
