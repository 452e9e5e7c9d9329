"""What the dashboard tests share: the environment that points the app at the demo database. The
read-only connection `con` comes from tests/conftest.py, the headless Chromium `browser` from
tests/support/app_server.py."""
from __future__ import annotations

import pytest


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    """SUBSIDY_DB = the demo database for the app under test."""
    monkeypatch.setenv("SUBSIDY_DB", str(demo_db))
