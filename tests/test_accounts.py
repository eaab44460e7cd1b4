"""Sign-in, lock-out, sessions and CSRF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from qcity.db.engine import make_session_factory
from qcity.models import AuthSession
from tests.support import PASSWORD, login


def test_wrong_password_then_lockout(app, world) -> None:  # type: ignore[no-untyped-def]
    c = login(app, None)
    for _ in range(4):
        r = c.post("/api/v1/auth/login", json={"username": "admin", "password": "nope-nope"})
        assert r.status_code == 401 and r.json()["message"] == "用户名或密码错误"
    r = c.post("/api/v1/auth/login", json={"username": "admin", "password": "nope-nope"})
    assert r.status_code == 403 and "锁定" in r.json()["message"]
    r = c.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403 and "锁定" in r.json()["message"]  # even the right password waits


def test_login_page_shows_clear_errors(app, world) -> None:  # type: ignore[no-untyped-def]
    c = login(app, None)
    r = c.post("/login", data={"username": "admin", "password": "bad"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = c.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_unknown_user_gets_the_same_message(app, world) -> None:  # type: ignore[no-untyped-def]
    r = login(app, None).post("/api/v1/auth/login", json={"username": "ghost", "password": "whatever1"})
    assert r.status_code == 401 and r.json()["message"] == "用户名或密码错误"


def test_expired_session_is_anonymous(app, world, engine) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "admin")
    assert c.get("/api/v1/me").status_code == 200
    with make_session_factory(engine)() as s:
        s.execute(update(AuthSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        s.commit()
    assert c.get("/api/v1/me").status_code == 401


def test_cookie_writes_need_the_csrf_token(app, world) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "liaison_a")
    del c.headers["X-CSRF-Token"]
    r = c.put(
        f"/api/v1/assignments/{world.assignment_a}/reports/{world.period_id}",
        json={"text": "x", "percent": 1},
    )
    assert r.status_code == 403 and "CSRF" in r.json()["message"]


def test_bearer_token_needs_no_csrf(app, world) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    token = login(app, "liaison_a").post("/api/v1/auth/login",
                                          json={"username": "liaison_a", "password": PASSWORD}).json()["token"]  # fmt: skip
    c = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    r = c.put(
        f"/api/v1/assignments/{world.assignment_a}/reports/{world.period_id}",
        json={"text": "x", "percent": 1},
    )
    assert r.status_code == 200, r.text


def test_logout_ends_the_session(app, world) -> None:  # type: ignore[no-untyped-def]
    c = login(app, "admin")
    assert c.post("/api/v1/auth/logout").status_code == 204
    assert c.get("/api/v1/me").status_code == 401


def test_user_creation_validates(personas, world) -> None:  # type: ignore[no-untyped-def]
    admin = personas["admin"]
    r = admin.post("/api/v1/users", json={"username": "x1", "password": "short", "role": "leader"})
    assert r.status_code == 422 and r.json()["field"] == "password"
    r = admin.post("/api/v1/users", json={"username": "x2", "password": "long-enough-1", "role": "liaison"})
    assert r.status_code == 422 and r.json()["field"] == "unit_ids"
    r = admin.post("/api/v1/users", json={"username": "admin", "password": "long-enough-1", "role": "leader"})
    assert r.status_code == 422 and r.json()["field"] == "username"
    for bad in ("ADMIN", "a b<script>", "x", ""):  # ADMIN is admin: usernames ignore case
        r = admin.post("/api/v1/users", json={"username": bad, "password": "long-enough-1", "role": "leader"})
        assert r.status_code == 422 and r.json()["field"] == "username", bad
    r = admin.post("/api/v1/users", json={"username": "x3", "password": " " * 12, "role": "leader"})
    assert r.status_code == 422 and r.json()["field"] == "password"
    r = admin.post(
        "/api/v1/users", json={"username": "质监_张三", "password": "long-enough-1", "role": "leader"}
    )
    assert r.status_code == 201, r.text


def test_sign_in_ignores_the_case_of_the_username(app, world) -> None:  # type: ignore[no-untyped-def]
    r = login(app, None).post("/api/v1/auth/login", json={"username": " Admin ", "password": PASSWORD})
    assert r.status_code == 200
