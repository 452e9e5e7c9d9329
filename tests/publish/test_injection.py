"""Formula injection (issue 9, "Injection"): loaded text that a spreadsheet would run as a formula.

A village called `=HYPERLINK("http://x","y")` must not become a live link, a masked name `=**` must not
become a broken formula, `+1` / `-2+3` / `@SUM(1)` must not be computed. Every workbook the product writes
(the gap list's Excel of the 普查缺口 page, the pack's tables_YYYY.xlsx) is opened with openpyxl: no cell
is a formula or a link, and each name is still there to read. The CSV download puts an apostrophe in
front of such text (what Excel and LibreOffice read as "this is text"), numbers stay numbers.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import queries
from publish import charts, pack, tables
from publish.charts import Selection
from tests.contract_fixtures import district, write_district

HYPERLINK = '=HYPERLINK("http://x","y")'
HOSTILE = [HYPERLINK, "+1", "@SUM(1)", "=**", "-2+3", "\t=1+1", "\r=1+1"]


def cells(data: bytes | Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_no_formula(all_cells: list, expected: list[str]) -> None:
    formulas = [(c.parent.title, c.coordinate, c.value) for c in all_cells if c.data_type == "f"]
    assert formulas == []
    assert [c.coordinate for c in all_cells if c.hyperlink is not None] == []
    texts = {str(c.value) for c in all_cells}
    for name in expected:   # readable: the text is there as it was loaded
        assert any(name in t for t in texts), name


# ---------------------------------------------------------------- the gap list (dashboard download)
def test_gap_list_workbook_holds_no_formula():
    labels = charts.labels("zh")
    people = pd.DataFrame({
        "person_id": ["P1", "P2", "P3"], "id_number_masked": ["3301************34"] * 3,
        "name_masked": ["=**", "+*", "@*"], "town": ["+1", "-2+3", "东城街道"],
        "village": [HYPERLINK, "@SUM(1)", "\t=1+1"], "category": ["肢体"] * 3, "grade": [2, 2, 2],
        "gap": ["paid_after_death"] * 3, "program_id": ["X1", "X1", "X1"], "payment_id": ["F1", "F2", "F3"],
        "detail": ["d"] * 3, "detail_zh": ["=1+1 发放", "d", "d"], "since": [dt.date(2020, 4, 1)] * 3,
        "months": [None] * 3, "amount_yuan": [-5.0, 10.0, 20.0],
    })
    programs = pd.DataFrame({"program_id": ["X1"], "name": ["=SUM(A1:A9)"], "name_en": ["=SUM(A1:A9)"]})
    table = tables.gap_people_table(people, programs, labels)
    data = tables.to_xlsx({"死亡后仍发放": table}, {"范围": "2020 年 · +1 · " + HYPERLINK, "=k": "=v"}, labels=labels)
    found = cells(data)
    assert_no_formula(found, ["=**", "+*", "+1", "-2+3", HYPERLINK, "@SUM(1)", "=SUM(A1:A9)", "=1+1 发放", "=v"])
    # numbers stay numbers (a negative amount is not text)
    assert -5.0 in [c.value for c in found]


# ---------------------------------------------------------------- the CSV download
def test_csv_neutralises_formula_text_and_keeps_numbers():
    frame = pd.DataFrame({"name": HOSTILE + ["东城街道", "a=b"], "n": list(range(-3, len(HOSTILE) - 1))})
    text = tables.to_csv_bom(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [r[0] for r in rows[1:]]
    assert names == ["'" + h for h in HOSTILE] + ["东城街道", "a=b"]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(-3, len(HOSTILE) - 1)]   # -3 stays a number


def test_formula_safe_is_the_one_rule():
    assert tables.formula_safe("=1") == "'=1" and tables.formula_safe("-x") == "'-x"
    assert tables.formula_safe("x=1") == "x=1" and tables.formula_safe(-1) == -1 and tables.formula_safe(None) is None


# ---------------------------------------------------------------- the pack's workbook
@pytest.fixture(scope="module")
def hostile_names_db(tmp_path_factory) -> Path:
    """The hand-written district with every town, village and program name a formula."""
    from subsidy.build import build_database

    d = district()
    towns = {"东城街道": HYPERLINK, "西湖镇": "+1"}
    villages = {"一村": "=**", "二村": "@SUM(1)", "三村": "-2+3", "四村": "=1+1"}
    for p in d["persons"]:
        p["town"], p["village"] = towns[p["town"]], villages[p["village"]]
    for prog, name in zip(d["programs"], ["=SUM(1,2)", "+困难", "@护理", "-辅具"]):
        prog["name"] = prog["name_en"] = name
    root = tmp_path_factory.mktemp("formula_names")
    build_database(write_district(root / "src", d), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


def test_pack_workbook_holds_no_formula(hostile_names_db, tmp_path):
    con = queries.connect(hostile_names_db)
    try:
        got = pack.collect(con, Selection(year=2020, town="+1"), lang="zh")
        results = [pack.ChartResult(n, r.spec.id, r.title, r.chart.summary, sheets=[], sql_files=r.sql_files)
                   for n, r in enumerate(got.rendered, start=1)]
        path = tmp_path / "tables_2020.xlsx"
        pack._write_workbook(path, got, results, generated="2024-01-01 00:00")
    finally:
        con.close()
    assert_no_formula(cells(path), ["+1", "=SUM(1,2)", "+困难", "@护理", "-辅具"])
