"""The combined annual-report PDF as a tagged document (PDF/UA-1), written by WeasyPrint from HTML + CSS
(no Streamlit import, no plotly).

The report is one HTML document: a cover with the linked table of contents, the KPI table, then one
section per chart: its heading (a bookmark), its one-line summary, the chart as its SVG (the one the
pack rendered; an image whose alternative text is the summary), its notes and its data table as a real
table (header cells with a scope). WeasyPrint tags it (`pdf_variant="pdf/ua-1"`): the structure tree,
`/Lang` from `<html lang>`, the `<title>` as the document title shown by the viewer, the headings as
the outline, the contents' links as link annotations. Two things WeasyPrint leaves out are added after
it (`_finish_tags`, with pikepdf): the header cells' /Scope and each link's alternate description.

A chart taller than a page is cut into slices of the same SVG (only its viewBox changes), the cuts
falling between two rows of category labels, each slice on its own page after the first. The
edition (内部版 / 公开版) runs in the page header of every page, the report's name and the page number
in the footer (page margin boxes, which WeasyPrint marks as artifacts).

Every text of the document (titles, names inside summaries, table cells) is escaped for HTML here:
a loaded town name is drawn as the characters it is.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pikepdf
from weasyprint import HTML

from publish.style import EDITION_INTERNAL, EDITION_PUBLIC, FONT_FAMILY
from vocab import fmt_int, fmt_num

INK = "#1f2d3d"
MUTED = "#4a5866"      # 7.0:1 on white: notes and footers are essential text too
ACCENT = "#1f5fa8"     # 6.3:1 on white
PX_MM = 0.24           # a chart's CSS px on paper: 1000 px = 240 mm of the 269 mm line
FIRST_SLICE_PX = 500   # chart height on the chart's first page (under its heading and summary)
NEXT_SLICE_PX = 640    # on each continuation page
SHRINK = 0.8           # a chart up to FIRST_SLICE_PX / SHRINK tall is shrunk onto one page, not cut


@dataclass
class ReportChart:
    """One chart section: number in the report, title, summary (its alternative text), SVG and table."""

    number: int
    chart_id: str
    title: str
    summary: str
    svg: bytes
    notes: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None


@dataclass
class ReportMeta:
    """What the cover, the running header and footer and the section headings say."""

    lang: str
    title: str
    subtitle: str
    edition: str          # the running header of every page: 内部版 … / 公开版 …
    footer: str
    cover_lines: list[str]
    contents_title: str
    kpi_title: str
    kpi_headers: tuple[str, str, str]
    page_label: str       # e.g. "第 {n} 页 / 共 {total} 页"
    figure_label: str     # e.g. "图 {n}"
    table_label: str      # e.g. "图 {n} 数据表"
    continued_label: str  # e.g. "图 {n}，第 {i}/{count} 部分" (a chart cut across pages)
    public: bool = False


# ---------------------------------------------------------------- text
def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _css_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_counter(label: str) -> str:
    """'第 {n} 页 / 共 {total} 页' as CSS content with the page counters."""
    parts = re.split(r"(\{n\}|\{total\})", label)
    out = []
    for p in parts:
        if p == "{n}":
            out.append("counter(page)")
        elif p == "{total}":
            out.append("counter(pages)")
        elif p:
            out.append(_css_string(p))
    return " ".join(out)


def cell_text(value: object, label: bool = False) -> str:
    """A table cell as printed: whole numbers with thousands separators, others with up to two
    decimals, '—' for a missing value; text as it is. A `label` (a row header: a year, a tier) is a
    name, not a count: a whole number without separators (2019, not 2,019)."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):  # datetime and pandas Timestamp too
        return value.strftime("%Y-%m-%d")
    if isinstance(value, numbers.Real) and label and float(value).is_integer():
        return str(int(value))
    if isinstance(value, numbers.Integral):
        return fmt_int(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        return fmt_int(v) if v.is_integer() else fmt_num(v, 2).rstrip("0").rstrip(".")
    return str(value)


# ---------------------------------------------------------------- the SVG of a chart, sliced
_ROOT = re.compile(rb"<svg\b[^>]*>")
_YTICK = re.compile(rb'<g class="ytick"><text[^>]*?transform="translate\([^,]*,([0-9.]+)\)')


def svg_size(svg: bytes) -> tuple[float, float]:
    """(width, height) of a kaleido SVG in CSS px, from its root element."""
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("not an SVG")
    w = re.search(rb'\bwidth="([0-9.]+)"', root.group(0))
    h = re.search(rb'\bheight="([0-9.]+)"', root.group(0))
    if not (w and h):
        raise ValueError("SVG without width/height")
    return float(w.group(1)), float(h.group(1))


def slice_bounds(svg: bytes, first: float = FIRST_SLICE_PX, rest: float = NEXT_SLICE_PX) -> list[tuple[float, float]]:
    """Where a tall chart is cut: [(top, bottom)] in px, the first slice at most `first` tall and the
    others at most `rest`, each cut half-way between two category rows (y tick labels) when there
    are any, so no label or bar is cut in two. A chart that fits (shrunk by SHRINK at most) is one slice."""
    _, height = svg_size(svg)
    if height <= first / SHRINK:
        return [(0.0, height)]
    ticks = sorted({float(y) for y in _YTICK.findall(svg)})
    cuts = [(a + b) / 2 for a, b in zip(ticks, ticks[1:])]
    bounds, top = [], 0.0
    while height - top > (first if not bounds else rest):
        limit = top + (first if not bounds else rest)
        fitting = [c for c in cuts if top + 40 < c <= limit]
        bottom = max(fitting) if fitting else limit
        bounds.append((top, bottom))
        top = bottom
    bounds.append((top, height))
    return bounds


_YTICK_GROUP = re.compile(rb'<g class="ytick"><text[^>]*?transform="translate\([^,]*,([-0-9.e]+)\)".*?</text></g>',
                          re.S)
_BARTEXT = re.compile(rb'<text class="bartext[^"]*"[^>]*?transform="translate\([^,]*,([-0-9.e]+)\)"[^>]*>.*?</text>',
                      re.S)
_PLOT_TOP = re.compile(rb'<g class="xy" transform="translate\([^,]*,([-0-9.e]+)\)"')


def svg_slice(svg: bytes, top: float, bottom: float) -> bytes:
    """The part of `svg` between `top` and `bottom` (px): the same drawing, its viewBox moved. The
    row labels and bar labels of the other slices are left out (clipped, they would still be read
    and extracted as text on this page)."""
    width, _ = svg_size(svg)
    plot = _PLOT_TOP.search(svg)
    plot_top = float(plot.group(1)) if plot else 0.0

    def keep(offset: float):
        def sub(m: re.Match) -> bytes:
            return m.group(0) if top <= float(m.group(1)) + offset < bottom else b""
        return sub

    svg = _BARTEXT.sub(keep(plot_top), _YTICK_GROUP.sub(keep(0.0), svg))
    root = _ROOT.search(svg)
    tag = root.group(0)
    tag = re.sub(rb'\bheight="[0-9.]+"', b'height="%g"' % (bottom - top), tag, count=1)
    tag = re.sub(rb'\sviewBox="[^"]*"', b"", tag)
    tag = tag[:-1] + b' viewBox="0 %g %g %g">' % (top, width, bottom - top)
    return svg[:root.start()] + tag + svg[root.end():]


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


# ---------------------------------------------------------------- HTML
def _table(frame: pd.DataFrame, caption: str | None = None, row_headers: bool = True) -> str:
    """A data frame as an HTML table: column headers (scope col), the first column as row headers."""
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for j, v in enumerate(values):
            cls = ' class="num"' if numeric[j] else ""
            if j == 0 and row_headers:
                cells.append(f'<th scope="row"{cls}>{_e(cell_text(v, label=True))}</th>')
            else:
                cells.append(f"<td{cls}>{_e(cell_text(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _css(meta: ReportMeta) -> str:
    edition_bg = EDITION_PUBLIC if meta.public else EDITION_INTERNAL   # both ≥ 7:1 with white text
    return f"""
@page {{
  size: A4 landscape; margin: 22mm 14mm 16mm 14mm;
  @top-left {{ content: {_css_string(meta.edition)}; font: bold 11pt {FONT_FAMILY}; color: white;
              background: {edition_bg}; padding: 1.5mm 4mm; margin-top: 8mm; margin-bottom: 3mm; }}
  @top-right {{ content: {_css_string(meta.title)}; font: 9pt {FONT_FAMILY}; color: {MUTED}; }}
  @bottom-left {{ content: {_css_string(meta.footer)}; font: 9pt {FONT_FAMILY}; color: {MUTED}; }}
  @bottom-right {{ content: {_page_counter(meta.page_label)}; font: 9pt {FONT_FAMILY}; color: {MUTED}; }}
}}
html {{ font-family: {FONT_FAMILY}; color: {INK}; font-size: 10.5pt; line-height: 1.45; }}
h1 {{ font-size: 24pt; color: {ACCENT}; margin: 6mm 0 2mm; bookmark-level: none; }}
h2 {{ font-size: 15pt; margin: 0 0 2mm; bookmark-level: 1; }}
h2.contents {{ bookmark-level: none; color: {ACCENT}; font-size: 13pt; margin-top: 5mm; }}
h3 {{ font-size: 11.5pt; margin: 4mm 0 1.5mm; bookmark-level: none; }}
.subtitle {{ font-size: 13pt; margin: 0 0 5mm; }}
.edition {{ display: inline-block; font-weight: bold; font-size: 13pt; color: white; background: {edition_bg};
            padding: 1mm 4mm; margin: 0 0 4mm; }}
p {{ margin: 0 0 1.5mm; }}
.summary {{ font-size: 11pt; }}
.note {{ color: {MUTED}; font-size: 9.5pt; }}
section.chart {{ break-before: page; }}
section.kpis {{ break-before: page; }}
nav ol {{ columns: 2; column-gap: 10mm; padding-left: 0; list-style: none; margin: 0; }}
nav li {{ break-inside: avoid; margin: 0 0 1mm; }}
nav a {{ color: {INK}; text-decoration: none; }}
nav a::after {{ content: leader(".") target-counter(attr(href), page); color: {MUTED}; }}
figure {{ margin: 2mm 0; break-inside: avoid; }}
figure.next {{ break-before: page; }}
figure img {{ display: block; }}
figcaption {{ color: {MUTED}; font-size: 9.5pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 9pt; margin: 1mm 0 3mm; }}
caption {{ text-align: left; font-weight: bold; padding-bottom: 1mm; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
th, td {{ border-bottom: 0.3pt solid #b5c0cb; padding: 0.8mm 2mm; text-align: left; vertical-align: top; }}
thead th {{ background: {ACCENT}; color: white; }}
tbody th {{ font-weight: normal; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
table.kpi {{ font-size: 11pt; }}
table.kpi tbody th {{ font-weight: bold; }}
"""


def _chart_section(meta: ReportMeta, chart: ReportChart) -> str:
    label = meta.figure_label.format(n=chart.number)
    out = [f'<section class="chart" id="fig-{chart.number}">',
           f"<h2>{_e(label)}　{_e(chart.title)}</h2>",
           f'<p class="summary">{_e(chart.summary)}</p>']
    if chart.svg:
        width, _ = svg_size(chart.svg)
        bounds = slice_bounds(chart.svg)
        one = len(bounds) == 1
        for i, (top, bottom) in enumerate(bounds):
            h = bottom - top
            scale = PX_MM * (min(1.0, FIRST_SLICE_PX / h) if one else 1.0)
            part = chart.svg if one else svg_slice(chart.svg, top, bottom)
            part_label = meta.continued_label.format(n=chart.number, i=i + 1, count=len(bounds))
            alt = chart.summary if i == 0 else part_label
            cls = ' class="next"' if i else ""
            cap = "" if one else f"<figcaption>{_e(part_label)}</figcaption>"
            out.append(f'<figure{cls}><img src="{_data_uri(part)}" alt="{_e(alt)}" '
                       f'style="width:{width * scale:.1f}mm;height:{h * scale:.1f}mm">{cap}</figure>')
    out += [f'<p class="note">{_e(n)}</p>' for n in chart.notes]
    if chart.table is not None and len(chart.table.columns):
        out.append(f"<h3>{_e(meta.table_label.format(n=chart.number))}</h3>")
        out.append(_table(chart.table))
    out.append("</section>")
    return "\n".join(out)


def report_html(meta: ReportMeta, kpis: Sequence[tuple[str, str, str]], kpi_notes: Sequence[str],
                charts: Sequence[ReportChart]) -> str:
    """The whole report as one HTML document (what WeasyPrint prints)."""
    lang = "zh-CN" if meta.lang == "zh" else "en"
    toc = [f'<li><a href="#kpis">{_e(meta.kpi_title)}</a></li>']
    toc += [f'<li><a href="#fig-{c.number}">{_e(meta.figure_label.format(n=c.number))}　{_e(c.title)}</a></li>'
            for c in charts]
    kpi_frame = pd.DataFrame(list(kpis), columns=list(meta.kpi_headers))
    body = [
        '<header class="cover">',
        f"<h1>{_e(meta.title)}</h1>",
        f'<p class="subtitle">{_e(meta.subtitle)}</p>',
        f'<p class="edition">{_e(meta.edition)}</p>',
        *[f"<p>{_e(line)}</p>" for line in meta.cover_lines],
        "</header>",
        f'<nav aria-label="{_e(meta.contents_title)}"><h2 class="contents">{_e(meta.contents_title)}</h2>',
        f"<ol>{''.join(toc)}</ol></nav>",
        '<section class="kpis" id="kpis">',
        f"<h2>{_e(meta.kpi_title)}</h2>",
        _table(kpi_frame).replace("<table>", '<table class="kpi">', 1),
        *[f'<p class="note">{_e(n)}</p>' for n in kpi_notes],
        "</section>",
        *[_chart_section(meta, c) for c in charts],
    ]
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(meta.title)}</title>'
            f"<style>{_css(meta)}</style></head><body>" + "\n".join(body) + "</body></html>")


# ---------------------------------------------------------------- tags WeasyPrint leaves out
def _finish_tags(pdf: bytes, link_texts: dict[str, str]) -> bytes:
    """Header cells get /Scope (Column in the head, Row in the body); each link annotation gets its
    text as /Contents (WeasyPrint writes the anchor's id there)."""
    doc = pikepdf.open(io.BytesIO(pdf))

    def walk(node, in_head: bool) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, in_head)
            return
        if not isinstance(node, pikepdf.Dictionary):
            return
        kind = node.get("/S")
        if kind == "/THead":
            in_head = True
        elif kind in ("/TBody", "/TFoot"):
            in_head = False
        if kind == "/TH":
            node.A = pikepdf.Dictionary(O=pikepdf.Name.Table,
                                        Scope=pikepdf.Name.Column if in_head else pikepdf.Name.Row)
        if "/K" in node and kind != "/TH":
            walk(node.K, in_head)

    walk(doc.Root.StructTreeRoot.K, False)
    for page in doc.pages:
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") == "/Link":
                target = str(annot.get("/Contents", ""))
                if target in link_texts:
                    annot.Contents = pikepdf.String(link_texts[target])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def build_report_pdf(
    meta: ReportMeta,
    kpis: Sequence[tuple[str, str, str]],
    kpi_notes: Sequence[str],
    charts: Sequence[ReportChart],
    progress: Callable[[str], None] | None = None,
) -> bytes:
    """The whole report as tagged PDF/UA-1 bytes: cover and contents, KPIs, one section per chart."""
    doc = report_html(meta, kpis, kpi_notes, charts)
    pdf = HTML(string=doc).write_pdf(pdf_variant="pdf/ua-1")
    if progress:
        progress("PDF")
    links = {"kpis": meta.kpi_title}
    links.update({f"fig-{c.number}": f"{meta.figure_label.format(n=c.number)} {c.title}" for c in charts})
    return _finish_tags(pdf, links)
