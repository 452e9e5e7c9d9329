"""The operational database lives apart from the analytical file: a rebuild (`python -m subsidy build`,
which replaces the DuckDB file) leaves accounts, sessions and the audit log as they were, on SQLite and
on PostgreSQL; and the command line manages accounts in it."""
from __future__ import annotations

import io
import sys

import queries
from access import accounts, audit
from access import db as ops
from subsidy.__main__ import main as cli
from tests.contract_fixtures import district, write_district


def test_accounts_and_audit_survive_a_rebuild(ops_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(ops.ENV, ops_url)
    db = tmp_path / "subsidy.duckdb"
    src = write_district(tmp_path / "src", district())
    monkeypatch.setenv("SUBSIDY_DB", str(db))
    assert cli(["build", "--source", str(src)]) == 0
    capsys.readouterr()
    assert cli(["users", "add", "wang", "--role", "analyst"]) == 0
    out = capsys.readouterr().out
    password = out.split("(shown once): ")[1].split()[0]
    eng = ops.make_engine(ops_url)
    assert accounts.sign_in(eng, "wang", password, demo_database=False).principal is not None
    before = audit.entries(eng)
    db_inode = db.stat().st_ino
    assert cli(["build", "--source", str(src), "--force"]) == 0     # the analytical file is replaced …
    assert db.stat().st_ino != db_inode
    after = audit.entries(eng)
    assert list(after["id"]) == list(before["id"])                  # … the log is untouched
    assert accounts.sign_in(eng, "wang", password, demo_database=False).principal is not None
    assert accounts.get(eng, "wang").role == "analyst"
    eng.dispose()


def test_users_cli_add_list_disable_reset(ops_url, tmp_path, monkeypatch, capsys, demo_db):
    monkeypatch.setenv(ops.ENV, ops_url)
    monkeypatch.setenv("SUBSIDY_DB", str(demo_db))
    con = queries.connect(demo_db)
    town = queries.towns(con)[0]
    con.close()
    assert cli(["users", "add", "zhou", "--role", "town_caseworker", "--town", town]) == 0
    assert cli(["users", "add", "bad", "--role", "town_caseworker", "--town", "没有这个镇"]) == 1
    assert "not in the database" in capsys.readouterr().err
    assert cli(["users", "add", "v", "--role", "village_caseworker", "--town", town]) == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("a chosen password\n"))
    assert cli(["users", "add", "qian", "--role", "leader", "--password-stdin"]) == 0
    assert "a chosen password" not in capsys.readouterr().out      # never echoed
    assert cli(["users", "disable", "zhou"]) == 0
    assert cli(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"zhou             town_caseworker     {town}" in listing and "disabled" in listing
    assert cli(["users", "reset-password", "qian"]) == 0
    new = capsys.readouterr().out.split("(shown once): ")[1].split()[0]
    eng = ops.make_engine(ops_url)
    assert accounts.sign_in(eng, "qian", "a chosen password", demo_database=True).reason == "bad_credentials"
    assert accounts.sign_in(eng, "qian", new, demo_database=True).principal.role == "leader"
    assert accounts.sign_in(eng, "zhou", "x" * 12, demo_database=True).reason in ("bad_credentials", "disabled")
    events = set(audit.entries(eng)["event"])
    assert {"account_added", "account_disabled", "password_reset"} <= events
    assert set(audit.entries(eng, event="account_added")["source"]) == {"cli"}
    # demo accounts: on the demo database only
    assert cli(["users", "demo"]) == 0
    assert accounts.get(eng, "demo_village").village is not None
    eng.dispose()


def test_users_demo_is_refused_on_real_data(ops_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(ops.ENV, ops_url)
    db = tmp_path / "real.duckdb"
    monkeypatch.setenv("SUBSIDY_DB", str(db))
    assert cli(["build", "--source", str(write_district(tmp_path / "src", district()))]) == 0
    assert cli(["users", "demo"]) == 1
    assert "not the demo database" in capsys.readouterr().err

