"""政策测算 (queries.policy_simulation) on the tiny hand-typed district (tests/contract_fixtures.py), loaded by
the real loader. Every number below is worked out by hand from that district's rows (the arithmetic is in
the comments), following METRICS.md month-by-month eligibility and the take-up-as-today assumption of
queries/sql/api/policy_simulation.sql.

The district in 2020 (低保 standard 950, living subsidy 30% = 285):
- P001 东城街道/一村 肢体 1级, 低保 since 2018-05: living and nursing eligible all 12 months; paid LS Jan–Mar
  (3 × 285) and NS Jan, Feb (2 × 270).
- P002 东城街道/二村 精神 2级, 低边 since 2019-03: living and nursing eligible all 12 months; paid nothing in
  2020 (its LS application is pending, its NS payments are in 2021).
- P004 西湖镇/三村 视力 3级, dies 2020-08-20 (alive on day 1 of Jan–Aug, 8 months): eligible for neither;
  paid NS 135 for 2020-09 (after death).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import queries
from subsidy.build import build_database
from tests.contract_fixtures import write_district
from tests.queries.test_views import build, pay, person


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("policy")
    db = root / "subsidy.duckdb"
    build_database(write_district(root / "src"), db)
    c = queries.connect(db)
    yield c
    c.close()


def one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for k, v in where.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, (where, frame)
    return rows.iloc[0]


def test_the_rule_as_it_stands_costs_what_is_paid_for_eligible_months(con):
    row = one(queries.policy_simulation(con, year=2020, rule="living_subsidy", by="program"), program_id="LS")
    # E = P001 12 + P002 12 = 24 person-months; paid and eligible = P001 Jan–Mar = 3
    assert (row.persons_eligible_current, row.persons_eligible_simulated) == (2, 2)
    assert (row.person_months_eligible_current, row.person_months_paid_current) == (24, 3)
    assert row.persons_paid_current == 1
    assert row.cost_current == row.cost_simulated == 3 * 285
    assert row.change == 0
    assert row.actual_spend == 855            # Y01 + Y02 + Y03
    assert row.takeup_months == pytest.approx(3 / 24)
    assert row.takeup_persons == pytest.approx(1 / 2)


def test_living_subsidy_at_35_percent(con):
    row = one(queries.policy_simulation(con, year=2020, rule="living_subsidy", branch="dibao_or_dibian", share=0.35,
                                        by="program"), program_id="LS")
    # 950 × 0.35 = 332.5 → 333 (half away from zero); the same 3 paid months, the unpaid 21 stay unpaid
    assert row.cost_simulated == 3 * 333
    assert row.change == 3 * (333 - 285)
    assert row.change_vs_actual == 999 - 855
    assert row.persons_paid_simulated == 1
    assert row.person_months_paid_simulated == 3


def test_a_higher_dibao_standard_raises_the_living_subsidy(con):
    row = one(queries.policy_simulation(con, year=2020, rule="living_subsidy", dibao_standard=1000, by="program"),
              program_id="LS")
    assert row.cost_simulated == 3 * 300          # 1000 × 30%
    assert row.change == 3 * 15


def test_nursing_extended_to_grade_3_vision_by_town(con):
    got = queries.policy_simulation(con, year=2020, rule="nursing_subsidy", branch="grade_3_vision", categories="视力",
                                    grade_equals=3, amount=135, by="town")
    east, west = one(got, town="东城街道"), one(got, town="西湖镇")
    # 东城街道: P001 and P002 eligible both ways; P001's 2 paid months at their paid amount 270
    assert (east.persons_eligible_current, east.persons_eligible_simulated) == (2, 2)
    assert east.cost_current == east.cost_simulated == 540
    assert east.actual_spend == 540
    # 西湖镇: P004 newly eligible Jan–Aug = 8 months, none paid today; take-up today: NS months 2 / 24,
    # persons 1 / 2 → 8 / 12 expected paid months × 135 = 90; 0.5 expected persons
    assert (west.persons_eligible_current, west.persons_eligible_simulated) == (0, 1)
    assert west.person_months_eligible_simulated == 8
    assert west.person_months_paid_simulated == pytest.approx(8 / 12)
    assert west.cost_simulated == pytest.approx(90)
    assert west.persons_paid_simulated == pytest.approx(0.5)
    assert west.actual_spend == 135                # the 2020-09 payment after death: spend, never eligible
    assert west.change_vs_actual == pytest.approx(90 - 135)
    # without an amount a new month is valued at the mean paid eligible month today (270)
    free = one(queries.policy_simulation(con, year=2020, rule="nursing_subsidy", branch="grade_3_vision",
                                         categories="4|视力", grade_equals=3, by="town"), town="西湖镇")
    assert free.cost_simulated == pytest.approx(8 / 12 * 270)


def test_narrowing_a_branch_drops_persons(con):
    got = queries.policy_simulation(con, year=2020, rule="nursing_subsidy", branch="grade_1_2", grade_max=1,
                                    by="category")
    mental = one(got, category="精神")
    # P002 (grade 2) leaves; P001 (grade 1) stays with its 2 paid months
    assert (mental.persons_eligible_current, mental.persons_eligible_simulated) == (1, 0)
    assert mental.cost_simulated == 0
    assert one(got, category="肢体").change == 0


def test_filters_narrow_the_cell(con):
    got = queries.policy_simulation(con, year=2020, rule="living_subsidy", branch="dibao_or_dibian", share=0.35,
                                    village="二村", by="cell")
    assert got["village"].tolist() == ["二村"]
    assert got["persons_eligible_simulated"].tolist() == [1] and got["cost_simulated"].tolist() == [0]


def test_the_macro_without_arguments_is_the_materialised_table(con):
    """The simulation's path (a rule key re-evaluated from the seed by int_rule_months_of) with no row
    changed gives every month of int_eligibility_months, 2019–2021: LS P001 36 (低保 since 2018-05) + P002 34
    (低边 from 2019-03); NS P001 36 + P002 36."""
    cur = con.cursor()
    sim = ("select * from int_eligibility_months_of(sim_rule := 'living_subsidy') union all "
           "select * from int_eligibility_months_of(sim_rule := 'nursing_subsidy')")
    a = cur.execute(f"select * from ({sim}) except select * from int_eligibility_months").fetchall()
    b = cur.execute(f"select * from int_eligibility_months except select * from ({sim})").fetchall()
    n = cur.execute(f"select count(*) from ({sim})").fetchall()[0][0]
    assert a == b == [] and n == 36 + 34 + 36 + 36


@pytest.mark.parametrize("kwargs, message", [
    (dict(rule="no_such_rule"), "rule="),
    (dict(rule="living_subsidy", share=0.35), "branch"),
    (dict(rule="living_subsidy", branch="dibao_or_dibian", share=1.5), "share"),
    (dict(rule="nursing_subsidy", branch="x", categories="火星"), "categories"),
    (dict(rule="nursing_subsidy", branch="x", grade_equals=7), "grade"),
    (dict(rule="living_subsidy", branch="x", requires_household="rich"), "requires_household"),
    (dict(rule="living_subsidy", by="planet"), "by="),
])
def test_bad_changes_are_refused_with_a_message(con, kwargs, message):
    with pytest.raises(ValueError, match=message):
        queries.policy_simulation(con, year=2020, **kwargs)


def test_values_are_bound_never_sql(con):
    """A category name holding SQL is a value that matches nothing, not a statement."""
    got = queries.policy_simulation(con, year=2020, rule="living_subsidy", town="x' or 1=1 --", by="town")
    assert got.empty


def test_the_pack_of_a_simulation_prints_the_policy_charts_with_the_assumption(con):
    from publish import pack
    from publish.charts import Selection

    plain = pack.collect(con, Selection(year=2020))
    assert not {r.spec.id for r in plain.rendered} & {"policy.by_town", "policy.by_category"}
    sel = Selection(year=2020, policy=(("branch", "dibao_or_dibian"), ("rule", "living_subsidy"), ("share", 0.35)))
    got = {r.spec.id: r for r in pack.collect(con, sel).rendered}
    town = got["policy.by_town"]
    assert town.spec.scope_note == "policy_assumption" and "+144 元" in town.summary
    assert town.table.iloc[:, 0].tolist() == ["东城街道"]      # only 东城街道 has LS persons


# ============================================================================= a tier amount changed
# A second tiny district, built with tests/queries/test_views.py's builders (its default catalogue: NS
# monthly, tiers 1 = 1010 and 6 = 135 a month; RH per-claim, tiers 1 = 6000 and 2 = 10000 a year), 2020:
# - A 东城街道/一村 肢体 1级: NS tier 1 paid Jan, Feb, Mar at 1010, Feb paid twice (actual 4 × 1010 = 4040);
# - C 西城街道/一村 肢体 1级: NS tier 1 paid Nov, Dec at 1010 (2020), and Dec 2019 (another year);
# - B 西城街道/二村 精神 3级: NS tier 6 paid Jan–Jun at 135 (another tier);
# - D 东城街道/一村 肢体 2级: RH tier 2 claims 4000 + 5000 = 9000 (under today's cap of 10000);
# - G 西城街道/二村 肢体 2级: RH tier 2 claims 6000 + 4000 = 10000 (at today's cap);
# - F 东城街道/一村 肢体 3级: RH tier 1 claim 2000 (another tier).
@pytest.fixture(scope="module")
def tier_con(tmp_path_factory):
    W = "西城街道"
    persons = [person("A", grade=1), person("C", town=W, grade=1), person("B", town=W, village="二村", category="精神",
                                                                         grade=3),
               person("D", grade=2), person("G", town=W, village="二村", grade=2), person("F", grade=3)]
    payments = [pay("a1", "A", "NS", "2020-01", 1010, tier=1), pay("a2", "A", "NS", "2020-02", 1010, tier=1),
                pay("a2b", "A", "NS", "2020-02", 1010, tier=1), pay("a3", "A", "NS", "2020-03", 1010, tier=1),
                pay("c0", "C", "NS", "2019-12", 1010, tier=1), pay("c1", "C", "NS", "2020-11", 1010, tier=1),
                pay("c2", "C", "NS", "2020-12", 1010, tier=1),
                *[pay(f"b{m}", "B", "NS", f"2020-0{m}", 135, tier=6) for m in range(1, 7)],
                pay("d1", "D", "RH", "2020-03", 4000, tier=2), pay("d2", "D", "RH", "2020-07", 5000, tier=2),
                pay("g1", "G", "RH", "2020-02", 6000, tier=2), pay("g2", "G", "RH", "2020-09", 4000, tier=2),
                pay("f1", "F", "RH", "2020-05", 2000, tier=1)]
    c = build(tmp_path_factory.mktemp("tiers"), persons=persons, payments=payments,
              parameters=[dict(year=2019, dibao_standard=950), dict(year=2020, dibao_standard=1015)])
    yield c
    c.close()


def test_a_monthly_tier_at_a_new_amount(tier_con):
    row = one(queries.tier_simulation(tier_con, year=2020, program="NS", tier=1, amount=1200, by="program"),
              program_id="NS")
    # persons A, C; person-months 3 (A: Jan, Feb, Mar; the second Feb payment is the same month) + 2 (C) = 5
    assert (row.persons_paid_current, row.persons_paid_simulated) == (2, 2)
    assert (row.person_months_paid_current, row.person_months_paid_simulated) == (5, 5)
    assert row.cost_current == 5 * 1010 == 5050
    assert row.cost_simulated == 5 * 1200 == 6000
    assert row.change == 950
    assert row.actual_spend == 4040 + 2020          # A's four payments + C's two of 2020 (Dec 2019 is not 2020)
    assert row.change_vs_actual == 6000 - 6060
    assert (row.amount_current, row.amount_simulated, row.cycle) == (1010, 1200, "monthly")


def test_a_monthly_tier_by_town(tier_con):
    got = queries.tier_simulation(tier_con, year=2020, program="NS", tier=1, amount=1200, by="town")
    assert got["town"].tolist() == ["东城街道", "西城街道"]
    east, west = one(got, town="东城街道"), one(got, town="西城街道")
    assert (east.cost_current, east.cost_simulated, east.actual_spend) == (3 * 1010, 3 * 1200, 4040)
    assert (west.cost_current, west.cost_simulated, west.actual_spend) == (2 * 1010, 2 * 1200, 2020)
    assert one(queries.tier_simulation(tier_con, year=2020, program="NS", tier=1, amount=1200, by="category"),
               category="肢体").change == 950


def test_a_tier_abolished_pays_nobody(tier_con):
    row = one(queries.tier_simulation(tier_con, year=2020, program="NS", tier=1, amount=0, by="program"),
              program_id="NS")
    assert (row.persons_paid_simulated, row.person_months_paid_simulated, row.cost_simulated) == (0, 0, 0)
    assert row.change == -5050


def test_a_yearly_cap_lowered_cuts_the_claims_at_it(tier_con):
    row = one(queries.tier_simulation(tier_con, year=2020, program="RH", tier=2, amount=8000, by="program"),
              program_id="RH")
    # D 9000 → min(9000, 10000) = 9000 today, min(9000, 8000) = 8000; G 10000 → 10000, 8000; F is tier 1
    assert (row.persons_paid_current, row.persons_paid_simulated) == (2, 2)
    assert (row.cost_current, row.cost_simulated, row.change) == (19000, 16000, -3000)
    assert row.actual_spend == 19000
    assert row.persons_at_cap_current == 1          # G claimed up to today's cap
    assert row.cycle == "per_claim"


def test_a_yearly_cap_raised_pays_no_claim_that_was_not_made(tier_con):
    row = one(queries.tier_simulation(tier_con, year=2020, program="RH", tier=2, amount=12000, by="program"),
              program_id="RH")
    assert (row.cost_current, row.cost_simulated, row.change) == (19000, 19000, 0)


@pytest.mark.parametrize("kwargs, message", [
    (dict(program="XX", tier=1, amount=100), "program="),
    (dict(program="NS", tier=3, amount=100), "tier="),
    (dict(program="NS", tier=1, amount=-5), "zero or more"),
    (dict(program="NS", tier=1, amount="much"), "not a number"),
    (dict(program="NS", tier=1, amount=100, by="planet"), "by="),
    (dict(program="x' or 1=1 --", tier=1, amount=100), "program="),
])
def test_a_bad_tier_change_is_refused_with_a_message(tier_con, kwargs, message):
    with pytest.raises(ValueError, match=message):
        queries.tier_simulation(tier_con, year=2020, **kwargs)


def test_the_tier_catalogue(tier_con):
    got = queries.program_tiers(tier_con, program="RH")
    assert got[["tier", "amount", "cycle"]].values.tolist() == [[1, 6000.0, "per_claim"], [2, 10000.0, "per_claim"]]


# ----------------------------------------------------------------------------- the month masks = the person-months
ORACLE = Path(__file__).with_name("oracles") / "policy_simulation_person_months.sql"
SIMULATIONS = {   # the API's keyword arguments: every kind of change the page offers, and filters
    "as it stands": dict(rule="living_subsidy"),
    "nursing as it stands": dict(rule="nursing_subsidy"),
    "living 35%": dict(rule="living_subsidy", branch="dibao_or_dibian", share=0.35),
    "低保 standard": dict(rule="living_subsidy", dibao_standard=1200),
    "nursing g3 肢体 at 135": dict(rule="nursing_subsidy", branch="grade_3_physical", categories="肢体",
                                   grade_equals=3, amount=135),
    "nursing g3 肢体, mean amount": dict(rule="nursing_subsidy", branch="grade_3_physical", categories="肢体",
                                        grade_equals=3),
    "nursing narrowed": dict(rule="nursing_subsidy", branch="grade_1_2", grade_max=1),
    "nursing widened": dict(rule="nursing_subsidy", branch="grade_1_2", grade_max=3),
    "living 低保 only at 40%": dict(rule="living_subsidy", branch="dibao_or_dibian", requires_household="dibao",
                                  share=0.4),
    "living new branch at 20%": dict(rule="living_subsidy", branch="grade_1_any", grade_equals=1, share=0.2),
    "living adults only": dict(rule="living_subsidy", branch="dibao_or_dibian", min_age_months=216),
    "early intervention": dict(rule="rehab_early_intervention", branch="infant_motor", max_age_months=11),
}


def sql_frame(con, sql: str, year: int, rule: str, branch=None, *, town=None, village=None, category=None,
              dibao_standard=None, amount=None, **change) -> pd.DataFrame:
    """The rows of a policy_simulation SQL text (the product's or the oracle: the same parameters)."""
    columns = ("share", "categories", "grade_max", "grade_equals", "min_age_months", "max_age_months",
               "cert_statuses", "requires_household")
    params = {c: change.get(c) for c in columns} | dict(
        year=year, rule=rule, branch=branch, town=town, village=village, category=category,
        dibao_standard=dibao_standard, amount=amount)
    return con.execute(sql, params).df()


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SIMULATIONS))
def test_the_month_masks_give_the_person_months_answer_on_the_demo(demo_db, name):
    """Every count equal, every sum of money equal to a cent's billionth, cell by cell, for the district, a
    town and a category, in two years (demo 2020 at 35%: +1,314,347 yuan for the same eligible persons)."""
    con = queries.connect(demo_db)
    town = queries.towns(con)[0]
    for year, filters in ((2020, {}), (2020, {"town": town}), (2020, {"category": "肢体"}), (2019, {})):
        kwargs = SIMULATIONS[name] | filters
        want = sql_frame(con, ORACLE.read_text(encoding="utf-8"), year, **kwargs)
        got = sql_frame(con, queries.api_sql("policy_simulation"), year, **kwargs)
        assert list(got.columns) == list(want.columns) and len(got) == len(want), (name, filters, year)
        for col in want.columns:
            if want[col].dtype.kind == "f":
                np.testing.assert_allclose(got[col].to_numpy(), want[col].to_numpy(), rtol=1e-12, atol=1e-9,
                                           err_msg=f"{name} {filters} {year} {col}")
            else:
                assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), (name, filters, year, col)
    if name == "living 35%":
        out = queries.policy_simulation(con, 2020, **SIMULATIONS[name], by="program")
        assert out["change"].sum() == pytest.approx(1_314_347)
        assert (out["persons_eligible_simulated"] == out["persons_eligible_current"]).all()
    con.close()


# ----------------------------------------------------------------------------- the persons behind a simulation
WIDER_NARROWER = dict(rule="nursing_subsidy", branch="grade_1_2", grade_max=3, categories="肢体|视力", amount=135)


def test_the_persons_a_changed_rule_gains_and_loses_by_hand(con):
    """NS 2020, grade_1_2 changed to grade 3 or more severe of 肢体 or 视力 (135 元 for a new month): P001 (肢体 1)
    kept, 2 paid months at 270; P002 (精神 2) lost, never paid in 2020; P004 (视力 3) gained, Jan–Aug (8 months),
    unpaid while eligible (her 2020-09 payment after death is actual spend only): take-up today NS months
    2 / 24, persons 1 / 2 → 8 / 12 months, 0.5 of a person, 8 / 12 × 135 = 90 元."""
    got = queries.policy_simulation_people(con, 2020, **WIDER_NARROWER)
    assert list(got["person_id"]) == ["P004", "P002", "P001"]            # gained, lost, kept
    assert list(got["outcome"]) == ["gained", "lost", "kept"]
    assert list(got["name_masked"]) == ["赵*", "李**", "张*"] and not {"name", "id_number"} & set(got.columns)
    assert list(got["months_eligible_current"]) == [0, 12, 12]
    assert list(got["months_eligible_simulated"]) == [8, 0, 12]
    assert list(got["months_paid_current"]) == [0, 0, 2]
    assert got["months_paid_simulated"].tolist() == pytest.approx([8 / 12, 0, 2])
    assert got["expected_paid"].tolist() == pytest.approx([0.5, 0, 1])
    assert list(got["cost_current"]) == [0, 0, 540]
    assert got["cost_simulated"].tolist() == pytest.approx([90, 0, 540])
    assert list(got["actual_spend"]) == [135, 0, 540]
    for outcome, who in (("gained", ["P004"]), ("lost", ["P002"]), ("kept", ["P001"])):
        listed = queries.policy_simulation_people(con, 2020, outcome=outcome, **WIDER_NARROWER)
        assert list(listed["person_id"]) == who, outcome
    east = queries.policy_simulation_people(con, 2020, town="东城街道", **WIDER_NARROWER)
    assert list(east["person_id"]) == ["P002", "P001"]
    same = queries.policy_simulation_people(con, 2020, "living_subsidy")   # no change: nobody gained or lost
    assert list(same["person_id"]) == ["P001", "P002"] and set(same["outcome"]) == {"kept"}
    assert list(same["cost_current"]) == list(same["cost_simulated"]) == [855, 0]
    with pytest.raises(ValueError, match="outcome"):
        queries.policy_simulation_people(con, 2020, outcome="won", **WIDER_NARROWER)
    with pytest.raises(ValueError, match="branch"):                    # the same checks as policy_simulation
        queries.policy_simulation_people(con, 2020, "living_subsidy", share=0.35)


def simulation_agrees(con, year: int, **args) -> int:
    """policy_simulation_people's rows, per (program, town), are policy_simulation(by="town")'s persons: eligible
    as it stands, as simulated, paid today, expected paid as simulated; and its person-months and money sum to
    the same; gained − lost = the change in persons eligible. Returns the persons listed."""
    people = queries.policy_simulation_people(con, year, **args)
    assert not people.duplicated(["program_id", "person_id"]).any()
    counts = queries.policy_simulation(con, year, by="town", **args).set_index(["program_id", "town"])
    g = people.assign(
        e_cur=people["months_eligible_current"] > 0, e_sim=people["months_eligible_simulated"] > 0,
        p_cur=people["months_paid_current"] > 0, gained=people["outcome"] == "gained",
        lost=people["outcome"] == "lost").groupby(["program_id", "town"])
    got = pd.DataFrame({
        "persons_eligible_current": g["e_cur"].sum(), "persons_eligible_simulated": g["e_sim"].sum(),
        "persons_paid_current": g["p_cur"].sum(), "persons_paid_simulated": g["expected_paid"].sum(),
        "person_months_eligible_current": g["months_eligible_current"].sum(),
        "person_months_eligible_simulated": g["months_eligible_simulated"].sum(),
        "person_months_paid_current": g["months_paid_current"].sum(),
        "person_months_paid_simulated": g["months_paid_simulated"].sum(),
        "cost_current": g["cost_current"].sum(), "cost_simulated": g["cost_simulated"].sum(),
        "actual_spend": g["actual_spend"].sum()})
    pd.testing.assert_frame_equal(got.sort_index(), counts[list(got.columns)].sort_index(), check_dtype=False)
    moved = g["gained"].sum() - g["lost"].sum()
    assert (moved == counts["persons_eligible_simulated"] - counts["persons_eligible_current"]).all()
    return len(people)


def test_the_simulations_persons_add_up_to_its_counts_on_the_tiny_district(con):
    assert simulation_agrees(con, 2020, **WIDER_NARROWER) == 3
    assert simulation_agrees(con, 2020, rule="living_subsidy", branch="dibao_or_dibian", share=0.35) == 2
