"""Install the analytics layer into a freshly loaded database: calendar, rule seeds, macros, views.

The loader calls `install_views(con)` once per load, on the read-write connection of the new file,
after every contract table is loaded. Afterwards the database is opened read-only, so the heavy
intermediate facts (header `-- materialized: table`) are created as tables here and the API only
aggregates them.

Order of work:
1. `calendar_days(day, is_workday, workday_seq, source)`: every day of the data range with a year of
   margin on each side. Working days come from `chinese_calendar` (official holidays and the 调休
   make-up Saturdays/Sundays, source = 'chinese_calendar'). For years the package does not know
   (it covers 2004–2026) the fallback is Monday–Friday (source = 'weekday_fallback'): holidays of
   those years are then counted as working days, which the dashboard's help text says.
   workday_seq = number of working days from the start of the table up to and including the day, so
   the working days d with a < d <= b are workday_seq(b) - workday_seq(a).
2. Seeds from `queries/seeds/*.csv` (rules held as data: eligibility_rules, gap_keys, tier_conditions,
   each validated), `need_groups(need, program_group, gap)`
   built from `contract.NEED_GROUP`, and every optional contract table the load lacks (`medication`),
   created empty.
3. Macros: `mask_id`, `mask_name` from `contract.masking.install_macros` (ARCHITECTURE.md masking,
   one rule for every package), then `queries/sql/macros/*.sql`: `age_in_months`, `age_band` (age.sql).
4. Every `queries/sql/{staging,intermediate,marts}/**/*.sql` as a view (or a table when marked), in
   dependency order.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import chinese_calendar
import duckdb
import pandas as pd

from contract import CATEGORIES, NEED_GROUP, OPTIONAL_TABLES, TABLES, create_table_sql, masking

SQL_DIR = Path(__file__).resolve().parent / "sql"
SEED_DIR = Path(__file__).resolve().parent / "seeds"
# The view layers, in the order a reader meets them (dbt's staging → intermediate → marts); the
# install order itself comes from the references between the files, not from this tuple.
VIEW_LAYERS = ("staging", "intermediate", "marts")
# SQL macros, one file per macro group, created before the views that call them.
MACRO_DIR = SQL_DIR / "macros"

# The calendar never reaches further than this, whatever stray date a file holds.
CALENDAR_FLOOR = 1990
CALENDAR_CEILING = 2060
DEFAULT_YEARS = (2015, 2026)

# Typed columns of the seeds (a seed the code does not type is refused: rules must not drift silently).
SEED_TYPES: dict[str, dict[str, str]] = {
    "eligibility_rules": {
        "rule": "VARCHAR",
        "branch": "VARCHAR",
        "priority_group": "VARCHAR",
        "cert_statuses": "VARCHAR",
        "requires_household": "VARCHAR",
        "categories": "VARCHAR",
        "grade_max": "INTEGER",
        "grade_equals": "INTEGER",
        "min_age_months": "INTEGER",
        "max_age_months": "INTEGER",
        "amount_share_of_dibao": "DECIMAL(6,4)",
        "description": "VARCHAR",
    },
    "gap_keys": {
        "gap": "VARCHAR",
        "sort_order": "INTEGER",
        "case_kind": "VARCHAR",
        "label_zh": "VARCHAR",
        "label_en": "VARCHAR",
        "definition": "VARCHAR",
        "definition_zh": "VARCHAR",
    },
    "tier_conditions": {
        "rule": "VARCHAR",
        "program_id": "VARCHAR",
        "tier": "INTEGER",
        "cert_statuses": "VARCHAR",
        "categories": "VARCHAR",
        "grades": "VARCHAR",
        "nursing_levels": "VARCHAR",
        "min_age_years": "INTEGER",
        "max_age_years": "INTEGER",
        "description": "VARCHAR",
    },
}

HOUSEHOLD_VALUES = {None, "dibao_or_dibian", "dibao", "dibian"}
CERT_STATUSES = {"持证", "评定表", "疑似"}

_HEADER_RE = re.compile(r"^\s*--\s*(grain|materialized|depends|params)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_PARAM_NAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_REF_RE = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
_COMMENT_RE = re.compile(r"--[^\n]*")


# ----------------------------------------------------------------------------- sql files
def sql_files(sql_dir: Path = SQL_DIR) -> dict[str, Path]:
    """View name → its .sql file, from every layer folder (VIEW_LAYERS) of `sql_dir`, searched recursively.

    The file name is the view name, so it must be unique across the layers: a second file of the same
    name is a ValueError naming both (it would silently replace the first view). Files elsewhere under
    `sql_dir` (api/, macros/) are not views.
    """
    files: dict[str, Path] = {}
    for layer in VIEW_LAYERS:
        for path in sorted((sql_dir / layer).rglob("*.sql")):
            if path.stem in files:
                raise ValueError(f"two view files named {path.stem}: {files[path.stem]} and {path}")
            files[path.stem] = path
    return files


def read_header(text: str) -> dict[str, str]:
    """The `-- key: value` lines of a file's leading comment block (grain, materialized, depends).

    A line indented deeper than `-- ` right after a header line continues it (a grain on two lines).
    """
    header: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break
        m = _HEADER_RE.match(stripped)
        if m:
            last = m.group(1).lower()
            header[last] = (header.get(last, "") + " " + m.group(2)).strip()
        elif last is not None and re.match(r"--\s{2,}\S", stripped):
            header[last] += " " + stripped[2:].strip()
        else:
            last = None
    return header


def references(text: str, names: set[str]) -> set[str]:
    """Views of `names` that a SQL text reads (`from x` / `join x`, plus `-- depends: a, b`)."""
    header = read_header(text)
    declared = {d.strip() for d in header.get("depends", "").split(",") if d.strip()}
    body = _COMMENT_RE.sub(" ", text)
    found = {m.group(1).lower() for m in _REF_RE.finditer(body)}
    return (found | declared) & names


def install_order(sql_dir: Path = SQL_DIR) -> list[str]:
    """View names in an order where every view comes after the views it reads.

    Raises ValueError naming the views involved when the references form a cycle, or when a
    `-- depends:` names a view that has no file.
    """
    files = sql_files(sql_dir)
    names = set(files)
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        declared = {d.strip() for d in read_header(text).get("depends", "").split(",") if d.strip()}
        missing = declared - names
        if missing:
            raise ValueError(f"{path.name}: -- depends names unknown views {sorted(missing)}")
        graph[name] = references(text, names) - {name}
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as exc:  # pragma: no cover - message path tested via ValueError
        raise ValueError(f"view references form a cycle: {exc.args[1]}") from exc
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return order


def macro_params(header: dict[str, str], file_name: str) -> str:
    """The parameter list of a `-- materialized: macro` file: every name of its `-- params:` line, each
    defaulting to NULL (called with no argument, the macro is the view it replaces)."""
    names = [p.strip() for p in header.get("params", "").split(",") if p.strip()]
    bad = [p for p in names if not _PARAM_NAME_RE.fullmatch(p)]
    if bad or not names:
        raise ValueError(f"{file_name}: a macro needs '-- params: a, b' with plain names, got {bad or 'none'}")
    return ", ".join(f"{p} := null" for p in names)


# ----------------------------------------------------------------------------- calendar
def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute(
        "select count(*) from duckdb_tables() where table_name = $name", {"name": name}
    ).fetchall()[0][0] > 0


def data_years(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """First and last year the data touches (parameters, applications, payments), clamped to a sane span."""
    parts = []
    if _table_exists(con, "parameters"):
        parts.append("select min(year) as lo, max(year) as hi from parameters")
    if _table_exists(con, "applications"):
        parts.append(
            "select least(min(year(submitted_date)), min(year(first_paid_date))), "
            "greatest(max(year(submitted_date)), max(year(first_paid_date))) from applications"
        )
    if _table_exists(con, "payments"):
        parts.append(
            "select least(min(year(period)), min(year(paid_date))), "
            "greatest(max(year(period)), max(year(paid_date))) from payments"
        )
    lo = hi = None
    for sql in parts:
        a, b = con.execute(sql).fetchall()[0]
        if a is not None:
            lo = a if lo is None else min(lo, a)
        if b is not None:
            hi = b if hi is None else max(hi, b)
    if lo is None or hi is None:
        lo, hi = DEFAULT_YEARS
    lo = max(CALENDAR_FLOOR, min(int(lo), CALENDAR_CEILING))
    hi = min(CALENDAR_CEILING, max(int(hi), lo))
    return lo, hi


def calendar_frame(first_year: int, last_year: int) -> pd.DataFrame:
    """Every day from 1 Jan first_year to 31 Dec last_year with the working-day flag and its source."""
    days = pd.date_range(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), freq="D")
    flags, sources = [], []
    for ts in days:
        d = ts.date()
        try:
            flags.append(bool(chinese_calendar.is_workday(d)))
            sources.append("chinese_calendar")
        except NotImplementedError:
            flags.append(d.weekday() < 5)
            sources.append("weekday_fallback")
    frame = pd.DataFrame({"day": [ts.date() for ts in days], "is_workday": flags, "source": sources})
    frame["workday_seq"] = frame["is_workday"].astype("int64").cumsum()
    return frame[["day", "is_workday", "workday_seq", "source"]]


def create_calendar(con: duckdb.DuckDBPyConnection, margin_years: int = 1) -> tuple[int, int]:
    """Create `calendar_days` over the data range plus `margin_years` on each side; returns the years."""
    lo, hi = data_years(con)
    lo, hi = lo - margin_years, hi + margin_years
    frame = calendar_frame(lo, hi)
    con.register("calendar_frame_", frame)
    try:
        con.execute(
            "create or replace table calendar_days as "
            "select day::date as day, is_workday::boolean as is_workday, "
            "workday_seq::integer as workday_seq, source::varchar as source "
            "from calendar_frame_ order by day"
        )
    finally:
        con.unregister("calendar_frame_")
    return lo, hi


# ----------------------------------------------------------------------------- seeds
def load_seed(con: duckdb.DuckDBPyConnection, name: str, path: Path | None = None) -> None:
    """Load one seed CSV as table `name`, typed by SEED_TYPES (empty cells → NULL)."""
    path = path or SEED_DIR / f"{name}.csv"
    types = SEED_TYPES.get(name)
    if types is None:
        raise ValueError(f"seed {path.name} has no declared column types in SEED_TYPES")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(frame.columns) != list(types):
        raise ValueError(f"seed {path.name}: columns {list(frame.columns)} != expected {list(types)}")
    frame = frame.replace({"": None})
    con.register("seed_frame_", frame)
    try:
        casts = ", ".join(f'"{c}"::{t} as "{c}"' for c, t in types.items())
        con.execute(f"create or replace table {name} as select {casts} from seed_frame_")
    finally:
        con.unregister("seed_frame_")


def validate_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a rule seed with values the SQL does not understand (a typo would silently match nobody)."""
    rows = con.execute(
        "select rule, branch, cert_statuses, requires_household, categories from eligibility_rules"
    ).fetchall()
    seen = set()
    branches_per_rule: dict[str, int] = {}
    for rule, branch, certs, household, categories in rows:
        branches_per_rule[rule] = branches_per_rule.get(rule, 0) + 1
        if branches_per_rule[rule] > 62:  # int_eligibility_months holds a rule's branches as bits of a bigint
            raise ValueError(f"eligibility_rules {rule}: more than 62 branches")
        if not rule or not branch:
            raise ValueError("eligibility_rules: rule and branch are required")
        if (rule, branch) in seen:
            raise ValueError(f"eligibility_rules: duplicate branch {rule}/{branch}")
        seen.add((rule, branch))
        if not certs or not set(certs.split("|")) <= CERT_STATUSES:
            raise ValueError(f"eligibility_rules {rule}/{branch}: bad cert_statuses {certs!r}")
        if household not in HOUSEHOLD_VALUES:
            raise ValueError(f"eligibility_rules {rule}/{branch}: bad requires_household {household!r}")
        if categories and not set(categories.split("|")) <= set(CATEGORIES):
            raise ValueError(f"eligibility_rules {rule}/{branch}: bad categories {categories!r}")


def validate_tier_conditions(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a tier-condition seed the SQL would misread (int_payment_expected reads it).

    One row is one OR-branch of a tier's condition, keyed by exactly one of `rule` (every program with
    that rule key) or `program_id` (one program; its rows replace its rule key's), and `tier` >= 1.
    Lists are '|'-separated: cert_statuses of 持证/评定表/疑似, categories of the contract's seven,
    grades 1–4, nursing_levels 1–3; ages are whole years, min <= max. Empty = no condition."""
    rows = con.execute(
        "select rule, program_id, tier, cert_statuses, categories, grades, nursing_levels, "
        "min_age_years, max_age_years from tier_conditions"
    ).fetchall()
    allowed = {"cert_statuses": CERT_STATUSES, "categories": set(CATEGORIES),
               "grades": {"1", "2", "3", "4"}, "nursing_levels": {"1", "2", "3"}}
    for rule, program_id, tier, certs, categories, grades, levels, lo, hi in rows:
        where = f"tier_conditions row {rule or program_id}/tier {tier}"
        if bool(rule) == bool(program_id):
            raise ValueError(f"{where}: exactly one of rule and program_id is required")
        if tier is None or tier < 1:
            raise ValueError(f"{where}: tier must be an integer >= 1")
        for column, value in (("cert_statuses", certs), ("categories", categories), ("grades", grades),
                              ("nursing_levels", levels)):
            if value is not None and not set(value.split("|")) <= allowed[column]:
                raise ValueError(f"{where}: bad {column} {value!r} (allowed: {'|'.join(sorted(allowed[column]))})")
        if any(a is not None and a < 0 for a in (lo, hi)) or (lo is not None and hi is not None and lo > hi):
            raise ValueError(f"{where}: bad age band {lo!r}–{hi!r} (whole years, min <= max)")


def create_need_groups(con: duckdb.DuckDBPyConnection) -> None:
    """`need_groups(need, program_group, gap)`: the census need → program group map of the contract."""
    frame = pd.DataFrame(
        {
            "need": list(NEED_GROUP),
            "program_group": list(NEED_GROUP.values()),
            "gap": [f"unmet_{need}" for need in NEED_GROUP],
        }
    )
    con.register("need_frame_", frame)
    try:
        con.execute(
            "create or replace table need_groups as select need::varchar as need, "
            "program_group::varchar as program_group, gap::varchar as gap from need_frame_"
        )
    finally:
        con.unregister("need_frame_")


def create_missing_optional_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create, empty and typed, every optional contract table (medication) the database lacks.

    The views read them unconditionally; an absent optional file then means "no rows", not a failed
    install. Returns the tables created.
    """
    created = []
    for name in sorted(OPTIONAL_TABLES):
        if not _table_exists(con, name):
            con.execute(create_table_sql(TABLES[name]))
            created.append(name)
    return created


# ----------------------------------------------------------------------------- macros
def macro_files(macro_dir: Path = MACRO_DIR) -> list[Path]:
    """The macro files of queries/sql/macros, sorted by name."""
    return sorted(macro_dir.glob("*.sql"))


def install_macros(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the SQL macros the views call: `mask_id` / `mask_name` from contract.masking (the one
    masking rule, contract/masking.sql, shared with the loader and the exports), then every file of
    queries/sql/macros. Returns the macro file names run."""
    masking.install_macros(con)
    names = []
    for path in macro_files():
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise RuntimeError(f"installing macros {path.name}: {exc}") from exc
        names.append(path.name)
    return names


# ----------------------------------------------------------------------------- views
def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    kind = con.execute(
        "select 'table' from duckdb_tables() where table_name = $n "
        "union all select 'view' from duckdb_views() where view_name = $n and not internal "
        "union all select distinct 'macro table' from duckdb_functions() "
        "where function_name = $n and function_type = 'table_macro' and not internal",
        {"n": name},
    ).fetchall()
    if kind:
        con.execute(f"drop {kind[0][0]} {name}")


# DuckDB settings while the heavy tables are built (restored afterwards). DuckDB's default memory
# limit is 80 % of RAM: on a shared 24 GB machine a 1,000,000-person install grew to ~17 GB. Capped,
# DuckDB spills its hash tables and sorts to the temp directory (the loader sets one beside the new
# file; DuckDB's default is `<db>.tmp`) instead. Insertion order of a materialised table is never
# relied on (every API query orders its result), so DuckDB may write in parallel without keeping it.
DEFAULT_INSTALL_MEMORY = "6GB"


def _install_settings() -> dict[str, str]:
    """Settings for the install: SUBSIDY_INSTALL_MEMORY overrides the memory cap ('' or 0 = leave it)."""
    memory = os.environ.get("SUBSIDY_INSTALL_MEMORY", DEFAULT_INSTALL_MEMORY).strip()
    settings = {"preserve_insertion_order": "false"}
    if memory not in ("", "0"):
        settings["memory_limit"] = memory
    return settings


def _apply_settings(con: duckdb.DuckDBPyConnection, settings: dict[str, str]) -> dict[str, str]:
    """Set each setting; returns the previous values (to restore). A memory cap never raises a lower limit."""
    previous = {}
    for name, value in settings.items():
        previous[name] = con.execute("select current_setting($n)::varchar", {"n": name}).fetchall()[0][0]
        if name == "memory_limit" and _bytes(previous[name]) <= _bytes(value):
            continue
        con.execute(f"set {name} = {_literal(value)}")
    return previous


def _restore_settings(con: duckdb.DuckDBPyConnection, previous: dict[str, str]) -> None:
    """Put the settings back. DuckDB shows a limit rounded ('18.8 GiB'): when the previous value was
    the default, `reset` restores it exactly; otherwise the shown value is set again."""
    for name, value in previous.items():
        con.execute(f"reset {name}")
        if con.execute("select current_setting($n)::varchar", {"n": name}).fetchall()[0][0] != value:
            con.execute(f"set {name} = {_literal(value)}")


_UNITS = {"": 1, "b": 1, "byte": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def _bytes(text: str) -> float:
    """'18.8 GiB' / '6GB' → bytes (unknown text → infinity, i.e. never treated as a lower limit)."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([a-z]*)\s*", str(text).lower())
    if not m or m.group(2) not in _UNITS:
        return float("inf")
    return float(m.group(1)) * _UNITS[m.group(2)]


def _literal(value: str) -> str:
    if value.lower() in ("true", "false"):
        return value.lower()
    return "'" + value.replace("'", "''") + "'"


def _timing_enabled() -> bool:
    return os.environ.get("SUBSIDY_INSTALL_TIMING", "").strip() not in ("", "0")


def install_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create the calendar, seeds, macros and every view of queries/sql on a loaded database.

    Idempotent: running it again replaces everything it created. Returns the view names in the order
    they were created. With SUBSIDY_INSTALL_TIMING=1 every step's wall time (and the row count of each
    materialised table) is printed to stderr, slowest first at the end.
    """
    timing = _timing_enabled()
    timings: list[tuple[float, str]] = []
    cpu = [time.process_time()]

    def step(label: str, started: float) -> None:
        took = time.perf_counter() - started
        timings.append((took, label))
        used, cpu[0] = time.process_time() - cpu[0], time.process_time()
        if timing:  # CPU seconds of every DuckDB thread: the figure a shared machine does not inflate
            print(f"install {took:8.2f} s  {label}  [cpu {used:.2f} s]", file=sys.stderr, flush=True)

    # no progress bars in the loader's console while the heavy tables are built
    con.execute("set enable_progress_bar = false")
    previous = _apply_settings(con, _install_settings())
    try:
        return _install(con, step, timing, timings)
    finally:
        _restore_settings(con, previous)


def _install(con, step, timing: bool, timings: list) -> list[str]:
    t0 = time.perf_counter()
    create_calendar(con)
    for seed in sorted(SEED_DIR.glob("*.csv")):
        load_seed(con, seed.stem, seed)
    validate_rules(con)
    validate_tier_conditions(con)
    create_need_groups(con)
    create_missing_optional_tables(con)
    install_macros(con)
    step("calendar, seeds, macros", t0)

    order = install_order()
    files = sql_files()
    for name in reversed(order):
        _drop(con, name)
    for name in order:
        text = files[name].read_text(encoding="utf-8")
        header = read_header(text)
        kind = header.get("materialized", "view").lower().split()[0]
        kind = kind if kind in ("table", "macro") else "view"
        t0 = time.perf_counter()
        try:
            if kind == "macro":
                con.execute(f"create macro {name}({macro_params(header, files[name].name)}) as table\n{text}")
            else:
                con.execute(f"create {kind} {name} as\n{text}")
        except duckdb.Error as exc:
            raise RuntimeError(f"installing {files[name].name}: {exc}") from exc
        label = f"{kind:5} {name}"
        if timing and kind == "table":
            label += f" ({con.execute(f'select count(*) from {name}').fetchall()[0][0]:,} rows)"
        step(label, t0)
    if timing:
        total = sum(t for t, _ in timings)
        print(f"install {total:8.2f} s  total; slowest: "
              + ", ".join(f"{label.split()[1]} {t:.1f} s" for t, label in sorted(timings, reverse=True)[:5]),
              file=sys.stderr, flush=True)
    return order
