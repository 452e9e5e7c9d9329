"""Accounts and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from access.roles import ROLES
from access.schema import append_only_ddl, drop_append_only_ddl

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128)),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("town", sa.String(128)),
        sa.Column("village", sa.String(128)),
        sa.Column("email", sa.String(255), unique=True),
        sa.Column("oidc_subject", sa.String(255), unique=True),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", _TS),
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("last_login_at", _TS),
        sa.CheckConstraint("role in (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="users_role_known"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("username", sa.String(64)),
        sa.Column("role", sa.String(32)),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("page", sa.String(64)),
        sa.Column("filters", sa.Text),
        sa.Column("what", sa.String(255)),
        sa.Column("persons", sa.Integer),
        sa.Column("unmasked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("detail", sa.Text),
        sa.Column("source", sa.String(16), nullable=False, server_default="dashboard"),
        sa.Column("session", sa.String(64)),
    )
    op.create_index("audit_log_at", "audit_log", ["at"])
    op.create_index("audit_log_username", "audit_log", ["username", "at"])
    # append-only: the database itself refuses to change or delete a log row
    for statement in append_only_ddl("audit_log", op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("users")
    for statement in drop_append_only_ddl("audit_log", op.get_bind().dialect.name):
        op.execute(statement)
