"""What the follow-up of worklist cases costs (issue 11 part 3), each figure beside a floor measured in the
same run on the same database (the machine is shared: the ratios are the result).

    .venv/bin/python scripts/bench_cases.py [--pg postgresql://user:pw@127.0.0.1:5432/postgres] [--cases 10000]

$SUBSIDY_TEST_PG_URL is used when --pg is not given (a role that may CREATE DATABASE; a scratch database is
made and dropped); without either, only SQLite is measured. Per backend:
- the first sync of N cases (all new) vs a bare bulk insert of the same N rows into a scratch table;
- a second sync with 500 changed (200 new, 200 no longer shown, 100 with a new amount) vs one read of
  every stored key and status (what any sync must read);
- the same sync again (idempotent: nothing to do) vs the same read;
- a caseworker's update of 100 cases (one transaction: check, write, history, audit) vs the same read;
- a year of follow-up: 12 monthly syncs of ~300 new cases each (cases leave the data after one to three
  months, a few come back), ~70% of cases updated once or twice in batches of 20 (as a page or an upload
  would), then the operational database's size vs the same rows (cases + history + audit) as CSV.
- the workbook of 1,000 cases written and read back vs writing the same frame with `to_excel`.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from access import Principal, cases
from access import db as ops
from access.cases import CaseChange
from access.schema import audit_log, case_history
from access.schema import cases as cases_table
from contract.sheets import excel_writer

TOWNS = [f"镇{i:02d}" for i in range(12)]
GAPS = ("paid_after_death", "paid_after_dibao_end", "paid_after_revocation", "paid_twice", "paid_after_moved_out")


def line(what: str, sec: float, floor: float) -> None:
    print(f"{what:66s} {sec * 1e3:10.1f} ms  floor {floor * 1e3:9.1f} ms  ratio {sec / floor:7.2f}")


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def best(fn, n: int = 5) -> float:
    """Median seconds of one call of `fn` over `n` calls."""
    return statistics.median(timed(fn) for _ in range(n))


def frame(start: int, n: int, rng: random.Random, month: str = "2020-04") -> pd.DataFrame:
    """n cases numbered from `start`, as the analytical side hands them over."""
    rows = []
    for i in range(start, start + n):
        town = TOWNS[i % len(TOWNS)]
        rows.append(dict(case_key=f"{GAPS[i % len(GAPS)]}:P{i:07d}:XM01:{month}:F{i:07d}", gap=GAPS[i % len(GAPS)],
                         town=town, village=f"{town}村{i % 9}", person_id=f"P{i:07d}", program_id="XM01",
                         period=month, amount_yuan=round(rng.uniform(80, 3000), 2)))
    return pd.DataFrame(rows)


def read_floor(eng: sa.Engine) -> float:
    """One read of every stored key and status."""
    def read():
        with eng.connect() as c:
            c.execute(sa.select(cases_table.c.case_key, cases_table.c.status, cases_table.c.resolved_at)).all()
    return best(read)


def insert_floor(eng: sa.Engine, current: pd.DataFrame) -> float:
    """A bare bulk insert of the same rows into a scratch table of the same columns."""
    md = sa.MetaData()
    scratch = sa.Table(f"scratch_{secrets.token_hex(3)}", md, sa.Column("case_key", sa.String(255), primary_key=True),
                       *(sa.Column(c, sa.String(128)) for c in cases.SNAPSHOT[:-1]),
                       sa.Column("amount_yuan", sa.Numeric(14, 2)))
    md.create_all(eng)
    rows = [{k: (Decimal(str(v)) if k == "amount_yuan" else v) for k, v in r.items()}
            for r in current.to_dict("records")]

    def insert():
        with eng.begin() as c:
            c.execute(scratch.insert(), rows)
    sec = timed(insert)
    md.drop_all(eng)
    return sec


def backend(name: str, url: str, n: int) -> None:
    print(f"\n== {name}: {ops.describe(url)}")
    rng = random.Random(11)
    eng = ops.make_engine(url)
    first = frame(0, n, rng)
    floor = insert_floor(eng, first)
    t_first = timed(lambda: cases.sync(eng, first, "L1"))
    line(f"first sync of {n:,} new cases vs bare bulk insert of the rows", t_first, floor)
    second = pd.concat([first.iloc[200:], frame(n, 200, rng)], ignore_index=True)
    second.loc[:99, "amount_yuan"] += 1
    result = None

    def sync2():
        nonlocal result
        result = cases.sync(eng, second, "L2")
    t_second = timed(sync2)
    read = read_floor(eng)
    line(f"second sync, 500 changed {result} vs read all keys", t_second, read)
    line("same sync again (nothing to do) vs read all keys", best(lambda: cases.sync(eng, second, "L2"), 3), read)
    town = TOWNS[0]
    mine = second[second["town"] == town]["case_key"].head(100).tolist()
    who = Principal(1, "bench", "town_caseworker", town=town)
    changes = [CaseChange(k, "stopped", note="已核实") for k in mine]
    line(f"update of {len(changes)} cases (check, write, history, audit) vs read all keys",
         timed(lambda: cases.update(eng, who, changes, source="excel")), read)
    eng.dispose()


def year(name: str, url: str) -> None:
    """A year of follow-up on an empty database; prints its size beside the rows as CSV."""
    rng = random.Random(2020)
    eng = ops.make_engine(url)
    open_cases: dict[str, int] = {}        # key → months it still shows
    gone: list[pd.DataFrame] = []
    all_rows: list[pd.DataFrame] = []
    nxt = 0
    updates = 0
    t0 = time.perf_counter()
    for m in range(1, 13):
        month = f"2021-{m:02d}"
        fresh = frame(nxt, rng.randint(270, 330), rng, month)
        nxt += len(fresh)
        all_rows.append(fresh)
        for k in fresh["case_key"]:
            open_cases[k] = rng.choice((1, 1, 2, 3))
        everything = pd.concat(all_rows, ignore_index=True).set_index("case_key")
        shown = [k for k, left in open_cases.items() if left > 0]
        back = [k for k in gone[-1]["case_key"] if rng.random() < 0.03] if gone else []
        current = everything.loc[shown + back].reset_index()
        cases.sync(eng, current, f"load-{month}")
        gone.append(everything.loc[[k for k, left in open_cases.items() if left == 1]].reset_index())
        open_cases = {k: left - 1 for k, left in open_cases.items() if left > 1}
        # caseworkers: ~70% of this month's cases get a first update, a third of those a second one later
        for town in TOWNS:
            who = Principal(1, f"cw_{town}", "town_caseworker", town=town)
            ks = [k for k in fresh[fresh["town"] == town]["case_key"] if rng.random() < 0.7]
            for i in range(0, len(ks), 20):
                batch = [CaseChange(k, rng.choice(("stopped", "no_action", "false_alarm")), note="已入户核实")
                         for k in ks[i:i + 20]]
                updates += cases.update(eng, who, batch, source=rng.choice(("page", "excel")))
            seconds = [CaseChange(k, "recovered", amount_recovered=10, note="已追回部分") for k in ks
                       if rng.random() < 0.33]
            if seconds:
                updates += cases.update(eng, who, seconds, source="page")
    took = time.perf_counter() - t0
    with eng.connect() as c:
        counts = {t.name: c.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                  for t in (cases_table, case_history, audit_log)}
        csv = sum(len(pd.DataFrame(c.execute(sa.select(t)).all()).to_csv(index=False).encode())
                  for t in (cases_table, case_history, audit_log))
        if eng.dialect.name == "sqlite":
            c.exec_driver_sql("pragma wal_checkpoint(truncate)")
            size = Path(make_url(url).database).stat().st_size
        else:
            size = sum(c.exec_driver_sql(f"select pg_total_relation_size('{t}')").scalar()
                       for t in ("cases", "case_history", "audit_log"))
    eng.dispose()
    print(f"year of follow-up on {name}: {counts}, {updates:,} case updates, {took:.1f} s in all")
    print(f"{'  size (SQLite file / PostgreSQL tables with indexes) vs the rows as CSV':66s} "
          f"{size / 1e6:10.2f} MB  floor {csv / 1e6:9.2f} MB  ratio {size / csv:7.2f}")


def workbook_figures() -> None:
    rng = random.Random(3)
    f = frame(0, 1000, rng).assign(status="pending", amount_recovered=None, note=None)
    who = Principal(1, "bench", "town_caseworker", town=TOWNS[0])
    with tempfile.TemporaryDirectory() as tmp:
        eng = ops.make_engine(f"sqlite:///{tmp}/ops.sqlite")
        cases.sync(eng, f, "L1")
        data = b""

        def write():
            nonlocal data
            data = cases.workbook(f, "zh")

        def plain():
            with excel_writer(io.BytesIO()) as xw:
                f.to_excel(xw, index=False)
        floor = best(plain, 3)
        line("workbook of 1,000 cases (formats, dropdown, hidden sheet) vs to_excel", best(write, 3), floor)
        line("read_workbook of it (unchanged: nothing to check) vs to_excel",
             best(lambda: cases.read_workbook(data, "b.xlsx", who, eng), 3), floor)
        eng.dispose()


def pg_database(server_url: str):
    """A scratch database on the server at `server_url` (created now; dropped by the caller)."""
    name = f"bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(ops_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'create database "{name}"')
    return admin, name, make_url(ops_url(server_url)).set(database=name).render_as_string(hide_password=False)


def ops_url(raw: str) -> str:
    u = make_url(raw)
    return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False) \
        if u.drivername in ("postgresql", "postgres") else raw


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default=os.environ.get("SUBSIDY_TEST_PG_URL"))
    ap.add_argument("--cases", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        backend("SQLite", f"sqlite:///{tmp}/bench.sqlite", args.cases)
        year("SQLite", f"sqlite:///{tmp}/year.sqlite")
    if args.pg:
        for run in (lambda url: backend("PostgreSQL", url, args.cases), lambda url: year("PostgreSQL", url)):
            admin, name, url = pg_database(args.pg)
            try:
                run(url)
            finally:
                with admin.connect() as c:
                    c.exec_driver_sql(f'drop database if exists "{name}" with (force)')
                admin.dispose()
    else:
        print("\n(PostgreSQL not measured: pass --pg URL or set $SUBSIDY_TEST_PG_URL)")
    workbook_figures()


if __name__ == "__main__":
    main()
