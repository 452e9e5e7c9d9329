"""Follow-up of worklist cases that survives every load: `cases` (one row per case key, its latest
snapshot and its status) and `case_history` (append-only, one row per change: a user's, or a sync's).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from access.schema import CASE_SOURCES, CASE_STATUSES, append_only_ddl, drop_append_only_ddl, one_of

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_key", sa.String(255), primary_key=True),
        sa.Column("gap", sa.String(64), nullable=False),
        sa.Column("town", sa.String(128)),
        sa.Column("village", sa.String(128)),
        sa.Column("person_id", sa.String(64)),
        sa.Column("program_id", sa.String(64)),
        sa.Column("period", sa.String(7)),
        sa.Column("amount_yuan", _MONEY),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("status_before_resolved", sa.String(32)),
        sa.Column("amount_recovered", _MONEY),
        sa.Column("note", sa.Text),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("updated_at", _TS),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("first_seen_load", sa.String(64), nullable=False),
        sa.Column("last_seen_load", sa.String(64), nullable=False),
        sa.Column("resolved_at", _TS),
        sa.CheckConstraint(one_of("status", CASE_STATUSES), name="cases_status_known"),
        sa.CheckConstraint("amount_recovered is null or amount_recovered >= 0", name="cases_recovered_not_negative"),
    )
    op.create_index("cases_area", "cases", ["town", "village"])
    op.create_table(
        "case_history",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("case_key", sa.String(255), sa.ForeignKey("cases.case_key"), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("role", sa.String(32)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("load_id", sa.String(64)),
        sa.Column("old_status", sa.String(32)),
        sa.Column("new_status", sa.String(32), nullable=False),
        sa.Column("amount_recovered", _MONEY),
        sa.Column("note", sa.Text),
        sa.CheckConstraint(one_of("source", CASE_SOURCES), name="case_history_source_known"),
    )
    op.create_index("case_history_case", "case_history", ["case_key", "at"])
    # append-only like audit_log: the database itself refuses to change or delete a history row
    for statement in append_only_ddl("case_history", op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("case_history")
    op.drop_table("cases")
    for statement in drop_append_only_ddl("case_history", op.get_bind().dialect.name):
        op.execute(statement)
