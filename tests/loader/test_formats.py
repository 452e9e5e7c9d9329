"""Real federation exports: encodings, XLSX sheets, Chinese headers. Each variant of the tiny district
must load to exactly the same table contents as the clean UTF-8 CSV version."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest

from contract import TABLES
from loader.load import build_database
from loader.readers import ContractError, detect_encoding, normalise_header
from tests.contract_fixtures import CLEAN_COUNTS, district, write_csv, write_district


def contents(db: Path) -> dict[str, list[tuple]]:
    """Every contract table's rows (contract columns only), sorted."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for name, table in TABLES.items():
            cols = ", ".join(f'"{c.name}"' for c in table.columns)
            out[name] = con.execute(f"select {cols} from {name} order by all").fetchall()
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, list[tuple]]:
    tmp = tmp_path_factory.mktemp("baseline")
    build_database(write_district(tmp / "src"), tmp / "db.duckdb")
    got = contents(tmp / "db.duckdb")
    assert {k: len(v) for k, v in got.items()} == CLEAN_COUNTS
    return got


def encodings(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute("select table_name, file_format, encoding from load_files").fetchall()}


# ------------------------------------------------------------------------------------ encodings
@pytest.mark.parametrize("encoding, reported", [("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_encodings_load_the_same_contents(tmp_path, baseline, encoding, reported):
    src = write_district(tmp_path / "src", encoding=encoding)
    report = build_database(src, tmp_path / "db.duckdb")
    assert report.rows_rejected == 0
    assert contents(tmp_path / "db.duckdb") == baseline
    assert encodings(tmp_path / "db.duckdb")["persons"] == ("csv", reported)


def test_encoding_is_judged_from_bytes_not_name(tmp_path):
    p = tmp_path / "persons.utf8.csv"
    p.write_bytes("人员编号,姓名\nP1,张三\n".encode("gb18030"))
    assert detect_encoding(p) == "gb18030"
    q = tmp_path / "persons.gbk.csv"
    q.write_text("人员编号,姓名\nP1,张三\n", encoding="utf-8")
    assert detect_encoding(q) == "utf-8"


def test_gb18030_large_file_is_streamed(tmp_path, monkeypatch):
    """A GB18030 file bigger than one read chunk transcodes without splitting a character."""
    import loader.readers as readers

    monkeypatch.setattr(readers, "CHUNK", 7)   # odd size: chunk borders fall inside 2-byte characters
    src = write_district(tmp_path / "src", encoding="gb18030")
    build_database(src, tmp_path / "db.duckdb")
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        assert con.execute("select town from persons where person_id = 'P003'").fetchone()[0] == "西湖镇"


# -------------------------------------------------------------------------------------- headers
def zh_headers(table: str) -> dict[str, str]:
    return {c.name: c.zh for c in TABLES[table].columns}


def test_chinese_headers_load_the_same_contents(tmp_path, baseline):
    src = tmp_path / "src"
    src.mkdir()
    for name, rows in district().items():
        write_csv(src / f"{name}.csv", rows, header=zh_headers(name))
    # census shares 年度 with parameters; persons' 姓名 is a person name: both map by table
    build_database(src, tmp_path / "db.duckdb")
    assert contents(tmp_path / "db.duckdb") == baseline


def test_headers_tolerate_spaces_full_width_units_and_order(tmp_path, baseline):
    src = write_district(tmp_path / "src")
    rows = district()["payments"]
    header = {"payment_id": " 发放编号 ", "person_id": "ｐｅｒｓｏｎ＿ｉｄ", "amount": "金额（元）",
              "period": "所 属 期", "paid_date": "PAID_DATE"}
    cols = list(reversed(list(rows[0])))
    write_csv(src / "payments.csv", rows, header=header, columns=cols)
    build_database(src, tmp_path / "db.duckdb")
    assert contents(tmp_path / "db.duckdb") == baseline


def test_normalise_header():
    assert normalise_header(" 金额（元） ") == "金额"
    assert normalise_header("Ｐｅｒｓｏｎ＿ＩＤ") == "person_id"
    assert normalise_header("身份证 号") == "身份证号"


def test_title_row_above_csv_header(tmp_path, baseline):
    src = write_district(tmp_path / "src")
    text = (src / "payments.csv").read_bytes()
    (src / "payments.csv").write_bytes("某某区残联 发放明细 2020 年,,,,,,,,\r\n".encode() + text)
    d = district()
    d["payments"][1]["amount"] = "0"
    build_database(src, tmp_path / "db.duckdb")
    assert contents(tmp_path / "db.duckdb") == baseline
    # a broken row is numbered as the person sees it: title 1, header 2, first data row 3
    src2 = write_district(tmp_path / "src2", d)
    text = (src2 / "payments.csv").read_bytes()
    (src2 / "payments.csv").write_bytes("发放明细\r\n".encode() + text)     # a title with no commas
    build_database(src2, tmp_path / "db2.duckdb", force=True)
    with duckdb.connect(str(tmp_path / "db2.duckdb"), read_only=True) as con:
        assert con.execute("select row_number, rule from rejects").fetchall() == [(4, "amount_positive")]


def test_mixed_line_endings(tmp_path, baseline):
    """A title pasted above an export on another system: CRLF on the first line, LF below."""
    src = write_district(tmp_path / "src")
    text = (src / "payments.csv").read_bytes().replace(b"\r\n", b"\n")
    (src / "payments.csv").write_bytes("发放明细 2020,,,,,,,,\r\n".encode() + text)
    build_database(src, tmp_path / "db.duckdb")
    assert contents(tmp_path / "db.duckdb") == baseline


# ----------------------------------------------------------------------------------------- XLSX
DATE_KINDS = {"date"}


def excel_value(table: str, column: str, text: str, i: int):
    """The cell a person would have in Excel for this value: real dates, numbers, text IDs."""
    if text == "":
        return None
    col = TABLES[table].column(column)
    if col.kind == "date":
        d = dt.date.fromisoformat(text)
        # alternate: a formatted date cell, and a bare serial number in an unformatted cell
        return d if i % 2 == 0 else (d - dt.date(1899, 12, 30)).days
    if col.kind == "month":
        return dt.date.fromisoformat(text + "-01")          # Excel turns 2020-03 into 2020-03-01
    if col.kind in ("int", "flag") or (col.kind == "enum" and text.isdigit()):
        return int(text) if i % 3 else text                  # sometimes a number stored as text
    if col.kind == "money":
        return float(text) if i % 2 == 0 else text
    return text


def write_xlsx(path: Path, table: str, rows: list[dict[str, str]], *, title: bool = True,
               chinese: bool = True, overrides: dict[tuple[int, str], object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    columns = list(rows[0])
    if title:
        ws.append([f"某某区残联 {TABLES[table].zh}"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.append([zh_headers(table)[c] if chinese else c for c in columns])
    for i, row in enumerate(rows):
        cells = []
        for c in columns:
            v = (overrides or {}).get((i, c), excel_value(table, c, row[c], i))
            cells.append(v)
        ws.append(cells)
        r = ws.max_row
        for j, v in enumerate(cells, start=1):
            if isinstance(v, dt.date):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
    ws.append([])                                            # trailing empty row: not a row read
    wb.save(path)
    return path


def test_xlsx_district_loads_the_same_contents(tmp_path, baseline):
    src = tmp_path / "src"
    src.mkdir()
    for name, rows in district().items():
        write_xlsx(src / f"{name}.xlsx", name, rows)
    report = build_database(src, tmp_path / "db.duckdb")
    assert report.rows_rejected == 0, [(f.file, f.rows_rejected) for f in report.files]
    assert contents(tmp_path / "db.duckdb") == baseline
    assert encodings(tmp_path / "db.duckdb")["persons"] == ("xlsx", None)


def test_xlsx_row_numbers_and_id_stored_as_number(tmp_path):
    src = write_district(tmp_path / "src")
    (src / "persons.csv").unlink()
    rows = district()["persons"]
    # row index 1 (李四娘): Excel shows the 18-digit number in scientific notation and keeps 15 digits
    write_xlsx(src / "persons.xlsx", "persons", rows, overrides={(1, "id_number"): float(rows[1]["id_number"])})
    build_database(src, tmp_path / "db.duckdb", force=True)
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        got = con.execute("select row_number, column_name, rule, reason_zh, raw_row, reason_en, value "
                          "from rejects where file = 'persons.xlsx'").fetchall()
    # title row 1, header row 2, data index 1 -> Excel row 4
    assert [(r[0], r[1], r[2]) for r in got] == [(4, "id_number", "id_excel_number")]
    assert "身份证号被 Excel 存成数字，丢失位数" in got[0][3]
    assert got[0][5].startswith("id_number: stored as a number by Excel, digits lost")
    assert rows[1]["id_number"][:15] not in got[0][4]      # masked in raw_row
    # the value as read (18 digits, the last ones changed by the float), masked like any ID number
    assert got[0][6][:16] == rows[1]["id_number"][:4] + "*" * 12 and len(got[0][6]) == 18


def test_xlsx_two_level_merged_header(tmp_path, baseline):
    """census with a grouped header: 需求 merged over the six need columns, the others merged down."""
    src = write_district(tmp_path / "src")
    (src / "census.csv").unlink()
    rows = district()["census"]
    columns = list(rows[0])
    zh = zh_headers("census")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2020 年度 残疾人基本服务状况和需求信息数据动态更新"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    top = [zh[c] if not c.startswith("need_") else None for c in columns]
    first_need = columns.index("need_rehab")
    top[first_need] = "需求"
    ws.append(top)
    ws.append([zh[c] if c.startswith("need_") else None for c in columns])
    for j, c in enumerate(columns, start=1):
        if not c.startswith("need_"):
            ws.merge_cells(start_row=2, start_column=j, end_row=3, end_column=j)
    ws.merge_cells(start_row=2, start_column=first_need + 1, end_row=2, end_column=first_need + 6)
    for row in rows:
        ws.append([row[c] or None for c in columns])
    wb.save(src / "census.xlsx")
    report = build_database(src, tmp_path / "db.duckdb")
    assert report.file("census").rows_rejected == 0
    assert contents(tmp_path / "db.duckdb") == baseline


def test_xlsx_chinese_values_and_text_dates(tmp_path, baseline):
    src = write_district(tmp_path / "src")
    (src / "applications.csv").unlink()
    rows = district()["applications"]
    spelled = {"approved": "已批准", "pending": "审核中", "online": "线上", "window": "窗口", "proxy": "代办"}
    overrides = {}
    for i, r in enumerate(rows):
        overrides[(i, "decision")] = spelled[r["decision"]]
        overrides[(i, "channel")] = spelled[r["channel"]]
        overrides[(i, "submitted_date")] = r["submitted_date"].replace("-", "/")   # a text date
    write_xlsx(src / "applications.xlsx", "applications", rows, overrides=overrides)
    build_database(src, tmp_path / "db.duckdb")
    assert contents(tmp_path / "db.duckdb") == baseline


def test_both_csv_and_xlsx_is_an_error(tmp_path):
    src = write_district(tmp_path / "src")
    write_xlsx(src / "persons.xlsx", "persons", district()["persons"])
    with pytest.raises(ContractError, match="persons.csv.*persons.xlsx"):
        build_database(src, tmp_path / "db.duckdb")
    assert not (tmp_path / "db.duckdb").exists()


def test_xlsx_missing_required_column_names_it(tmp_path):
    src = write_district(tmp_path / "src")
    (src / "programs.csv").unlink()
    rows = [{k: v for k, v in r.items() if k != "cycle"} for r in district()["programs"]]
    write_xlsx(src / "programs.xlsx", "programs", rows)
    with pytest.raises(ContractError, match="programs.xlsx.*cycle.*发放周期"):
        build_database(src, tmp_path / "db.duckdb")


def test_generator_ground_truth_folder_is_ignored(tmp_path, baseline):
    src = write_district(tmp_path / "src")
    (src / "ground_truth").mkdir()
    write_csv(src / "ground_truth" / "persons.csv", [{"x": "1"}])
    build_database(src, tmp_path / "db.duckdb")
    assert contents(tmp_path / "db.duckdb") == baseline
