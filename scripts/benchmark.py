"""Benchmark: time the load and every analyst-API function on a district of a chosen size.

    .venv/bin/python scripts/benchmark.py                       # demo district
    .venv/bin/python scripts/benchmark.py --persons 1000000     # a 1,000,000-person district

Each district is generated into a scratch folder and loaded into its own DuckDB file (never the
dashboard's database). Every API call runs `--repeat` times; the table shows the first (cold) call and
the median of the others (warm). Results are also written as JSON beside the database.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import queries
from simulator.generate import generate
from subsidy.build import build_database


def api_calls(con, year: int, town: str, gap_town: str | None):
    """(label, zero-argument callable) for every public API function, with realistic filters."""
    return [
        ("kpi_overview", lambda: queries.kpi_overview(con, year=year)),
        ("kpi_overview town", lambda: queries.kpi_overview(con, year=year, town=town)),
        ("monthly_spend", lambda: queries.monthly_spend(con, year=year)),
        ("coverage_by_category", lambda: queries.coverage_by_category(con, year=year)),
        ("coverage_by town", lambda: queries.coverage_by(con, year=year, by="town")),
        ("coverage_by age_band", lambda: queries.coverage_by(con, year=year, by="age_band")),
        ("targeting_errors", lambda: queries.targeting_errors(con, year=year)),
        ("priority_children", lambda: queries.priority_children(con, year=year)),
        ("spend_by_program", lambda: queries.spend_by_program(con, year=year)),
        ("spend_by_tier", lambda: queries.spend_by_tier(con, year=year)),
        ("benefit_incidence category", lambda: queries.benefit_incidence(con, year=year, by="category")),
        ("processing_times program", lambda: queries.processing_times(con, by="program")),
        ("processing_times route", lambda: queries.processing_times(con, by="route")),
        ("application_durations", lambda: queries.application_durations(con, year=year)),
        ("reform_savings", lambda: queries.reform_savings(con, year=year)),
        ("census_gaps", lambda: queries.census_gaps(con, year=year)),
        ("census_gaps_by_area town", lambda: queries.census_gaps_by_area(con, year=year, level="town")),
        ("gap_people not_surveyed", lambda: queries.gap_people(con, gap="not_surveyed", year=year, town=gap_town)),
        ("gap_people eligible_unpaid", lambda: queries.gap_people(con, gap="eligible_unpaid", year=year)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=None, help="district size (default: the demo district)")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temp dir)")
    parser.add_argument("--db", type=Path, default=None,
                        help="time the API on this existing database (skips generation and load)")
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="subsidy-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"persons": args.persons or "demo default"}
    if args.db:
        db = args.db
        results["db"] = str(db)
    else:
        source, db = work / "source", work / "bench.duckdb"
        t0 = time.perf_counter()
        generate(source, persons=args.persons)
        results["generate_s"] = round(time.perf_counter() - t0, 2)
        results["source_mb"] = round(sum(f.stat().st_size for f in source.glob("*.csv")) / 1e6, 1)

        t0 = time.perf_counter()
        build_database(source, db)
        results["load_s"] = round(time.perf_counter() - t0, 2)
        results["db_mb"] = round(db.stat().st_size / 1e6, 1)
        print(f"generate {results['generate_s']} s ({results['source_mb']} MB of CSV), "
              f"load {results['load_s']} s ({results['db_mb']} MB database)")

    con = queries.connect(db)
    town = queries.towns(con)[0]
    timings = {}
    print(f"\n{'API call':32} {'cold ms':>9} {'warm ms':>9} {'rows':>7}")
    for label, call in api_calls(con, args.year, town, town):
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            frame = call()
            runs.append((time.perf_counter() - t0) * 1000)
        warm = statistics.median(runs[1:]) if len(runs) > 1 else runs[0]
        timings[label] = {"cold_ms": round(runs[0], 1), "warm_ms": round(warm, 1), "rows": len(frame)}
        print(f"{label:32} {runs[0]:9.1f} {warm:9.1f} {len(frame):7d}")
    con.close()
    results["api"] = timings
    (work / "benchmark.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nresults: {work / 'benchmark.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
