"""The dashboard's one door to the data: cached connection, cached frames, no SQL.

- `st.cache_resource` holds one read-only DuckDB connection per database file *version*: the cache
  key is the file's path, mtime and inode, so when a rebuild swaps a new file in (os.replace) the next
  rerun closes the old connection and opens the new file (see `current_version`).
- Every query runs through the analyst API (`queries`), whose functions take a fresh cursor each, so
  concurrent sessions never share a cursor.
- `st.cache_data` keeps the frames, keyed on the API function, its arguments and the file version.
- `rendered(chart_id, sel, labels, …)` keeps each registered chart as `publish.charts.render` made it
  (frames, suppression, figure, summary, table), keyed on the chart, the selection, the language, the
  edition, the file version and the reader's scope (role, town, village): every session of the same
  scope reuses it, a rerun or a page switch builds no figure again, and a caseworker's chart is never
  another scope's (their `run` is held to their own area).
- `run(fn, **kwargs)` takes the typed API function itself (no names, no dispatch); charts reach it
  through `publish.charts.render(..., run=store.run)`, the same function the report pack uses.
- Who may see what is decided here, below every page: `run` passes the session's principal (signed in
  by `dashboard.auth`) through `access.scope.enforce`, so a caseworker's town or village replaces
  whatever the URL or a widget asked for, and another area raises `access.ScopeError`. The cache key
  is the enforced arguments, so sessions of the same area share frames and no other session's.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

import queries
from access import AccessDenied, Principal, reveal, scope
from contract.paths import db_path
from publish import charts
from vocab import Labels

PRINCIPAL_KEY = "auth_principal"   # st.session_state: the signed-in access.Principal (dashboard.auth)


class DatabaseMissing(RuntimeError):
    """The DuckDB file does not exist (the user must build it first)."""


def db_file() -> Path:
    """The database path ($SUBSIDY_DB or data/subsidy.duckdb), read on every call so tests can set it."""
    return db_path()


def db_version() -> tuple[str, int, int]:
    """(path, mtime_ns, inode) of the database file; DatabaseMissing when it does not exist."""
    path = db_file()
    try:
        st_ = os.stat(path)
    except FileNotFoundError as exc:
        raise DatabaseMissing(str(path)) from exc
    return str(path), st_.st_mtime_ns, st_.st_ino


def _close(con) -> None:
    try:
        con.close()
    except Exception:  # noqa: BLE001 - closing an already broken connection is fine
        pass


MEMORY_LIMIT_ENV = "SUBSIDY_DUCKDB_MEMORY_LIMIT"
MEMORY_LIMIT = "500MB"   # DuckDB's share: with Streamlit and the caches the server stays under 1 GB at 1M persons


def configure(con) -> None:
    """The dashboard's settings of a DuckDB connection: DuckDB's memory capped at $SUBSIDY_DUCKDB_MEMORY_LIMIT
    (default MEMORY_LIMIT; DuckDB's own default is 80 % of the machine, and it keeps what it read: 2 GB
    of RSS after the coverage page at 1,000,000 persons, 0.8 GB with the cap, no slower)."""
    con.execute(f"SET memory_limit = '{_memory_limit()}'")


def _memory_limit() -> str:
    value = os.environ.get(MEMORY_LIMIT_ENV, MEMORY_LIMIT).strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*[KMGT]i?B", value, re.I):
        raise ValueError(f"${MEMORY_LIMIT_ENV}: {value!r} is not a size such as 500MB or 2GB")
    return value


@st.cache_resource(show_spinner=False, max_entries=2, on_release=_close)
def _connect(path: str, mtime_ns: int, inode: int):
    con = queries.connect(path, read_only=True)
    configure(con)
    return con


_SEEN: dict[str, tuple[str, int, int]] = {}   # path -> the file version last connected to
_SEEN_LOCK = threading.Lock()


def current_version() -> tuple[str, int, int]:
    """db_version(), closing the connections to a file that has since been replaced.

    DuckDB keeps one database instance per path in a process: while a connection to the replaced file
    is open, connecting to the same path again returns the *old* file's data. So when the version of
    a path changes, the cached connections are released (closed) before the new one is opened.
    """
    version = db_version()
    with _SEEN_LOCK:
        seen = _SEEN.get(version[0])
        if seen is not None and seen != version:
            _connect.clear()
        _SEEN[version[0]] = version
    return version


def connection():
    """The cached read-only connection to the current database file."""
    return _connect(*current_version())


@st.cache_data(show_spinner=False, max_entries=1024)
def _fetch(name: str, kwargs: tuple[tuple[str, Any], ...], version: tuple[str, int, int], _fn: Callable):
    # keyed on the function's name (the `_fn` object itself is not hashed: the leading underscore)
    return _fn(_connect(*version), **dict(kwargs))


def principal() -> Principal | None:
    """The signed-in principal of this session (None before sign-in)."""
    return st.session_state.get(PRINCIPAL_KEY)


def run(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """`fn(con, **kwargs)` for a `queries` API function, within the session's scope, cached per database
    file version.

    The one way pages reach the data: pass the typed API function itself (`store.run(queries.kpi_overview,
    year=2020)`), so "go to definition" lands on the function whose docstring names its SQL file.
    Raises `access.AccessDenied` when nobody is signed in or the role may not read it, `access.ScopeError`
    for another area.
    """
    if getattr(queries, fn.__name__, None) is not fn:
        raise ValueError(f"not a queries API function: {fn!r}")
    return scope.scoped(principal(), _cached_run)(fn, **kwargs)


def _cached_run(fn: Callable[..., Any], **kwargs: Any) -> Any:
    return _fetch(fn.__name__, tuple(sorted(kwargs.items())), current_version(), fn)


def scope_key(p: Principal | None) -> tuple[str, str | None, str | None] | None:
    """What decides the data a principal's queries return (`access.scope.enforce`): role, town, village."""
    return None if p is None else (p.role, p.town, p.village)


def rendered(chart_id: str, sel: charts.Selection, labels: Labels, *, public: bool, k: int) -> charts.Rendered:
    """`charts.render(chart_id, sel, labels, run=run, public=public, k=k)` for this session's principal,
    shared with every session of the same scope and built once per database file version.

    The Rendered object is shared: callers draw it and never change it (the pack copies a figure it
    annotates). Refusals (`access.AccessDenied`, `ScopeError`) are raised, never kept."""
    p = principal()
    if p is None:
        raise AccessDenied(f"{chart_id}: nobody is signed in")
    return _rendered(chart_id, repr(sel), labels.lang, public, k, current_version(), scope_key(p),
                     _sel=sel, _labels=labels, _principal=p)


@st.cache_resource(show_spinner=False, max_entries=4096)
def _rendered(chart_id: str, sel_key: str, lang: str, public: bool, k: int, version: tuple[str, int, int],
              area: tuple, *, _sel: charts.Selection, _labels: Labels, _principal: Principal) -> charts.Rendered:
    # keyed on the selection's repr (every field of the frozen dataclass) and the scope; the principal
    # itself is not hashed (leading underscore): any principal of that scope gets the same frames
    return charts.render(chart_id, _sel, _labels, run=scope.scoped(_principal, _cached_run), public=public, k=k)


def is_demo_database() -> bool:
    """True when the database holds the demo district (`queries.is_demo`); read before sign-in, so the
    sign-in page can offer the demo accounts (load facts hold no personal data)."""
    try:
        return queries.is_demo(connection())
    except Exception:  # noqa: BLE001 - no database or no load records: not a demo
        return False


def identities(person_ids) -> pd.DataFrame:
    """Full names and ID numbers of `person_ids` in the principal's own area (caseworkers only; the
    caller audits what it shows)."""
    return reveal.identities(connection(), principal(), person_ids)


# ---------------------------------------------------------------- lists for the filters
def years() -> list[int]:
    """Years with data, ascending."""
    return [int(y) for y in run(queries.years)]


def towns() -> list[str]:
    """Towns (镇街) of the district."""
    return [str(x) for x in run(queries.towns)]


def villages(town: str | None) -> list[str]:
    """Villages (村社区) of `town` (all when None)."""
    return [str(x) for x in run(queries.villages, town=town)]


def programs() -> pd.DataFrame:
    """Program list with both names, group, trips and materials before/after."""
    return run(queries.programs)


# ---------------------------------------------------------------- data quality (the loader's bookkeeping)
@dataclass(frozen=True)
class LoadTotals:
    """Rows read / loaded / rejected over every file of the last load (None: no bookkeeping)."""

    files: int
    rows_read: int
    rows_loaded: int
    rows_rejected: int

    @property
    def share_rejected(self) -> float:
        """Rejected rows / rows read (0 when nothing was read)."""
        return self.rows_rejected / self.rows_read if self.rows_read else 0.0


def load_totals() -> LoadTotals | None:
    """Totals of load_summary (cached with it); None when the database has no load records."""
    summary = run(queries.load_summary)
    if summary is None or summary.empty:
        return None
    col = lambda c: int(pd.to_numeric(summary[c], errors="coerce").fillna(0).sum())  # noqa: E731
    return LoadTotals(len(summary), col("rows_read"), col("rows_loaded"), col("rows_rejected"))


def load_info() -> dict[str, str]:
    """What the loader recorded (source, loaded_at, data_date…), key -> text, in the order written."""
    df = run(queries.load_info)
    return {str(k): str(v) for k, v in zip(df["key"], df["value"])}
