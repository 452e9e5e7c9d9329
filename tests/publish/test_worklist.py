"""publish.worklist: the recovery ledger's money rules and the worklist's order, worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from publish import charts, worklist

TODAY = dt.date(2026, 3, 31)


def case(key, item, town, month, amount, status="pending", recovered=None, opened="2026-01-01", updated=None):
    return dict(case_key=key, item=item, town=town, month=month, amount_yuan=amount, status=status,
                amount_recovered=recovered, opened_at=pd.Timestamp(opened, tz="UTC"),
                updated_at=pd.Timestamp(updated, tz="UTC") if updated else pd.NaT)


@pytest.fixture
def stored():
    return pd.DataFrame([
        # 城东: a death paid 2 months (2,020 overpaid), 1,010 recovered so far, still being followed
        case("stop:NS:D1:2020-04", "stop:death", "城东", "2020-04", 2020.0, "recovered", 1010.0, updated="2026-02-01"),
        # 城东: a duplicate payment of 305, nobody has looked at it for 89 days (overdue)
        case("duplicate_payment:LS:P2::p9", "duplicate_payment", "城东", "2020-05", 305.0),
        # 城西: a false alarm (overpaid nothing), and a start case owing 915 (money owed, not overpaid)
        case("stop:LS:P3:2020-06", "stop:household", "城西", "2020-06", 305.0, "false_alarm", updated="2026-03-01"),
        case("start:LS:U1:2020-10", "start:unpaid", "城西", "2020-10", 915.0, opened="2026-03-15"),
        # 城西: paid 5 yuan a month too little for 3 months: owed 15, not overpaid
        case("retier:LS:W1:2020-01", "retier:amount", "城西", "2020-01", -15.0, opened="2026-03-30"),
    ])


def test_ledger_by_town(stored):
    out = worklist.ledger(stored, "town", TODAY).set_index("town")
    # 城东: overpaid 2020 + 305 = 2325; recovered 1010; outstanding 1010 + 305 = 1315; 1 overdue (89 days open)
    assert out.loc["城东", ["cases", "open", "overdue", "overpaid", "recovered", "outstanding", "owed"]].tolist() \
        == [2, 1, 1, 2325.0, 1010.0, 1315.0, 0.0]
    # 城西: the false alarm overpaid nothing; owed 915 + 15; both open, none overdue (16 and 1 days)
    assert out.loc["城西", ["cases", "open", "overdue", "overpaid", "outstanding", "owed"]].tolist() \
        == [3, 2, 0, 0.0, 0.0, 930.0]
    assert list(out.index) == ["城东", "城西"]           # rows with overdue cases first


def test_ledger_by_item_and_month(stored):
    by_item = worklist.ledger(stored, "item", TODAY).set_index("item")
    assert by_item.loc["stop:death", "outstanding"] == 1010.0 and by_item.loc["duplicate_payment", "overdue"] == 1
    by_month = worklist.ledger(stored, "month", TODAY)
    assert by_month["month"].tolist() == ["2020-01", "2020-04", "2020-05", "2020-06", "2020-10"]
    with pytest.raises(ValueError, match="town, month or item"):
        worklist.ledger(stored, "person", TODAY)
    assert worklist.ledger(stored.iloc[:0], "town", TODAY).empty


def test_days_open_and_overdue_first(stored):
    out = worklist.overdue_first(stored, TODAY)
    # open cases count to today; a closed one to its last update (the recovered case: Jan 1 → Feb 1 = 31 days)
    days = dict(zip(out["case_key"], out["days_open"]))
    assert days["duplicate_payment:LS:P2::p9"] == 89 and days["stop:NS:D1:2020-04"] == 31
    assert days["start:LS:U1:2020-10"] == 16 and days["retier:LS:W1:2020-01"] == 1
    assert out["case_key"].iloc[0] == "duplicate_payment:LS:P2::p9" and out["overdue"].tolist().count(True) == 1


def test_item_words():
    zh, en = charts.labels("zh"), charts.labels("en")
    assert worklist.item_label("stop:death", zh) == "停发 · 死亡"
    assert worklist.item_label("start:unpaid", en) == "Start · Eligible, not paid"
    assert worklist.item_label("duplicate_payment", zh) == zh.gap("duplicate_payment") == "重复发放"


def test_edited_rows_become_changes():
    zh = charts.labels("zh")
    s, a, n, k = (zh(c) for c in ("case.col.status", "case.col.amount_recovered", "case.col.note", "case.col.case_key"))
    before = pd.DataFrame({k: ["c1", "c2", "c3"], s: ["待核实"] * 3, a: [None, None, 10.0], n: ["", "", "x"]})
    after = before.copy()
    after.loc[0, [s, a]] = ["已追回", 305.0]          # recovered 305
    after.loc[2, n] = "  "                             # note cleared (blank = none)
    codes = {"待核实": "pending", "已追回": "recovered"}
    assert worklist.edited(before, after, codes, zh) == [
        dict(case_key="c1", status="recovered", amount_recovered=305.0, note=None),
        dict(case_key="c3", status="pending", amount_recovered=10.0, note=None),
    ]
    assert worklist.edited(before, before.copy(), codes, zh) == []
