"""Shared fixtures: the demo district is generated and loaded once per test session.

Tests that need the demo database use `demo_db` (a Path to a real DuckDB file built by the real
loader from the real generator's files); tests that need the generated contract files and the
ground truth use `demo_source`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

# real servers for any test: postgres_server / postgres_url, oidc_provider (tests/support/)
pytest_plugins = ["tests.support.app_server", "tests.support.postgres", "tests.support.oidc"]


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory) -> Path:
    """Contract files of the default demo district (plus ground_truth/faults.csv)."""
    from simulator.generate import generate

    out = tmp_path_factory.mktemp("demo_source")
    generate(out)
    return out


@pytest.fixture(scope="session")
def demo_db(demo_source, tmp_path_factory) -> Path:
    """A DuckDB file loaded from `demo_source` by the loader, with every view installed."""
    from subsidy.build import build_database

    db = tmp_path_factory.mktemp("demo_db") / "subsidy.duckdb"
    build_database(demo_source, db, info={"demo": "true"})  # as `python -m subsidy build --demo` marks it
    return db


@pytest.fixture(scope="module")
def con(demo_db):
    """A read-only connection to the demo database (the numbers pages, exports and views must show);
    a test module on another district defines its own `con`."""
    import queries

    c = queries.connect(demo_db)
    yield c
    c.close()


TEST_PASSWORD = "test-password-0123"   # the non-demo test accounts (tests/dashboard/apptest.py signs in with it)
TEST_ROLES = ("admin", "leader", "analyst", "public")


@pytest.fixture(scope="session", autouse=True)
def ops_db(tmp_path_factory):
    """Every test uses its own operational database (never data/ops.sqlite): a SQLite file in WAL mode
    with one non-demo account per area-free role, `t_<role>`, password TEST_PASSWORD. $SUBSIDY_OPS_DB
    points at it (also for the dashboard servers the browser tests start)."""
    import os

    from access import accounts
    from access import db as ops

    path = tmp_path_factory.mktemp("ops") / "ops.sqlite"
    url = f"sqlite:///{path}"
    before = os.environ.get(ops.ENV)
    os.environ[ops.ENV] = url
    eng = ops.make_engine(url)
    for role in TEST_ROLES:
        accounts.add(eng, f"t_{role}", role, password=TEST_PASSWORD, display_name=f"测试 {role}")
    eng.dispose()
    yield url
    if before is None:
        os.environ.pop(ops.ENV, None)
    else:
        os.environ[ops.ENV] = before
