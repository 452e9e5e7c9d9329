"""Annual-report export on the demo district (python -m subsidy export), run once per session.

Checks what a report writer relies on: every promised file exists; PNGs are print resolution; the
Chinese chart titles are in the SVGs and in the combined PDF's extractable text; the Excel sheets
hold the API's numbers; the public edition shows no count below k; a missing Chromium or font gives
the install command and a non-zero exit without a traceback.
"""
from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import queries
import vocab
from publish import charts, kpis
from publish import pack as export
from publish.charts import Selection
from publish.render import missing_packages
from publish.suppress import COUNT_COLUMNS

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
YEAR = 2020

needs_chromium = pytest.mark.skipif(
    bool(missing_packages()),
    reason="export needs: apt-get install --no-install-recommends chromium fonts-wqy-microhei",
)


def _run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "subsidy", "export", *args], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=600,
    )


@pytest.fixture(scope="session")
def pack(demo_db, tmp_path_factory) -> Path:
    """The internal (Chinese) pack for 2020, made by the command line as a user would."""
    out = tmp_path_factory.mktemp("pack")
    proc = _run_cli("--year", str(YEAR), "--out", str(out), "--db", str(demo_db), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def manifest(pack) -> dict:
    return json.loads((pack / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def public_pack(demo_db, tmp_path_factory) -> Path:
    """The public edition (k = 5) in English, built through the function the dashboard calls."""
    out = tmp_path_factory.mktemp("public_pack")
    con = queries.connect(demo_db)
    seen = []
    try:
        export.build_pack(con, YEAR, out, lang="en", public=True, k=5,
                          progress=lambda d, t, label: seen.append((d, t)))
    finally:
        con.close()
    # the progress callback counts up to its total
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == list(range(1, len(seen) + 1))
    return out


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def chart_pages(reader, manifest: dict) -> dict[str, str]:
    """The text of each chart's section (from its outline entry's page to the next one's), lines joined."""
    starts = [reader.get_destination_page_number(o) for o in reader.outline][1:] + [len(reader.pages)]
    return {c["id"]: "".join(reader.pages[i].extract_text() for i in range(a, b)).replace("\n", "")
            for c, a, b in zip(manifest["charts"], starts, starts[1:])}


# ---------------------------------------------------------------- files
@needs_chromium
def test_every_chart_in_every_format(pack, manifest):
    ids = [s.id for s in charts.specs_for(Selection(year=YEAR))]
    assert [c["id"] for c in manifest["charts"]] == ids  # registry order, the charts that apply to the district
    assert "gaps.by_town" in ids and "gaps.by_village" not in ids  # villages only once a town is chosen
    for i, chart_id in enumerate(ids, start=1):
        for fmt in ("png", "svg", "pdf"):
            path = pack / fmt / f"{i:02d}_{chart_id}.{fmt}"
            assert path.is_file() and path.stat().st_size > 1000, path
    assert (pack / f"tables_{YEAR}.xlsx").is_file()
    assert (pack / f"report_{YEAR}_zh.pdf").is_file()


def test_only_the_formats_asked_for_are_made(demo_db, tmp_path, manifest):
    out = tmp_path / "svg_only"
    proc = _run_cli("--year", str(YEAR), "--out", str(out), "--db", str(demo_db), "--quiet", "--formats", "svg")
    assert proc.returncode == 0, proc.stderr[-3000:]
    made = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in made["charts"]] == [c["id"] for c in manifest["charts"]]
    assert all(set(c["files"]) == {"svg"} for c in made["charts"])
    assert not (out / "png").exists() and not (out / "pdf").exists()
    assert sorted(p.name for p in (out / "svg").iterdir()) == sorted(Path(c["files"]["svg"]).name
                                                                      for c in manifest["charts"])
    # the report embeds the SVGs: one render per chart instead of three (png, svg, pdf)
    assert made["renders"] == manifest["renders"] - 2 * len(manifest["charts"])
    assert (out / f"report_{YEAR}_zh.pdf").stat().st_size > 10_000
    bad = _run_cli("--year", str(YEAR), "--out", str(tmp_path / "bad"), "--db", str(demo_db), "--formats", "gif")
    assert bad.returncode == 1 and "--formats" in bad.stderr and "Traceback" not in bad.stderr


@needs_chromium
def test_png_is_print_resolution(pack, manifest):
    for c in manifest["charts"]:
        w, h = _png_size(pack / c["files"]["png"])
        assert w == export.CHART_WIDTH * export.PNG_SCALE >= 2000
        assert h >= 200 * export.PNG_SCALE and h % export.PNG_SCALE == 0   # the shortest chart is 260 px


@needs_chromium
def test_svg_holds_the_chinese_title(pack, manifest, con):
    for c in manifest["charts"]:
        svg = (pack / c["files"]["svg"]).read_text(encoding="utf-8")
        built = charts.build(con, c["id"], lang="zh", year=YEAR)
        if built.fig is not None:
            title = built.fig.layout.title.text
            assert title and title in svg, (c["id"], title)
        assert "WenQuanYi Micro Hei" in svg
        # a chart's file shared on its own still says which edition it is
        assert "内部版 · 含小计数，不得对外公布" in svg, c["id"]


@needs_chromium
def test_combined_pdf_text_has_every_title_in_order(pack, manifest):
    from pypdf import PdfReader

    reader = PdfReader(pack / f"report_{YEAR}_zh.pdf")
    text = [p.extract_text() for p in reader.pages]
    assert f"{YEAR} 年度惠残补助绩效报告" in text[0]
    # the outline: the KPI section, then one entry per chart, in chart order, each on its own page
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    kpi_page = outline[0][1]   # after the contents, which take two pages once there are 26 charts
    assert "持证残疾人" in text[kpi_page] and "覆盖率" in text[kpi_page]
    assert [t for t, _ in outline] == [f"{YEAR} 年主要指标"] + [f"图 {c['number']}　{c['title']}"
                                                            for c in manifest["charts"]]
    pages = [p for _, p in outline]
    assert pages == sorted(pages) and len(set(pages)) == len(pages)
    for (_, page), c in zip(outline[1:], manifest["charts"]):
        spec = charts.CHARTS[c["id"]]
        assert c["title"] == spec.title(charts.labels("zh"), Selection(year=YEAR))
        flat = text[page].replace("\n", "")
        assert c["title"] in flat, c["id"]
        assert c["summary"][:12] in flat, c["id"]  # the one-line summary is on the chart's first page
    # the edition on every page; wqy-microhei extracts as real characters, not Kangxi radicals (⼈ U+2F08)
    assert all("内部版" in t for t in text)
    assert "⼈" not in "".join(text)


@needs_chromium
@pytest.mark.parametrize("which", ["pack", "public_pack"])
def test_report_passes_the_pdfua_machine_check(which, request):
    """Both editions' reports: Tagged, /Lang of the report's language, no finding of pdfua's checks."""
    import pikepdf

    folder = request.getfixturevalue(which)
    path = next(folder.glob("report_*.pdf"))
    proc = subprocess.run([sys.executable, "-m", "pdfua", "check", str(path)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
    lang = "en" if which == "public_pack" else "zh-CN"
    with pikepdf.open(path) as doc:
        assert str(doc.Root.Lang) == lang and bool(doc.Root.MarkInfo.Marked)


# ---------------------------------------------------------------- Excel
def _api_frame(con, table: dict) -> pd.DataFrame:
    """The API call a sheet records (function name and every argument), made again."""
    return getattr(queries, table["fn"])(con, **table["kwargs"])


@needs_chromium
def test_excel_sheets_hold_the_api_numbers(pack, manifest, con):
    path = pack / f"tables_{YEAR}.xlsx"
    book = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert {"说明", "目录"} <= set(book)
    about = dict(zip(book["说明"].iloc[:, 0], book["说明"].iloc[:, 1].astype(str)))
    assert about["年度"] == str(YEAR) and about["语言"] == "中文" and about["公开版（小数抑制）"] == "否"
    assert about["数据日期"].startswith(manifest["data_date"])
    # the reader's language, dates as dates, a filter and a frozen header on every sheet
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert not re.search(r"[A-Za-z]", ws.title), ws.title  # "01 月度发放金额", not "01 monthly_spend"
        assert ws.freeze_panes == "A2", ws.title
        if ws.title != "说明":
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    info = {row[0].value: row[1] for row in wb["说明"].iter_rows(min_row=2) if row[0].value}
    assert info["数据日期"].is_date and info["数据日期"].number_format == "yyyy-mm-dd"
    assert info["生成时间"].is_date and info["数据载入时间"].is_date
    # a year names a row: 2019, not 2,019 (the trends sheets formatted it as a count)
    years = [ws.cell(row=2, column=j + 1) for ws in wb.worksheets for j, c in enumerate(ws[1]) if c.value == "年度"
             and ws.cell(row=2, column=j + 1).value is not None]
    assert years and all(c.number_format != "#,##0" for c in years), [(c.parent.title, c.number_format) for c in years]
    assert len(book["目录"]) == len(manifest["charts"])
    # the index names each chart's SQL file, and the file exists
    for sql in book["目录"]["SQL 文件"]:
        for line in str(sql).splitlines():
            assert (ROOT / line).is_file(), line
    for table in manifest["tables"]:
        sheet = book[table["sheet"]]
        api = _api_frame(con, table)
        assert len(sheet) == len(api), table
        labels = [vocab.column_label(c, "zh") for c in api.columns]
        # a gap column shows the seed's label, with the key beside it
        expected = [h for c, label in zip(api.columns, labels)
                    for h in ([label, "缺口代码"] if c == "gap" else [label])]
        assert list(sheet.columns) == expected, table
        for col, label in zip(api.columns, labels):
            if pd.api.types.is_numeric_dtype(api[col]) and not pd.api.types.is_bool_dtype(api[col]):
                np.testing.assert_allclose(
                    pd.to_numeric(sheet[label], errors="coerce").to_numpy(dtype=float),
                    api[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan), rtol=1e-9, equal_nan=True,
                    err_msg=f"{table} {col}",
                )


@needs_chromium
def test_public_edition_shows_no_small_count(public_pack, con):
    manifest = json.loads((public_pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["public"] is True
    book = pd.read_excel(public_pack / f"tables_{YEAR}_public.xlsx", sheet_name=None, engine="openpyxl")
    about = dict(zip(book["About"].iloc[:, 0], book["About"].iloc[:, 1].astype(str)))
    assert about["Public edition (small-count suppression)"] == "yes" and about["Suppression threshold k"] == "5"
    labels = {vocab.column_label(c, "en") for c in COUNT_COLUMNS}
    for table in manifest["tables"]:
        sheet = book[table["sheet"]]
        assert table["fn"] not in ("application_durations", "gap_people")  # row-level data is never published
        for col in sheet.columns:
            if col in labels:
                values = pd.to_numeric(sheet[col], errors="coerce")
                assert not ((values > 0) & (values < 5)).any(), (table["sheet"], col)
    from pypdf import PdfReader

    reader = PdfReader(public_pack / f"report_{YEAR}_en_public.pdf")
    text = "".join(p.extract_text() for p in reader.pages)
    assert "public edition" in text and f"Disability-subsidy performance report {YEAR}" in text
    flat = text.replace("\n", " ")
    for c in manifest["charts"]:
        assert c["title"] == charts.CHARTS[c["id"]].title(charts.labels("en"), Selection(year=YEAR))
        assert c["title"] in flat or c["title"] in text.replace("\n", ""), c["id"]


# ---------------------------------------------------------------- missing prerequisites
def test_missing_chromium_gives_the_install_command(tmp_path):
    proc = _run_cli("--year", str(YEAR), "--out", str(tmp_path / "x"),
                    env={"BROWSER_PATH": str(tmp_path / "no-chromium"), "PATH": str(tmp_path)})
    assert proc.returncode != 0
    assert "apt-get install --no-install-recommends chromium" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.skipif(not __import__("shutil").which("fc-list"), reason="needs fontconfig's fc-list")
def test_missing_font_gives_the_install_command(tmp_path):
    # an empty fontconfig configuration: fontconfig (and so Chromium) sees no fonts at all
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    proc = _run_cli("--year", str(YEAR), "--out", str(tmp_path / "x"), env={"FONTCONFIG_FILE": str(conf)})
    assert proc.returncode != 0
    assert "fonts-wqy-microhei" in proc.stderr and "apt-get install --no-install-recommends" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- one vocabulary
@needs_chromium
def test_gap_labels_in_workbook_and_pdf_are_the_seeds(pack, manifest, con):
    """Every gap label the pack prints is the gap seed's (queries/seeds/gap_keys.csv), in the workbook's
    gap sheets and on the PDF's gap pages; no wording from anywhere else."""
    seed = pd.read_csv(ROOT / "queries" / "seeds" / "gap_keys.csv")
    label = dict(zip(seed["gap"], seed["label_zh"]))
    book = pd.read_excel(pack / f"tables_{YEAR}.xlsx", sheet_name=None, engine="openpyxl")
    gap_sheets = [t["sheet"] for t in manifest["tables"] if t["fn"] in ("census_gaps", "census_gaps_by_area")]
    assert gap_sheets
    for sheet in gap_sheets:
        frame = book[sheet]
        assert len(frame) and list(frame["缺口类型"]) == [label[k] for k in frame["缺口代码"]], sheet
    from pypdf import PdfReader

    reader = PdfReader(pack / f"report_{YEAR}_zh.pdf")
    pages = chart_pages(reader, manifest)
    shown = queries.census_gaps(con, year=YEAR)
    for key in shown.loc[shown["persons"] > 0, "gap"]:
        assert label[key] in pages["gaps.overview"], key
    chosen = charts.gap_of(Selection(year=YEAR))
    assert label[chosen] in pages["gaps.by_town"]


# ---------------------------------------------------------------- the public pack leaks nothing
PERSONAL_SHAPES = {   # digits not part of a longer number or a decimal
    "ID number": re.compile(r"(?<![\d.])(?:\d{17}[\dXx]|\d{15})(?![\d.])"),
    "phone": re.compile(r"(?<![\d.])1[3-9]\d{9}(?![\d.])"),
    "bank card": re.compile(r"(?<![\d.])\d{16,19}(?![\d.])"),
}
K = 5


def _shapes(text: str) -> list[tuple[str, str]]:
    return [(name, m.group()) for name, rx in PERSONAL_SHAPES.items() for m in rx.finditer(text)]


@needs_chromium
def test_public_pack_kpi_page_shows_ratios_as_percentages(public_pack, con):
    """The KPI rows of the public report print coverage and the zero-trip share as percentages (a ratio
    such as 0.78 is not a count below k), and every row is the overview's tile in the public edition."""
    from pypdf import PdfReader

    reader = PdfReader(public_pack / f"report_{YEAR}_en_public.pdf")
    page = reader.pages[reader.get_destination_page_number(reader.outline[0])].extract_text()   # the KPI page
    cur, prev = kpis.kpi_frames(charts.direct_runner(con), YEAR, Selection(year=YEAR).filters(), queries.years(con))
    tiles = kpis.kpi_tiles(cur, prev, charts.labels("en"), public=True, k=K, short=False)
    # one table row per tile: the indicator (a row header), then its value (the row's text after the label)
    # a long label wraps inside its cell ("Median working\ndays"): read the page as one line of words
    flat = " ".join(page.split())   # (the value's \u3000 separator is whitespace too: a space here)
    values = []
    for tile in tiles:
        at = flat.index(" ".join(tile.label.split()) + " ")
        values.append(flat[at + len(" ".join(tile.label.split())) + 1:])
    assert len(values) == len(tiles)
    for line, tile in zip(values, tiles):
        assert line.startswith(tile.value), (tile.column, line)
    shown = {t.column: line for t, line in zip(tiles, values)}
    assert re.match(r"\d{1,3}\.\d% ", shown["coverage"]), shown["coverage"]
    assert re.match(r"\d{1,3}\.\d% \(\d+\) ", shown["zero_trip_share"]), shown["zero_trip_share"]
    for t, line in zip(tiles, values):
        if t.column in COUNT_COLUMNS:
            n = float(line.split()[0].replace(",", "")) if not t.hidden else None
            assert t.hidden or not 0 < n < K, line


@needs_chromium
def test_public_pack_holds_no_small_count_and_no_personal_number(public_pack):
    """Every cell of the public workbook, the report's text and the SVGs' text: no count below k in a
    count column, no ID-number, mobile-phone or bank-card shape anywhere."""
    import openpyxl
    from pypdf import PdfReader

    heads = {vocab.column_label(c, "en") for c in COUNT_COLUMNS}
    book = openpyxl.load_workbook(public_pack / f"tables_{YEAR}_public.xlsx", read_only=True)
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]] if rows else []
        for row in rows:
            for head, v in zip(header, row):
                assert not _shapes("" if v is None else str(v)), (ws.title, head, v)
                if head in heads and isinstance(v, (int, float)) and row is not rows[0]:
                    assert not 0 < v < K, (ws.title, head, v)
    text = "\n".join(p.extract_text() for p in PdfReader(public_pack / f"report_{YEAR}_en_public.pdf").pages)
    assert not _shapes(text)
    svgs = sorted((public_pack / "svg").glob("*.svg"))
    assert svgs
    for path in svgs:
        svg = path.read_text(encoding="utf-8")
        words = " ".join(re.sub(r"<[^>]+>", " ", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))
        assert not _shapes(words), path.name
