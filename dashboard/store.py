"""The dashboard's one door to the data: cached connection, cached frames, no SQL.

- `st.cache_resource` holds one read-only DuckDB connection per database file *version*: the cache
  key is the file's path, mtime and inode, so when a rebuild swaps a new file in (os.replace) the next
  rerun closes the old connection and opens the new file (see `current_version`).
- Every query runs through the analyst API (`queries`), whose functions take a fresh cursor each, so
  concurrent sessions never share a cursor.
- `st.cache_data` keeps the frames, keyed on the API function, its arguments and the file version.
- Filters the API function does not take are dropped and reported (`unsupported_filters`), so pages
  can say which filter a figure ignores.
"""
from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from publish import api


class DatabaseMissing(RuntimeError):
    """The DuckDB file does not exist (the user must build it first)."""


@dataclass(frozen=True)
class Filters:
    """The sidebar selection; None = all."""

    year: int | None = None
    town: str | None = None
    category: str | None = None
    program_group: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the API (all four, None included)."""
        return asdict(self)


def db_file() -> Path:
    """The database path ($SUBSIDY_DB or data/subsidy.duckdb), read on every call so tests can set it."""
    from contract.paths import db_path

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


@st.cache_resource(show_spinner=False, max_entries=2, on_release=_close)
def _connect(path: str, mtime_ns: int, inode: int):
    import queries

    return queries.connect(path, read_only=True)


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
def _fetch(fn: str, kwargs: tuple[tuple[str, Any], ...], version: tuple[str, int, int]):
    con = _connect(*version)
    return api.call(con, fn, **dict(kwargs))


def fetch(fn: str, **kwargs: Any):
    """Result of API function `fn` with `kwargs` (filters it does not take are dropped), cached."""
    used, _ = api.split_kwargs(fn, kwargs)
    return _fetch(fn, tuple(sorted(used.items())), current_version())


def unsupported_filters(fn: str, filters: Filters) -> list[str]:
    """Names of the set filters that API function `fn` ignores."""
    return api.split_kwargs(fn, filters.kwargs())[1]


# ---------------------------------------------------------------- lists for the filters
def years() -> list[int]:
    """Years with data, ascending."""
    return [int(y) for y in fetch("years")]


def towns() -> list[str]:
    """Towns (镇街) of the district."""
    return [str(x) for x in fetch("towns")]


def villages(town: str | None) -> list[str]:
    """Villages (村社区) of `town` (all when None)."""
    return [str(x) for x in fetch("villages", town=town)]


def programs() -> pd.DataFrame:
    """Program list with both names, group, trips and materials before/after."""
    return fetch("programs")


# ---------------------------------------------------------------- marts
def kpi(f: Filters) -> pd.Series | None:
    """The one KPI row for the selection (None when the API returns nothing)."""
    df = fetch("kpi_overview", **f.kwargs())
    return None if df is None or df.empty else df.iloc[0]


def frame(fn: str, f: Filters, **extra: Any) -> pd.DataFrame:
    """Any mart for the selection plus fixed arguments (by=…, level=…, gap=…)."""
    return fetch(fn, **f.kwargs(), **extra)


@st.cache_data(show_spinner=False, max_entries=256)
def _duration_stats(kwargs: tuple[tuple[str, Any], ...], version: tuple[str, int, int]) -> pd.DataFrame:
    from publish import charts

    rows = api.call(_connect(*version), "application_durations", **dict(kwargs))
    return charts.summarize_durations(rows)


def duration_stats(f: Filters) -> pd.DataFrame:
    """Box statistics of application_durations for the selection (the rows themselves are not cached:
    a large district has millions)."""
    used, _ = api.split_kwargs("application_durations", f.kwargs())
    return _duration_stats(tuple(sorted(used.items())), current_version())


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
    summary = fetch("load_summary")
    if summary is None or summary.empty:
        return None
    col = lambda c: int(pd.to_numeric(summary[c], errors="coerce").fillna(0).sum())  # noqa: E731
    return LoadTotals(len(summary), col("rows_read"), col("rows_loaded"), col("rows_rejected"))


def load_info() -> dict[str, str]:
    """What the loader recorded (source, loaded_at, data_date…), key -> text, in the order written.

    Uses the API's load_info when this version of `queries` has it; otherwise falls back to the source
    directory and load time of load_summary (every file of one load shares them)."""
    import queries

    if hasattr(queries, "load_info"):
        df = fetch("load_info")
        return {str(k): str(v) for k, v in zip(df["key"], df["value"])}
    summary = fetch("load_summary")
    if summary is None or summary.empty:
        return {}
    return {"source": str(summary["source_dir"].iloc[0]), "loaded_at": str(summary["loaded_at"].max())}
