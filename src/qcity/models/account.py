"""Users (用户), roles (角色) and their permissions, unit membership, and server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qcity.db.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Role(Base):
    """角色: office admin (办公室管理员), unit liaison (联络员), leader (领导), inspector (检查员), public (公众)."""

    __tablename__ = "role"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class RolePermission(Base):
    """角色权限: one permission a role grants. Data, seeded by a migration, editable by an administrator."""

    __tablename__ = "role_permission"

    role_code: Mapped[str] = mapped_column(ForeignKey("role.code", ondelete="CASCADE"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)


class User(IdMixin, TimestampMixin, Base):
    """用户: a person who signs in. Their region bounds what they may see; a liaison also has units."""

    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role_code: Mapped[str] = mapped_column(ForeignKey("role.code"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    role: Mapped[Role] = relationship(lazy="joined")
    memberships: Mapped[list[UserUnit]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def unit_ids(self) -> list[int]:
        return [m.unit_id for m in self.memberships]


class UserUnit(Base):
    """联络员所属单位: a liaison belongs to one or more units."""

    __tablename__ = "user_unit"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)


class AuthSession(Base):
    """登录会话: a server-side session. The cookie carries only the random token; it expires."""

    __tablename__ = "auth_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
