"""Personal data in rejected rows and in the files a load writes (issue 9, "Personal data").

tests/contract_fixtures.hostile_district(): the hand-written district with the extra columns a
federation's export really carries and two rows broken on purpose so that they land in `rejects`
(P006, persons row 7, enum; Y03, payments row 4, a bank card typed into its amount).

Worked out by hand from the rule (contract/masking.sql): a column the contract does not know is
masked whole by mask_id (shorter than 15 characters: all '*'; else 4 + 2 kept), a contract column
keeps its text with every ID/phone/card shape masked by mask_personal.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import duckdb
import pytest

from contract.masking import find_personal
from loader import readers
from subsidy.build import build_database
from tests.contract_fixtures import district, hostile_district, write_district


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    d, _ = hostile_district()
    root = tmp_path_factory.mktemp("hostile")
    build_database(write_district(root / "src", d), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


def rejects_rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select file, row_number, column_name, rule, value, reason_zh, reason_en, raw_row "
                           "from rejects order by file, row_number").fetchall()


def test_rejected_rows_keep_no_personal_value_unmasked(hostile_db):
    rows = rejects_rows(hostile_db)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("payments.csv", 4, "amount", "money"),
                                                         ("persons.csv", 7, "sex", "enum")]
    dump = json.dumps(rows, ensure_ascii=False, default=str)
    _, secrets = hostile_district()
    for secret in secrets:
        assert secret not in dump, secret
    for r in rows:
        assert find_personal(" ".join(str(x) for x in r)) == []


def test_rejected_person_row_masked_column_by_column(hostile_db):
    (person,) = [r for r in rejects_rows(hostile_db) if r[0] == "persons.csv"]
    raw = json.loads(person[7])
    assert raw["监护人"] == "***"                         # 3 characters, a column the contract does not know
    assert raw["联系电话"] == "*" * 11
    assert raw["银行卡号"] == "6222" + "*" * 13 + "23"
    assert raw["残疾证号"] == "3301" + "*" * 14 + "11"     # the ID number inside is gone
    assert raw["家庭住址"] == "浙江省杭" + "*" * 12 + "5幢"
    assert raw["village"] == "一村 " + "*" * 11          # contract column: only the phone in it is masked
    assert raw["name"] == "欧***" and raw["id_number"] == "3301" + "*" * 12 + "6X"
    assert (raw["person_id"], raw["sex"], raw["town"]) == ("P006", "X", "东城街道")   # safe: as written


def test_rejected_payment_masks_the_card_typed_into_a_typed_column(hostile_db):
    (payment,) = [r for r in rejects_rows(hostile_db) if r[0] == "payments.csv"]
    assert payment[4] == "6217" + "*" * 10 + "90"          # rejects.value: the offending cell, masked
    raw = json.loads(payment[7])
    assert raw["amount"] == "6217" + "*" * 10 + "90"
    assert raw["收款人"] == "***" and raw["收款账号"] == "6222" + "*" * 13 + "23"
    assert (raw["payment_id"], raw["person_id"], raw["period"]) == ("Y03", "P001", "2020-03")


# ---------------------------------------------------------------- file modes
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_is_readable_by_its_owner_only(tmp_path):
    db = tmp_path / "subsidy.duckdb"
    build_database(write_district(tmp_path / "src"), db)
    assert mode(db) == 0o600
    build_database(write_district(tmp_path / "src"), db)   # a second load replaces it: still 0600
    assert mode(db) == 0o600


def test_scratch_files_of_a_load_are_private(tmp_path, monkeypatch):
    """While a load runs, the temp database beside the target and the scratch folder (with its
    transcoded copies of the files) are readable by the owner only."""
    d = district()
    src = write_district(tmp_path / "src", d)
    # a GB18030 file is transcoded into the scratch folder: there is a scratch file to look at
    (src / "persons.csv").write_bytes((src / "persons.csv").read_text(encoding="utf-8").encode("gb18030"))
    seen: dict[str, int] = {}
    real_prepare = readers.prepare

    def spy(name, path, scratch):
        prep = real_prepare(name, path, scratch)
        for p in [Path(scratch), *Path(scratch).rglob("*"), *tmp_path.glob("subsidy.duckdb.tmp-*")]:
            seen[str(p)] = mode(p)
        return prep

    monkeypatch.setattr("loader.load.prepare", spy)
    build_database(src, tmp_path / "subsidy.duckdb")
    assert any(".tmp-" in p for p in seen) and any(p.endswith(".csv") for p in seen), seen
    for path, m in seen.items():
        assert m & 0o077 == 0, (path, oct(m))


def test_umask_is_put_back_after_a_load(tmp_path):
    before = os.umask(0o022)
    try:
        build_database(write_district(tmp_path / "src"), tmp_path / "subsidy.duckdb")
        probe = tmp_path / "after.txt"
        probe.write_text("x")
        assert mode(probe) == 0o644
    finally:
        os.umask(before)


def test_umask_is_put_back_after_a_failed_load(tmp_path):
    before = os.umask(0o022)
    try:
        with pytest.raises(readers.ContractError):
            build_database(tmp_path / "no such folder", tmp_path / "subsidy.duckdb")
        probe = tmp_path / "after_failure.txt"
        probe.write_text("x")
        assert mode(probe) == 0o644
    finally:
        os.umask(before)


def test_a_local_number_without_area_code_in_a_rejected_row_is_masked(tmp_path):
    """An 8-digit local phone number (no area code) typed into a village: masked in rejects like a mobile."""
    d = district()
    d["persons"][5]["sex"] = "X"                                   # P006, row 7: rejected (enum)
    d["persons"][5]["village"] = "一村（联系 88123456）"
    build_database(write_district(tmp_path / "src", d), tmp_path / "subsidy.duckdb", force=True)
    (row,) = rejects_rows(tmp_path / "subsidy.duckdb")
    assert json.loads(row[7])["village"] == "一村（联系 ********）"
    assert "88123456" not in json.dumps(row, ensure_ascii=False, default=str)
