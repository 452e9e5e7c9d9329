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
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

import queries
import vocab
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


RUN_RECORD = re.compile(r'\{"dashboard_run": "[^"]*", "seconds": [0-9.]+\}')


def stop(proc: subprocess.Popen) -> list[float]:
    """Stop the server; the script-run durations it printed ($DASHBOARD_TIMING), in order."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    # concurrent sessions' runs print from their own threads: two records can share a line
    return [json.loads(m.group(0))["seconds"] for m in RUN_RECORD.finditer(out or "")]


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


class PeakRss:
    """The peak resident memory of a process (the dashboard server) while the block runs, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.proc, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> int:
        return round(self.peak / 2**20)


def time_switches(browser, base: str, timeout_ms: int) -> dict[str, dict[str, float]]:
    """One signed-in session opens the overview, then clicks its way through the pages in the sidebar twice:
    seconds from the click to the page's charts drawn and the run over, on the first visit and again."""
    ctx = new_context(browser, viewport={"width": 1440, "height": 3800})
    pg = ctx.new_page()
    pg.goto(base + "/")
    pg.wait_for_function(WAIT_JS, arg=CHARTS["overview"], timeout=timeout_ms)
    order = [p for p in PAGES if p != "overview"] + ["overview"]
    out: dict[str, dict[str, float]] = {}
    for what in ("first", "again"):
        out[what] = {}
        for name in order:
            link = pg.get_by_test_id("stSidebarNav").get_by_role("link", name=vocab.t(f"page_{name}", "zh"))
            t0 = time.perf_counter()
            link.click()
            # the overview is the default page: "/" (or its own path)
            want = {"/" + PAGES[name]} if PAGES[name] else {"", "/overview"}
            pg.wait_for_url(lambda url, want=want: urllib.parse.urlparse(url).path.rstrip("/") in want,
                            timeout=timeout_ms)
            pg.wait_for_function(WAIT_JS, arg=CHARTS[name], timeout=timeout_ms)
            pg.wait_for_timeout(300)   # the status widget can be idle for a moment before the rerun: confirm
            pg.wait_for_function(WAIT_JS, arg=CHARTS[name], timeout=timeout_ms)
            out[what][name] = round(time.perf_counter() - t0 - 0.3, 2)
    if pg.get_by_test_id("stException").count():
        raise RuntimeError("a page shows an exception")
    ctx.close()
    return out


# Each page stamps, on its own clock (performance.now(), from its navigation), the moment its first KPI
# tiles and its charts are in the document: a script polling 20 busy pages one after another would wait
# on each page's main thread in turn and count the other pages' work as this one's.
STAMP_JS = """(() => {
    window.__stamps = {};
    const check = () => {
        const s = window.__stamps;
        const count = (css) => document.querySelectorAll(css).length;
        if (!s.tiles && count('[data-testid="stMetric"]') >= 4) s.tiles = performance.now();
        if (!s.charts && count('.js-plotly-plot .main-svg') >= %d) s.charts = performance.now();
    };
    new MutationObserver(check).observe(document, {childList: true, subtree: true});
})();"""


def concurrent_sessions(browser, base: str, urls: list[str], timeout_s: float,
                        server_pid: int) -> tuple[list[dict], dict[str, float]]:
    """Open every url at once in its own context; seconds to the first KPI tiles and to the finished page
    (every chart drawn and the run over), each stamped by the page itself; and the CPU seconds the
    server and the browsers spent meanwhile."""
    before = cpu_seconds(server_pid)
    pages = []
    for url in urls:
        ctx = new_context(browser, viewport={"width": 1440, "height": 2400})
        ctx.add_init_script(STAMP_JS % CHARTS["overview"])
        pg = ctx.new_page()
        pages.append({"ctx": ctx, "page": pg, "url": url})
    for p in pages:
        p["page"].goto(base + p["url"], wait_until="commit")
    deadline = time.perf_counter() + timeout_s
    pending = list(pages)
    while pending and time.perf_counter() < deadline:
        time.sleep(1.0)
        for p in list(pending):
            if p["page"].evaluate(WAIT_JS, CHARTS["overview"]):
                # the run is over: the stamps are final (the charts' stamp is the last chart drawn)
                p["stamps"] = p["page"].evaluate("() => window.__stamps")
                pending.remove(p)
    after = cpu_seconds(server_pid)
    out = []
    for p in pages:
        stamps = p.get("stamps") or p["page"].evaluate("() => window.__stamps") or {}
        errors = p["page"].get_by_test_id("stException").count()
        out.append({"url": p["url"], "tiles_s": round(stamps.get("tiles", float("nan")) / 1000, 2),
                    "done_s": round(stamps.get("charts", float("nan")) / 1000, 2), "errors": errors})
        p["ctx"].close()
    return out, {k: round(after[k] - before[k], 1) for k in after}


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) so far of the dashboard server and of everything else this script started
    (the Playwright driver and Chromium)."""
    out = {"server": 0.0, "browsers": 0.0}
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
            out["server" if child.pid == server_pid else "browsers"] += t.user + t.system
        except psutil.Error:
            pass
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
            (alone,), alone_cpu = concurrent_sessions(browser, base, urls[-1:], timeout_s, proc.pid)
        finally:
            stop(proc)
        proc, base = start_server(db)
        try:
            sessions, cpu = concurrent_sessions(browser, base, urls[:n], timeout_s, proc.pid)
        finally:
            runs = stop(proc)
        browser.close()
    tiles = [s["tiles_s"] for s in sessions]
    done = [s["done_s"] for s in sessions]
    result = {"db": str(db), "sessions": n, "load_average_at_start": round(os.getloadavg()[0], 2),
              "floor_one_session": alone, "tiles_max_s": max(tiles), "tiles_median_s": statistics.median(tiles),
              "done_max_s": max(done), "done_median_s": statistics.median(done),
              "ratio_tiles_max": round(max(tiles) / alone["tiles_s"], 2), "server_runs_s": runs, "cpu_s": cpu,
              "floor_cpu_s": alone_cpu,
              "sessions_detail": sessions}
    print(f"{n} sessions at once: first tiles median {result['tiles_median_s']} s, max {result['tiles_max_s']} s; "
          f"page done median {result['done_median_s']} s, max {result['done_max_s']} s | one session alone: tiles "
          f"{alone['tiles_s']} s, done {alone['done_s']} s | ratio (max tiles / alone) {result['ratio_tiles_max']}×")
    print(f"  CPU seconds during the {n} sessions: server {cpu['server']}, browsers {cpu['browsers']} (one session "
          f"alone: {alone_cpu['server']}, {alone_cpu['browsers']}); "
          f"server script runs {min(runs, default=0):.1f}–{max(runs, default=0):.1f} s")
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
    parser.add_argument("--switches-only", action="store_true", help="only the page switches of one session")
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
    print(f"{'page':12} {'cold s':>8} {'warm s':>8} {'script cold':>10} {'script warm':>10} {'RSS MB':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        for name, path in ({} if args.switches_only else PAGES).items():
            proc, base = start_server(db)
            try:
                with PeakRss(proc.pid) as rss:
                    n = CHARTS[name]
                    cold = time_page(browser, f"{base}/{path}", int(args.timeout * 1000), n)
                    warm = [time_page(browser, f"{base}/{path}", int(args.timeout * 1000), n)
                            for _ in range(args.repeat)]
            finally:
                runs = stop(proc)
            server_warm = statistics.median(runs[1:]) if len(runs) > 1 else float("nan")
            results["pages"][name] = {"cold_s": round(cold, 2), "warm_s": round(statistics.median(warm), 2),
                                      "warm_runs_s": [round(w, 2) for w in warm],
                                      "server_cold_s": runs[0] if runs else None,
                                      "server_warm_s": round(server_warm, 3), "server_peak_rss_mb": rss.peak_mb}
            print(f"{name:12} {cold:8.2f} {statistics.median(warm):8.2f} {runs[0] if runs else float('nan'):10.2f} "
                  f"{server_warm:10.2f} {rss.peak_mb:8d}")
        # page switches in one session (the sidebar's links): every page once (its first visit), then again
        proc, base = start_server(db)
        try:
            with PeakRss(proc.pid) as rss:
                switches = time_switches(browser, base, int(args.timeout * 1000))
        finally:
            runs = stop(proc)
        results["switches"] = {**switches, "server_runs_s": runs, "server_peak_rss_mb": rss.peak_mb}
        for what in ("first", "again"):
            print(f"switch ({what} visit): " + ", ".join(f"{k} {v:.2f} s" for k, v in switches[what].items()))
        print(f"  server runs {', '.join(f'{r:.2f}' for r in runs)} s; peak RSS {rss.peak_mb} MB")
        browser.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
