"""The annual-report pack: every chart that applies to the selection as PNG/SVG/PDF, the tables as one
Excel workbook, and one combined PDF report (no Streamlit import).

    python -m subsidy export --year 2020 --out DIR [--public] [--k 5] [--lang zh|en] [--town T]

Layout of DIR:
    png/NN_<chart id>.png     print resolution (1000 CSS px × scale 3 = 3000 px wide)
    svg/NN_<chart id>.svg     vector, text kept as text (the viewer needs a CJK font)
    pdf/NN_<chart id>.pdf     vector, fonts embedded
    (only the formats asked for: `build_pack(..., formats=("svg",))`, `--formats svg`; default all three)
    tables_<year>[_public].xlsx   one sheet per distinct API call + 目录 (index, with each chart's SQL file) + 说明
    report_<year>_<lang>[_public].pdf   cover, KPI summary, one page per chart with its one-line summary
    manifest.json             what was written, with timings

The pack is the page on paper: each chart comes from `publish.charts.render` — the same function the
dashboard's pages call — with the same selection, so frames, scope, dropped filters, titles and the
public edition's suppression are the page's. The KPI page is `publish.kpis.kpi_tiles`, the overview's
tiles. One kaleido server (one Chromium) renders the whole pack (publish/render.py).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

import queries
from publish import charts, kpis, suppress
from publish import render as export_render
from publish import tables as sheets
from publish.charts import Selection
from publish.render import ExportPrerequisiteError, check_export_prerequisites
from publish.report_pdf import ReportChart, ReportMeta, build_report_pdf
from publish.style import EDITION_INTERNAL, EDITION_PUBLIC, FONT_FAMILY, html_text
from vocab import LABEL_COLUMNS, LANGUAGE_NAMES, MONEY_COLUMNS, RATIO_COLUMNS, Labels

__all__ = ["build_pack", "build_pack_zip", "collect", "PackResult", "ChartResult", "Collected",
           "ExportPrerequisiteError", "data_facts", "data_date"]

Progress = Callable[[int, int, str], None]
ChartRender = Callable[..., charts.Rendered]   # (chart_id, selection, labels, *, public, k) -> the chart

CHART_WIDTH = 1000   # CSS px; a report page is 1123 px wide
PNG_SCALE = 3        # 3000 px wide PNGs: 300 dpi at 25 cm
FORMATS = ("png", "svg", "pdf")   # the chart files a pack can hold (`formats=` picks; default all)
REPORT_FORMAT = "svg"             # what the combined report embeds: rendered whether or not its files are asked for
DEFAULT_HEIGHT = 450


@dataclass
class ChartResult:
    """One exported chart: where its files are, its sheet(s) and how long it took."""

    number: int
    chart_id: str
    title: str
    summary: str
    files: dict[str, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    sql_files: list[str] = field(default_factory=list)
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


@dataclass
class Table:
    """One distinct API call of the pack: its sheet, frame and (public) suppression."""

    call: charts.Call
    kwargs: dict[str, Any]
    frame: pd.DataFrame
    sup: suppress.Suppression | None
    sheet: str


@dataclass
class Collected:
    """Everything the pack prints, before rendering: charts, tables, KPI tiles (tests compare it with the page)."""

    selection: Selection
    labels: Labels
    public: bool
    k: int
    rendered: list[charts.Rendered]
    tables: dict[tuple, Table]
    tiles: list[kpis.KpiTile]
    facts: dict[str, str]


# ---------------------------------------------------------------- data
def _sheet_name(n: int, key: str) -> str:
    """'NN title', cut to Excel's 31 characters, without the characters a sheet name cannot hold."""
    name = f"{n:02d} {key}"
    for ch in '[]:*?/\\':
        name = name.replace(ch, "-")
    return name[:31].rstrip()


def _table_key(call: charts.Call, kwargs: dict[str, Any]) -> tuple:
    return (call.name, tuple(sorted(kwargs.items())))


def data_facts(con) -> dict[str, str]:
    """load_info as a dict (source, loaded_at, data date…); empty for a database without bookkeeping."""
    try:
        df = queries.load_info(con)
    except Exception:  # noqa: BLE001 - a DB without bookkeeping still exports
        return {}
    return {str(k): str(v) for k, v in zip(df["key"], df["value"])}


def data_date(facts: dict[str, str]) -> str:
    """The data date recorded by the loader ('—' when unknown)."""
    if facts.get("data_date"):
        return facts["data_date"][:10]
    if facts.get("loaded_at"):
        return facts["loaded_at"][:10]
    return "—"


def collect(con, sel: Selection, *, lang: str = "zh", public: bool = False, k: int = suppress.DEFAULT_K,
            run: charts.Runner | None = None,
            on_chart: Callable[[charts.Rendered], None] | None = None,
            render: ChartRender | None = None) -> Collected:
    """Every chart that applies to `sel`, through `charts.render`, with the distinct tables and the KPI tiles.
    `on_chart(rendered)` is called with each chart as soon as it is built (the pack queues its render).
    `render(chart_id, sel, labels, public=, k=)` is how a chart is obtained (default `charts.render` with
    `run`); the dashboard passes `store.rendered`, the charts its pages built with the same `run`."""
    labels = charts.labels(lang)
    run = run or charts.direct_runner(con)
    rendered, tables = [], {}
    for spec in charts.specs_for(sel):
        if render is not None:
            r = render(spec.id, sel, labels, public=public, k=k)
        else:
            r = charts.render(spec.id, sel, labels, run=run, public=public, k=k)
        rendered.append(r)
        if on_chart is not None:
            on_chart(r)
        for i, (call, raw, sup) in enumerate(zip(spec.calls, r.raw, r.sups)):
            kwargs = call.kwargs(sel)
            key = _table_key(call, kwargs)
            if key not in tables:
                # the sheet is named in the reader's language: the first chart that prints it (a
                # chart's second call, the program names of the tier chart, gets the 项目 suffix)
                label = r.title if i == 0 else f"{r.title} {labels('program') if call.lookup else i + 1}"
                tables[key] = Table(call, kwargs, raw, sup, _sheet_name(len(tables) + 1, label))
    cur, prev = kpis.kpi_frames(run, sel.year, sel.filters(), run(queries.years))
    tiles = kpis.kpi_tiles(cur, prev, labels, public=public, k=k, short=False, run=run, sel=sel)
    return Collected(sel, labels, public, k, rendered, tables, tiles, data_facts(con))


def add_figure_note(figure: dict, text: str, *, color: str = "#555", bold: bool = False) -> None:
    """A one-line footnote at the bottom edge of a figure (as a plain dict): the edition, the public
    edition's legend of marks. Each note goes under the ones before."""
    layout = figure["layout"]
    margin = dict(layout.get("margin") or {})
    margin_b = int(margin.get("b") if margin.get("b") is not None else 40) + 28
    margin["b"] = margin_b
    text = html_text(text)
    note = dict(text=f"<b>{text}</b>" if bold else text, xref="paper", yref="paper", x=0, y=0, xanchor="left",
                yanchor="bottom", yshift=-margin_b + 2, showarrow=False, align="left",
                font=dict(size=12 if bold else 11, color=color, family=FONT_FAMILY))
    figure["layout"] = {**layout, "margin": margin, "annotations": [*layout.get("annotations", ()), note]}


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
    village: str | None = None,
    category: str | None = None,
    program_group: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    policy: tuple[tuple[str, Any], ...] | None = None,
    program: str | None = None,
    run: charts.Runner | None = None,
    render: ChartRender | None = None,
) -> PackResult:
    """Write the annual-report pack for `year` and the selection into `out_dir` (see the module docstring).

    `formats` names the chart files to write (png, svg, pdf; default all): each is rendered once per
    chart, and a format nobody asked for is not rendered unless the report needs it (REPORT_FORMAT).
    `run` is how the frames are fetched (default: the API on `con`); the dashboard passes its scoped,
    cached `store.run`, so a caseworker's pack holds the own area only, and `render=store.rendered`, the
    charts its pages built (see `collect`).
    progress(done, total, label) is called after every step (one per chart rendered, one for the
    workbook, the KPI page, the PDF and the manifest). Raises ExportPrerequisiteError when Chromium or the CJK font is
    missing, before anything is written.
    """
    t_start = time.perf_counter()
    problems = check_export_prerequisites(lang)
    if problems:
        raise ExportPrerequisiteError("\n".join(problems))
    # policy: a simulated rule change (Selection.policy): the pack then prints the policy charts too
    sel = Selection(year=year, town=town, village=village, category=category, program_group=program_group,
                    policy=policy, program=program)
    out = Path(out_dir)
    formats = tuple(f for f in FORMATS if f in formats)
    suffix = "_public" if public else ""
    generated = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    results: list[ChartResult] = []
    report_charts: list[ReportChart] = []

    # Chromium starts while the charts are collected; every render is queued at once, the report's
    # format first, and the workbook and the report PDF are written while Chromium renders the files'
    # other formats (the report waits only for its own). One render per chart and format asked for.
    with export_render.render_session() as renderer:
        L = charts.labels(lang)
        figures: list[tuple[dict, int]] = []
        pending: dict[tuple[int, str], Any] = {}

        def draw(r: charts.Rendered) -> None:   # each chart's SVG queued as soon as the chart is built
            figure, height = drawn(r, L, public, k)
            pending[(len(figures), REPORT_FORMAT)] = renderer.submit(figure, REPORT_FORMAT, width=CHART_WIDTH,
                                                                     height=height)
            figures.append((figure, height))

        got = collect(con, sel, lang=lang, public=public, k=k, run=run, on_chart=draw, render=render)
        n = len(got.rendered)
        total_steps = n + 5   # charts, workbook, KPI, the PDF written, the PDF saved, manifest
        done = 0

        def step(label: str) -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total_steps, label)

        ddate = data_date(got.facts)
        sheets_of = {key: t.sheet for key, t in got.tables.items()}
        years = got_years(con)
        for number, r in enumerate(got.rendered, start=1):
            spec = r.spec
            notes: list[str] = []
            if r.dropped_note:
                notes.append(L("not_filtered_by", what=L.list_sep().join(L(d) for d in r.dropped_note)))
            if spec.scope_note:
                notes.append(L(spec.scope_note, first=min(years), last=max(years)))
            if spec.page == "policy" and sel.policy:   # what was simulated, beside its assumption
                notes.append(L("policy_change_note", change=", ".join(f"{k}={v}" for k, v in sel.policy)))
            if public and r.hidden:
                notes.append(L("report.note_public", k=k))
                if any(s.exposed_totals for s in r.sups if s is not None):
                    notes.append(L("report.note_unprotected"))
            sheets = [sheets_of[_table_key(c, c.kwargs(sel))] for c in spec.calls]
            results.append(ChartResult(number, spec.id, r.title, r.chart.summary, sheets=sheets,
                                       sql_files=r.sql_files, hidden_cells=r.hidden))
            report_charts.append(ReportChart(number, spec.id, r.title, r.chart.summary, b"", notes, r.table))

        # each chart drawn once, as the SVG the report embeds; its PNG and PDF are that SVG converted on
        # Chromium's page as kaleido converts plotly's own (the same pixels, the same vector page:
        # tests/publish/test_render.py), not the figure laid out again per format
        for fmt in formats:
            for i, (figure, height) in enumerate(figures):
                if fmt != REPORT_FORMAT:
                    pending[(i, fmt)] = renderer.submit_from_svg(pending[(i, REPORT_FORMAT)], fmt, width=CHART_WIDTH,
                                                                 height=height, scale=PNG_SCALE if fmt == "png" else 1)
        for (i, _), future in pending.items():
            t0 = time.perf_counter()
            future.add_done_callback(lambda _, res=results[i], t0=t0: _add_seconds(res, t0))
        for i, r in enumerate(got.rendered):
            if r.chart.fig is not None:   # a chart without data is a sentence in the report, not a drawing
                report_charts[i].svg = pending[(i, REPORT_FORMAT)].result()

        out.mkdir(parents=True, exist_ok=True)
        workbook = out / f"tables_{year}{suffix}.xlsx"
        _write_workbook(workbook, got, results, generated=generated)
        step("Excel")

        edition = L("report.edition_public") if public else L("report.edition_internal")
        meta = ReportMeta(
            lang=lang,
            public=public,
            edition=L("report.edition_banner_public", k=k) if public else L("report.edition_banner_internal"),
            table_label=L("report.table"),
            continued_label=L("report.continued"),
            title=L("report.title", year=year),
            subtitle=L("report.subtitle"),
            footer=L("report.footer", year=year, edition=edition, data_date=ddate),
            cover_lines=[
                L("report.cover_scope", scope=L.scope(None, town, category, program_group, village=village)),
                L("report.cover_date", data_date=ddate, generated=generated),
                L("report.cover_public" if public else "report.cover_internal", k=k),
                L("report.cover_source"),
            ],
            contents_title=L("report.contents"),
            kpi_title=L("report.kpi_title", year=year),
            kpi_headers=tuple(L(f"report.kpi_headers.{i}") for i in range(3)),
            page_label=L("report.page"),
            figure_label=L("report.figure"),
        )
        report = out / f"report_{year}_{lang}{suffix}.pdf"
        step("KPI")
        report.write_bytes(build_report_pdf(
            meta, kpi_rows(got.tiles, L, year), [L("report.note_public", k=k)] if public else [],
            report_charts, progress=lambda label: step(label),
        ))
        step("PDF")
        for sub in formats:
            (out / sub).mkdir(parents=True, exist_ok=True)
        for i, res in enumerate(results):
            for fmt in formats:
                path = out / fmt / f"{res.number:02d}_{res.chart_id}.{fmt}"
                path.write_bytes(pending[(i, fmt)].result())
                res.files[fmt] = str(path.relative_to(out))
            step(res.title)
        render_seconds, renders = renderer.seconds, renderer.calls

    seconds = time.perf_counter() - t_start
    manifest = out / "manifest.json"
    manifest.write_text(json.dumps({
        "year": year, "lang": lang, "public": public, "k": k, "filters": sel.filters(), "data_date": ddate,
        "generated": generated, "seconds": round(seconds, 2), "render_seconds": round(render_seconds, 2),
        "renders": renders, "workbook": workbook.name, "report": report.name,
        "tables": [{"sheet": t.sheet, "fn": t.call.name, "kwargs": t.kwargs, "sql": t.call.sql_file,
                    "suppressed_cells": t.sup.n_hidden if t.sup is not None else 0} for t in got.tables.values()],
        "charts": [{"number": c.number, "id": c.chart_id, "title": c.title, "summary": c.summary,
                    "files": c.files, "sheets": c.sheets, "sql": c.sql_files, "seconds": round(c.seconds, 3),
                    "hidden_cells": c.hidden_cells} for c in results],
    }, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    step("manifest")
    return PackResult(out, results, workbook, report, manifest, seconds, render_seconds, renders)


def drawn(r: charts.Rendered, L: Labels, public: bool, k: int) -> tuple[dict, int]:
    """The figure a chart's files show (a placeholder sentence for a chart without data) as a plain dict
    CHART_WIDTH wide, and its height, with the edition as its footnote (a chart's PNG shared on its own
    still says 内部版 / 公开版) and the public edition's legend of marks when cells are hidden. The pack's
    files and the page's PNG download are this figure; the page's figure is not changed (a go.Figure
    copy would validate the whole figure again)."""
    fig = r.chart.fig
    if fig is None:
        fig = _placeholder(r.title, L("report.no_data"))
    height = int(fig.layout.height or DEFAULT_HEIGHT)
    figure = fig.to_dict()
    figure["layout"] = {**figure["layout"], "width": CHART_WIDTH, "height": height}
    add_figure_note(figure, L("report.edition_banner_public", k=k) if public else L("report.edition_banner_internal"),
                    color=EDITION_PUBLIC if public else EDITION_INTERNAL, bold=True)
    if public and r.hidden:
        add_figure_note(figure, L("report.figure_note", k=k))
    return figure, height


def _add_seconds(res: ChartResult, since: float) -> None:
    """A chart's seconds: from the first of its renders queued to the last one done."""
    res.seconds = max(res.seconds, time.perf_counter() - since)


def got_years(con) -> list[int]:
    """Years of the data (for the all-years scope note)."""
    return [int(y) for y in queries.years(con)]


def kpi_rows(tiles: list[kpis.KpiTile], L: Labels, year: int) -> list[tuple[str, str, str]]:
    """(label, value with the change on the previous year, definition) for the report's KPI page."""
    rows = []
    for tile in tiles:
        text = tile.value
        if tile.delta:
            text += "　" + L("report.kpi_prev", year=year - 1, delta=tile.delta)
        rows.append((tile.label, text, tile.help))
    return rows


def build_pack_zip(con, year: int, *, lang: str = "zh", public: bool = False, k: int = suppress.DEFAULT_K,
                   progress: Progress | None = None, run: charts.Runner | None = None,
                   render: ChartRender | None = None, **filters: Any) -> bytes:
    """The pack of `build_pack` as zip bytes (for the dashboard's download button)."""
    with tempfile.TemporaryDirectory(prefix="subsidy-export-") as tmp:
        build_pack(con, year, tmp, lang=lang, public=public, k=k, progress=progress, run=run, render=render,
                   **filters)
        buf = io.BytesIO()
        root = Path(tmp)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    zf.write(path, f"report_{year}/{path.relative_to(root).as_posix()}")
        return buf.getvalue()


def _placeholder(title: str, text: str):
    fig = go.Figure()
    fig.update_layout(
        title=dict(text=html_text(title), x=0, xanchor="left"), height=300,
        xaxis_visible=False, yaxis_visible=False, font_family=FONT_FAMILY,
    )
    fig.add_annotation(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font_size=18)
    return fig


# ---------------------------------------------------------------- Excel
def _write_workbook(path: Path, got: Collected, results: list[ChartResult], *, generated: str) -> None:
    """The tables as one workbook: 说明 (what, when, which filters), 目录 (chart → sheet → SQL file), one
    sheet per distinct API call with labelled headers (suppressed cells as "<5" / "*" when public).
    Loaded names are string cells, never formulas or links (publish.tables.excel_writer; a name that
    looks like a formula gets Excel's quote prefix)."""
    L, public, k, sel = got.labels, got.public, got.k, got.selection
    with sheets.excel_writer(path) as xw:
        book = xw.book
        as_text = book.add_format({"quote_prefix": True})
        head = book.add_format({"bold": True, "bg_color": "#1f5fa8", "font_color": "white", "border": 1,
                                "text_wrap": True, "valign": "top"})
        pct = book.add_format({"num_format": "0.0%"})
        money = book.add_format({"num_format": "#,##0.00"})
        intf = book.add_format({"num_format": "#,##0"})
        wrap = book.add_format({"text_wrap": True, "valign": "top", "align": "left"})
        date = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        date_time = book.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
        month = book.add_format({"num_format": "yyyy-mm", "align": "left"})

        # 说明: the facts a reader needs to cite the figures
        filt = "；".join(f"{L.column(key)}={v}" for key, v in sel.filters().items()
                        if v is not None and key != "year") or L("report.all")
        about = [
            (L("report.info.report"), L("report.title", year=sel.year)),
            (L("report.info.year"), sel.year),
            (L("report.info.lang"), LANGUAGE_NAMES[L.lang]),
            (L("report.info.filters"), filt),
            (L("report.info.public"), L("report.yes") if public else L("report.no")),
            (L("report.info.k"), k if public else "—"),
            (L("report.info.data_date"), sheets.as_date(data_date(got.facts))),
            (L("report.info.loaded_at"), sheets.as_date(got.facts.get("loaded_at", "—"))),
            (L("report.info.source"), got.facts.get("source", "—")),
            (L("report.info.generated"), sheets.as_date(generated)),
        ]
        if public:
            about += [(L("report.info.legend"), L("report.legend", k=k)), (L("report.info.zero"), L("report.zero"))]
        about_df = pd.DataFrame(about, columns=[L(f"report.info_headers.{i}") for i in range(2)])
        info_sheet = L("report.sheet_info")
        about_df.to_excel(xw, sheet_name=info_sheet, index=False)
        ws = xw.sheets[info_sheet]
        sheets.quote_formula_text(ws, about_df, as_text)
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 90, wrap)
        for j, h in enumerate(about_df.columns):
            ws.write(0, j, h, head)
        for i, (_, value) in enumerate(about, start=1):  # dates as date cells, shown as dates
            if isinstance(value, dt.datetime):
                ws.write_datetime(i, 1, value, date_time if value.time() != dt.time() else date)
        ws.freeze_panes(1, 0)

        # 目录: chart -> sheet -> API call -> SQL file
        specs = {r.spec.id: r.spec for r in got.rendered}
        index = pd.DataFrame(
            [(r.number, r.title, r.chart_id, L.list_sep().join(r.sheets),
              "; ".join(c.describe(sel) for c in specs[r.chart_id].calls), "\n".join(r.sql_files)) for r in results],
            columns=[L(f"report.index_headers.{i}") for i in range(6)],
        )
        index_sheet = L("report.sheet_index")
        index.to_excel(xw, sheet_name=index_sheet, index=False)
        ws = xw.sheets[index_sheet]
        sheets.quote_formula_text(ws, index, as_text)
        for j, w in enumerate((6, 34, 28, 40, 70, 44)):
            ws.set_column(j, j, w, wrap if j == 5 else None)
        for j, h in enumerate(index.columns):
            ws.write(0, j, h, head)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(index), len(index.columns) - 1)

        for entry in got.tables.values():
            frame, sup = entry.frame, entry.sup
            shown = sup.frame if sup is not None else frame
            columns: list[tuple[str | None, str, Any]] = []   # (API column, header, values)
            for c in frame.columns:
                values = shown[c]
                if c == "gap":  # the seed's label for readers, the key beside it for cross-reference
                    columns += [(None, L.column(c), [L.gap(g) for g in values]), (None, L("gap_key"), values)]
                else:
                    columns.append((c, L.column(c), values))
            table = pd.DataFrame({header: list(values) for _, header, values in columns})
            table.to_excel(xw, sheet_name=entry.sheet, index=False)
            ws = xw.sheets[entry.sheet]
            sheets.quote_formula_text(ws, table, as_text)
            for j, (api_col, header, _) in enumerate(columns):
                ws.write(0, j, header, head)
                is_date = api_col is not None and (pd.api.types.is_datetime64_any_dtype(frame[api_col])
                                                   or sheets.is_date_column(frame[api_col]))
                fmt = (pct if api_col in RATIO_COLUMNS else money if api_col in MONEY_COLUMNS else date if is_date
                       else intf if api_col is not None and api_col not in LABEL_COLUMNS
                       and pd.api.types.is_integer_dtype(frame[api_col]) else None)
                ws.set_column(j, j, max(10, min(40, 2 * len(str(header)) + 2)), fmt)
                if is_date:  # date cells (Excel sorts and filters them as dates), not text
                    cell = month if api_col == "month" else date
                    ws.set_column(j, j, 12, cell)
                    for i, v in enumerate(pd.to_datetime(table.iloc[:, j], errors="coerce"), start=1):
                        if not pd.isna(v):
                            ws.write_datetime(i, j, v.to_pydatetime(), cell)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(table), 1), len(columns) - 1)
