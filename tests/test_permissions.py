"""The permission matrix: every route (API and pages) × every persona.

Object ids in each URL belong to unit A (or its shared task), so "liaison_b" is the other unit guessing ids.
A route missing from EXPECT fails the test: a new route must state who may use it.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from qcity.db.engine import make_session_factory
from tests.support import PASSWORD, PERSONAS, World, build_world, login

ALL = set(PERSONAS)
SIGNED_IN = ALL - {"anonymous"}
OFFICE = {"admin"}
STAFF = {"admin", "leader"}
READERS = {"admin", "leader", "liaison_a", "liaison_b"}  # plan.read
UNIT_A = {"admin", "leader", "liaison_a"}  # may read unit A's assignment and reports
A_ONLY = {"liaison_a"}
PUBLIC_READ = SIGNED_IN  # public.read: every signed-in role

EXPECT: dict[tuple[str, str], set[str]] = {
    # accounts
    ("POST", "/api/v1/auth/login"): ALL,
    ("POST", "/api/v1/auth/logout"): ALL,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("GET", "/api/v1/users"): OFFICE,
    ("POST", "/api/v1/users"): OFFICE,
    # org
    ("GET", "/api/v1/regions"): READERS,
    ("GET", "/api/v1/units"): READERS,
    ("POST", "/api/v1/units"): OFFICE,
    # plans
    ("GET", "/api/v1/plans"): PUBLIC_READ,
    ("GET", "/api/v1/plans/{plan_id}"): READERS,  # the plan is unpublished: the public cannot see it
    ("GET", "/api/v1/plans/{plan_id}/tasks"): READERS,
    ("GET", "/api/v1/plans/{plan_id}/periods"): READERS,
    ("GET", "/api/v1/tasks/{task_id}"): READERS,
    ("POST", "/api/v1/plans/parse"): OFFICE,
    ("POST", "/api/v1/plans/import/preview"): OFFICE,
    ("POST", "/api/v1/plans/import"): OFFICE,
    # supervision
    ("GET", "/api/v1/assignments"): READERS,
    ("GET", "/api/v1/assignments/{assignment_id}"): UNIT_A,
    ("PUT", "/api/v1/assignments/{assignment_id}/reports/{period_id}"): A_ONLY,
    ("GET", "/api/v1/reports"): READERS,
    ("GET", "/api/v1/reports/{report_id}"): UNIT_A,
    ("POST", "/api/v1/reports/{report_id}/submit"): A_ONLY,
    ("POST", "/api/v1/reports/{report_id}/accept"): OFFICE,
    ("POST", "/api/v1/reports/{report_id}/return"): OFFICE,
    ("POST", "/api/v1/reports/{report_id}/attachments"): A_ONLY,
    ("GET", "/api/v1/attachments/{attachment_id}"): UNIT_A,
    ("POST", "/api/v1/assignments/{assignment_id}/escalations"): OFFICE,
    ("POST", "/api/v1/escalations/{escalation_id}/acknowledge"): A_ONLY,
    # audit
    ("GET", "/api/v1/audit"): STAFF,
    ("GET", "/api/v1/audit/verify"): OFFICE,
    # pages
    ("GET", "/login"): ALL,
    ("POST", "/login"): ALL,
    ("POST", "/logout"): ALL,
    ("GET", "/"): SIGNED_IN,
    # pages: dashboard data, plans and the plan import
    ("GET", "/plans"): READERS,
    ("GET", "/plans/{plan_id}"): READERS,
    ("GET", "/plans/{plan_id}/export.xlsx"): READERS,
    ("GET", "/plans/{plan_id}/export.docx"): READERS,
    ("GET", "/import"): OFFICE,
    ("POST", "/import"): OFFICE,
    ("GET", "/import/{import_id}"): OFFICE,
    ("POST", "/import/{import_id}"): OFFICE,
    # pages: supervision
    ("GET", "/tasks/{task_id}"): READERS,
    ("POST", "/assignments/{assignment_id}/escalate"): OFFICE,
    ("POST", "/escalations/{escalation_id}/acknowledge"): A_ONLY,
    ("GET", "/my"): {"liaison_a", "liaison_b"},
    ("GET", "/my/assignments/{assignment_id}"): A_ONLY,
    ("POST", "/my/assignments/{assignment_id}"): A_ONLY,
    ("POST", "/my/assignments/{assignment_id}/autosave"): A_ONLY,
    ("GET", "/review"): OFFICE,
    ("POST", "/review"): OFFICE,
    # pages: administration and the audit log
    ("GET", "/admin/units"): OFFICE,
    ("POST", "/admin/units"): OFFICE,
    ("POST", "/admin/units/{unit_id}/aliases"): OFFICE,
    ("GET", "/admin/users"): OFFICE,
    ("POST", "/admin/users"): OFFICE,
    ("GET", "/audit"): STAFF,
    ("GET", "/audit/export.csv"): STAFF,
    # assessment (the seeded cycle is open: before publication a unit sees only its own assessment)
    ("GET", "/api/v1/assessment/schemes"): PUBLIC_READ,
    ("POST", "/api/v1/assessment/schemes/import"): OFFICE,
    ("GET", "/api/v1/assessment/schemes/{scheme_id}"): READERS,
    ("GET", "/api/v1/assessment/schemes/{scheme_id}/export"): READERS,
    ("GET", "/api/v1/assessment/cycles"): PUBLIC_READ,
    ("POST", "/api/v1/assessment/cycles"): OFFICE,
    ("GET", "/api/v1/assessment/cycles/{cycle_id}"): READERS,
    ("POST", "/api/v1/assessment/cycles/{cycle_id}/transition"): OFFICE,
    ("GET", "/api/v1/assessment/cycles/{cycle_id}/export"): STAFF,
    ("GET", "/api/v1/assessment/units/{ua_id}"): UNIT_A,
    ("PUT", "/api/v1/assessment/units/{ua_id}/self"): A_ONLY,
    ("POST", "/api/v1/assessment/units/{ua_id}/attachments"): A_ONLY,
    ("GET", "/api/v1/assessment/evidence/{evidence_id}"): UNIT_A,
    ("PUT", "/api/v1/assessment/units/{ua_id}/verify"): OFFICE,
    ("GET", "/api/v1/assessment/units/{ua_id}/export"): UNIT_A,
    ("GET", "/assessment"): PUBLIC_READ,
    ("GET", "/assessment/schemes"): PUBLIC_READ,
    ("POST", "/assessment/schemes"): OFFICE,
    ("GET", "/assessment/schemes/{scheme_id}"): READERS,
    ("GET", "/assessment/cycles/new"): OFFICE,
    ("POST", "/assessment/cycles"): OFFICE,
    ("GET", "/assessment/cycles/{cycle_id}"): READERS,
    ("POST", "/assessment/cycles/{cycle_id}/transition"): OFFICE,
    ("GET", "/assessment/units/{ua_id}"): UNIT_A,
    ("GET", "/assessment/units/{ua_id}/self"): A_ONLY,
    ("POST", "/assessment/units/{ua_id}/self"): A_ONLY,
    ("POST", "/assessment/units/{ua_id}/evidence"): A_ONLY,
    ("GET", "/assessment/units/{ua_id}/verify"): OFFICE,
    ("POST", "/assessment/units/{ua_id}/verify"): OFFICE,
    # indicators (unit A reports the world's indicator; the seeded value is A's, entered, not yet approved)
    ("GET", "/api/v1/indicators"): READERS,
    ("GET", "/api/v1/indicators/overview"): READERS,
    ("GET", "/api/v1/indicators/overview.xlsx"): READERS,
    ("POST", "/api/v1/indicators/sync"): OFFICE,
    ("POST", "/api/v1/indicators/import"): {"admin", "liaison_a", "liaison_b"},  # B's rows would be refused
    ("POST", "/api/v1/indicators/values/{value_id}/approve"): OFFICE,
    ("POST", "/api/v1/indicators/values/{value_id}/unlock"): OFFICE,
    ("PUT", "/api/v1/indicators/targets/{target_id}"): OFFICE,
    ("GET", "/api/v1/indicators/{indicator_id}"): READERS,
    ("POST", "/api/v1/indicators/{indicator_id}/values"): A_ONLY,
    ("PUT", "/api/v1/indicators/{indicator_id}/responsibility"): OFFICE,
    ("GET", "/indicators"): READERS,
    ("POST", "/indicators/sync"): OFFICE,
    ("GET", "/indicators/overview"): READERS,
    ("GET", "/indicators/overview.xlsx"): READERS,
    ("GET", "/indicators/review"): OFFICE,
    ("GET", "/indicators/import"): {"admin", "liaison_a", "liaison_b"},
    ("POST", "/indicators/import"): {"admin", "liaison_a", "liaison_b"},
    ("GET", "/indicators/{indicator_id}"): READERS,
    ("POST", "/indicators/{indicator_id}/values"): A_ONLY,
    ("POST", "/indicators/values/{value_id}/approve"): OFFICE,
    ("POST", "/indicators/values/{value_id}/unlock"): OFFICE,
    ("POST", "/indicators/{indicator_id}/responsibility"): OFFICE,
    ("POST", "/indicators/targets/{target_id}"): OFFICE,
}

# Routes every persona may reach by design (static files, API docs).
OPEN_PREFIXES = ("/static", "/api/v1/openapi.json", "/api/v1/docs")


def _flat(routes, prefix: str = ""):  # type: ignore[no-untyped-def]
    """Every route with its full path. FastAPI ≥ 0.16x keeps an included router as one `_IncludedRouter`
    entry in `app.routes` (no `.path`), so walk into it, or the matrix would silently check nothing."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _flat(inner.routes, prefix + route.include_context.prefix)
        else:
            yield prefix + getattr(route, "path", ""), route


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for path, route in _flat(app.routes):
        if path.startswith(OPEN_PREFIXES):
            continue
        for method in sorted(getattr(route, "methods", None) or []):
            if method != "HEAD":
                found.append((method, path))
    assert len(found) > 20, "no routes found: has FastAPI changed how it stores included routers?"
    return found


def test_every_route_is_in_the_matrix(app) -> None:  # type: ignore[no-untyped-def]
    missing = [r for r in _routes(app) if r not in EXPECT]
    assert not missing, f"routes without an access rule in EXPECT: {missing}"
    assert all(isinstance(r, APIRoute) or True for r in app.routes)


def _seed(session: Session, world: World) -> dict[str, int]:
    """Unit A's submitted report with an attachment, and an escalation on A's assignment."""
    from qcity.accounts.service import actor_for_user, get_user
    from qcity.tasks import service

    a = actor_for_user(session, get_user(session, "liaison_a"))
    admin = actor_for_user(session, get_user(session, "admin"))
    report = service.save_draft(session, a, world.assignment_a, world.period_id, text="进展", percent=30)
    from pathlib import Path

    att = service.add_attachment(session, a, report.id, filename="佐证.txt", content_type="text/plain",
                                 data=b"evidence", files_dir=Path(_FILES[0]), max_bytes=10_000)  # fmt: skip
    service.submit_report(session, a, report.id)
    esc = service.issue_escalation(session, admin, world.assignment_a, reason="进度滞后")
    session.commit()
    from tests.assessment.seed import seed_assessment

    ids = {"report_id": report.id, "attachment_id": att.id, "escalation_id": esc.id}
    from tests.indicators.seed import seed_indicators

    return ids | seed_assessment(session, world, Path(_FILES[0])) | seed_indicators(session, world)


_FILES: list[str] = []


def _stash_import(app, engine, world: World) -> str:  # type: ignore[no-untyped-def]
    """A parsed plan waiting for the office admin's review (the import page keeps it outside the database)."""
    from qcity.accounts.service import get_user
    from qcity.plans.pages import stash_import

    with make_session_factory(engine)() as s:
        admin_id = get_user(s, "admin").id
    plan = {
        "title": "权限测试方案",
        "tasks": [{"no": "1", "title": "任务", "units": ["市科技局"], "lead": []}],
    }
    return stash_import(app.state.settings, admin_id, "plan.txt", world.region_id, plan,
                        [{"kind": "paragraph", "text": "任务"}], {"targets": [], "tasks": [None]})  # fmt: skip


BODIES = {
    "/api/v1/auth/login": {"username": "leader", "password": PASSWORD},
    "/api/v1/users": {"username": "new_user", "password": "long-enough-1", "role": "leader"},
    "/api/v1/units": {"region_id": 0, "name": "市新设局"},
    "/api/v1/plans/import/preview": {"region_id": 0, "plan": {"title": "t", "tasks": []}},
    "/api/v1/plans/import": {"region_id": 0, "plan": {"title": "新方案", "tasks": []}},
    "/api/v1/assignments/{assignment_id}/reports/{period_id}": {"text": "更新", "percent": 40},
    "/api/v1/reports/{report_id}/return": {"reason": "材料不全"},
    "/api/v1/assignments/{assignment_id}/escalations": {"reason": "请加快"},
    "/api/v1/assessment/cycles/{cycle_id}/transition": {"action": "recompute"},
    "/api/v1/indicators/{indicator_id}/values": {"period": "2025", "value": 97.8},
    "/api/v1/indicators/values/{value_id}/unlock": {"reason": "数据修订"},
    "/api/v1/indicators/{indicator_id}/responsibility": {"region_id": 0, "unit_id": 0},
}


PAGE_FORMS: dict[str, dict[str, str]] = {
    "/login": {"username": "leader", "password": PASSWORD},
}


def _call(client, method: str, path: str, ids: dict[str, int], world: World):  # type: ignore[no-untyped-def]
    url = path.format(**ids)
    body = BODIES.get(path)
    if isinstance(body, dict) and body.get("region_id") == 0:
        body = body | {"region_id": world.region_id}
    if path.endswith("/attachments"):
        return client.request(method, url, files={"file": ("x.txt", b"data", "text/plain")})
    if path == "/api/v1/plans/parse":
        return client.request(
            method,
            url,
            files={
                "file": ("plan.txt", "一、任务\n(一)加强质量。(责任单位:市科技局)".encode(), "text/plain")
            },
        )
    if method in ("POST", "PUT"):
        if not path.startswith("/api/"):
            form = {"csrf_token": getattr(client, "csrf", ""), **PAGE_FORMS.get(path, {})}
            return client.request(method, url, data=form, follow_redirects=False)
        return client.request(method, url, json=body or {})
    return client.request(method, url, follow_redirects=False)


@pytest.mark.parametrize("route", sorted(EXPECT), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_access(route: tuple[str, str], app, engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _FILES[:] = [str(app.state.settings.files_dir)]
    with make_session_factory(engine)() as s:
        world = build_world(s)
        ids = _seed(s, world)
    ids |= {"plan_id": world.plan_id, "task_id": world.task_shared, "assignment_id": world.assignment_a,
            "period_id": world.period_id, "unit_id": world.unit_a}  # fmt: skip
    ids["import_id"] = _stash_import(app, engine, world)
    method, path = route
    for persona in PERSONAS:
        client = login(app, None if persona == "anonymous" else persona)
        r = _call(client, method, path, ids, world)
        allowed = persona in EXPECT[route]
        denied_status = r.status_code in (401, 403, 404) or (
            method == "GET" and r.status_code == 303 and r.headers.get("location", "").startswith("/login")
        )
        assert r.status_code < 500, f"{persona} {method} {path}: {r.status_code} {r.text[:300]}"
        if allowed:
            assert not denied_status, (
                f"{persona} should reach {method} {path}: {r.status_code} {r.text[:200]}"
            )
        else:
            assert denied_status, f"{persona} must not reach {method} {path}: {r.status_code} {r.text[:200]}"


def test_other_unit_cannot_read_by_guessing_ids(personas, world: World, engine) -> None:  # type: ignore[no-untyped-def]
    """liaison_a may not see B's own task at all, in any list or by id."""
    a = personas["liaison_a"]
    assert a.get(f"/api/v1/assignments/{world.assignment_b_only}").status_code == 404
    listed = {x["id"] for x in a.get("/api/v1/assignments").json()["items"]}
    assert world.assignment_b_only not in listed and world.assignment_b not in listed
    for guess in range(1, 50):
        r = a.get(f"/api/v1/assignments/{guess}")
        assert r.status_code in (200, 404)
        if r.status_code == 200:
            assert r.json()["unit_id"] == world.unit_a or r.json()["task_id"] == world.task_shared
