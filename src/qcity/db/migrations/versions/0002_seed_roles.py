"""Seed roles and their default permissions; make audit events append-only in the database itself.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qcity.accounts.permissions import DEFAULT_GRANTS, ROLE_NAMES

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

role = sa.table("role", sa.column("code", sa.String), sa.column("name", sa.String))
role_permission = sa.table(
    "role_permission", sa.column("role_code", sa.String), sa.column("permission", sa.String)
)

PG_GUARD = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
SQLITE_GUARDS = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]


def upgrade() -> None:
    op.bulk_insert(role, [{"code": c, "name": n} for c, n in ROLE_NAMES.items()])
    op.bulk_insert(
        role_permission,
        [{"role_code": c, "permission": p} for c, perms in DEFAULT_GRANTS.items() for p in sorted(perms)],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    else:
        for stmt in SQLITE_GUARDS:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.execute(role_permission.delete())
    op.execute(role.delete())
