"""Issue 11's amount, tier, move-out and medication gaps on a tiny hand-built district.

Every expected number is worked out by hand in the comments (shared/METRICS.md month rule: an event dated
in M takes effect from M+1). The district reuses the builders of test_views; it adds the demo
catalogue's limb rehabilitation program XM03 (its tiers are in queries/seeds/tier_conditions.csv by
program_id) and the nursing tiers 2 and 3 (described by the seed's nursing_subsidy rows, which the
test's NS program gets through its rule key).
"""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from test_views import PROGRAMS, TIERS, build, event, pay, person, program

import queries
from queries.install import load_seed, validate_tier_conditions

XM03 = program("XM03", "肢体残疾康复训练补贴", "康复", "per_claim", None)
XM03_TIERS = [dict(program_id="XM03", tier=t, amount=a, condition=c) for t, a, c in (
    (1, 6000, "成年三、四级"), (2, 10000, "成年二级"), (3, 18000, "成年一级"),
    (4, 30000, "18周岁以下三、四级"), (5, 36000, "18周岁以下一、二级"))]
NS_TIERS = [dict(program_id="NS", tier=2, amount=540, condition="一级,护理等级二级"),
            dict(program_id="NS", tier=3, amount=405, condition="二级,护理等级一级")]
NEW_GAPS = ["paid_after_moved_out", "wrong_living_amount", "wrong_nursing_tier", "tier_outside_age_band",
            "rehab_over_cap", "medication_missed"]


def ls(pid, months, amount):
    return [pay(f"{pid}-{m:02d}", pid, "LS", f"2020-{m:02d}", amount) for m in months]


def med(pid, month, dispensed, year=2020):
    return dict(person_id=pid, month=f"{year}-{month:02d}-01", prescribed=1, dispensed=dispensed)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    persons = [
        person("MV1"), person("WL1"),                                   # 低保 households, grade 4 肢体
        person("WN1", grade=2, nursing=1),                               # nursing tier 3 (二级, 护理等级一级)
        person("NN1", grade=1),                                          # grade 1, nursing level unknown
        person("AD1", birth="1986-06-15", grade=3),                      # an adult
        person("CH1", birth="2005-06-15", grade=3),                      # a child of 14
        person("BD1", birth="2002-04-10", grade=4),                      # 17 in March 2020, 18 from April
        person("OC1", grade=4),
        person("MD1", category="精神"), person("MD2", category="精神"), person("MD3", category="精神"),
    ]
    events = [event("MV1", "dibao_start", "2018-05-01"), event("MV1", "moved_out", "2020-03-20"),
              event("WL1", "dibao_start", "2018-05-01")]
    payments = (
        ls("MV1", range(1, 6), 318)             # moved out 2020-03-20 → April and May are after it
        + ls("WL1", (1, 2, 3), 290)             # 2019's amount (30% × 967) kept after January's raise
        + ls("WL1", (4, 5), 318)                # 30% × 1060 = 318: right
        + [pay("wn1-01", "WN1", "NS", "2020-01", 540, tier=2), pay("wn1-02", "WN1", "NS", "2020-02", 540, tier=2),
           pay("wn1-03", "WN1", "NS", "2020-03", 405, tier=3),
           pay("nn1-01", "NN1", "NS", "2020-01", 1010, tier=1),   # no nursing level: no tier can be named
           pay("ad1-03", "AD1", "XM03", "2020-03", 12000, tier=4),
           pay("ad1-07", "AD1", "XM03", "2020-07", 9000, tier=4),
           pay("ch1-05", "CH1", "XM03", "2020-05", 10000, tier=4),
           pay("bd1-03", "BD1", "XM03", "2020-03", 8000, tier=4), pay("bd1-07", "BD1", "XM03", "2020-07", 8000, tier=4),
           pay("oc1-02", "OC1", "XM03", "2020-02", 4000, tier=1), pay("oc1-05", "OC1", "XM03", "2020-05", 3000, tier=1)]
    )
    medication = ([med("MD1", m, 0 if m in (3, 4, 6) else 1) for m in range(1, 7)]
                  + [med("MD2", m, 0 if m == 5 else 1) for m in range(1, 7)]
                  # December 2019 and January 2020 missed: a case of 2020, the year of its second month
                  + [med("MD3", 11, 1, 2019), med("MD3", 12, 0, 2019), med("MD3", 1, 0), med("MD3", 2, 1)])
    return build(tmp_path_factory.mktemp("amounts"), persons=persons, status_events=events, payments=payments,
                 medication=medication, programs=PROGRAMS + [XM03], program_tiers=TIERS + NS_TIERS + XM03_TIERS,
                 parameters=[dict(year=2019, dibao_standard=967), dict(year=2020, dibao_standard=1060)])


def cases(con, gap):
    return queries.gap_people(con, gap=gap, year=2020)


def test_each_new_gap_is_found_once_with_its_money(con):
    summary = queries.census_gaps(con, year=2020).set_index("gap")
    got = {g: summary.loc[g, ["persons", "cases"]].tolist() for g in NEW_GAPS}
    assert got == {
        "paid_after_moved_out": [1, 2],       # MV1 April, May
        "wrong_living_amount": [1, 3],        # WL1 January–March
        "wrong_nursing_tier": [1, 2],         # WN1 January, February
        "tier_outside_age_band": [1, 2],      # AD1's two claims (BD1 was 17 in his first claim month)
        "rehab_over_cap": [1, 1],             # OC1's year
        "medication_missed": [2, 2],          # MD1 Mar–Apr, MD3 Dec–Jan (MD2's single month, MD1's June: no)
    }
    money = summary.amount_yuan
    assert money["paid_after_moved_out"] == 2 * 318
    assert money["wrong_living_amount"] == 3 * (290 - 318)           # −84: underpaid, owed to WL1
    assert money["wrong_nursing_tier"] == 2 * (540 - 405)            # +270: overpaid, to recover
    assert money["tier_outside_age_band"] == 12000 + 9000
    assert money["rehab_over_cap"] == 4000 + 3000 - 6000
    assert summary.loc["medication_missed", "months"] == 2 + 2 and pd.isna(money["medication_missed"])


def test_move_out_cases_start_the_month_after_the_move(con):
    moved = cases(con, "paid_after_moved_out")
    assert sorted(moved.payment_id) == ["MV1-04", "MV1-05"]
    assert (moved.since == pd.Timestamp("2020-03-20")).all()
    # still 低保 after the move: not a 低保-end case, and 318 is the right amount
    assert cases(con, "paid_after_dibao_end").empty


def test_wrong_amounts_and_tiers_name_what_was_due(con):
    living = cases(con, "wrong_living_amount")
    assert sorted(living.payment_id) == ["WL1-01", "WL1-02", "WL1-03"]
    assert set(living.amount_yuan) == {-28.0}
    assert living.detail_zh.iloc[0] == "2020-01 生活补贴金额错误 困难残疾人生活补贴 290 元（应发 318 元）"
    nursing = cases(con, "wrong_nursing_tier")
    assert sorted(nursing.payment_id) == ["wn1-01", "wn1-02"]
    assert nursing.detail_zh.iloc[0] == ("2020-01 护理补贴档次错误 重度残疾人护理补贴 540 元"
                                         "（第 2 档，应为第 3 档 405 元）")


def test_expected_amount_and_tier_per_payment(con):
    rows = con.execute(
        "select payment_id, expected_amount::double as expected_amount, expected_tier, amount_basis from int_payments"
    ).df().set_index("payment_id")
    # the living subsidy's due amount is 30% × 1060 = 318 in every month of 2020; it has no tier seed
    assert rows.loc["WL1-01", ["expected_amount", "amount_basis"]].tolist() == [318.0, "dibao_share"]
    assert pd.isna(rows.loc["WL1-01", "expected_tier"])
    assert rows.loc["wn1-03", ["expected_amount", "expected_tier", "amount_basis"]].tolist() == [405.0, 3, "tier"]
    # NN1: grade 1 with no nursing level matches no tier; a per-claim payment has no due amount
    assert rows.loc["nn1-01"].isna().all()
    assert pd.isna(rows.loc["ch1-05", "expected_amount"]) and rows.loc["ch1-05", "expected_tier"] == 4
    assert rows.loc["ad1-03", "expected_tier"] == 1          # an adult of grade 3: 成年三、四级


def test_age_band_is_judged_in_the_first_claim_month(con):
    outside = cases(con, "tier_outside_age_band")
    assert sorted(outside.payment_id) == ["ad1-03", "ad1-07"]
    # born 1986-06-15: 33 on 2020-03-01, the first claim month (the July claim is judged on March too)
    assert outside.detail.tolist() == ["tier 4 (age <=17) paid at age 33 (2020-03)"] * 2
    judged = dict(con.execute(
        "select payment_id, age_years_judged from int_payments where person_id = 'BD1'").fetchall())
    assert judged == {"bd1-03": 17, "bd1-07": 17}            # 18 by July, but the episode began at 17


def test_over_cap_year_and_missed_medication_runs(con):
    over = cases(con, "rehab_over_cap").iloc[0]
    assert (over.person_id, over.program_id, over.amount_yuan) == ("OC1", "XM03", 1000.0)
    assert pd.Timestamp(over.since) == pd.Timestamp("2020-05-15")   # the claim that crossed 6000
    missed = cases(con, "medication_missed")
    assert [(r.person_id, r.months, pd.Timestamp(r.since)) for r in missed.itertuples()] == [
        ("MD1", 2, pd.Timestamp("2020-03-01")), ("MD3", 2, pd.Timestamp("2019-12-01"))]
    assert queries.gap_people(con, gap="medication_missed", year=2019).empty


def test_tier_seed_is_validated_at_install(tmp_path):
    bad = tmp_path / "tier_conditions.csv"
    good = (queries.install.SEED_DIR / "tier_conditions.csv").read_text(encoding="utf-8")
    bad.write_text(good + ",XM99,1,持证,,5,,,,grade five\n", encoding="utf-8")
    c = duckdb.connect()
    load_seed(c, "tier_conditions", bad)
    with pytest.raises(ValueError, match="XM99/tier 1: bad grades '5'"):
        validate_tier_conditions(c)
    bad.write_text(good + "nursing_subsidy,XM02,1,持证,,1,,,,both keys\n", encoding="utf-8")
    load_seed(c, "tier_conditions", bad)
    with pytest.raises(ValueError, match="exactly one of rule and program_id"):
        validate_tier_conditions(c)
