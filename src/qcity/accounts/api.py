"""Account API: sign in and out, who am I, users."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from qcity.accounts import service
from qcity.accounts.actor import Actor
from qcity.accounts.schemas import LoginIn, LoginOut, UserIn, UserOut
from qcity.accounts.scope import scoped
from qcity.kit.errors import ValidationError
from qcity.models import Unit, User
from qcity.web.deps import SESSION_COOKIE, CurrentActor, DbSession, SignedIn, require, session_token

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, display_name=user.display_name, role=user.role_code,
                   region_id=user.region_id, unit_ids=user.unit_ids)  # fmt: skip


@router.post("/auth/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response, db: DbSession) -> LoginOut:
    settings = request.app.state.settings
    try:
        user = service.authenticate(db, settings, body.username, body.password)
    except Exception:
        db.commit()  # keep the failed-login count even though the request fails
        raise
    token, row = service.start_session(db, settings, user)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.cookie_secure,
                        max_age=settings.session_hours * 3600)  # fmt: skip
    return LoginOut(token=token, csrf_token=row.csrf_token, user=user_out(user))


@router.post("/auth/logout", status_code=204)
def logout(request: Request, response: Response, db: DbSession, actor: CurrentActor) -> None:
    token, _ = session_token(request)
    if token:
        service.end_session(db, token)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me", response_model=UserOut)
def me(actor: SignedIn) -> UserOut:
    assert actor.user is not None
    return user_out(actor.user)


@router.get("/users", response_model=list[UserOut])
def list_users(db: DbSession, actor: Actor = Depends(require("user.manage"))) -> list[UserOut]:
    rows = db.scalars(scoped(select(User), User, actor).order_by(User.id))
    return [user_out(u) for u in rows]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, db: DbSession, actor: Actor = Depends(require("user.manage"))) -> UserOut:
    _check_region(actor, body.region_id)
    _check_units(db, actor, body.unit_ids)
    user = service.create_user(db, actor, username=body.username, password=body.password, role=body.role,
                               display_name=body.display_name, region_id=body.region_id or actor.region_id,
                               unit_ids=body.unit_ids)  # fmt: skip
    return user_out(user)


def _check_units(db: DbSession, actor: Actor, unit_ids: list[int]) -> None:
    visible = set(db.scalars(scoped(select(Unit.id).where(Unit.id.in_(unit_ids)), Unit, actor)))
    if set(unit_ids) - visible:
        raise ValidationError("单位不存在或不在本地区", "unit_ids", plain="unit outside your region")


def _check_region(actor: Actor, region_id: int | None) -> None:
    if region_id is not None and actor.region_id is not None and region_id != actor.region_id:
        # An office creates users for its own region; a sub-region's office manages its own.
        raise ValidationError("只能为本地区创建用户", "region_id", plain="region outside your own")
