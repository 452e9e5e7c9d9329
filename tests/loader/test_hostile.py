"""Hostile inputs (issue 9, "Data loss and wrong values"): each case loads the right value or a named
reject (file, row, column, rule), or stops with one line naming the file, never a wrong value, a lost
row or a traceback. Also the loader's guards around a load: a load that would shrink a table
drastically, temp files left by `kill -9`, two loads onto one database, a full disk.

Every expectation is worked out by hand from tests/contract_fixtures.py: the i-th data row (from 0)
of a file is row i + 2 (header = row 1), and the clean district's counts are CLEAN_COUNTS.
"""
from __future__ import annotations

import datetime as dt
import resource
import signal
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from loader import load
from loader.load import LoadBusy, LoadRejected, build_database
from loader.readers import ContractError, detect_encoding
from tests.contract_fixtures import CLEAN_COUNTS, district, write_csv, write_district

ROOT = Path(__file__).resolve().parents[2]


def rejects(db: Path, file: str | None = None) -> list[tuple]:
    """(row_number, column_name, rule, reason_zh, reason_en) per recorded rule, sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "select row_number, column_name, rule, reason_zh, reason_en from rejects"
        return con.execute(sql + (" where file = ?" if file else "") + " order by all",
                           [file] if file else []).fetchall()


def one(db: Path, sql: str, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def counts(report, table: str) -> tuple[int, int, int]:
    f = report.file(table)
    return f.rows_read, f.rows_loaded, f.rows_rejected


def payment_rows(n: int, note: str = "补发") -> list[dict[str, str]]:
    """n valid payments of P001 / LS (distinct ids), each with a Chinese extra column."""
    template = district()["payments"][0]
    return [{**template, "payment_id": f"Z{i:07d}", "application_id": "", "备注": note} for i in range(n)]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".load-" in p.name)


# ----------------------------------------------------------------- values that used to load wrong
def test_a_bare_year_in_a_date_column_is_rejected_not_read_as_an_excel_serial(tmp_path):
    d = district()
    d["persons"][5]["cert_date"] = "2015"        # P006, row 7: was loaded as 1905-07-07 (serial 2015)
    d["payments"][7]["period"] = "2009"          # Y08, row 9: was loaded as 1905-07 (serial 2009 = 1905-07-01)
    d["payments"][8]["paid_date"] = "2021"       # Y09, row 10
    d["persons"][1]["cert_date"] = "43110"       # a real serial still means 2018-01-10
    src = write_district(tmp_path / "src", d)
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    got = {(r[0], r[1], r[2]) for r in rejects(db)}
    assert got == {(7, "cert_date", "date"), (9, "period", "month"), (10, "paid_date", "date")}
    assert counts(report, "persons") == (6, 5, 1) and counts(report, "payments") == (10, 8, 2)
    (reason,) = [r for r in rejects(db, "persons.csv")]
    assert "只有年份" in reason[3] and "a year alone is not a date" in reason[4]
    assert one(db, "select cert_date from persons where person_id = 'P002'") == [(dt.date(2018, 1, 10),)]
    assert one(db, "select count(*) from payments where year(period) < 1990 or year(paid_date) < 1990") == [(0,)]


def test_an_amount_with_a_decimal_comma_is_rejected_not_multiplied(tmp_path):
    d = district()
    d["payments"][7]["amount"] = "12,34"         # Y08, row 9: was loaded as 1,234.00
    d["payments"][5]["amount"] = "5,999.50"      # Y06: a thousands separator still reads as 5999.50
    d["payments"][6]["amount"] = "￥135"          # Y07: a currency sign still reads as 135
    report = build_database(write_district(tmp_path / "src", d), tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert [(r[0], r[1], r[2]) for r in rejects(db)] == [(9, "amount", "money")]
    assert counts(report, "payments") == (10, 9, 1)
    assert one(db, "select payment_id, amount::double from payments where payment_id in ('Y06', 'Y07') "
                   "order by 1") == [("Y06", 5999.5), ("Y07", 135.0)]


def big5_events(path: Path) -> Path:
    rows = [dict(r) for r in district()["status_events"]]
    for r, source in zip(rows, ("戶籍科", "臺灣民政廳", "衛生署")):
        r["source"] = source
    return write_csv(path, rows, encoding="cp950")


def test_a_big5_file_is_decoded_as_big5_not_as_gb18030_mojibake(tmp_path):
    src = write_district(tmp_path / "src")
    big5_events(src / "status_events.csv")
    assert detect_encoding(src / "status_events.csv") == "big5"
    report = build_database(src, tmp_path / "db.duckdb")
    assert counts(report, "status_events") == (3, 3, 0)
    db = tmp_path / "db.duckdb"
    assert one(db, "select source from status_events order by person_id") == [("戶籍科",), ("臺灣民政廳",), ("衛生署",)]
    assert one(db, "select encoding from load_files where table_name = 'status_events'") == [("big5",)]


def test_an_encoding_the_loader_cannot_tell_stops_with_one_line_naming_the_file(tmp_path):
    src = write_district(tmp_path / "src")
    rows = [dict(r) for r in district()["status_events"]] * 10
    for r in rows:
        r["source"] = "Préfecture café"                 # cp1252: every line has bytes that are not UTF-8
    write_csv(src / "status_events.csv", rows, encoding="cp1252")
    with pytest.raises(ContractError) as info:
        build_database(src, tmp_path / "db.duckdb")
    message = str(info.value)
    assert message.startswith("status_events.csv: ") and "\n" not in message
    assert "编码" in message and "encoding" in message
    assert not (tmp_path / "db.duckdb").exists()


def test_a_bad_byte_late_in_a_utf8_file_rejects_that_row_only(tmp_path):
    src = write_district(tmp_path / "src")
    rows = payment_rows(70_000)                         # about 6 MB: the bad byte is past the first 4 MB read
    path = write_csv(src / "payments.csv", rows)
    data = path.read_bytes()
    at = data.index(b"Z0065000")                        # data row 65,000 -> row 65,002
    path.write_bytes(data[:at + 8] + b"\xff" + data[at + 8:])
    report = build_database(src, tmp_path / "db.duckdb")
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (70_000, 69_999, 1)
    assert [(r[0], r[2]) for r in rejects(db)] == [(65_002, "bad_bytes")]
    assert one(db, "select encoding from load_files where table_name = 'payments'") == [("utf-8",)]
    assert one(db, 'select count(*), count(distinct "备注"), min("备注") from payments') == [(69_999, 1, "补发")]


def test_a_nul_at_the_start_of_a_line_is_a_reject_not_part_of_the_payment_id(tmp_path):
    src = write_district(tmp_path / "src")
    path = src / "payments.csv"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"\r\nY05,", b"\r\n\x00Y05,"))     # Y05 is data row 4 -> row 6
    report = build_database(src, tmp_path / "db.duckdb")
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 9, 1)
    assert [(r[0], r[1], r[2]) for r in rejects(db)] == [(6, "payment_id", "nul_char")]
    assert one(db, "select count(*) from payments where contains(payment_id, chr(0))") == [(0,)]


def test_xlsx_formula_cells_without_a_cached_value_are_rejected_not_blank(tmp_path):
    src = write_district(tmp_path / "src")
    (src / "parameters.csv").unlink()
    (src / "persons.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["year", "dibao_standard"])
    ws.append([2019, 900])
    ws.append([2020, "=B2+50"])                          # row 3: openpyxl saves no result for a formula
    ws.append([2021, 1000.5])
    wb.save(src / "parameters.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = district()["persons"]
    ws.append(list(rows[0]))
    for i, r in enumerate(rows):
        ws.append([("=\"一\"&\"村\"" if (i == 3 and c == "village") else (v or None)) for c, v in r.items()])
    wb.save(src / "persons.xlsx")                        # P004 (row 5): an optional column, not blank
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert [(r[0], r[1], r[2]) for r in rejects(db, "parameters.xlsx")] == [(3, "dibao_standard", "formula_no_value")]
    assert [(r[0], r[1], r[2]) for r in rejects(db, "persons.xlsx")] == [(5, "village", "formula_no_value")]
    assert counts(report, "parameters") == (3, 2, 1) and counts(report, "persons") == (6, 5, 1)


def test_xlsx_formula_cells_with_a_cached_value_load_that_value(tmp_path):
    src = write_district(tmp_path / "src")
    (src / "parameters.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["year", "dibao_standard"])
    ws.append([2019, 900])
    ws.append([2020, "=B2+50"])
    ws.append([2021, 1000.5])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    # what Excel writes after calculating: the formula and its result (<v>950</v>)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src / "parameters.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v></v>", b"<v />")     # openpyxl 3.1.5 writes the empty value so
                assert b"<f>B2+50</f><v />" in data
                data = data.replace(b"<f>B2+50</f><v />", b"<f>B2+50</f><v>950</v>")
            zout.writestr(item, data)
    report = build_database(src, tmp_path / "db.duckdb")
    assert counts(report, "parameters") == (3, 3, 0)
    assert one(tmp_path / "db.duckdb", "select dibao_standard::double from parameters where year = 2020") == [(950.0,)]


def test_xlsx_error_values_are_rejected_not_blank(tmp_path):
    src = write_district(tmp_path / "src")
    (src / "parameters.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["year", "dibao_standard", "备注"])
    ws.append([2019, 900, "ok"])
    ws.append([2020, "=1/0", "ok"])                     # row 3: a required column
    ws.append([2021, 1000.5, "=NA()"])                  # row 4: an extra column
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    # what Excel saves for those formulas: the error as the cell's value (t="e"); calamine reads ''
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src / "parameters.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v></v>", b"<v />")     # openpyxl 3.1.5 writes the empty value so
                data = data.replace(b'<c r="B3"><f>1/0</f><v /></c>', b'<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                data = data.replace(b'<c r="C4"><f>NA()</f><v /></c>', b'<c r="C4" t="e"><f>NA()</f><v>#N/A</v></c>')
            zout.writestr(item, data)
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert [(r[0], r[1], r[2]) for r in rejects(db)] == [(3, "dibao_standard", "cell_error"), (4, "备注", "cell_error")]
    assert counts(report, "parameters") == (3, 1, 2)


# --------------------------------------------------------------------- one bad row, one reject
def test_one_stray_quote_rejects_one_row(tmp_path):
    src = write_district(tmp_path / "src")
    path = src / "payments.csv"
    data = path.read_bytes()
    # Y03 (data row 2 -> row 4): an opening quote that is never closed
    path.write_bytes(data.replace(b",2020-03-13,285.00,", b',2020-03-13,"285.00,'))
    report = build_database(src, tmp_path / "db.duckdb")
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 9, 1)
    assert [(r[0], r[2]) for r in rejects(db)] == [(4, "csv_quote")]
    assert one(db, "select count(*) from payments where payment_id in ('Y04', 'Y10')") == [(2,)]


def test_one_stray_quote_in_a_fully_quoted_export_rejects_one_row(tmp_path):
    """The demo generator (and many systems) quote every text field; a stray quote there too."""
    src = write_district(tmp_path / "src")
    rows = district()["payments"]
    lines = [",".join(f'"{c}"' for c in rows[0])]
    for i, r in enumerate(rows):
        cells = [f'"{v}"' if v else "" for v in r.values()]
        if i == 6:                                       # Y07, row 8: the closing quote of amount lost
            cells[6] = '"' + r["amount"]
        lines.append(",".join(cells))
    (src / "payments.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = build_database(src, tmp_path / "db.duckdb")
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 9, 1)
    assert [(r[0], r[2]) for r in rejects(db)] == [(8, "csv_quote")]
    assert one(db, "select count(*) from payments where payment_id in ('Y08', 'Y09', 'Y10')") == [(3,)]


def test_a_10_mb_cell_rejects_its_row_without_a_traceback(tmp_path):
    d = district()
    d["payments"][3]["route"] = "x" * (10 * 1024 * 1024)   # Y04, row 5
    report = build_database(write_district(tmp_path / "src", d), tmp_path / "db.duckdb")
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 9, 1)
    assert [(r[0], r[2]) for r in rejects(db)] == [(5, "line_too_long")]
    assert one(db, "select count(*) from payments where payment_id = 'Y05'") == [(1,)]


def test_mixed_line_endings_after_the_first_256_kb_load_every_row(tmp_path):
    src = write_district(tmp_path / "src")
    path = write_csv(src / "payments.csv", payment_rows(6000))   # CRLF, about 430 KB
    data = path.read_bytes()
    cut = data.index(b"\r\nZ0005000,")                            # past 256 KB: LF from here on
    path.write_bytes(data[:cut] + data[cut:].replace(b"\r\n", b"\n"))
    report = build_database(src, tmp_path / "db.duckdb")
    assert counts(report, "payments") == (6000, 6000, 0)
    assert one(tmp_path / "db.duckdb", "select max(payment_id), count(distinct route) from payments") == [
        ("Z0005999", 1)]


def test_cr_only_line_endings_load_every_row(tmp_path):
    src = write_district(tmp_path / "src")
    for name in ("payments", "persons"):
        path = src / f"{name}.csv"
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))  # classic Mac OS line endings
    report = build_database(src, tmp_path / "db.duckdb")
    assert counts(report, "payments") == (10, 10, 0) and counts(report, "persons") == (6, 6, 0)
    assert one(tmp_path / "db.duckdb", "select town from persons where person_id = 'P006'") == [("东城街道",)]


# ------------------------------------------------------------------------- the shrink guard
def test_a_header_only_payments_file_does_not_replace_a_full_database(tmp_path):
    db = tmp_path / "live.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    before = db.read_bytes()
    d = district()
    src = write_district(tmp_path / "empty", d)
    (src / "payments.csv").write_text(",".join(d["payments"][0]) + "\r\n", encoding="utf-8")
    with pytest.raises(LoadRejected) as info:
        build_database(src, db)
    message = str(info.value)
    assert "payments" in message and "10 → 0" in message and "--force" in message
    assert db.read_bytes() == before
    assert info.value.report.comparison["payments"] == (10, 0)
    # --force accepts it, and the new database says what it replaced
    forced = build_database(src, db, force=True)
    assert forced.file("payments").rows_read == 0
    got = one(db, "select table_name, rows_before, rows_after, shrunk from load_comparison order by table_name")
    assert ("payments", 10, 0, True) in got and ("persons", 6, 6, False) in got
    assert len(got) == len(CLEAN_COUNTS)


def test_a_table_that_shrinks_by_half_or_less_is_not_drastic(tmp_path):
    db = tmp_path / "live.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    d = district()
    d["payments"] = d["payments"][:5]                     # 10 -> 5: half is kept, not drastic
    build_database(write_district(tmp_path / "half", d), db)
    assert one(db, "select rows_before, rows_after, shrunk from load_comparison where table_name = 'payments'") == [
        (10, 5, False)]


def test_a_missing_optional_file_that_held_rows_is_a_shrink(tmp_path):
    db = tmp_path / "live.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    d = district()
    d["medication"] = []                                  # 3 rows before, no file now
    with pytest.raises(LoadRejected, match="medication"):
        build_database(write_district(tmp_path / "nomed", d), db)


def test_cli_shrink_exits_3_with_one_error_line_and_keeps_the_database(tmp_path):
    db = tmp_path / "live.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    before = db.read_bytes()
    d = district()
    src = write_district(tmp_path / "empty", d)
    (src / "payments.csv").write_text(",".join(d["payments"][0]) + "\n", encoding="utf-8")
    res = run_cli("--source", str(src), "--db", str(db))
    assert res.returncode == 3
    errors = [line for line in res.stderr.splitlines() if line.startswith("错误 error:")]
    assert len(errors) == 1 and "payments" in errors[0] and "--force" in errors[0]
    assert "Traceback" not in res.stderr + res.stdout
    assert db.read_bytes() == before


# --------------------------------------------------------------- temp files, concurrency, disk
def run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "subsidy", "build", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, **kwargs)


KILLED_LOAD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from loader.load import build_database
    build_database(Path(sys.argv[1]), Path(sys.argv[2]),
                   before_swap=lambda con: os.kill(os.getpid(), signal.SIGKILL))
""")


def test_temp_files_of_a_killed_load_are_private_and_removed_by_the_next_load(tmp_path):
    src = write_district(tmp_path / "src", encoding="gb18030")   # a transcoded copy is written too
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "subsidy.duckdb"
    res = subprocess.run([sys.executable, "-c", KILLED_LOAD, str(src), str(db)], cwd=ROOT, timeout=120)
    assert res.returncode == -signal.SIGKILL
    left = [p for p in folder.rglob("*") if p.name != ".subsidy.duckdb.lock"]
    assert left and not db.exists()                      # killed before the swap: only temp files
    # nothing a killed load leaves is readable by other users: top-level items are private
    for p in folder.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, (p.name, oct(p.stat().st_mode))
    build_database(src, db)
    assert leftovers(folder) == [] and db.exists()
    assert sorted(p.name for p in folder.iterdir() if p.name != db.name) == [".subsidy.duckdb.lock"]


def test_leftovers_of_the_old_layout_are_removed_too(tmp_path):
    db = tmp_path / "subsidy.duckdb"
    (tmp_path / "subsidy.duckdb.tmp-999999").write_bytes(b"register")
    (tmp_path / "subsidy.duckdb.tmp-999999.wal").write_bytes(b"register")
    (tmp_path / ".subsidy.duckdb.load-abc").mkdir()
    (tmp_path / ".subsidy.duckdb.load-abc" / "persons.utf8.csv").write_bytes(b"register")
    build_database(write_district(tmp_path / "src"), db)
    assert leftovers(tmp_path) == []


def test_a_second_load_onto_the_same_database_refuses_while_one_is_running(tmp_path):
    db = tmp_path / "live.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    before = db.read_bytes()
    with load.database_lock(db):                          # a load holds the database
        with pytest.raises(LoadBusy) as info:
            build_database(tmp_path / "src", db)
        assert str(db) in str(info.value) and "\n" not in str(info.value)
        res = run_cli("--source", str(tmp_path / "src"), "--db", str(db))
        assert res.returncode == 4
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
        assert str(db) in res.stderr
        assert db.read_bytes() == before
    build_database(tmp_path / "src", db)                  # the lock goes with the load
    assert leftovers(tmp_path) == []


def _limit_file_size() -> None:
    # a disk that fills up: writes past 2 MB fail (EFBIG) instead of killing the process (SIGXFSZ)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 1024 * 1024, 2 * 1024 * 1024))


def test_a_full_disk_is_one_line_naming_the_database_and_keeps_the_old_one(tmp_path):
    db = tmp_path / "live.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    before = db.read_bytes()
    src = write_district(tmp_path / "big")
    write_csv(src / "payments.csv", payment_rows(60_000))        # a new file larger than the "disk"
    res = run_cli("--source", str(src), "--db", str(db), "--force", preexec_fn=_limit_file_size)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("错误 error:")]   # beside the progress lines
    assert str(db) in line and "磁盘" in line and "disk" in line
    assert db.read_bytes() == before
    assert leftovers(tmp_path) == []


# ------------------------------------------------- row numbers, paired stray quotes, damaged CJK bytes
def test_rows_after_empty_lines_are_numbered_as_the_file_shows_them(tmp_path):
    """DuckDB's reader skips empty lines; a reject names the line an editor (or Excel) shows."""
    d = district()
    d["payments"][4]["amount"] = "abc"                    # Y05, data row 4
    d["payments"][8]["amount"] = "-5"                     # Y09, data row 8
    src = write_district(tmp_path / "src", d)
    path = src / "payments.csv"
    lines = path.read_bytes().split(b"\r\n")
    # lines[0] header (line 1), lines[1] Y01 (line 2) … lines[5] Y05; two empty lines before Y02 and one
    # before Y08 (and one directly under the header): Y05 moves from line 6 to 9, Y09 from 10 to 14
    lines = [lines[0], b"", lines[1], b"", b"", *lines[2:8], b"", *lines[8:]]
    path.write_bytes(b"\r\n".join(lines))
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 8, 2)
    assert [(r[0], r[1], r[2]) for r in rejects(db)] == [(9, "amount", "money"), (14, "amount", "amount_positive")]
    assert path.read_bytes().split(b"\r\n")[8].startswith(b"Y05,") and \
        path.read_bytes().split(b"\r\n")[13].startswith(b"Y09,")


def test_rows_after_a_cell_spanning_lines_keep_their_line_numbers(tmp_path):
    """A quoted cell holding a line break (a legitimate multi-line note) spans two lines: the rows after
    it are named by the line they start on, and the note is loaded whole."""
    d = district()
    d["payments"][6]["amount"] = "abc"                    # Y07, data row 6: line 8, or 10 after the note
    for r in d["payments"]:
        r["备注"] = ""
    d["payments"][1]["备注"] = "第一行\n\n第三行"           # Y02: a note of three lines (one empty)
    src = write_district(tmp_path / "src", d)
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 9, 1)
    assert [(r[0], r[1], r[2]) for r in rejects(db)] == [(10, "amount", "money")]
    assert one(db, "select \"备注\" from payments where payment_id = 'Y02'") == [("第一行\n\n第三行",)]


def test_two_stray_quotes_in_different_rows_reject_those_rows_and_load_the_rows_between(tmp_path):
    src = write_district(tmp_path / "src")
    path = src / "payments.csv"
    data = path.read_bytes()
    # Y03 (row 4) opens a quote, Y07 (row 8) closes one: read as CSV they pair into one cell holding
    # rows 4-8 (Y04, Y05, Y06 swallowed); each line alone has the header's 9 fields
    data = data.replace(b",2020-03-13,285.00,", b',2020-03-13,"285.00,')
    data = data.replace(b",2020-09-18,135,", b',2020-09-18,135",')
    path.write_bytes(data)
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert counts(report, "payments") == (10, 8, 2)
    assert [(r[0], r[2]) for r in rejects(db)] == [(4, "csv_quote"), (8, "csv_quote")]
    assert one(db, "select list(payment_id order by payment_id) from payments") == [
        (["Y01", "Y02", "Y04", "Y05", "Y06", "Y08", "Y09", "Y10"],)]
    assert one(db, "select count(*) from payments where contains(route, chr(10))") == [(0,)]


def _damage_second_data_line(path: Path, bad: bytes) -> None:
    """Put a byte that does not decode into the second data row's source column (P002's event)."""
    data = path.read_bytes()
    lines = data.split(b"\r\n")
    lines[2] = lines[2][:-1] + bad + lines[2][-1:]          # inside the last (source) cell
    path.write_bytes(b"\r\n".join(lines))


@pytest.mark.parametrize("encoding, label", [("gb18030", "GB18030"), ("big5", "Big5")])
def test_a_cjk_file_with_one_bad_byte_rejects_that_row_and_loads_the_rest(tmp_path, encoding, label):
    src = write_district(tmp_path / "src")
    rows = [dict(r) for r in district()["status_events"]]
    texts = ("戶籍科", "臺灣民政廳", "衛生署") if encoding == "big5" else ("户籍科", "民政局", "公安分局")
    for r, source in zip(rows, texts):
        r["source"] = source
    rows = rows + [dict(rows[0], event="cert_issued", event_date=f"2019-0{m}-01") for m in range(1, 8)]
    path = write_csv(src / "status_events.csv", rows, encoding="cp950" if encoding == "big5" else encoding)
    _damage_second_data_line(path, b"\xff")               # 0xFF is a lead byte in neither encoding
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    db = tmp_path / "db.duckdb"
    assert counts(report, "status_events") == (10, 9, 1)
    got = rejects(db, "status_events.csv")
    assert [(r[0], r[1], r[2]) for r in got] == [(3, "source", "undecodable")]
    assert label in got[0][3] and label in got[0][4]
    assert one(db, "select encoding from load_files where table_name = 'status_events'") == [(encoding,)]
    assert one(db, "select source from status_events where person_id = 'P001' and event = 'dibao_start'") == [
        (texts[0],)]
    assert one(db, "select count(*) from status_events where person_id = 'P002'") == [(0,)]
