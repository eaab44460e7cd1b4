"""indexes for a city-sized log: progress reports by assignment and state, audit events by region; merge heads

Merges the heads a001 (assessment) and i001 (indicators).

The lights, the dashboard and the plan pages look up each assignment's latest accepted report. With only the
single-column indexes, SQLite (which keeps no statistics) searched by `state` — every accepted report of the
city for every assignment — and the dashboard took a minute with 20,000 reports (bench/pages.py). The index
also carries what the lookup reads (period, percent, work status), so it is answered from the index alone.
The audit log's filter menus (the object types and actions present in a region) likewise read
(region_id, object_type, action) from an index instead of every event's row.

Revision ID: p001
Revises: a001, i001
Create Date: 2026-11-23 11:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "p001"
down_revision: str | Sequence[str] | None = ("a001", "i001")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_progress_report_assignment_state",
        "progress_report",
        ["assignment_id", "state", "period_id", "percent", "work_status"],
        unique=False,
    )
    op.create_index(
        "ix_audit_event_region_type_action",
        "audit_event",
        ["region_id", "object_type", "action"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_event_region_type_action", table_name="audit_event")
    op.drop_index("ix_progress_report_assignment_state", table_name="progress_report")
