"""What the dashboard tests share: the app's path, a read-only connection to the demo database and the
environment that points the app at it."""
from __future__ import annotations

import pytest

import queries


@pytest.fixture(scope="module")
def con(demo_db):
    """A read-only connection to the demo database (the numbers the pages must show)."""
    c = queries.connect(demo_db)
    yield c
    c.close()


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    """SUBSIDY_DB = the demo database for the app under test."""
    monkeypatch.setenv("SUBSIDY_DB", str(demo_db))
