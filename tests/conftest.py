"""Shared fixtures: the demo district is generated and loaded once per test session.

Tests that need the demo database use `demo_db` (a Path to a real DuckDB file built by the real
loader from the real generator's files); tests that need the generated contract files and the
ground truth use `demo_source`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

# real servers for any test: postgres_server / postgres_url, oidc_provider (tests/support/)
pytest_plugins = ["tests.support.postgres", "tests.support.oidc"]


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
    build_database(demo_source, db)
    return db
