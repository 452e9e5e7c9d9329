"""A real `streamlit run` and a real headless Chromium for the browser tests, and a free port on
127.0.0.1 for any test server (registered for every test by tests/conftest.py's pytest_plugins).

`serve(script, log_name, …)` starts the script on 127.0.0.1, waits for `/_stcore/health`, yields the
base URL and stops the server afterwards; its output goes to test-output/<log_name>, which a failure
to start names. tests/dashboard/test_browser.py (`_serve`, the dashboard) and the OIDC probe use it.
The `browser` fixture is Debian's Chromium through Playwright, one per test module; it FAILS, never
skips, when Chromium is missing (nothing can be downloaded here).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
MISSING = (f"{CHROMIUM} is missing: install it with `apt-get install -y --no-install-recommends chromium "
           "fonts-wqy-microhei` (the browser tests must not be skipped)")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright (no sandbox flags needed as root)."""
    assert Path(CHROMIUM).exists(), MISSING
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(script: Path, log_name: str, *, port: int | None = None, env: dict[str, str] | None = None,
          extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Yield the base URL of `streamlit run script` on `port` (or a free one) with `env` added to the
    environment and `extra_args` (such as `--secrets.files …`) on the command line."""
    port = port or free_port()
    (ROOT / "test-output").mkdir(exist_ok=True)
    log_path = ROOT / "test-output" / log_name
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *extra_args],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"streamlit did not start (exit {proc.poll()}); see {log_path}")
        time.sleep(0.2)
    try:
        yield base
    finally:  # also when the caller closes the generator early (gen.close()), not only at its end
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
