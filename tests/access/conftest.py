"""The operational database under test, on both backends: a fresh SQLite file and a fresh PostgreSQL
database (tests/support/postgres.py starts a real server; it fails, not skips, without PostgreSQL)."""
from __future__ import annotations

import pytest

from access import db as ops


@pytest.fixture(params=["sqlite", "postgresql"])
def ops_url(request, tmp_path) -> str:
    """A URL of an empty operational database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ops.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def eng(ops_url):
    """An engine on `ops_url`, migrated to the latest revision."""
    e = ops.make_engine(ops_url)
    yield e
    e.dispose()
