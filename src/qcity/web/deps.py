"""Request dependencies: the database session, the actor, CSRF, `require(permission)`, and reading an upload.

Access is enforced here (the permission) and in `qcity.accounts.scope` (which rows); nowhere else decides.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request, UploadFile
from sqlalchemy.orm import Session

from qcity.accounts import service as accounts
from qcity.accounts.actor import Actor
from qcity.config import Settings
from qcity.kit.errors import Forbidden, Unauthenticated, ValidationError

SESSION_COOKIE = "qcity_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request, committed once at the end; any exception rolls everything back."""
    state = request.app.state
    factory = state.read_sessions if request.method in SAFE_METHODS else state.write_sessions
    with factory() as session:
        yield session
        if request.method not in SAFE_METHODS:
            session.commit()


DbSession = Annotated[Session, Depends(get_db, scope="function")]


def session_token(request: Request) -> tuple[str | None, bool]:
    """The session token and whether it came from the cookie (cookie auth needs CSRF protection)."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    return request.cookies.get(SESSION_COOKIE), True


async def _csrf_token_sent(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def csrf_guard(request: Request) -> None:
    """A cookie-authenticated write must carry the session's CSRF token (header or form field)."""
    if request.method in SAFE_METHODS:
        return
    token, from_cookie = session_token(request)
    if not token or not from_cookie:
        return
    request.state.csrf_sent = await _csrf_token_sent(request)


def get_actor(request: Request, session: DbSession, _csrf: None = Depends(csrf_guard)) -> Actor:
    token, from_cookie = session_token(request)
    actor = accounts.actor_for_token(session, token)
    if actor.is_authenticated and from_cookie and request.method not in SAFE_METHODS:
        sent = getattr(request.state, "csrf_sent", None)
        if not sent or not actor.csrf_token or not secrets.compare_digest(sent, actor.csrf_token):
            raise Forbidden("页面已过期，请刷新后重试（CSRF校验失败）")
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require(permission: str) -> Callable[[Actor], Actor]:
    """Dependency: the signed-in actor, who must hold `permission`."""

    def _check(actor: CurrentActor) -> Actor:
        if not actor.is_authenticated:
            raise Unauthenticated()
        if not actor.can(permission):
            raise Forbidden()
        return actor

    _check.permission = permission  # type: ignore[attr-defined]  # read by the permission-matrix test
    return _check


def signed_in(actor: CurrentActor) -> Actor:
    if not actor.is_authenticated:
        raise Unauthenticated()
    return actor


SignedIn = Annotated[Actor, Depends(signed_in)]


def upload_limit(request: Request) -> int:
    return int(request.app.state.settings.max_upload_mb) * 1024 * 1024


def read_upload(request: Request, file: UploadFile | None, what: str = "文件") -> bytes:
    """The file's bytes; refused when none was chosen, when it is empty, or when it exceeds the limit."""
    if file is None or not file.filename:
        raise ValidationError(f"请选择要上传的{what}", "file", plain="no file uploaded")
    limit = upload_limit(request)
    data = file.file.read(limit + 1)
    if not data:
        raise ValidationError("上传的文件是空的", "file", plain="the uploaded file is empty")
    if len(data) > limit:
        raise ValidationError(f"{what}超过{limit // 1024 // 1024}MB上限", "file", plain="file too large")
    return data
