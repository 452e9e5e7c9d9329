"""Accounts and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from access.roles import ROLES

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
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    else:
        op.execute("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$")
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("users")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
