"""Annual-report export pack: every dashboard chart as PNG/SVG/PDF, the tables as one Excel workbook,
and one combined PDF report (no Streamlit import).

    python -m subsidy export --year 2020 --out DIR [--public] [--k 5] [--lang zh|en] [--town T]

Layout of DIR:
    png/NN_<chart id>.png     print resolution (1000 CSS px × scale 3 = 3000 px wide)
    svg/NN_<chart id>.svg     vector, text kept as text (the viewer needs a CJK font)
    pdf/NN_<chart id>.pdf     vector, fonts embedded
    tables_<year>[_public].xlsx   one sheet per distinct API table + 目录 (index) + 说明 (filters, data date…)
    report_<year>_<lang>[_public].pdf   cover, KPI summary, one page per chart with its one-line summary
    manifest.json             what was written, with timings

The charts, their order, titles and one-line summaries come from the chart registry
(`dashboard.charts.CHARTS`); the numbers from the analyst API through `dashboard.api.call`.
`--public` applies small-count suppression (dashboard/suppress.py) to every table and every chart.
One kaleido server (one Chromium) renders the whole pack (dashboard/export_render.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from publish import render as export_render, suppress
from publish.render import ExportPrerequisiteError, check_export_prerequisites  # noqa: F401 re-export

Progress = Callable[[int, int, str], None]

CHART_WIDTH = 1000   # CSS px; a report page is 1123 px wide
PNG_SCALE = 3        # 3000 px wide PNGs: 300 dpi at 25 cm
DEFAULT_HEIGHT = 450
TALL_CHART = 1100    # px; taller charts get a note pointing to the full-size PNG and the sheet

# Suppression lines per API table: see dashboard/suppress.py (API_LINES).
SUPPRESSION_LINES = suppress.API_LINES
# Row-level tables: never published as rows; the public pack carries the chart's aggregate instead.
MICRODATA = {"application_durations", "gap_people"}

# Excel headers for the API's columns (zh, en); unknown columns keep their API name.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "year": ("年度", "Year"), "month": ("月份", "Month"), "value": ("分组", "Group"),
    "category": ("残疾类别", "Category"), "grade": ("残疾等级", "Grade"), "town": ("镇街", "Town"),
    "area": ("地区", "Area"), "gap": ("缺口类型", "Gap"), "group": ("群体", "Group"),
    "program_id": ("项目编号", "Program ID"), "name": ("项目名称", "Program"), "name_en": ("项目英文名", "Program (English)"),
    "program_group": ("项目类别", "Program group"), "cycle": ("发放周期", "Cycle"), "rule": ("资格规则", "Rule"),
    "tier": ("档次", "Tier"), "amount": ("标准（元）", "Amount (¥)"), "condition": ("条件", "Condition"),
    "spend_yuan": ("发放金额（元）", "Spend (¥)"), "amount_yuan": ("金额（元）", "Amount (¥)"),
    "share": ("占比", "Share"), "persons": ("人数", "Persons"), "persons_paid": ("获得发放人数", "Persons paid"),
    "paid_persons": ("实发人数", "Persons paid"), "eligible_persons": ("应享人数", "Persons eligible"),
    "person_times": ("人次", "Person-times"), "payments": ("发放笔数", "Payments"),
    "certified_population": ("持证残疾人", "Certified persons"), "coverage": ("覆盖率", "Coverage"),
    "avg_per_person": ("人均（元）", "Per person (¥)"), "tiers": ("档次数", "Tiers"), "cap_use": ("封顶使用率", "Cap use"),
    "persons_at_cap": ("达封顶人数", "Persons at cap"),
    "eligible_person_months": ("应享人月", "Eligible person-months"),
    "paid_person_months": ("实发人月", "Paid person-months"),
    "eligible_paid_person_months": ("应享且实发人月", "Eligible and paid person-months"),
    "excluded_person_months": ("应享未发人月", "Excluded person-months"),
    "included_person_months": ("不应享而发人月", "Included person-months"),
    "exclusion_error": ("漏保率", "Exclusion error"), "inclusion_error": ("错保率", "Inclusion error"),
    "reform_date": ("改革日期", "Reform date"), "applications": ("申请数", "Applications"),
    "applications_before": ("改革前申请数", "Applications before"),
    "applications_after": ("改革后申请数", "Applications after"),
    "median_days": ("中位数（工作日）", "Median (working days)"), "mean_days": ("平均（工作日）", "Mean (working days)"),
    "median_days_before": ("改革前中位数（工作日）", "Median before (days)"),
    "median_days_after": ("改革后中位数（工作日）", "Median after (days)"),
    "working_days_saved": ("节省工作日", "Working days saved"), "route": ("发放方式", "Route"),
    "trips_before": ("改革前跑次", "Trips before"), "trips_after": ("改革后跑次", "Trips after"),
    "materials_before": ("改革前材料", "Materials before"), "materials_after": ("改革后材料", "Materials after"),
    "cases": ("记录数", "Cases"), "months": ("月数", "Months"), "period": ("阶段", "Period"),
    "application_id": ("申请编号", "Application ID"), "submitted_date": ("申请日期", "Submitted"),
    "first_paid_date": ("首次发放日期", "First paid"), "working_days": ("工作日", "Working days"),
    "trips": ("跑次", "Trips"), "materials": ("材料数", "Materials"),
}
RATIO_COLUMNS = {"coverage", "share", "exclusion_error", "inclusion_error", "cap_use"}
MONEY_COLUMNS = {"spend_yuan", "amount_yuan", "avg_per_person", "amount"}

TEXT = {
    "zh": {
        "title": "{year} 年度惠残补助绩效报告",
        "subtitle": "区残疾人联合会 · 补贴发放、覆盖与办理时效",
        "footer": "区残联 {year} 年度报告{edition} · 数据日期 {data_date}",
        "edition_public": "（公开版）", "edition_internal": "（内部版）",
        "page": "第 {n} 页 / 共 {total} 页", "figure": "图 {n}",
        "contents": "图表目录", "kpi_title": "{year} 年主要指标", "kpi_headers": ("指标", "数值", "口径"),
        "cover_scope": "范围：{scope}", "cover_date": "数据日期：{data_date}　生成时间：{generated}",
        "cover_public": "公开版：少于 {k} 人的数字显示为“<{k}”；可被推算出的数字显示为“*”。",
        "cover_internal": "内部版：含小计数，仅供内部使用，不得直接对外公布。",
        "cover_source": "数据来源：残疾人基础数据、补贴发放、申请办理与残疾人基本服务状况和需求信息数据动态更新。",
        "note_public": "注：“<{k}”表示少于 {k} 人；“*”表示为防止由合计推算而隐去的数字，及由被隐去数字算出的比例、金额。",
        "note_unprotected": "注：本图中个别分组的合计即为被隐去的数字，引用合计时请一并隐去。",
        "no_data": "（本年度无数据）",
        "summary_public": "（公开版：合计与排名只含公开的数字）",
        "figure_note": "公开版：“<{k}”= 少于 {k} 人；“*”= 为防推算而隐去；图中空缺为隐去的数字。",
        "note_tall": "本图较长，页面内已缩小；清晰的完整图见 {png}，数据见 Excel 工作表“{sheet}”。",
        "kpi_prev": "较{year}年 {delta}",
        "sheet_index": "目录", "sheet_info": "说明",
        "index_headers": ("图号", "图表", "图表编号", "工作表", "数据来源（API）"),
        "info_headers": ("项目", "内容"),
        "info": {
            "report": "报告", "year": "年度", "lang": "语言", "filters": "筛选条件", "public": "公开版（小数抑制）",
            "k": "抑制阈值 k", "data_date": "数据日期", "loaded_at": "数据载入时间", "source": "数据来源",
            "generated": "生成时间", "legend": "符号说明", "zero": "零值",
        },
        "yes": "是", "no": "否", "all": "全部（全区）",
        "legend": "“<{k}”：少于 {k} 人；“*”：为防止推算而隐去，或由被隐去数字算出的比例、金额。",
        "zero": "0 不隐去：0 不指向任何人（统计机构通行做法）。",
        "aggregate_only": "公开版不含逐条记录，仅提供汇总表。",
    },
    "en": {
        "title": "Disability-subsidy performance report {year}",
        "subtitle": "District Disabled Persons' Federation · payments, coverage and processing time",
        "footer": "District federation · annual report {year}{edition} · data as of {data_date}",
        "edition_public": " (public edition)", "edition_internal": " (internal edition)",
        "page": "Page {n} of {total}", "figure": "Figure {n}",
        "contents": "Figures", "kpi_title": "Key indicators {year}", "kpi_headers": ("Indicator", "Value", "Definition"),
        "cover_scope": "Scope: {scope}", "cover_date": "Data as of {data_date}   Generated {generated}",
        "cover_public": "Public edition: counts below {k} are shown as \"<{k}\"; numbers that could be derived are shown as \"*\".",
        "cover_internal": "Internal edition: contains small counts; not for publication.",
        "cover_source": "Sources: disability registry, subsidy payments, applications and the annual needs census.",
        "note_public": "Note: \"<{k}\" = fewer than {k} persons; \"*\" = hidden so it cannot be derived from totals, "
                       "or a ratio or amount computed from a hidden count.",
        "note_unprotected": "Note: for some groups in this chart the group total equals a hidden number; do not quote that total.",
        "no_data": "(no data for this year)",
        "summary_public": " (public edition: totals and rankings count published figures only)",
        "figure_note": "Public edition: \"<{k}\" = fewer than {k} persons; \"*\" = hidden to stop derivation; gaps are hidden values.",
        "note_tall": "This chart is long and shrunk to fit the page; the full-size chart is {png}, the data sheet \"{sheet}\".",
        "kpi_prev": "{delta} vs {year}",
        "sheet_index": "Index", "sheet_info": "About",
        "index_headers": ("No.", "Chart", "Chart id", "Sheet", "Source (API)"),
        "info_headers": ("Item", "Value"),
        "info": {
            "report": "Report", "year": "Year", "lang": "Language", "filters": "Filters",
            "public": "Public edition (small-count suppression)", "k": "Suppression threshold k",
            "data_date": "Data date", "loaded_at": "Loaded at", "source": "Source", "generated": "Generated",
            "legend": "Symbols", "zero": "Zeros",
        },
        "yes": "yes", "no": "no", "all": "all (whole district)",
        "legend": "\"<{k}\": fewer than {k} persons; \"*\": hidden to stop derivation, or computed from a hidden count.",
        "zero": "Zeros are not suppressed: a zero names nobody (the usual practice of statistical offices).",
        "aggregate_only": "The public edition carries no row-level records, only the aggregate table.",
    },
}


@dataclass
class ChartResult:
    """One exported chart: where its files are, its sheet(s) and how long it took."""

    number: int
    chart_id: str
    title: str
    summary: str
    files: dict[str, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    seconds: float = 0.0
    hidden_cells: int = 0


@dataclass
class PackResult:
    """What `build_pack` wrote."""

    out_dir: Path
    charts: list[ChartResult]
    workbook: Path
    report: Path
    manifest: Path
    seconds: float
    render_seconds: float
    renders: int

    def files(self) -> list[Path]:
        """Every file of the pack, relative paths resolved against out_dir."""
        out = [self.workbook, self.report, self.manifest]
        for c in self.charts:
            out += [self.out_dir / f for f in c.files.values()]
        return out


# ---------------------------------------------------------------- data
def _call_key(call) -> str:
    return call.fn + "".join(f"_{v}" for _, v in call.kwargs)


def _sheet_name(n: int, key: str) -> str:
    name = f"{n:02d} {key}"
    for ch in '[]:*?/\\':
        name = name.replace(ch, "_")
    return name[:31]


def data_facts(con) -> dict[str, str]:
    """load_info as a dict (source, loaded_at, data date…), through the API when it offers it."""
    import queries

    try:
        fn = getattr(queries, "load_info", None)
        if fn is not None:
            df = fn(con)
        else:
            # load_info is a bookkeeping table without an API function yet: a constant query, no values bound
            df = con.cursor().execute("select key, value from load_info").df()
        return {str(k): str(v) for k, v in zip(df["key"], df["value"])}
    except Exception:  # noqa: BLE001 - a DB without bookkeeping still exports
        return {}


def data_date(facts: dict[str, str]) -> str:
    """The data date recorded by the loader ('—' when unknown)."""
    for key in ("data_date", "data date", "as_of", "max_date"):
        if facts.get(key):
            return facts[key][:10]
    if facts.get("loaded_at"):
        return facts["loaded_at"][:10]
    return "—"


def suppress_for_publication(fn: str, df: pd.DataFrame, k: int = suppress.DEFAULT_K) -> suppress.Suppression:
    """Suppression of API frame `fn` as the public pack (and the dashboard's public edition) apply it."""
    return _suppress_api_frame(fn, df, k)


def localise_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`df` with the API's column names as Excel headers in `lang` (COLUMN_LABELS)."""
    return _localise(df, lang)


def _suppress_api_frame(fn: str, df: pd.DataFrame, k: int) -> suppress.Suppression:
    if fn == "census_gaps_by_area" and "town" in df.columns:
        # village figures also add up to the town figures published in the by-town chart
        return suppress.suppress_frame(df, k=k, lines=[("gap",), ("gap", "town")])
    return suppress.suppress_api_frame(fn, df, k=k)


def _with_town(con, call, frame: pd.DataFrame, town: str | None) -> pd.DataFrame:
    """Village-level gap frames get their town, so suppression also protects the town subtotals."""
    if call.fn != "census_gaps_by_area" or dict(call.kwargs).get("level") != "village" or frame.empty:
        return frame
    import queries

    towns = [town] if town else queries.towns(con)
    owner: dict[str, str | None] = {}
    for t in towns:
        for v in queries.villages(con, town=t):
            # a village name used in two towns cannot be placed: leave it to the district line
            owner[v] = None if v in owner and owner[v] != t else t
    out = frame.copy()
    out.insert(out.columns.get_loc("area") + 1, "town", out["area"].map(owner))
    return out


def _localise(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    i = 1 if lang == "en" else 0
    out = df.copy()
    out.columns = [COLUMN_LABELS.get(c, (c, c))[i] for c in df.columns]
    return out


# ---------------------------------------------------------------- chart labels in the public edition
def _labels_for_row(row: pd.Series, lang: str) -> set[str]:
    import vocab as i18n

    labels: set[str] = set()
    for col, v in row.items():
        if isinstance(v, str) or col in ("grade",):
            labels.add(str(v))
            for fn in (i18n.category_label, i18n.gap_label, i18n.route_label, i18n.priority_label):
                try:
                    labels.add(fn(v, lang))
                except Exception:  # noqa: BLE001 - a label function that does not apply
                    pass
            for by in ("town", "village", "sex", "age_band", "hukou", "category", "grade"):
                try:
                    labels.add(i18n.value_label(by, v, lang))
                except Exception:  # noqa: BLE001
                    pass
    if "name" in row.index:
        labels.add(i18n.program_name(row.get("name"), row.get("name_en"), lang))
    if "grade" in row.index:
        labels.add(i18n.grade_label(row["grade"], lang))
    return {x.replace("<br>", "") for x in labels if x}


def mark_hidden_points(fig, frame: pd.DataFrame, sup: suppress.Suppression, lang: str, k: int) -> None:
    """Write "<k" / "*" on the chart where a hidden value would have been drawn.

    The builders draw hidden values as gaps (NaN) and label them "—"; this finds the frame row behind
    each such label by its category label and writes "<k" when that row holds a primary-suppressed
    count, "*" otherwise. Heatmap cells are matched by both of their labels.
    """
    hidden_rows = sup.hidden.any(axis=1)
    if not hidden_rows.any():
        return
    primary_rows = sup.primary.any(axis=1)
    rows = [(set(_labels_for_row(frame.loc[i], lang)), bool(primary_rows.loc[i]))
            for i in frame.index[hidden_rows]]
    small, other = suppress.small_label(k), suppress.SECONDARY_MARK

    def marker(*labels: str) -> str | None:
        want = {str(x).replace("<br>", "") for x in labels}
        for cand, is_primary in rows:
            if want <= cand:
                return small if is_primary else other
        return None

    for trace in fig.data:
        if trace.type == "heatmap" and trace.text is not None:
            text = [list(r) for r in trace.text]
            z = trace.z
            for yi, ylab in enumerate(trace.y or []):
                for xi, xlab in enumerate(trace.x or []):
                    v = z[yi][xi]
                    if v is None or (isinstance(v, float) and math.isnan(v)):
                        m = marker(ylab, xlab)
                        if m:
                            text[yi][xi] = m
            trace.text = text
            continue
        if getattr(trace, "text", None) is None or isinstance(trace.text, str):
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        cats = trace.y if horizontal else trace.x
        if cats is None:
            continue
        text = list(trace.text)
        marked = {}
        for i, (lab, tx) in enumerate(zip(cats, text)):
            if tx in ("—", "", None, "nan"):
                m = marker(lab)
                if m:
                    text[i] = m
                    marked[i] = m
        trace.text = text
        if marked and trace.type == "bar":
            # plotly draws no label for a missing bar, so the mark goes beside the axis as a note; the
            # hidden value itself stays NaN (nothing hidden is plotted)
            for i, m in marked.items():
                at = dict(x=0, y=cats[i], xanchor="left", xshift=4) if horizontal else \
                    dict(x=cats[i], y=0, yanchor="bottom", yshift=2)
                fig.add_annotation(text=m, showarrow=False, font=dict(color="#333"),
                                   xref=trace.xaxis or "x", yref=trace.yaxis or "y", **at)


def add_figure_note(fig, text: str) -> None:
    """A one-line footnote at the bottom edge of the figure (the public edition's legend of marks)."""
    margin_b = int(fig.layout.margin.b if fig.layout.margin.b is not None else 40) + 28
    fig.update_layout(margin_b=margin_b)
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="bottom",
                       yshift=-margin_b + 2, showarrow=False, align="left",
                       font=dict(size=11, color="#555", family=export_render.FONT_FAMILY))


# ---------------------------------------------------------------- the pack
def build_pack(
    con,
    year: int,
    out_dir: str | Path,
    *,
    lang: str = "zh",
    public: bool = False,
    k: int = suppress.DEFAULT_K,
    progress: Progress | None = None,
    town: str | None = None,
    category: str | None = None,
    program_group: str | None = None,
) -> PackResult:
    """Write the annual-report pack for `year` into `out_dir` (see the module docstring).

    progress(done, total, label) is called after every step (one per chart rendered, one for the
    workbook, one per report page). Raises ExportPrerequisiteError when Chromium or the CJK font is
    missing, before anything is written.
    """
    from publish import charts
    import vocab as i18n
    from publish import api
    from publish.report_pdf import ReportChart, ReportMeta, build_report_pdf

    t_start = time.perf_counter()
    problems = check_export_prerequisites(lang)
    if problems:
        raise ExportPrerequisiteError("\n".join(problems))
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, not {lang!r}")
    tx = TEXT[lang]
    out = Path(out_dir)
    for sub in ("png", "svg", "pdf"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    filters = {"year": year, "town": town, "category": category, "program_group": program_group}
    specs = list(charts.CHARTS.values())
    n = len(specs)
    total_steps = 2 * n + 4
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total_steps, label)

    suffix = "_public" if public else ""
    facts = data_facts(con)
    ddate = data_date(facts)
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")

    tables: dict[str, dict[str, Any]] = {}   # call key -> {fn, frame, published, sheet, sup}
    results: list[ChartResult] = []
    report_charts: list[ReportChart] = []

    with export_render.render_session() as renderer:
        for number, spec in enumerate(specs, start=1):
            t0 = time.perf_counter()
            frames, sups = [], []
            for call in spec.calls:
                key = _call_key(call)
                if key not in tables:
                    frame = api.call(con, call.fn, **{**filters, **dict(call.kwargs)})
                    entry = {"fn": call.fn, "call": call, "frame": frame, "sup": None,
                             "sheet": _sheet_name(len(tables) + 1, key)}
                    if public and call.fn not in MICRODATA:
                        frame = _with_town(con, call, frame, town)
                        entry["frame"] = frame
                        entry["sup"] = _suppress_api_frame(call.fn, frame, k)
                    tables[key] = entry
                entry = tables[key]
                sups.append(entry["sup"])
                frames.append(suppress.masked_numeric(entry["frame"], entry["sup"].hidden)
                              if entry["sup"] is not None else entry["frame"])
            chart = charts.build(spec.id, frames, lang=lang, year=year)
            title = spec.title(lang)
            notes: list[str] = []
            hidden = sum(s.n_hidden for s in sups if s is not None)
            if public and hidden and not chart.empty:
                # the builder summed and ranked the published figures only: say so
                chart.summary += tx["summary_public"]
            if public:
                if hidden:
                    notes.append(tx["note_public"].format(k=k))
                    if any(s.exposed_totals for s in sups if s is not None):
                        notes.append(tx["note_unprotected"])
                # a chart drawn from row-level data (a distribution) is published as its aggregate
                for call in spec.calls:
                    if call.fn in MICRODATA:
                        tables[_call_key(call)]["aggregate"] = chart.table
            res = ChartResult(number, spec.id, title, chart.summary,
                              sheets=[tables[_call_key(c)]["sheet"] for c in spec.calls], hidden_cells=hidden)
            stem = f"{number:02d}_{spec.id}"
            fig = chart.fig
            if fig is None:
                fig = _placeholder(title, tx["no_data"])
            elif public and hidden:
                for call, s in zip(spec.calls, sups):
                    if s is not None:
                        mark_hidden_points(fig, tables[_call_key(call)]["frame"], s, lang, k)
                add_figure_note(fig, tx["figure_note"].format(k=k))
            fig.update_layout(font_family=export_render.FONT_FAMILY if not fig.layout.font.family
                              else fig.layout.font.family)
            height = int(fig.layout.height or DEFAULT_HEIGHT)
            fig.update_layout(width=CHART_WIDTH, height=height)
            if height > TALL_CHART:
                # shrunk to fit one report page it is hard to read: point to the full-size files
                notes.append(tx["note_tall"].format(png=f"png/{stem}.png", sheet="、".join(res.sheets)
                                                    if lang == "zh" else ", ".join(res.sheets)))
            pdf_bytes = b""
            for fmt in ("png", "svg", "pdf"):
                data = renderer.render(fig, fmt, width=CHART_WIDTH, height=height,
                                       scale=PNG_SCALE if fmt == "png" else 1)
                path = out / fmt / f"{stem}.{fmt}"
                path.write_bytes(data)
                res.files[fmt] = str(path.relative_to(out))
                if fmt == "pdf":
                    pdf_bytes = data
            res.seconds = time.perf_counter() - t0
            results.append(res)
            report_charts.append(ReportChart(number, spec.id, title, chart.summary, pdf_bytes, notes))
            step(title)

        workbook = out / f"tables_{year}{suffix}.xlsx"
        kpi = api.call(con, "kpi_overview", **filters)
        prev = api.call(con, "kpi_overview", **{**filters, "year": year - 1})
        _write_workbook(workbook, tables, results, lang=lang, public=public, k=k, year=year,
                        filters=filters, facts=facts, generated=generated, kpi=kpi)
        step("Excel")

        scope = i18n.scope_label(None, town, category, program_group, lang=lang)
        edition = tx["edition_public"] if public else tx["edition_internal"]
        meta = ReportMeta(
            lang=lang,
            title=tx["title"].format(year=year),
            subtitle=tx["subtitle"],
            footer=tx["footer"].format(year=year, edition=edition, data_date=ddate),
            cover_lines=[
                tx["cover_scope"].format(scope=scope),
                tx["cover_date"].format(data_date=ddate, generated=generated),
                (tx["cover_public"] if public else tx["cover_internal"]).format(k=k),
                tx["cover_source"],
            ],
            contents_title=tx["contents"],
            kpi_title=tx["kpi_title"].format(year=year),
            kpi_headers=tx["kpi_headers"],
            page_label=tx["page"],
            figure_label=tx["figure"],
        )
        kpis = kpi_rows(kpi, prev, lang=lang, year=year, public=public, k=k)
        report = out / f"report_{year}_{lang}{suffix}.pdf"
        step("KPI")
        report.write_bytes(build_report_pdf(
            renderer, meta, kpis, [tx["note_public"].format(k=k)] if public else [], report_charts,
            progress=lambda label: step(label),
        ))
        step("PDF")
        render_seconds, renders = renderer.seconds, renderer.calls

    seconds = time.perf_counter() - t_start
    manifest = out / "manifest.json"
    manifest.write_text(json.dumps({
        "year": year, "lang": lang, "public": public, "k": k, "filters": filters, "data_date": ddate,
        "generated": generated, "seconds": round(seconds, 2), "render_seconds": round(render_seconds, 2),
        "renders": renders, "workbook": workbook.name, "report": report.name,
        "tables": [{"sheet": e["sheet"], "fn": e["fn"], "kwargs": dict(e["call"].kwargs),
                    "suppressed_cells": e["sup"].n_hidden if e["sup"] is not None else 0,
                    "rows_only_aggregate": bool(public and e["fn"] in MICRODATA)} for e in tables.values()],
        "charts": [{"number": c.number, "id": c.chart_id, "title": c.title, "summary": c.summary,
                    "files": c.files, "sheets": c.sheets, "seconds": round(c.seconds, 3),
                    "hidden_cells": c.hidden_cells} for c in results],
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    step("manifest")
    return PackResult(out, results, workbook, report, manifest, seconds, render_seconds, renders)


def build_pack_zip(con, year: int, *, lang: str = "zh", public: bool = False, k: int = suppress.DEFAULT_K,
                   progress: Progress | None = None, **filters: Any) -> bytes:
    """The pack of `build_pack` as zip bytes (for the dashboard's download button)."""
    with tempfile.TemporaryDirectory(prefix="subsidy-export-") as tmp:
        build_pack(con, year, tmp, lang=lang, public=public, k=k, progress=progress, **filters)
        buf = io.BytesIO()
        root = Path(tmp)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    zf.write(path, f"report_{year}/{path.relative_to(root).as_posix()}")
        return buf.getvalue()


def _placeholder(title: str, text: str):
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"), height=300, template="plotly_white",
        xaxis_visible=False, yaxis_visible=False, font_family=export_render.FONT_FAMILY,
    )
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font_size=18)
    return fig


# ---------------------------------------------------------------- KPIs
def kpi_rows(kpi: pd.DataFrame, prev: pd.DataFrame, *, lang: str, year: int, public: bool, k: int
             ) -> list[tuple[str, str, str]]:
    """(label, value with change on the previous year, definition) for the report's KPI page."""
    import vocab as i18n
    from vocab import t

    if kpi is None or kpi.empty:
        return []
    cur = kpi.iloc[0]
    old = prev.iloc[0] if prev is not None and not prev.empty else None
    tx = TEXT[lang]

    def small(v) -> bool:
        return public and not i18n._is_missing(v) and 0 < float(v) < k  # noqa: SLF001

    def row(label_key, help_key, col, fmt, kind):
        v = cur.get(col)
        if small(v):
            return (t(label_key, lang), suppress.small_label(k), t(help_key, lang))
        text = fmt(v)
        if old is not None and kind:
            delta = i18n.fmt_delta(v, old.get(col), kind, lang)
            if delta:
                text += "　" + tx["kpi_prev"].format(year=year - 1, delta=delta)
        return (t(label_key, lang), text, t(help_key, lang))

    programs = f"{i18n.fmt_int(cur.get('programs_paid'))} / {i18n.fmt_int(cur.get('programs_total'))}"
    return [
        row("kpi_spend", "help_spend", "spend_yuan", lambda v: i18n.fmt_money(v, lang), "money"),
        row("kpi_person_times", "help_person_times", "person_times", i18n.fmt_int, "int"),
        row("kpi_persons", "help_persons", "persons_paid", i18n.fmt_int, "int"),
        (t("kpi_programs", lang), programs, t("help_programs", lang)),
        row("kpi_certified", "help_certified", "certified_population", i18n.fmt_int, "int"),
        row("kpi_coverage", "help_coverage", "coverage", i18n.fmt_pct, "pct"),
        row("kpi_median_days", "help_median_days", "median_processing_days", lambda v: i18n.fmt_days(v, lang), "days"),
        row("kpi_zero_trip", "help_zero_trip", "zero_trip_share",
            lambda v: f"{i18n.fmt_pct(v)}（{i18n.fmt_int(cur.get('zero_trip_programs'))}）" if lang == "zh"
            else f"{i18n.fmt_pct(v)} ({i18n.fmt_int(cur.get('zero_trip_programs'))})", "pct"),
    ]


# ---------------------------------------------------------------- Excel
def _write_workbook(path: Path, tables: dict[str, dict[str, Any]], results: list[ChartResult], *, lang: str,
                    public: bool, k: int, year: int, filters: dict[str, Any], facts: dict[str, str],
                    generated: str, kpi: pd.DataFrame) -> None:
    tx = TEXT[lang]
    info = tx["info"]
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        book = xw.book
        head = book.add_format({"bold": True, "bg_color": "#1f5fa8", "font_color": "white", "border": 1,
                                "text_wrap": True, "valign": "top"})
        pct = book.add_format({"num_format": "0.0%"})
        money = book.add_format({"num_format": "#,##0.00"})
        intf = book.add_format({"num_format": "#,##0"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})

        # 说明: the facts a reader needs to cite the figures
        filt = "；".join(f"{COLUMN_LABELS.get(key, (key, key))[1 if lang == 'en' else 0]}={v}"
                        for key, v in filters.items() if v is not None and key != "year") or tx["all"]
        about = [
            (info["report"], TEXT[lang]["title"].format(year=year)),
            (info["year"], year),
            (info["lang"], "中文" if lang == "zh" else "English"),
            (info["filters"], filt),
            (info["public"], tx["yes"] if public else tx["no"]),
            (info["k"], k if public else "—"),
            (info["data_date"], data_date(facts)),
            (info["loaded_at"], facts.get("loaded_at", "—")),
            (info["source"], facts.get("source", "—")),
            (info["generated"], generated),
        ]
        if public:
            about += [(info["legend"], tx["legend"].format(k=k)), (info["zero"], tx["zero"])]
        about_df = pd.DataFrame(about, columns=list(tx["info_headers"]))
        about_df.to_excel(xw, sheet_name=tx["sheet_info"], index=False)
        ws = xw.sheets[tx["sheet_info"]]
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 90, wrap)
        for j, h in enumerate(about_df.columns):
            ws.write(0, j, h, head)

        # 目录: chart -> sheet
        index = pd.DataFrame(
            [(r.number, r.title, r.chart_id, "、".join(r.sheets) if lang == "zh" else ", ".join(r.sheets),
              "; ".join(c.describe() for c in _spec_calls(r.chart_id))) for r in results],
            columns=list(tx["index_headers"]),
        )
        index.to_excel(xw, sheet_name=tx["sheet_index"], index=False)
        ws = xw.sheets[tx["sheet_index"]]
        for j, w in enumerate((6, 34, 28, 40, 70)):
            ws.set_column(j, j, w)
        for j, h in enumerate(index.columns):
            ws.write(0, j, h, head)

        for entry in tables.values():
            fn, frame, sup = entry["fn"], entry["frame"], entry["sup"]
            if public and fn in MICRODATA:
                table = entry.get("aggregate", pd.DataFrame())
                table = suppress.suppress_table(table, [c for c in table.columns if c in ("申请数", "Applications")],
                                                k=k, lines=[]).frame if not table.empty else table
                note = tx["aggregate_only"]
            else:
                table = _localise(sup.frame if sup is not None else frame, lang)
                note = None
            table = table.copy()
            for c in table.columns:
                if pd.api.types.is_datetime64_any_dtype(table[c]):
                    table[c] = table[c].dt.strftime("%Y-%m-%d")
            start = 1 if note else 0
            table.to_excel(xw, sheet_name=entry["sheet"], index=False, startrow=start)
            ws = xw.sheets[entry["sheet"]]
            if note:
                ws.write(0, 0, note)
            for j, col in enumerate(table.columns):
                ws.write(start, j, col, head)
                api_col = frame.columns[j] if not (public and fn in MICRODATA) and j < len(frame.columns) else None
                fmt = (pct if api_col in RATIO_COLUMNS else money if api_col in MONEY_COLUMNS
                       else intf if api_col is not None and pd.api.types.is_integer_dtype(frame[api_col]) else None)
                ws.set_column(j, j, max(10, min(40, 2 * len(str(col)) + 2)), fmt)
            ws.freeze_panes(start + 1, 0)


def _spec_calls(chart_id: str):
    from publish import charts

    return charts.CHARTS[chart_id].calls
