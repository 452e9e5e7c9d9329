"""API additions for the UI: load_info, gap_definitions, gap_people.detail_zh, medication_adherence.

Expected numbers are worked out by hand from the rows of each test (METRICS.md: state in month M =
state on day 1 of M; an event dated inside M takes effect from M+1).
"""
from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest
from test_views import E, W, build, census_row, event, pay, person

import queries
from contract import TABLE_ORDER, TABLES, create_table_sql
from queries import install
from queries.install import install_views


def _reopen_rw(con, tmp_path):
    con.close()
    return duckdb.connect(str(tmp_path / "district.duckdb"))


# ----------------------------------------------------------------------------- load_info
def test_load_info_rows_in_written_order_and_empty_without_loader(tmp_path):
    con = build(tmp_path, persons=[person("A")])
    empty = queries.load_info(con)
    assert list(empty.columns) == ["key", "value"] and empty.empty
    rw = _reopen_rw(con, tmp_path)
    rw.execute("create table load_info (key varchar, value varchar)")
    rw.execute("insert into load_info values ('source', '/data/区残联'), ('loaded_at', '2026-11-30 10:00:00'), "
               "('generator_seed', null)")
    rw.close()
    info = queries.load_info(queries.connect(tmp_path / "district.duckdb"))
    assert list(info.columns) == ["key", "value"]
    assert info.key.tolist() == ["source", "loaded_at", "generator_seed"]
    assert info.value.tolist()[:2] == ["/data/区残联", "2026-11-30 10:00:00"]
    assert info.value.isna().tolist()[2]


# ----------------------------------------------------------------------------- gap definitions
def test_gap_definitions_follow_metrics_keys(tmp_path):
    con = build(tmp_path, persons=[person("A")])
    defs = queries.gap_definitions(con)
    assert list(defs.columns[:5]) == ["gap", "sort_order", "label_zh", "label_en", "definition"]
    assert "definition_zh" in defs.columns
    assert tuple(defs.gap) == queries.GAP_KEYS
    assert defs.sort_order.tolist() == list(range(1, 22))
    row = defs.set_index("gap").loc["paid_after_death"]
    assert row.label_zh == "死亡后发放" and row.label_en == "Paid after death"
    assert "死亡" in row.definition_zh
    # every Chinese definition is filled and written in Chinese
    assert all(d and any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in defs.definition_zh)


# ----------------------------------------------------------------------------- detail_zh
def test_gap_people_detail_zh(tmp_path):
    con = build(
        tmp_path,
        persons=[person("D", grade=1, nursing=1), person("X", grade=1, nursing=1),
                 person("S1", id_number="330102198001011234"), person("S2", id_number="330102198001011234")],
        status_events=[event("D", "death", "2020-03-20")],
        payments=[
            pay("P1", "D", "LS", "2020-04", 305),          # death 03-20 → dead from April: paid after death
            pay("P2", "X", "NS", "2020-02", 1010),
            pay("P3", "X", "NS", "2020-02", 1010.5, paid="2020-02-20"),   # second payment for the same period
        ],
    )
    death = queries.gap_people(con, gap="paid_after_death", year=2020)
    assert death.payment_id.tolist() == ["P1"]
    # the gap's words are the seed's label (gap_keys.label_zh = 死亡后发放), never the SQL's own
    assert death.detail_zh.tolist() == ["2020-04 死亡后发放 困难残疾人生活补贴 305 元"]
    assert death.detail.tolist()[0].startswith("death 2020-03-20")        # English detail kept
    cols = death.columns.tolist()
    assert cols.index("detail_zh") == cols.index("detail") + 1
    dup = queries.gap_people(con, gap="duplicate_payment", year=2020)
    assert dup.payment_id.tolist() == ["P3"]
    assert dup.detail_zh.tolist() == ["2020-02 重复发放（第 2 笔） 重度残疾人护理补贴 1010.5 元"]
    ids = queries.gap_people(con, gap="duplicate_id_number", year=2020)
    assert ids.detail_zh.tolist() == ["身份证号 3301************34 由 2 人共用"] * 2
    # every case of every gap has a Chinese detail
    for gap in queries.GAP_KEYS:
        frame = queries.gap_people(con, gap=gap, year=2020)
        assert frame.detail_zh.notna().all(), gap


def test_gap_details_take_the_label_from_the_seed(tmp_path):
    con = build(tmp_path, persons=[person("U")], census=[census_row("U", "surveyed", need_rehab=1)])
    unmet = queries.gap_people(con, gap="unmet_need_rehab", year=2020)
    # surveyed 2020 with a rehab need, no 康复 payment in 2020; seed label 康复需求未满足
    assert unmet.detail_zh.tolist() == ["2020 年调查登记：康复需求未满足（当年无康复类项目发放）"]
    # change the seed's wording and the detail follows it
    rw = _reopen_rw(con, tmp_path)
    rw.execute("update gap_keys set label_zh = '康复没跟上' where gap = 'unmet_need_rehab'")
    # the family views read the seed when queried; only the materialised union is rebuilt
    union = install.sql_files()["mart_gap_cases"].read_text(encoding="utf-8")
    rw.execute(f"create or replace table mart_gap_cases as\n{union}")
    rw.close()
    con = queries.connect(tmp_path / "district.duckdb")
    assert queries.gap_people(con, gap="unmet_need_rehab", year=2020).detail_zh.tolist() == [
        "2020 年调查登记：康复没跟上（当年无康复类项目发放）"]


def test_gap_sql_holds_no_label_words_of_its_own():
    defs = pd.read_csv(install.SEED_DIR / "gap_keys.csv", dtype=str)
    labels = set(defs.label_zh) | set(defs.label_en)
    for name, path in install.sql_files().items():
        if not name.startswith("mart_gap_cases"):
            continue
        body = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
        for label in labels:
            assert label not in body, f"{path.name} spells the label {label!r}: read it from gap_keys"


# ----------------------------------------------------------------------------- medication
def med(pid, month, prescribed, dispensed):
    return dict(person_id=pid, month=month + "-01", prescribed=prescribed, dispensed=dispensed)


MED_PERSONS = [person("M1", village="一村"), person("M2", village="二村"), person("M3", town=W),
               person("M4", town=W), person("M5", town=W), person("M6")]
MED_EVENTS = [event("M4", "death", "2020-03-20"),        # alive in March, dead from April
              event("M5", "moved_out", "2020-05-10")]    # in the district in May, gone from June
MED_ROWS = [
    med("M1", "2019-12", 1, 0),                           # another year
    med("M1", "2020-01", 1, 1), med("M1", "2020-02", 1, 0), med("M1", "2020-03", 1, 1),
    med("M2", "2020-01", 1, 0), med("M2", "2020-02", 1, 0),
    med("M3", "2020-01", 1, 1),
    med("M4", "2020-03", 1, 0), med("M4", "2020-04", 1, 0),   # April: after death, not counted
    med("M5", "2020-05", 1, 1), med("M5", "2020-06", 1, 0),   # June: moved out, not counted
    med("M6", "2020-01", 0, 1),                                # dispensed without prescription: not counted
]


def _by_month(frame):
    return {m.month: (p, d, x) for m, p, d, x in zip(frame.month, frame.prescribed_persons,
                                                     frame.dispensed_persons, frame.missed_persons)}


def test_medication_adherence_hand_worked(tmp_path):
    con = build(tmp_path, persons=MED_PERSONS, status_events=MED_EVENTS, medication=MED_ROWS)
    out = queries.medication_adherence(con, year=2020)
    assert list(out.columns) == ["month", "prescribed_persons", "dispensed_persons", "missed_persons",
                                 "missed_share"]
    assert len(out) == 12 and [m.month for m in out.month] == list(range(1, 13))
    rows = _by_month(out)
    # Jan: M1 (took), M2 (missed), M3 (took); M6 had no prescription
    assert rows[1] == (3, 2, 1)
    assert rows[2] == (2, 0, 2)          # Feb: M1, M2 both missed
    assert rows[3] == (2, 1, 1)          # Mar: M1 took, M4 (alive on 1 March) missed
    assert rows[4] == (0, 0, 0)          # Apr: M4 dead from April
    assert rows[5] == (1, 1, 0)          # May: M5 still in the district on 1 May
    assert rows[6] == (0, 0, 0)          # Jun: M5 moved out from June
    share = out.set_index(out.month.map(lambda m: m.month)).missed_share
    assert share[1] == pytest.approx(1 / 3) and share[2] == 1.0 and share[3] == 0.5 and share[5] == 0.0
    assert math.isnan(share[4]) and math.isnan(share[12])
    # town E: M1, M2 (and M6, never prescribed); village 二村: M2 only
    east = _by_month(queries.medication_adherence(con, year=2020, town=E))
    assert (east[1], east[2], east[3], east[5]) == ((2, 1, 1), (2, 0, 2), (1, 1, 0), (0, 0, 0))
    second = _by_month(queries.medication_adherence(con, year=2020, town=E, village="二村"))
    assert (second[1], second[2], second[3]) == ((1, 0, 1), (1, 0, 1), (0, 0, 0))
    # 2019: M1's December miss
    assert _by_month(queries.medication_adherence(con, year=2019))[12] == (1, 0, 1)


def test_medication_by_area_hand_worked(tmp_path):
    con = build(tmp_path, persons=MED_PERSONS, status_events=MED_EVENTS, medication=MED_ROWS)
    cols = ["area", "prescribed_persons", "prescribed_months", "missed_months", "missed_share", "missed_persons"]
    out = queries.medication_by_area(con, year=2020)[cols].values.tolist()
    # E: M1 Jan–Mar (Feb missed) + M2 Jan, Feb (both missed) = 5 months, 3 missed; W: M3 Jan (took), M4 March
    # (missed; April after death), M5 May (took; June after the move) = 3 months, 1 missed
    assert out == [[E, 2, 5, 3, 3 / 5, 2], [W, 3, 3, 1, 1 / 3, 1]]
    villages = queries.medication_by_area(con, year=2020, level="village", town=E)[cols].values.tolist()
    assert villages == [["二村", 1, 2, 2, 1.0, 1], ["一村", 1, 3, 1, 1 / 3, 1]]
    with pytest.raises(ValueError, match="level"):
        queries.medication_by_area(con, year=2020, level="person")


def test_medication_absent_table_installs_and_reads_zero(tmp_path):
    db = tmp_path / "no_medication.duckdb"
    con = duckdb.connect(str(db))
    for table in TABLE_ORDER:
        if table != "medication":
            con.execute(create_table_sql(TABLES[table]))
    con.execute("insert into parameters values (2020, 1015)")
    install_views(con)
    assert con.execute("select count(*) from mart_medication_months").fetchall()[0][0] == 0
    con.close()
    out = queries.medication_adherence(queries.connect(db), year=2020)
    assert len(out) == 12 and out.prescribed_persons.sum() == 0 and out.missed_share.isna().all()
