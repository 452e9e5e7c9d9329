"""Views and analyst API on tiny hand-built districts.

Every expected number below is worked out by hand from the rows of the test (the arithmetic is in
the comments), following shared/METRICS.md: state in month M = state on day 1 of M, an event dated
inside M takes effect from M+1.

Each test builds a real DuckDB file under tmp_path with the contract's typed tables
(contract.create_table_sql), inserts a handful of rows, runs queries.install.install_views and
reopens the file read-only through queries.connect, as the dashboard does.
"""
from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import queries
from contract import TABLE_ORDER, TABLES, create_table_sql
from queries.install import install_views

E, W, Q = "东城街道", "西城街道", "O'Brien街"   # towns; the third holds a quote


# ----------------------------------------------------------------------------- builders
def person(pid, *, town=E, village="一村", sex="男", birth="1980-06-15", cert="持证", category="肢体", grade=4,
           cert_date=None, nursing=None, id_number=None, name=None, hukou="城镇"):
    return dict(person_id=pid, id_number=id_number, name=name, sex=sex, birth_date=birth, town=town,
                village=village, hukou=hukou, cert_status=cert,
                category=category if cert == "持证" or category else None,
                grade=grade if cert == "持证" else None, cert_date=cert_date, nursing_level=nursing)


def event(pid, kind, date, value=None):
    return dict(person_id=pid, event=kind, event_date=date, value=value, source="test")


def pay(pay_id, pid, program, period, amount, *, paid=None, tier=None, route=None, app=None):
    return dict(payment_id=pay_id, person_id=pid, program_id=program, application_id=app, period=period + "-01",
                paid_date=paid or period + "-15", amount=amount, tier=tier, route=route)


def census_row(pid, status, *, year=2020, date=None, **needs):
    row = dict(person_id=pid, survey_year=year, survey_status=status,
               survey_date=date or ("2020-06-01" if status == "surveyed" else None))
    row.update({k: needs.get(k, 0) for k in ("need_rehab", "need_device", "need_education", "need_employment",
                                             "need_care", "need_medical_insurance")})
    return row


def program(pid, name, group, cycle, rule, trips=(2, 1), materials=(4, 2), reform=None):
    return dict(program_id=pid, name=name, name_en=pid + " en", group=group, cycle=cycle, rule=rule,
                trips_before=trips[0], trips_after=trips[1], materials_before=materials[0],
                materials_after=materials[1], reform_date=reform)


PROGRAMS = [
    program("LS", "困难残疾人生活补贴", "两项补贴", "monthly", "living_subsidy", (2, 0), (4, 0), "2020-06-01"),
    program("NS", "重度残疾人护理补贴", "两项补贴", "monthly", "nursing_subsidy", (2, 1), (4, 2), "2020-06-01"),
    program("RH", "肢体康复训练补贴", "康复", "per_claim", None, (2, 1), (3, 2)),
    program("ED", "残疾学生教育资助", "教育", "annual", None, (1, 0), (2, 0)),
]
TIERS = [
    dict(program_id="NS", tier=1, amount=1010, condition="一级"),
    dict(program_id="NS", tier=6, amount=135, condition="三级智力、精神"),
    dict(program_id="RH", tier=1, amount=6000, condition="成年三、四级"),
    dict(program_id="RH", tier=2, amount=10000, condition="成年二级"),
]


def build(tmp_path: Path, **rows) -> duckdb.DuckDBPyConnection:
    """Create the contract tables in a DuckDB file, insert `rows`, install the views, reopen read-only."""
    db = tmp_path / "district.duckdb"
    con = duckdb.connect(str(db))
    for table in TABLE_ORDER:
        con.execute(create_table_sql(TABLES[table]))
    rows.setdefault("parameters", [dict(year=2020, dibao_standard=1015)])
    rows.setdefault("programs", PROGRAMS)
    rows.setdefault("program_tiers", TIERS)
    for table in TABLE_ORDER:
        for item in rows.get(table, []):
            cols = ", ".join('"' + c + '"' for c in item)
            marks = ", ".join("?" for _ in item)
            con.execute(f"insert into {table} ({cols}) values ({marks})", list(item.values()))
    install_views(con)
    con.close()
    return queries.connect(db)


def scalar(con, sql, params=None):
    return con.execute(sql, params or {}).fetchall()[0][0]


def months_of(con, pid, program_id, table="int_eligibility_months"):
    return [r[0].month for r in con.execute(
        f"select month from {table} where person_id = $p and program_id = $g order by month",
        {"p": pid, "g": program_id}).fetchall()]


# ============================================================================= month conventions
def test_month_conventions_person_months(tmp_path):
    con = build(tmp_path, persons=[person("D1", grade=1), person("B1"), person("BABY", birth="2020-05-10"),
                                   person("FIRST", birth="2020-05-01")],
                status_events=[event("D1", "death", "2020-03-20"),
                               event("B1", "dibao_start", "2020-02-10"),   # takes effect March
                               event("B1", "dibao_end", "2020-06-01")])    # dated on the 1st: still from July
    alive = dict(con.execute("select month(month), alive from int_person_months where person_id = 'D1'").fetchall())
    # death 2020-03-20 → alive Jan, Feb, Mar; dead from April
    assert [m for m, a in sorted(alive.items()) if a] == [1, 2, 3]
    dibao = [r[0] for r in con.execute(
        "select month(month) from int_person_months where person_id = 'B1' and dibao order by month").fetchall()]
    assert dibao == [3, 4, 5, 6]    # March (start 02-10 → M+1) … June (end 06-01 → from July)
    # a baby born 2020-05-10 exists from June (day 1 of June is after birth); born 2020-05-01 from May, age 0
    assert scalar(con, "select min(month(month)) from int_person_months where person_id = 'BABY'") == 6
    age_months = "select age_months from int_person_months where person_id = $p and month = $m"
    assert scalar(con, age_months, {"p": "FIRST", "m": "2020-05-01"}) == 0
    assert scalar(con, age_months, {"p": "BABY", "m": "2020-12-01"}) == 6
    # whole years on day 1: born 1980-06-15 → 39 on 2020-06-01, 40 on 2020-07-01
    assert scalar(con, "select age_years from int_person_months where person_id = 'B1' and month = '2020-06-01'") == 39
    assert scalar(con, "select age_years from int_person_months where person_id = 'B1' and month = '2020-07-01'") == 40


# ============================================================================= eligibility
CH = program("CH", "早期干预补贴", "康复", "per_claim", "rehab_early_intervention")


@pytest.fixture
def eligibility_con(tmp_path):
    persons = [
        person("N1", grade=1),                                         # no cert_date → valid from start of data
        person("N2", category="视力", grade=2, cert_date="2020-04-15"),  # valid from May
        person("N3", category="智力", grade=3),
        person("N4", category="精神", grade=3),
        person("N5", category="肢体", grade=3),                          # grade 3 肢体: no nursing
        person("N6", category="精神", grade=4),
        person("N7", grade=1, cert_date="2010-01-01"),                   # revoked 2020-08-31 → invalid from Sep
        person("N8", grade=1),                                         # moved out 2020-10-05 → gone from Nov
        person("N9", cert="评定表", category="肢体"),                     # adult without certificate
        person("K1", cert="疑似", category="肢体", birth="2020-02-10"),
        person("K2", cert="疑似", category="言语", birth="2017-06-01"),
        person("K3", cert="评定表", category="精神", birth="2013-03-15"),
        person("K4", cert="评定表", category="肢体", birth="2014-07-01"),
        person("K5", cert="疑似", category="肢体", birth="2014-07-01"),    # CP rule needs 评定表 or certificate
        person("K6", grade=1, birth="2020-01-01"),                      # certified baby born on the 1st
        person("LV1", category="视力"),
        person("LV2", cert="评定表", category="视力"),
        person("LV3", category="视力"),
    ]
    events = [
        event("N7", "cert_revoked", "2020-08-31"),
        event("N8", "moved_out", "2020-10-05"),
        event("LV1", "dibian_start", "2019-11-01"),      # 低边 from Dec 2019
        event("LV2", "dibao_start", "2019-01-01"),
        event("LV3", "dibao_start", "2020-03-02"),       # start and end in March: both from April,
        event("LV3", "dibao_end", "2020-03-28"),         # the later event (end) wins → never 低保
    ]
    return build(tmp_path, persons=persons, status_events=events, programs=PROGRAMS + [CH])


def test_nursing_subsidy_branches(eligibility_con):
    con = eligibility_con
    counts = dict(con.execute(
        "select person_id, count(*) from int_eligibility_months where program_id = 'NS' group by all").fetchall())
    assert counts == {
        "N1": 12,   # grade 1, certificate valid all year
        "N2": 8,    # cert_date 2020-04-15 → valid May..Dec = 8
        "N3": 12,   # grade 3 智力
        "N4": 12,   # grade 3 精神
        "N7": 8,    # revoked 2020-08-31 → Jan..Aug = 8
        "N8": 10,   # moved out 2020-10-05 → Jan..Oct = 10
        "K6": 12,   # certified grade-1 baby born 2020-01-01: exists from January
    }                # N5 (grade 3 肢体), N6 (grade 4 精神), N9 (评定表) never


def test_living_subsidy_rule_and_amount(eligibility_con):
    con = eligibility_con
    counts = dict(con.execute(
        "select person_id, count(*) from int_eligibility_months where program_id = 'LS' group by all").fetchall())
    assert counts == {"LV1": 12}   # LV2 has no certificate; LV3's 低保 starts and ends within March
    # 30% of the 2020 低保 standard 1015 = 304.5 → 305 (whole yuan, half away from zero)
    assert scalar(con, "select distinct monthly_amount from int_eligibility_months where program_id = 'LS'") == 305


def test_early_intervention_branches(eligibility_con):
    con = eligibility_con
    rows = con.execute(
        "select person_id, branch, count(*) from int_rule_months where rule = 'rehab_early_intervention' "
        "group by all order by all").fetchall()
    assert {(p, b): n for p, b, n in rows} == {
        # K1 born 2020-02-10: first month March (age 0) … August (age 5) = 6 months
        ("K1", "infant_motor"): 6,
        # K2 born 2017-06-01: 31 months on 2020-01-01, 35 on 2020-05-01, 36 on 2020-06-01 → Jan..May = 5
        ("K2", "under3_speech"): 5,
        # K3 born 2013-03-15: 80 months on 2020-01-01 … 82 on 2020-03-01, 84 on 2020-04-01 → 3
        ("K3", "under7_autism"): 3,
        # K4 born 2014-07-01: 66 months in January … 71 in June, 72 in July → Jan..Jun = 6
        ("K4", "assessment_form"): 6,
        # K6 certified baby born 2020-01-01: ages 0..5 in Jan..Jun; assessment_form (≤ 71 months) all year
        ("K6", "infant_motor"): 6,
        ("K6", "assessment_form"): 12,
    }   # K5 is 疑似: the cerebral-palsy branch needs 评定表 or a certificate
    # the program is the OR of the branches: K6 eligible 12 months (not 6 + 12)
    assert len(months_of(con, "K6", "CH")) == 12


def test_priority_children(eligibility_con):
    out = queries.priority_children(eligibility_con, year=2020).set_index("group")
    assert list(out.index) == list(queries.PRIORITY_GROUPS)
    # infant_motor: K1, K6; under3_speech: K2; under7_autism: K3; assessment_form: K4, K6
    assert out.persons.to_dict() == {"infant_motor": 2, "under3_speech": 1, "under7_autism": 1, "assessment_form": 2}
    assert (out.persons_paid == 0).all() and (out.spend_yuan == 0).all()


def test_the_children_behind_a_priority_group(eligibility_con):
    """The persons of each group above, one row per (group, child), masked; none paid (no payments)."""
    con = eligibility_con
    every = queries.priority_children_people(con, 2020)
    assert list(zip(every["priority_group"], every["person_id"])) == [
        ("assessment_form", "K4"), ("assessment_form", "K6"), ("infant_motor", "K1"), ("infant_motor", "K6"),
        ("under3_speech", "K2"), ("under7_autism", "K3")]
    infants = queries.priority_children_people(con, 2020, "infant_motor")
    assert list(infants["person_id"]) == ["K1", "K6"] and list(infants["months_in_group"]) == [6, 6]
    assert list(infants["cert_status"]) == ["疑似", "持证"] and not infants["paid"].any()
    assert list(infants["spend_yuan"]) == [0.0, 0.0] and infants["programs"].isna().all()
    assert list(queries.priority_children_people(con, 2020, "assessment_form", False)["person_id"]) == ["K4", "K6"]
    assert queries.priority_children_people(con, 2020, "assessment_form", True).empty
    assert not {"name", "id_number"} & set(every.columns) and every["name_masked"].str.contains(r"\*").all()
    with pytest.raises(ValueError):
        queries.priority_children_people(con, 2020, "toddlers")
    with pytest.raises(ValueError):
        queries.priority_children_people(con, 2020, paid="yes")


@pytest.mark.slow
@pytest.mark.parametrize("filters", [{}, {"program_group": "两项补贴"}])
def test_the_priority_lists_have_the_counts_length_on_the_demo(con, filters):
    for town in (None, queries.towns(con)[0]):
        counts = queries.priority_children(con, 2020, town=town, **filters).set_index("group")
        people = queries.priority_children_people(con, 2020, town=town, **filters)
        for group, row in counts.iterrows():
            mine = people[people["priority_group"] == group]
            assert (len(mine), int(mine["paid"].sum())) == (row.persons, row.persons_paid), (town, group)
            assert mine["spend_yuan"].sum() == pytest.approx(row.spend_yuan)
        assert counts["persons"].sum() > 0


# ============================================================================= coverage
@pytest.fixture
def coverage_con(tmp_path):
    persons = [
        person("A", town=E, sex="男", birth="1950-01-01", category="肢体", grade=1),   # 70 on 2020-01-01 → 60+
        person("B", town=E, sex="女", birth="2015-06-01", category="肢体", grade=1),   # 4 → 0-6
        person("C", town=W, sex="男", birth="2000-01-02", category="视力", grade=2),   # 19 (birthday not yet) → 18-59
        person("D", town=W, sex="女", birth="1960-01-01", category="视力", grade=2),   # 60 → 60+
        person("Edead", town=W, category="肢体", grade=1),                             # died 2019-12-10
        person("F", town=W, cert="疑似", category="肢体"),                              # not certified
        person("G", town=W, category="肢体", grade=1),                                 # revoked 2019-11-20
        person("H", town=W, sex="男", birth="2003-01-02", category="精神", grade=3),   # 16 → 7-17; dies 2020-01-15
    ]
    events = [event("Edead", "death", "2019-12-10"), event("G", "cert_revoked", "2019-11-20"),
              event("H", "death", "2020-01-15")]
    payments = [pay("p1", "A", "RH", "2020-03", 3000, tier=1),
                pay("p2", "C", "ED", "2020-09", 2000),
                pay("p3", "D", "ED", "2019-12", 2000, paid="2020-01-10"),   # period 2019: not 2020 coverage
                pay("p4", "F", "RH", "2020-04", 1000, tier=1)]              # paid but not certified
    return build(tmp_path, persons=persons, status_events=events, payments=payments)


def test_certified_population(coverage_con):
    people = sorted(r[0] for r in coverage_con.execute(
        "select person_id from mart_coverage where year = 2020").fetchall())
    # Edead dead from Jan 2020; G revoked (invalid from Dec 2019); F 疑似; H alive in January with a valid
    # certificate (death 2020-01-15 takes effect in February) → A, B, C, D, H
    assert people == ["A", "B", "C", "D", "H"]


def test_coverage_by_category(coverage_con):
    out = queries.coverage_by_category(coverage_con, year=2020).set_index(["category", "grade"])
    assert len(out) == 28                                   # 7 categories × 4 grades, zeros included
    assert out.loc[("肢体", 1)].tolist()[:2] == [2, 1]       # A, B; A paid → 1/2
    assert out.loc[("肢体", 1), "coverage"] == 0.5
    assert out.loc[("视力", 2), "coverage"] == 0.5           # C paid in 2020, D only for 2019 → 1/2
    assert out.loc[("精神", 3), "coverage"] == 0.0           # H: 0/1
    assert math.isnan(out.loc[("多重", 4), "coverage"])       # nobody: NaN, not 0
    # program filter narrows the numerator only: RH paid A (1/2) but nobody in 视力 2 (0/2)
    rh = queries.coverage_by_category(coverage_con, year=2020, program="RH").set_index(["category", "grade"])
    assert rh.loc[("肢体", 1), "coverage"] == 0.5 and rh.loc[("视力", 2), "coverage"] == 0.0
    assert rh.loc[("视力", 2), "certified_population"] == 2
    # category filter, also given as its code (2 = 听力, 4 = 肢体)
    assert list(queries.coverage_by_category(coverage_con, year=2020, category="4").category.unique()) == ["肢体"]


def test_coverage_by_sex_age_town(coverage_con):
    sex = queries.coverage_by(coverage_con, year=2020, by="sex").set_index("value")
    # 男: A, C, H (A and C paid) → 2/3; 女: B, D → 0/2
    assert sex.loc["男", "certified_population"] == 3 and sex.loc["男", "persons_paid"] == 2
    assert sex.loc["男", "coverage"] == pytest.approx(2 / 3)
    assert sex.loc["女", "coverage"] == 0.0
    age = queries.coverage_by(coverage_con, year=2020, by="age_band").set_index("value")
    # 60+: A, D (A paid) → 1/2; 0-6: B → 0/1; 18-59: C → 1/1; 7-17: H → 0/1
    assert age.persons_paid.to_dict() == {"0-6": 0, "18-59": 1, "60+": 1, "7-17": 0}
    assert age.certified_population.to_dict() == {"0-6": 1, "18-59": 1, "60+": 2, "7-17": 1}
    town = queries.coverage_by(coverage_con, year=2020, by="town").set_index("value")
    assert town.loc[E, "coverage"] == 0.5 and town.loc[W, "coverage"] == pytest.approx(1 / 3)   # C of C, D, H


def test_kpi_coverage_and_town_filter(coverage_con):
    kpi = queries.kpi_overview(coverage_con, year=2020).iloc[0]
    assert kpi.certified_population == 5 and kpi.persons_covered == 2 and kpi.coverage == pytest.approx(0.4)
    west = queries.kpi_overview(coverage_con, year=2020, town=W).iloc[0]
    assert west.certified_population == 3 and west.persons_covered == 1     # C, D, H; C paid
    # spend of the year counts F (paid though not certified): 3000 + 2000 + 1000 = 6000; p3 is a 2019 period
    assert kpi.spend_yuan == 6000 and kpi.persons_paid == 3


# ============================================================================= spend, tiers, filters
@pytest.fixture
def spend_con(tmp_path):
    persons = [
        person("A", town=E, category="肢体", grade=4),
        person("B", town=E, category="视力", grade=2),
        person("C", town=W, category="肢体", grade=4),
        person("D", town=W, category="精神", grade=3),
        person("Q", town=Q, category="听力", grade=4),
    ]
    payments = [
        pay("a1", "A", "RH", "2020-03", 3000, tier=1), pay("a2", "A", "RH", "2020-07", 1500, tier=1),
        pay("b1", "B", "RH", "2020-05", 10000, tier=2),
        pay("c1", "C", "ED", "2020-09", 2000),
        pay("d1", "D", "NS", "2020-01", 135, tier=6), pay("d2", "D", "NS", "2020-02", 135, tier=6),
        pay("d3", "D", "NS", "2020-03", 135, tier=6),
        pay("q1", "Q", "ED", "2020-06", 500),
        pay("z1", "A", "RH", "2019-11", 999, tier=1, paid="2020-01-05"),   # period 2019: not 2020 spend
    ]
    return build(tmp_path, persons=persons, payments=payments,
                 parameters=[dict(year=2019, dibao_standard=967), dict(year=2020, dibao_standard=1015)])


def test_kpi_spend_and_person_times(spend_con):
    kpi = queries.kpi_overview(spend_con, year=2020).iloc[0]
    # 3000 + 1500 + 10000 + 2000 + 3×135 + 500 = 17405 (z1 has a 2019 period)
    assert kpi.spend_yuan == 17405
    # 人次: (A,RH) (B,RH) (C,ED) (D,NS) (Q,ED) = 5; payments 2+1+1+3+1 = 8
    assert kpi.person_times == 5 and kpi.persons_paid == 5 and kpi.payments == 8
    assert kpi.programs_total == 4 and kpi.programs_paid == 3
    # trips_after = 0: LS, ED → 2 of 4; materials_after = 0: LS, ED
    assert kpi.zero_trip_programs == 2 and kpi.zero_trip_share == 0.5 and kpi.no_material_programs == 2
    assert queries.kpi_overview(spend_con, year=2019).iloc[0].spend_yuan == 999


def test_spend_by_program_and_cap_use(spend_con):
    out = queries.spend_by_program(spend_con, year=2020).set_index("program_id")
    assert list(out.index) == ["ED", "LS", "NS", "RH"]                 # every program, zero rows included
    assert out.loc["LS", "spend_yuan"] == 0 and out.loc["LS", "persons"] == 0
    assert out.loc["RH", "spend_yuan"] == 14500 and out.loc["RH", "persons"] == 2 and out.loc["RH", "payments"] == 3
    assert out.loc["RH", "avg_per_person"] == 7250                      # 14500 / 2
    assert out.loc["RH", "tiers"] == 2
    # RH: A at tier 1 (cap 6000) spent 4500, B at tier 2 (cap 10000) spent 10000 → 14500 / 16000
    assert out.loc["RH", "cap_use"] == pytest.approx(0.90625)
    # NS monthly: tier 6 = 135 a month × 3 paid months = 405 = spend → 1.0
    assert out.loc["NS", "cap_use"] == pytest.approx(1.0)
    assert math.isnan(out.loc["ED", "cap_use"])                         # no tier on ED payments
    assert out.person_times.sum() == queries.kpi_overview(spend_con, year=2020).iloc[0].person_times
    assert out.spend_yuan.sum() == 17405


def test_spend_by_tier(spend_con):
    out = queries.spend_by_tier(spend_con, year=2020)
    rh = out[out.program_id == "RH"].set_index("tier")
    assert rh.loc[1, "spend_yuan"] == 4500 and rh.loc[1, "cap_use"] == 0.75 and rh.loc[1, "persons_at_cap"] == 0
    assert rh.loc[2, "spend_yuan"] == 10000 and rh.loc[2, "cap_use"] == 1.0 and rh.loc[2, "persons_at_cap"] == 1
    ns = out[out.program_id == "NS"].set_index("tier")
    assert ns.loc[1, "persons"] == 0 and ns.loc[6, "persons_at_cap"] == 1       # 405 ≥ 135 × 3
    ed = out[out.program_id == "ED"]
    assert len(ed) == 1 and pd.isna(ed.tier.iloc[0]) and ed.spend_yuan.iloc[0] == 2500   # untiered row
    assert out.spend_yuan.sum() == 17405                                      # reconciles with the KPI


def test_monthly_spend(spend_con):
    out = queries.monthly_spend(spend_con, year=2020)
    assert len(out) == 12 and out.spend_yuan.sum() == 17405
    by_month = dict(zip([m.month for m in out.month], out.spend_yuan))
    assert by_month[3] == 3135          # a1 3000 + d3 135
    assert by_month[1] == 135 and by_month[4] == 0


def test_filters_narrow_by_hand_computed_amounts(spend_con):
    total = 17405
    east = queries.kpi_overview(spend_con, year=2020, town=E).iloc[0].spend_yuan      # A + B = 14500
    west = queries.kpi_overview(spend_con, year=2020, town=W).iloc[0].spend_yuan      # C + D = 2405
    quote = queries.kpi_overview(spend_con, year=2020, town=Q).iloc[0].spend_yuan     # Q = 500
    assert (east, west, quote) == (14500, 2405, 500) and east + west + quote == total
    assert queries.kpi_overview(spend_con, year=2020, category="肢体").iloc[0].spend_yuan == 6500   # A 4500 + C 2000
    assert queries.kpi_overview(spend_con, year=2020, program="RH").iloc[0].spend_yuan == 14500
    assert queries.kpi_overview(spend_con, year=2020, program_group="两项补贴").iloc[0].spend_yuan == 405
    assert queries.kpi_overview(spend_con, year=2020, program_group="两项补贴").iloc[0].programs_total == 2
    # the same figure everywhere: spend_by_program / monthly_spend / benefit_incidence under the town filter
    assert queries.spend_by_program(spend_con, year=2020, town=E).spend_yuan.sum() == 14500
    assert queries.monthly_spend(spend_con, year=2020, town=E).spend_yuan.sum() == 14500
    assert queries.benefit_incidence(spend_con, year=2020, by="sex", town=E).spend_yuan.sum() == 14500


def test_quote_in_a_filter_value_is_bound_not_spliced(spend_con):
    out = queries.spend_by_program(spend_con, year=2020, town=Q).set_index("program_id")
    assert out.loc["ED", "spend_yuan"] == 500
    assert queries.towns(spend_con) == sorted([E, W, Q])
    assert queries.gap_people(spend_con, gap="not_surveyed", year=2020, town="x' or '1'='1").empty


def test_benefit_incidence(spend_con):
    out = queries.benefit_incidence(spend_con, year=2020, by="category").set_index("value")
    # 肢体 A 4500 + C 2000 = 6500; 视力 B 10000; 精神 D 405; 听力 Q 500 → total 17405
    assert out.spend_yuan.to_dict() == {"听力": 500, "肢体": 6500, "精神": 405, "视力": 10000}
    assert out.loc["视力", "share"] == pytest.approx(10000 / 17405)
    assert out.share.sum() == pytest.approx(1.0)
    assert out.loc["肢体", "persons"] == 2


def test_allow_lists_raise_naming_the_choices(spend_con):
    with pytest.raises(ValueError, match="town, village, sex, age_band, hukou"):
        queries.coverage_by(spend_con, year=2020, by="name")
    with pytest.raises(ValueError, match="category, grade, town, sex, age_band"):
        queries.benefit_incidence(spend_con, year=2020, by="town; drop table persons")
    with pytest.raises(ValueError, match="program, route"):
        queries.processing_times(spend_con, by="person")
    with pytest.raises(ValueError, match="not_surveyed"):
        queries.gap_people(spend_con, gap="everything", year=2020)
    with pytest.raises(ValueError, match="town, village"):
        queries.census_gaps_by_area(spend_con, year=2020, level="province")


# ============================================================================= targeting, eligible_unpaid, late_start
@pytest.fixture
def targeting_con(tmp_path):
    persons = [person("L1", town=W), person("L2"), person("U1"), person("O1")]
    events = [
        event("L1", "dibao_start", "2019-12-05"), event("L1", "dibao_end", "2020-06-10"),   # 低保 Jan..Jun
        event("U1", "dibian_start", "2020-09-15"),                                          # 低边 Oct..Dec
        event("O1", "dibao_start", "2018-03-01"),                                           # 低保 all year
    ]
    payments = ([pay(f"l1-{m}", "L1", "LS", f"2020-{m:02d}", 305) for m in range(3, 7)]    # Mar..Jun
                + [pay(f"l2-{m}", "L2", "LS", f"2020-{m:02d}", 305) for m in (1, 2)]         # never eligible
                + [pay(f"o1-{m}", "O1", "LS", f"2020-{m:02d}", 305) for m in range(2, 13)])  # Feb..Dec
    return build(tmp_path, persons=persons, status_events=events, payments=payments)


def test_targeting_errors(targeting_con):
    out = queries.targeting_errors(targeting_con, year=2020).set_index("program_id")
    assert list(out.index) == ["LS", "NS"]            # monthly programs with a rule, zero rows included
    ls = out.loc["LS"]
    # E = L1 6 + U1 3 + O1 12 = 21; R = L1 4 + L2 2 + O1 11 = 17; E∩R = 4 + 11 = 15
    assert (ls.eligible_person_months, ls.paid_person_months, ls.eligible_paid_person_months) == (21, 17, 15)
    # E\R = L1 Jan, Feb + U1 Oct..Dec + O1 Jan = 6; R\E = L2 Jan, Feb = 2
    assert (ls.excluded_person_months, ls.included_person_months) == (6, 2)
    assert ls.exclusion_error == pytest.approx(6 / 21) and ls.inclusion_error == pytest.approx(2 / 17)
    assert (ls.eligible_persons, ls.paid_persons) == (3, 3)
    assert out.loc["NS", "eligible_person_months"] == 0 and math.isnan(out.loc["NS", "exclusion_error"])
    # L1 alone (its own town): eligible Jan–Jun, paid Mar–Jun → exclusion 2/6, inclusion 0/4
    west = queries.targeting_errors(targeting_con, year=2020, town=W).set_index("program_id").loc["LS"]
    assert west.exclusion_error == pytest.approx(2 / 6) and west.inclusion_error == 0.0


def test_eligible_unpaid_and_late_start(targeting_con):
    late = queries.gap_people(targeting_con, gap="late_start", year=2020)
    # L1: first eligible Jan, first paid Mar (2 months later > 1) → 2 months missed (Jan, Feb);
    # O1: first paid Feb, one month after January → not late
    assert late[["person_id", "program_id", "months"]].values.tolist() == [["L1", "LS", 2]]
    unpaid = queries.gap_people(targeting_con, gap="eligible_unpaid", year=2020)
    assert unpaid[["person_id", "program_id", "months"]].values.tolist() == [["U1", "LS", 3]]   # Oct..Dec
    # L2 was paid living subsidy in months when neither 低保 nor 低边: 2 payments × 305
    summary = queries.census_gaps(targeting_con, year=2020).set_index("gap")
    assert summary.loc["paid_after_dibao_end", ["persons", "cases", "amount_yuan"]].tolist() == [1, 2, 610]
    assert summary.loc["late_start", "months"] == 2 and summary.loc["eligible_unpaid", "months"] == 3


# ============================================================================= payment gaps
@pytest.fixture
def payment_gap_con(tmp_path):
    persons = [person("D1", grade=1), person("DB1"), person("DB2"), person("RV1", grade=2, cert_date="2018-01-01"),
               person("DP1", grade=1)]
    events = [
        event("D1", "death", "2020-03-20"),
        event("DB1", "dibao_start", "2019-06-10"), event("DB1", "dibao_end", "2020-05-15"),   # 低保 until May
        event("DB2", "dibian_start", "2020-06-01"),                                          # 低边 from July
        event("RV1", "cert_revoked", "2020-08-31"),                                          # invalid from Sep
    ]
    payments = [
        pay("d1-03", "D1", "NS", "2020-03", 1010, tier=1), pay("d1-04", "D1", "NS", "2020-04", 1010, tier=1),
        pay("db1-05", "DB1", "LS", "2020-05", 305), pay("db1-06", "DB1", "LS", "2020-06", 305),
        pay("db2-06", "DB2", "LS", "2020-06", 305), pay("db2-07", "DB2", "LS", "2020-07", 305),
        pay("rv-08", "RV1", "NS", "2020-08", 1010), pay("rv-09", "RV1", "NS", "2020-09", 1010),
        pay("dp-a", "DP1", "NS", "2020-02", 1010, paid="2020-02-10"),
        pay("dp-b", "DP1", "NS", "2020-02", 1010, paid="2020-02-20"),
    ]
    return build(tmp_path, persons=persons, status_events=events, payments=payments)


def test_payment_gaps(payment_gap_con):
    con = payment_gap_con
    ids = {g: sorted(queries.gap_people(con, gap=g, year=2020).payment_id) for g in queries.PAYMENT_GAPS}
    assert ids == {
        "paid_after_death": ["d1-04"],                  # death 2020-03-20: March is fine, April is not
        "paid_after_dibao_end": ["db1-06", "db2-06"],   # DB1 off from June; DB2 低边 only from July
        "paid_after_revocation": ["rv-09"],             # revoked 2020-08-31 → September onwards
        "duplicate_payment": ["dp-b"],                  # second payment for (DP1, NS, 2020-02)
        # 305 = 30% × 1015 rounded; no nursing level is recorded, so no nursing tier can be named
        "paid_after_moved_out": [], "wrong_living_amount": [], "wrong_nursing_tier": [], "tier_outside_age_band": [],
    }
    summary = queries.census_gaps(con, year=2020).set_index("gap")
    assert summary.loc["paid_after_dibao_end", ["persons", "cases", "amount_yuan"]].tolist() == [2, 2, 610]
    assert summary.loc["duplicate_payment", "amount_yuan"] == 1010
    death = queries.gap_people(con, gap="paid_after_death", year=2020).iloc[0]
    assert pd.Timestamp(death.since) == pd.Timestamp("2020-03-20")


# ============================================================================= census gaps and masking
@pytest.fixture
def census_con(tmp_path):
    persons = [
        person("NS1"), person("NS2"), person("S1"), person("S2"), person("S3"),
        person("C1"), person("C2"), person("B1", birth="2020-03-05"),
        person("DI1", id_number="33010219900101123X", name="张三"),
        person("DI2", id_number="33010219900101123X", name="欧阳娜娜", town=W),
    ]
    events = [event("C2", "death", "2020-02-10")]
    census = [
        census_row("NS2", "not_reached", need_care=1),   # not surveyed; its need does not count
        census_row("S1", "surveyed", need_rehab=1, need_device=1),
        census_row("S2", "moved"),
        census_row("S3", "surveyed", need_rehab=1, need_device=1, need_education=1, need_employment=1,
                   need_care=1, need_medical_insurance=1),
        census_row("C1", "deceased"),                     # registry has no death
        census_row("C2", "surveyed", date="2020-05-01"),  # surveyed after the registry's death
        census_row("DI1", "surveyed"), census_row("DI2", "surveyed"),
    ]
    payments = [pay("s1", "S1", "RH", "2020-04", 2000, tier=1)]
    return build(tmp_path, persons=persons, status_events=events, census=census, payments=payments)


def test_every_census_gap_key(census_con):
    summary = queries.census_gaps(census_con, year=2020)
    assert summary.gap.tolist() == list(queries.GAP_KEYS)              # all 21 keys, in the seed's order
    got = summary.set_index("gap")[["persons", "cases"]].apply(tuple, axis=1).to_dict()
    assert got == {
        "not_surveyed": (2, 2),                  # NS1 no row, NS2 not_reached (B1 born in March: not alive on 1 Jan)
        "unmet_need_rehab": (1, 1),              # S3 (S1 had a 康复 payment)
        "unmet_need_device": (2, 2),             # S1, S3
        "unmet_need_education": (1, 1),          # S3
        "unmet_need_employment": (1, 1),
        "unmet_need_care": (1, 1),               # S3 (NS2's need is not from a survey)
        "unmet_need_medical_insurance": (1, 1),
        "census_registry_conflict": (2, 2),      # C1 deceased w/o death event; C2 surveyed after death
        "paid_after_death": (0, 0), "paid_after_dibao_end": (0, 0), "paid_after_revocation": (0, 0),
        "duplicate_payment": (0, 0),
        "duplicate_id_number": (2, 1),           # one number, two persons
        "eligible_unpaid": (0, 0), "late_start": (0, 0),
        "paid_after_moved_out": (0, 0), "wrong_living_amount": (0, 0), "wrong_nursing_tier": (0, 0),
        "tier_outside_age_band": (0, 0), "rehab_over_cap": (0, 0), "medication_missed": (0, 0),
    }
    assert sorted(queries.gap_people(census_con, gap="not_surveyed", year=2020).person_id) == ["NS1", "NS2"]
    # another year: no census at all → the 2020 people only exist in 2020's data range
    assert queries.census_gaps(census_con, year=2021).set_index("gap").loc["not_surveyed", "persons"] == 0


def test_census_gaps_filters_and_areas(census_con):
    west = queries.census_gaps(census_con, year=2020, town=W).set_index("gap")
    assert west.loc["duplicate_id_number", "persons"] == 1 and west.loc["not_surveyed", "persons"] == 0
    areas = queries.census_gaps_by_area(census_con, year=2020, level="town", gap="duplicate_id_number")
    assert areas[["area", "persons"]].values.tolist() == [[E, 1], [W, 1]]


def test_masking(census_con):
    people = queries.gap_people(census_con, gap="duplicate_id_number", year=2020).set_index("person_id")
    assert people.loc["DI1", "id_number_masked"] == "3301************3X"     # 4 kept + 12 * + 2 kept
    assert people.loc["DI1", "name_masked"] == "张*"
    assert people.loc["DI2", "name_masked"] == "欧***"
    assert "id_number" not in people.columns and "name" not in people.columns
    con = census_con
    assert scalar(con, "select mask_id('12345')") == "*****"                  # too short to show anything
    assert scalar(con, "select mask_name('王')") == "*"       # contract/masking.sql: a 1-character name is hidden
    assert scalar(con, "select mask_id(null)") is None


# ============================================================================= processing times
@pytest.fixture
def processing_con(tmp_path):
    def app(aid, sub, paid, trips=None, decision="approved"):
        return dict(application_id=aid, person_id="PA", program_id="NS", submitted_date=sub, decided_date=None,
                    decision=decision, first_paid_date=paid, channel="online", trips=trips, materials=None)
    apps = [
        app("A1", "2020-03-02", "2020-03-06"),     # Mar 3,4,5,6 → 4
        app("A2", "2020-03-02", "2020-03-09"),     # + Mar 9 → 5
        app("A3", "2020-03-02", "2020-03-16"),     # Mar 3–6, 9–13, 16 → 10
        app("A4", "2020-11-02", "2020-11-04", trips=0),   # Nov 3, 4 → 2
        app("A5", "2020-11-02", "2020-11-05"),             # Nov 3, 4, 5 → 3
        # National Day 2020: Oct 1–8 off; Sun 27 Sep and Sat 10 Oct are 调休 working days
        app("A6", "2020-09-28", "2020-10-09", trips=1),   # Sep 29, 30, Oct 9 → 3
        app("A7", "2020-10-09", "2020-10-12", trips=1),   # Sat Oct 10 (调休), Mon Oct 12 → 2
        app("A8", "2020-11-02", None, decision="pending"),  # not paid: no processing time
    ]
    payments = [pay(f"p{a['application_id']}", "PA", "NS", a["first_paid_date"][:7], 1010, tier=1,
                    paid=a["first_paid_date"], app=a["application_id"],
                    route="via_town" if a["application_id"] in ("A1", "A2", "A3") else "direct")
                for a in apps if a["first_paid_date"]]
    return build(tmp_path, persons=[person("PA", grade=1)], applications=apps, payments=payments)


def test_working_days_with_tiaoxiu(processing_con):
    days = dict(processing_con.execute("select application_id, working_days from int_applications").fetchall())
    assert days == {"A1": 4, "A2": 5, "A3": 10, "A4": 2, "A5": 3, "A6": 3, "A7": 2, "A8": None}
    # a Sunday make-up day: Fri 2020-09-25 → Mon 09-28 counts Sun 27 and Mon 28
    seq = dict(processing_con.execute(
        "select day::varchar, workday_seq from calendar_days where day in ('2020-09-25', '2020-09-28')").fetchall())
    assert seq["2020-09-28"] - seq["2020-09-25"] == 2


def test_processing_medians_before_after(processing_con):
    out = queries.processing_times(processing_con, by="program").set_index("program_id")
    ns = out.loc["NS"]
    # before 2020-06-01: 4, 5, 10 → median 5 (odd count); after: 2, 3, 3, 2 → (2 + 3) / 2 = 2.5 (even count)
    assert (ns.applications_before, ns.applications_after) == (3, 4)
    assert ns.median_days_before == 5 and ns.median_days_after == 2.5 and ns.working_days_saved == 2.5
    assert out.loc["RH", "applications_before"] == 0 and math.isnan(out.loc["RH", "median_days_before"])


def test_processing_by_route_and_durations(processing_con):
    route = queries.processing_times(processing_con, by="route").set_index("route")
    assert route.loc["via_town", "median_days"] == 5 and route.loc["via_town", "mean_days"] == pytest.approx(19 / 3)
    assert route.loc["direct", "median_days"] == 2.5 and route.loc["direct", "applications"] == 4
    durations = queries.application_durations(processing_con, year=2020)
    assert len(durations) == 7 and set(durations.period) == {"before", "after"}
    # KPI median over the 7 paid applications: 2, 2, 3, 3, 4, 5, 10 → 3
    assert queries.kpi_overview(processing_con, year=2020).iloc[0].median_processing_days == 3


def test_reform_savings(processing_con):
    out = queries.reform_savings(processing_con, year=2020).iloc[0]
    # 4 after-reform applications × saving 2.5 days = 10; trips: NS trips_before 2 minus recorded
    # (A4 0, A5 none → trips_after 1, A6 1, A7 1) = 2 + 1 + 1 + 1 = 5; materials 4 − 2 (none recorded) × 4 = 8
    assert out.tolist() == [4, 10.0, 5, 8]


# ============================================================================= data tests (dbt style)
UNIQUE_KEYS = {
    "stg_persons": "person_id", "stg_programs": "program_id", "stg_payments": "payment_id",
    "int_person_dates": "person_id", "int_person_months": "person_id, month",
    "int_state_events": "person_id, attribute, effect_month",
    "int_rule_months": "person_id, month, rule, branch", "int_eligibility_months": "person_id, program_id, month",
    "int_payments": "payment_id", "int_payment_expected": "payment_id", "int_applications": "application_id",
    "int_certified_person_years": "person_id, year", "mart_coverage": "person_id, year",
    "mart_targeting": "year, program_id, person_id", "mart_spend": "payment_id",
    "mart_person_tier_years": "year, person_id, program_id, tier",
    "mart_processing": "application_id", "mart_priority_children": "year, priority_group, person_id",
    "mart_person_program_years": "year, person_id, program_id",
    "mart_gap_cases": "gap, year, person_id, program_id, payment_id", "calendar_days": "day",
}
NOT_NULL = {
    "int_person_months": ["person_id", "month", "alive", "cert_valid", "dibao", "dibian", "age_months"],
    "int_eligibility_months": ["person_id", "program_id", "month", "year"],
    "int_payments": ["payment_id", "year", "is_duplicate", "is_paid_after_death", "is_paid_after_dibao_end",
                     "is_paid_after_revocation", "is_paid_after_moved_out", "is_wrong_living_amount",
                     "is_wrong_nursing_tier", "is_tier_outside_age_band"],
    "mart_gap_cases": ["gap", "person_id"],
    "calendar_days": ["day", "is_workday", "workday_seq", "source"],
}


@pytest.mark.parametrize("fixture", ["eligibility_con", "targeting_con", "payment_gap_con", "census_con",
                                     "processing_con", "spend_con"])
def test_view_keys_unique_and_not_null(fixture, request):
    con = request.getfixturevalue(fixture)
    for view, key in UNIQUE_KEYS.items():
        dupes = scalar(con, f"select count(*) from (select {key} from {view} group by all having count(*) > 1)")
        assert dupes == 0, (view, key)
    for view, cols in NOT_NULL.items():
        for col in cols:
            assert scalar(con, f"select count(*) from {view} where {col} is null") == 0, (view, col)
    # relationships: every eligibility row is a person-month; every gap case names a known person
    assert scalar(con, "select count(*) from int_eligibility_months e anti join int_person_months m "
                       "using (person_id, month)") == 0
    assert scalar(con, "select count(*) from mart_gap_cases g anti join stg_persons using (person_id)") == 0
    # accepted values
    assert scalar(con, "select count(*) from mart_gap_cases where gap not in (select gap from gap_keys)") == 0
    assert scalar(con, "select count(*) from int_applications where reform_period not in ('before', 'after')") == 0
    # totals reconcile: spend by program = spend by month = KPI spend, for every year of the data
    for year in queries.years(con):
        kpi = queries.kpi_overview(con, year=year).iloc[0].spend_yuan
        assert queries.spend_by_program(con, year=year).spend_yuan.sum() == pytest.approx(kpi)
        assert queries.monthly_spend(con, year=year).spend_yuan.sum() == pytest.approx(kpi)
        assert queries.spend_by_tier(con, year=year).spend_yuan.sum() == pytest.approx(kpi)


def test_lists_and_catalog(spend_con):
    assert queries.years(spend_con) == [2019, 2020]
    assert queries.villages(spend_con, town=E) == ["一村"]
    cat = queries.programs(spend_con)
    assert cat.columns.tolist() == ["program_id", "name", "name_en", "program_group", "cycle", "rule",
                                    "trips_before", "trips_after", "materials_before", "materials_after",
                                    "reform_date"]
    assert cat.set_index("program_id").loc["RH", "program_group"] == "康复"
    assert queries.load_summary(spend_con).empty and queries.rejects(spend_con).empty


def test_threads_sharing_one_connection_get_their_own_rows(spend_con):
    """Every API call runs on its own cursor, so concurrent callers (Streamlit sessions) never see
    another caller's rows."""
    from concurrent.futures import ThreadPoolExecutor

    expected = {E: 14500, W: 2405, Q: 500}
    towns = [E, W, Q] * 8
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda t: queries.kpi_overview(spend_con, year=2020, town=t).iloc[0].spend_yuan, towns))
    assert got == [expected[t] for t in towns]
