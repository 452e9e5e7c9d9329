"""What the dashboard tests share: the environment that points the app at the demo database, and one
headless Chromium per test module (it FAILS, never skips, when Chromium is missing). The read-only
connection to the demo database, `con`, comes from tests/conftest.py."""
from __future__ import annotations

from pathlib import Path

import pytest
from chromium import CHROMIUM, MISSING
from playwright.sync_api import sync_playwright


@pytest.fixture
def demo_env(demo_db, monkeypatch):
    """SUBSIDY_DB = the demo database for the app under test."""
    monkeypatch.setenv("SUBSIDY_DB", str(demo_db))


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright (no sandbox flags needed as root)."""
    assert Path(CHROMIUM).exists(), MISSING
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()
