"""Accounts: users, login with lock-out, server-side sessions. Functions never commit."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qcity.accounts.actor import Actor, anonymous
from qcity.accounts.passwords import MIN_LENGTH, hash_password, verify_password
from qcity.accounts.permissions import ROLE_NAMES
from qcity.audit import service as audit
from qcity.config import Settings
from qcity.db.base import utcnow
from qcity.kit.errors import Forbidden, NotFound, Unauthenticated, ValidationError
from qcity.models import AuthSession, Region, RolePermission, Unit, User, UserUnit

USER_FIELDS = ["username", "display_name", "role_code", "region_id", "is_active"]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


USERNAME = re.compile(r"[\w.@-]{2,64}")  # \w includes 汉字: some offices sign in by name


def create_user(
    session: Session,
    actor: Actor | None,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    region_id: int | None = None,
    unit_ids: list[int] | None = None,
) -> User:
    username = (username or "").strip().lower()
    if not USERNAME.fullmatch(username):
        raise ValidationError("用户名应为2至64个字母、数字、汉字或._@-", "username",
                              plain="username: 2-64 letters, digits, CJK or ._@-")  # fmt: skip
    if role not in ROLE_NAMES:
        raise ValidationError(f"未知角色：{role}", "role", plain=f"unknown role {role!r}")
    if len((password or "").strip()) < MIN_LENGTH:
        raise ValidationError(
            f"密码至少{MIN_LENGTH}位", "password", plain=f"password must be at least {MIN_LENGTH} characters"
        )
    if session.scalar(select(User.id).where(_same_name(username))) is not None:
        raise ValidationError("用户名已存在", "username", plain=f"user {username!r} already exists")
    if region_id is not None and session.get(Region, region_id) is None:
        raise ValidationError("地区不存在", "region_id", plain=f"no region with id {region_id}")
    unit_ids = list(dict.fromkeys(unit_ids or []))
    if role == "liaison" and not unit_ids:
        raise ValidationError(
            "联络员必须属于至少一个单位", "unit_ids", plain="a liaison needs at least one unit"
        )
    for uid in unit_ids:
        if session.get(Unit, uid) is None:
            raise ValidationError("单位不存在", "unit_ids", plain=f"no unit with id {uid}")
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=hash_password(password),
        role_code=role,
        region_id=region_id,
    )
    user.memberships = [UserUnit(unit_id=uid) for uid in unit_ids]
    session.add(user)
    session.flush()
    after = audit.snapshot(user, USER_FIELDS) | {"unit_ids": unit_ids}
    audit.record(session, actor.user if actor else None, "user.create", "user", user.id, after=after,
                 region_id=region_id)  # fmt: skip
    return user


def _same_name(username: str | None) -> Any:
    """Usernames are case-insensitive: DEMO_LIAISON1 and demo_liaison1 are one account."""
    return func.lower(User.username) == (username or "").strip().lower()


def authenticate(session: Session, settings: Settings, username: str, password: str) -> User:
    """Check a password; count failures and lock the account after too many in a row."""
    user = session.scalar(select(User).where(_same_name(username)))
    now = utcnow()
    if user is None or not user.is_active:
        verify_password(password or "", _DUMMY_HASH)  # same cost whether or not the user exists
        raise Unauthenticated("用户名或密码错误")
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise Forbidden(f"账户已锁定，请{minutes}分钟后再试")
    if not verify_password(password or "", user.password_hash):
        user.failed_logins += 1
        if user.failed_logins >= settings.lockout_attempts:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            audit.record(session, None, "user.lock", "user", user.id, after={"locked_until": user.locked_until},
                         region_id=user.region_id)  # fmt: skip
            raise Forbidden(
                f"密码连续错误{settings.lockout_attempts}次，账户已锁定{settings.lockout_minutes}分钟"
            )
        raise Unauthenticated("用户名或密码错误")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


_DUMMY_HASH = hash_password("not-a-real-password")


def start_session(session: Session, settings: Settings, user: User) -> tuple[str, AuthSession]:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = AuthSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    session.add(row)
    session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
    return token, row


def end_session(session: Session, token: str) -> None:
    session.execute(delete(AuthSession).where(AuthSession.token_hash == _token_hash(token)))


def actor_for_token(session: Session, token: str | None, now: datetime | None = None) -> Actor:
    if not token:
        return anonymous()
    row = session.get(AuthSession, _token_hash(token))
    now = now or utcnow()
    if row is None or row.expires_at <= now:
        return anonymous()
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return anonymous()
    return actor_for_user(session, user, csrf_token=row.csrf_token)


def actor_for_user(session: Session, user: User, csrf_token: str | None = None) -> Actor:
    perms = frozenset(
        session.scalars(select(RolePermission.permission).where(RolePermission.role_code == user.role_code))
    )
    region = session.get(Region, user.region_id) if user.region_id else None
    return Actor(
        user=user,
        role=user.role_code,
        permissions=perms,
        region_id=user.region_id,
        region_path=region.path if region else None,
        unit_ids=frozenset(user.unit_ids),
        csrf_token=csrf_token,
    )


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(_same_name(username)))
    if user is None:
        raise NotFound("用户不存在", "username")
    return user
