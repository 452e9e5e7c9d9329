"""The loader plumbing behind the analyst API: read a file of sql/api/, bind its parameters, run it.

Every API query is a file sql/api/<name>.sql (README.md): values are bound parameters ($year …) and
an optional filter is a static predicate `($town is null or x.town = $town)`. A {{ slot }} in a file
takes SQL text (a column name) from one of the allow-lists of queries.api, never a value. Every call
runs on its own `con.cursor()`: a connection shared across threads returns other sessions' rows.

`api_query(name, …)` marks an API function with the file(s) it runs (`fn.sql_path`, `fn.sql_name`),
so that a chart, a page or a reader can go from a number on the screen to the SQL that made it.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from contract import CATEGORY

API_SQL_DIR = Path(__file__).resolve().parent / "sql" / "api"
_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_SLOT_RE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_SLOT_TEXT_RE = re.compile(r"[a-z_][a-z0-9_]*")
_COMMENT_RE = re.compile(r"--[^\n]*")

F = TypeVar("F", bound=Callable)


def api_query(*names: str) -> Callable[[F], F]:
    """Mark an API function with the sql/api files it runs, the main one first.

    Sets, on the function itself (no wrapper, so `inspect.signature` and "go to definition" see the
    real function): `sql_name` / `sql_path` (the main file: name and absolute Path), `sql_names` /
    `sql_paths` (every file, for a function with variants such as processing_times' by=). Nothing is
    read here: the files are read on the first call.
    """
    if not names:
        raise ValueError("api_query needs the name of at least one sql/api file")

    def mark(fn: F) -> F:
        fn.sql_names = tuple(names)
        fn.sql_paths = tuple(API_SQL_DIR / f"{name}.sql" for name in names)
        fn.sql_name = fn.sql_names[0]
        fn.sql_path = fn.sql_paths[0]
        return fn

    return mark


def check_choice(name: str, value, allowed: Iterable) -> None:
    """ValueError naming the allowed values when `value` is not one of them (the allow-lists)."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; choose one of: {', '.join(map(str, allowed))}")


def normalise(filters: dict) -> dict:
    """Filters as bound values (None = no filter); a category code 1–7 becomes its canonical name."""
    out = dict(filters)
    if out.get("category") is not None:
        out["category"] = CATEGORY.get(str(out["category"]), out["category"])
    if out.get("year") is not None:
        out["year"] = int(out["year"])
    return out


@functools.lru_cache(maxsize=None)
def api_file(name: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """Text of sql/api/<name>.sql, the $parameters its SQL uses and its {{ slots }} (read once)."""
    text = (API_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    body = _COMMENT_RE.sub(" ", text)
    return text, frozenset(_PARAM_RE.findall(body)), frozenset(_SLOT_RE.findall(body))


def api_sql(name: str, **slots: str) -> str:
    """The SQL of API query `name` with its {{ slots }} filled.

    A slot takes a column name the caller picked from an allow-list (COVERAGE_BY, INCIDENCE_BY,
    AREA_LEVELS); anything but a plain lowercase identifier is refused, and so is a missing or
    unknown slot.
    """
    text, _, wanted = api_file(name)
    if set(slots) != wanted:
        raise ValueError(f"sql/api/{name}.sql: slots {sorted(wanted)} expected, got {sorted(slots)}")
    for key, value in slots.items():
        if not _SLOT_TEXT_RE.fullmatch(value):
            raise ValueError(f"sql/api/{name}.sql: slot {key} must be a column name, not {value!r}")
    return _SLOT_RE.sub(lambda m: slots[m.group(1)], text)


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **slots: str) -> pd.DataFrame:
    """Run API query `name` on a fresh cursor, binding every $parameter its SQL uses (None = no filter).

    A parameter the SQL uses but the caller did not pass is an error (a typo must not silently mean
    "all"); parameters the query has no use for (program filters on a person-level query) are ignored.
    """
    sql = api_sql(name, **slots)
    used = api_file(name)[1]
    params = params or {}
    missing = used - set(params)
    if missing:
        raise ValueError(f"sql/api/{name}.sql: missing query parameters {sorted(missing)}")
    cur = con.cursor()
    try:
        return cur.execute(sql, {k: params[k] for k in used}).df()
    finally:
        cur.close()


def values(con, name: str, params: dict | None = None) -> list:
    """The first column of API query `name` as a list (the filter lists)."""
    frame = run(con, name, params)
    return frame.iloc[:, 0].tolist()


def exists(con, table: str) -> bool:
    """Whether the database has table `table` (sql/api/table_exists.sql)."""
    return bool(values(con, "table_exists", {"table_name": table})[0])
