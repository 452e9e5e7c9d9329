"""Click to filter (issue 14): a plotly selection event names the clicked bar or cell by its axis label;
`dashboard.ui.drill_value` maps it back to the filter value (a town as loaded, a category code), whatever
language or HTML escaping the builder drew it in. The click itself is driven in a real browser
(tests/dashboard/test_browser.py::test_clicking_a_town_bar_narrows_the_page_and_the_url)."""
from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest
from apptest import run_app

from dashboard import ui
from publish import charts
from tests.contract_fixtures import write_district


def test_a_clicked_horizontal_bar_names_its_town():
    mapping = {"A&amp;B镇": "A&B镇", "A&B镇": "A&B镇", "东城街道": "东城街道"}
    event = {"selection": {"points": [{"x": 538.79, "y": "A&amp;B镇", "curve_number": 0}]}}
    assert ui.drill_value(event, mapping) == "A&B镇"


def test_a_heatmap_cell_or_vertical_bar_is_found_on_either_axis():
    mapping = {"Physical": "肢体", "肢体": "肢体"}
    assert ui.drill_value({"selection": {"points": [{"x": "Grade 1", "y": "Physical"}]}}, mapping) == "肢体"
    assert ui.drill_value({"selection": {"points": [{"x": "肢体", "y": 0.8}]}}, mapping) == "肢体"


def test_nothing_selected_or_an_unknown_label_changes_nothing():
    mapping = {"东城街道": "东城街道"}
    assert ui.drill_value(None, mapping) is None
    assert ui.drill_value({"selection": {"points": []}}, mapping) is None
    assert ui.drill_value({"selection": {"points": [{"x": 3, "y": "西城街道"}]}}, mapping) is None


def test_the_registry_says_which_charts_drill_and_to_what():
    drills = {cid: s.drill for cid, s in charts.CHARTS.items() if s.drill}
    assert drills == {"overview.towns": "town", "coverage.heatmap": "category", "coverage.town": "town",
                      "spend.incidence_category": "category", "spend.incidence_town": "town",
                      "gaps.by_town": "town", "policy.by_town": "town", "policy.by_category": "category",
                      "policy.tier_by_town": "town", "policy.tier_by_category": "category",
                      "gaps.overview": "gap", "spend.programs": "program"}
    assert set(drills.values()) <= set(ui.DRILL_KEYS)


# ----------------------------------------------------------------------------- a gap's bar → its list; a program
def test_a_clicked_gap_bar_names_its_gap_in_either_language():
    for lang in ("zh", "en"):
        L = charts.labels(lang)
        mapping = ui.drill_labels("gap", L)
        event = {"selection": {"points": [{"x": 1, "y": L.gap("paid_after_death"), "curve_number": 0}]}}
        assert ui.drill_value(event, mapping) == "paid_after_death", lang


def test_a_clicked_program_bar_names_its_program(monkeypatch):
    catalog = pd.DataFrame({"program_id": ["NS", "RH"], "name": ["重度残疾人护理补贴", "肢体康复训练"],
                            "name_en": ["Nursing subsidy", None]})
    monkeypatch.setattr(ui.store, "programs", lambda: catalog)
    for lang, label in (("zh", "重度残疾人护理补贴"), ("en", "Nursing subsidy"), ("en", "肢体康复训练")):
        mapping = ui.drill_labels("program", charts.labels(lang))
        assert ui.drill_value({"selection": {"points": [{"x": 3.2, "y": label}]}}, mapping) in ("NS", "RH")
    mapping = ui.drill_labels("program", charts.labels("zh"))
    assert ui.drill_value({"selection": {"points": [{"x": 3.2, "y": "肢体康复训练"}]}}, mapping) == "RH"


def test_the_click_callback_sets_the_widget_and_says_what_it_drilled(monkeypatch):
    label = charts.labels("zh").gap("eligible_unpaid")
    state = {"chart_gaps.overview": {"selection": {"points": [{"x": 1, "y": label}]}}}
    monkeypatch.setattr(ui.st, "session_state", state)
    ui._on_drill("chart_gaps.overview", "gap", ui.drill_labels("gap", charts.labels("zh")))
    assert state["gap"] == "eligible_unpaid" and state[ui.DRILLED] == "gap"


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    from subsidy.build import build_database

    root = tmp_path_factory.mktemp("drill")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


def array(values) -> list:
    """A plotly JSON array: a list, or a typed array ({"dtype", "bdata"}: base64 of the raw values)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def drillable(at, chart_id: str) -> bool:
    """The chart is drawn with a selection callback (st.plotly_chart(on_select=…))."""
    el = next(e for e in at.get("plotly_chart") if e.proto.id.endswith(f"chart_{chart_id}"))
    return bool(list(el.proto.selection_mode))


@pytest.mark.slow
def test_a_click_on_a_gap_bar_picks_the_gap_and_shows_its_masked_list(tiny_db, monkeypatch):
    """The tiny district (tests/contract_fixtures.py) in 2020: P004 died 2020-08-20 and was paid NS 135 for
    2020-09 (paid_after_death: 1 person); the click's callback (test above) sets the gap and DRILLED."""
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("gaps", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    assert drillable(at, "gaps.overview")               # still clickable while a gap is picked
    L = charts.labels("zh")
    assert L("drill_hint_gap") in [c.value for c in at.caption]
    at.session_state["gap"] = "paid_after_death"     # what the click's callback does
    at.session_state[ui.DRILLED] = "gap"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="gap").value == "paid_after_death"
    assert at.query_params["gap"] == "paid_after_death"
    assert L("drill_to_list", gap=L.gap("paid_after_death"), n="1") in [c.value for c in at.caption]
    people = next(d.value for d in at.dataframe if "身份证号（脱敏）" in d.value.columns)   # the masked list
    assert len(people) == 1
    # an analyst's list is masked: no ID number (15 or more digits in a row) anywhere in it
    assert not people.astype(str).apply(lambda c: c.str.contains(r"\d{15,}", regex=True)).any().any()
    assert any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    at.run()                                          # the next run (no click) does not scroll again
    assert not any("scrollIntoView" in str(h.proto) for h in at.get("html"))


@pytest.mark.slow
def test_a_click_on_a_program_bar_narrows_the_spend_page_and_the_url(tiny_db, monkeypatch):
    """NS in 2020 on the tiny district: Y04 + Y05 (P001, 2 × 270) + Y07 (P004, 135) = 675 元."""
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("spend", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    assert drillable(at, "spend.programs")
    assert "4 个补贴项目" in [h.value for h in at.header]   # LS, NS, RH, AD
    at.session_state["program"] = "NS"              # what the click's callback does
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "1 个补贴项目" in [h.value for h in at.header]   # the header counts the one program chosen
    assert at.query_params["program"] == "NS"
    assert at.selectbox(key="program").value == "NS"
    spec = next(json.loads(e.proto.spec) for e in at.get("plotly_chart") if e.proto.id.endswith("chart_spend.programs"))
    bars = [(y, x) for trace in spec["data"] for y, x in zip(trace["y"], array(trace["x"]))]
    assert len(bars) == 1 and bars[0][1] == pytest.approx(675 / 10_000)
    assert not drillable(at, "spend.programs")       # one program chosen: nothing left to click to
    assert any("重度残疾人护理补贴" in str(c.value) for c in at.caption)   # the scope names the program


# ----------------------------------------------------------------------------- a coverage count → its persons
def test_a_clicked_heatmap_cell_names_its_category_and_grade(monkeypatch):
    L = charts.labels("zh")
    state = {"chart_coverage.heatmap": {"selection": {"points": [{"x": "二级", "y": "精神", "z": 0.0}]}}}
    monkeypatch.setattr(ui.st, "session_state", state)
    ui._on_drill("chart_coverage.heatmap", "category", ui.drill_labels("category", L),
                 "grade", ui.drill_labels("grade", L))
    assert (state["category"], state["grade"], state[ui.DRILLED]) == ("精神", "2", "category")
    assert charts.CHARTS["coverage.heatmap"].drill_also == "grade"
    en = charts.labels("en")
    event = {"selection": {"points": [{"x": "Grade 3", "y": "Visual"}]}}
    assert ui.drill_value(event, ui.drill_labels("grade", en)) == "3"


def coverage_people_shown(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "本年度获得发放" in d.value.columns)


@pytest.mark.slow
def test_a_click_on_a_heatmap_cell_shows_the_cells_masked_list(tiny_db, monkeypatch):
    """2020 on the tiny district: 精神 二级 is P002 李四娘 alone, certified and paid nothing (her NS payments are
    for 2021): 1 not yet covered, 0 paid; the click's callback (test above) sets category, grade, DRILLED."""
    from access import audit
    from access import db as ops

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("coverage", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    assert drillable(at, "coverage.heatmap") and drillable(at, "coverage.town")
    everyone = coverage_people_shown(at)               # the district's not yet covered: P002 only
    assert list(everyone["人员编号"]) == ["P002"]
    at.session_state["category"] = "精神"               # what the click's callback does
    at.session_state["grade"] = "2"
    at.session_state[ui.DRILLED] = "category"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert (at.query_params["category"], at.query_params["grade"]) == ("精神", "2")   # the URL follows
    L = charts.labels("zh")
    assert L("coverage_drill_to_list", cell="精神 二级", unpaid="1", paid="0") in [c.value for c in at.caption]
    people = coverage_people_shown(at)
    assert list(people["人员编号"]) == ["P002"] and list(people["姓名（脱敏）"]) == ["李**"]
    assert list(people["本年度获得发放"]) == ["否"] and list(people["发放金额（元）"]) == [0.0]
    assert not people.astype(str).apply(lambda c: c.str.contains(r"\d{15,}", regex=True)).any().any()
    assert "共 1 人。" in [m.value for m in at.markdown]
    assert any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    seen = audit.entries(ops.make_engine(), username="t_analyst", event="list")
    assert (seen["what"] == "coverage_people:not_covered").any()
    at.run()                                           # the next run (no click) does not scroll again
    assert not any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    at.selectbox(key="covered").select("paid").run()   # the cell's paid persons: none
    assert not at.exception and not any("本年度获得发放" in d.value.columns for d in at.dataframe)


@pytest.mark.slow
def test_a_town_caseworker_sees_full_identities_of_her_town_only(tiny_db, monkeypatch):
    """A caseworker of 东城街道: P001 张三 (paid LS and NS: 1,395 元) in full, nobody of 西湖镇."""
    from access import accounts
    from access import db as ops
    from tests.conftest import TEST_PASSWORD

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    eng = ops.make_engine()
    accounts.add(eng, "cov_town", "town_caseworker", town="东城街道", password=TEST_PASSWORD)
    eng.dispose()
    at = run_app("coverage", username="cov_town", year=2020, covered="paid")
    assert not at.exception, [e.message for e in at.exception]
    people = next(d.value for d in at.dataframe if "本年度获得发放" in d.value.columns)
    assert list(people["人员编号"]) == ["P001"] and list(people["姓名"]) == ["张三"]
    assert people["身份证号"].iloc[0].startswith("3301") and len(people["身份证号"].iloc[0]) == 18
    assert list(people["发放金额（元）"]) == [1395.0]


@pytest.mark.slow
def test_the_public_role_gets_no_coverage_list(tiny_db, monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("coverage", role="public", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    assert not any("本年度获得发放" in d.value.columns for d in at.dataframe)
    assert charts.labels("zh")("public_no_list") in [i.value for i in at.info]


# ----------------------------------------------------------------------------- a program's persons paid
def paid_people_shown(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "发放项目" in d.value.columns and "发放笔数" in d.value.columns)


@pytest.mark.slow
def test_a_click_on_a_program_bar_shows_the_programs_persons_paid(tiny_db, monkeypatch):
    """2020 on the tiny district: every program paid P001 (LS|NS 1,395 元, 5 payments), P004 (NS|RH 6,134.5,
    2) and P005 (AD 1,200.25, 1); NS alone P001 (2 × 270 = 540) and P004 (135); masked, audited."""
    from access import audit
    from access import db as ops

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("spend", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    everyone = paid_people_shown(at)
    assert list(everyone["人员编号"]) == ["P001", "P004", "P005"]
    assert list(everyone["发放金额（元）"]) == [1395.0, 6134.5, 1200.25] and list(everyone["发放笔数"]) == [5, 2, 1]
    assert "共 3 人。" in [m.value for m in at.markdown]
    at.session_state["program"] = "NS"                 # what the click's callback does
    at.session_state[ui.DRILLED] = "program"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    L = charts.labels("zh")
    assert L("paid_drill_to_list", program="重度残疾人护理补贴", n="2") in [c.value for c in at.caption]
    people = paid_people_shown(at)
    assert list(people["人员编号"]) == ["P001", "P004"] and list(people["姓名（脱敏）"]) == ["张*", "赵*"]
    assert list(people["发放项目"]) == ["重度残疾人护理补贴"] * 2 and list(people["发放金额（元）"]) == [540.0, 135.0]
    assert not people.astype(str).apply(lambda c: c.str.contains(r"\d{15,}", regex=True)).any().any()
    assert "共 2 人。" in [m.value for m in at.markdown]
    assert any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    seen = audit.entries(ops.make_engine(), username="t_analyst", event="list")
    assert ((seen["what"] == "paid_people") & (seen["persons"] == 2)).any()
    at.run()                                           # the next run (no click) does not scroll again
    assert not any("scrollIntoView" in str(h.proto) for h in at.get("html"))


@pytest.mark.slow
def test_a_town_caseworker_sees_her_towns_persons_paid_in_full(tiny_db, monkeypatch):
    """A caseworker of 西湖镇: P004 赵六 (6,134.5 元) and P005 孙七 (1,200.25, no ID number), nobody of 东城街道."""
    from access import accounts
    from access import db as ops
    from tests.conftest import TEST_PASSWORD

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    eng = ops.make_engine()
    accounts.add(eng, "paid_town", "town_caseworker", town="西湖镇", password=TEST_PASSWORD)
    eng.dispose()
    at = run_app("spend", username="paid_town", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    people = paid_people_shown(at)
    assert list(people["人员编号"]) == ["P004", "P005"] and list(people["姓名"]) == ["赵六", "孙七"]
    assert people["身份证号"].iloc[0].startswith("3301") and len(people["身份证号"].iloc[0]) == 18
    assert list(people["发放金额（元）"]) == [6134.5, 1200.25]


@pytest.mark.slow
@pytest.mark.parametrize("how", [dict(role="public"), dict(public="1")])
def test_no_list_of_persons_paid_for_the_public_role_or_edition(tiny_db, monkeypatch, how):
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("spend", year=2020, **how)
    assert not at.exception, [e.message for e in at.exception]
    assert not any("人员编号" in d.value.columns for d in at.dataframe)
    assert charts.labels("zh")("public_no_list") in [i.value for i in at.info]


# ----------------------------------------------------------------------------- the overview's person tiles → lists
def tile(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.slow
@pytest.mark.parametrize("query, paid", [({}, ["P001", "P004", "P005"]), ({"program": "NS"}, ["P001", "P004"]),
                                         ({"town": "西湖镇"}, ["P004", "P005"])])
def test_the_persons_paid_tile_leads_to_as_many_persons(tiny_db, monkeypatch, query, paid):
    """受益人数 2020: P001, P004, P005 (3); NS alone P001 and P004 (2); 西湖镇 P004 and P005 (2). The button
    under the tile opens the spend page's list of exactly those persons, in view."""
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("overview", year=2020, **query)
    assert not at.exception, [e.message for e in at.exception]
    assert tile(at, "受益人数") == str(len(paid))
    at.button(key="overview_to_paid_list").click().run()
    assert not at.exception, [e.message for e in at.exception]
    people = paid_people_shown(at)
    assert list(people["人员编号"]) == paid
    assert any("scrollIntoView" in str(h.proto) for h in at.get("html"))


@pytest.mark.slow
@pytest.mark.parametrize("query, covered, share", [({}, ["P001", "P004", "P005"], "75.0%"),
                                                   ({"program": "NS"}, ["P001", "P004"], "50.0%")])
def test_the_coverage_tile_leads_to_its_covered_persons(tiny_db, monkeypatch, query, covered, share):
    """覆盖率 2020: 3 of the 4 certified (P002 is paid only for 2021) = 75.0%; under NS 2 of 4 = 50.0%. The
    button opens the coverage page's 已获发放 list of every grade (a grade picked before is dropped)."""
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("coverage", year=2020, grade="1", **query)
    at.switch_page("views/overview.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert tile(at, "覆盖率") == share
    at.button(key="overview_to_covered_list").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="covered").value == "paid" and at.selectbox(key="grade").value == ""
    assert list(coverage_people_shown(at)["人员编号"]) == covered
    assert any("scrollIntoView" in str(h.proto) for h in at.get("html"))


@pytest.mark.slow
def test_the_certified_tile_leads_to_the_certified_population(tiny_db, monkeypatch):
    """持证残疾人 2020: P001, P002, P004, P005 (P003 评定表 and P006 疑似 hold no certificate) = 4; the button
    opens the coverage page's list of all of them, covered or not."""
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("overview", year=2020)
    assert not at.exception, [e.message for e in at.exception]
    assert tile(at, "持证残疾人") == "4"
    at.button(key="overview_to_certified_list").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="covered").value == "all" and at.query_params["covered"] == "all"
    people = coverage_people_shown(at)
    assert list(people["人员编号"]) == ["P001", "P002", "P004", "P005"]
    assert list(people["本年度获得发放"]) == ["是", "否", "是", "是"]


@pytest.mark.slow
def test_no_list_buttons_under_the_tiles_in_the_public_edition(tiny_db, monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("overview", year=2020, public="1")
    assert not at.exception, [e.message for e in at.exception]
    assert not any(b.key.startswith("overview_to_") for b in at.button)


# ----------------------------------------------------------------------------- a priority group → its children
@pytest.mark.slow
def test_a_priority_groups_children_are_listed_masked_and_audited(demo_db, monkeypatch):
    """The demo, 2020: the list of each group has as many children as the chart's persons, and its paid
    ones are its persons_paid (queries.priority_children); masked, audited."""
    import queries
    from access import audit
    from access import db as ops

    monkeypatch.setenv("SUBSIDY_DB", str(demo_db))
    con = queries.connect(demo_db)
    counts = queries.priority_children(con, 2020).set_index("group")
    con.close()
    group = counts["persons"].idxmax()
    at = run_app("coverage", year=2020, pgroup=group)
    assert not at.exception, [e.message for e in at.exception]
    people = next(d.value for d in at.dataframe if "本年度符合月数" in d.value.columns)
    assert len(people) == counts.loc[group, "persons"] and (people["本年度获得发放"] == "是").sum() == counts.loc[
        group, "persons_paid"]
    assert not people.astype(str).apply(lambda c: c.str.contains(r"\d{15,}", regex=True)).any().any()
    at.selectbox(key="ppaid").select("paid").run()
    people = next(d.value for d in at.dataframe if "本年度符合月数" in d.value.columns)
    assert len(people) == counts.loc[group, "persons_paid"]
    seen = audit.entries(ops.make_engine(), username="t_analyst", event="list")
    assert (seen["what"] == f"priority_children_people:{group}:paid").any()


# ----------------------------------------------------------------------------- a flow's count → its persons
def flow_people_shown(at) -> pd.DataFrame | None:
    return next((d.value for d in at.dataframe if {"人员编号", "流向", "原因"} <= set(d.value.columns)), None)


@pytest.mark.slow
def test_the_persons_behind_a_programs_flows_are_listed_masked_and_audited(tiny_db, monkeypatch):
    """2020 → 2021 on the tiny district: LS P001 left (still eligible, unpaid: 855 元 in 2020); NS P004 died
    2020-08-20 (135), P001 left (540), P002 entered (eligible all 2020, paid 2 × 270 in 2021)."""
    from access import audit
    from access import db as ops

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("coverage", year=2021)
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="fprogram").value == "LS" and at.selectbox(key="fflow").value == ""
    ls = flow_people_shown(at)
    assert list(ls["人员编号"]) == ["P001"] and list(ls["原因"]) == ["仍符合条件但未发放"]
    assert list(ls["上年金额（元）"]) == [855.0] and list(ls["本年金额（元）"]) == [0.0]
    at.selectbox(key="fprogram").select("NS").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params["fprogram"] == "NS"
    ns = flow_people_shown(at)
    assert list(ns["人员编号"]) == ["P004", "P001", "P002"] and list(ns["姓名（脱敏）"]) == ["赵*", "张*", "李**"]
    assert list(ns["流向"]) == ["退出", "退出", "新进入"] and list(ns["原因"])[0] == "死亡"
    assert list(ns["本年金额（元）"]) == [0.0, 0.0, 540.0]
    assert not ns.astype(str).apply(lambda c: c.str.contains(r"\d{15,}", regex=True)).any().any()
    assert "共 3 人。" in [m.value for m in at.markdown]
    assert at.selectbox(key="fflow").options == ["全部（3 人）", "退出（2 人）", "继续（0 人）", "新进入（1 人）"]
    at.selectbox(key="fflow").select("entering").run()
    assert at.query_params["fflow"] == "entering" and list(flow_people_shown(at)["人员编号"]) == ["P002"]
    seen = audit.entries(ops.make_engine(), username="t_analyst", event="list")
    assert ((seen["what"] == "flow_people:NS:all") & (seen["persons"] == 3)).any()
    assert ((seen["what"] == "flow_people:NS:entering") & (seen["persons"] == 1)).any()


@pytest.mark.slow
def test_a_town_caseworker_sees_the_flows_of_her_town_in_full(tiny_db, monkeypatch):
    """A caseworker of 东城街道, NS 2020 → 2021: P001 张三 (left) and P002 李四娘 (entered) in full; P004 of 西湖镇
    is not listed. The URL's choice (fprogram=NS) opens that list."""
    from access import accounts
    from access import db as ops
    from tests.conftest import TEST_PASSWORD

    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    eng = ops.make_engine()
    accounts.add(eng, "flow_town", "town_caseworker", town="东城街道", password=TEST_PASSWORD)
    eng.dispose()
    at = run_app("coverage", username="flow_town", year=2021, fprogram="NS")
    assert not at.exception, [e.message for e in at.exception]
    ns = flow_people_shown(at)
    assert list(ns["人员编号"]) == ["P001", "P002"] and list(ns["姓名"]) == ["张三", "李四娘"]
    assert all(len(x) == 18 and x.startswith("3301") for x in ns["身份证号"])


@pytest.mark.slow
@pytest.mark.parametrize("how", [dict(role="public"), dict(public="1")])
def test_no_flow_list_for_the_public_role_or_edition(tiny_db, monkeypatch, how):
    monkeypatch.setenv("SUBSIDY_DB", str(tiny_db))
    at = run_app("coverage", year=2021, **how)
    assert not at.exception, [e.message for e in at.exception]
    assert flow_people_shown(at) is None
    assert not any(s.key == "fprogram" for s in at.selectbox)
    assert charts.labels("zh")("public_no_list") in [i.value for i in at.info]
