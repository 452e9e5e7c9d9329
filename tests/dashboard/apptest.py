"""Running the real dashboard script under Streamlit's AppTest (shared by the dashboard tests)."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

# absolute: AppTest.from_file resolves a relative path against the caller
APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def run_app(page: str | None = None, timeout: float = 120, **query) -> AppTest:
    """The app after one run (and a switch to `page`), with `query` as the URL's query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    if page and page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at
