"""What sign-in and area scope cost, each beside a floor measured in the same run (issue 10).

    .venv/bin/python scripts/bench_access.py [--db data/subsidy.duckdb]

- scope enforcement per query: `access.scope.scoped` around a memoised runner (what `store.run` adds to a
  cached frame) vs the same memoised runner bare, and vs one warm API call (the floor a page pays anyway);
- a local sign-in (argon2id verify + the audit insert) vs the argon2 verify alone;
- an audit insert on SQLite (WAL) vs a bare SQLite insert of the same row on the same file;
- sign-in to first KPI tiles in Chromium vs a reload of the signed-in page (the page's own cost), on a
  real `streamlit run`.
Prints one line per figure: what, seconds, floor, ratio.
"""
from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

import queries
from access import Principal, accounts, audit, scope
from access import db as ops
from contract.paths import db_path
from publish.charts import direct_runner

ROOT = Path(__file__).resolve().parents[1]


def best(fn, n: int) -> float:
    """Median seconds of one call of `fn` over `n` calls."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def line(what: str, sec: float, floor: float) -> None:
    print(f"{what:58s} {sec * 1e3:10.3f} ms  floor {floor * 1e3:10.3f} ms  ratio {sec / floor:8.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=db_path())
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    con = queries.connect(args.db)
    town = queries.towns(con)[0]
    year = max(queries.years(con))
    p = Principal(1, "bench", "town_caseworker", town=town)
    bare = direct_runner(con)
    bare(queries.kpi_overview, year=year, town=town)  # warm the memo
    held = scope.scoped(p, bare)
    n = 5000
    t_bare = best(lambda: bare(queries.kpi_overview, year=year, town=town), n)
    t_held = best(lambda: held(queries.kpi_overview, year=year), n)
    t_api = best(lambda: queries.kpi_overview(con, year=year, town=town), 20)
    line("scope on a cached frame (scoped vs bare memo)", t_held, t_bare)
    line("scope overhead vs one warm kpi_overview call", t_held - t_bare, t_api)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/ops.sqlite"
        eng = ops.make_engine(url)
        accounts.add(eng, "bench", "analyst", password="bench-password-1")
        row = accounts.get(eng, "bench")
        t_verify = best(lambda: accounts._hasher.verify(row.password_hash, "bench-password-1"), 10)
        t_sign = best(lambda: accounts.sign_in(eng, "bench", "bench-password-1", demo_database=False), 10)
        line("local sign-in (argon2id verify + audit) vs verify alone", t_sign, t_verify)
        t_audit = best(lambda: audit.record(eng, p, "view", page="overview", filters={"year": year}), 200)
        raw = sqlite3.connect(f"{tmp}/raw.sqlite")
        raw.execute("pragma journal_mode=wal")
        raw.execute("create table t (at text, username text, event text, filters text)")

        def insert():
            raw.execute("insert into t values (datetime('now'), 'bench', 'view', '{\"year\": 2020}')")
            raw.commit()

        line("audit insert (SQLAlchemy, WAL) vs bare sqlite3 insert+commit", t_audit, best(insert, 200))
        eng.dispose()
    con.close()
    if not args.no_browser:
        browser_figures(args.db)


def browser_figures(db: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/ops.sqlite"
        eng = ops.make_engine(url)
        accounts.add(eng, "bench", "analyst", password="bench-password-1")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "SUBSIDY_DB": str(db), ops.ENV: url}
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
                                 "--server.headless", "true", "--server.port", str(port),
                                 "--server.address", "127.0.0.1"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        try:
            with sync_playwright() as pw:
                b = pw.chromium.launch(executable_path="/usr/bin/chromium")
                ctx = b.new_context(viewport={"width": 1440, "height": 1600})
                pg = ctx.new_page()
                pg.set_default_timeout(180_000)
                pg.goto(base)
                pg.locator("input[autocomplete='username']").fill("bench")
                pg.locator("input[type='password']").fill("bench-password-1")
                t0 = time.perf_counter()
                pg.locator("input[type='password']").press("Enter")
                pg.get_by_test_id("stMetricValue").first.wait_for()
                t_login = time.perf_counter() - t0
                pg.wait_for_function("() => document.cookie.includes('subsidy_session=')")
                t0 = time.perf_counter()
                pg.reload()
                pg.get_by_test_id("stMetricValue").first.wait_for()
                t_reload = time.perf_counter() - t0
                line("sign-in to first tiles (Chromium) vs reload signed in", t_login, t_reload)
                b.close()
        finally:
            proc.terminate()
            eng.dispose()


if __name__ == "__main__":
    main()
