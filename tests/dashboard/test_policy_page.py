"""The 政策测算 page under AppTest on the tiny hand-typed district (tests/contract_fixtures.py, real loader):
the numbers it shows are the ones worked out by hand in tests/queries/test_policy_simulation.py, the
assumption is on the page, and its charts are the registry's (the same figure the report pack prints).
"""
from __future__ import annotations

import io
import json

import pandas as pd
import plotly.io as pio
import pytest
from apptest import run_app

import queries
import vocab
from publish import charts, figures_policy
from publish.charts import Selection
from tests.contract_fixtures import write_district

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    from subsidy.build import build_database

    root = tmp_path_factory.mktemp("policy_page")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


@pytest.fixture
def page(tiny_db, monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("policy", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    return at


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_rule_in_force_changes_nothing(page):
    got = tiles(page)
    L = charts.labels("zh")
    assert got[L("policy_tile_change")] == "±0 元"
    assert got[L("policy_tile_actual")] == "±0 元"         # LS 2020: 3 × 285 modelled = 855 paid
    assert L("policy_assumption") in [i.value for i in page.info]


def test_living_subsidy_at_35_percent_on_the_page(page, tiny_db):
    page.number_input(key="policy_share").set_value(35.0).run()
    assert not page.exception, [e.message for e in page.exception]
    L = charts.labels("zh")
    got = tiles(page)
    assert got[L("policy_tile_change")] == "+144 元"       # 3 paid months × (333 − 285)
    assert got[L("policy_tile_cost")] == "999 元"
    # the charts are the registry's for the same change: what the pack prints
    drawn = {el.proto.id.split("chart_")[-1]: json.loads(el.proto.spec) for el in page.get("plotly_chart")}
    assert set(drawn) == {"policy.by_town", "policy.by_category"}
    con = queries.connect(tiny_db)
    sel = Selection(year=2020, policy=(("branch", "dibao_or_dibian"), ("rule", "living_subsidy"), ("share", 0.35)))
    r = charts.render("policy.by_town", sel, L, run=charts.direct_runner(con))
    con.close()
    assert drawn["policy.by_town"]["data"] == json.loads(pio.to_json(r.chart.fig, validate=False))["data"]
    assert L("policy_assumption") in [c.value for c in page.caption]      # the chart's scope note


def test_a_new_nursing_branch_and_the_export_states_the_assumption(page):
    page.selectbox(key="policy_rule").set_value("nursing_subsidy").run()
    page.selectbox(key="policy_branch").set_value("__new__").run()
    page.multiselect(key="policy_categories").set_value(["视力"]).run()
    page.selectbox(key="policy_grade_equals").set_value("3").run()
    page.number_input(key="policy_amount").set_value(135.0).run()
    assert not page.exception, [e.message for e in page.exception]
    L = charts.labels("zh")
    assert tiles(page)[L("policy_tile_change")] == "+90 元"   # P004: 8 months × 2/24 take-up × 135
    assert vocab.t("policy_export") in [b.proto.label for b in page.get("download_button")]


def test_the_export_workbook_states_the_change_and_the_assumption(tiny_db):
    """The workbook the page offers (publish.figures_policy.policy_workbook, the function the page calls)."""
    con = queries.connect(tiny_db)
    change = dict(rule="living_subsidy", branch="dibao_or_dibian", share=0.35)
    frame = queries.policy_simulation(con, year=2020, **change)
    con.close()
    L = charts.labels("zh")
    book = pd.read_excel(io.BytesIO(figures_policy.policy_workbook(frame, change, L, "2020 年")), sheet_name=None,
                         engine="openpyxl")
    result, notes = book[L("policy_sheet_result")], book[L("policy_sheet_notes")]
    assert result[L.column("change")].sum() == 144 and result[L.column("cost_simulated")].sum() == 999
    text = notes.iloc[:, 0].tolist()
    assert text == ["rule=living_subsidy, branch=dibao_or_dibian, share=0.35", L("policy_assumption"), "2020 年"]


# ----------------------------------------------------------------------------- a tier amount changed
# The tiny district's NS tier 2 (一级, 270 a month) is paid to P001 for 2020-01 and 2020-02 (Y04, Y05): at 300
# a month the year costs 2 × 300 = 600 against 2 × 270 = 540 (+60, also +60 against the 540 paid).
TIER = (("amount", 300.0), ("program", "NS"), ("tier", 2))


def test_a_tier_amount_on_the_page(page, tiny_db):
    page.radio(key="policy_mode").set_value("tier").run()
    page.selectbox(key="policy_tier_program").set_value("NS").run()
    page.selectbox(key="policy_tier").set_value(2).run()
    L = charts.labels("zh")
    assert tiles(page)[L("policy_tile_change")] == "±0 元"       # the amount in force to start with
    page.number_input(key="policy_tier_amount_NS_2").set_value(300.0).run()
    assert not page.exception, [e.message for e in page.exception]
    got = tiles(page)
    assert got[L("policy_tile_change")] == "+60 元"
    assert got[L("policy_tile_actual")] == "+60 元"
    assert got[L("policy_tile_cost")] == "600 元"
    assert L("policy_tier_assumption") in [i.value for i in page.info]
    assert L("policy_tier_assumption") in [c.value for c in page.caption]   # the charts' scope note
    drawn = {el.proto.id.split("chart_")[-1]: json.loads(el.proto.spec) for el in page.get("plotly_chart")}
    assert set(drawn) == {"policy.tier_by_town", "policy.tier_by_category"}
    con = queries.connect(tiny_db)
    r = charts.render("policy.tier_by_town", Selection(year=2020, policy=TIER), L, run=charts.direct_runner(con))
    con.close()
    assert drawn["policy.tier_by_town"]["data"] == json.loads(pio.to_json(r.chart.fig, validate=False))["data"]


def test_a_yearly_cap_lowered_on_the_page(page):
    page.radio(key="policy_mode").set_value("tier").run()
    page.selectbox(key="policy_tier_program").set_value("RH").run()
    page.selectbox(key="policy_tier").set_value(1).run()
    page.number_input(key="policy_tier_amount_RH_1").set_value(5000.0).run()
    assert not page.exception, [e.message for e in page.exception]
    # P004's 2020 claim at RH tier 1 (cap 6000) is 5999.5: capped at 5000, the year costs 999.5 less,
    # shown in whole yuan
    assert tiles(page)[charts.labels("zh")("policy_tile_change")] == "-1,000 元"


def test_the_pack_of_a_tier_change_prints_its_charts_and_assumption(tiny_db):
    from publish import pack

    con = queries.connect(tiny_db)
    got = {r.spec.id: r for r in pack.collect(con, Selection(year=2020, policy=TIER)).rendered}
    L = charts.labels("zh")
    book = figures_policy.policy_workbook(queries.tier_simulation(con, year=2020, **dict(TIER)), dict(TIER), L,
                                          "2020 年", "policy_tier_assumption")
    con.close()
    assert not {"policy.by_town", "policy.by_category"} & set(got)
    town = got["policy.tier_by_town"]
    assert town.spec.scope_note == "policy_tier_assumption" and "+60 元" in town.summary
    assert town.table.iloc[:, 0].tolist() == ["东城街道"]
    notes = pd.read_excel(io.BytesIO(book), sheet_name=L("policy_sheet_notes"), engine="openpyxl")
    assert notes.iloc[:, 0].tolist() == ["amount=300.0, program=NS, tier=2", L("policy_tier_assumption"), "2020 年"]


# ----------------------------------------------------------------------------- the persons behind a simulation
def policy_people_shown(at) -> pd.DataFrame | None:
    return next((d.value for d in at.dataframe if "与现行规则相比" in d.value.columns), None)


def test_the_persons_gained_and_lost_are_listed_masked_and_audited(page):
    """NS 2020, grade_1_2 widened to grade 3 and narrowed to 肢体 | 视力 (135 元 a new month): P004 gained (8
    months, 0.5 expected, 90 元), P002 lost, P001 kept (2 paid months, 540 元) — the hand-worked case of
    tests/queries/test_policy_simulation.py; the rule in force lists LS's P001 and P002, kept."""
    from access import audit
    from access import db as ops

    kept = policy_people_shown(page)
    assert list(kept["人员编号"]) == ["P001", "P002"] and list(kept["与现行规则相比"]) == ["不变", "不变"]
    page.selectbox(key="policy_rule").set_value("nursing_subsidy").run()
    page.selectbox(key="policy_grade_max").set_value("3").run()
    page.multiselect(key="policy_categories").set_value(["肢体", "视力"]).run()
    page.number_input(key="policy_amount").set_value(135.0).run()
    assert not page.exception, [e.message for e in page.exception]
    people = policy_people_shown(page)
    assert list(people["人员编号"]) == ["P004", "P002", "P001"]
    assert list(people["姓名（脱敏）"]) == ["赵*", "李**", "张*"]
    assert list(people["与现行规则相比"]) == ["新增", "减少", "不变"]
    assert list(people["测算下获补（预计，0–1）"]) == [0.5, 0.0, 1.0]
    assert list(people["金额（测算，元）"]) == [90.0, 0.0, 540.0]
    assert list(people["实际发放（元）"]) == [135.0, 0.0, 540.0]
    assert not people.astype(str).apply(lambda c: c.str.contains(r"\d{15,}", regex=True)).any().any()
    assert "共 3 人。" in [m.value for m in page.markdown]
    L = charts.labels("zh")
    assert L("policy_people_expected", paid="1.5", now="1") in [c.value for c in page.caption]   # 0.5 + 0 + 1
    assert page.selectbox(key="poutcome").options == ["全部（3 人）", "新增（1 人）", "减少（1 人）", "不变（1 人）",
                                                     "两种规则下均不符合（今天有发放）（0 人）"]
    page.selectbox(key="poutcome").select("gained").run()
    assert page.query_params["poutcome"] == "gained" and list(policy_people_shown(page)["人员编号"]) == ["P004"]
    assert L("policy_people_expected", paid="0.5", now="0") in [c.value for c in page.caption]
    seen = audit.entries(ops.make_engine(), username="t_analyst", event="list")
    assert ((seen["what"] == "policy_simulation_people:nursing_subsidy:all") & (seen["persons"] == 3)).any()
    assert ((seen["what"] == "policy_simulation_people:nursing_subsidy:gained") & (seen["persons"] == 1)).any()


def test_a_town_caseworker_sees_the_simulations_persons_of_her_town_in_full(tiny_db, monkeypatch):
    """A caseworker of 东城街道, the living subsidy as it stands in 2020: P001 张三 and P002 李四娘, in full."""
    from access import accounts
    from access import db as ops
    from tests.conftest import TEST_PASSWORD

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    eng = ops.make_engine()
    accounts.add(eng, "policy_town", "town_caseworker", town="东城街道", password=TEST_PASSWORD)
    eng.dispose()
    at = run_app("policy", username="policy_town", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    people = policy_people_shown(at)
    assert list(people["人员编号"]) == ["P001", "P002"] and list(people["姓名"]) == ["张三", "李四娘"]
    assert all(len(x) == 18 and x.startswith("3301") for x in people["身份证号"])


@pytest.mark.parametrize("how", [dict(role="public"), dict(public="1")])
def test_no_simulation_list_for_the_public_role_or_edition(tiny_db, monkeypatch, how):
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("policy", year=2020, **how)
    assert not at.exception, [e.message for e in at.exception]
    assert policy_people_shown(at) is None and not any(s.key == "poutcome" for s in at.selectbox)
    assert charts.labels("zh")("public_no_list") in [i.value for i in at.info]
