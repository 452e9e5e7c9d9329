"""The combined annual-report PDF: cover, KPI summary, then one page per chart (no Streamlit import).

Every page is drawn by the same Chromium (kaleido) that draws the charts, so one font pipeline serves
everything and the Chinese text of the whole PDF extracts cleanly (wqy-microhei, see export_render).
A chart page is a "frame" (number and title, the chart's one-line summary, notes, footer) rendered as
an A4-landscape PDF, with the chart's own vector PDF laid into its middle by pypdf. The chart keeps
the layout its builder gave it; the page layout never fights the chart's legend or margins. Every
text laid on a page (titles, the scope with its town and village, summaries, notes, KPI rows) goes
through `style.html_text`, so loaded names print as text, never as plotly markup.
"""
from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
from pypdf import PdfReader, PdfWriter, Transformation

from publish.render import Renderer
from publish.style import FONT_FAMILY, html_text

# A4 landscape at 96 CSS px per inch: kaleido writes it as 842 × 596 pt
PAGE_W, PAGE_H = 1123, 794
PT_PER_PX = 0.75
MARGIN_PX = 48
INK = "#1f2d3d"
MUTED = "#5b6b7b"
ACCENT = "#1f5fa8"


@dataclass
class ReportChart:
    """One chart page: its number in the report, title, one-line summary and rendered vector PDF."""

    number: int
    chart_id: str
    title: str
    summary: str
    pdf: bytes
    notes: list[str] = field(default_factory=list)


@dataclass
class ReportMeta:
    """What the cover and the footers say."""

    lang: str
    title: str
    subtitle: str
    footer: str
    cover_lines: list[str]
    contents_title: str
    kpi_title: str
    kpi_headers: tuple[str, str, str]
    page_label: str  # e.g. "第 {n} 页 / 共 {total} 页"
    figure_label: str  # e.g. "图 {n}"


def text_width(text: str) -> int:
    """Display width in half-width units: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of at most `width` display units (CJK-aware, breaks Latin at spaces)."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        line, word = "", ""
        for ch in para + " ":
            if unicodedata.east_asian_width(ch) in "WF" or ch == " ":
                piece = word + (ch if ch != " " else "")
                word = ""
                sep = " " if ch == " " else ""
                if text_width(line + piece) > width and line:
                    lines.append(line.rstrip())
                    line = piece.lstrip()
                else:
                    line += piece
                line += sep
            else:
                word += ch
        if line.strip() or not lines:
            lines.append(line.rstrip())
    return lines


def _blank_page() -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        width=PAGE_W, height=PAGE_H, margin=dict(l=0, r=0, t=0, b=0),
        paper_bgcolor="white", plot_bgcolor="white", showlegend=False,
        xaxis=dict(visible=False, range=[0, PAGE_W]), yaxis=dict(visible=False, range=[0, PAGE_H]),
        font=dict(family=FONT_FAMILY, color=INK),
    )
    return fig


def _text(fig: go.Figure, x: float, y: float, text: str, *, size: int = 14, color: str = INK,
          anchor: str = "left", valign: str = "top") -> None:
    """Place text at page coordinates in px from the top-left corner."""
    fig.add_annotation(
        x=x / PAGE_W, y=1 - y / PAGE_H, xref="paper", yref="paper", text=text, showarrow=False,
        xanchor=anchor, yanchor=valign, align=anchor if anchor != "center" else "center",
        font=dict(size=size, color=color, family=FONT_FAMILY),
    )


def _footer(fig: go.Figure, meta: ReportMeta, page: int, total: int) -> None:
    y = PAGE_H - 26
    fig.add_shape(type="line", xref="paper", yref="paper", x0=MARGIN_PX / PAGE_W, x1=1 - MARGIN_PX / PAGE_W,
                  y0=1 - (y - 14) / PAGE_H, y1=1 - (y - 14) / PAGE_H, line=dict(color="#c8d1da", width=1))
    _text(fig, MARGIN_PX, y, html_text(meta.footer), size=11, color=MUTED, valign="middle")
    _text(fig, PAGE_W - MARGIN_PX, y, html_text(meta.page_label.format(n=page, total=total)), size=11,
          color=MUTED, anchor="right", valign="middle")


def cover_page(meta: ReportMeta, charts: Sequence[ReportChart], total: int) -> go.Figure:
    """Title, subtitle, the facts of this pack (year, data date, public/internal) and the figure list."""
    fig = _blank_page()
    fig.add_shape(type="rect", xref="paper", yref="paper", x0=0, x1=1, y0=1 - 210 / PAGE_H, y1=1,
                  fillcolor=ACCENT, line_width=0)
    _text(fig, MARGIN_PX + 10, 70, html_text(meta.title), size=34, color="white")
    _text(fig, MARGIN_PX + 10, 135, html_text(meta.subtitle), size=18, color="white")
    y = 240
    for line in meta.cover_lines:
        _text(fig, MARGIN_PX + 10, y, html_text(line), size=14, color=INK)
        y += 24
    y += 14
    _text(fig, MARGIN_PX + 10, y, html_text(meta.contents_title), size=16, color=ACCENT)
    y += 30
    # figure list in two columns when long; page numbers: cover 1, KPI 2, charts from 3
    rows = (len(charts) + 1) // 2 if len(charts) > 12 else len(charts)
    col_w = (PAGE_W - 2 * MARGIN_PX) / (2 if len(charts) > 12 else 1)
    max_units = int(col_w / 7.5) - 10
    for i, ch in enumerate(charts):
        col, row = divmod(i, rows) if rows else (0, 0)
        label = meta.figure_label.format(n=ch.number)
        title = ch.title if text_width(ch.title) <= max_units else wrap(ch.title, max_units - 2)[0] + "…"
        _text(fig, MARGIN_PX + 10 + col * col_w, y + row * 21,
              f"{html_text(label)}  {html_text(title)}  <span style='color:{MUTED}'>· {ch.number + 2}</span>",
              size=12.5)
    _footer(fig, meta, 1, total)
    return fig


def kpi_page(meta: ReportMeta, kpis: Sequence[tuple[str, str, str]], notes: Sequence[str],
             total: int) -> go.Figure:
    """The headline KPIs as a table: indicator, value (with change on last year), definition."""
    fig = _blank_page()
    _text(fig, MARGIN_PX, 40, html_text(meta.kpi_title), size=24, color=ACCENT)
    top = 95
    table_h = min(PAGE_H - top - 70 - 22 * len(notes), 46 * (len(kpis) + 1))
    fig.add_trace(go.Table(
        domain=dict(x=[MARGIN_PX / PAGE_W, 1 - MARGIN_PX / PAGE_W],
                    y=[1 - (top + table_h) / PAGE_H, 1 - top / PAGE_H]),
        columnwidth=[2.0, 3.6, 5.4],
        header=dict(values=[f"<b>{html_text(h)}</b>" for h in meta.kpi_headers], fill_color=ACCENT,
                    font=dict(color="white", size=14, family=FONT_FAMILY), align="left", height=34),
        cells=dict(values=[[html_text(k[0]) for k in kpis], [html_text(k[1]) for k in kpis],
                           [html_text(k[2]) for k in kpis]],
                   fill_color=[["#f3f6fa", "white"] * len(kpis)],
                   font=dict(color=INK, size=13, family=FONT_FAMILY), align="left", height=40),
    ))
    y = top + table_h + 20
    for note in notes:
        for line in wrap(note, 150):
            _text(fig, MARGIN_PX, y, html_text(line), size=12, color=MUTED)
            y += 20
    _footer(fig, meta, 2, total)
    return fig


def chart_frame(meta: ReportMeta, chart: ReportChart, page: int, total: int) -> tuple[go.Figure, float, float]:
    """The page around a chart: (figure, free band top, free band bottom), in px from top and bottom."""
    fig = _blank_page()
    label = meta.figure_label.format(n=chart.number)
    _text(fig, MARGIN_PX, 32, f"<b>{html_text(label)}  {html_text(chart.title)}</b>", size=22, color=INK)
    y = 72
    for line in wrap(chart.summary, 140):
        _text(fig, MARGIN_PX, y, html_text(line), size=14, color=MUTED)
        y += 22
    note_lines = [ln for note in chart.notes for ln in wrap(note, 150)]
    for i, line in enumerate(note_lines):
        _text(fig, MARGIN_PX, PAGE_H - 50 - 18 * (len(note_lines) - i), html_text(line), size=11, color=MUTED)
    _footer(fig, meta, page, total)
    return fig, y + 8, 50 + 18 * len(note_lines) + 8


def _place(page, chart_pdf: bytes, top_px: float, bottom_px: float) -> None:
    """Lay the chart's PDF page into the free band of the frame page, scaled to fit and centred."""
    chart = PdfReader(io.BytesIO(chart_pdf)).pages[0]
    cw, ch = float(chart.mediabox.width), float(chart.mediabox.height)
    page_w, page_h = float(page.mediabox.width), float(page.mediabox.height)
    left = MARGIN_PX * PT_PER_PX
    avail_w = page_w - 2 * left
    avail_h = page_h - (top_px + bottom_px) * PT_PER_PX
    scale = min(avail_w / cw, avail_h / ch, 1.25)
    x = left + (avail_w - cw * scale) / 2
    y = bottom_px * PT_PER_PX + (avail_h - ch * scale) / 2
    page.merge_transformed_page(chart, Transformation().scale(scale).translate(x, y))


def build_report_pdf(
    renderer: Renderer,
    meta: ReportMeta,
    kpis: Sequence[tuple[str, str, str]],
    kpi_notes: Sequence[str],
    charts: Sequence[ReportChart],
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """The whole report as PDF bytes, pages in chart order (cover, KPIs, one page per chart)."""
    total = len(charts) + 2
    writer = PdfWriter()

    def add(fig: go.Figure):
        data = renderer.render(fig, "pdf", width=PAGE_W, height=PAGE_H)
        return writer.add_page(PdfReader(io.BytesIO(data)).pages[0])

    add(cover_page(meta, charts, total))
    add(kpi_page(meta, kpis, kpi_notes, total))
    for i, chart in enumerate(charts):
        frame, top, bottom = chart_frame(meta, chart, i + 3, total)
        page = add(frame)
        _place(page, chart.pdf, top, bottom)
        if progress:
            progress(chart.chart_id)
    writer.add_metadata({"/Title": meta.title, "/Subject": meta.subtitle})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
