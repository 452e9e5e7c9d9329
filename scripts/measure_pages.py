"""Time to first render of every dashboard page in a real headless Chromium.

    .venv/bin/python scripts/measure_pages.py                       # $SUBSIDY_DB or data/subsidy.duckdb
    .venv/bin/python scripts/measure_pages.py --db /tmp/big.duckdb --repeat 3

For each page a fresh `streamlit run` is started (empty caches) and the page is opened: *cold* is
the time from navigation to "script finished, every chart drawn". The page is then reloaded
`--repeat` times in new browser tabs of the same server: *warm* is the median of those (Streamlit's
caches are filled, the browser's are not). The server runs with $DASHBOARD_TIMING, so the Python
script's own duration (cold = first run, warm = median of the others) is reported beside the
browser's. Prints a table and writes JSON.

    .venv/bin/python scripts/measure_pages.py --concurrent 20       # 20 sessions at once, distinct filters

With `--concurrent N` one fresh server serves N browser sessions (one Chromium, N contexts, on the same
machine) that open the overview at the same moment, each with its own filters in the URL (town ×
category, so no two share a cache entry for the filtered calls): per session the seconds to its first
KPI tiles and to the whole page. The floor beside it is one session alone on a fresh server.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

import queries
from access import accounts, sessions
from access import db as ops
from contract import CATEGORIES
from contract.paths import db_path

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"overview": "", "coverage": "coverage", "spend": "spend", "processing": "processing", "gaps": "gaps"}
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SESSION: dict[str, str] = {}   # the signed-in session every measured browser context carries


def _signed_in_session(base: str) -> None:
    """An analyst account in a throwaway operational database and a live session of it: every browser
    context gets its cookie, so pages are timed as a returning signed-in user opens them."""
    eng = ops.make_engine(os.environ[ops.ENV])
    if accounts.get(eng, "measure") is None:
        accounts.add(eng, "measure", "analyst", password=accounts.new_password())
    token = sessions.create(eng, accounts.principal_of(accounts.get(eng, "measure")))
    SESSION.update({"name": sessions.COOKIE, "value": token, "url": base})
    eng.dispose()


def new_context(browser, **kwargs):
    """A browser context carrying the measured session's cookie."""
    ctx = browser.new_context(**kwargs)
    if SESSION:
        ctx.add_cookies([dict(SESSION)])
    return ctx


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    os.environ.setdefault(ops.ENV, f"sqlite:///{tempfile.mkdtemp(prefix='measure-ops-')}/ops.sqlite")
    env = {**os.environ, "SUBSIDY_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "DASHBOARD_TIMING": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    _signed_in_session(base)
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def stop(proc: subprocess.Popen) -> list[float]:
    """Stop the server; the script-run durations it printed ($DASHBOARD_TIMING), in order."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    runs = []
    for line in (out or "").splitlines():
        if line.startswith('{"dashboard_run"'):
            runs.append(json.loads(line)["seconds"])
    return runs


# charts each page draws on the demo data once its script has run to the end
CHARTS = {"overview": 2, "coverage": 6, "spend": 5, "processing": 5, "gaps": 2}
WAIT_JS = """(n) => {
    const w = document.querySelector('[data-testid="stStatusWidget"]');
    const busy = w && /Running|Stop|运行/.test(w.innerText || '');
    return !busy && document.querySelectorAll('.js-plotly-plot .main-svg').length >= n;
}"""


def time_page(browser, url: str, timeout_ms: int, charts: int = 1) -> float:
    """Seconds from navigation until the run is over and charts and metrics are drawn (new tab)."""
    ctx = new_context(browser, viewport={"width": 1440, "height": 3800})
    pg = ctx.new_page()
    t0 = time.perf_counter()
    pg.goto(url)
    pg.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=timeout_ms)
    pg.wait_for_function(WAIT_JS, arg=charts, timeout=timeout_ms)
    # the status widget can be idle for a moment between the first paint and the rerun: confirm
    pg.wait_for_timeout(300)
    pg.wait_for_function(WAIT_JS, arg=charts, timeout=timeout_ms)
    elapsed = time.perf_counter() - t0 - 0.3
    errors = pg.get_by_test_id("stException").count()
    ctx.close()
    if errors:
        raise RuntimeError(f"{url}: the page shows an exception")
    return elapsed


TILES_JS = "() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 4"


def concurrent_sessions(browser, base: str, urls: list[str], timeout_s: float) -> list[dict]:
    """Open every url at once in its own context; seconds to the first KPI tiles and to the finished page."""
    pages = []
    for url in urls:
        ctx = new_context(browser, viewport={"width": 1440, "height": 2400})
        pg = ctx.new_page()
        pages.append({"ctx": ctx, "page": pg, "url": url})
    for p in pages:
        p["t0"] = time.perf_counter()
        p["page"].goto(base + p["url"], wait_until="commit")
    deadline = time.perf_counter() + timeout_s
    pending = list(pages)
    while pending and time.perf_counter() < deadline:
        for p in list(pending):
            pg = p["page"]
            if "tiles_s" not in p and pg.evaluate(TILES_JS):
                p["tiles_s"] = time.perf_counter() - p["t0"]
            if "tiles_s" in p and pg.evaluate(WAIT_JS, CHARTS["overview"]):
                p["done_s"] = time.perf_counter() - p["t0"]
                pending.remove(p)
        time.sleep(0.05)
    out = []
    for p in pages:
        errors = p["page"].get_by_test_id("stException").count()
        out.append({"url": p["url"], "tiles_s": round(p.get("tiles_s", float("nan")), 2),
                    "done_s": round(p.get("done_s", float("nan")), 2), "errors": errors})
        p["ctx"].close()
    return out


def session_urls(db: Path, n: int) -> list[str]:
    """n overview URLs with distinct filters: each town with all categories, then town × category."""
    con = queries.connect(db)
    towns = [str(t) for t in queries.towns(con)]
    con.close()
    combos = [(t, "") for t in towns] + [(t, c) for t in towns for c in CATEGORIES]
    urls = []
    for town, category in combos[:n]:
        q = urllib.parse.urlencode({"town": town, **({"category": category} if category else {})})
        urls.append(f"/?{q}")
    return urls


def main_concurrent(db: Path, n: int, timeout_s: float, out_path: Path) -> int:
    urls = session_urls(db, n + 1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        proc, base = start_server(db)
        try:
            alone = concurrent_sessions(browser, base, urls[-1:], timeout_s)[0]
        finally:
            stop(proc)
        proc, base = start_server(db)
        try:
            sessions = concurrent_sessions(browser, base, urls[:n], timeout_s)
        finally:
            runs = stop(proc)
        browser.close()
    tiles = [s["tiles_s"] for s in sessions]
    done = [s["done_s"] for s in sessions]
    result = {"db": str(db), "sessions": n, "load_average_at_start": round(os.getloadavg()[0], 2),
              "floor_one_session": alone, "tiles_max_s": max(tiles), "tiles_median_s": statistics.median(tiles),
              "done_max_s": max(done), "done_median_s": statistics.median(done),
              "ratio_tiles_max": round(max(tiles) / alone["tiles_s"], 2), "server_runs_s": runs,
              "sessions_detail": sessions}
    print(f"{n} sessions at once: first tiles median {result['tiles_median_s']} s, max {result['tiles_max_s']} s; "
          f"page done median {result['done_median_s']} s, max {result['done_max_s']} s | one session alone: tiles "
          f"{alone['tiles_s']} s, done {alone['done_s']} s | ratio (max tiles / alone) {result['ratio_tiles_max']}×")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"results: {out_path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="database (default: $SUBSIDY_DB or data/subsidy.duckdb)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per page load")
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "page_timings.json")
    parser.add_argument("--concurrent", type=int, default=0, help="N sessions at once on one server (overview)")
    args = parser.parse_args(argv)

    db = (args.db or db_path()).resolve()
    if not db.exists():
        print(f"{db} does not exist: build it with `python -m subsidy build --demo`", file=sys.stderr)
        return 2
    if args.concurrent:
        return main_concurrent(db, args.concurrent, args.timeout, args.out.with_name("concurrent_sessions.json"))
    results = {"db": str(db), "db_mb": round(db.stat().st_size / 1e6, 1), "pages": {}}
    load = os.getloadavg()[0]
    results["load_average_at_start"] = round(load, 2)
    print(f"database {db} ({results['db_mb']} MB), load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'page':12} {'cold s':>8} {'warm s':>8} {'script cold':>10} {'script warm':>10}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        for name, path in PAGES.items():
            proc, base = start_server(db)
            try:
                n = CHARTS[name]
                cold = time_page(browser, f"{base}/{path}", int(args.timeout * 1000), n)
                warm = [time_page(browser, f"{base}/{path}", int(args.timeout * 1000), n) for _ in range(args.repeat)]
            finally:
                runs = stop(proc)
            server_warm = statistics.median(runs[1:]) if len(runs) > 1 else float("nan")
            results["pages"][name] = {"cold_s": round(cold, 2), "warm_s": round(statistics.median(warm), 2),
                                      "warm_runs_s": [round(w, 2) for w in warm],
                                      "server_cold_s": runs[0] if runs else None,
                                      "server_warm_s": round(server_warm, 3)}
            print(f"{name:12} {cold:8.2f} {statistics.median(warm):8.2f} {runs[0] if runs else float('nan'):10.2f} "
                  f"{server_warm:10.2f}")
        browser.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
