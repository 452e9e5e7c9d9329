"""The headline KPI tiles, defined once for the overview page and the report's KPI page.

`kpi_tiles(cur, prev, labels)` turns the one-row `queries.kpi_overview` frames of the year and the
year before into tiles: label, value, change on the previous year, help text (the definition), and
whether a decrease is good. In the public edition the same suppression as every chart applies: a
hidden count shows "<5" or "*", and a change is withheld when either year's count is hidden (7 shown
with "+4" would reveal 3). The median processing time is a distribution's statistic: `kpi_frames` adds
the number of applications behind it (`applications`, from processing_times by route under the same
filters), so a median drawn from fewer than k applications is hidden too.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import queries
from publish import suppress
from vocab import Labels, fmt_int, fmt_pct, fmt_yuan_exact


@dataclass(frozen=True)
class KpiDef:
    """One tile: message keys, the API column, how to format it and its change."""

    label: str
    column: str
    kind: str          # money, int, pct, days, programs
    help: str
    inverse: bool = False   # a decrease is good (processing days)


TILES: tuple[KpiDef, ...] = (
    KpiDef("kpi_spend", "spend_yuan", "money", "help_spend"),
    KpiDef("kpi_person_times", "person_times", "int", "help_person_times"),
    KpiDef("kpi_persons", "persons_paid", "int", "help_persons"),
    KpiDef("kpi_programs", "programs_paid", "programs", "help_programs"),
    KpiDef("kpi_certified", "certified_population", "int", "help_certified"),
    KpiDef("kpi_coverage", "coverage", "pct", "help_coverage"),
    KpiDef("kpi_median_days", "median_processing_days", "days", "help_median_days", inverse=True),
    KpiDef("kpi_zero_trip", "zero_trip_share", "pct", "help_zero_trip"),
    KpiDef("kpi_census_completion", "census_completion", "pct", "help_census_completion"),
)
SQL_FILE = "queries/sql/api/kpi_overview.sql"


@dataclass(frozen=True)
class KpiTile:
    """A tile as shown: label, value text, change text (None: no change shown), help, hidden?"""

    label: str
    value: str
    delta: str | None
    help: str
    inverse: bool
    hidden: bool
    column: str


def _row(frame: pd.DataFrame | None) -> pd.Series | None:
    return None if frame is None or frame.empty else frame.iloc[0]


def _value(row: pd.Series | None, col: str):
    return None if row is None else row.get(col)


def _format(d: KpiDef, row: pd.Series | None, labels: Labels, short: bool) -> str:
    v = _value(row, d.column)
    if d.kind == "money":
        return labels.money(v, short=short)
    if d.kind == "pct":
        text = fmt_pct(v)
        if not short and d.column == "zero_trip_share":  # the report names the count too: "21.2%（7）"
            n = fmt_int(_value(row, "zero_trip_programs"))
            text += f"（{n}）" if labels.zh else f" ({n})"
        return text
    if d.kind == "days":
        return labels.days(v, short=short)
    if d.kind == "programs":
        return f"{fmt_int(v)} / {fmt_int(_value(row, 'programs_total'))}"
    return fmt_int(v)


def _shown(sup: suppress.Suppression | None, col: str, row: int = 0) -> str | None:
    """The "<5" / "*" mark of cell (`row`, `col`) when the public edition hides it, else None."""
    if sup is None or col not in sup.hidden.columns or not bool(sup.hidden[col].iloc[row]):
        return None
    return str(sup.frame[col].iloc[row])


def kpi_tiles(cur: pd.DataFrame | None, prev: pd.DataFrame | None, labels: Labels, *, public: bool = False,
              k: int = suppress.DEFAULT_K, short: bool = True) -> list[KpiTile]:
    """The headline tiles from kpi_overview frames of the year (`cur`) and the year before (`prev`).

    `short`: the page's compact money and days ("4,970 万元", "12 days"); the report writes them out.
    """
    row, old = _row(cur), _row(prev)
    sup = suppress.suppress_api_frame("kpi_overview", cur, k=k) if public and row is not None else None
    prev_sup = suppress.suppress_api_frame("kpi_overview", prev, k=k) if public and old is not None else None
    tiles = []
    for d in TILES:
        mark = _shown(sup, d.column)
        value = mark if mark is not None else _format(d, row, labels, short)
        delta = None
        if old is not None and mark is None and _shown(prev_sup, d.column) is None:
            kind = "int" if d.kind == "programs" else d.kind
            delta = labels.delta(_value(row, d.column), _value(old, d.column), kind)
        help_text = labels(d.help)
        if d.kind == "money" and mark is None and row is not None:  # the tile rounds; the help gives the exact amount
            help_text += " " + labels("kpi_exact", value=fmt_yuan_exact(_value(row, d.column), labels.lang))
        tiles.append(KpiTile(labels(d.label), value, delta, help_text, d.inverse, mark is not None, d.column))
    return tiles


def _with_applications(run, frame: pd.DataFrame | None, year: int, f: dict) -> pd.DataFrame | None:
    """The kpi_overview frame with `applications`: the paid applications of the year with working days
    under the same filters, the records behind median_processing_days (the same rows as its SQL)."""
    if frame is None or frame.empty:
        return frame
    routes = run(queries.processing_times, year=year, by="route", **f)
    return frame.assign(applications=int(routes["applications"].sum()) if not routes.empty else 0)


def kpi_frames(run, year: int, filters: dict, years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(this year's, previous year's or None) kpi_overview frames through `run` (see publish.charts),
    each with the count of applications behind its median processing time (`applications`)."""
    f = {k: v for k, v in filters.items() if k != "year"}
    cur = _with_applications(run, run(queries.kpi_overview, year=year, **f), year, f)
    prev = (_with_applications(run, run(queries.kpi_overview, year=year - 1, **f), year - 1, f)
            if year - 1 in years else None)
    return cur, prev


def published_value(fn, frame: pd.DataFrame | None, col: str, *, public: bool, k: int = suppress.DEFAULT_K,
                    fmt=fmt_int, row: int = 0) -> str:
    """Cell (`row`, `col`) of API frame `fn` as a tile shows it: formatted, or "<5" / "*" when the public
    edition hides it (the same suppression lines as the charts: publish/suppress.py)."""
    if frame is None or frame.empty or row >= len(frame):
        return fmt(None)
    mark = _shown(suppress.suppress_api_frame(fn.__name__, frame, k=k), col, row) if public else None
    return mark if mark is not None else fmt(frame[col].iloc[row])
