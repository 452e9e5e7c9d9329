"""The one masking rule (contract/masking.sql): hand-worked values, and properties checked against the
macro as a view evaluates it.

Hand-worked: an 18-character number keeps characters 1–4 and 17–18 (12 stars between), a 15-digit one
keeps 1–4 and 14–15 (9 stars); anything shorter than 15 characters is all stars; a name keeps its
first character, a one-character name is one star.
"""
from __future__ import annotations

import threading

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract import masking
from contract.masking import find_personal, mask_id, mask_name, mask_personal, mask_series


# ---------------------------------------------------------------- hand-worked values
@pytest.mark.parametrize("value, masked", [
    ("330106195003150033", "3301************33"),   # 18 digits: 4 + 12 * + 2
    ("33010619500315003X", "3301************3X"),   # check character X kept with the last two
    ("330106500315003", "3301*********03"),         # old 15-digit number: 4 + 9 * + 2
    ("33010619500315", "**************"),           # 14 characters: shorter than any real number
    ("1234567", "*******"),                          # 4 + 2 of 7 would show nearly all of it
    ("123456", "******"),
    ("12345", "*****"),
    ("1", "*"),
    ("", ""),
    (None, None),
])
def test_mask_id_hand_worked(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("张三", "张*"),
    ("李四娘", "李**"),
    ("欧阳娜娜", "欧***"),   # a two-character surname still shows one character only
    ("王", "*"),             # one character: keeping it would show the whole name
    ("", ""),
    (None, None),
])
def test_mask_name_hand_worked(value, masked):
    assert mask_name(value) == masked


def test_mask_series_keeps_index_name_and_missing_values():
    s = pd.Series(["张三", None, float("nan"), "欧阳娜娜", "王"], index=[10, 11, 12, 13, 14], name="name")
    out = mask_series(s, "name")
    assert out.tolist() == ["张*", None, None, "欧***", "*"]
    assert out.index.tolist() == [10, 11, 12, 13, 14] and out.name == "name"
    ids = mask_series(pd.Series(["330106195003150033", "12345"]), "id_number")
    assert ids.tolist() == ["3301************33", "*****"]
    assert mask_series(pd.Series([], dtype=object), "id").tolist() == []


def test_mask_series_refuses_an_unknown_kind():
    with pytest.raises(KeyError):
        mask_series(pd.Series(["x"]), "town")


# ---------------------------------------------------------------- the shape detector
# (text, masked): every ID-number, phone and bank-card shape masked by mask_id, whatever the column
@pytest.mark.parametrize("text, masked", [
    ("330106195003150033", "3301************33"),            # ID number, 18 characters
    ("33010619500315003X", "3301************3X"),            # with the check character X
    ("330106500315003", "3301*********03"),                  # old 15-digit ID number
    ("33010619500315003311", "3301**************11"),        # 残疾证号: ID number + category + grade
    ("33010619500315003X11", "3301**************11"),        # ... with the X inside
    ("13812345678", "***********"),                          # mobile: 11 characters, all hidden
    ("138 1234 5678", "*************"),
    ("138-1234-5678", "*************"),
    ("+86 138 1234 5678", "+86 ***********78"),             # 17 characters: mask_id keeps 4 + 2
    ("0571-88123456", "*************"),                      # landline with its area code
    ("(010)12345678", "*************"),
    ("02012345678", "***********"),
    ("6222021234567890123", "6222*************23"),          # bank card, 19 digits
    ("6222 0212 3456 7890", "6222*************90"),          # in groups of four
    ("6222-0212-3456-7890-123", "6222*****************23"),
    ("１３８１２３４５６７８", "***********"),                  # full-width digits
    ("电话13812345678，卡号6222021234567890123", "电话***********，卡号6222*************23"),
    ("A330106195003150033", "A3301************33"),          # glued to letters: still a shape
    ("88123456", "********"),                                # a local number without its area code
    ("电话88123456，手机13812345678", "电话********，手机***********"),
    ("东山村（联系65123456）", "东山村（联系********）"),
    ("88123456,65123456", "********,********"),              # two sharing the comma between them
    ("20201332", "********"),                                # 8 digits that are not a date
    ("８８１２３４５６", "********"),                          # full-width
])
def test_mask_personal_hand_worked(text, masked):
    assert mask_personal(text) == masked
    assert find_personal(masked) == []


@pytest.mark.parametrize("text", [
    "2020-01-15", "2020-01-15 2020-02-14", "2019-12-02 10:30:00", "1200.25", "1,234,567.89", "285.00",
    "P001", "Y10", "A1", "F000123", "第 7 行", "身份证号应为 18 位（17 位数字加校验位），此处为 17 位或含非法字符",
    "3301************33", "***********", "康复需求(need_rehab) 应为 0 或 1：「2」", "20200115",
    "20201231", "19991231", "12345678", "123456789", "88123456.50", "3.88123456",
])
def test_mask_personal_leaves_dates_amounts_keys_and_masked_values(text):
    assert find_personal(text) == []
    assert mask_personal(text) == text


def test_find_personal_lists_each_shape_in_free_text():
    text = ('{"id_number": "330106195003150033", "证件号": "330106500315003", "masked": "3301************33", '
            '"phone": "13912345678", "card": "6222 0212 3456 7890", "amount": "二百"}')
    assert find_personal(text) == ["330106195003150033", "330106500315003", "13912345678", "6222 0212 3456 7890"]
    assert mask_personal(text) == ('{"id_number": "3301************33", "证件号": "3301*********03", '
                                   '"masked": "3301************33", "phone": "***********", '
                                   '"card": "6222*************90", "amount": "二百"}')
    assert mask_personal(None) is None and mask_personal(5) == 5 and find_personal(None) == []


def test_the_detector_is_one_sql_macro():
    """Views and the loader call mask_personal(x) in SQL; Python callers get the same macro's answer."""
    con = duckdb.connect()
    masking.install_macros(con)
    text = "监护人 13812345678 / 33010619500315003X11"
    assert con.execute("select mask_personal(?)", [text]).fetchone()[0] == mask_personal(text)
    assert con.execute("select mask_personal(null)").fetchone()[0] is None


def test_install_macros_gives_a_connection_the_same_rule():
    con = duckdb.connect()
    masking.install_macros(con)
    got = con.execute("select mask_id('330106195003150033'), mask_id('12345'), mask_id(null), "
                      "mask_name('欧阳娜娜'), mask_name('王'), mask_name('')").fetchone()
    assert got == ("3301************33", "*****", None, "欧***", "*", "")
    masking.install_macros(con)  # `create or replace`: running it twice is harmless


def test_python_callers_are_safe_from_many_threads():
    values = [f"3301061950031500{i:02d}" for i in range(40)]
    results: dict[int, list] = {}

    def work(k: int) -> None:
        results[k] = [mask_id(v) for v in values]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = [v[:4] + "*" * 12 + v[-2:] for v in values]
    assert all(r == expected for r in results.values())


# ---------------------------------------------------------------- properties
TEXT = st.one_of(st.none(), st.text(max_size=25),
                 st.text(alphabet="0123456789X", min_size=0, max_size=20),
                 st.text(alphabet="张王李欧阳娜*", min_size=0, max_size=6))


@pytest.fixture(scope="module")
def view_con():
    """A connection with the macros and a view that applies them, as queries/install.py's views do."""
    con = duckdb.connect()
    masking.install_macros(con)
    con.execute("create table t (i integer, v varchar)")
    con.execute("create view masked as select i, mask_id(v) as id_masked, mask_name(v) as name_masked from t")
    yield con
    con.close()


def shown(original: str, masked: str) -> int:
    """How many characters of `original` the masked value shows (positions not replaced by '*')."""
    assert len(masked) == len(original)
    assert all(m == "*" or m == o for o, m in zip(original, masked))
    return sum(1 for m in masked if m != "*")


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=12))
def test_python_and_the_macro_in_a_view_agree(view_con, values):
    view_con.execute("delete from t")
    if values:
        view_con.executemany("insert into t values (?, ?)", list(enumerate(values)))
    from_view = view_con.execute("select id_masked, name_masked from masked order by i").fetchall()
    assert [r[0] for r in from_view] == [mask_id(v) for v in values]
    assert [r[1] for r in from_view] == [mask_name(v) for v in values]
    series = pd.Series(values, dtype=object)
    assert mask_series(series, "id").tolist() == [r[0] for r in from_view]
    assert mask_series(series, "name").tolist() == [r[1] for r in from_view]


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_a_masked_value_never_shows_more_than_the_rule_allows(value):
    mid, mname = mask_id(value), mask_name(value)
    if value is None:
        assert mid is None and mname is None
        return
    # ID number: at most 4 + 2 characters, and never more than a 15-digit number shows (6 of 15)
    n = shown(value, mid)
    assert n <= 6 and n <= 0.4 * len(value)
    # name: at most the first character, and never the whole of a non-empty value
    n = shown(value, mname)
    assert n <= 1 and (n < len(value) or len(value) == 0)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789X +-(),:\"{}张", max_size=60))
def test_mask_personal_leaves_no_personal_shape(text):
    out = mask_personal(text)
    assert len(out) == len(text)
    assert find_personal(out) == []
    assert all(o == m or m == "*" for o, m in zip(text, out))  # only ever hides characters
