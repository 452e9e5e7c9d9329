"""Accounts, sign-in, lock-out and the audit log on a real SQLite file and a real PostgreSQL server."""
from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
import sqlalchemy as sa

from access import Principal, accounts, audit
from access import db as ops
from access.schema import audit_log, users

PW = "correct horse battery"


def events(eng, username=None) -> list[str]:
    """The audit events, oldest first."""
    return list(audit.entries(eng, username=username)["event"][::-1])


def test_migrations_bring_an_empty_database_to_head_once(eng, ops_url):
    assert ops.current(eng) == ops.head()
    with eng.connect() as c:
        tables = set(sa.inspect(c).get_table_names())
    assert {"users", "audit_log", "alembic_version"} <= tables
    again = ops.make_engine(ops_url)  # a second process starting: nothing to do, nothing broken
    assert ops.current(again) == ops.head()
    again.dispose()


def test_add_and_sign_in_stores_only_an_argon2_hash(eng):
    accounts.add(eng, "wang", "town_caseworker", town="城东街道", password=PW)
    row = accounts.get(eng, "wang")
    assert row.password_hash.startswith("$argon2id$") and PW not in row.password_hash
    got = accounts.sign_in(eng, "wang", PW, demo_database=False)
    assert got.principal == Principal(row.id, "wang", "town_caseworker", town="城东街道")
    assert events(eng, "wang") == ["sign_in"]
    assert accounts.get(eng, "wang").last_login_at is not None


def test_wrong_password_five_times_locks_the_account(eng):
    accounts.add(eng, "li", "analyst", password=PW)
    for i in range(4):
        assert accounts.sign_in(eng, "li", "wrong", demo_database=False).reason == "bad_credentials"
        assert accounts.get(eng, "li").failed_logins == i + 1
    fifth = accounts.sign_in(eng, "li", "wrong", demo_database=False)
    assert fifth.reason == "locked" and fifth.locked_until is not None
    # locked: even the right password is refused until the lock ends (15 minutes)
    assert accounts.sign_in(eng, "li", PW, demo_database=False).reason == "locked"
    remaining = accounts.as_utc(accounts.get(eng, "li").locked_until) - accounts.now()
    assert dt.timedelta(minutes=14) < remaining <= accounts.LOCKOUT
    assert events(eng, "li") == ["sign_in_failed"] * 5 + ["account_locked", "sign_in_failed"]
    # an administrator's reset lifts it
    accounts.reset_password(eng, "li", "a new long password", actor="cli")
    assert accounts.sign_in(eng, "li", "a new long password", demo_database=False).principal is not None


def test_a_success_resets_the_failure_count(eng):
    accounts.add(eng, "zhao", "leader", password=PW)
    for _ in range(3):
        accounts.sign_in(eng, "zhao", "nope", demo_database=False)
    assert accounts.sign_in(eng, "zhao", PW, demo_database=False).principal is not None
    assert accounts.get(eng, "zhao").failed_logins == 0
    for _ in range(4):  # four more wrong ones do not lock: the count started again
        accounts.sign_in(eng, "zhao", "nope", demo_database=False)
    assert accounts.sign_in(eng, "zhao", PW, demo_database=False).principal is not None


def test_unknown_user_and_wrong_password_get_the_same_answer(eng):
    accounts.add(eng, "qian", "analyst", password=PW)
    assert accounts.sign_in(eng, "nobody", PW, demo_database=False).reason == "bad_credentials"
    assert accounts.sign_in(eng, "qian", "wrong", demo_database=False).reason == "bad_credentials"
    failed = audit.entries(eng, event="sign_in_failed")
    assert set(failed["username"]) == {"nobody", "qian"}
    assert not failed["detail"].str.contains(PW).any() and not failed["detail"].str.contains("wrong$").any()
    # an ID number typed into the name field is not kept in the clear
    accounts.sign_in(eng, "330102199001011234", PW, demo_database=False)
    kept = audit.entries(eng, event="sign_in_failed").iloc[0]["username"]
    assert "330102199001011234" not in kept and kept.startswith("3301") and "*" in kept


def test_disabled_account_cannot_sign_in_and_current_drops_it(eng):
    accounts.add(eng, "sun", "analyst", password=PW)
    p = accounts.sign_in(eng, "sun", PW, demo_database=False).principal
    accounts.set_disabled(eng, "sun", True, actor=p)
    assert accounts.sign_in(eng, "sun", PW, demo_database=False).reason == "disabled"
    assert accounts.current(eng, p) is None  # an open session ends on its next run
    accounts.set_disabled(eng, "sun", False)
    assert accounts.current(eng, p) == p


def test_a_caseworker_moves_to_another_town(eng):
    accounts.add(eng, "zhou", "town_caseworker", town="城东街道", password=PW)
    p = accounts.sign_in(eng, "zhou", PW, demo_database=False).principal
    known = {"城东街道": ["东门社区"], "城西街道": ["北村"]}
    accounts.set_role(eng, "zhou", "village_caseworker", town="城西街道", village="北村", actor="admin_li",
                      known_towns=known)
    # the open session goes on with the new scope from its next run
    now = accounts.current(eng, p)
    assert (now.role, now.town, now.village) == ("village_caseworker", "城西街道", "北村")
    got = audit.entries(eng, event="account_changed").iloc[0]
    assert (got["username"], got["what"]) == ("admin_li", "zhou")
    assert got["detail"] == "town_caseworker · 城东街道 → village_caseworker · 城西街道 · 北村"
    with pytest.raises(accounts.AccountError, match="needs --town"):     # the same area rules as add
        accounts.set_role(eng, "zhou", "town_caseworker")
    with pytest.raises(accounts.AccountError, match="not in the database"):
        accounts.set_role(eng, "zhou", "town_caseworker", town="城南街道", known_towns=known)
    with pytest.raises(accounts.AccountError, match="no account"):
        accounts.set_role(eng, "nobody", "analyst")
    accounts.ensure_demo_accounts(eng, known)
    with pytest.raises(accounts.AccountError, match="demo account"):
        accounts.set_role(eng, "demo_town", "analyst")
    assert accounts.get(eng, "zhou").town == "城西街道"


def test_demo_accounts_refuse_a_real_database(eng):
    made = accounts.ensure_demo_accounts(eng, {"城东街道": ["东门社区", "西门社区"], "城西街道": ["北村"]})
    assert [m[1] for m in made] == [r for _, r, _, _ in accounts.DEMO_ACCOUNTS]
    assert ("demo_village", "village_caseworker", "城东街道", "东门社区") in made
    assert accounts.sign_in(eng, "demo_leader", accounts.DEMO_PASSWORD, demo_database=True).principal.demo
    assert accounts.sign_in(eng, "demo_leader", accounts.DEMO_PASSWORD,
                            demo_database=False).reason == "demo_on_real_data"
    # idempotent: a second call changes nothing
    assert accounts.ensure_demo_accounts(eng, {"城西街道": ["北村"]}) == made


@pytest.mark.parametrize("role,town,village", [
    ("town_caseworker", None, None), ("town_caseworker", "城东街道", "东门社区"),
    ("village_caseworker", "城东街道", None), ("analyst", "城东街道", None), ("nobody", None, None),
])
def test_add_refuses_a_role_without_its_area(eng, role, town, village):
    with pytest.raises((accounts.AccountError, ValueError)):
        accounts.add(eng, "x", role, town=town, village=village, password=PW)
    assert accounts.get(eng, "x") is None


def test_add_checks_the_area_against_the_database_and_the_password_length(eng):
    known = {"城东街道": ["东门社区"]}
    with pytest.raises(accounts.AccountError, match="not in the database"):
        accounts.add(eng, "a", "town_caseworker", town="城北街道", password=PW, known_towns=known)
    with pytest.raises(accounts.AccountError, match="not in 城东街道"):
        accounts.add(eng, "a", "village_caseworker", town="城东街道", village="北村", password=PW, known_towns=known)
    with pytest.raises(accounts.AccountError, match="at least"):
        accounts.add(eng, "a", "analyst", password="short")
    pw = accounts.add(eng, "a", "analyst")
    assert len(pw) >= accounts.MIN_PASSWORD and accounts.sign_in(eng, "a", pw, demo_database=False).principal


def test_the_audit_log_is_append_only(eng):
    audit.record(eng, "cli", "account_added", what="x")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with eng.begin() as c:
            c.execute(sa.update(audit_log).values(what="changed"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with eng.begin() as c:
            c.execute(sa.delete(audit_log))
    assert list(audit.entries(eng)["what"]) == ["x"]


def test_audit_filters_by_user_event_and_time(eng):
    p = Principal(1, "wang", "town_caseworker", town="城东街道")
    audit.record(eng, p, "view", page="gaps", filters={"year": 2020, "town": "城东街道", "category": None})
    audit.record(eng, p, "list", page="gaps", what="gap_people:paid_after_death", persons=3, unmasked=True)
    audit.record(eng, "zhang", "sign_in_failed")
    log = audit.entries(eng, username="wang")
    assert list(log["event"]) == ["list", "view"]
    row = log.iloc[0]
    assert (row["persons"], bool(row["unmasked"]), row["role"]) == (3, True, "town_caseworker")
    assert log.iloc[1]["filters"] == '{"town": "城东街道", "year": 2020}'
    assert len(audit.entries(eng, event="sign_in_failed")) == 1
    assert audit.entries(eng, since=accounts.now() + dt.timedelta(minutes=1)).empty


def test_oidc_maps_by_email_then_by_bound_subject(eng):
    accounts.add(eng, "chen", "leader", email="Chen@Example.org", password=PW)
    got = accounts.oidc_principal(eng, subject="sub-123", email="chen@example.org", demo_database=False)
    assert got.principal.username == "chen" and got.principal.via == "oidc"
    assert accounts.get(eng, "chen").oidc_subject == "sub-123"
    # the e-mail changed at the provider: the bound subject still finds the account
    again = accounts.oidc_principal(eng, subject="sub-123", email="new@example.org", demo_database=False)
    assert again.principal.username == "chen"
    stranger = accounts.oidc_principal(eng, subject="sub-999", email="who@example.org", demo_database=False)
    assert stranger.reason == "no_account"
    assert list(audit.entries(eng, event="sign_in_failed")["username"]) == ["who@example.org"]


def test_the_sqlite_file_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "ops.sqlite"
    eng = ops.make_engine(f"sqlite:///{path}")
    with eng.connect() as c:
        assert c.exec_driver_sql("pragma journal_mode").scalar() == "wal"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    eng.dispose()


def test_the_url_names_psycopg_for_a_plain_postgresql_url(monkeypatch):
    monkeypatch.setenv(ops.ENV, "postgresql://u:secret@db.example:5432/ops")
    assert ops.url() == "postgresql+psycopg://u:secret@db.example:5432/ops"
    assert "secret" not in ops.describe()
    monkeypatch.delenv(ops.ENV)
    assert ops.url() == f"sqlite:///{ops.DEFAULT_FILE}"


def test_users_table_refuses_an_unknown_role(eng):
    t = accounts.now()
    with pytest.raises(sa.exc.IntegrityError):
        with eng.begin() as c:
            c.execute(sa.insert(users).values(username="z", role="superuser", disabled=False, demo=False,
                                              failed_logins=0, must_change_password=False, created_at=t,
                                              updated_at=t))
