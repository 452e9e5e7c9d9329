"""Running the real dashboard script under Streamlit's AppTest (shared by the dashboard tests).

Every page needs a signed-in user: `run_app` signs in through the real sign-in form before it opens
`page`, by default as `t_analyst`, one of the test accounts tests/conftest.py's `ops_db` creates (they
work on any database, demo or not); a caseworker's test creates its account with the town it needs.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import TEST_PASSWORD

# absolute: AppTest.from_file resolves a relative path against the caller
APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Fill and submit the sign-in form of `at` (after its first run)."""
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click().run()
    return at


def run_app(page: str | None = None, timeout: float = 120, *, role: str | None = "analyst",
            username: str | None = None, password: str = TEST_PASSWORD, **query) -> AppTest:
    """The app after one run, signed in as test account `t_<role>` (or `username`; role None and no
    username: not signed in), switched to `page`, with `query` as the URL's query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    if role is not None or username is not None:
        sign_in(at, username or f"t_{role}", password)
    if page and page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at
