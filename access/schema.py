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
    Index,
    Integer,
    MetaData,
    Numeric,
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


# ---------------------------------------------------------------- follow-up of worklist cases (issue 11)
# A case's status, stored as a code (labels: vocab/text_access.py, "case_status.<code>"). A user sets one of
# USER_STATUSES; the load sets resolved_by_data when the data no longer shows the case, never a user.
USER_STATUSES = ("pending", "stopped", "back_paid", "recovered", "false_alarm", "no_action")
SYSTEM_STATUSES = ("resolved_by_data",)
CASE_STATUSES = USER_STATUSES + SYSTEM_STATUSES
CASE_SOURCES = ("page", "excel", "load")   # where a change came from: the dashboard page, an upload, a sync
_MONEY = Numeric(14, 2)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The check-constraint text `column in ('a', 'b')`."""
    return f"{column} in (" + ", ".join(f"'{v}'" for v in values) + ")"


cases = Table(
    "cases", metadata,
    Column("case_key", String(255), primary_key=True),   # the analytical side's stable key, opaque here
    # the snapshot of the latest load that showed the case (refreshed by every sync)
    Column("gap", String(64), nullable=False),
    Column("town", String(128)),
    Column("village", String(128)),
    Column("person_id", String(64)),                    # pseudonymous; never a name or an ID number
    Column("program_id", String(64)),
    Column("period", String(7)),                        # 'YYYY-MM'
    Column("amount_yuan", _MONEY),                      # money overpaid or at stake
    # the follow-up
    Column("status", String(32), nullable=False),
    Column("status_before_resolved", String(32)),       # the status a case returns to when it reappears
    Column("amount_recovered", _MONEY),
    Column("note", Text),
    Column("updated_by", String(64)),                   # the last user change: who and when
    Column("updated_at", DateTime(timezone=True)),
    Column("opened_at", DateTime(timezone=True), nullable=False),   # the sync that first saw it
    Column("first_seen_load", String(64), nullable=False),
    Column("last_seen_load", String(64), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),     # set while the data no longer shows the case
    CheckConstraint(one_of("status", CASE_STATUSES), name="cases_status_known"),
    CheckConstraint("amount_recovered is null or amount_recovered >= 0", name="cases_recovered_not_negative"),
)
Index("cases_area", cases.c.town, cases.c.village)

case_history = Table(
    "case_history", metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("case_key", String(255), ForeignKey("cases.case_key"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(64)),                     # None for a sync
    Column("role", String(32)),
    Column("source", String(16), nullable=False),       # page | excel | load
    Column("load_id", String(64)),                      # the load of a sync
    Column("old_status", String(32)),                   # None when the sync opened the case
    Column("new_status", String(32), nullable=False),
    Column("amount_recovered", _MONEY),                 # the values after the change
    Column("note", Text),
    CheckConstraint(one_of("source", CASE_SOURCES), name="case_history_source_known"),
)
Index("case_history_case", case_history.c.case_key, case_history.c.at)


def append_only_ddl(table: str, dialect: str) -> list[str]:
    """The statements that make `table` append-only in the database itself: triggers refusing UPDATE and
    DELETE on SQLite; UPDATE, DELETE and TRUNCATE on PostgreSQL (a trigger function per table). Used by
    the migrations of audit_log and case_history."""
    message = f"'{table} is append-only'"
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, {message}); END" for action in ("UPDATE", "DELETE")]
    return [f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION {message}; END $$",
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"]


def drop_append_only_ddl(table: str, dialect: str) -> list[str]:
    """What a downgrade runs after dropping `table` (its triggers go with it; PostgreSQL keeps the function)."""
    return [] if dialect == "sqlite" else [f"DROP FUNCTION IF EXISTS {table}_append_only()"]
