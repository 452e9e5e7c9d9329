"""What the month's check (每月核查) costs, each figure beside a floor measured in the same run on the same
database (the machine is shared: the ratios are the result).

    .venv/bin/python scripts/bench_month_check.py                          # the demo database
    .venv/bin/python scripts/bench_month_check.py --db /tmp/bench1m/base.duckdb --copy   # a large district

With --copy the database is copied to a scratch folder first and every view is installed anew on the
copy (`queries.install.install_views`, so an older database gets this version's views); without it the
database is opened read-only and must already have them. Figures:
- building the month's lists: `mart_month_check` and `mart_worklist` created again from the installed
  intermediate tables, vs the floor: copying the columns they read (the first payments' keys and
  amounts, the eligible person-months' keys) into a scratch table;
- the sync of the worklist into a scratch SQLite operational database (all new) vs a bare bulk insert;
- the API calls a page makes for the data's last month, cold and warm: month_check (each list),
  month_check_summary, worklist, vs the floor: a count of mart_month_check's rows of that month.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import sqlalchemy as sa

import queries
from access import case_sync
from access import db as ops
from contract.paths import db_path
from queries import install

MARTS = ("mart_month_check", "mart_worklist")


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median(fn, n: int = 3) -> float:
    return statistics.median(timed(fn) for _ in range(n))


def line(what: str, sec: float, floor: float) -> None:
    print(f"{what:58s} {sec:9.3f} s  floor {floor:8.3f} s  ratio {sec / floor:7.2f}", flush=True)


def rebuild(con, name: str) -> None:
    sql = install.sql_files()[name].read_text(encoding="utf-8")
    con.execute(f"create or replace table _bench_{name} as {sql}")


def floor_copy(con) -> None:
    con.execute("""create or replace table _bench_floor as
        select person_id, program_id, period, amount, tier from int_payments where payment_rank = 1
        union all by name
        select person_id, program_id, month as period from int_eligibility_months""")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="database (default: the dashboard's)")
    ap.add_argument("--copy", action="store_true", help="copy it and install this version's views on the copy")
    args = ap.parse_args(argv)
    db = args.db or db_path()
    work = Path(tempfile.mkdtemp(prefix="bench_check_"))
    if args.copy:
        target = work / "bench.duckdb"
        t = timed(lambda: shutil.copyfile(db, target))
        print(f"copied {db} ({db.stat().st_size / 1e9:.2f} GB) in {t:.1f} s", flush=True)
        con = duckdb.connect(str(target))
        t = timed(lambda: install.install_views(con))
        print(f"install_views (every view, this version) {t:.1f} s", flush=True)
    else:
        con = queries.connect(db)
    persons = con.execute("select count(*) from stg_persons").fetchone()[0]
    payments = con.execute("select count(*) from int_payments").fetchone()[0]
    print(f"district: {persons:,} persons, {payments:,} payments", flush=True)

    if args.copy:
        floor = median(lambda: floor_copy(con))
        for name in MARTS:
            line(f"build {name}", median(lambda n=name: rebuild(con, n)), floor)
        rows = {n: con.execute(f"select count(*) from {n}").fetchone()[0] for n in MARTS}
        print("rows: " + ", ".join(f"{n} {r:,}" for n, r in rows.items()), flush=True)
        con.execute("drop table if exists _bench_floor")
        for name in MARTS:
            con.execute(f"drop table if exists _bench_{name}")
        con.close()
        con = queries.connect(target)

    last = queries.check_months(con)[-1]
    floor = median(lambda: con.execute("select count(*) from mart_month_check where month = $m",
                                       {"m": last}).fetchall(), 5)
    for check in queries.CHECKS:
        cold = timed(lambda c=check: queries.month_check(con, last, check=c))
        warm = median(lambda c=check: queries.month_check(con, last, check=c), 5)
        line(f"month_check {last:%Y-%m} {check} (cold)", cold, floor)
        line(f"month_check {last:%Y-%m} {check} (warm)", warm, floor)
    line(f"month_check_summary {last:%Y-%m}", median(lambda: queries.month_check_summary(con, last), 5), floor)
    cases = queries.worklist(con)
    line(f"worklist ({len(cases):,} cases)", median(lambda: queries.worklist(con), 3), floor)

    eng = ops.make_engine(f"sqlite:///{work / 'ops.sqlite'}")
    current = case_sync.current_cases(cases)
    scratch = sa.Table("_bench_rows", sa.MetaData(), *(sa.Column(c, sa.Text) for c in current.columns))
    scratch.create(eng)
    rows = current.astype(object).where(current.notna(), None).astype(str).to_dict("records")

    def bulk():
        with eng.begin() as c:
            c.execute(scratch.delete())
            c.execute(scratch.insert(), rows)

    floor = median(bulk)
    line(f"sync of {len(current):,} worklist cases into SQLite (all new)",
         timed(lambda: case_sync.sync_database(eng, con)), floor)
    line("the same sync again (nothing to do)", timed(lambda: case_sync.sync_database(eng, con)), floor)
    eng.dispose()
    con.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
