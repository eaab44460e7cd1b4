"""The audit chain: intact after real work; any hand edit, deletion or insertion is detected."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from qcity.audit.service import verify
from qcity.db.engine import make_session_factory


@pytest.fixture
def unguarded(engine):  # type: ignore[no-untyped-def]
    """A DBA with full rights can drop the append-only triggers; the hash chain still tells.

    The PostgreSQL test database outlives the test, so the guard is put back afterwards.
    """
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if pg:
            conn.execute(text("DROP TRIGGER audit_event_no_update ON audit_event"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
    yield
    if pg:
        with engine.begin() as conn:
            conn.execute(text(
                "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
            ))  # fmt: skip


def test_database_refuses_edits_of_audit_rows(world, engine) -> None:  # type: ignore[no-untyped-def]

    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor_name = 'mallory' WHERE id = 1"))


def test_edit_is_detected(world, engine, unguarded) -> None:  # type: ignore[no-untyped-def]
    with make_session_factory(engine)() as s:
        assert verify(s).ok
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor_name = 'mallory' WHERE id = 3"))
    with make_session_factory(engine)() as s:
        result = verify(s)
    assert not result.ok and result.first_bad_id == 3


def test_deletion_is_detected(world, engine, unguarded) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)"))
    with make_session_factory(engine)() as s:
        assert not verify(s).ok


def test_cli_verify_and_export(world, db_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"QCITY_DATABASE_URL": db_url, "QCITY_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run(
        [sys.executable, "-m", "qcity.cli", "audit", "verify"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    out = tmp_path / "audit.jsonl"
    exp = subprocess.run([sys.executable, "-m", "qcity.cli", "audit", "export", "--out", str(out)], env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert exp.returncode == 0, exp.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 5 and '"hash"' in lines[0]


def test_every_recorded_action_and_object_has_a_chinese_name() -> None:
    """The log is read by office staff: no action or object type may show as its code."""
    import re
    from pathlib import Path

    from qcity.assessment.service import TRANSITIONS
    from qcity.audit.pages import ACTION_NAMES, OBJECT_NAMES

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("src/qcity").rglob("*.py"))
    recorded = re.findall(r'audit\.record\(\s*session,[^"]*?"([a-z_]+\.[a-z_]+)",\s*"([a-z_]+)"', source)
    assert len(recorded) > 20, "the pattern no longer finds the audit calls"
    actions = {a for a, _ in recorded} | {f"assessment_cycle.{a}" for a in [*TRANSITIONS, "recompute"]}
    actions |= {"unit_assessment.submit", "unit_assessment.save_self"}  # chosen by a flag at one call
    assert sorted(actions - set(ACTION_NAMES)) == []
    assert sorted({o for _, o in recorded} - set(OBJECT_NAMES)) == []


def test_the_log_page_shows_chinese_changes_and_links(personas, world) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/assignments/{world.assignment_a}/reports/{world.period_id}"
    personas["liaison_a"].put(url, json={"text": "召开推进会", "percent": 5})
    page = personas["admin"].get("/audit").text
    assert "召开推进会" in page and "\\u53ec" not in page  # readable, not \u escapes
    assert "新建报告" in page and f'href="/plans/{world.plan_id}"' in page
    assert '<th scope="row">进展情况</th>' in page and "<td>推进中</td>" in page  # field and value in words
    version = (
        personas["liaison_a"].get(f"/api/v1/assignments/{world.assignment_a}").json()["reports"][0]["version"]
    )
    personas["liaison_a"].put(url, json={"text": "召开推进会", "percent": 20, "version": version})
    page = personas["admin"].get("/audit?action=report.update").text
    assert '<th scope="row">完成百分比</th><td>5</td><td>20</td>' in page  # an update shows what it changed
    assert '<th scope="row">进展情况</th>' not in page  # and not what it left alone


def test_ids_in_a_change_show_the_objects_names(personas, world) -> None:  # type: ignore[no-untyped-def]
    page = personas["admin"].get("/audit?object_type=user&action=user.create").text
    assert '<th scope="row">所属单位</th><td>市市场监管局</td>' in page  # liaison_a's unit, not its id
    assert '<th scope="row">地区</th><td>湛江市</td>' in page


def test_change_rows_name_fields_and_codes() -> None:
    from qcity.audit.changes import change_rows

    rows = change_rows(
        "progress_report", {"state": "submitted", "text": "a"}, {"state": "accepted", "text": "a"}
    )
    assert rows == [("状态", "待审核", "已通过")]
    assert change_rows("user", None, {"role_code": "liaison", "is_active": True, "unit_ids": [3, 4]}) == [
        ("角色", "", "单位联络员"), ("启用", "", "是"), ("所属单位", "", "3、4"),
    ]  # fmt: skip
    assert change_rows("indicator_value", {"state": "entered"}, {"state": "approved"}) == [
        ("状态", "待审核", "已审核")
    ]
    assert change_rows("plan", {"end_date": "2025-12-31"}, {"end_date": "2027-12-31"}) == [
        ("结束日期", "2025年12月31日", "2027年12月31日")
    ]
    assert change_rows("x", {"nota": None}, {"nota": "新"}) == [("nota", "—", "新")]  # unknown: its code
    claim = {"kind": "bonus", "code": "B2", "by": "unit", "reason": "获奖", "claimed": "1", "verified": None}
    assert change_rows("unit_assessment", None, {"adjustments": [claim, claim | {"kind": "penalty"}]}) == [
        (
            "加减分",
            "",
            "类型加分，代码B2，提出方单位，原因获奖，申报1\n类型扣分，代码B2，提出方单位，原因获奖，申报1",
        )
    ]
    assert change_rows("unit", None, {"kind": "town"}) == [("类型", "", "镇街")]


def test_every_recorded_field_has_a_chinese_name() -> None:
    """Every field an audit call records, from a dict it writes or a *_FIELDS list it snapshots, has a name."""
    import ast
    import importlib
    from pathlib import Path

    from qcity.audit.changes import FIELD_LABELS

    fields: set[str] = set()
    for path in Path("src/qcity").rglob("*.py"):
        module = ".".join(path.with_suffix("").parts[1:])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # what audit.record writes: its keyword values, and any expression built on audit.snapshot(...)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "record":
                parts = [k.value for k in node.keywords]
            elif isinstance(node, ast.BinOp | ast.Call) and "snapshot(" in ast.unparse(node):
                parts = [node]
            else:
                continue
            for arg in (n for part in parts for n in ast.walk(part)):
                if isinstance(arg, ast.Dict):
                    fields |= {k.value for k in arg.keys if isinstance(k, ast.Constant)}
                elif isinstance(arg, ast.Name) and arg.id.endswith("_FIELDS"):
                    fields |= set(getattr(importlib.import_module(module), arg.id))
    assert {"state", "percent", "role_code", "self_scores", "unlock_reason"} <= fields, (
        "the scan finds the calls"
    )
    assert sorted(fields - set(FIELD_LABELS)) == []


def test_every_link_an_anonymous_visitor_sees_works(app) -> None:  # type: ignore[no-untyped-def]
    import re

    from fastapi.testclient import TestClient

    client = TestClient(app)
    html = client.get("/login").text
    links = {h for h in re.findall(r'href="(/[^"]*)"', html) if not h.startswith("/static/")}
    assert links
    for href in links:
        assert client.get(href).status_code < 400, href


def test_a_page_past_the_end_shows_the_last_page(personas, world) -> None:  # type: ignore[no-untyped-def]
    page = personas["admin"].get("/audit", params={"page": 999}).text
    assert "没有符合条件的记录" not in page and "第 999" not in page


def test_a_bad_query_value_is_named_in_chinese_on_pages_and_by_code_in_the_api(personas, world) -> None:  # type: ignore[no-untyped-def]
    page = personas["admin"].get("/audit?page=abc")
    assert page.status_code == 422 and "“页码”应为整数" in page.text and "“page”" not in page.text
    page = personas["admin"].get("/audit?since=2025-13-01")
    assert page.status_code == 422 and "2025-03-31”的格式" in page.text and "相关字段：起始日期" in page.text
    api = personas["admin"].get("/api/v1/audit?page=abc")
    assert api.status_code == 422 and api.json()["field"] == "page"
