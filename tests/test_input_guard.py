"""NUL characters are refused with the field named, on both databases, and nothing is written."""

from __future__ import annotations

from sqlalchemy import func, select

from qcity.db.engine import make_session_factory
from qcity.models import ProgressReport
from tests.support import PASSWORD, login


def test_json_body_with_nul_is_refused(app, world) -> None:  # type: ignore[no-untyped-def]
    r = login(app, None).post("/api/v1/auth/login", json={"username": "\x00", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["field"] == "username" and "NUL" in r.json()["message"]


def test_nested_json_with_nul_writes_nothing(app, world, engine) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "liaison_a")
    r = c.put(
        f"/api/v1/assignments/{world.assignment_a}/reports/{world.period_id}",
        json={"text": "进展\x00说明", "percent": 10},
    )
    assert r.status_code == 422 and r.json()["field"] == "text"
    with make_session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_query_path_and_cookie_with_nul_are_refused(app, world) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "admin")
    r = c.get("/api/v1/assignments", params={"q": "a\x00"})
    assert r.status_code == 422 and r.json()["field"] == "q"
    assert c.get("/api/v1/tasks/1%00").status_code == 422
    page = c.get("/plans", params={"q": "\x00"})
    assert page.status_code == 422 and "空字符" in page.text  # a Chinese page, not a traceback
    anonymous = login(app, None)
    anonymous.cookies.set("qcity_session", '"\\000"')
    assert anonymous.get("/api/v1/me").status_code == 422


def test_form_field_with_nul_is_refused(app, world) -> None:  # type: ignore[no-untyped-def]
    r = login(app, None).post("/login", data={"username": "admin\x00", "password": PASSWORD})
    assert r.status_code == 422 and "username" in r.text and "空字符" in r.text


def test_every_api_upload_stops_at_the_size_limit(app, world) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = app.state.settings.model_copy(update={"max_upload_mb": 1})
    c = login(app, "admin")
    big = b"a" * (1024 * 1024 + 1)
    for url in ("/api/v1/plans/parse", "/api/v1/indicators/import"):
        r = c.post(url, files={"file": ("big.csv", big, "text/csv")})
        assert r.status_code == 422 and r.json()["field"] == "file" and "1MB" in r.json()["message"], url
        r = c.post(url, files={"file": ("empty.csv", b"", "text/csv")})
        assert r.status_code == 422 and "空" in r.json()["message"], url
