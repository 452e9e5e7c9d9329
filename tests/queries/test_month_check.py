"""The month's check (每月核查) and the worklist on a tiny hand-built district.

Data range: 2020 only (one parameters row), so the data's last month is 2020-12. Living subsidy LS =
30% of 1015 = 304.5 → 305 yuan (whole yuan, half away from zero). Every figure below is worked out by
hand from the rows of the fixture (METRICS.md: state on day 1 of M; an event dated in M counts from M+1).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import queries
from tests.queries.test_views import build, event, pay, person

APR, MAY, JUN, JUL, AUG = (dt.date(2020, m, 1) for m in (4, 5, 6, 7, 8))


@pytest.fixture
def check_con(tmp_path):
    persons = [person("D1", grade=1), person("DB1"), person("MV1"), person("U1", town="西城街道"), person("L3"),
               person("OK1"), person("W1"), person("N1", grade=1, nursing=1)]
    events = [
        event("D1", "death", "2020-03-20"),                                                    # dead from April
        event("DB1", "dibao_start", "2019-06-10"), event("DB1", "dibao_end", "2020-05-15"),   # 低保 until May
        event("MV1", "dibao_start", "2019-01-10"), event("MV1", "moved_out", "2020-07-10"),   # gone from August
        event("U1", "dibian_start", "2020-09-15"),                                            # 低边 Oct..Dec
        event("L3", "dibao_start", "2019-01-10"),                                             # 低保 all year
        event("OK1", "dibao_start", "2019-01-10"),
        event("W1", "dibao_start", "2019-01-10"),
    ]
    payments = (
        [pay(f"d1-{m}", "D1", "NS", f"2020-{m:02d}", 1010, tier=1) for m in range(1, 6)]     # Apr, May after death
        + [pay(f"db1-{m}", "DB1", "LS", f"2020-{m:02d}", 305) for m in range(1, 7)]        # June after 低保 end
        + [pay(f"mv1-{m}", "MV1", "LS", f"2020-{m:02d}", 305) for m in range(1, 8)]        # stopped in time
        + [pay(f"l3-{m}", "L3", "LS", f"2020-{m:02d}", 305) for m in range(3, 13)]         # Jan, Feb not paid
        + [pay(f"ok-{m}", "OK1", "LS", f"2020-{m:02d}", 305) for m in range(1, 13)]
        + [pay(f"w1-{m}", "W1", "LS", f"2020-{m:02d}", 300 if m <= 3 else 305) for m in range(1, 13)]  # 5 short
        + [pay(f"n1-{m}", "N1", "NS", f"2020-{m:02d}", 135 if m in (5, 6) else 1010, tier=6 if m in (5, 6) else 1)
           for m in range(1, 13)]                                                          # grade 1, level 1: tier 1
    )
    return build(tmp_path, persons=persons, status_events=events, payments=payments)


def rows(con, month, check=None, **kw):
    out = queries.month_check(con, month, check=check, **kw)
    return {(r.person_id, r.check): r for r in out.itertuples()}


def test_a_death_puts_the_person_on_aprils_stop_list(check_con):
    april = rows(check_con, "2020-04", "stop")
    assert set(april) == {("D1", "stop")}
    d1 = april[("D1", "stop")]
    # died 2020-03-20: March is paid rightly, April is the first month the state does not allow
    assert (d1.reason, d1.months, d1.amount_yuan) == ("death", 1, 1010.0)
    assert pd.Timestamp(d1.since) == pd.Timestamp("2020-03-20") and pd.Timestamp(d1.run_start) == pd.Timestamp(APR)
    assert d1.case_key == "stop:NS:D1:2020-04" and d1.follow_up
    # the case: April and May paid after death = 2 months, 2,020 yuan
    assert (d1.case_months, d1.case_amount_yuan) == (2, 2020.0)
    # May: the same case, paid again; June: paid for May, so still on the payroll (nothing paid for June)
    may, june = rows(check_con, MAY, "stop")[("D1", "stop")], rows(check_con, JUN, "stop")[("D1", "stop")]
    assert (may.case_key, may.months, may.amount_yuan) == ("stop:NS:D1:2020-04", 2, 1010.0)
    assert (june.case_key, june.months) == ("stop:NS:D1:2020-04", 3) and pd.isna(june.amount_yuan)
    assert ("D1", "stop") not in rows(check_con, JUL, "stop")


def test_dibao_end_and_move_out(check_con):
    june = rows(check_con, JUN, "stop")
    db1 = june[("DB1", "stop")]
    assert (db1.reason, db1.amount_yuan, db1.case_months, db1.case_amount_yuan) == ("household", 305.0, 1, 305.0)
    assert pd.Timestamp(db1.since) == pd.Timestamp("2020-05-15")
    # moved out 2020-07-10: gone from August; paid for July, so August's list has MV1 (stop before paying),
    # and the payroll did stop: no money, no follow-up case (August is not the data's last month)
    mv1 = rows(check_con, AUG, "stop")[("MV1", "stop")]
    assert (mv1.reason, mv1.follow_up) == ("moved_out", False) and pd.isna(mv1.amount_yuan)
    assert pd.Timestamp(mv1.since) == pd.Timestamp("2020-07-10")


def test_start_list_counts_the_months_waited(check_con):
    jan, feb, mar = (rows(check_con, dt.date(2020, m, 1), "start") for m in (1, 2, 3))
    assert jan[("L3", "start")].months == 1 and feb[("L3", "start")].months == 2 and ("L3", "start") not in mar
    assert jan[("L3", "start")].case_key == "start:LS:L3:2020-01"
    assert (feb[("L3", "start")].case_months, feb[("L3", "start")].case_amount_yuan) == (2, 610.0)
    dec = rows(check_con, dt.date(2020, 12, 1), "start")
    assert set(dec) == {("U1", "start")}
    u1 = dec[("U1", "start")]
    assert (u1.months, u1.amount_yuan, u1.case_months, u1.case_amount_yuan) == (3, 305.0, 3, 915.0)   # Oct..Dec


def test_retier_list_finds_a_wrong_amount_and_a_wrong_tier(check_con):
    feb = rows(check_con, dt.date(2020, 2, 1), "retier")
    w1 = feb[("W1", "retier")]
    # paid 300 instead of 305 for Jan..Mar: one case from January, 5 short each month
    assert (w1.case_key, w1.reason, w1.months, w1.amount_yuan) == ("retier:LS:W1:2020-01", "amount", 2, -5.0)
    assert (w1.case_months, w1.case_amount_yuan) == (3, -15.0)
    may = rows(check_con, MAY, "retier")
    n1 = may[("N1", "retier")]
    # grade 1, nursing level 1 → tier 1 (1010); paid tier 6 (135) in May and June: 875 short each month
    assert (n1.case_key, n1.reason, n1.amount_yuan, n1.case_months, n1.case_amount_yuan) == (
        "retier:NS:N1:2020-05", "tier", -875.0, 2, -1750.0)
    assert set(rows(check_con, JUL, "retier")) == set()
    # the same payments are the year view's gaps (one definition)
    assert sorted(queries.gap_people(check_con, gap="wrong_living_amount", year=2020).payment_id) == \
        ["w1-1", "w1-2", "w1-3"]
    assert sorted(queries.gap_people(check_con, gap="wrong_nursing_tier", year=2020).payment_id) == ["n1-5", "n1-6"]


def test_summary_and_town_filter(check_con):
    s = queries.month_check_summary(check_con, "2020-06").set_index(["check", "reason"])
    # June: D1 (on the payroll for May, dead) and DB1 (paid June after 低保 end); nobody to start; N1 paid tier 6
    assert s.loc[("stop", "death"), ["cases", "persons", "paid_cases", "amount_yuan"]].tolist() == [1, 1, 0, 0.0]
    assert s.loc[("stop", "household"), ["cases", "paid_cases", "amount_yuan"]].tolist() == [1, 1, 305.0]
    assert s.loc[("retier", "tier"), ["cases", "persons", "amount_yuan"]].tolist() == [1, 1, -875.0]
    assert list(s.index.get_level_values(0).unique()) == ["stop", "retier"]
    west = queries.month_check(check_con, "2020-12", town="西城街道")
    assert west.person_id.tolist() == ["U1"]
    assert queries.month_check(check_con, "2020-12", town="东城街道").person_id.tolist() == []


def test_worklist_keeps_the_cases_that_need_someone(check_con):
    w = queries.worklist(check_con).set_index("case_key")
    assert sorted(w.index) == ["retier:LS:W1:2020-01", "retier:NS:N1:2020-05", "start:LS:L3:2020-01",
                               "start:LS:U1:2020-10", "stop:LS:DB1:2020-06", "stop:NS:D1:2020-04"]
    assert w.loc["stop:NS:D1:2020-04", ["item", "months", "amount_yuan"]].tolist() == ["stop:death", 2, 2020.0]
    assert w.loc["start:LS:U1:2020-10", "listed_last"] and not w.loc["stop:NS:D1:2020-04", "listed_last"]
    assert w.loc["stop:LS:DB1:2020-06", "first_listed"] == JUN and w.loc["stop:LS:DB1:2020-06", "last_listed"] == JUL
    assert queries.worklist(check_con, item="stop:death").index.size == 1


def test_month_and_check_are_checked(check_con):
    with pytest.raises(ValueError, match="check"):
        queries.month_check(check_con, "2020-04", check="later")
    with pytest.raises(ValueError, match="month"):
        queries.month_check(check_con, "April")
    assert queries.check_months(check_con)[-1] == dt.date(2020, 12, 1) and len(queries.check_months(check_con)) == 12


def test_adequacy_is_paid_per_person_month_over_the_dibao_standard(check_con):
    out = queries.adequacy(check_con, 2020).set_index("program_id")
    # LS: DB1 6 + MV1 7 + L3 10 + OK1 12 + W1 12 = 47 paid months; 47 × 305 − W1's 3 × 5 short = 14,320
    ls = out.loc["LS"]
    assert (ls.persons, ls.person_months, ls.spend_yuan) == (5, 47, 47 * 305.0 - 15)
    assert ls.monthly_yuan == pytest.approx(14320 / 47) and ls.adequacy == pytest.approx(14320 / 47 / 1015)
    # NS: D1 paid Jan..May at 1010 (two of them after death: adequacy counts what was paid), N1 10 × 1010 + 2 × 135
    assert out.loc["NS", ["persons", "person_months"]].tolist() == [2, 17]
    assert out.loc["NS", "adequacy"] == pytest.approx((15 * 1010 + 270) / 17 / 1015)
    west = queries.adequacy(check_con, 2020, town="西城街道").set_index("program_id")   # U1 was never paid
    assert west.loc["LS", "persons"] == 0 and pd.isna(west.loc["LS", "adequacy"])
