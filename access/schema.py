"""The operational tables (SQLAlchemy Core). Migrations in access/migrations create and change them;
this module is what the code reads and writes through, and what the first migration was written from."""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from access.roles import ROLES

metadata = MetaData()

# SQLite autoincrements only an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity for the log
_ID = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(128)),
    Column("role", String(32), nullable=False),
    Column("town", String(128)),
    Column("village", String(128)),
    Column("email", String(255), unique=True),          # OIDC: the identity provider's e-mail claim
    Column("oidc_subject", String(255), unique=True),   # OIDC: the provider's `sub`, bound at first sign-in
    Column("password_hash", String(255)),                # argon2id; None for an OIDC-only account
    Column("disabled", Boolean, nullable=False, default=False),
    Column("demo", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
    CheckConstraint("role in (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="users_role_known"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(64)),       # the account, or the name typed at a failed sign-in
    Column("role", String(32)),
    Column("event", String(32), nullable=False),
    Column("page", String(64)),
    Column("filters", Text),              # JSON of the selection (year, town, …)
    Column("what", String(255)),          # the list, file or pack shown or downloaded
    Column("persons", Integer),           # how many persons it named
    Column("unmasked", Boolean, nullable=False, default=False),
    Column("detail", Text),
    Column("source", String(16), nullable=False, default="dashboard"),   # dashboard | cli
    Column("session", String(64)),        # the dashboard session (opaque id)
)

sessions = Table(
    "sessions", metadata,
    Column("token_sha256", String(64), primary_key=True),   # the cookie's token is never stored
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)
