"""Time to first render of every dashboard page in a real headless Chromium.

    .venv/bin/python scripts/measure_pages.py                       # $SUBSIDY_DB or data/subsidy.duckdb
    .venv/bin/python scripts/measure_pages.py --db /tmp/big.duckdb --repeat 3

For each page a fresh `streamlit run` is started (empty caches) and the page is opened: *cold* is
the time from navigation to "script finished, every metric and chart drawn". The page is then
reloaded `--repeat` times in new browser tabs of the same server: *warm* is the median of those
(Streamlit's caches are filled, the browser's are not). Prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"overview": "", "coverage": "coverage", "spend": "spend", "processing": "processing", "gaps": "gaps"}
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SUBSIDY_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


WAIT_JS = """() => {
    const w = document.querySelector('[data-testid="stStatusWidget"]');
    const busy = w && /Running|Stop|运行/.test(w.innerText || '');
    const charts = document.querySelectorAll('.js-plotly-plot .main-svg').length;
    const metrics = document.querySelectorAll('[data-testid="stMetricValue"]').length;
    return !busy && charts >= 1 && metrics >= 1;
}"""


def time_page(browser, url: str, timeout_ms: int) -> float:
    """Seconds from navigation until the run is over and charts and metrics are drawn (new tab)."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 3800})
    pg = ctx.new_page()
    t0 = time.perf_counter()
    pg.goto(url)
    pg.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=timeout_ms)
    pg.wait_for_function(WAIT_JS, timeout=timeout_ms)
    # the status widget can be idle for a moment between the first paint and the rerun: confirm
    pg.wait_for_timeout(300)
    pg.wait_for_function(WAIT_JS, timeout=timeout_ms)
    elapsed = time.perf_counter() - t0 - 0.3
    errors = pg.get_by_test_id("stException").count()
    ctx.close()
    if errors:
        raise RuntimeError(f"{url}: the page shows an exception")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="database (default: $SUBSIDY_DB or data/subsidy.duckdb)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per page load")
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "page_timings.json")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from data.paths import db_path
    from playwright.sync_api import sync_playwright

    db = (args.db or db_path()).resolve()
    if not db.exists():
        print(f"{db} does not exist: build it with `python -m data.build --demo`", file=sys.stderr)
        return 2
    results = {"db": str(db), "db_mb": round(db.stat().st_size / 1e6, 1), "pages": {}}
    print(f"database {db} ({results['db_mb']} MB)\n{'page':12} {'cold s':>8} {'warm s':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        for name, path in PAGES.items():
            proc, base = start_server(db)
            try:
                cold = time_page(browser, f"{base}/{path}", int(args.timeout * 1000))
                warm = [time_page(browser, f"{base}/{path}", int(args.timeout * 1000)) for _ in range(args.repeat)]
            finally:
                stop(proc)
            results["pages"][name] = {"cold_s": round(cold, 2), "warm_s": round(statistics.median(warm), 2),
                                      "warm_runs_s": [round(w, 2) for w in warm]}
            print(f"{name:12} {cold:8.2f} {statistics.median(warm):8.2f}")
        browser.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
