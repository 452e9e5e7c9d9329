"""The report PDF as a tagged document (publish/report_pdf.py, WeasyPrint), on a hand-made report of
two charts: PDF/UA machine check (pdfua) without findings, Tagged, /Lang, the outline is the KPI
section and the charts, the contents' links are link annotations with their text, every figure has
its summary as alternative text, tables are tagged with header scopes, Chinese text extracts, the
edition is on every page, a tall chart is cut between category rows onto several pages.

The SVGs are written here by hand (a bar per row, y tick labels at known heights), so the cuts can
be worked out on paper: rows every 30 px from y = 100, cut half-way between two rows.
"""
from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pikepdf
import pytest
from pypdf import PdfReader

from publish import report_pdf
from publish.report_pdf import ReportChart, ReportMeta


def _svg(height: int, rows: int, label: str = "村") -> bytes:
    """A kaleido-shaped SVG: `rows` bars, y tick labels at 100, 130, 160 … px."""
    ticks = "".join(
        f'<g class="ytick"><text text-anchor="end" x="90" y="4.9" transform="translate(0,{100 + 30 * i})" '
        f'style="font-family: \'WenQuanYi Micro Hei\'; font-size: 14px;">{label}{i + 1}</text></g>'
        f'<rect x="100" y="{90 + 30 * i}" width="{50 + 10 * i}" height="20" style="fill: rgb(0, 114, 178);"/>'
        for i in range(rows))
    return (f'<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="1000" height="{height}" '
            f'style="" viewBox="0 0 1000 {height}"><rect x="0" y="0" width="1000" height="{height}" '
            f'style="fill: rgb(255, 255, 255);"/>{ticks}</svg>').encode()


META = ReportMeta(
    lang="zh", title="2020 年度惠残补助绩效报告", subtitle="区残疾人联合会", edition="内部版 · 不得对外公布",
    footer="区残联 2020 年度报告（内部版）", cover_lines=["范围：全区"], contents_title="图表目录",
    kpi_title="2020 年主要指标", kpi_headers=("指标", "数值", "口径"), page_label="第 {n} 页 / 共 {total} 页",
    figure_label="图 {n}", table_label="图 {n} 数据表", continued_label="图 {n}，第 {i}/{count} 部分",
)
KPIS = [("持证残疾人", "14,536", "年末持证人数"), ("覆盖率", "52.3%", "获发放 ÷ 持证")]
SHORT = ReportChart(1, "overview.monthly_spend", "月度发放金额", "一月发放最多，共 120 万元。", _svg(400, 3, "月"),
                    ["注：按发放月份统计。"], pd.DataFrame({"月份": ["1月", "2月"], "金额（万元）": [120.0, 80.5]}))
# 60 rows: labels at 100 … 1870 px, 1920 px tall; cut by slice_bounds into three slices (see below)
TALL = ReportChart(2, "gaps.by_village", "应调未调：按村（社区）", "青山村最多，12 人。", _svg(1920, 60),
                   [], pd.DataFrame({"村（社区）": [f"村{i}" for i in range(60)], "人数": list(range(60))}))


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> bytes:
    data = report_pdf.build_report_pdf(META, KPIS, ["注：公开版。"], [SHORT, TALL])
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(data)
    return data


@pytest.fixture(scope="module")
def pdf_path(pdf, tmp_path_factory):
    path = tmp_path_factory.mktemp("report_file") / "report.pdf"
    path.write_bytes(pdf)
    return path


def pdfua_check(path) -> subprocess.CompletedProcess:
    """The PDF/UA machine check, as a reader of the suite would run it."""
    return subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True,
                          timeout=300)


def outline_titles(reader: PdfReader) -> list[str]:
    out = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out.append(it.title)

    walk(reader.outline)
    return out


_OPEN: list[pikepdf.Pdf] = []  # the structure elements returned live as long as their document


def struct_elements(pdf: bytes, kind: str) -> list[pikepdf.Dictionary]:
    doc = pikepdf.open(io.BytesIO(pdf))
    _OPEN.append(doc)
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == kind:
                found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(doc.Root.StructTreeRoot.K)
    return found


# ---------------------------------------------------------------- slicing, worked by hand
def test_a_chart_that_fits_is_one_slice():
    # 400 px ≤ FIRST_SLICE_PX / SHRINK (500 / 0.8 = 625): shrunk onto the page, not cut
    assert report_pdf.slice_bounds(_svg(400, 3)) == [(0.0, 400.0)]
    assert report_pdf.slice_bounds(_svg(620, 3)) == [(0.0, 620.0)]


def test_a_tall_chart_is_cut_half_way_between_rows():
    # rows at 100 + 30 i; cuts at 115 + 30 i. First slice ≤ 500: largest cut ≤ 500 is 475 (i = 12).
    # Next ≤ 475 + 640 = 1115: largest cut 1105 (i = 33). Next ≤ 1745: 1735 (i = 54). Rest 1735 … 1920.
    assert report_pdf.slice_bounds(_svg(1920, 60)) == [(0.0, 475.0), (475.0, 1105.0), (1105.0, 1735.0),
                                                       (1735.0, 1920.0)]


def test_a_tall_chart_without_rows_is_cut_at_the_page_height():
    svg = _svg(1400, 0)
    assert report_pdf.slice_bounds(svg) == [(0.0, 500.0), (500.0, 1140.0), (1140.0, 1400.0)]


def test_a_slice_is_the_same_drawing_with_its_viewbox_moved():
    part = report_pdf.svg_slice(_svg(1920, 60), 475.0, 1105.0)
    assert part.startswith(b'<svg class="main-svg"')
    assert b'height="630"' in part and b'viewBox="0 475 1000 630"' in part
    # only its own row labels: rows 13 … 33 (labels at 490 … 1090 px)
    assert part.count(b"viewBox") == 1 and part.count(b'class="ytick"') == 21
    text = part.decode()
    assert ">村14<" in text and ">村34<" in text and ">村13<" not in text and ">村35<" not in text
    assert report_pdf.svg_size(part) == (1000.0, 630.0)


def test_cells_print_numbers_with_separators_and_a_dash_for_none():
    assert [report_pdf.cell_text(v) for v in (14536, 1987.81, 116.5, 100.0, None, float("nan"), "<5",
                                              pd.Timestamp("2020-03-01"))] == \
        ["14,536", "1,987.81", "116.5", "100", "—", "—", "<5", "2020-03-01"]
    # a row header names its row: a year or a tier is not a count (the trends table printed "2,019")
    assert [report_pdf.cell_text(v, label=True) for v in (2019, 2019.0, 3, 1987.81, "城东")] == \
        ["2019", "2019", "3", "1,987.81", "城东"]
    table = report_pdf._table(pd.DataFrame({"年度": [2019, 2020], "人次": [25577, 27544]}))
    assert "<th scope=\"row\" class=\"num\">2019</th>" in table and "<td class=\"num\">25,577</td>" in table


# ---------------------------------------------------------------- the PDF
def test_pdfua_machine_check_finds_nothing(pdf_path):
    proc = pdfua_check(pdf_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS (no findings)" in proc.stdout


def _marked_content(node) -> int:
    """Marked-content references (MCIDs) under a structure element, its descendants' included."""
    kids = node.get("/K")
    items = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    return sum(1 if isinstance(k, int) else "/MCID" in k if "/S" not in k else _marked_content(k)
               for k in items if isinstance(k, (int, pikepdf.Dictionary)))


def test_every_heading_holds_marked_content(pdf):
    """PDF/UA-1 UA-14-001 (heading elements are not empty), which pdfua 0.x reports as skipped: its
    check raises on a /K array of marked-content IDs. Every heading here holds text on a page."""
    heads = [h for kind in ("/H1", "/H2", "/H3") for h in struct_elements(pdf, kind)]
    assert len(heads) >= 4   # the report's title, the KPI section and the two charts
    assert all(_marked_content(h) > 0 for h in heads), [str(h.S) for h in heads if not _marked_content(h)]


def test_tagged_with_language_and_title(pdf, pdf_path):
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Title:           2020 年度惠残补助绩效报告" in info
    doc = pikepdf.open(io.BytesIO(pdf))
    assert str(doc.Root.Lang) == "zh-CN"
    assert bool(doc.Root.MarkInfo.Marked)
    assert bool(doc.Root.ViewerPreferences.DisplayDocTitle)


def test_english_report_declares_english(tmp_path):
    meta = ReportMeta(**{**META.__dict__, "lang": "en", "title": "Report 2020"})
    data = report_pdf.build_report_pdf(meta, KPIS, [], [SHORT])
    assert str(pikepdf.open(io.BytesIO(data)).Root.Lang) == "en"


def test_outline_is_the_kpi_section_then_one_entry_per_chart(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert outline_titles(reader) == ["2020 年主要指标", "图 1　月度发放金额", "图 2　应调未调：按村（社区）"]


def test_contents_links_go_to_each_section_and_say_where(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    links = [a for a in links if a["/Subtype"] == "/Link"]
    texts = {str(a["/Contents"]) for a in links}
    assert texts == {"2020 年主要指标", "图 1 月度发放金额", "图 2 应调未调：按村（社区）"}
    # each link's destination is the page its section starts on (the outline's page)
    dests = {int(reader.get_destination_page_number(o)) for o in reader.outline}
    assert dests == {1, 2, 3}


def test_every_figure_has_its_summary_or_its_part_as_alternative_text(pdf):
    alts = [str(f.Alt) for f in struct_elements(pdf, "/Figure")]
    # the short chart: one image; the tall chart: four slices (see the slicing test)
    assert alts == ["一月发放最多，共 120 万元。", "青山村最多，12 人。", "图 2，第 2/4 部分", "图 2，第 3/4 部分",
                    "图 2，第 4/4 部分"]


def test_tables_are_tagged_with_header_scopes(pdf):
    tables = struct_elements(pdf, "/Table")
    # KPIs, chart 1, chart 2's 60 rows over three pages: WeasyPrint tags each page's part as a table
    # with the header row repeated, so every page's rows keep their column headers
    parts = [[str(x.S) for x in t.K] for t in tables]
    assert parts == [["/THead", "/TBody"]] * 5
    body_rows = [len(t.K[1].K) if isinstance(t.K[1].K, pikepdf.Array) else 1 for t in tables]
    assert body_rows[:2] == [2, 2] and sum(body_rows[2:]) == 60
    scopes = [str(h.A.Scope) for h in struct_elements(pdf, "/TH")]
    # KPI: 3 column headers + 2 row headers; chart 1: 2 + 2; chart 2: 2 per part + 60
    assert scopes.count("/Column") == 3 + 2 + 2 * 3
    assert scopes.count("/Row") == 2 + 2 + 60


def test_text_extracts_in_chinese_and_edition_is_on_every_page(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    assert "2020 年度惠残补助绩效报告" in pages[0] and "持证残疾人" in pages[1]
    assert "一月发放最多，共 120 万元。" in pages[2] and "月3" in pages[2]  # the SVG's own text too
    assert all("内部版 · 不得对外公布" in p for p in pages)
    assert all(f"第 {i} 页 / 共 {len(pages)} 页" in p for i, p in enumerate(pages, start=1))
    assert "⼈" not in "".join(pages)  # wqy-microhei: real characters, not Kangxi radicals


def test_tall_chart_rows_are_on_consecutive_pages(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    # slice 1 holds rows 1–13 (labels up to 460 px), slice 2 rows 14–34, slice 3 rows 35–55, slice 4 56–60
    # row labels are "村1" … "村60" (the table's are "村0" … "村59", after the chart: the first hit)
    where = {row: next(i for i, p in enumerate(pages) if f"村{row}\n" in p + "\n") for row in (1, 13, 14, 34, 35,
                                                                                             55, 56, 60)}
    first = where[1]
    assert where[13] == first
    assert where[14] == where[34] == first + 1
    assert where[35] == where[55] == first + 2
    assert where[56] == where[60] == first + 3


def test_loaded_names_are_text_not_markup():
    town = '<a href="http://example.invalid">t</a>&amp;'
    chart = ReportChart(1, "overview.towns", f"{town} 排名", f"最多的是{town}。", b"", [f"注：{town}"],
                        pd.DataFrame({"镇街": [town], "人数": [3]}))
    meta = ReportMeta(**{**META.__dict__, "cover_lines": [f"范围：{town}"]})
    doc = report_pdf.report_html(meta, [(town, "<5", "=1+1")], [], [chart])
    assert "<a href=\"http://example.invalid\">" not in doc
    assert doc.count("&lt;a href=&quot;http://example.invalid&quot;&gt;t&lt;/a&gt;&amp;amp;") >= 6
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report_pdf.build_report_pdf(
        meta, [(town, "<5", "=1+1")], [], [chart]))).pages)
    assert '<a href="http://example.invalid">t</a>&amp;' in text.replace("\n", "")
