"""Benchmark: the load, the analyst API, the figures, the pages' server work and the report pack, each
beside a floor measured in the same run (the machine is shared: ratios, not seconds alone, are the result).

    .venv/bin/python scripts/benchmark.py                                  # demo district, everything
    .venv/bin/python scripts/benchmark.py --persons 1000000                # generate and load 1,000,000 persons
    .venv/bin/python scripts/benchmark.py --source /tmp/bench1m/source     # load files generated before
    .venv/bin/python scripts/benchmark.py --db /tmp/bench1m/bench.duckdb --skip pack   # time an existing database

Sections (`--skip` any of them):
- load: `python -m subsidy build` in a child process (seconds, views seconds, peak RSS of the process
  tree) beside the floor: a plain DuckDB `read_csv` of the same files into a new file (child process).
- api: every API function cold and warm, beside raw scans of the rows it reads (the year's payments,
  every application, the persons) on the same connection.
- figures: every chart of the report built from frames already fetched, as now and with the template
  set on each figure (how it was built before), beside the floor `fig.to_json()` of the same figures.
- pages: a child process fetches and builds every chart of every page for one selection, cold (the
  server's script work without Streamlit, on a connection set up as the server's: `store.configure`):
  seconds and peak RSS, beside the floor of the same process that only imports the packages and opens
  the database.
- pack: the Chinese internal pack for the year (`publish.pack.build_pack`), beside the floor: Chromium
  started and each chart rendered once as SVG; and, on the same figures, each chart rendered in all
  three formats (how the pack rendered before) and rendered once as SVG with its PNG and PDF converted
  on the page (how it renders now), for the before/after in the same run.

Generated files and databases go to a scratch folder (never the dashboard's database); results are
printed and written as JSON beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import plotly.io as pio
import psutil

import queries
from publish import charts, figures, figures_check, figures_decisions, figures_policy, figures_trends, style
from publish import pack as report_pack
from publish import render as export_render
from simulator.generate import generate

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("load", "api", "figures", "pages", "pack")


# ---------------------------------------------------------------- child processes, timed with their peak memory
def process_cpu() -> float:
    """CPU seconds (user + system) of this process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class TreeCpu:
    """CPU seconds of this process's descendants (Chromium and its helpers) while the block runs, sampled
    every `poll` s (the last sample of each process counts). On a machine shared with other work, CPU
    time is the figure that does not depend on the others' load."""

    def __init__(self, poll: float = 0.2) -> None:
        self.poll, self.last = poll, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for child in psutil.Process().children(recursive=True):
            try:
                t = child.cpu_times()
                self.last[child.pid] = t.user + t.system
            except psutil.Error:
                pass

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            self._sample()

    def __enter__(self) -> "TreeCpu":
        self._sample()
        self.start = dict(self.last)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._sample()
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(v - self.start.get(pid, 0.0) for pid, v in self.last.items())


def run_measured(cmd: list[str], env: dict | None = None, poll: float = 0.1) -> dict:
    """Run `cmd`; wall seconds, the peak RSS of its process tree (sampled every `poll` s) and its output."""
    t0, kids0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    parent = psutil.Process(proc.pid)
    peak = 0
    out_chunks: list[str] = []
    while proc.poll() is None:
        try:
            procs = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(poll)
    out_chunks.append(proc.stdout.read() if proc.stdout else "")
    seconds = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = kids.ru_utime + kids.ru_stime - kids0.ru_utime - kids0.ru_stime
    out = "".join(out_chunks)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}… failed ({proc.returncode}):\n{out[-3000:]}")
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(peak / 2**20), "output": out}


FLOOR_SCRIPT = textwrap.dedent("""
    import sys, duckdb
    from pathlib import Path
    source, db = Path(sys.argv[1]), sys.argv[2]
    con = duckdb.connect(db)
    for f in sorted(source.glob("*.csv")):
        con.execute(f"create table {f.stem} as select * from read_csv('{f}')")
    con.execute("checkpoint")
    con.close()
""")


def bench_load(source: Path, work: Path) -> dict:
    """The build command on `source` beside DuckDB's read_csv of the same files (each in a child process)."""
    floor_db, db = work / "floor.duckdb", work / "bench.duckdb"
    for p in (floor_db, db):
        p.unlink(missing_ok=True)
    floor = run_measured([sys.executable, "-c", FLOOR_SCRIPT, str(source), str(floor_db)])
    floor_db.unlink(missing_ok=True)
    load = run_measured([sys.executable, "-m", "subsidy", "build", "--source", str(source), "--db", str(db)],
                        env={"SUBSIDY_INSTALL_TIMING": "1"})
    m = re.search(r"\(([\d.]+) s, 视图 views ([\d.]+) s\)", load["output"])
    steps = sorted(((float(t), label.strip()) for t, label in
                    re.findall(r"^install\s+([\d.]+) s  (.+)$", load["output"], re.M) if "total" not in label),
                   reverse=True)
    # CPU seconds per step (queries.install prints them): the ranking a busy machine does not reorder
    cpu_steps = sorted(((float(c), re.sub(r"\s*\[cpu .*\]$", "", label)) for _, label in steps
                        for c in re.findall(r"\[cpu ([\d.]+) s\]", label)), reverse=True)
    out = {
        "source_mb": round(sum(f.stat().st_size for f in source.glob("*.csv")) / 1e6, 1),
        "floor_read_csv_s": floor["seconds"], "floor_peak_rss_mb": floor["peak_rss_mb"],
        "load_s": load["seconds"], "load_peak_rss_mb": load["peak_rss_mb"],
        "views_s": float(m.group(2)) if m else None,
        "ratio": round(load["seconds"] / floor["seconds"], 2),
        "floor_cpu_s": floor["cpu_s"], "load_cpu_s": load["cpu_s"],
        "cpu_ratio": round(load["cpu_s"] / floor["cpu_s"], 2) if floor["cpu_s"] else None,
        "slowest_views": [f"{label} {t:.1f} s" for t, label in steps[:6]],
        "views_cpu_s": round(sum(c for c, _ in cpu_steps), 1),
        "most_cpu_views": [f"{label} {c:.1f} s CPU" for c, label in cpu_steps[:6]],
        "db": str(db), "db_mb": round(db.stat().st_size / 1e6, 1),
    }
    print(f"load {out['load_s']} s (views {out['views_s']} s, peak {out['load_peak_rss_mb']} MB) | floor read_csv "
          f"{out['floor_read_csv_s']} s (peak {out['floor_peak_rss_mb']} MB) | ratio {out['ratio']}× | CPU "
          f"{out['load_cpu_s']} s vs {out['floor_cpu_s']} s: {out['cpu_ratio']}×")
    print("  slowest install steps: " + "; ".join(out["slowest_views"]))
    print(f"  install CPU {out['views_cpu_s']} s; most CPU: " + "; ".join(out["most_cpu_views"]))
    return out


# ---------------------------------------------------------------- API
def api_calls(con, year: int, town: str, gap_town: str | None):
    """(label, floor name, zero-argument callable) for every public API function, with realistic filters."""
    tier = queries.program_tiers(con).iloc[0]   # the first tier of the catalogue, 60 yuan more
    return [
        ("kpi_overview", "payments", lambda: queries.kpi_overview(con, year=year)),
        ("kpi_overview town", "payments", lambda: queries.kpi_overview(con, year=year, town=town)),
        ("monthly_spend", "payments", lambda: queries.monthly_spend(con, year=year)),
        ("coverage_by_category", "persons+payers", lambda: queries.coverage_by_category(con, year=year)),
        ("coverage_by town", "persons+payers", lambda: queries.coverage_by(con, year=year, by="town")),
        ("coverage_by age_band", "persons+payers", lambda: queries.coverage_by(con, year=year, by="age_band")),
        ("targeting_errors", "payments", lambda: queries.targeting_errors(con, year=year)),
        ("priority_children", "payments", lambda: queries.priority_children(con, year=year)),
        ("spend_by_program", "payments", lambda: queries.spend_by_program(con, year=year)),
        ("spend_by_tier", "payments", lambda: queries.spend_by_tier(con, year=year)),
        ("benefit_incidence category", "payments", lambda: queries.benefit_incidence(con, year=year, by="category")),
        ("processing_times program", "applications", lambda: queries.processing_times(con, by="program")),
        ("processing_times route", "applications", lambda: queries.processing_times(con, by="route")),
        ("duration_stats", "applications", lambda: queries.duration_stats(con)),
        ("application_durations", "applications", lambda: queries.application_durations(con, year=year)),
        ("reform_savings", "applications", lambda: queries.reform_savings(con, year=year)),
        ("census_gaps", "payments", lambda: queries.census_gaps(con, year=year)),
        ("census_gaps_by_area town", "payments", lambda: queries.census_gaps_by_area(con, year=year, level="town")),
        ("gap_people not_surveyed", "persons+payers",
         lambda: queries.gap_people(con, gap="not_surveyed", year=year, town=gap_town)),
        ("gap_people eligible_unpaid", "payments", lambda: queries.gap_people(con, gap="eligible_unpaid", year=year)),
        # issue 14: policy simulation (the rule re-evaluated as it stands; living subsidy at 35%; nursing subsidy
        # extended to grade-3 肢体 at 135 yuan), trends over every year, flows, decisions, status-change sources
        ("policy_simulation as it stands", "eligible+payments",
         lambda: queries.policy_simulation(con, year, rule="living_subsidy")),
        ("policy_simulation living 35%", "eligible+payments", lambda: queries.policy_simulation(
            con, year, rule="living_subsidy", branch="dibao_or_dibian", share=0.35)),
        ("policy_simulation nursing g3", "eligible+payments", lambda: queries.policy_simulation(
            con, year, rule="nursing_subsidy", branch="grade_3_physical", categories="肢体", grade_equals=3,
            amount=135)),
        ("tier_simulation +60 yuan", "payments", lambda: queries.tier_simulation(
            con, year, program=tier.program_id, tier=int(tier.tier), amount=float(tier.amount) + 60)),
        ("kpi_trends", "payments", lambda: queries.kpi_trends(con)),
        ("gap_trends", "payments", lambda: queries.gap_trends(con)),
        ("program_flows", "payments", lambda: queries.program_flows(con, year=year)),
        ("application_decisions program", "applications", lambda: queries.application_decisions(con, year=year)),
        ("status_event_sources", "persons+payers", lambda: queries.status_event_sources(con, year=year)),
    ]


def floors(con, year: int) -> dict[str, callable]:
    """Raw scans of the rows the API reads: what no query over them can beat without pre-aggregation."""
    return {
        "payments": lambda: con.execute(
            "select month(period) as m, sum(amount), count(distinct person_id), count(*) from payments "
            "where year(period) = ? group by m", [year]).fetchdf(),
        "applications": lambda: con.execute(
            "select program_id, count(*), median(first_paid_date - submitted_date) from applications "
            "group by program_id").fetchdf(),
        # the simulation: the year's eligible person-months and payments, by month (what it read before masks)
        "eligible+payments": lambda: con.execute(
            "select m, count(*) from (select month(month) as m from int_eligibility_months where year = ? "
            "union all select month(period) from payments where year(period) = ?) group by m", [year, year]).fetchdf(),
        # coverage: the persons by one breakdown, each marked paid or not from the year's payments
        "persons+payers": lambda: con.execute(
            "select town, count(*), count(*) filter (where person_id in (select person_id from payments "
            "where year(period) = ?)) from persons group by town", [year]).fetchdf(),
    }


def timed(call, repeat: int) -> tuple[float, float, object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = call()
        runs.append(time.perf_counter() - t0)
    return runs[0], statistics.median(runs[1:]) if len(runs) > 1 else runs[0], out


def bench_api(con, year: int, repeat: int) -> dict:
    town = queries.towns(con)[0]
    floor_ms = {}
    for name, call in floors(con, year).items():
        _, warm, _ = timed(call, repeat)
        floor_ms[name] = round(warm * 1000, 1)
    print(f"\n{'API call':30} {'cold ms':>9} {'warm ms':>9} {'rows':>8} {'floor':>14} {'floor ms':>9} {'ratio':>6}")
    timings = {}
    for label, floor, call in api_calls(con, year, town, town):
        cold, warm, frame = timed(call, repeat)
        ratio = warm * 1000 / floor_ms[floor] if floor_ms[floor] else float("nan")
        timings[label] = {"cold_ms": round(cold * 1000, 1), "warm_ms": round(warm * 1000, 1), "rows": len(frame),
                          "floor": floor, "floor_ms": floor_ms[floor], "ratio": round(ratio, 2)}
        print(f"{label:30} {cold * 1000:9.1f} {warm * 1000:9.1f} {len(frame):8d} {floor:>14} {floor_ms[floor]:9.1f} "
              f"{ratio:6.2f}")
    return {"floors_ms": floor_ms, "calls": timings}


# ---------------------------------------------------------------- figures
def _build_all(specs, sel, labels_, run) -> list:
    return [charts.render(s.id, sel, labels_, run=run).chart.fig for s in specs]


def bench_figures(con, year: int, repeat: int) -> dict:
    """Every chart built from fetched frames: now, with the template set per figure (before), and to_json."""
    sel = charts.Selection(year=year)
    labels_ = charts.labels("zh")
    run = charts.direct_runner(con)
    specs = charts.specs_for(sel)
    _build_all(specs, sel, labels_, run)   # fetch every frame once
    _, now, figs = timed(lambda: _build_all(specs, sel, labels_, run), repeat)
    _, floor, _ = timed(lambda: [f.to_json() for f in figs if f is not None], repeat)

    layout = style.base_layout
    default = pio.templates.default

    def per_figure(fig, title, **kw):   # base_layout as it was: the template validated on every figure
        return layout(fig.update_layout(template=style.TEMPLATE), title, **kw)

    # every builder module binds base_layout at import: each gets the old one (figures alone left the
    # trends, checks, decisions and policy charts on the bare default template: "identical JSON: False")
    builders = [figures, figures_check, figures_decisions, figures_policy, figures_trends]
    for mod in builders:
        mod.base_layout = per_figure
    pio.templates.default = "plotly"
    try:
        _, before, old = timed(lambda: _build_all(specs, sel, labels_, run), repeat)
    finally:
        for mod in builders:
            mod.base_layout = layout
        pio.templates.default = default
    same = [a.to_json() for a in figs if a is not None] == [b.to_json() for b in old if b is not None]
    out = {"charts": len(specs), "build_s": round(now, 3), "build_before_s": round(before, 3),
           "floor_to_json_s": round(floor, 3), "ratio": round(now / floor, 2),
           "ratio_before": round(before / floor, 2), "identical_json": same}
    print(f"\nfigures: {len(specs)} charts built in {now:.2f} s (template per figure: {before:.2f} s) | floor to_json "
          f"{floor:.2f} s | ratio {out['ratio']}× (before {out['ratio_before']}×) | identical JSON: {same}")
    return out


# ---------------------------------------------------------------- pages (server work, cold, own process)
PAGES_SCRIPT = textwrap.dedent("""
    import json, sys, time, psutil
    import queries
    from dashboard import store   # the server's connection settings (DuckDB's memory cap)
    from publish import charts, kpis
    db, year, only_floor = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "floor"
    con = queries.connect(db)
    store.configure(con)
    out = {}
    if not only_floor:
        sel = charts.Selection(year=year)
        labels_ = charts.labels("zh")
        run = charts.direct_runner(con)
        for page in ("overview", "coverage", "spend", "processing", "gaps"):
            t0 = time.perf_counter()
            for spec in charts.specs_for(sel, page):
                charts.render(spec.id, sel, labels_, run=run)
            if page == "overview":
                kpis.kpi_frames(run, year, sel.filters(), run(queries.years))
            out[page] = round(time.perf_counter() - t0, 3)
    out["rss_mb"] = round(psutil.Process().memory_info().rss / 2**20)
    print("PAGES " + json.dumps(out))
""")


def bench_pages(db: Path, year: int) -> dict:
    floor = run_measured([sys.executable, "-c", PAGES_SCRIPT, str(db), str(year), "floor"])
    pages = run_measured([sys.executable, "-c", PAGES_SCRIPT, str(db), str(year), "pages"])
    per_page = json.loads(pages["output"].split("PAGES ", 1)[1])
    per_page.pop("rss_mb", None)
    out = {"per_page_cold_s": per_page, "process_s": pages["seconds"], "peak_rss_mb": pages["peak_rss_mb"],
           "floor_process_s": floor["seconds"], "floor_peak_rss_mb": floor["peak_rss_mb"],
           "rss_ratio": round(pages["peak_rss_mb"] / floor["peak_rss_mb"], 2)}
    print("\npages (server work, cold, one process): " + ", ".join(f"{k} {v:.2f} s" for k, v in per_page.items())
          + f" | peak RSS {out['peak_rss_mb']} MB | floor (imports + connection) {out['floor_peak_rss_mb']} MB, "
          f"{out['floor_process_s']} s")
    return out


# ---------------------------------------------------------------- the report pack
def bench_pack(con, year: int, work: Path) -> dict:
    got = report_pack.collect(con, charts.Selection(year=year), lang="zh")
    figs = [r.chart.fig for r in got.rendered if r.chart.fig is not None]
    size = dict(width=report_pack.CHART_WIDTH)

    def svg_once():
        with export_render.render_session() as renderer:
            for f in figs:
                renderer.render(f, "svg", height=int(f.layout.height or report_pack.DEFAULT_HEIGHT), **size)

    def three_formats():   # how the pack rendered before: plotly lays every figure out for each format
        with export_render.render_session() as renderer:
            for f in figs:
                h = int(f.layout.height or report_pack.DEFAULT_HEIGHT)
                for fmt in ("png", "svg", "pdf"):
                    renderer.render(f, fmt, height=h, scale=report_pack.PNG_SCALE if fmt == "png" else 1, **size)

    def converted():       # how the pack renders now: one SVG per figure, its PNG and PDF converted on the page
        with export_render.render_session() as renderer:
            done = []
            for f in figs:
                h = int(f.layout.height or report_pack.DEFAULT_HEIGHT)
                svg = renderer.submit(f, "svg", height=h, **size)
                done += [svg] + [renderer.submit_from_svg(svg, fmt, height=h, **size,
                                                          scale=report_pack.PNG_SCALE if fmt == "png" else 1)
                                 for fmt in ("png", "pdf")]
            for d in done:
                d.result()

    def measured(fn) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), process_cpu()
        with TreeCpu() as tree:
            fn()
        return time.perf_counter() - t0, process_cpu() - c0 + tree.seconds

    floor, floor_cpu = measured(svg_once)
    kept, kept_cpu = measured(three_formats)
    conv, conv_cpu = measured(converted)
    out_dir = work / "pack"
    box = {}
    total, total_cpu = measured(lambda: box.setdefault("r", report_pack.build_pack(con, year, out_dir)))
    result = box["r"]
    out = {"charts": len(figs), "pack_s": round(total, 2), "pack_render_s": round(result.render_seconds, 2),
           "renders": result.renders, "floor_svg_once_s": round(floor, 2),
           "three_formats_rendered_s": round(kept, 2), "svg_rendered_png_pdf_converted_s": round(conv, 2),
           "ratio": round(total / floor, 2), "pack_cpu_s": round(total_cpu, 2), "floor_cpu_s": round(floor_cpu, 2),
           "cpu_ratio": round(total_cpu / floor_cpu, 2), "three_formats_rendered_cpu_s": round(kept_cpu, 2),
           "svg_rendered_png_pdf_converted_cpu_s": round(conv_cpu, 2)}
    print(f"\npack {total:.1f} s ({result.renders} renders, {result.render_seconds:.1f} s rendering) | floor: "
          f"Chromium + {len(figs)} SVGs {floor:.1f} s | ratio {out['ratio']}× | charts × PNG/SVG/PDF: "
          f"{kept:.1f} s each format rendered, {conv:.1f} s SVG rendered and PNG/PDF converted")
    print(f"  CPU seconds (this process and Chromium): pack {total_cpu:.1f}, floor {floor_cpu:.1f} "
          f"({out['cpu_ratio']}×); charts × 3 formats rendered {kept_cpu:.1f}, converted {conv_cpu:.1f}")
    return out


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=None, help="district size (default: the demo district)")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temp dir)")
    parser.add_argument("--source", type=Path, default=None, help="contract files generated before (skips generate)")
    parser.add_argument("--db", type=Path, default=None,
                        help="time the rest on this existing database (skips generation and load)")
    parser.add_argument("--skip", action="append", default=[], choices=SECTIONS, help="leave out a section")
    args = parser.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="subsidy-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {"persons": args.persons or "demo default", "cpus": os.cpu_count(),
                                  "load_average_at_start": round(os.getloadavg()[0], 2)}
    print(f"load average {results['load_average_at_start']} on {os.cpu_count()} CPUs; scratch {work}")
    if args.db:
        db = args.db
    else:
        source = args.source
        if source is None:
            source = work / "source"
            t0 = time.perf_counter()
            generate(source, persons=args.persons)
            results["generate_s"] = round(time.perf_counter() - t0, 2)
        if "load" in args.skip:
            parser.error("--skip load needs --db")
        results["load"] = bench_load(source, work)
        db = Path(results["load"]["db"])
    results["db"] = str(db)

    con = queries.connect(db)
    if "api" not in args.skip:
        results["api"] = bench_api(con, args.year, args.repeat)
    if "figures" not in args.skip:
        results["figures"] = bench_figures(con, args.year, args.repeat)
    if "pages" not in args.skip:
        results["pages"] = bench_pages(db, args.year)
    if "pack" not in args.skip:
        results["pack"] = bench_pack(con, args.year, work)
    con.close()
    (work / "benchmark.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nresults: {work / 'benchmark.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
