"""The loader on tiny hand-written districts (tests/contract_fixtures.py): every contract rule, the
counts, the bookkeeping tables, the CLI's messages and the atomic swap.

Expectations are worked out by hand from the fixture rows: row numbers are the 1-based line a person
sees (header = 1, so the i-th data row, counting from 0, is row i + 2).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loader.validate as validate
from contract import idnumber
from loader.load import LoadRejected, build_database
from loader.readers import ContractError
from tests.contract_fixtures import CLEAN_COUNTS, district, write_district

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, tables=None, *, force=True, name="db.duckdb"):
    src = write_district(tmp_path / "src", tables)
    db = tmp_path / name
    return build_database(src, db, force=force), db


def rejects(db: Path, file: str | None = None) -> list[tuple]:
    """(file, row_number, column_name, rule, reason_zh, raw_row, reason_en, value) per recorded rule."""
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "select file, row_number, column_name, rule, reason_zh, raw_row, reason_en, value from rejects"
        return con.execute(sql + (" where file = ?" if file else "") + " order by all",
                           [file] if file else []).fetchall()


def bad_id_with_date(yyyymmdd: str) -> str:
    """An 18-character number with a correct check digit around an impossible birth date."""
    first17 = f"330106{yyyymmdd}033"
    return first17 + idnumber.check_digit(first17)


# ------------------------------------------------------------------------------------ clean load
def test_clean_district_loads_every_row(tmp_path):
    report, db = load(tmp_path)
    assert {f.table: f.rows_loaded for f in report.files} == CLEAN_COUNTS
    assert report.rows_rejected == 0
    with duckdb.connect(str(db), read_only=True) as con:
        for table, n in CLEAN_COUNTS.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == n
        files = con.execute("select file, table_name, rows_read, rows_loaded, rows_rejected, file_format, encoding "
                            "from load_files order by table_name").fetchall()
        assert ("payments.csv", "payments", 10, 10, 0, "csv", "utf-8") in files
        info = dict(con.execute("select key, value from load_info").fetchall())
        assert info["source"] == str((tmp_path / "src").resolve())
        assert info["data_date"] == "2021-02-19"       # latest paid_date in the fixture (Y10)
        assert "loaded_at" in info


def test_clean_values_are_typed_and_canonical(tmp_path):
    _, db = load(tmp_path)
    with duckdb.connect(str(db), read_only=True) as con:
        p = con.execute("select sex, birth_date, category, grade, nursing_level, cert_date from persons "
                        "where person_id = 'P001'").fetchone()
        assert p == ("男", dt.date(1950, 3, 15), "肢体", 1, 1, dt.date(2015, 6, 1))
        pay = con.execute("select period, amount, tier, route from payments where payment_id = 'Y06'").fetchone()
        assert pay[0] == dt.date(2020, 4, 1) and float(pay[1]) == 5999.5 and pay[2] == 1 and pay[3] == "direct"
        assert con.execute("select sum(amount) from payments").fetchone()[0] == pytest.approx(
            285 * 3 + 270 * 2 + 5999.5 + 135 + 1200.25 + 270 * 2)
        types = dict(con.execute("select column_name, data_type from information_schema.columns "
                                 "where table_name = 'payments'").fetchall())
        assert types["amount"] == "DECIMAL(14,2)" and types["period"] == "DATE" and types["tier"] == "INTEGER"
        assert con.execute('select "group" from programs where program_id = \'RH\'').fetchone()[0] == "康复"


def test_alternative_spellings_map_to_canonical_codes(tmp_path):
    d = district()
    d["persons"][0].update(sex="M", grade="一级", category="4")         # 4 = 肢体
    d["persons"][1].update(sex="female", grade="二级")
    d["applications"][0].update(decision="已批准", channel="线上", submitted_date="2019/12/02")
    d["applications"][2].update(decision="审核中", channel="代办")
    d["payments"][0].update(route="直接到账", period="2020/01")
    d["payments"][3].update(route="镇街转发")
    d["census"][0].update(survey_status="已调查")
    d["census"][1].update(survey_status="未联系上")
    d["programs"][0].update(cycle="按月")
    _, db = load(tmp_path, d)
    assert rejects(db) == []
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select sex, grade, category from persons where person_id in ('P001', 'P002') "
                           "order by person_id").fetchall() == [("男", 1, "肢体"), ("女", 2, "精神")]
        assert con.execute("select decision, channel, submitted_date from applications where application_id = 'A1'"
                           ).fetchone() == ("approved", "online", dt.date(2019, 12, 2))
        assert con.execute("select decision, channel from applications where application_id = 'A3'"
                           ).fetchone() == ("pending", "proxy")
        assert con.execute("select route, period from payments where payment_id = 'Y01'").fetchone() == (
            "direct", dt.date(2020, 1, 1))
        assert con.execute("select route from payments where payment_id = 'Y04'").fetchone()[0] == "via_town"
        assert con.execute("select survey_status from census order by person_id").fetchall()[:2] == [
            ("surveyed",), ("not_reached",)]
        assert con.execute("select cycle from programs where program_id = 'LS'").fetchone()[0] == "monthly"


def test_duplicate_id_number_is_loaded_not_rejected(tmp_path):
    d = district()
    d["persons"][4]["id_number"] = d["persons"][0]["id_number"]
    d["persons"][4]["birth_date"] = d["persons"][0]["birth_date"]
    report, db = load(tmp_path, d)
    assert report.file("persons").rows_loaded == 6 and rejects(db) == []


def test_extra_columns_are_kept_as_text(tmp_path):
    d = district()
    for i, row in enumerate(d["payments"]):
        row["备注"] = "补发" if i == 0 else ""
    _, db = load(tmp_path, d)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute('select "备注" from payments where payment_id = \'Y01\'').fetchone()[0] == "补发"
        assert con.execute('select count("备注") from payments').fetchone()[0] == 1


def test_optional_medication_may_be_missing(tmp_path):
    d = district()
    d["medication"] = []
    report, db = load(tmp_path, d)
    assert "medication" not in {f.table for f in report.files}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from medication").fetchone()[0] == 0


# ------------------------------------------------------------------------------ one rule per case
# (table, row index, changes, expected rule, expected column, expected row number)
CASES = [
    ("persons", 5, {"person_id": ""}, "required", "person_id", 7),
    ("persons", 5, {"town": "  "}, "required", "town", 7),
    ("persons", 5, {"sex": "X"}, "enum", "sex", 7),
    ("persons", 2, {"birth_date": "2019-02-30"}, "date", "birth_date", 4),
    ("persons", 2, {"birth_date": "20l9-05-20"}, "date", "birth_date", 4),
    ("persons", 5, {"birth_date": "2099-01-01", "id_number": ""}, "future_date", "birth_date", 7),
    ("persons", 5, {"cert_status": "有证"}, "enum", "cert_status", 7),
    ("persons", 5, {"cert_status": "持证", "grade": "2"}, "required_if_certified", "category", 7),
    ("persons", 5, {"cert_status": "持证", "category": "听力"}, "required_if_certified", "grade", 7),
    ("persons", 0, {"grade": "五级"}, "enum", "grade", 2),
    ("persons", 0, {"category": "8"}, "enum", "category", 2),
    ("persons", 5, {"hukou": "城市"}, "enum", "hukou", 7),
    ("persons", 5, {"nursing_level": "4"}, "enum", "nursing_level", 7),
    ("persons", 5, {"cert_date": "2020-13-01"}, "date", "cert_date", 7),
    ("persons", 5, {"cert_date": "2015"}, "date", "cert_date", 7),          # a year, not Excel serial 2015
    ("persons", 2, {"id_number": "33010620190520"}, "id_format", "id_number", 4),
    ("persons", 2, {"id_number": "330106201905200A3X"}, "id_format", "id_number", 4),
    ("persons", 2, {"id_number": "330106190520033"}, "id_old_15", "id_number", 4),
    ("persons", 2, {"id_number": bad_id_with_date("20190230")}, "id_birth_date", "id_number", 4),
    ("persons", 2, {"id_number": idnumber.make("330106", dt.date(2019, 5, 21), "033")},
     "id_birth_mismatch", "id_number", 4),
    ("parameters", 1, {"year": "2020.5"}, "int", "year", 3),
    ("parameters", 1, {"year": "2019"}, "unique", "year", 3),
    ("parameters", 1, {"dibao_standard": "-5"}, "min_value", "dibao_standard", 3),
    ("parameters", 1, {"dibao_standard": "9a"}, "money", "dibao_standard", 3),
    ("parameters", 1, {"dibao_standard": ""}, "required", "dibao_standard", 3),
    ("programs", 3, {"group": "救助"}, "enum", "group", 5),
    ("programs", 3, {"cycle": "weekly"}, "enum", "cycle", 5),
    ("programs", 3, {"name": ""}, "required", "name", 5),
    ("programs", 3, {"trips_before": "-1"}, "min_value", "trips_before", 5),
    ("programs", 3, {"materials_after": "1.5"}, "int", "materials_after", 5),
    ("programs", 3, {"reform_date": "2020-02-31"}, "date", "reform_date", 5),
    ("programs", 3, {"program_id": "RH"}, "unique", "program_id", 5),
    ("program_tiers", 3, {"tier": "0"}, "min_value", "tier", 5),
    ("program_tiers", 3, {"tier": "1"}, "unique", "program_id, tier", 5),
    ("program_tiers", 3, {"program_id": "XX"}, "unknown_program", "program_id", 5),
    ("program_tiers", 3, {"amount": "10000.001"}, "money_decimals", "amount", 5),
    ("status_events", 0, {"event": "born"}, "enum", "event", 2),
    ("status_events", 0, {"event_date": "2018/13/01"}, "date", "event_date", 2),
    ("status_events", 0, {"person_id": "P999"}, "unknown_person", "person_id", 2),
    ("applications", 2, {"decision": "maybe"}, "enum", "decision", 4),
    ("applications", 2, {"submitted_date": ""}, "required", "submitted_date", 4),
    ("applications", 0, {"decided_date": "2019-12-01"}, "date_order", "decided_date", 2),
    ("applications", 0, {"first_paid_date": "2019-11-01"}, "date_order", "first_paid_date", 2),
    ("applications", 2, {"channel": "email"}, "enum", "channel", 4),
    ("applications", 2, {"trips": "-1"}, "min_value", "trips", 4),
    ("applications", 2, {"materials": "two"}, "int", "materials", 4),
    ("applications", 2, {"program_id": "ZZ"}, "unknown_program", "program_id", 4),
    ("applications", 2, {"application_id": "A1"}, "unique", "application_id", 4),
    ("payments", 7, {"amount": "0"}, "amount_positive", "amount", 9),
    ("payments", 7, {"amount": "-12"}, "amount_positive", "amount", 9),
    ("payments", 7, {"amount": "12.345"}, "money_decimals", "amount", 9),
    ("payments", 7, {"amount": "abc"}, "money", "amount", 9),
    ("payments", 7, {"amount": "12,34"}, "money", "amount", 9),            # not 1,234
    ("payments", 7, {"amount": ""}, "required", "amount", 9),
    ("payments", 7, {"period": "2020-13"}, "month", "period", 9),
    ("payments", 7, {"period": "2020-06-15"}, "month", "period", 9),
    ("payments", 7, {"period": "2009"}, "month", "period", 9),              # not serial 2009 = 1905-07-01
    ("payments", 7, {"paid_date": "yesterday"}, "date", "paid_date", 9),
    ("payments", 7, {"application_id": "A9"}, "unknown_application", "application_id", 9),
    ("payments", 7, {"tier": "0"}, "min_value", "tier", 9),
    ("payments", 7, {"route": "cash"}, "enum", "route", 9),
    ("payments", 7, {"payment_id": "Y01"}, "unique", "payment_id", 9),
    ("payments", 7, {"person_id": ""}, "required", "person_id", 9),
    ("census", 0, {"survey_status": "done"}, "enum", "survey_status", 2),
    ("census", 0, {"survey_date": ""}, "required_if_surveyed", "survey_date", 2),
    ("census", 0, {"need_rehab": "2"}, "flag", "need_rehab", 2),
    ("census", 0, {"income_per_capita": "-1"}, "min_value", "income_per_capita", 2),
    ("census", 0, {"survey_year": ""}, "required", "survey_year", 2),
    ("census", 1, {"person_id": "P001"}, "unique", "person_id, survey_year", 3),
    ("medication", 0, {"prescribed": ""}, "required", "prescribed", 2),
    ("medication", 0, {"dispensed": "yes?"}, "flag", "dispensed", 2),
    ("medication", 0, {"month": "2020-1-15"}, "month", "month", 2),
]


@pytest.mark.parametrize("table, index, changes, rule, column, row", CASES,
                         ids=[f"{c[0]}-{c[3]}-{'-'.join(c[2])}" for c in CASES])
def test_each_rule(tmp_path, table, index, changes, rule, column, row):
    d = district()
    d[table][index].update(changes)
    report, db = load(tmp_path, d)
    f = report.file(table)
    # exactly the broken row is rejected from its own file, and it is counted once
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (CLEAN_COUNTS[table], CLEAN_COUNTS[table] - 1, 1)
    found = {(r[1], r[2], r[3]) for r in rejects(db, f"{table}.csv")}
    assert (row, column, rule) in found
    assert {r[0] for r in found} == {row}
    for r in rejects(db, f"{table}.csv"):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r[4])               # reason_zh is Chinese
        assert r[6].startswith(f"{r[2]}: ")                                 # reason_en names the column
        assert r[6].isascii() or r[3] in ("enum", "required_if_certified")  # (those quote 男/女, 持证)


def test_rejected_and_unknown_references(tmp_path):
    d = district()
    d["persons"][3]["sex"] = "X"               # P004 (row 5) rejected
    d["programs"][3]["group"] = "救助"          # AD (row 5) rejected
    d["payments"][8]["person_id"] = "P404"     # Y09 (row 10): a person the roll never had
    report, db = load(tmp_path, d)
    pay = {(r[1], r[2], r[3]) for r in rejects(db, "payments.csv")}
    # P004 is paid by Y06 (row 7) and Y07 (row 8); AD by Y08 (row 9)
    assert pay == {(7, "person_id", "rejected_person"), (8, "person_id", "rejected_person"),
                   (9, "program_id", "rejected_program"), (10, "person_id", "unknown_person"),
                   # Y06 also names application A4, whose own row (P004) was rejected
                   (7, "application_id", "rejected_application")}
    assert report.file("payments").rows_rejected == 4
    assert report.file("applications").rows_rejected == 1       # A4 of P004
    assert report.file("census").rows_rejected == 1             # P004's census row
    assert report.file("status_events").rows_rejected == 1      # P004's death


def test_several_broken_rules_are_all_recorded_and_the_row_counted_once(tmp_path):
    d = district()
    d["payments"][7].update(amount="12.345", period="2020-13", route="cash", person_id="P999")
    report, db = load(tmp_path, d)
    got = {(r[1], r[2], r[3]) for r in rejects(db, "payments.csv")}
    assert got == {(9, "amount", "money_decimals"), (9, "period", "month"), (9, "route", "enum"),
                   (9, "person_id", "unknown_person")}
    assert report.file("payments").rows_rejected == 1
    assert report.file("payments").rows_loaded == 9


def test_read_equals_loaded_plus_rejected_everywhere(tmp_path):
    d = district()
    for table, index, changes, *_ in CASES[::3]:
        if index < len(d[table]):
            d[table][index].update(changes)
    report, db = load(tmp_path, d)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select file, rows_read, rows_loaded, rows_rejected from load_files").fetchall()
        for file, read, loaded, rejected in rows:
            assert read == loaded + rejected
            assert rejected == con.execute("select count(distinct row_number) from rejects where file = ?",
                                           [file]).fetchone()[0]
            table = file.split(".")[0]
            assert loaded == con.execute(f"select count(*) from {table}").fetchone()[0]
    assert report.rows_read == sum(CLEAN_COUNTS.values())


def test_reject_raw_row_masks_id_number_and_name(tmp_path):
    d = district()
    d["persons"][5]["sex"] = "X"                   # 欧阳娜娜, id 33010620000229066X
    full_id = d["persons"][5]["id_number"]
    _, db = load(tmp_path, d)
    (r,) = rejects(db, "persons.csv")
    raw = json.loads(r[5])
    assert raw["id_number"] == "3301" + "*" * 12 + "6X"
    assert raw["name"] == "欧***"
    assert raw["sex"] == "X" and raw["person_id"] == "P006"
    with duckdb.connect(str(db), read_only=True) as con:
        dump = str(con.execute("select * from rejects").fetchall())
    assert full_id not in dump and "欧阳娜娜" not in dump


def test_id_reasons_never_quote_the_number(tmp_path):
    d = district()
    d["persons"][1]["birth_date"] = "1985-07-02"   # differs from the ID's 1985-07-01
    full_id = d["persons"][1]["id_number"]
    _, db = load(tmp_path, d)
    (r,) = rejects(db, "persons.csv")
    assert r[3] == "id_birth_mismatch"
    assert "1985-07-01" in r[4] and "1985-07-02" in r[4]   # both dates named, in both languages
    assert "1985-07-01" in r[6] and "1985-07-02" in r[6]
    assert r[7] == full_id[:4] + "*" * 12 + full_id[-2:]    # the offending cell, masked
    assert all(full_id not in text for text in r[4:])


def test_reasons_in_both_languages_and_the_value_on_hand_picked_rows(tmp_path):
    """Four broken cells, each reason written out by hand in Chinese and in English."""
    d = district()
    d["census"][0]["need_rehab"] = "2"                 # census row 2
    d["payments"][4]["period"] = "2020-13"             # Y05, payments row 6
    d["program_tiers"][3]["tier"] = "1"                # RH tier 1 again, program_tiers row 5 (first: row 4)
    d["status_events"][0]["person_id"] = "P999"        # status_events row 2
    _, db = load(tmp_path, d)
    got = {(r[0], r[1], r[2], r[3]): (r[7], r[4], r[6]) for r in rejects(db)}
    assert got == {
        ("census.csv", 2, "need_rehab", "flag"):
            ("2", "康复需求(need_rehab) 应为 0 或 1", "need_rehab: must be 0 or 1"),
        ("payments.csv", 6, "period", "month"):
            ("2020-13", "所属期(period) 不是有效月份（应为 YYYY-MM）", "period: not a valid month (YYYY-MM)"),
        ("program_tiers.csv", 5, "program_id, tier", "unique"):
            ("RH / 1", "项目编号(program_id) + 档次(tier) 重复，与第 4 行相同", "program_id, tier: duplicate of row 4"),
        ("status_events.csv", 2, "person_id", "unknown_person"):
            ("P999", "人员编号(person_id) 在人员名册(persons)中不存在", "person_id: not found in persons"),
    }


def test_rules_without_a_cell_record_no_value(tmp_path):
    d = district()
    d["persons"][5].update(cert_status="持证", category="听力", grade="")   # P006, row 7: grade missing
    _, db = load(tmp_path, d)
    (r,) = rejects(db, "persons.csv")
    assert (r[1], r[2], r[3], r[7]) == (7, "grade", "required_if_certified", None)
    assert (r[4], r[6]) == ("持证人员必须填写残疾等级(grade)", "grade: required when cert_status is 持证")


def test_reject_rules_names_every_rule_in_both_languages(tmp_path):
    d = district()
    d["census"][0]["need_rehab"] = "2"
    d["persons"][5]["sex"] = "X"
    _, db = load(tmp_path, d)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select rule, label_zh, label_en from reject_rules").fetchall()
        words = {r[0]: (r[1], r[2]) for r in rows}
        orphans = con.execute("select count(*) from rejects anti join reject_rules using (rule)").fetchone()[0]
    assert set(words) == set(validate.RULES) and len(words) == 36   # 28 + 8 for unreadable rows and cells
    assert words["flag"] == ("应为 0 或 1", "must be 0 or 1")
    assert words["enum"] == ("不是允许的值", "not an accepted value")
    assert words["id_check_digit"] == ("身份证号校验位错误", "ID number check digit is wrong")
    assert orphans == 0                       # every recorded rule has its words
    assert all(zh and en and "(" not in zh for zh, en in words.values())


def test_accepted_date_spellings(tmp_path):
    d = district()
    d["persons"][0]["cert_date"] = "2015/6/1"
    d["persons"][1]["cert_date"] = "43110"           # Excel serial of 2018-01-10
    d["persons"][3]["cert_date"] = "2010年3月3日"
    d["persons"][2]["cert_date"] = "2020-01-05 00:00:00"
    d["medication"][0]["month"] = "2020-01-01"        # Excel turns 2020-01 into the first of the month
    d["medication"][1]["month"] = "43862"             # and saves it as a serial (2020-02-01) from General cells
    _, db = load(tmp_path, d)
    assert rejects(db) == []
    with duckdb.connect(str(db), read_only=True) as con:
        got = dict(con.execute("select person_id, cert_date from persons").fetchall())
        assert got["P001"] == dt.date(2015, 6, 1) and got["P002"] == dt.date(2018, 1, 10)
        assert got["P004"] == dt.date(2010, 3, 3) and got["P003"] == dt.date(2020, 1, 5)
        assert con.execute("select month from medication order by month").fetchall() == [
            (dt.date(2020, 1, 1),), (dt.date(2020, 2, 1),), (dt.date(2020, 3, 1),)]


def test_values_are_trimmed_and_blank_is_null(tmp_path):
    d = district()
    d["persons"][0].update(town=" 东城街道\u3000", sex=" 男 ", village=" ")
    _, db = load(tmp_path, d)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select town, sex, village from persons where person_id = 'P001'").fetchone() == (
            "东城街道", "男", None)


def test_row_with_too_many_fields_is_rejected_not_fatal(tmp_path):
    src = write_district(tmp_path / "src")
    text = (src / "status_events.csv").read_text(encoding="utf-8").splitlines()
    text[2] += ",surplus"                           # data row 2 = line 3
    (src / "status_events.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    report = build_database(src, tmp_path / "db.duckdb", force=True)
    assert (report.file("status_events").rows_loaded, report.file("status_events").rows_rejected) == (2, 1)
    assert [(r[1], r[3]) for r in rejects(tmp_path / "db.duckdb", "status_events.csv")] == [(3, "column_count")]


def test_mostly_broken_file_stops_the_load_unless_forced(tmp_path):
    first, db = load(tmp_path, name="keep.duckdb")
    before = db.stat().st_mtime_ns
    d = district()
    for row in d["payments"][:6]:                  # 6 of 10 rejected: more than half
        row["amount"] = "0"
    src = write_district(tmp_path / "broken", d)
    with pytest.raises(LoadRejected) as info:
        build_database(src, db)
    assert "payments.csv" in str(info.value) and "--force" in str(info.value)
    assert db.stat().st_mtime_ns == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from payments").fetchone()[0] == 10
    forced = build_database(src, db, force=True)
    assert forced.file("payments").rows_loaded == 4


def test_half_rejected_is_not_mostly_broken(tmp_path):
    d = district()
    for row in d["payments"][:5]:                  # exactly half: allowed
        row["amount"] = "0"
    report, _ = load(tmp_path, d, force=False)
    assert report.file("payments").rows_rejected == 5


def test_loading_twice_gives_the_same_content(tmp_path):
    d = district()
    d["payments"][7]["amount"] = "0"
    src = write_district(tmp_path / "src", d)
    snapshots = []
    for name in ("a.duckdb", "b.duckdb"):
        build_database(src, tmp_path / name, force=True)
        with duckdb.connect(str(tmp_path / name), read_only=True) as con:
            snap = {}
            for t in (*CLEAN_COUNTS, "rejects", "reject_rules", "load_files", "load_info"):
                rows = con.execute(f"select * from {t} order by all").fetchall()
                if t == "load_files":
                    rows = [r[:-1] for r in rows]                    # loaded_at aside
                if t == "load_info":
                    rows = [r for r in rows if r[0] != "loaded_at"]
                snap[t] = rows
            snapshots.append(snap)
    assert snapshots[0] == snapshots[1]


# ------------------------------------------------------------------------------- atomic swap
def test_failed_load_leaves_previous_database_untouched(tmp_path, monkeypatch):
    _, db = load(tmp_path, name="live.duckdb")
    before = db.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(validate, "load_good_rows", boom)
    with pytest.raises(RuntimeError):
        build_database(tmp_path / "src", db)
    assert db.read_bytes() == before
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from payments").fetchone()[0] == 10
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".load-" in p.name] == []


def test_contract_error_mid_load_leaves_previous_database(tmp_path):
    _, db = load(tmp_path, name="live.duckdb")
    before = db.read_bytes()
    d = district()
    for row in d["payments"]:
        del row["amount"]
    src = write_district(tmp_path / "bad", d)
    with pytest.raises(ContractError, match="payments.csv.*amount"):
        build_database(src, db)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".load-" in p.name] == []


# ---------------------------------------------------------------------------------------- CLI
def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "subsidy", "build", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def test_cli_missing_file(tmp_path):
    src = write_district(tmp_path / "src")
    (src / "census.csv").unlink()
    res = run_cli("--source", str(src), "--db", str(tmp_path / "x.duckdb"))
    assert res.returncode != 0
    assert "census" in res.stderr and "Traceback" not in res.stderr + res.stdout
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.duckdb").exists()


def test_cli_missing_column(tmp_path):
    d = district()
    for row in d["persons"]:
        del row["sex"]
    src = write_district(tmp_path / "src", d)
    res = run_cli("--source", str(src), "--db", str(tmp_path / "x.duckdb"))
    assert res.returncode != 0
    assert "persons.csv" in res.stderr and "sex" in res.stderr and "性别" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_cli_missing_folder(tmp_path):
    res = run_cli("--source", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.duckdb"))
    assert res.returncode != 0 and "nowhere" in res.stderr and "Traceback" not in res.stderr


def test_cli_prints_counts_and_never_unmasked_values(tmp_path):
    d = district()
    d["persons"][5]["sex"] = "X"
    src = write_district(tmp_path / "src", d)
    db = tmp_path / "cli.duckdb"
    res = run_cli("--source", str(src), "--force", env={"SUBSIDY_DB": str(db)})
    assert res.returncode == 0, res.stderr
    lines = {line.split()[0]: line.split() for line in res.stdout.splitlines() if line.strip()}
    assert lines["persons.csv"][-3:] == ["6", "5", "1"]
    assert lines["payments.csv"][-3:] == ["10", "10", "0"]
    assert str(db) in res.stdout and db.exists()
    for p in d["persons"]:
        for secret in (p["id_number"], p["name"]):
            if secret:
                assert secret not in res.stdout + res.stderr
    with duckdb.connect(str(db), read_only=True) as con:   # the views were installed into the new file
        kinds = {r[0] for r in con.execute("select table_type from information_schema.tables").fetchall()}
        assert "VIEW" in kinds


def test_cli_mostly_broken_exits_nonzero_and_keeps_database(tmp_path):
    _, db = load(tmp_path, name="live.duckdb")
    before = db.read_bytes()
    d = district()
    for row in d["census"]:
        row["survey_status"] = "?"
    src = write_district(tmp_path / "bad", d)
    res = run_cli("--source", str(src), "--db", str(db))
    assert res.returncode != 0
    assert "census.csv" in res.stderr and "--force" in res.stderr and "Traceback" not in res.stderr
    assert db.read_bytes() == before


# ------------------------------------------------------------------------- property: never lost
GOOD = st.builds(lambda amount, month, route: dict(amount=amount, period=f"2020-{month:02d}", route=route),
                 st.decimals(min_value="0.01", max_value="99999", places=2).map(str),
                 st.integers(1, 12), st.sampled_from(["direct", "via_town", "", "直接到账"]))
BREAKS = st.sampled_from([
    {"amount": "0"}, {"amount": "-3"}, {"amount": "1.001"}, {"amount": "x"}, {"period": "2020-00"},
    {"paid_date": "2020-02-30"}, {"person_id": "P404"}, {"program_id": ""}, {"route": "现金"},
    {"tier": "0"}, {"application_id": "A404"}, {"amount": "0", "period": "13"},
])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(GOOD, st.one_of(st.none(), BREAKS)), min_size=1, max_size=30))
def test_property_every_good_row_loaded_and_none_lost(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("prop")
    d = district()
    template = d["payments"][0]
    payments, good_ids = [], set()
    for i, (good, broken) in enumerate(rows):
        row = {**template, "payment_id": f"Q{i:03d}", "application_id": "", "tier": "", "paid_date": "2020-03-01",
               **good}
        if broken:
            row.update(broken)
        else:
            good_ids.add(row["payment_id"])
        payments.append(row)
    d["payments"] = payments
    src = write_district(tmp / "src", d)
    report = build_database(src, tmp / "db.duckdb", force=True)
    f = report.file("payments")
    assert f.rows_read == len(rows) == f.rows_loaded + f.rows_rejected
    assert f.rows_rejected == len(rows) - len(good_ids)
    with duckdb.connect(str(tmp / "db.duckdb"), read_only=True) as con:
        loaded = {r[0] for r in con.execute("select payment_id from payments").fetchall()}
        rejected_rows = {r[0] for r in con.execute(
            "select distinct row_number from rejects where file = 'payments.csv'").fetchall()}
    assert loaded == good_ids
    assert rejected_rows == {i + 2 for i, (_, b) in enumerate(rows) if b}
