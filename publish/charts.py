"""Chart builders: pure functions from the API's DataFrames to plotly Figures (no Streamlit import).

Every builder takes the frame(s) of the API call(s) listed in its registry entry, a language and
optional context (year…), and returns a `Chart`: the figure, a one-sentence summary computed from the
data (for screen-reader users and report captions) and the table behind the chart with labelled
columns. An empty frame gives `Chart(fig=None, …)` with a "no data" summary, never a blank figure.

`CHARTS` is the registry shared by the dashboard pages, the report exporter and notebooks:

    spec = CHARTS["spend.programs"]
    chart = build_from_api("spend.programs", con, lang="en", year=2020)
    chart.fig.write_image("spend.png")

Colours: Okabe–Ito for categories, cividis for sequential scales (both colour-blind safe).
Fonts: a CJK family first so PNG/PDF exports render Chinese (fonts-wqy-microhei on Debian).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

import vocab as i18n
from vocab import t

FONT_FAMILY = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'
# Okabe & Ito (2008), black moved last; the order keeps the two most distinct colours first.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Cividis"
BEFORE_COLOR, AFTER_COLOR = "#D55E00", "#0072B2"   # vermillion / blue: distinct for every CVD type
GROUP_ORDER = ("两项补贴", "康复", "教育", "辅具", "保险医疗", "就业", "其他")
GROUP_COLORS = dict(zip(GROUP_ORDER, OKABE_ITO))
AGE_BAND_ORDER = ("0-6", "7-17", "18-59", "60+")
CATEGORY_ORDER = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")


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


@dataclass(frozen=True)
class ApiCall:
    """One API call feeding a chart: function name and fixed keyword arguments (filters come on top)."""

    fn: str
    kwargs: tuple[tuple[str, Any], ...] = ()

    def describe(self) -> str:
        """'queries.coverage_by(con, by="town", …filters)'."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs)
        return f"queries.{self.fn}(con{', ' + args if args else ''}, **filters)"


@dataclass(frozen=True)
class ChartSpec:
    """Registry entry: stable id, page, titles, builder and the API calls whose frames it takes."""

    id: str
    page: str
    title_zh: str
    title_en: str
    builder: Callable[..., Chart]
    calls: tuple[ApiCall, ...]

    def title(self, lang: str = i18n.DEFAULT_LANG) -> str:
        """Title in `lang`."""
        return self.title_en if lang == "en" else self.title_zh


# ---------------------------------------------------------------- helpers
def base_layout(fig: go.Figure, title: str, *, height: int = 420, legend: bool = True) -> go.Figure:
    """Common look: CJK font, white template, title, compact margins, horizontal legend on top."""
    fig.update_layout(
        template="plotly_white",
        font=dict(family=FONT_FAMILY, size=14, color="#222"),
        # left-aligned like the axis labels, but padded: at x=0 of the container it touched the image edge
        title=dict(text=title, x=0, xanchor="left", xref="container", pad=dict(l=14), font=dict(size=17)),
        height=height,
        margin=dict(l=10, r=20, t=70, b=40),
        colorway=OKABE_ITO,
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, title_text=""),
        hoverlabel=dict(font_family=FONT_FAMILY),
        separators=".,",
    )
    return fig


def _no_data(lang: str, scope: str = "") -> Chart:
    return Chart(None, t("no_data", lang, scope=scope or "—"))


def _is_empty(df: pd.DataFrame | None, value_col: str | None = None) -> bool:
    if df is None or len(df) == 0:
        return True
    if value_col is not None and value_col in df.columns:
        v = pd.to_numeric(df[value_col], errors="coerce").fillna(0)
        return bool((v == 0).all())
    return False


def _year_prefix(year: Any, lang: str) -> str:
    if year is None:
        return ""
    return f"In {year}, " if lang == "en" else f"{year} 年"


def _money_axis(lang: str) -> str:
    return "Spend (¥10,000)" if lang == "en" else "支出（万元）"


def _wrap_label(s: str, width: int = 18) -> str:
    """Break long labels so horizontal bar charts keep a readable plot area.

    Text with spaces (English) breaks between words; Chinese breaks every `width` characters.
    """
    s = str(s)
    if len(s) <= width:
        return s
    if " " in s:
        import textwrap

        # whole words only: a long word overflows its line rather than being cut in two
        return "<br>".join(textwrap.wrap(s, max(width, 16), break_long_words=False, break_on_hyphens=False))
    return "<br>".join(s[i:i + width] for i in range(0, len(s), width))


# ---------------------------------------------------------------- overview
def monthly_spend(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Monthly spend trend (monthly_spend: month, spend_yuan, persons_paid, payments)."""
    title = "月度发放金额" if lang == "zh" else "Monthly spend"
    if _is_empty(df, "spend_yuan"):
        return _no_data(lang)
    d = df.copy()
    d["month"] = pd.to_datetime(d["month"])
    d = d.sort_values("month")
    labels = [f"{m.month} 月" if lang == "zh" else m.strftime("%b") for m in d["month"]]
    fig = go.Figure(go.Bar(
        x=labels, y=d["spend_yuan"] / 10_000, marker_color=OKABE_ITO[0],
        customdata=np.stack([d["persons_paid"], d["payments"]], axis=-1),
        hovertemplate=("%{x}<br>" + ("支出 %{y:,.2f} 万元<br>人数 %{customdata[0]:,}" if lang == "zh"
                       else "Spend ¥%{y:,.2f} ×10k<br>Persons %{customdata[0]:,}") + "<extra></extra>"),
    ))
    base_layout(fig, title, legend=False, height=380)
    fig.update_yaxes(title_text=_money_axis(lang), tickformat=",.2~f")
    top = d.loc[d["spend_yuan"].idxmax()]
    total = d["spend_yuan"].sum()
    m = pd.Timestamp(top["month"])
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}{m.strftime('%B')} had the highest spend "
                   f"({i18n.fmt_money(top['spend_yuan'], lang)}); the year's total is {i18n.fmt_money(total, lang)}.")
    else:
        summary = (f"{_year_prefix(year, lang)} {m.month} 月发放金额最高（{i18n.fmt_money(top['spend_yuan'], lang)}），"
                   f"全年合计 {i18n.fmt_money(total, lang)}。")
    table = pd.DataFrame({
        ("月份" if lang == "zh" else "Month"): d["month"].dt.strftime("%Y-%m").to_numpy(),
        _money_axis(lang): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        ("受益人数" if lang == "zh" else "Persons paid"): d["persons_paid"].to_numpy(),
        ("发放笔数" if lang == "zh" else "Payments"): d["payments"].to_numpy(),
    })
    return Chart(fig, summary, table)


def town_ranking(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Towns ranked by money paid (benefit_incidence by town: value, spend_yuan, share, persons)."""
    title = "各镇街发放金额排名" if lang == "zh" else "Towns ranked by money paid"
    if _is_empty(df, "spend_yuan"):
        return _no_data(lang)
    d = df.sort_values("spend_yuan", ascending=True)
    fig = go.Figure(go.Bar(
        x=d["spend_yuan"] / 10_000, y=d["value"].astype(str), orientation="h", marker_color=OKABE_ITO[0],
        text=[i18n.fmt_pct(s) for s in d["share"]], textposition="outside", cliponaxis=False,
        customdata=d["persons"],
        hovertemplate=("%{y}<br>" + ("%{x:,.2f} 万元，%{customdata:,} 人" if lang == "zh"
                       else "¥%{x:,.2f} ×10k, %{customdata:,} persons") + "<extra></extra>"),
    ))
    base_layout(fig, title, legend=False, height=max(320, 40 + 30 * len(d)))
    fig.update_xaxes(title_text=_money_axis(lang), tickformat=",.2~f",
                     range=[0, float(d["spend_yuan"].max()) / 10_000 * 1.18])
    top, low = d.iloc[-1], d.iloc[0]
    if len(d) == 1:
        summary = (f"{_year_prefix(year, lang)}{top['value']} received {i18n.fmt_money(top['spend_yuan'], lang)}." if lang == "en"
                   else f"{_year_prefix(year, lang)}{top['value']}发放金额 {i18n.fmt_money(top['spend_yuan'], lang)}。")
    elif lang == "en":
        summary = (f"{_year_prefix(year, lang)}{top['value']} received the most "
                   f"({i18n.fmt_money(top['spend_yuan'], lang)}, {i18n.fmt_pct(top['share'])} of the total); "
                   f"{low['value']} the least ({i18n.fmt_pct(low['share'])}).")
    else:
        summary = (f"{_year_prefix(year, lang)}发放金额最多的镇街是{top['value']}（{i18n.fmt_money(top['spend_yuan'], lang)}，"
                   f"占 {i18n.fmt_pct(top['share'])}），最少的是{low['value']}（占 {i18n.fmt_pct(low['share'])}）。")
    d = d.iloc[::-1]
    table = pd.DataFrame({
        t("town", lang): d["value"].to_numpy(),
        _money_axis(lang): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        ("占比" if lang == "zh" else "Share"): (d["share"] * 100).round(1).astype(str).to_numpy() + "%",
        t("persons", lang): d["persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


# ---------------------------------------------------------------- coverage
def coverage_heatmap(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Coverage by category × grade (coverage_by_category: category, grade, certified_population, persons_paid, coverage)."""
    title = "按类别和等级的覆盖率" if lang == "zh" else "Coverage by category and grade"
    if _is_empty(df, "certified_population"):
        return _no_data(lang)
    d = df.copy()
    d["grade"] = pd.to_numeric(d["grade"], errors="coerce").astype("Int64")
    cats = [c for c in CATEGORY_ORDER if c in set(d["category"])] + sorted(set(d["category"]) - set(CATEGORY_ORDER))
    grades = sorted(int(g) for g in d["grade"].dropna().unique())
    z = d.pivot_table(index="category", columns="grade", values="coverage", aggfunc="first").reindex(
        index=cats, columns=grades)
    n = d.pivot_table(index="category", columns="grade", values="certified_population", aggfunc="first").reindex(
        index=cats, columns=grades)
    text = [[("" if pd.isna(v) else f"{v * 100:.1f}%") for v in row] for row in z.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=[i18n.grade_label(g, lang) for g in grades],
        y=[i18n.category_label(c, lang) for c in cats], colorscale=SEQUENTIAL, zmin=0, zmax=1,
        text=text, texttemplate="%{text}", textfont=dict(size=13),
        customdata=n.to_numpy(dtype=float),
        colorbar=dict(title=dict(text=t("kpi_coverage", lang)), tickformat=".0%"),
        hovertemplate="%{y} %{x}<br>%{text}<br>N=%{customdata:,}<extra></extra>",
        xgap=2, ygap=2,
    ))
    base_layout(fig, title, legend=False, height=420)
    fig.update_yaxes(autorange="reversed")
    valid = d.dropna(subset=["coverage"])
    valid = valid[valid["certified_population"] > 0]
    if valid.empty:
        return _no_data(lang)
    hi = valid.loc[valid["coverage"].idxmax()]
    lo = valid.loc[valid["coverage"].idxmin()]

    def name(r):
        return (f"{i18n.category_label(r['category'], lang)} {i18n.grade_label(r['grade'], lang)}"
                if lang == "en" else f"{r['category']}{i18n.grade_label(r['grade'], lang)}")
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}coverage is highest for {name(hi)} ({i18n.fmt_pct(hi['coverage'])}) "
                   f"and lowest for {name(lo)} ({i18n.fmt_pct(lo['coverage'])}).")
    else:
        summary = (f"{_year_prefix(year, lang)}覆盖率最高的是{name(hi)}（{i18n.fmt_pct(hi['coverage'])}），"
                   f"最低的是{name(lo)}（{i18n.fmt_pct(lo['coverage'])}）。")
    return Chart(fig, summary, _coverage_table(d.sort_values(["category", "grade"]), lang, ["category", "grade"]))


def _coverage_table(d: pd.DataFrame, lang: str, keys: list[str]) -> pd.DataFrame:
    out = pd.DataFrame()
    for k in keys:
        out[t(k, lang) if k != "value" else ""] = [i18n.value_label(k, v, lang) for v in d[k]]
    out[t("kpi_certified", lang)] = d["certified_population"].to_numpy()
    out["获得发放人数" if lang == "zh" else "Persons paid"] = d["persons_paid"].to_numpy()
    out[t("kpi_coverage", lang) + " %"] = (d["coverage"] * 100).round(1).to_numpy()
    return out


BY_LABEL = {"town": ("镇街", "town"), "village": ("村社区", "village"), "sex": ("性别", "sex"),
            "age_band": ("年龄段", "age band"), "hukou": ("户籍", "hukou"), "category": ("残疾类别", "category"),
            "grade": ("残疾等级", "grade")}


def coverage_bars(df: pd.DataFrame, lang: str = "zh", year: Any = None, by: str = "town") -> Chart:
    """Coverage by one breakdown (coverage_by: value, certified_population, persons_paid, coverage)."""
    by_zh, by_en = BY_LABEL.get(by, (by, by))
    title = f"按{by_zh}的覆盖率" if lang == "zh" else f"Coverage by {by_en}"
    if _is_empty(df, "certified_population"):
        return _no_data(lang)
    d = df.copy()
    if by == "age_band":
        d["_o"] = d["value"].map({v: i for i, v in enumerate(AGE_BAND_ORDER)})
        d = d.sort_values("_o")
    elif by in ("town", "village"):
        d = d.sort_values("coverage", ascending=True)
    labels = [i18n.value_label(by, v, lang) for v in d["value"]]
    horizontal = by in ("town", "village")
    bar = go.Bar(
        x=d["coverage"] if horizontal else labels, y=labels if horizontal else d["coverage"],
        orientation="h" if horizontal else "v", marker_color=OKABE_ITO[2],
        text=[i18n.fmt_pct(c) for c in d["coverage"]], textposition="outside", cliponaxis=False,
        customdata=np.stack([d["persons_paid"], d["certified_population"]], axis=-1),
        hovertemplate="%{text}<br>%{customdata[0]:,} / %{customdata[1]:,}<extra></extra>",
    )
    fig = go.Figure(bar)
    base_layout(fig, title, legend=False, height=max(320, 40 + 30 * len(d)) if horizontal else 340)
    (fig.update_xaxes if horizontal else fig.update_yaxes)(tickformat=".0%", range=[0, 1.12],
                                                            title_text=t("kpi_coverage", lang))
    valid = d.dropna(subset=["coverage"])
    valid = valid[valid["certified_population"] > 0]
    if valid.empty:
        return _no_data(lang)
    hi = valid.loc[valid["coverage"].idxmax()]
    lo = valid.loc[valid["coverage"].idxmin()]
    hv, lv = i18n.value_label(by, hi["value"], lang), i18n.value_label(by, lo["value"], lang)
    if len(valid) == 1:
        summary = (f"{_year_prefix(year, lang)}coverage in {hv} is {i18n.fmt_pct(hi['coverage'])} "
                   f"({i18n.fmt_int(hi['persons_paid'])} of {i18n.fmt_int(hi['certified_population'])})." if lang == "en"
                   else f"{_year_prefix(year, lang)}{hv}的覆盖率为 {i18n.fmt_pct(hi['coverage'])}"
                   f"（{i18n.fmt_int(hi['certified_population'])} 人中 {i18n.fmt_int(hi['persons_paid'])} 人）。")
    elif lang == "en":
        summary = (f"{_year_prefix(year, lang)}coverage by {by_en} ranges from {i18n.fmt_pct(lo['coverage'])} "
                   f"({lv}) to {i18n.fmt_pct(hi['coverage'])} ({hv}).")
    else:
        summary = (f"{_year_prefix(year, lang)}按{by_zh}看，覆盖率最高的是{hv}（{i18n.fmt_pct(hi['coverage'])}），"
                   f"最低的是{lv}（{i18n.fmt_pct(lo['coverage'])}）。")
    table = _coverage_table(d.iloc[::-1] if horizontal else d, lang, ["value"])
    table.columns = [t(by, lang) if c == "" else c for c in table.columns]
    if by == "age_band":
        table.columns = [("年龄段" if lang == "zh" else "Age band") if i == 0 else c for i, c in enumerate(table.columns)]
    elif by == "sex":
        table.columns = [("性别" if lang == "zh" else "Sex") if i == 0 else c for i, c in enumerate(table.columns)]
    return Chart(fig, summary, table)


def coverage_by_town(df, lang="zh", year=None):
    """Coverage by town (coverage_by by=town)."""
    return coverage_bars(df, lang, year, by="town")


def coverage_by_sex(df, lang="zh", year=None):
    """Coverage by sex (coverage_by by=sex)."""
    return coverage_bars(df, lang, year, by="sex")


def coverage_by_age(df, lang="zh", year=None):
    """Coverage by age band (coverage_by by=age_band)."""
    return coverage_bars(df, lang, year, by="age_band")


def targeting(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Eligible vs paid person-months of the monthly programs with a rule (targeting_errors)."""
    title = "应享与实发（人月）" if lang == "zh" else "Eligible vs paid (person-months)"
    if _is_empty(df) or (df["eligible_person_months"].fillna(0).sum() + df["paid_person_months"].fillna(0).sum()) == 0:
        return _no_data(lang)
    d = df.copy()
    names = i18n.program_names(d, lang)
    series = [
        ("eligible_paid_person_months", "应享且已发" if lang == "zh" else "Eligible and paid", OKABE_ITO[2]),
        ("excluded_person_months", "应享未发（漏保）" if lang == "zh" else "Eligible, not paid (exclusion)", OKABE_ITO[5]),
        ("included_person_months", "不应享却发放（错保）" if lang == "zh" else "Paid, not eligible (inclusion)", OKABE_ITO[1]),
    ]
    fig = go.Figure()
    for col, label, color in series:
        fig.add_bar(y=[_wrap_label(n, 14) for n in names], x=d[col], name=label, orientation="h",
                    marker_color=color, hovertemplate="%{y}<br>" + label + ": %{x:,}<extra></extra>")
    fig.update_layout(barmode="stack")
    base_layout(fig, title, height=max(300, 140 + 70 * len(d)))
    fig.update_xaxes(title_text="人月" if lang == "zh" else "Person-months", tickformat=",")
    parts = []
    for n, (_, r) in zip(names, d.iterrows()):
        if lang == "en":
            parts.append(f"{n}: exclusion error {i18n.fmt_pct(r['exclusion_error'])}, "
                         f"inclusion error {i18n.fmt_pct(r['inclusion_error'])}")
        else:
            parts.append(f"{n}漏保率 {i18n.fmt_pct(r['exclusion_error'])}、错保率 {i18n.fmt_pct(r['inclusion_error'])}")
    summary = _year_prefix(year, lang) + ("; ".join(parts) + "." if lang == "en" else "；".join(parts) + "。")
    table = pd.DataFrame({
        t("program", lang): names,
        ("应享人月" if lang == "zh" else "Eligible person-months"): d["eligible_person_months"].to_numpy(),
        ("实发人月" if lang == "zh" else "Paid person-months"): d["paid_person_months"].to_numpy(),
        series[0][1]: d["eligible_paid_person_months"].to_numpy(),
        series[1][1]: d["excluded_person_months"].to_numpy(),
        series[2][1]: d["included_person_months"].to_numpy(),
        ("漏保率 %" if lang == "zh" else "Exclusion error %"): (d["exclusion_error"] * 100).round(2).to_numpy(),
        ("错保率 %" if lang == "zh" else "Inclusion error %"): (d["inclusion_error"] * 100).round(2).to_numpy(),
        ("应享人数" if lang == "zh" else "Eligible persons"): d["eligible_persons"].to_numpy(),
        ("实发人数" if lang == "zh" else "Paid persons"): d["paid_persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


def priority_children(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Priority children groups: persons and persons paid (priority_children: group, persons, persons_paid, spend_yuan)."""
    title = "重点儿童群体：人数与获补人数" if lang == "zh" else "Priority children: persons and persons paid"
    if _is_empty(df, "persons"):
        return _no_data(lang)
    d = df.copy()
    labels = [_wrap_label(i18n.priority_label(g, lang), 12 if lang == "zh" else 24) for g in d["group"]]
    fig = go.Figure()
    fig.add_bar(x=labels, y=d["persons"], name="人数" if lang == "zh" else "Persons", marker_color=OKABE_ITO[4])
    fig.add_bar(x=labels, y=d["persons_paid"], name="获补人数" if lang == "zh" else "Persons paid",
                marker_color=OKABE_ITO[0])
    fig.update_layout(barmode="group")
    base_layout(fig, title, height=380)
    fig.update_yaxes(tickformat=",")
    n, p, s = d["persons"].sum(), d["persons_paid"].sum(), d["spend_yuan"].sum()
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}{i18n.fmt_int(p)} of {i18n.fmt_int(n)} children in the priority groups "
                   f"were paid ({i18n.fmt_pct(p / n if n else float('nan'))}), {i18n.fmt_money(s, lang)} in all.")
    else:
        summary = (f"{_year_prefix(year, lang)}重点儿童群体 {i18n.fmt_int(n)} 人中有 {i18n.fmt_int(p)} 人获得补助"
                   f"（{i18n.fmt_pct(p / n if n else float('nan'))}），合计 {i18n.fmt_money(s, lang)}。")
    table = pd.DataFrame({
        ("群体" if lang == "zh" else "Group"): [i18n.priority_label(g, lang) for g in d["group"]],
        t("persons", lang): d["persons"].to_numpy(),
        ("获补人数" if lang == "zh" else "Persons paid"): d["persons_paid"].to_numpy(),
        _money_axis(lang): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
    })
    return Chart(fig, summary, table)


# ---------------------------------------------------------------- spend
def spend_programs(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Spend of every program, grouped by program group (spend_by_program)."""
    title = "各补贴项目支出" if lang == "zh" else "Spend per program"
    if _is_empty(df):
        return _no_data(lang)
    d = df.copy()
    d["label"] = i18n.program_names(d, lang)
    d["_g"] = d["program_group"].map({g: i for i, g in enumerate(GROUP_ORDER)}).fillna(99)
    # group blocks from top to bottom, programs by spend inside a block
    d = d.sort_values(["_g", "spend_yuan"], ascending=[False, True])
    fig = go.Figure()
    for g in GROUP_ORDER[::-1]:
        part = d[d["program_group"] == g]
        if part.empty:
            continue
        fig.add_bar(
            x=part["spend_yuan"] / 10_000, y=[_wrap_label(s, 16 if lang == "zh" else 64) for s in part["label"]],
            orientation="h", name=i18n.group_label(g, lang), marker_color=GROUP_COLORS.get(g, "#999"),
            customdata=np.stack([part["persons"], part["person_times"]], axis=-1),
            hovertemplate=("%{y}<br>" + ("%{x:,.2f} 万元，%{customdata[0]:,} 人" if lang == "zh"
                           else "¥%{x:,.2f} ×10k, %{customdata[0]:,} persons") + "<extra></extra>"),
        )
    base_layout(fig, title, height=max(420, 110 + 24 * len(d)))
    fig.update_layout(legend=dict(traceorder="reversed"), yaxis=dict(categoryorder="array",
                      categoryarray=[_wrap_label(s, 16 if lang == "zh" else 64) for s in d["label"]]))
    fig.update_xaxes(title_text=_money_axis(lang), tickformat=",.2~f")
    total = d["spend_yuan"].sum()
    if total <= 0:
        return Chart(None, t("no_payments", lang, scope="—"), _spend_table(d, lang))
    top = d.loc[d["spend_yuan"].idxmax()]
    paid = int((d["spend_yuan"] > 0).sum())
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}the program with the highest spend is {top['label']}, "
                   f"{i18n.fmt_pct(top['spend_yuan'] / total)} of {i18n.fmt_money(total, lang)}; "
                   f"{paid} of {len(d)} programs paid out.")
    else:
        summary = (f"{_year_prefix(year, lang)}支出最多的项目是{top['label']}，占 {i18n.fmt_pct(top['spend_yuan'] / total)}"
                   f"（合计 {i18n.fmt_money(total, lang)}）；{len(d)} 个项目中 {paid} 个有发放。")
    return Chart(fig, summary, _spend_table(d.iloc[::-1], lang))


def _spend_table(d: pd.DataFrame, lang: str) -> pd.DataFrame:
    zh = lang == "zh"
    return pd.DataFrame({
        ("项目编号" if zh else "ID"): d["program_id"].to_numpy(),
        t("program", lang): d["label"].to_numpy(),
        t("program_group", lang): [i18n.group_label(g, lang) for g in d["program_group"]],
        ("发放周期" if zh else "Cycle"): [i18n.cycle_label(c, lang) for c in d["cycle"]],
        _money_axis(lang): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        t("persons", lang): d["persons"].to_numpy(),
        ("人次" if zh else "Person-times"): d["person_times"].to_numpy(),
        ("人均（元）" if zh else "Per person (¥)"): d["avg_per_person"].round(0).to_numpy(),
        ("档次数" if zh else "Tiers"): d["tiers"].to_numpy(),
        ("封顶使用率 %" if zh else "Cap use %"): (pd.to_numeric(d["cap_use"], errors="coerce") * 100).round(1).to_numpy(),
    })


def spend_groups(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Spend per program group (spend_by_program, summed by program_group)."""
    title = "按项目类别的支出" if lang == "zh" else "Spend by program group"
    if _is_empty(df, "spend_yuan"):
        return _no_data(lang)
    g = (df.groupby("program_group", as_index=False)
         .agg(spend_yuan=("spend_yuan", "sum"), persons=("persons", "sum"), person_times=("person_times", "sum"),
              programs=("program_id", "count")))
    g["_o"] = g["program_group"].map({x: i for i, x in enumerate(GROUP_ORDER)}).fillna(99)
    g = g.sort_values("_o")
    total = g["spend_yuan"].sum()
    g["share"] = g["spend_yuan"] / total
    labels = [i18n.group_label(x, lang) for x in g["program_group"]]
    fig = go.Figure(go.Bar(
        y=labels, x=g["spend_yuan"] / 10_000, orientation="h",
        marker_color=[GROUP_COLORS.get(x, "#999") for x in g["program_group"]],
        text=[f"{i18n.fmt_wan(v)} · {i18n.fmt_pct(s)}" for v, s in zip(g["spend_yuan"], g["share"])],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}<br>%{x:,.2f}<extra></extra>",
    ))
    base_layout(fig, title, legend=False, height=max(300, 80 + 40 * len(g)))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=_money_axis(lang), tickformat=",.2~f",
                     range=[0, float(g["spend_yuan"].max()) / 10_000 * 1.3])
    top = g.loc[g["spend_yuan"].idxmax()]
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}{i18n.group_label(top['program_group'], lang)} programs take "
                   f"{i18n.fmt_pct(top['share'])} of the money ({i18n.fmt_money(top['spend_yuan'], lang)}).")
    else:
        summary = (f"{_year_prefix(year, lang)}{top['program_group']}类项目支出最多，占 {i18n.fmt_pct(top['share'])}"
                   f"（{i18n.fmt_money(top['spend_yuan'], lang)}）。")
    table = pd.DataFrame({
        t("program_group", lang): labels,
        ("项目数" if lang == "zh" else "Programs"): g["programs"].to_numpy(),
        _money_axis(lang): (g["spend_yuan"] / 10_000).round(2).to_numpy(),
        ("占比 %" if lang == "zh" else "Share %"): (g["share"] * 100).round(1).to_numpy(),
        ("人次" if lang == "zh" else "Person-times"): g["person_times"].to_numpy(),
    })
    return Chart(fig, summary, table)


def spend_tiers(tiers: pd.DataFrame, programs: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Tier mix of the programs with two or more tiers (spend_by_tier + programs for names)."""
    title = "分档项目的档次结构（按支出）" if lang == "zh" else "Tier mix of tiered programs (by spend)"
    if _is_empty(tiers, "spend_yuan"):
        return _no_data(lang)
    d = tiers.merge(programs[["program_id", "name"] + (["name_en"] if "name_en" in programs else [])],
                    on="program_id", how="left")
    counts = d.groupby("program_id")["tier"].transform("count")
    d = d[counts >= 2].copy()
    if d.empty or d["spend_yuan"].sum() == 0:
        return _no_data(lang)
    d["label"] = i18n.program_names(d, lang)
    d["label"] = [_wrap_label(s, 16 if lang == "zh" else 64) for s in d["label"]]
    tot = d.groupby("program_id")["spend_yuan"].transform("sum")
    d["mix"] = np.where(tot > 0, d["spend_yuan"] / tot.replace(0, np.nan), 0)
    order = d.groupby("label")["spend_yuan"].sum().sort_values().index.tolist()
    max_tier = int(d["tier"].max())
    # cividis steps: ordered tiers read as an ordered scale
    import plotly.colors as pc
    steps = pc.sample_colorscale(SEQUENTIAL, [i / max(max_tier - 1, 1) for i in range(max_tier)])
    fig = go.Figure()
    for tier in range(1, max_tier + 1):
        part = d[d["tier"] == tier]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"], x=part["mix"], orientation="h", name=(f"第 {tier} 档" if lang == "zh" else f"Tier {tier}"),
            marker_color=steps[tier - 1],
            customdata=np.stack([part["persons"], part["spend_yuan"] / 10_000, part["amount"],
                                 pd.to_numeric(part["cap_use"], errors="coerce")], axis=-1),
            hovertemplate=("%{y}<br>" + ("%{x:.0%} 的支出；%{customdata[0]:,} 人；%{customdata[1]:,.2f} 万元；"
                           "标准 %{customdata[2]:,.0f} 元；封顶使用 %{customdata[3]:.0%}" if lang == "zh" else
                           "%{x:.0%} of spend; %{customdata[0]:,} persons; ¥%{customdata[1]:,.2f} ×10k; "
                           "cap ¥%{customdata[2]:,.0f}; cap use %{customdata[3]:.0%}") + "<extra></extra>"),
        )
    fig.update_layout(barmode="stack", yaxis=dict(categoryorder="array", categoryarray=order))
    base_layout(fig, title, height=max(360, 120 + 26 * len(order)))
    fig.update_layout(legend_traceorder="normal")  # Tier 1 first (stacked bars reverse it by default)
    fig.update_xaxes(tickformat=".0%", title_text="支出占比" if lang == "zh" else "Share of the program's spend")
    cap = d.assign(cu=pd.to_numeric(d["cap_use"], errors="coerce")).dropna(subset=["cu"])
    cap = cap[cap["persons"] > 0]
    if not cap.empty:
        hi = cap.loc[cap["cu"].idxmax()]
        if lang == "en":
            summary = (f"{_year_prefix(year, lang)}{len(order)} programs pay in tiers; the fullest cap use is "
                       f"{hi['label'].replace('<br>', ' ' if lang == 'en' else '')} tier {int(hi['tier'])} ({i18n.fmt_pct(hi['cu'])} of the cap).")
        else:
            summary = (f"{_year_prefix(year, lang)}共 {len(order)} 个项目分档发放；封顶使用率最高的是"
                       f"{hi['label'].replace('<br>', ' ' if lang == 'en' else '')}第 {int(hi['tier'])} 档（{i18n.fmt_pct(hi['cu'])}）。")
    else:
        summary = (f"{len(order)} tiered programs." if lang == "en" else f"共 {len(order)} 个项目分档发放。")
    zh = lang == "zh"
    table = pd.DataFrame({
        t("program", lang): d["label"].str.replace("<br>", " " if lang == "en" else "", regex=False).to_numpy(),
        ("档次" if zh else "Tier"): d["tier"].to_numpy(),
        ("标准/上限（元）" if zh else "Amount / cap (¥)"): d["amount"].to_numpy(),
        ("条件" if zh else "Condition"): d["condition"].to_numpy() if "condition" in d else "",
        t("persons", lang): d["persons"].to_numpy(),
        _money_axis(lang): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        ("封顶使用率 %" if zh else "Cap use %"): (pd.to_numeric(d["cap_use"], errors="coerce") * 100).round(1).to_numpy(),
        ("达到上限人数" if zh else "Persons at cap"): d["persons_at_cap"].to_numpy() if "persons_at_cap" in d else "",
    })
    return Chart(fig, summary, table)


def incidence(df: pd.DataFrame, lang: str = "zh", year: Any = None, by: str = "category") -> Chart:
    """Benefit incidence: share of the money per group (benefit_incidence: value, spend_yuan, share, persons)."""
    by_zh, by_en = BY_LABEL.get(by, (by, by))
    title = f"受益归宿：按{by_zh}" if lang == "zh" else f"Benefit incidence by {by_en}"
    if _is_empty(df, "spend_yuan"):
        return _no_data(lang)
    d = df.copy()
    if by == "category":
        d["_o"] = d["value"].map({v: i for i, v in enumerate(CATEGORY_ORDER)}).fillna(99)
        d = d.sort_values("_o", ascending=False)
    else:
        d = d.sort_values("share", ascending=True)
    labels = [i18n.value_label(by, v, lang) for v in d["value"]]
    fig = go.Figure(go.Bar(
        y=labels, x=d["share"], orientation="h", marker_color=OKABE_ITO[0] if by == "category" else OKABE_ITO[2],
        text=[i18n.fmt_pct(s) for s in d["share"]], textposition="outside", cliponaxis=False,
        customdata=np.stack([d["spend_yuan"] / 10_000, d["persons"]], axis=-1),
        hovertemplate=("%{y}<br>%{x:.1%}<br>" + ("%{customdata[0]:,.2f} 万元，%{customdata[1]:,} 人" if lang == "zh"
                       else "¥%{customdata[0]:,.2f} ×10k, %{customdata[1]:,} persons") + "<extra></extra>"),
    ))
    base_layout(fig, title, legend=False, height=max(320, 60 + 34 * len(d)))
    fig.update_xaxes(tickformat=".0%", title_text="占全部支出" if lang == "zh" else "Share of all money paid",
                     range=[0, min(1.0, float(d["share"].max()) * 1.2 + 0.02)])
    top = d.loc[d["share"].idxmax()]
    tv = i18n.value_label(by, top["value"], lang)
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}{tv} receives the largest share of the money: "
                   f"{i18n.fmt_pct(top['share'])} ({i18n.fmt_money(top['spend_yuan'], lang)}, {i18n.fmt_int(top['persons'])} persons).")
    else:
        summary = (f"{_year_prefix(year, lang)}获得资金最多的{by_zh}是{tv}，占 {i18n.fmt_pct(top['share'])}"
                   f"（{i18n.fmt_money(top['spend_yuan'], lang)}，{i18n.fmt_int(top['persons'])} 人）。")
    d = d.iloc[::-1]
    table = pd.DataFrame({
        (by_zh if lang == "zh" else by_en.capitalize()): [i18n.value_label(by, v, lang) for v in d["value"]],
        _money_axis(lang): (d["spend_yuan"] / 10_000).round(2).to_numpy(),
        ("占比 %" if lang == "zh" else "Share %"): (d["share"] * 100).round(1).to_numpy(),
        t("persons", lang): d["persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


def incidence_by_category(df, lang="zh", year=None):
    """Benefit incidence by disability category."""
    return incidence(df, lang, year, by="category")


def incidence_by_town(df, lang="zh", year=None):
    """Benefit incidence by town."""
    return incidence(df, lang, year, by="town")


# ---------------------------------------------------------------- processing time
def processing_medians(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Median working days before vs after the reform per program (processing_times by=program)."""
    title = "各项目办理时长中位数：改革前后" if lang == "zh" else "Median processing time per program, before and after reform"
    if _is_empty(df):
        return _no_data(lang)
    d = df.copy()
    d = d[(d["applications_before"].fillna(0) + d["applications_after"].fillna(0)) > 0]
    if d.empty:
        return _no_data(lang)
    d["label"] = [_wrap_label(s, 16 if lang == "zh" else 64) for s in i18n.program_names(d, lang)]
    d = d.sort_values("working_days_saved", ascending=True, na_position="first")
    fig = go.Figure()
    # connecting segments (one trace with None separators keeps the figure light)
    xs, ys = [], []
    for _, r in d.iterrows():
        if pd.notna(r["median_days_before"]) and pd.notna(r["median_days_after"]):
            xs += [r["median_days_before"], r["median_days_after"], None]
            ys += [r["label"], r["label"], None]
    fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color="#999", width=2), hoverinfo="skip", showlegend=False)
    for col, n_col, name, color, symbol in (
        ("median_days_before", "applications_before", i18n.period_label("before", lang), BEFORE_COLOR, "circle-open"),
        ("median_days_after", "applications_after", i18n.period_label("after", lang), AFTER_COLOR, "circle"),
    ):
        fig.add_scatter(x=d[col], y=d["label"], mode="markers", name=name,
                        marker=dict(color=color, size=11, symbol=symbol, line=dict(width=2, color=color)),
                        customdata=d[n_col],
                        hovertemplate="%{y}<br>" + name + (": %{x} 个工作日（%{customdata:,} 件）" if lang == "zh"
                                                           else ": %{x} working days (%{customdata:,} applications)")
                        + "<extra></extra>")
    base_layout(fig, title, height=max(420, 110 + 24 * len(d)))
    fig.update_xaxes(title_text="工作日" if lang == "zh" else "Working days", rangemode="tozero")
    fig.update_yaxes(categoryorder="array", categoryarray=d["label"].tolist())
    saved = d.dropna(subset=["working_days_saved"])
    if saved.empty:
        summary = ("没有可比较的改革前后申请。" if lang == "zh" else "No programs with applications both before and after reform.")
    else:
        top = saved.loc[saved["working_days_saved"].idxmax()]
        nm = top["label"].replace("<br>", " " if lang == "en" else "")
        if lang == "en":
            summary = (f"The largest saving is for {nm}: median {i18n.fmt_num(top['median_days_before'])} → "
                       f"{i18n.fmt_num(top['median_days_after'])} working days; {len(saved)} programs can be compared.")
        else:
            summary = (f"缩短最多的是{nm}：中位数从 {i18n.fmt_num(top['median_days_before'])} 个工作日降到 "
                       f"{i18n.fmt_num(top['median_days_after'])} 个工作日；共 {len(saved)} 个项目可比较。")
    zh = lang == "zh"
    d = d.iloc[::-1]
    table = pd.DataFrame({
        t("program", lang): d["label"].str.replace("<br>", " " if lang == "en" else "", regex=False).to_numpy(),
        ("改革日期" if zh else "Reform date"): pd.to_datetime(d["reform_date"]).dt.strftime("%Y-%m-%d").to_numpy(),
        ("改革前申请数" if zh else "Applications before"): d["applications_before"].to_numpy(),
        ("改革后申请数" if zh else "Applications after"): d["applications_after"].to_numpy(),
        ("改革前中位数（工作日）" if zh else "Median before (days)"): d["median_days_before"].to_numpy(),
        ("改革后中位数（工作日）" if zh else "Median after (days)"): d["median_days_after"].to_numpy(),
        ("节省工作日" if zh else "Days saved"): d["working_days_saved"].to_numpy(),
        ("改革前跑次" if zh else "Trips before"): d["trips_before"].to_numpy(),
        ("改革后跑次" if zh else "Trips after"): d["trips_after"].to_numpy(),
        ("改革前材料" if zh else "Materials before"): d["materials_before"].to_numpy(),
        ("改革后材料" if zh else "Materials after"): d["materials_after"].to_numpy(),
    })
    return Chart(fig, summary, table)


def _box_stats(values: pd.Series) -> dict[str, float]:
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    iqr = q3 - q1
    lo = v[v >= q1 - 1.5 * iqr].min()
    hi = v[v <= q3 + 1.5 * iqr].max()
    return dict(q1=q1, median=float(np.median(v)), q3=q3, lowerfence=lo, upperfence=hi, mean=float(v.mean()), n=len(v))


def summarize_durations(df: pd.DataFrame) -> pd.DataFrame:
    """Box statistics of working days per (period, route) from application_durations rows.

    Columns: period, route, n, q1, median, q3, lowerfence, upperfence, mean. The dashboard caches this
    instead of the raw rows (millions on a large district).
    """
    cols = ["period", "route", "n", "q1", "median", "q3", "lowerfence", "upperfence", "mean"]
    if df is None or df.empty or "working_days" not in df:
        return pd.DataFrame(columns=cols)
    d = df.dropna(subset=["working_days"])
    rows = []
    for p in ("before", "after"):
        for route in [r for r in ("via_town", "direct") if r in set(d["route"].dropna())] or [None]:
            part = d[(d["period"] == p) & ((d["route"] == route) if route is not None else True)]
            if not part.empty:
                rows.append({"period": p, "route": route, **_box_stats(part["working_days"])})
    overall = [{"period": p, "route": "_all", "n": int((d["period"] == p).sum()),
                "median": float(np.median(d.loc[d["period"] == p, "working_days"]))}
               for p in ("before", "after") if (d["period"] == p).any()]
    return pd.DataFrame(rows + overall).reindex(columns=cols)


def processing_distribution(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Distribution of working days before vs after reform, by payment route (application_durations).

    Takes the API's rows or their `summarize_durations` frame. Quartiles are drawn as precomputed
    boxes: a million applications would otherwise ship every value to the browser.
    """
    title = "办理时长分布（工作日）" if lang == "zh" else "Distribution of processing time (working days)"
    if _is_empty(df):
        return _no_data(lang)
    stats = df if "q1" in df.columns else summarize_durations(df)
    boxes = stats[stats["route"] != "_all"]
    if boxes.empty:
        return _no_data(lang)
    fig = go.Figure()
    colors = {"via_town": BEFORE_COLOR, "direct": AFTER_COLOR}
    for route, part in boxes.groupby("route", dropna=False, sort=False):
        route = None if pd.isna(route) else route
        part = part.set_index("period").reindex([p for p in ("before", "after") if p in set(part["period"])])
        fig.add_trace(go.Box(
            x=[i18n.period_label(p, lang) for p in part.index], q1=part["q1"], median=part["median"], q3=part["q3"],
            lowerfence=part["lowerfence"], upperfence=part["upperfence"], mean=part["mean"],
            name=i18n.route_label(route, lang) if route else "", marker_color=colors.get(route, OKABE_ITO[0]),
            boxpoints=False,
        ))
    rows = boxes.to_dict("records")
    overall = stats[stats["route"] == "_all"].set_index("period")
    med = {p: float(overall.loc[p, "median"]) for p in overall.index}
    n_all = int(overall["n"].sum()) if len(overall) else int(boxes["n"].sum())
    fig.update_layout(boxmode="group")
    base_layout(fig, title, height=400)
    fig.update_yaxes(title_text="工作日" if lang == "zh" else "Working days", rangemode="tozero")
    if "before" in med and "after" in med:
        if lang == "en":
            summary = (f"Median processing time fell from {i18n.fmt_num(med['before'])} working days before the reform "
                       f"to {i18n.fmt_num(med['after'])} after ({i18n.fmt_int(n_all)} paid applications).")
        else:
            summary = (f"办理时长中位数从改革前的 {i18n.fmt_num(med['before'])} 个工作日降至改革后的 "
                       f"{i18n.fmt_num(med['after'])} 个工作日（共 {i18n.fmt_int(n_all)} 件已发放申请）。")
    else:
        p = next(iter(med))
        summary = (f"{i18n.period_label(p, lang)}: median {i18n.fmt_num(med[p])} working days." if lang == "en"
                   else f"{i18n.period_label(p, lang)}办理时长中位数 {i18n.fmt_num(med[p])} 个工作日。")
    zh = lang == "zh"
    r = pd.DataFrame(rows)
    table = pd.DataFrame({
        ("阶段" if zh else "Period"): [i18n.period_label(p, lang) for p in r["period"]],
        ("发放方式" if zh else "Route"): [i18n.route_label(x, lang) if isinstance(x, str) else "" for x in r["route"]],
        ("申请数" if zh else "Applications"): r["n"].to_numpy(),
        ("下四分位" if zh else "Q1"): r["q1"].round(1).to_numpy(),
        ("中位数" if zh else "Median"): r["median"].round(1).to_numpy(),
        ("上四分位" if zh else "Q3"): r["q3"].round(1).to_numpy(),
        ("平均" if zh else "Mean"): r["mean"].round(1).to_numpy(),
    })
    return Chart(fig, summary, table)


def processing_routes(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Median working days by payment route: direct deposit vs via town (processing_times by=route)."""
    title = "发放方式与办理时长" if lang == "zh" else "Payment route and processing time"
    if _is_empty(df, "applications"):
        return _no_data(lang)
    d = df.copy()
    d["_o"] = d["route"].map({"via_town": 0, "direct": 1}).fillna(2)
    d = d.sort_values("_o")
    labels = [i18n.route_label(r, lang) for r in d["route"]]
    fig = go.Figure(go.Bar(
        x=labels, y=d["median_days"], marker_color=[BEFORE_COLOR if r == "via_town" else AFTER_COLOR for r in d["route"]],
        text=[i18n.fmt_num(v) for v in d["median_days"]], textposition="outside", cliponaxis=False,
        customdata=d["applications"],
        hovertemplate="%{x}<br>%{y} " + ("个工作日，%{customdata:,} 件" if lang == "zh" else "working days, %{customdata:,} applications")
        + "<extra></extra>",
    ))
    base_layout(fig, title, legend=False, height=340)
    fig.update_yaxes(title_text="中位数（工作日）" if lang == "zh" else "Median working days",
                     range=[0, float(pd.to_numeric(d["median_days"], errors="coerce").max() or 1) * 1.18])
    by = d.set_index("route")
    if {"direct", "via_town"} <= set(by.index):
        diff = by.loc["via_town", "median_days"] - by.loc["direct", "median_days"]
        if lang == "en":
            summary = (f"Paying straight into the person's account takes a median {i18n.fmt_num(by.loc['direct', 'median_days'])} "
                       f"working days, {i18n.fmt_num(diff)} fewer than paying via the town.")
        else:
            summary = (f"直接打入个人账户的办理时长中位数为 {i18n.fmt_num(by.loc['direct', 'median_days'])} 个工作日，"
                       f"比经镇街转发少 {i18n.fmt_num(diff)} 个工作日。")
    else:
        r = d.iloc[0]
        summary = (f"{labels[0]}: median {i18n.fmt_num(r['median_days'])} working days." if lang == "en"
                   else f"{labels[0]}办理时长中位数 {i18n.fmt_num(r['median_days'])} 个工作日。")
    zh = lang == "zh"
    table = pd.DataFrame({
        ("发放方式" if zh else "Route"): labels,
        ("申请数" if zh else "Applications"): d["applications"].to_numpy(),
        ("中位数（工作日）" if zh else "Median (days)"): d["median_days"].to_numpy(),
        ("平均（工作日）" if zh else "Mean (days)"): pd.to_numeric(d["mean_days"], errors="coerce").round(1).to_numpy(),
    })
    return Chart(fig, summary, table)


def _count_bars(df: pd.DataFrame, lang: str, col: str, title: str, unit_zh: str, unit_en: str) -> Chart:
    if _is_empty(df):
        return _no_data(lang)
    before = pd.to_numeric(df[f"{col}_before"], errors="coerce").fillna(0).astype(int)
    after = pd.to_numeric(df[f"{col}_after"], errors="coerce").fillna(0).astype(int)
    top = int(max(before.max(), after.max(), 1))
    cap = min(top, 3)
    keys = list(range(cap + 1))

    def bucket(v):
        return min(v, cap)

    def label(k):
        unit = unit_zh if lang == "zh" else unit_en.rstrip("s") if k == 1 else unit_en
        return f"{k}+ {unit}" if k == cap and top > cap else f"{k} {unit}"
    cb = before.map(bucket).value_counts().reindex(keys, fill_value=0)
    ca = after.map(bucket).value_counts().reindex(keys, fill_value=0)
    labels = [label(k) for k in keys]
    fig = go.Figure()
    fig.add_bar(x=labels, y=cb.to_numpy(), name=i18n.period_label("before", lang), marker_color=BEFORE_COLOR,
                text=cb.to_numpy(), textposition="outside", cliponaxis=False)
    fig.add_bar(x=labels, y=ca.to_numpy(), name=i18n.period_label("after", lang), marker_color=AFTER_COLOR,
                text=ca.to_numpy(), textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="group")
    base_layout(fig, title, height=340)
    fig.update_yaxes(title_text="项目数" if lang == "zh" else "Programs",
                     range=[0, max(int(cb.max()), int(ca.max()), 1) * 1.18])
    n = len(df)
    if lang == "en":
        summary = (f"After the reform {int(ca[0])} of {n} programs need 0 {unit_en} and {int((after <= 1).sum())} at most 1 "
                   f"(before: {int(cb[0])} and {int((before <= 1).sum())}); {int(before.sum() - after.sum())} {unit_en} "
                   f"fewer across one application to every program.")
    else:
        summary = (f"改革后 {n} 个项目中 {int(ca[0])} 个需 0 {unit_zh}、{int((after <= 1).sum())} 个最多 1 {unit_zh}"
                   f"（改革前分别为 {int(cb[0])} 个和 {int((before <= 1).sum())} 个）；各项目各办一次合计减少 "
                   f"{int(before.sum() - after.sum())} {unit_zh}。")
    zh = lang == "zh"
    table = pd.DataFrame({
        (unit_zh if zh else unit_en.capitalize()): labels,
        ("改革前项目数" if zh else "Programs before"): cb.to_numpy(),
        ("改革后项目数" if zh else "Programs after"): ca.to_numpy(),
    })
    return Chart(fig, summary, table)


def processing_trips(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Programs by trips needed in person, before vs after reform (programs: trips_before, trips_after)."""
    title = "按所需跑次的项目数：改革前后" if lang == "zh" else "Programs by trips needed, before and after reform"
    return _count_bars(df, lang, "trips", title, "次", "trips")


def processing_materials(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Programs by paper materials needed, before vs after reform (programs: materials_before, materials_after)."""
    title = "按所需材料数的项目数：改革前后" if lang == "zh" else "Programs by materials needed, before and after reform"
    return _count_bars(df, lang, "materials", title, "份", "documents")


# ---------------------------------------------------------------- census gaps
def gaps_overview(df: pd.DataFrame, lang: str = "zh", year: Any = None) -> Chart:
    """Persons behind every census gap (census_gaps: gap, persons, cases, months, amount_yuan)."""
    title = "各类缺口涉及人数" if lang == "zh" else "Persons behind each gap"
    if _is_empty(df):
        return _no_data(lang)
    d = df.copy()
    d["_o"] = d["gap"].map({g: i for i, g in enumerate(i18n.GAP_KEYS)}).fillna(99)
    d = d.sort_values("_o", ascending=False)
    d["label"] = [i18n.gap_label(g, lang) for g in d["gap"]]
    d["paid_wrongly"] = d["gap"].isin(PAYMENT_GAPS)
    fig = go.Figure()
    for wrong, name, color in ((False, "普查、名册或资格缺口" if lang == "zh" else "Census, registry or eligibility gap", OKABE_ITO[0]),
                               (True, "不应发放而发放" if lang == "zh" else "Payment that should not be made", OKABE_ITO[5])):
        part = d[d["paid_wrongly"] == wrong]
        if part.empty:
            continue
        fig.add_bar(
            y=part["label"], x=part["persons"], orientation="h", name=name, marker_color=color,
            text=[i18n.fmt_int(v) for v in part["persons"]], textposition="outside", cliponaxis=False,
            customdata=np.stack([part["cases"].fillna(0), pd.to_numeric(part["amount_yuan"], errors="coerce").fillna(0)],
                                axis=-1),
            hovertemplate=("%{y}<br>" + ("%{x:,} 人，%{customdata[0]:,} 条，%{customdata[1]:,.0f} 元" if lang == "zh"
                           else "%{x:,} persons, %{customdata[0]:,} cases, ¥%{customdata[1]:,.0f}") + "<extra></extra>"),
        )
    base_layout(fig, title, height=max(420, 100 + 30 * len(d)))
    fig.update_yaxes(categoryorder="array", categoryarray=d["label"].tolist())
    fig.update_xaxes(title_text=t("persons", lang), tickformat=",d",
                     dtick=1 if float(d["persons"].max() or 0) <= 8 else None)
    if d["persons"].fillna(0).sum() == 0:
        if d["persons"].isna().any():  # the public edition hid every non-zero count: not "no gaps"
            return Chart(fig, "各类缺口涉及人数均较少，公开版中已隐去。" if lang == "zh" else
                         "Every gap involves few persons; the counts are hidden in the public edition.",
                         _gaps_table(d, lang))
        return Chart(fig, "没有发现缺口。" if lang == "zh" else "No gaps found.", _gaps_table(d, lang))
    top = d.loc[d["persons"].idxmax()]
    if lang == "en":
        summary = (f"{_year_prefix(year, lang)}the largest gap is {i18n.gap_label(top['gap'], lang)} "
                   f"({i18n.fmt_int(top['persons'])} persons); payments that should not have been made total "
                   f"{i18n.fmt_money(_wrong_money(d), lang)}.")
    else:
        summary = (f"{_year_prefix(year, lang)}涉及人数最多的缺口是{i18n.gap_label(top['gap'], lang)}"
                   f"（{i18n.fmt_int(top['persons'])} 人）；不应发放而发放的金额合计 {i18n.fmt_money(_wrong_money(d), lang)}。")
    return Chart(fig, summary, _gaps_table(d.iloc[::-1], lang))


PAYMENT_GAPS = ("paid_after_death", "paid_after_dibao_end", "paid_after_revocation", "duplicate_payment")


def _wrong_money(d: pd.DataFrame) -> float:
    part = d[d["gap"].isin(PAYMENT_GAPS)]
    return float(pd.to_numeric(part["amount_yuan"], errors="coerce").fillna(0).sum())


def _gaps_table(d: pd.DataFrame, lang: str) -> pd.DataFrame:
    zh = lang == "zh"
    return pd.DataFrame({
        t("gap", lang): [i18n.gap_label(g, lang) for g in d["gap"]],
        ("代码" if zh else "Key"): d["gap"].to_numpy(),
        t("persons", lang): d["persons"].to_numpy(),
        t("cases", lang): d["cases"].to_numpy(),
        t("months", lang): d["months"].to_numpy(),
        (t("amount", lang) + ("（元）" if zh else " (¥)")): pd.to_numeric(d["amount_yuan"], errors="coerce").round(2).to_numpy(),
    })


def gaps_by_area(df: pd.DataFrame, lang: str = "zh", year: Any = None, level: str = "town") -> Chart:
    """Persons behind one gap per area (census_gaps_by_area: gap, area, persons, cases, months, amount_yuan)."""
    area_zh, area_en = BY_LABEL.get(level, (level, level))
    if _is_empty(df, "persons"):
        return _no_data(lang)
    d = df.sort_values("persons", ascending=True)
    # METRICS.md order, so the legend reads like the gap list of the overview chart
    gaps = sorted(dict.fromkeys(d["gap"]), key=lambda g: i18n.GAP_KEYS.index(g) if g in i18n.GAP_KEYS else 99)
    gap_name = i18n.gap_label(gaps[0], lang) if len(gaps) == 1 else ("全部缺口" if lang == "zh" else "All gaps")
    title = f"{gap_name}：按{area_zh}" if lang == "zh" else f"{gap_name} by {area_en}"
    n_areas = d["area"].nunique()
    if len(gaps) > 1:  # several gaps: one persons total per area would double count, show stacked gaps
        fig = go.Figure()
        order = d.groupby("area")["persons"].sum().sort_values().index.tolist()
        for i, g in enumerate(gaps):
            part = d[d["gap"] == g]
            # 15 gaps, 8 colour-blind-safe colours: the second round uses their light tints, so no two
            # gaps look the same (hatching did too, but made the PDF export of a village chart time out)
            fig.add_bar(y=part["area"], x=part["persons"], orientation="h", name=i18n.gap_label(g, lang),
                        marker_color=_tint(OKABE_ITO[i % len(OKABE_ITO)], 0.55 if i >= len(OKABE_ITO) else 0))
        fig.update_layout(barmode="stack", yaxis=dict(categoryorder="array", categoryarray=order))
        # the legend goes under the chart: above it, its rows ran into the title
        rows = -(-len(gaps) // (3 if lang == "en" else 4))
        base_layout(fig, title, height=max(320, 80 + 28 * n_areas) + 24 * rows)
        fig.update_layout(margin_b=70 + 24 * rows,
                          legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left",
                                      traceorder="normal", entrywidth=0))
    else:
        fig = go.Figure(go.Bar(y=d["area"], x=d["persons"], orientation="h", marker_color=OKABE_ITO[5],
                               text=[i18n.fmt_int(v) for v in d["persons"]], textposition="outside", cliponaxis=False))
        base_layout(fig, title, legend=False, height=max(320, 80 + 28 * n_areas))
    fig.update_xaxes(title_text=t("persons", lang), tickformat=",d",
                     dtick=1 if float(d.groupby("area")["persons"].sum().max() or 0) <= 8 else None)
    by_area = d.groupby("area", as_index=False)[["persons", "cases", "months", "amount_yuan"]].sum()
    top = by_area.loc[by_area["persons"].idxmax()]
    if lang == "en":
        summary = (f"{gap_name}: {top['area']} has the most persons ({i18n.fmt_int(top['persons'])} "
                   f"of {i18n.fmt_int(by_area['persons'].sum())}) across {n_areas} {area_en}s.")
    else:
        summary = (f"{gap_name}：{top['area']}涉及人数最多（{i18n.fmt_int(top['persons'])} 人，"
                   f"共 {i18n.fmt_int(by_area['persons'].sum())} 人，分布在 {n_areas} 个{area_zh}）。")
    zh = lang == "zh"
    dd = d.iloc[::-1]
    table = pd.DataFrame({
        (area_zh if zh else area_en.capitalize()): dd["area"].to_numpy(),
        t("gap", lang): [i18n.gap_label(g, lang) for g in dd["gap"]],
        t("persons", lang): dd["persons"].to_numpy(),
        t("cases", lang): dd["cases"].to_numpy(),
        t("months", lang): dd["months"].to_numpy(),
        (t("amount", lang) + ("（元）" if zh else " (¥)")): pd.to_numeric(dd["amount_yuan"], errors="coerce").round(2).to_numpy(),
    })
    return Chart(fig, summary, table)


def _tint(hex_color: str, amount: float) -> str:
    """`hex_color` mixed with white by `amount` (0 = unchanged, 1 = white)."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def gaps_by_town(df, lang="zh", year=None):
    """One gap by town (census_gaps_by_area level=town)."""
    return gaps_by_area(df, lang, year, level="town")


def gaps_by_village(df, lang="zh", year=None):
    """One gap by village of a town (census_gaps_by_area level=village)."""
    return gaps_by_area(df, lang, year, level="village")


# ---------------------------------------------------------------- registry
def _spec(id_, page, zh, en, builder, *calls):
    return ChartSpec(id_, page, zh, en, builder, tuple(calls))


def _call(fn, **kwargs):
    return ApiCall(fn, tuple(kwargs.items()))


CHARTS: dict[str, ChartSpec] = {s.id: s for s in (
    _spec("overview.monthly_spend", "overview", "月度发放金额", "Monthly spend", monthly_spend, _call("monthly_spend")),
    _spec("overview.towns", "overview", "各镇街发放金额排名", "Towns ranked by money paid", town_ranking,
          _call("benefit_incidence", by="town")),
    _spec("coverage.heatmap", "coverage", "按类别和等级的覆盖率", "Coverage by category and grade", coverage_heatmap,
          _call("coverage_by_category")),
    _spec("coverage.town", "coverage", "按镇街的覆盖率", "Coverage by town", coverage_by_town, _call("coverage_by", by="town")),
    _spec("coverage.sex", "coverage", "按性别的覆盖率", "Coverage by sex", coverage_by_sex, _call("coverage_by", by="sex")),
    _spec("coverage.age_band", "coverage", "按年龄段的覆盖率", "Coverage by age band", coverage_by_age,
          _call("coverage_by", by="age_band")),
    _spec("coverage.targeting", "coverage", "两项补贴应享与实发", "Living & nursing subsidy: eligible vs paid", targeting,
          _call("targeting_errors")),
    _spec("coverage.priority_children", "coverage", "重点儿童群体", "Priority children groups", priority_children,
          _call("priority_children")),
    _spec("spend.programs", "spend", "各补贴项目支出", "Spend per program", spend_programs, _call("spend_by_program")),
    _spec("spend.groups", "spend", "按项目类别的支出", "Spend by program group", spend_groups, _call("spend_by_program")),
    _spec("spend.tiers", "spend", "档次结构与封顶使用", "Tier mix and cap use", spend_tiers,
          _call("spend_by_tier"), _call("programs")),
    _spec("spend.incidence_category", "spend", "受益归宿：按残疾类别", "Benefit incidence by category",
          incidence_by_category, _call("benefit_incidence", by="category")),
    _spec("spend.incidence_town", "spend", "受益归宿：按镇街", "Benefit incidence by town", incidence_by_town,
          _call("benefit_incidence", by="town")),
    _spec("processing.medians", "processing", "各项目办理时长中位数", "Median processing time per program",
          processing_medians, _call("processing_times", by="program")),
    _spec("processing.distribution", "processing", "办理时长分布", "Distribution of processing time",
          processing_distribution, _call("application_durations")),
    _spec("processing.routes", "processing", "发放方式与办理时长", "Payment route and processing time",
          processing_routes, _call("processing_times", by="route")),
    _spec("processing.trips", "processing", "跑次：改革前后", "Trips before and after reform", processing_trips,
          _call("programs")),
    _spec("processing.materials", "processing", "材料：改革前后", "Materials before and after reform",
          processing_materials, _call("programs")),
    _spec("gaps.overview", "gaps", "各类缺口涉及人数", "Persons behind each gap", gaps_overview, _call("census_gaps")),
    _spec("gaps.by_town", "gaps", "缺口按镇街分布", "Gap by town", gaps_by_town, _call("census_gaps_by_area", level="town")),
    _spec("gaps.by_village", "gaps", "缺口按村社区分布", "Gap by village", gaps_by_village,
          _call("census_gaps_by_area", level="village")),
)}


def build(chart_id: str, frames: list[pd.DataFrame] | tuple[pd.DataFrame, ...], lang: str = "zh",
          year: Any = None) -> Chart:
    """Build registered chart `chart_id` from the frames of its API calls (in registry order)."""
    spec = CHARTS[chart_id]
    return spec.builder(*frames, lang=lang, year=year)


def build_from_api(chart_id: str, con, lang: str = "zh", **filters: Any) -> Chart:
    """Fetch the frames of `chart_id` through the API with `filters` and build the chart (notebooks, export)."""
    from publish import api

    spec = CHARTS[chart_id]
    frames = [api.call(con, c.fn, **{**filters, **dict(c.kwargs)}) for c in spec.calls]
    return build(chart_id, frames, lang=lang, year=filters.get("year"))


def export_problems(lang: str = "zh") -> list[str]:
    """What stops PNG export (Chromium or the CJK font missing), each line with its fix; [] when fine."""
    from publish import render as export_render

    return export_render.check_export_prerequisites(lang)


def to_png(fig: go.Figure, scale: float = 2, width: int = 1100) -> bytes:
    """PNG bytes of `fig` rendered by kaleido (export_render's locked session, MathJax off).

    Raises export_render.ExportPrerequisiteError with the install command when Chromium is missing.
    """
    from publish import render as export_render

    with export_render.render_session() as renderer:
        return renderer.render(fig, "png", width=width, height=int(fig.layout.height or 450), scale=scale)
