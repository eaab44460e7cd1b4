"""Sign-in, the dashboard (工作台) and user administration (用户)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from qcity.accounts import service
from qcity.accounts.actor import Actor
from qcity.accounts.permissions import ROLE_NAMES
from qcity.accounts.scope import scoped
from qcity.db.base import utcnow
from qcity.kit.dates import today_cn
from qcity.kit.errors import DomainError, ValidationError
from qcity.models import Region, Unit, User
from qcity.tasks import queries
from qcity.tasks.lights import LIGHT_NAMES
from qcity.web.deps import SESSION_COOKIE, CurrentActor, DbSession, require, session_token
from qcity.web.templating import render

router = APIRouter(include_in_schema=False)

LIGHT_COLORS = {"red": "#c53030", "yellow": "#b7791f", "green": "#2f855a", "done": "#2b6cb0"}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: CurrentActor, next: str | None = None) -> Response:
    return render(request, "accounts/login.html", {"actor": actor, "next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request, db: DbSession, username: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:
    settings = request.app.state.settings
    try:
        user = service.authenticate(db, settings, username, password)
    except DomainError as err:
        db.commit()  # keep the failed-login count
        ctx = {"actor": None, "error": err.message, "username": username, "next": _safe_next(next)}
        return render(request, "accounts/login.html", ctx, status_code=err.status)
    token, _ = service.start_session(db, settings, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.cookie_secure,
                        max_age=settings.session_hours * 3600)  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, db: DbSession, actor: CurrentActor) -> Response:
    token, _ = session_token(request)
    if token:
        service.end_session(db, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DbSession, actor: CurrentActor) -> Response:
    if not actor.is_authenticated:
        return RedirectResponse("/login", status_code=303)
    if not actor.can("dashboard.read"):
        return render(request, "home.html", {"actor": actor, "plans": queries.plans_of_region(db, actor)})
    return render(request, "dashboard.html", dashboard_context(db, actor))


def dashboard_context(db: DbSession, actor: Actor) -> dict[str, Any]:
    today = today_cn()
    week_start = today - timedelta(days=today.weekday())
    week_end = week_start + timedelta(days=6)
    unit_lights = queries.unit_light_counts(db, actor, today)
    months = queries.on_time_by_month(db, actor, today)
    region = db.get(Region, actor.region_id) if actor.region_id else None
    return {
        "actor": actor,
        "region": region,
        "today": today,
        "week_start": week_start,
        "week_end": week_end,
        "plans": queries.plan_summaries(db, actor),
        "targets": queries.target_status_counts(db, actor, today),
        "target_names": queries.TARGET_STATUSES,
        "task_lights": queries.task_light_counts(db, actor, today),
        "unit_lights": unit_lights,
        "on_time": queries.on_time_by_unit(db, actor, today),
        "months": months,
        "due_assignments": queries.due_between(db, actor, week_start, week_end, today=today),
        "due_periods": queries.periods_due_between(db, actor, week_start, week_end),
        "unit_chart": _unit_chart(unit_lights[:30]),
        "month_chart": _month_chart(months),
    }


def _unit_chart(units: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts option: assignments by unit, stacked by light."""
    names = [u["name"] for u in units]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "value", "name": "项", "minInterval": 1},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {"name": LIGHT_NAMES[key], "type": "bar", "stack": "all", "data": [u[key] for u in units],
             "itemStyle": {"color": LIGHT_COLORS[key]}}
            for key in queries.LIGHT_ORDER
        ],
    }  # fmt: skip


def _month_chart(months: list[dict[str, Any]]) -> dict[str, Any]:
    """ECharts option: reports first submitted per month, on time and late."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
        "xAxis": {"type": "category", "data": [m["month"] for m in months]},
        "yAxis": {"type": "value", "name": "份", "minInterval": 1},
        "series": [
            {"name": "按时报送", "type": "bar", "stack": "all", "data": [m["on_time"] for m in months],
             "itemStyle": {"color": LIGHT_COLORS["green"]}},
            {"name": "逾期报送", "type": "bar", "stack": "all", "data": [m["late"] for m in months],
             "itemStyle": {"color": LIGHT_COLORS["red"]}},
        ],
    }  # fmt: skip


# --- 用户 administration -------------------------------------------------------------------------------------


def _user_context(db: DbSession, actor: Actor, page: int) -> dict[str, Any]:
    stmt = scoped(select(User), User, actor).order_by(User.role_code, User.username)
    result = queries.paginate(db, stmt, page, 50)
    units = {u.id: u.name for u in queries.units_in_scope(db, actor)}
    return {
        "actor": actor,
        "page": result,
        "units": units,
        "role_names": ROLE_NAMES,
        "form": {},
        "now": utcnow(),
    }


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, db: DbSession, page: int = 1,
               actor: Actor = Depends(require("user.manage"))) -> Response:  # fmt: skip
    return render(request, "accounts/users.html", _user_context(db, actor, page))


@router.post("/admin/users")
def create_user(
    request: Request, db: DbSession, username: str = Form(""), display_name: str = Form(""),
    password: str = Form(""), role: str = Form(""), unit_ids: list[int] = Form([]),
    actor: Actor = Depends(require("user.manage")),
) -> Response:  # fmt: skip
    fields = {"username": username, "display_name": display_name, "password": "", "role": role}
    try:
        if not role:
            raise ValidationError("请选择角色", "role")
        visible = set(db.scalars(scoped(select(Unit.id).where(Unit.id.in_(unit_ids)), Unit, actor)))
        if set(unit_ids) - visible:
            raise ValidationError("单位不存在或不在本地区", "unit_ids")
        user = service.create_user(db, actor, username=username, password=password,
                                   role=role, display_name=display_name or None,
                                   region_id=actor.region_id, unit_ids=unit_ids)  # fmt: skip
    except DomainError as err:
        db.rollback()
        ctx = _user_context(db, actor, 1) | {"error": err, "form": fields | {"unit_ids": unit_ids}}
        return render(request, "accounts/users.html", ctx, status_code=err.status)
    return RedirectResponse(f"/admin/users?created={user.username}", status_code=303)
