"""Chart builders for the trends over every year of the data (issue 14): small multiples of the headline
KPIs and of each census gap, with the reform date marked. Conventions of `publish.figures`: a `Chart`
(figure, summary, table), words from vocab/text_analysis.py, colours and layout from `publish.style`.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from publish.figures import Chart, _no_data, _payment_gaps, _plain
from publish.style import AFTER_COLOR, BEFORE_COLOR, BLUE, BROWN, GREEN, PURPLE, SLATE, VERMILLION, VIOLET, base_layout
from vocab import Labels, fmt_int, fmt_pct

# (API column, panel title key, value → plotted number, tick format, text of a value)
KPI_PANELS = (
    ("spend_yuan", "chart.trends.spend", lambda v: v / 10_000, ",.0f", None),
    ("person_times", "chart.trends.person_times", lambda v: v, ",d", fmt_int),
    ("coverage", "chart.trends.coverage", lambda v: v, ".0%", fmt_pct),
    ("median_processing_days", "chart.trends.median_days", lambda v: v, ",.0f", None),
)


def reform_date(programs: pd.DataFrame | None) -> dt.date | None:
    """The reform date most programs share (the 最多跑一次 reform of the catalog); None without one."""
    if programs is None or programs.empty or "reform_date" not in programs:
        return None
    dates = pd.to_datetime(programs["reform_date"], errors="coerce").dropna()
    return None if dates.empty else dates.mode().min().date()


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days


@functools.lru_cache(maxsize=32)
def _grid(rows: int, cols: int, titles: tuple[str, ...], horizontal_spacing: float, vertical_spacing: float) -> str:
    """make_subplots' layout for a grid (axis domains, the panel titles) as JSON, worked out once per grid."""
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=horizontal_spacing,
                        vertical_spacing=vertical_spacing)
    return json.dumps(fig.layout.to_plotly_json())


def _small_multiples(panels: list[tuple[dict, dict, dict]], cols: int, titles: list[str], *, horizontal_spacing: float,
                     vertical_spacing: float, title_size: int | None = None, reform: float | None = None) -> go.Figure:
    """A grid of line panels, row by row: per panel (its scatter trace, its x axis, its y axis) as dicts.

    The figure is validated once: the same figure as make_subplots + add_scatter(row=, col=) +
    update_xaxes / update_yaxes(row=, col=) + add_vline(row=, col=) per panel, each of which looked the
    grid up and revalidated the layout (0.3 s of a 21-panel figure). `reform`: the x of a dashed line
    on every panel that holds a trace, as add_vline draws it."""
    rows = math.ceil(len(panels) / cols)
    layout = json.loads(_grid(rows, cols, tuple(titles), horizontal_spacing, vertical_spacing))
    data = []
    for i, (trace, xaxis, yaxis) in enumerate(panels):
        n = i + 1 if i else ""
        data.append({**trace, "xaxis": f"x{n}", "yaxis": f"y{n}"})
        layout[f"xaxis{n}"].update(xaxis)
        layout[f"yaxis{n}"].update(yaxis)
    if title_size is not None:
        for note in layout.get("annotations", ()):
            note["font"]["size"] = title_size
    if reform is not None:
        layout["shapes"] = [dict(type="line", line=dict(color=BEFORE_COLOR, dash="dash", width=1.2), x0=reform,
                                 x1=reform, xref=f"x{i + 1 if i else ''}", y0=0, y1=1,
                                 yref=f"y{i + 1 if i else ''} domain") for i in range(len(panels))]
    return go.Figure(data=data, layout=layout)


def _reform_x(reform: dt.date | None, years: list[int]) -> float | None:
    """Where the reform line goes on a year axis; None when the reform is not inside the years shown."""
    if reform is None or not years or not (min(years) - 1 < _year_fraction(reform) < max(years) + 1):
        return None
    return _year_fraction(reform)


def _mark_reform(fig: go.Figure, reform: float | None, L: Labels, day: dt.date | None) -> None:
    """The reform date named above the panels (their dashed lines are `_small_multiples`')."""
    if reform is None or day is None:
        return
    fig.add_annotation(text=L("chart.trends.reform", date=day.isoformat()), xref="paper", yref="paper",
                       x=1, y=1.0, xanchor="right", yanchor="bottom", yshift=22, showarrow=False,
                       font=dict(color=BEFORE_COLOR, size=12))


def kpi_trends(df: pd.DataFrame, programs: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Spend, 人次, coverage and median processing days per year (kpi_trends), the selected year marked."""
    if df is None or df.empty or not df["payments"].fillna(0).any():
        return _no_data(L)
    d = df.sort_values("year")
    years = [int(y) for y in d["year"]]
    panels = []
    for col, key, scale, fmt, _ in KPI_PANELS:
        values = [None if pd.isna(v) else scale(float(v)) for v in d[col]]
        sizes = [13 if y == year else 8 for y in years]
        panels.append((
            dict(type="scatter", x=years, y=values, mode="lines+markers", name=L(key), line=dict(color=BLUE),
                 marker=dict(size=sizes, color=[AFTER_COLOR if y == year else BLUE for y in years]),
                 hovertemplate="%{x}<br>%{y:" + fmt + "}<extra></extra>"),
            dict(tickvals=years, ticktext=[str(y) for y in years]), dict(tickformat=fmt, rangemode="tozero")))
    day = reform_date(programs)
    reform = _reform_x(day, years)
    fig = _small_multiples(panels, 2, [L(key) for _, key, *_ in KPI_PANELS], horizontal_spacing=0.1,
                           vertical_spacing=0.2, reform=reform)
    base_layout(fig, title, legend=False, height=560)
    _mark_reform(fig, reform, L, day)
    first, last = d.iloc[0], d.iloc[-1]
    summary = L("chart.trends.summary", first=years[0], last=years[-1], spend_first=L.money(first["spend_yuan"]),
                spend_last=L.money(last["spend_yuan"]), cov_first=fmt_pct(first["coverage"]),
                cov_last=fmt_pct(last["coverage"]),
                days_first="—" if pd.isna(first["median_processing_days"]) else L.days(first["median_processing_days"]),
                days_last="—" if pd.isna(last["median_processing_days"]) else L.days(last["median_processing_days"]))
    table = pd.DataFrame({
        L.column("year"): years,
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        L.column("person_times"): d["person_times"].to_numpy(),
        L.column("persons_paid"): d["persons_paid"].to_numpy(),
        L.column("certified_population"): d["certified_population"].to_numpy(),
        L.column("coverage"): (d["coverage"] * 100).round(1).to_numpy(),
        L("chart.trends.median_days"): d["median_processing_days"].to_numpy(),
    })
    return Chart(fig, summary, table)


def gap_trends(df: pd.DataFrame, programs: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Persons behind each census gap per year (gap_trends), one small panel per gap in the seed's order."""
    if df is None or df.empty:
        return _no_data(L)
    order = {g: i for i, g in enumerate(L.gap_keys)}
    gaps = sorted(df["gap"].unique(), key=lambda g: order.get(g, 99))
    years = sorted(int(y) for y in df["year"].unique())
    cols = 3
    rows = math.ceil(len(gaps) / cols)
    paid_wrongly = _payment_gaps(L)
    panels = []
    for gap in gaps:
        part = df[df["gap"] == gap].sort_values("year")
        panels.append((
            dict(type="scatter", x=part["year"].astype(int), y=part["persons"], mode="lines+markers",
                 name=L.gap(gap), line=dict(color=VERMILLION if gap in paid_wrongly else BLUE),
                 marker=dict(size=[11 if y == year else 6 for y in part["year"]]),
                 hovertemplate="%{x}<br>%{y:,d}<extra></extra>"),
            dict(tickvals=years, ticktext=[str(y) for y in years]), dict(rangemode="tozero", tickformat=",d")))
    day = reform_date(programs)
    reform = _reform_x(day, years)
    fig = _small_multiples(panels, cols, _plain(L.gap(g) for g in gaps), horizontal_spacing=0.07,
                           vertical_spacing=min(0.12, 0.5 / rows), title_size=12, reform=reform)
    base_layout(fig, title, legend=False, height=140 + 170 * rows)
    _mark_reform(fig, reform, L, day)
    wide = df.pivot_table(index="gap", columns="year", values="persons", aggfunc="sum")
    wide = wide.reindex([g for g in gaps if g in wide.index])
    rising = [g for g in wide.index if len(years) > 1 and wide.loc[g, years[-1]] > wide.loc[g, years[0]]]
    summary = L("chart.gap_trends.summary", first=years[0], last=years[-1], n=len(rising), total=len(gaps),
                gaps=L.list_sep().join(L.gap(g) for g in rising[:3]) or "—")
    table = pd.DataFrame({L("gap"): [L.gap(g) for g in wide.index],
                          **{str(y): wide[y].to_numpy() for y in years}})
    return Chart(fig, summary, table)


# ---------------------------------------------------------------- flows in and out of monthly programs
FLOW_COLORS = {
    "death": "#000000", "moved_out": PURPLE, "revocation": VERMILLION, "dibao_exit": BROWN,
    "eligible_unpaid": VIOLET, "continuing": SLATE, "new_in_register": PURPLE,
    "new_certificate": GREEN, "dibao_entry": BROWN, "reaching_age": VIOLET,
    "late_take_up": BLUE, "other": "#767676",
}


def program_flows(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Persons leaving (left, by reason), continuing and entering (right, by reason) each monthly program
    from the year before to the year (program_flows)."""
    if df is None or df.empty:
        return _no_data(L)
    d = df.copy()
    programs = d.drop_duplicates("program_id")
    continuing = d[d["flow"] == "continuing"].groupby("program_id")["persons"].sum(min_count=1)
    # the continuing persons are far more than the movers: named on the axis, not drawn as a bar
    names = {p: _plain([n])[0] + "<br>" + L("chart.flows.continuing", n=fmt_int(continuing.get(p, 0)))
             for p, n in zip(programs["program_id"], L.programs(programs))}
    ids = list(names)
    fig = go.Figure()
    for flow, sign in (("leaving", -1), ("entering", 1)):
        part = d[d["flow"] == flow]
        for reason in dict.fromkeys(part["reason"]):
            sub = part[part["reason"] == reason].set_index("program_id")
            # a program without this reason, or a count the public edition hides (NaN): no bar
            x = [None if p not in sub.index or pd.isna(sub.loc[p, "persons"]) else sign * int(sub.loc[p, "persons"])
                 for p in ids]
            col = "spend_to" if flow == "entering" else "spend_from"
            money = [None if p not in sub.index or pd.isna(sub.loc[p, col]) else float(sub.loc[p, col]) / 10_000
                     for p in ids]
            fig.add_bar(y=[names[p] for p in ids], x=x, orientation="h", name=L(f"flow.reason.{reason}"),
                        text=["—" if v is None and p in sub.index else "" for v, p in zip(x, ids)],
                        marker_color=FLOW_COLORS.get(reason, "#767676"), customdata=money,
                        legendgroup=flow, legendgrouptitle_text=L(f"flow.{flow}"),
                        hovertemplate="%{y}<br>" + L(f"flow.reason.{reason}")
                        + L("chart.flows.hover", persons="%{x:,}", money="%{customdata:,.2f}") + "<extra></extra>")
    base_layout(fig, title, height=max(360, 160 + 90 * len(ids)))
    fig.update_layout(barmode="relative", legend=dict(orientation="h", y=-0.3, yanchor="top", x=0, xanchor="left"),
                      margin=dict(b=150))
    fig.update_xaxes(title_text=L("chart.flows.axis"), tickformat=",d", zeroline=True, zerolinecolor="#333")
    by_flow = d.groupby("flow")["persons"].sum()
    money_in = d.loc[d["flow"] == "entering", "spend_to"].sum()
    money_out = d.loc[d["flow"] == "leaving", "spend_from"].sum()
    summary = L("chart.flows.summary", prefix=_year_prefix_pair(year, L),
                leaving=fmt_int(by_flow.get("leaving", 0)), continuing=fmt_int(by_flow.get("continuing", 0)),
                entering=fmt_int(by_flow.get("entering", 0)), money_in=L.money(money_in), money_out=L.money(money_out))
    table = pd.DataFrame({
        L.column("name"): L.programs(d),
        L("chart.flows.flow"): [L(f"flow.{f}") for f in d["flow"]],
        L("chart.flows.reason"): [L(f"flow.reason.{r}") for r in d["reason"]],
        L("persons"): d["persons"].to_numpy(),
        L.column("spend_from"): (d["spend_from"] / 10_000).round(2).to_numpy(),
        L.column("spend_to"): (d["spend_to"] / 10_000).round(2).to_numpy(),
    })
    return Chart(fig, summary, table)


def _year_prefix_pair(year: Any, L: Labels) -> str:
    return "" if year is None else L("chart.flows.prefix", first=int(year) - 1, last=int(year))
