"""Chart builders: pure functions from the API's DataFrames to plotly Figures (no Streamlit import).

Every builder takes the frame(s) of its API call(s), a `vocab.Labels` and, by keyword, the chart's
title (the registry in `publish/charts.py` owns one title per chart) and the year, and returns a
`Chart`: the figure, a one-sentence summary computed from the data (for screen-reader users and
report captions) and the table behind the chart with labelled columns. An empty frame gives
`Chart(fig=None, …)` with a "no data" summary, never a blank figure.

    L = vocab.Labels.from_catalog("en", queries.gap_catalog())
    chart = coverage_bars(queries.coverage_by(con, 2020, by="sex"), L, title="Coverage by sex", by="sex")

The builders hold no words of their own: every axis title, legend name, hover text, sentence and
table header is a `chart.*` message in vocab/text_charts.py (or a UI message of vocab/text.py),
looked up through `L`; codes, programs and gaps are labelled by `L.code`, `L.programs` and `L.gap`.
Colours, font and layout come from publish/style.py. Every label drawn from the data (towns, villages,
areas, programs, and codes alike) reaches plotly through `style.html_text` (`_plain`, `_wrap_label`),
so a name with `<a href>` or `&` is drawn as those characters; the table and the summary keep the
name as loaded (the page and the PDF escape them for their own markup).
"""
from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.colors as pc
import plotly.graph_objects as go
import plotly.io as pio

from contract import CATEGORIES, PROGRAM_GROUPS
from publish.style import (
    AFTER_COLOR,
    AGE_BAND_ORDER,
    BEFORE_COLOR,
    BLUE,
    BROWN,
    GREEN,
    GROUP_COLORS,
    SEQUENTIAL,
    SEQUENTIAL_MARK_RANGE,
    SLATE,
    TEMPLATE,
    VERMILLION,
    base_layout,
    html_text,
    series_style,
    text_color_on,
)
from vocab import Labels, fmt_int, fmt_num, fmt_pct, fmt_wan

# Every figure's template, set once as plotly's default: a new figure takes the default without
# validating it, while `update_layout(template=...)` re-validated the whole template for every figure
# (most of a figure's build time). The figures' JSON is the same either way (tests/publish/test_figures.py).
pio.templates.default = go.layout.Template(pio.templates[TEMPLATE])

# A breakdown's name inside a sentence ("coverage by town") and as a table header ("Town"): message
# keys. A breakdown not listed keeps its code.
_DIM_NOUN = {
    "town": "chart.dim.town", "village": "chart.dim.village", "sex": "chart.dim.sex",
    "age_band": "chart.dim.age_band", "hukou": "chart.dim.hukou", "category": "chart.dim.category",
    "grade": "chart.dim.grade",
}
_DIM_COLUMN = {
    "town": "town", "village": "village", "grade": "grade", "sex": "chart.dim.sex.column",
    "age_band": "chart.dim.age_band.column", "hukou": "chart.dim.hukou.column",
    "category": "chart.dim.category.column",
}
# areas counted in a sentence ("across 5 towns")
_AREA_PLURAL = {"town": "chart.dim.town.plural", "village": "chart.dim.village.plural"}


@dataclass
class Chart:
    """A built chart: figure (None when there is no data), summary sentence, table behind it."""

    fig: go.Figure | None
    summary: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def empty(self) -> bool:
        """True when there was nothing to draw."""
        return self.fig is None


# ---------------------------------------------------------------- helpers
def _no_data(L: Labels) -> Chart:
    return Chart(None, L("no_data", scope="—"))


def _is_empty(df: pd.DataFrame | None, value_col: str | None = None) -> bool:
    if df is None or len(df) == 0:
        return True
    if value_col is not None and value_col in df.columns:
        v = pd.to_numeric(df[value_col], errors="coerce").fillna(0)
        return bool((v == 0).all())
    return False


def _year_prefix(year: Any, L: Labels) -> str:
    """The opening of a summary sentence ('In 2020, '); '' without a year."""
    return "" if year is None else L("chart.year_prefix", year=year)


def _dim(L: Labels, by: str, keys: dict[str, str]) -> str:
    return L(keys[by]) if by in keys else by


def _plain(values: Any) -> list[str]:
    """Labels from the data as plotly must get them to draw them as text (style.html_text)."""
    return [html_text(v) for v in values]


def _wrap_label(s: str, width: int = 18) -> str:
    """Break long labels so horizontal bar charts keep a readable plot area; escaped for plotly.

    Text with spaces (English) breaks between words; Chinese breaks every `width` characters. The
    pieces are escaped after the cut (style.html_text), so an entity is never cut in two and only the
    line breaks are markup.
    """
    s = str(s)
    if len(s) <= width:
        return html_text(s)
    if " " in s:
        # whole words only: a long word overflows its line rather than being cut in two
        pieces = textwrap.wrap(s, max(width, 16), break_long_words=False, break_on_hyphens=False)
    else:
        pieces = [s[i:i + width] for i in range(0, len(s), width)]
    return "<br>".join(html_text(p) for p in pieces)


def _program_width(L: Labels) -> int:
    """Wrap width of program names on a bar axis: Chinese characters are about twice as wide."""
    return 16 if L.zh else 64


def _unwrap(labels: pd.Series, L: Labels) -> pd.Series:
    """Wrapped axis labels back on one line and back to the text as loaded (Chinese was cut between
    characters, English between words; the entities of _wrap_label decoded)."""
    return labels.str.replace("<br>", "" if L.zh else " ", regex=False).map(html.unescape)


def _hover(*parts: str) -> str:
    """A plotly hovertemplate from its parts, without plotly's secondary box."""
    return "".join(parts) + "<extra></extra>"


def _spend_persons_hover(L: Labels, spend: str, persons: str) -> str:
    """Hover text 'money, persons' around the plotly fields `spend` ('%{x:,.2f}') and `persons`."""
    return L("chart.hover.spend_persons", spend=spend, persons=persons)


# ---------------------------------------------------------------- no misleading shapes
def _finite(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v))


def bar_values(trace) -> list:
    """The values a bar trace draws along its value axis (x when horizontal); NaN = not drawn."""
    values = trace.x if trace.orientation == "h" else trace.y
    return [] if values is None else list(values)


def _value_axis(fig: go.Figure, trace):
    """The layout axis that carries a bar trace's values ('xaxis', 'yaxis2', …)."""
    ref = (trace.xaxis or "x") if trace.orientation == "h" else (trace.yaxis or "y")
    return fig.layout[ref[0] + "axis" + ref[1:]]


def honest_shapes(chart: Chart, labels: Labels) -> Chart:
    """No misleading shapes: what every chart passes through after its builder (publish.charts.render).

    - one value left (one bar, one heatmap cell: a town or village filter leaves one) is said in
      words, the chart's summary written where the plot was, not drawn as one fat bar as if it were a
      comparison;
    - a bar's value axis starts at 0 and never below it; data that is all zero gets a 0…1 axis
      (plotly's own is −1…1) and the note chart.all_zero ("all zero"; not when some values are
      hidden: those are not 0);
    - a true 0 is written "0" beside its bar (a zero bar draws nothing, like a hidden one), so it
      stays apart from a value hidden by the public edition, which charts.mark_hidden_points marks.
    """
    fig, L = chart.fig, labels
    if fig is None:
        return chart
    bars = [t for t in fig.data if t.type == "bar"]
    cells = [v for t in fig.data if t.type == "heatmap" and t.z is not None for row in t.z for v in row]
    points = [v for t in bars for v in bar_values(t)] + cells
    others = [t for t in fig.data if t.type not in ("bar", "heatmap") and getattr(t, "mode", None) != "text"]
    if len(points) == 1 and _finite(points[0]) and not others:
        return _in_words(chart, L)
    stacked = fig.layout.barmode in ("stack", "relative") and len(bars) > 1
    for axis_traces in _by_value_axis(fig, bars).values():
        values = [float(v) for t in axis_traces for v in bar_values(t) if _finite(v)]
        if any(v < 0 for v in values):
            continue  # a signed quantity (a saving): its axis crosses 0 where the data does
        axis = _value_axis(fig, axis_traces[0])
        if values and max(values) > 0:
            axis.update(rangemode="tozero")
            if axis.range is not None and axis.range[0] != 0:
                axis.range = [0, axis.range[1]]
        else:  # all zero (or all hidden): a 0…1 axis, and the note when nothing is hidden
            axis.update(range=[0, 1], autorange=False)
            if values and len(values) == sum(len(bar_values(t)) for t in axis_traces):
                fig.add_annotation(text=html_text(L("chart.all_zero")), showarrow=False, xref="paper",
                                   yref="paper", x=0.5, y=0.5, font=dict(size=15, color="#222"))
    if not stacked:
        for t in bars:
            _zeros_written(t)
    return chart


def _by_value_axis(fig: go.Figure, bars: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for t in bars:
        out.setdefault(_value_axis(fig, t).plotly_name, []).append(t)
    return out


def _zeros_written(trace) -> None:
    """A bar trace without value labels gets "0" beside each zero bar (and no other label)."""
    values = bar_values(trace)
    if trace.text is not None and not isinstance(trace.text, str):
        return  # the builder labels every bar (its "0" is there)
    if not any(_finite(v) and float(v) == 0 for v in values):
        return
    trace.update(text=["0" if _finite(v) and float(v) == 0 else "" for v in values], textposition="outside",
                 cliponaxis=False)


def _in_words(chart: Chart, L: Labels) -> Chart:
    """One value left: the summary, wrapped, where the plot was; the bar or cell is not drawn."""
    fig = chart.fig
    for t in fig.data:
        t.visible = False
    text = chart.summary
    # Chinese lines every 28 characters (its spaces sit around numbers, not between words), English at words
    pieces = [text[i:i + 28] for i in range(0, len(text), 28)] if L.zh else textwrap.wrap(text, 64)
    words = "<br>".join(html_text(p) for p in pieces)
    lines = words.count("<br>") + 1
    fig.update_layout(showlegend=False, height=min(int(fig.layout.height or 420), 150 + 26 * lines))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=words, xref="paper", yref="paper", x=0, y=0.5, xanchor="left", yanchor="middle",
                       showarrow=False, align="left", font=dict(size=16, color="#222"))
    return chart


# ---------------------------------------------------------------- overview
def monthly_spend(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Monthly spend trend (monthly_spend: month, spend_yuan, persons_paid, payments)."""
    if _is_empty(df, "spend_yuan"):
        return _no_data(L)
    d = df.copy()
    d["month"] = pd.to_datetime(d["month"])
    d = d.sort_values("month")
    labels = [L("chart.month_tick", month=m.month, abbr=m.strftime("%b")) for m in d["month"]]
    fig = go.Figure(go.Bar(
        x=labels, y=d["spend_yuan"] / 10_000, marker_color=BLUE,
        customdata=np.stack([d["persons_paid"], d["payments"]], axis=-1),
        hovertemplate=_hover("%{x}<br>", L("chart.monthly_spend.hover", spend="%{y:,.2f}",
                                            persons="%{customdata[0]:,}")),
    ))
    base_layout(fig, title, legend=False, height=380)
    fig.update_yaxes(title_text=L("chart.money_axis"), tickformat=",.2~f")
    top = d.loc[d["spend_yuan"].idxmax()]
    m = pd.Timestamp(top["month"])
    summary = L("chart.monthly_spend.summary", prefix=_year_prefix(year, L), month=m.month,
                month_name=m.strftime("%B"), top=L.money(top["spend_yuan"]), total=L.money(d["spend_yuan"].sum()))
    table = pd.DataFrame({
        L.column("month"): d["month"].dt.strftime("%Y-%m").to_numpy(),
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        L("chart.monthly_spend.persons_paid"): d["persons_paid"].to_numpy(),
        L.column("payments"): d["payments"].to_numpy(),
    })
    return Chart(fig, summary, table)


def town_ranking(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Towns ranked by money paid (benefit_incidence by town: value, spend_yuan, share, persons)."""
    if _is_empty(df, "spend_yuan"):
        return _no_data(L)
    d = df.sort_values("spend_yuan", ascending=True)
    fig = go.Figure(go.Bar(
        x=d["spend_yuan"] / 10_000, y=_plain(d["value"]), orientation="h", marker_color=BLUE,
        text=[fmt_pct(s) for s in d["share"]], textposition="outside", cliponaxis=False,
        customdata=d["persons"],
        hovertemplate=_hover("%{y}<br>", _spend_persons_hover(L, "%{x:,.2f}", "%{customdata:,}")),
    ))
    base_layout(fig, title, legend=False, height=max(320, 40 + 30 * len(d)))
    fig.update_xaxes(title_text=L("chart.money_axis"), tickformat=",.2~f",
                     range=[0, float(d["spend_yuan"].max()) / 10_000 * 1.18])
    top, low = d.iloc[-1], d.iloc[0]
    prefix = _year_prefix(year, L)
    if len(d) == 1:
        summary = L("chart.town_ranking.summary_one", prefix=prefix, town=top["value"],
                    money=L.money(top["spend_yuan"]))
    else:
        summary = L("chart.town_ranking.summary", prefix=prefix, top=top["value"], money=L.money(top["spend_yuan"]),
                    share=fmt_pct(top["share"]), low=low["value"], low_share=fmt_pct(low["share"]))
    d = d.iloc[::-1]
    table = pd.DataFrame({
        L("town"): d["value"].to_numpy(),
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        L.column("share"): (d["share"] * 100).round(1).astype(str).to_numpy() + "%",
        L("persons"): d["persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


# ---------------------------------------------------------------- coverage
def _with_coverage(d: pd.DataFrame) -> pd.DataFrame:
    """The rows with a coverage to rank: a certified population above 0 and a coverage shown (not hidden)."""
    valid = d.dropna(subset=["coverage"])
    return valid[valid["certified_population"] > 0]


def coverage_heatmap(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Coverage by category × grade.

    Takes coverage_by_category: category, grade, certified_population, persons_paid, coverage.
    """
    if _is_empty(df, "certified_population"):
        return _no_data(L)
    d = df.copy()
    d["grade"] = pd.to_numeric(d["grade"], errors="coerce").astype("Int64")
    cats = [c for c in CATEGORIES if c in set(d["category"])] + sorted(set(d["category"]) - set(CATEGORIES))
    grades = sorted(int(g) for g in d["grade"].dropna().unique())
    z = d.pivot_table(index="category", columns="grade", values="coverage", aggfunc="first").reindex(
        index=cats, columns=grades)
    n = d.pivot_table(index="category", columns="grade", values="certified_population", aggfunc="first").reindex(
        index=cats, columns=grades)
    text = [[("" if pd.isna(v) else f"{v * 100:.1f}%") for v in row] for row in z.to_numpy()]
    xs, ys = _plain(L.code("grade", g) for g in grades), _plain(L.code("category", c) for c in cats)
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=xs, y=ys, colorscale=SEQUENTIAL, zmin=0, zmax=1,
        text=text, customdata=n.to_numpy(dtype=float),
        colorbar=dict(title=dict(text=L("kpi_coverage")), tickformat=".0%"),
        hovertemplate=_hover("%{y} %{x}<br>%{text}<br>N=%{customdata:,}"),
        xgap=2, ygap=2,
    ))
    # the cell values as a text layer coloured per cell, black or white (style.text_color_on), so
    # every value reaches 4.5:1 on its cell; plotly's own choice left white on mid cells at 3.2:1. The layer
    # carries the cell's hover too: plotly cannot select a heatmap cell, but a click on a text point is a
    # selected point (st.plotly_chart on_select: the drill to the cell's category and grade)
    cells = [(x, y, t, text_color_on(pc.sample_colorscale(SEQUENTIAL, [float(v)])[0]), count)
             for y, row_v, row_t, row_n in zip(ys, z.to_numpy(dtype=float), text, n.to_numpy(dtype=float))
             for x, v, t, count in zip(xs, row_v, row_t, row_n) if t]
    if cells:
        fig.add_scatter(x=[c[0] for c in cells], y=[c[1] for c in cells], text=[c[2] for c in cells],
                        customdata=[c[4] for c in cells], mode="text",
                        textfont=dict(size=13, color=[c[3] for c in cells]),
                        hovertemplate=_hover("%{y} %{x}<br>%{text}<br>N=%{customdata:,}"), showlegend=False)
    base_layout(fig, title, legend=False, height=420)
    fig.update_yaxes(autorange="reversed")
    valid = _with_coverage(d)
    if valid.empty:
        return _no_data(L)
    hi = valid.loc[valid["coverage"].idxmax()]
    lo = valid.loc[valid["coverage"].idxmin()]

    def name(r):
        return L("chart.coverage_heatmap.cell", category=L.code("category", r["category"]),
                 grade=L.code("grade", r["grade"]))
    summary = L("chart.coverage_heatmap.summary", prefix=_year_prefix(year, L), hi=name(hi),
                hi_pct=fmt_pct(hi["coverage"]), lo=name(lo), lo_pct=fmt_pct(lo["coverage"]))
    table = _coverage_table(d.sort_values(["category", "grade"]), L,
                            {"category": L("category"), "grade": L("grade")})
    return Chart(fig, summary, table)


def _coverage_table(d: pd.DataFrame, L: Labels, headers: dict[str, str]) -> pd.DataFrame:
    """Coverage table: the breakdown columns (kind -> header) with labelled values, then the numbers."""
    out = pd.DataFrame()
    for kind, header in headers.items():
        out[header] = [L.code(kind, v) for v in d[kind]]
    out[L("kpi_certified")] = d["certified_population"].to_numpy()
    out[L.column("persons_paid")] = d["persons_paid"].to_numpy()
    out[L("kpi_coverage") + " %"] = (d["coverage"] * 100).round(1).to_numpy()
    return out


def coverage_bars(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None, by: str = "town") -> Chart:
    """Coverage by one breakdown (coverage_by: value, certified_population, persons_paid, coverage)."""
    if _is_empty(df, "certified_population"):
        return _no_data(L)
    d = df.copy()
    if by == "age_band":
        d["_o"] = d["value"].map({v: i for i, v in enumerate(AGE_BAND_ORDER)})
        d = d.sort_values("_o")
    elif by in ("town", "village"):
        d = d.sort_values("coverage", ascending=True)
    labels = _plain(L.code(by, v) for v in d["value"])
    horizontal = by in ("town", "village")
    bar = go.Bar(
        x=d["coverage"] if horizontal else labels, y=labels if horizontal else d["coverage"],
        orientation="h" if horizontal else "v", marker_color=GREEN,
        text=[fmt_pct(c) for c in d["coverage"]], textposition="outside", cliponaxis=False,
        customdata=np.stack([d["persons_paid"], d["certified_population"]], axis=-1),
        hovertemplate=_hover("%{text}<br>%{customdata[0]:,} / %{customdata[1]:,}"),
    )
    fig = go.Figure(bar)
    base_layout(fig, title, legend=False, height=max(320, 40 + 30 * len(d)) if horizontal else 340)
    (fig.update_xaxes if horizontal else fig.update_yaxes)(tickformat=".0%", range=[0, 1.12],
                                                            title_text=L("kpi_coverage"))
    valid = _with_coverage(d)
    if valid.empty:
        return _no_data(L)
    hi = valid.loc[valid["coverage"].idxmax()]
    lo = valid.loc[valid["coverage"].idxmin()]
    prefix = _year_prefix(year, L)
    if len(valid) == 1:
        summary = L("chart.coverage_bars.summary_one", prefix=prefix, value=L.code(by, hi["value"]),
                    pct=fmt_pct(hi["coverage"]), paid=fmt_int(hi["persons_paid"]),
                    n=fmt_int(hi["certified_population"]))
    else:
        summary = L("chart.coverage_bars.summary", prefix=prefix, by=_dim(L, by, _DIM_NOUN),
                    hi=L.code(by, hi["value"]), hi_pct=fmt_pct(hi["coverage"]),
                    lo=L.code(by, lo["value"]), lo_pct=fmt_pct(lo["coverage"]))
    # values labelled like the axis, not the contract's codes (an English table showed Chinese codes)
    rows = (d.iloc[::-1] if horizontal else d).rename(columns={"value": by})
    return Chart(fig, summary, _coverage_table(rows, L, {by: _dim(L, by, _DIM_COLUMN)}))


def targeting(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Eligible vs paid person-months of the monthly programs with a rule (targeting_errors)."""
    if _is_empty(df) or (df["eligible_person_months"].fillna(0).sum() + df["paid_person_months"].fillna(0).sum()) == 0:
        return _no_data(L)
    d = df.copy()
    names = L.programs(d)
    series = [
        ("eligible_paid_person_months", L("chart.targeting.eligible_paid"), GREEN),
        ("excluded_person_months", L("chart.targeting.excluded"), VERMILLION),
        ("included_person_months", L("chart.targeting.included"), BROWN),
    ]
    fig = go.Figure()
    for col, label, color in series:
        fig.add_bar(y=[_wrap_label(n, 14) for n in names], x=d[col], name=label, orientation="h",
                    marker_color=color, hovertemplate=_hover("%{y}<br>", label, ": %{x:,}"))
    fig.update_layout(barmode="stack")
    base_layout(fig, title, height=max(300, 140 + 70 * len(d)))
    # the two errors are 0.1–1 % of a bar: slivers no eye can see, so each bar says them in words
    totals = d[[c for c, _, _ in series]].fillna(0).sum(axis=1)
    for n, total, (_, r) in zip(names, totals, d.iterrows()):
        if pd.isna(r[[c for c, _, _ in series]]).all():
            continue  # nothing drawn (hidden by the public edition): the bar's place gets its mark instead
        fig.add_annotation(
            x=float(total), y=_wrap_label(n, 14), xanchor="left", xshift=6, showarrow=False, align="left",
            text=html_text(L("chart.targeting.bar_label", excluded=fmt_int(r["excluded_person_months"]),
                             exclusion=fmt_pct(r["exclusion_error"], 2), included=fmt_int(r["included_person_months"]),
                             inclusion=fmt_pct(r["inclusion_error"], 2))).replace("\n", "<br>"),
            font=dict(size=13, color="#222"))
    fig.update_xaxes(title_text=L("chart.targeting.axis"), tickformat=",",
                     range=[0, float(totals.max() or 1) * 1.45])
    parts = [L("chart.targeting.program", program=n, exclusion=fmt_pct(r["exclusion_error"]),
               inclusion=fmt_pct(r["inclusion_error"])) for n, (_, r) in zip(names, d.iterrows())]
    summary = L("chart.targeting.summary", prefix=_year_prefix(year, L), programs=L("chart.targeting.sep").join(parts))
    table = pd.DataFrame({
        L("program"): names,
        L.column("eligible_person_months"): d["eligible_person_months"].to_numpy(),
        L.column("paid_person_months"): d["paid_person_months"].to_numpy(),
        series[0][1]: d["eligible_paid_person_months"].to_numpy(),
        series[1][1]: d["excluded_person_months"].to_numpy(),
        series[2][1]: d["included_person_months"].to_numpy(),
        L("chart.targeting.exclusion_pct"): (d["exclusion_error"] * 100).round(2).to_numpy(),
        L("chart.targeting.inclusion_pct"): (d["inclusion_error"] * 100).round(2).to_numpy(),
        L("chart.targeting.eligible_persons"): d["eligible_persons"].to_numpy(),
        L("chart.targeting.paid_persons"): d["paid_persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


def priority_children(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Priority children groups: persons and persons paid.

    Takes priority_children: group, persons, persons_paid, spend_yuan.
    """
    if _is_empty(df, "persons"):
        return _no_data(L)
    d = df.copy()
    labels = [_wrap_label(L.code("priority", g), 12 if L.zh else 24) for g in d["group"]]
    fig = go.Figure()
    fig.add_bar(x=labels, y=d["persons"], name=L("persons"), marker_color=SLATE)
    fig.add_bar(x=labels, y=d["persons_paid"], name=L("chart.priority_children.persons_paid"),
                marker_color=BLUE)
    fig.update_layout(barmode="group")
    base_layout(fig, title, height=380)
    fig.update_yaxes(tickformat=",")
    n, p, s = d["persons"].sum(), d["persons_paid"].sum(), d["spend_yuan"].sum()
    summary = L("chart.priority_children.summary", prefix=_year_prefix(year, L), n=fmt_int(n), paid=fmt_int(p),
                pct=fmt_pct(p / n if n else float("nan")), money=L.money(s))
    table = pd.DataFrame({
        L.column("group"): [L.code("priority", g) for g in d["group"]],
        L("persons"): d["persons"].to_numpy(),
        L("chart.priority_children.persons_paid"): d["persons_paid"].to_numpy(),
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
    })
    return Chart(fig, summary, table)


# ---------------------------------------------------------------- spend
def spend_programs(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Spend of every program, grouped by program group (spend_by_program)."""
    if _is_empty(df):
        return _no_data(L)
    d = df.copy()
    d["label"] = L.programs(d)
    d["_g"] = d["program_group"].map({g: i for i, g in enumerate(PROGRAM_GROUPS)}).fillna(99)
    # group blocks from top to bottom, programs by spend inside a block
    d = d.sort_values(["_g", "spend_yuan"], ascending=[False, True])
    width = _program_width(L)
    fig = go.Figure()
    for g in PROGRAM_GROUPS[::-1]:
        part = d[d["program_group"] == g]
        if part.empty:
            continue
        fig.add_bar(
            x=part["spend_yuan"] / 10_000, y=[_wrap_label(s, width) for s in part["label"]],
            orientation="h", name=L.code("program_group", g), marker_color=GROUP_COLORS.get(g, "#767676"),
            customdata=np.stack([part["persons"], part["person_times"]], axis=-1),
            hovertemplate=_hover("%{y}<br>", _spend_persons_hover(L, "%{x:,.2f}", "%{customdata[0]:,}")),
        )
    base_layout(fig, title, height=max(420, 110 + 24 * len(d)))
    fig.update_layout(legend=dict(traceorder="reversed"), yaxis=dict(categoryorder="array",
                      categoryarray=[_wrap_label(s, width) for s in d["label"]]))
    fig.update_xaxes(title_text=L("chart.money_axis"), tickformat=",.2~f")
    total = d["spend_yuan"].sum()
    if total <= 0:
        return Chart(None, L("no_payments", scope="—"), _spend_table(d, L))
    top = d.loc[d["spend_yuan"].idxmax()]
    summary = L("chart.spend_programs.summary", prefix=_year_prefix(year, L), top=top["label"],
                share=fmt_pct(top["spend_yuan"] / total), total=L.money(total), n=len(d),
                paid=int((d["spend_yuan"] > 0).sum()))
    return Chart(fig, summary, _spend_table(d.iloc[::-1], L))


def _spend_table(d: pd.DataFrame, L: Labels) -> pd.DataFrame:
    return pd.DataFrame({
        L("chart.spend_programs.id"): d["program_id"].to_numpy(),
        L("program"): d["label"].to_numpy(),
        L("program_group"): [L.code("program_group", g) for g in d["program_group"]],
        L.column("cycle"): [L.code("cycle", c) for c in d["cycle"]],
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        L("persons"): d["persons"].to_numpy(),
        L.column("person_times"): d["person_times"].to_numpy(),
        L.column("avg_per_person"): d["avg_per_person"].round(0).to_numpy(),
        L.column("tiers"): d["tiers"].to_numpy(),
        L("chart.cap_use_pct"): (pd.to_numeric(d["cap_use"], errors="coerce") * 100).round(1).to_numpy(),
    })


def spend_groups(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Spend per program group (spend_by_program, summed by program_group)."""
    if _is_empty(df, "spend_yuan"):
        return _no_data(L)
    g = (df.groupby("program_group", as_index=False)
         .agg(spend_yuan=("spend_yuan", "sum"), persons=("persons", "sum"), person_times=("person_times", "sum"),
              programs=("program_id", "count")))
    g["_o"] = g["program_group"].map({x: i for i, x in enumerate(PROGRAM_GROUPS)}).fillna(99)
    g = g.sort_values("_o")
    total = g["spend_yuan"].sum()
    g["share"] = g["spend_yuan"] / total
    labels = [L.code("program_group", x) for x in g["program_group"]]
    fig = go.Figure(go.Bar(
        y=_plain(labels), x=g["spend_yuan"] / 10_000, orientation="h",
        marker_color=[GROUP_COLORS.get(x, "#767676") for x in g["program_group"]],
        text=[f"{fmt_wan(v)} · {fmt_pct(s)}" for v, s in zip(g["spend_yuan"], g["share"])],
        textposition="outside", cliponaxis=False, hovertemplate=_hover("%{y}<br>%{x:,.2f}"),
    ))
    base_layout(fig, title, legend=False, height=max(300, 80 + 40 * len(g)))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=L("chart.money_axis"), tickformat=",.2~f",
                     range=[0, float(g["spend_yuan"].max()) / 10_000 * 1.3])
    top = g.loc[g["spend_yuan"].idxmax()]
    summary = L("chart.spend_groups.summary", prefix=_year_prefix(year, L),
                group=L.code("program_group", top["program_group"]), share=fmt_pct(top["share"]),
                money=L.money(top["spend_yuan"]))
    table = pd.DataFrame({
        L("program_group"): labels,
        L("chart.programs_count"): g["programs"].to_numpy(),
        L("chart.money_axis"): (g["spend_yuan"] / 10_000).round(2).to_numpy(),
        L("chart.share_pct"): (g["share"] * 100).round(1).to_numpy(),
        L.column("person_times"): g["person_times"].to_numpy(),
    })
    return Chart(fig, summary, table)


def spend_tiers(tiers: pd.DataFrame, programs: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Tier mix of the programs with two or more tiers (spend_by_tier + programs for names)."""
    if _is_empty(tiers, "spend_yuan"):
        return _no_data(L)
    d = tiers.merge(programs[["program_id", "name"] + (["name_en"] if "name_en" in programs else [])],
                    on="program_id", how="left")
    counts = d.groupby("program_id")["tier"].transform("count")
    d = d[counts >= 2].copy()
    if d.empty or d["spend_yuan"].sum() == 0:
        return _no_data(L)
    d["label"] = [_wrap_label(s, _program_width(L)) for s in L.programs(d)]
    tot = d.groupby("program_id")["spend_yuan"].transform("sum")
    d["mix"] = np.where(tot > 0, d["spend_yuan"] / tot.replace(0, np.nan), 0)
    order = d.groupby("label")["spend_yuan"].sum().sort_values().index.tolist()
    max_tier = int(d["tier"].max())
    # cividis steps: ordered tiers read as an ordered scale
    lo, hi = SEQUENTIAL_MARK_RANGE  # the part of the scale that keeps 3:1 on white
    steps = pc.sample_colorscale(SEQUENTIAL, [lo + (hi - lo) * i / max(max_tier - 1, 1) for i in range(max_tier)])
    hover = L("chart.spend_tiers.hover", share="%{x:.0%}", persons="%{customdata[0]:,}",
              spend="%{customdata[1]:,.2f}", cap="%{customdata[2]:,.0f}", cap_use="%{customdata[3]:.0%}")
    fig = go.Figure()
    for tier in range(1, max_tier + 1):
        part = d[d["tier"] == tier]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"], x=part["mix"], orientation="h", name=L("chart.spend_tiers.tier", tier=tier),
            marker_color=steps[tier - 1],
            customdata=np.stack([part["persons"], part["spend_yuan"] / 10_000, part["amount"],
                                 pd.to_numeric(part["cap_use"], errors="coerce")], axis=-1),
            hovertemplate=_hover("%{y}<br>", hover),
        )
    fig.update_layout(barmode="stack", yaxis=dict(categoryorder="array", categoryarray=order))
    base_layout(fig, title, height=max(360, 120 + 26 * len(order)))
    fig.update_layout(legend_traceorder="normal")  # Tier 1 first (stacked bars reverse it by default)
    fig.update_xaxes(tickformat=".0%", title_text=L("chart.spend_tiers.axis"))
    cap = d.assign(cu=pd.to_numeric(d["cap_use"], errors="coerce")).dropna(subset=["cu"])
    cap = cap[cap["persons"] > 0]
    if not cap.empty:
        hi = cap.loc[cap["cu"].idxmax()]
        summary = L("chart.spend_tiers.summary", prefix=_year_prefix(year, L), n=len(order),
                    program=_unwrap(pd.Series([hi["label"]]), L)[0], tier=int(hi["tier"]), pct=fmt_pct(hi["cu"]))
    else:
        summary = L("chart.spend_tiers.summary_no_cap", n=len(order))
    table = pd.DataFrame({
        L("program"): _unwrap(d["label"], L).to_numpy(),
        L.column("tier"): d["tier"].to_numpy(),
        L("chart.spend_tiers.amount"): d["amount"].to_numpy(),
        L.column("condition"): d["condition"].to_numpy() if "condition" in d else "",
        L("persons"): d["persons"].to_numpy(),
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        L("chart.cap_use_pct"): (pd.to_numeric(d["cap_use"], errors="coerce") * 100).round(1).to_numpy(),
        L("chart.spend_tiers.at_cap"): d["persons_at_cap"].to_numpy() if "persons_at_cap" in d else "",
    })
    return Chart(fig, summary, table)


def incidence(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None, by: str = "category") -> Chart:
    """Benefit incidence: share of the money per group (benefit_incidence: value, spend_yuan, share, persons)."""
    if _is_empty(df, "spend_yuan"):
        return _no_data(L)
    d = df.copy()
    if by == "category":
        d["_o"] = d["value"].map({v: i for i, v in enumerate(CATEGORIES)}).fillna(99)
        d = d.sort_values("_o", ascending=False)
    else:
        d = d.sort_values("share", ascending=True)
    labels = _plain(L.code(by, v) for v in d["value"])
    fig = go.Figure(go.Bar(
        y=labels, x=d["share"], orientation="h", marker_color=BLUE if by == "category" else GREEN,
        text=[fmt_pct(s) for s in d["share"]], textposition="outside", cliponaxis=False,
        customdata=np.stack([d["spend_yuan"] / 10_000, d["persons"]], axis=-1),
        hovertemplate=_hover("%{y}<br>%{x:.1%}<br>",
                             _spend_persons_hover(L, "%{customdata[0]:,.2f}", "%{customdata[1]:,}")),
    ))
    base_layout(fig, title, legend=False, height=max(320, 60 + 34 * len(d)))
    fig.update_xaxes(tickformat=".0%", title_text=L("chart.incidence.axis"),
                     range=[0, min(1.0, float(d["share"].max()) * 1.2 + 0.02)])
    top = d.loc[d["share"].idxmax()]
    summary = L("chart.incidence.summary", prefix=_year_prefix(year, L), by=_dim(L, by, _DIM_NOUN),
                top=L.code(by, top["value"]), share=fmt_pct(top["share"]), money=L.money(top["spend_yuan"]),
                persons=fmt_int(top["persons"]))
    d = d.iloc[::-1]
    table = pd.DataFrame({
        _dim(L, by, _DIM_COLUMN): [L.code(by, v) for v in d["value"]],
        L("chart.money_axis"): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        L("chart.share_pct"): (d["share"] * 100).round(1).to_numpy(),
        L("persons"): d["persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


# ---------------------------------------------------------------- processing time
def processing_medians(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Median working days before vs after the reform per program (processing_times by=program)."""
    if _is_empty(df):
        return _no_data(L)
    d = df.copy()
    d = d[(d["applications_before"].fillna(0) + d["applications_after"].fillna(0)) > 0]
    if d.empty:
        return _no_data(L)
    d["label"] = [_wrap_label(s, _program_width(L)) for s in L.programs(d)]
    d = d.sort_values("working_days_saved", ascending=True, na_position="first")
    fig = go.Figure()
    # connecting segments (one trace with None separators keeps the figure light)
    xs, ys = [], []
    for _, r in d.iterrows():
        if pd.notna(r["median_days_before"]) and pd.notna(r["median_days_after"]):
            xs += [r["median_days_before"], r["median_days_after"], None]
            ys += [r["label"], r["label"], None]
    fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color="#999", width=2), hoverinfo="skip", showlegend=False)
    for col, n_col, period, color, symbol in (
        ("median_days_before", "applications_before", "before", BEFORE_COLOR, "circle-open"),
        ("median_days_after", "applications_after", "after", AFTER_COLOR, "circle"),
    ):
        name = L.code("period", period)
        fig.add_scatter(x=d[col], y=d["label"], mode="markers", name=name,
                        marker=dict(color=color, size=11, symbol=symbol, line=dict(width=2, color=color)),
                        customdata=d[n_col],
                        hovertemplate=_hover("%{y}<br>", L("chart.processing_medians.hover", period=name,
                                                           days="%{x}", n="%{customdata:,}")))
    base_layout(fig, title, height=max(420, 110 + 24 * len(d)))
    fig.update_xaxes(title_text=L.column("working_days"), rangemode="tozero")
    fig.update_yaxes(categoryorder="array", categoryarray=d["label"].tolist())
    saved = d.dropna(subset=["working_days_saved"])
    if saved.empty:
        summary = L("chart.processing_medians.summary_none")
    else:
        top = saved.loc[saved["working_days_saved"].idxmax()]
        summary = L("chart.processing_medians.summary", program=_unwrap(pd.Series([top["label"]]), L)[0],
                    before=fmt_num(top["median_days_before"]), after=fmt_num(top["median_days_after"]),
                    n=len(saved))
    d = d.iloc[::-1]
    table = pd.DataFrame({
        L("program"): _unwrap(d["label"], L).to_numpy(),
        L.column("reform_date"): pd.to_datetime(d["reform_date"]).dt.strftime("%Y-%m-%d").to_numpy(),
        L.column("applications_before"): d["applications_before"].to_numpy(),
        L.column("applications_after"): d["applications_after"].to_numpy(),
        L.column("median_days_before"): d["median_days_before"].to_numpy(),
        L.column("median_days_after"): d["median_days_after"].to_numpy(),
        L("chart.processing_medians.days_saved"): d["working_days_saved"].to_numpy(),
        L.column("trips_before"): d["trips_before"].to_numpy(),
        L.column("trips_after"): d["trips_after"].to_numpy(),
        L.column("materials_before"): d["materials_before"].to_numpy(),
        L.column("materials_after"): d["materials_after"].to_numpy(),
    })
    return Chart(fig, summary, table)


def processing_distribution(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Distribution of working days before vs after reform, by payment route.

    Takes `queries.duration_stats` (columns period, route, n, q1, median, q3, lowerfence, upperfence,
    mean, with one route '_all' row per period), computed in the database: a million applications
    would otherwise ship every value to pandas and the browser. A box whose statistics are missing (the
    public edition hides a distribution drawn from fewer than k applications) is not drawn: the
    registry writes where it would have been (publish.charts.mark_hidden_points).
    """
    if _is_empty(df):
        return _no_data(L)
    stats = df
    boxes = stats[stats["route"] != "_all"]
    if boxes.empty:
        return _no_data(L)
    fig = go.Figure()
    colors = {"via_town": BEFORE_COLOR, "direct": AFTER_COLOR}
    for route, part in boxes[boxes["median"].notna()].groupby("route", dropna=False, sort=False):
        route = None if pd.isna(route) else route
        part = part.set_index("period").reindex([p for p in ("before", "after") if p in set(part["period"])])
        fig.add_trace(go.Box(
            x=[L.code("period", p) for p in part.index], q1=part["q1"], median=part["median"], q3=part["q3"],
            lowerfence=part["lowerfence"], upperfence=part["upperfence"], mean=part["mean"],
            name=L.code("route", route) if route else "", marker_color=colors.get(route, BLUE),
            boxpoints=False,
        ))
    rows = boxes.to_dict("records")
    overall = stats[stats["route"] == "_all"].set_index("period")
    if overall.empty and not boxes["period"].duplicated().any():
        overall = boxes.set_index("period")   # one box per period (no routes): it is the period's whole
    med = {p: float(overall.loc[p, "median"]) for p in overall.index if pd.notna(overall.loc[p, "median"])}
    n_all = int(pd.to_numeric(overall["n"] if len(overall) else boxes["n"], errors="coerce").sum())
    fig.update_layout(boxmode="group")
    base_layout(fig, title, height=400)
    fig.update_yaxes(title_text=L.column("working_days"), rangemode="tozero")
    if "before" in med and "after" in med:
        summary = L("chart.processing_distribution.summary", before=fmt_num(med["before"]),
                    after=fmt_num(med["after"]), n=fmt_int(n_all))
    elif med:
        p = next(iter(med))
        summary = L("chart.median_of", what=L.code("period", p), median=fmt_num(med[p]))
    elif boxes["median"].isna().all():
        summary = L("chart.processing_distribution.summary_hidden")
    else:
        summary = ""
    r = pd.DataFrame(rows)
    table = pd.DataFrame({
        L.column("period"): [L.code("period", p) for p in r["period"]],
        L.column("route"): [L.code("route", x) if isinstance(x, str) else "" for x in r["route"]],
        L.column("applications"): r["n"].to_numpy(),
        L("chart.processing_distribution.q1"): r["q1"].round(1).to_numpy(),
        L("chart.processing_distribution.median"): r["median"].round(1).to_numpy(),
        L("chart.processing_distribution.q3"): r["q3"].round(1).to_numpy(),
        L("chart.processing_distribution.mean"): r["mean"].round(1).to_numpy(),
    })
    return Chart(fig, summary, table)


def processing_routes(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Median working days by payment route: direct deposit vs via town (processing_times by=route)."""
    if _is_empty(df, "applications"):
        return _no_data(L)
    d = df.copy()
    d["_o"] = d["route"].map({"via_town": 0, "direct": 1}).fillna(2)
    d = d.sort_values("_o")
    labels = [L.code("route", r) for r in d["route"]]
    fig = go.Figure(go.Bar(
        x=labels, y=d["median_days"],
        marker_color=[BEFORE_COLOR if r == "via_town" else AFTER_COLOR for r in d["route"]],
        text=[fmt_num(v) for v in d["median_days"]], textposition="outside", cliponaxis=False,
        customdata=d["applications"],
        hovertemplate=_hover("%{x}<br>", L("chart.processing_routes.hover", days="%{y}", n="%{customdata:,}")),
    ))
    base_layout(fig, title, legend=False, height=340)
    fig.update_yaxes(title_text=L("chart.processing_routes.axis"),
                     range=[0, float(pd.to_numeric(d["median_days"], errors="coerce").max() or 1) * 1.18])
    by = d.set_index("route")
    if {"direct", "via_town"} <= set(by.index):
        diff = by.loc["via_town", "median_days"] - by.loc["direct", "median_days"]
        summary = L("chart.processing_routes.summary", direct=fmt_num(by.loc["direct", "median_days"]),
                    diff=fmt_num(diff))
    else:
        summary = L("chart.median_of", what=labels[0], median=fmt_num(d.iloc[0]["median_days"]))
    table = pd.DataFrame({
        L.column("route"): labels,
        L.column("applications"): d["applications"].to_numpy(),
        L("chart.processing_routes.median"): d["median_days"].to_numpy(),
        L("chart.processing_routes.mean"): pd.to_numeric(d["mean_days"], errors="coerce").round(1).to_numpy(),
    })
    return Chart(fig, summary, table)


def _count_bars(df: pd.DataFrame, L: Labels, col: str, title: str, unit_one: str, unit_many: str,
                unit_column: str) -> Chart:
    """Programs per number of `col` needed (trips, materials) before and after; units are message keys."""
    if _is_empty(df):
        return _no_data(L)
    before = pd.to_numeric(df[f"{col}_before"], errors="coerce").fillna(0).astype(int)
    after = pd.to_numeric(df[f"{col}_after"], errors="coerce").fillna(0).astype(int)
    top = int(max(before.max(), after.max(), 1))
    cap = min(top, 3)
    keys = list(range(cap + 1))
    units = L(unit_many)

    def bucket(v):
        return min(v, cap)

    def label(k):
        unit = L(unit_one) if k == 1 else units
        return f"{k}+ {unit}" if k == cap and top > cap else f"{k} {unit}"
    cb = before.map(bucket).value_counts().reindex(keys, fill_value=0)
    ca = after.map(bucket).value_counts().reindex(keys, fill_value=0)
    labels = [label(k) for k in keys]
    fig = go.Figure()
    fig.add_bar(x=labels, y=cb.to_numpy(), name=L.code("period", "before"), marker_color=BEFORE_COLOR,
                text=cb.to_numpy(), textposition="outside", cliponaxis=False)
    fig.add_bar(x=labels, y=ca.to_numpy(), name=L.code("period", "after"), marker_color=AFTER_COLOR,
                text=ca.to_numpy(), textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="group")
    base_layout(fig, title, height=340)
    fig.update_yaxes(title_text=L("chart.programs_count"),
                     range=[0, max(int(cb.max()), int(ca.max()), 1) * 1.18])
    summary = L("chart.count_bars.summary", n=len(df), zero=int(ca[0]), at_most_one=int((after <= 1).sum()),
                zero_before=int(cb[0]), at_most_one_before=int((before <= 1).sum()),
                saved=int(before.sum() - after.sum()), units=units)
    table = pd.DataFrame({
        L(unit_column): labels,
        L("chart.count_bars.before"): cb.to_numpy(),
        L("chart.count_bars.after"): ca.to_numpy(),
    })
    return Chart(fig, summary, table)


def processing_trips(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Programs by trips needed in person, before vs after reform (programs: trips_before, trips_after)."""
    return _count_bars(df, L, "trips", title, "chart.trips.one", "chart.trips.many", "chart.trips.column")


def processing_materials(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Programs by paper materials needed, before vs after reform (programs: materials_before, materials_after)."""
    return _count_bars(df, L, "materials", title, "chart.materials.one", "chart.materials.many",
                       "chart.materials.column")


# ---------------------------------------------------------------- census gaps
def _gap_order(L: Labels) -> dict[str, int]:
    """Gap key → position in the seed (METRICS.md order)."""
    return {g: i for i, g in enumerate(L.gap_keys)}


def _payment_gaps(L: Labels) -> set[str]:
    """The gaps that are payments which should not have been made (the seed's case_kind 'payment')."""
    return {g.key for g in L.gaps if g.case_kind == "payment"}


def gaps_overview(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Persons behind every census gap (census_gaps: gap, persons, cases, months, amount_yuan)."""
    if _is_empty(df):
        return _no_data(L)
    d = df.copy()
    d["_o"] = d["gap"].map(_gap_order(L)).fillna(99)
    d = d.sort_values("_o", ascending=False)
    d["label"] = _plain(L.gap(g) for g in d["gap"])
    d["paid_wrongly"] = d["gap"].isin(_payment_gaps(L))
    hover = L("chart.gaps_overview.hover", persons="%{x:,}", cases="%{customdata[0]:,}", amount="%{customdata[1]:,.0f}")
    fig = go.Figure()
    for wrong, name, color in ((False, L("chart.gaps_overview.other_gaps"), BLUE),
                               (True, L("chart.gaps_overview.payment_gaps"), VERMILLION)):
        part = d[d["paid_wrongly"] == wrong]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"], x=part["persons"], orientation="h", name=name, marker_color=color,
            text=[fmt_int(v) for v in part["persons"]], textposition="outside", cliponaxis=False,
            customdata=np.stack([part["cases"].fillna(0),
                                 pd.to_numeric(part["amount_yuan"], errors="coerce").fillna(0)], axis=-1),
            hovertemplate=_hover("%{y}<br>", hover),
        )
    base_layout(fig, title, height=max(420, 100 + 30 * len(d)))
    fig.update_yaxes(categoryorder="array", categoryarray=d["label"].tolist())
    fig.update_xaxes(title_text=L("persons"), tickformat=",d",
                     dtick=1 if float(d["persons"].max() or 0) <= 8 else None)
    if d["persons"].fillna(0).sum() == 0:
        if d["persons"].isna().any():  # the public edition hid every non-zero count: not "no gaps"
            return Chart(fig, L("chart.gaps_overview.all_hidden"), _gaps_table(d, L))
        return Chart(fig, L("chart.gaps_overview.none"), _gaps_table(d, L))
    top = d.loc[d["persons"].idxmax()]
    summary = L("chart.gaps_overview.summary", prefix=_year_prefix(year, L), gap=L.gap(top["gap"]),
                persons=fmt_int(top["persons"]), money=L.money(_wrong_money(d)))
    return Chart(fig, summary, _gaps_table(d.iloc[::-1], L))


def _wrong_money(d: pd.DataFrame) -> float:
    part = d[d["paid_wrongly"]]
    # a wrong amount's money is paid − due (queries/sql/marts/gaps/mart_gap_cases_payments.sql): a gap
    # whose net is negative was underpaid, money owed to persons, not paid that should not have been
    return float(pd.to_numeric(part["amount_yuan"], errors="coerce").fillna(0).clip(lower=0).sum())


def _gaps_table(d: pd.DataFrame, L: Labels) -> pd.DataFrame:
    return pd.DataFrame({
        L("gap"): [L.gap(g) for g in d["gap"]],
        L("chart.gaps_overview.key"): d["gap"].to_numpy(),
        L("persons"): d["persons"].to_numpy(),
        L("cases"): d["cases"].to_numpy(),
        L("months"): d["months"].to_numpy(),
        L.column("amount_yuan"): pd.to_numeric(d["amount_yuan"], errors="coerce").round(2).to_numpy(),
    })


def gaps_by_area(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None, level: str = "town") -> Chart:
    """Persons behind one gap per area (census_gaps_by_area: gap, area, persons, cases, months, amount_yuan)."""
    if _is_empty(df, "persons"):
        return _no_data(L)
    d = df.sort_values("persons", ascending=True)
    # METRICS.md order, so the legend reads like the gap list of the overview chart
    order = _gap_order(L)
    gaps = sorted(dict.fromkeys(d["gap"]), key=lambda g: order.get(g, 99))
    gap_name = L.gap(gaps[0]) if len(gaps) == 1 else L("chart.gaps.all_gaps")
    n_areas = d["area"].nunique()
    if len(gaps) > 1:  # several gaps: one persons total per area would double count, show stacked gaps
        fig = go.Figure()
        area_order = _plain(d.groupby("area")["persons"].sum().sort_values().index)
        for i, g in enumerate(gaps):
            part = d[d["gap"] == g]
            # 15 gaps, 8 colours: the second round adds a pattern (a light tint would fall below 3:1)
            fig.add_bar(y=_plain(part["area"]), x=part["persons"], orientation="h", name=html_text(L.gap(g)),
                        marker=series_style(i))
        fig.update_layout(barmode="stack", yaxis=dict(categoryorder="array", categoryarray=area_order))
        # the legend goes under the chart: above it, its rows ran into the title; Chinese names are
        # shorter, so four fit a row
        rows = -(-len(gaps) // (4 if L.zh else 3))
        base_layout(fig, title, height=max(320, 80 + 28 * n_areas) + 24 * rows)
        fig.update_layout(margin_b=70 + 24 * rows,
                          legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left",
                                      traceorder="normal", entrywidth=0))
    else:
        fig = go.Figure(go.Bar(y=_plain(d["area"]), x=d["persons"], orientation="h", marker_color=VERMILLION,
                               text=[fmt_int(v) for v in d["persons"]], textposition="outside", cliponaxis=False))
        base_layout(fig, title, legend=False, height=max(320, 80 + 28 * n_areas))
    fig.update_xaxes(title_text=L("persons"), tickformat=",d",
                     dtick=1 if float(d.groupby("area")["persons"].sum().max() or 0) <= 8 else None)
    by_area = d.groupby("area", as_index=False)[["persons", "cases", "months", "amount_yuan"]].sum()
    top = by_area.loc[by_area["persons"].idxmax()]
    summary = L("chart.gaps_by_area.summary", gap=gap_name, top=top["area"], persons=fmt_int(top["persons"]),
                total=fmt_int(by_area["persons"].sum()), n=n_areas, area=_dim(L, level, _DIM_NOUN),
                areas=_dim(L, level, _AREA_PLURAL))
    dd = d.iloc[::-1]
    table = pd.DataFrame({
        _dim(L, level, _DIM_COLUMN): dd["area"].to_numpy(),
        L("gap"): [L.gap(g) for g in dd["gap"]],
        L("persons"): dd["persons"].to_numpy(),
        L("cases"): dd["cases"].to_numpy(),
        L("months"): dd["months"].to_numpy(),
        L.column("amount_yuan"): pd.to_numeric(dd["amount_yuan"], errors="coerce").round(2).to_numpy(),
    })
    return Chart(fig, summary, table)
