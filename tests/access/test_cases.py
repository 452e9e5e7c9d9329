"""Follow-up of worklist cases (access.cases) on a real SQLite file and a real PostgreSQL server: syncs
after loads, all-or-nothing updates held to the caseworker's area, the append-only history, and the Excel
round-trip a caseworker makes with openpyxl.

The small district, worked by hand: four cases, three in 城东街道 (two in 东门社区, one in 西门社区) and
one in 城西街道.
"""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from access import AccessDenied, Principal, ScopeError, audit, cases
from access import db as ops
from access.cases import CaseChange, CaseUpdateError, SyncResult
from access.roles import ROLES
from access.schema import case_history
from subsidy.__main__ import main as cli
from tests.contract_fixtures import district, write_district

A = "paid_after_death:P000101:XM01:2020-04:F0000101"
B = "paid_after_dibao_end:P000102:XM01:2020-05:F0000102"
C = "paid_twice:P000103:XM02:2020-05:F0000103"
D = "not_surveyed:P000104"
EAST, WEST = "城东街道", "城西街道"


def current(*keys: str, **amounts: float) -> pd.DataFrame:
    """The cases a load shows (the analytical side's frame), `keys` of the four; amounts overridable."""
    rows = {
        A: dict(gap="paid_after_death", town=EAST, village="东门社区", person_id="P000101", program_id="XM01",
                period="2020-04", amount_yuan=235.0),
        B: dict(gap="paid_after_dibao_end", town=EAST, village="西门社区", person_id="P000102",
                program_id="XM01", period="2020-05", amount_yuan=Decimal("120.50")),
        C: dict(gap="paid_twice", town=WEST, village="北村", person_id="P000103", program_id="XM02",
                period="2020-05", amount_yuan=80.0),
        D: dict(gap="not_surveyed", town=EAST, village="东门社区", person_id="P000104", program_id=None,
                period=None, amount_yuan=None),
    }
    frame = pd.DataFrame([dict(case_key=k, **rows[k]) for k in keys or (A, B, C, D)])
    for key, amount in amounts.items():
        frame.loc[frame["case_key"] == {"A": A, "B": B, "C": C}[key], "amount_yuan"] = amount
    return frame


TOWN = Principal(7, "wang", "town_caseworker", town=EAST)
VILLAGE = Principal(8, "li", "village_caseworker", town=EAST, village="东门社区")
LEADER = Principal(9, "zhao", "leader")


def status_of(eng, key: str) -> dict:
    return cases.statuses(eng, [key]).iloc[0].to_dict()


def rows(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    """The frame's `columns` as lists, a missing value as None (pandas' string columns hold NaN)."""
    part = frame[columns].astype(object)
    return part.where(part.notna(), None).values.tolist()


def rules(exc: CaseUpdateError) -> list[tuple]:
    return [(e.rule, e.case_key, e.row, e.column) for e in exc.errors]


@pytest.fixture
def synced(eng):
    """The four cases opened by load L1."""
    assert cases.sync(eng, current(), "L1") == SyncResult(new=4, still_open=0, resolved_by_data=0, reappeared=0)
    return eng


# ---------------------------------------------------------------- sync
def test_sync_opens_new_cases_pending_with_one_history_row_each(synced):
    got = cases.statuses(synced, snapshot=True).set_index("case_key")
    assert sorted(got.index) == sorted([A, B, C, D])
    assert set(got["status"]) == {"pending"}
    assert set(got["first_seen_load"]) == set(got["last_seen_load"]) == {"L1"}
    assert got.loc[B, "amount_yuan"] == Decimal("120.50") and pd.isna(got.loc[D, "amount_yuan"])
    assert got["resolved_at"].isna().all() and got["updated_at"].isna().all()
    h = cases.history(synced, A)
    assert rows(h, ["source", "load_id", "old_status", "new_status"]) == [["load", "L1", None, "pending"]]


def test_sync_is_idempotent_for_the_same_load(synced):
    before = cases.statuses(synced)
    assert cases.sync(synced, current(), "L1") == SyncResult(new=0, still_open=4, resolved_by_data=0, reappeared=0)
    pd.testing.assert_frame_equal(cases.statuses(synced), before)
    assert len(cases.history(synced, A)) == 1


def test_a_status_set_survives_a_new_load_that_still_shows_the_case(synced):
    assert cases.update(synced, TOWN, [CaseChange(A, "stopped", note="已电话核实")], source="page") == 1
    # the next load still shows A, with a corrected amount (240 instead of 235)
    assert cases.sync(synced, current(A=240.0), "L2") == SyncResult(0, 4, 0, 0)
    a = status_of(synced, A)
    assert (a["status"], a["note"], a["updated_by"], a["first_seen_load"], a["last_seen_load"]) == \
        ("stopped", "已电话核实", "wang", "L1", "L2")
    assert cases.statuses(synced, [A], snapshot=True).iloc[0]["amount_yuan"] == Decimal("240.00")


def test_a_case_absent_after_a_load_is_resolved_by_data_and_keeps_its_history(synced):
    cases.update(synced, TOWN, [CaseChange(B, "recovered", "120.50")], source="page")
    assert cases.sync(synced, current(A, C, D), "L2") == SyncResult(0, 3, 1, 0)
    b = status_of(synced, B)
    assert b["status"] == "resolved_by_data" and pd.notna(b["resolved_at"])
    assert b["amount_recovered"] == Decimal("120.50") and b["last_seen_load"] == "L1"
    assert rows(cases.history(synced, B), ["source", "old_status", "new_status"]) == [
        ["load", None, "pending"], ["page", "pending", "recovered"], ["load", "recovered", "resolved_by_data"]]
    # the same load again: nothing more; B back in L3: the status it had before the data cleared it
    assert cases.sync(synced, current(A, C, D), "L2") == SyncResult(0, 3, 0, 0)
    assert cases.sync(synced, current(), "L3") == SyncResult(0, 3, 0, 1)
    b = status_of(synced, B)
    assert (b["status"], b["last_seen_load"]) == ("recovered", "L3") and pd.isna(b["resolved_at"])
    assert list(cases.history(synced, B)["new_status"]) == ["pending", "recovered", "resolved_by_data", "recovered"]


def test_a_case_nobody_touched_reappears_pending(synced):
    cases.sync(synced, current(A, B, D), "L2")
    assert cases.sync(synced, current(), "L3") == SyncResult(0, 3, 0, 1)
    assert status_of(synced, C)["status"] == "pending"


def test_sync_refuses_a_frame_it_cannot_trust(eng):
    with pytest.raises(ValueError, match="amount_yuan"):
        cases.sync(eng, current().drop(columns="amount_yuan"), "L1")
    with pytest.raises(ValueError, match="twice"):
        cases.sync(eng, pd.concat([current(A), current(A)]), "L1")
    with pytest.raises(ValueError, match="255"):
        cases.sync(eng, current(A).assign(case_key="x" * 256), "L1")
    assert cases.statuses(eng).empty


# ---------------------------------------------------------------- update
def test_update_is_all_or_nothing_and_audited(synced):
    with pytest.raises(CaseUpdateError) as caught:
        cases.update(synced, TOWN, [CaseChange(A, "stopped"), CaseChange(B, "recovered", 999)], source="page")
    assert rules(caught.value) == [("amount_over", B, None, "amount_recovered")]
    assert "120.50" in caught.value.messages("zh")[0] and B in caught.value.messages("en")[0]
    assert status_of(synced, A)["status"] == "pending" and len(cases.history(synced, A)) == 1
    assert audit.entries(synced, event="case_update").empty
    n = cases.update(synced, TOWN, [CaseChange(A, "stopped"), CaseChange(B, "recovered", 100)], source="page",
                     page="monthly_check")
    assert n == 2
    log = audit.entries(synced, event="case_update")
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["username"], row["persons"], row["what"], row["page"], bool(row["unmasked"])) == \
        ("wang", 2, "cases:page", "monthly_check", False)
    assert row["detail"] == "2 cases: recovered 1, stopped 1"
    # the same values again change nothing and log nothing
    assert cases.update(synced, TOWN, [CaseChange(A, "stopped")], source="page") == 0
    assert len(audit.entries(synced, event="case_update")) == 1


def test_every_broken_rule_is_named(synced):
    changes = [
        CaseChange("no-such-case", "stopped"),
        CaseChange(A, "resolved_by_data"),             # the system's status, not a user's
        CaseChange(B, "done"),
        CaseChange(D, "recovered"),                    # recovered without an amount; D has no money at stake
    ]
    with pytest.raises(CaseUpdateError) as caught:
        cases.update(synced, TOWN, changes, source="page")
    assert rules(caught.value) == [
        ("unknown_case", "no-such-case", None, "case_key"),
        ("not_user_status", A, None, "status"),
        ("not_user_status", B, None, "status"),
        ("recovered_needs_amount", D, None, "amount_recovered"),
    ]
    for amount in (-1, "12.345", "abc", True):
        with pytest.raises(CaseUpdateError) as caught:
            cases.update(synced, TOWN, [CaseChange(A, "stopped", amount)], source="page")
        assert rules(caught.value) == [("bad_amount", A, None, "amount_recovered")]
    with pytest.raises(CaseUpdateError) as caught:
        cases.update(synced, TOWN, [CaseChange(D, "stopped", 1), CaseChange(A, "stopped", note="x" * 2001),
                                    CaseChange(A, "stopped")], source="page")
    assert rules(caught.value) == [("no_money", D, None, "amount_recovered"), ("note_too_long", A, None, "note"),
                                   ("duplicate_case", A, None, "case_key")]
    assert set(cases.statuses(synced)["status"]) == {"pending"}
    # the whole amount is fine, and written to the fen
    assert cases.update(synced, TOWN, [CaseChange(A, "recovered", "235")], source="page") == 1
    assert status_of(synced, A)["amount_recovered"] == Decimal("235.00")


def test_a_town_caseworker_cannot_update_another_towns_case(synced):
    with pytest.raises(CaseUpdateError) as caught:
        cases.update(synced, TOWN, [CaseChange(A, "stopped"), CaseChange(C, "stopped")], source="page")
    assert rules(caught.value) == [("out_of_area", C, None, "case_key")]
    assert C in str(caught.value) and EAST in str(caught.value)
    assert set(cases.statuses(synced)["status"]) == {"pending"}
    west = Principal(10, "sun", "town_caseworker", town=WEST)
    assert cases.update(synced, west, [CaseChange(C, "false_alarm")], source="page") == 1


def test_a_village_caseworker_changes_and_reads_the_own_village_only(synced):
    with pytest.raises(CaseUpdateError) as caught:
        cases.update(synced, VILLAGE, [CaseChange(B, "stopped")], source="page")
    assert rules(caught.value) == [("out_of_area", B, None, "case_key")]
    assert cases.update(synced, VILLAGE, [CaseChange(A, "back_paid"), CaseChange(D, "no_action")],
                        source="page") == 2
    assert sorted(cases.statuses(synced, principal=VILLAGE)["case_key"]) == sorted([A, D])
    assert sorted(cases.statuses(synced, principal=TOWN)["case_key"]) == sorted([A, B, D])
    with pytest.raises(ScopeError):
        cases.statuses(synced, town=WEST, principal=TOWN)
    with pytest.raises(ScopeError):
        cases.statuses(synced, village="西门社区", principal=VILLAGE)


def test_only_caseworkers_have_the_follow_up_right(synced):
    assert {r.key for r in ROLES.values() if r.follow_up} == {"town_caseworker", "village_caseworker"}
    for who in (LEADER, Principal(11, "qian", "analyst"), Principal(12, "root", "admin"),
                Principal(13, "pub", "public")):
        with pytest.raises(CaseUpdateError) as caught:
            cases.update(synced, who, [CaseChange(A, "stopped")], source="page")
        assert [e.rule for e in caught.value.errors] == ["no_right"]
    assert len(cases.statuses(synced, principal=LEADER)) == 4          # leader and analyst: read only
    for who in (Principal(12, "root", "admin"), Principal(13, "pub", "public")):
        with pytest.raises(AccessDenied):
            cases.statuses(synced, principal=who)
    with pytest.raises(AccessDenied):
        cases.update(synced, None, [CaseChange(A, "stopped")], source="page")


def test_a_note_is_stored_with_id_number_and_phone_shapes_masked(synced):
    cases.update(synced, TOWN, [CaseChange(A, "stopped", note="家属 330102199001011234 电话 13812345678")],
                 source="page")
    note = status_of(synced, A)["note"]
    assert "330102199001011234" not in note and "13812345678" not in note and note.startswith("家属 3301")
    assert "330102199001011234" not in (cases.history(synced, A)["note"].dropna().iloc[0])


def test_the_history_is_append_only(synced):
    cases.update(synced, TOWN, [CaseChange(A, "stopped")], source="page")
    for stmt in (sa.update(case_history).values(new_status="pending"), sa.delete(case_history)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with synced.begin() as c:
                c.execute(stmt)
    if synced.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with synced.begin() as c:
                c.exec_driver_sql("truncate case_history")
    assert list(cases.history(synced, A)["new_status"]) == ["pending", "stopped"]


def test_the_migrated_tables_are_the_ones_the_code_writes_through(eng):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from access.schema import metadata

    with eng.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
    assert [d for d in diff if "case" in repr(d)] == []


# ---------------------------------------------------------------- the Excel round-trip
def east_workbook(eng, lang: str = "zh") -> bytes:
    """The 城东街道 worklist as the page would offer it: context columns, then the status columns."""
    context = current(A, B, D)[["case_key", "gap", "town", "village", "person_id", "amount_yuan"]]
    return cases.workbook(context.merge(cases.statuses(eng, principal=TOWN), on="case_key"), lang)


def edited(data: bytes, edits: dict[tuple[int, str], object]) -> bytes:
    """The workbook after a caseworker typed `edits` ({(Excel row, header text): value}) in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    for (row, head), value in edits.items():
        ws.cell(row, col[head]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_locks_the_context_and_offers_the_user_statuses(synced):
    book = openpyxl.load_workbook(io.BytesIO(east_workbook(synced)))
    ws = book.worksheets[0]
    assert ws.title == "核查名单" and ws.protection.sheet
    heads = [c.value for c in ws[1]]
    assert heads[0] == "案件编号" and heads[-3:] == ["处理状态", "已追回金额（元）", "备注"]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [A, B, D]
    assert [ws.cell(r, len(heads) - 2).value for r in (2, 3, 4)] == ["待核实"] * 3
    gap = heads.index("缺口类型") + 1
    assert ws.cell(2, gap).protection.locked and ws.cell(2, gap).fill.fgColor.rgb.endswith("EDEDED")
    assert not ws.cell(2, len(heads) - 2).protection.locked and not ws.cell(2, len(heads)).protection.locked
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"待核实,已核实停发,已补发,已追回,误报,无需处理"'
    assert book[cases.SHEET_ORIGINAL].sheet_state == "veryHidden"


def test_an_upload_with_one_bad_row_applies_nothing_and_names_the_row(synced):
    data = edited(east_workbook(synced), {(2, "处理状态"): "已核实停发", (3, "处理状态"): "已追回",
                                          (3, "已追回金额（元）"): 500, (4, "备注"): "已入户"})
    with pytest.raises(CaseUpdateError) as caught:
        cases.upload(synced, TOWN, data, "城东核查.xlsx")
    assert rules(caught.value) == [("amount_over", B, 3, "amount_recovered")]
    assert caught.value.messages("zh") == [
        f"城东核查.xlsx 第 3 行 · 「已追回金额（元）」列 · 案件 {B} · 已追回金额 500.00 元超过该案件涉及金额 120.50 元。"]  # noqa: E501
    assert set(cases.statuses(synced)["status"]) == {"pending"}
    assert audit.entries(synced, event="case_update").empty
    # the caseworker corrects row 3 and uploads again: three cases changed, one audit event
    fixed = edited(data, {(3, "已追回金额（元）"): 120.5})
    assert cases.upload(synced, TOWN, fixed, "城东核查.xlsx") == 3
    got = cases.statuses(synced).set_index("case_key")
    assert (got.loc[A, "status"], got.loc[B, "status"], got.loc[B, "amount_recovered"], got.loc[D, "note"]) == \
        ("stopped", "recovered", Decimal("120.50"), "已入户")
    assert cases.history(synced, B).iloc[-1]["source"] == "excel"
    assert audit.entries(synced, event="case_update").iloc[0]["what"] == "cases:excel"


def test_labels_in_either_language_and_codes_are_accepted_and_unchanged_rows_ignored(synced):
    assert cases.read_workbook(east_workbook(synced, "en"), "cases.xlsx", TOWN, synced) == []
    data = edited(east_workbook(synced, "en"), {(2, "Status"): "已追回", (2, "Amount recovered (¥)"): "1,234.50",
                                                (3, "Status"): "false alarm", (4, "Status"): "no_action"})
    # 1,234.50 is read as 1234.50, more than A's 235: read_workbook checks every rule and names the row
    with pytest.raises(CaseUpdateError) as caught:
        cases.read_workbook(data, "cases.xlsx", TOWN, synced)
    assert rules(caught.value) == [("amount_over", A, 2, "amount_recovered")]
    assert "¥1234.50" in str(caught.value)
    ok = edited(data, {(2, "Amount recovered (¥)"): "¥200"})
    got = cases.read_workbook(ok, "cases.xlsx", TOWN, synced)
    assert [(c.case_key, c.status, c.amount_recovered, c.row) for c in got] == [
        (A, "recovered", Decimal("200.00"), 2), (B, "false_alarm", None, 3), (D, "no_action", None, 4)]
    assert cases.upload(synced, TOWN, ok, "cases.xlsx") == 3
    # the same file again: the rows differ from the download but not from what is stored
    assert cases.upload(synced, TOWN, ok, "cases.xlsx") == 0


def test_a_status_or_amount_the_file_cannot_mean_is_named_with_its_row(synced):
    data = edited(east_workbook(synced), {(2, "处理状态"): "处理完了", (3, "已追回金额（元）"): "十元"})
    with pytest.raises(CaseUpdateError) as caught:
        cases.read_workbook(data, "x.xlsx", TOWN, synced)
    assert rules(caught.value) == [("not_user_status", A, 2, "status"), ("bad_amount", B, 3, "amount_recovered")]
    assert "「处理完了」" in caught.value.messages("zh")[0]


def test_a_file_that_is_not_our_workbook_gives_a_clear_error(synced, tmp_path):
    plain = openpyxl.Workbook()
    plain.active.append(["案件编号", "处理状态"])
    buf = io.BytesIO()
    plain.save(buf)
    ours = east_workbook(synced)
    book = openpyxl.load_workbook(io.BytesIO(ours))
    book.worksheets[0].delete_cols(len(list(book.worksheets[0][1])))   # the note column
    no_note = io.BytesIO()
    book.save(no_note)
    for data, rule, column in ((b"", "empty_file", None), ("案件编号,处理状态\n".encode(), "not_xlsx", None),
                               (ours[:200], "not_xlsx", None), (buf.getvalue(), "not_ours", None),
                               (no_note.getvalue(), "missing_column", "note")):
        with pytest.raises(CaseUpdateError) as caught:
            cases.read_workbook(data, "上传.xlsx", TOWN, synced)
        [e] = caught.value.errors
        assert (e.rule, e.file, e.column) == (rule, "上传.xlsx", column)
        assert caught.value.messages("zh")[0].startswith("上传.xlsx")
    assert "column “Note” · This column is missing." in str(caught.value)


def test_a_status_set_before_a_rebuild_is_there_after_it(ops_url, tmp_path, monkeypatch):
    """`python -m subsidy build` syncs the worklist of the database it built (access.case_sync): the tiny
    district's P004 (西湖镇) died 2020-08-20 and was paid the nursing subsidy for September (Y07, 135
    yuan): case stop:NS:P004:2020-09. A status set on it survives a rebuild; a load without that payment
    marks it resolved by the data, keeping its follow-up."""
    monkeypatch.setenv(ops.ENV, ops_url)
    monkeypatch.setenv("SUBSIDY_DB", str(tmp_path / "subsidy.duckdb"))
    rows_ = district()
    src = write_district(tmp_path / "src", rows_)
    assert cli(["build", "--source", str(src)]) == 0
    eng = ops.make_engine(ops_url)
    key = "stop:NS:P004:2020-09"
    before = cases.statuses(eng, [key], snapshot=True).iloc[0]
    assert (before["status"], before["gap"], float(before["amount_yuan"])) == ("pending", "stop:death", 135.0)
    west = Principal(10, "chen", "town_caseworker", town="西湖镇")
    assert cases.update(eng, west, [CaseChange(key, "recovered", 135)], source="page") == 1
    assert cli(["build", "--source", str(src), "--force"]) == 0          # the analytical file is replaced
    after = status_of(eng, key)
    assert (after["status"], after["amount_recovered"]) == ("recovered", Decimal("135.00"))
    assert pd.isna(after["resolved_at"])
    rows_["payments"] = [p for p in rows_["payments"] if p["payment_id"] != "Y07"]   # the payment reversed
    src2 = write_district(tmp_path / "src2", rows_)
    assert cli(["build", "--source", str(src2), "--force"]) == 0
    gone = status_of(eng, key)
    assert gone["status"] == "resolved_by_data" and gone["amount_recovered"] == Decimal("135.00")
    assert list(cases.history(eng, key)["new_status"]) == ["pending", "recovered", "resolved_by_data"]
    eng.dispose()


def test_in_sync_says_when_a_sync_would_change_nothing(ops_url):
    from access import case_sync

    eng = ops.make_engine(ops_url)
    assert not case_sync.in_sync(eng, current(), "L1")                 # nothing stored yet
    cases.sync(eng, current(), "L1")
    assert case_sync.in_sync(eng, current(), "L1")                     # the build synced: the dashboard skips it
    assert not case_sync.in_sync(eng, current(), "L2")                 # a new load
    assert not case_sync.in_sync(eng, current(A, B, C), "L1")          # a case fewer than stored
    cases.sync(eng, current(A, B, C), "L2")                            # D resolved by the data
    assert case_sync.in_sync(eng, current(A, B, C), "L2")
    eng.dispose()


def test_a_build_stands_when_the_operational_database_is_down(tmp_path, monkeypatch, capsys):
    """The load is done when the follow-up cannot be synced (here the operational database's path is a
    folder): exit 0, a warning naming the database, and the dashboard syncs when it next opens the file."""
    (tmp_path / "ops_is_a_folder").mkdir()
    monkeypatch.setenv(ops.ENV, f"sqlite:///{tmp_path / 'ops_is_a_folder'}")
    monkeypatch.setenv("SUBSIDY_DB", str(tmp_path / "subsidy.duckdb"))
    src = write_district(tmp_path / "src", district())
    assert cli(["build", "--source", str(src)]) == 0
    err = capsys.readouterr().err
    assert "follow-up of worklist cases was not synced" in err and "ops_is_a_folder" in err and "Traceback" not in err
    assert (tmp_path / "subsidy.duckdb").exists()
