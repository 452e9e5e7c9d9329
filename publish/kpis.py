"""The headline KPI tiles, defined once for the overview page and the report's KPI page.

`kpi_tiles(cur, prev, labels)` turns the one-row `queries.kpi_overview` frames of the year and the
year before into tiles: label, value, change on the previous year, help text (the definition), and
whether a decrease is good. In the public edition the same suppression as every chart applies: a
hidden count shows "<5" or "*", and a change is withheld when either year's count is hidden (7 shown
with "+4" would reveal 3). The median processing time is a distribution's statistic: `kpi_frames` adds
the number of applications behind it (`applications`, from processing_times by route under the same
filters), so a median drawn from fewer than k applications is hidden too.

Given the runner and the selection (`run=`, `sel=`), the public tiles also hide what a view of a
coarser selection hid (rule 8 of publish/suppress.py): a town's tile is hidden when the district's
by-town table hid that town's number, so it cannot be put back by subtraction.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from publish import charts, suppress
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


def _kpi_publication(frame: pd.DataFrame, k: int, run, sel: charts.Selection | None) -> suppress.Suppression:
    if run is None or sel is None:
        return suppress.suppress_api_frame("kpi_overview", frame, k=k)
    return charts.published("kpi_overview", frame, run=run, k=k, sel=sel, kwargs=charts.KPI_CALL.kwargs(sel))


def kpi_tiles(cur: pd.DataFrame | None, prev: pd.DataFrame | None, labels: Labels, *, public: bool = False,
              k: int = suppress.DEFAULT_K, short: bool = True, run=None,
              sel: charts.Selection | None = None) -> list[KpiTile]:
    """The headline tiles from kpi_overview frames of the year (`cur`) and the year before (`prev`).

    `short`: the page's compact money and days ("4,970 万元", "12 days"); the report writes them out.
    `run`, `sel`: the runner and selection the frames come from (`kpi_frames`); in the public edition
    the tiles then hide what views of coarser selections hid, for both years.
    """
    row, old = _row(cur), _row(prev)
    sup = _kpi_publication(cur, k, run, sel) if public and row is not None else None
    prev_sup = (_kpi_publication(prev, k, run, sel and sel.previous_year()) if public and old is not None
                else None)
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


def kpi_frames(run, year: int, filters: dict, years: list[int]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(this year's, previous year's or None) kpi_overview frames through `run` (see publish.charts),
    each with the count of applications behind its median processing time (`applications`,
    `charts.kpi_frame`)."""
    cur = charts.kpi_frame(run, year, filters)
    prev = charts.kpi_frame(run, year - 1, filters) if year - 1 in years else None
    return cur, prev


def published_value(fn, frame: pd.DataFrame | None, col: str, *, public: bool, k: int = suppress.DEFAULT_K,
                    fmt=fmt_int, row: int = 0, run=None, sel: charts.Selection | None = None) -> str:
    """Cell (`row`, `col`) of API frame `fn` as a tile shows it: formatted, or "<5" / "*" when the public
    edition hides it (the same suppression lines as the charts: publish/suppress.py). With `run` and
    `sel` (the selection `frame` was fetched for) it also hides what views of coarser selections hid."""
    if frame is None or frame.empty or row >= len(frame):
        return fmt(None)
    mark = None
    if public:
        sup = (suppress.suppress_api_frame(fn.__name__, frame, k=k) if run is None or sel is None else
               charts.published(fn.__name__, frame, run=run, k=k, sel=sel, kwargs=charts.Call(fn).kwargs(sel)))
        mark = _shown(sup, col, row)
    return mark if mark is not None else fmt(frame[col].iloc[row])
