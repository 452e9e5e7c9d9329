"""Flows in and out of monthly programs (queries.program_flows) from 2020 to 2021 on the hand-typed
fixture district (tests/contract_fixtures.py) with a few persons and payments added so that every reason
the monthly programs can show has one person; loaded by the real loader. Worked out by hand:

LS (living subsidy, needs 低保/低边), paid 2020 → 2021:
- P001 paid Jan–Mar 2020 (855), nothing in 2021, still 低保 and eligible in 2021 → leaving, eligible_unpaid.
- P002 paid 2020-06 (285); 低边 ends 2020-12-05 → neither on 1 Jan 2021 → leaving, dibao_exit.
- P005 paid 2020-05 (285); moved out 2020-12-10 → moved out on 1 Jan 2021 → leaving, moved_out.
- P009 (持证 肢体 2) 低保 from 2020-12-20 → not 低保 on 1 Dec 2020; paid 2021-02 (300) → entering, dibao_entry.
NS (nursing subsidy):
- P001 paid Jan, Feb 2020 (540) and 2021-01 (270) → continuing.
- P004 paid 2020-09 (135), died 2020-08-20 → leaving, death.
- P002 paid 2021-01, -02 (540), eligible all 2020 (精神 2级) but unpaid → entering, late_take_up.
- P007 (持证 肢体 1) certificate 2020-12-10 → not valid on 1 Dec 2020; paid 2021-02 (1010) → entering,
  new_certificate.
- P008 (持证 视力 1) revoked 2020-12-03 → revoked on 1 Jan 2021; paid 2020-03 (270) → leaving, revocation.
- P010 born 2021-01-05 (持证 肢体 1, certificate 2021-01-20): no state in Dec 2020; paid 2021-03 (1010) →
  entering, new_in_register.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import queries
from contract import idnumber
from publish import charts
from publish.charts import Selection
from subsidy.build import build_database
from tests.contract_fixtures import district, write_district


def _person(pid, born, seq, category, grade, cert_date, town="西湖镇"):
    return dict(person_id=pid, id_number=idnumber.make("330106", dt.date.fromisoformat(born), seq), name="测试",
                sex="男", birth_date=born, town=town, village="五村", hukou="城镇", cert_status="持证",
                category=category, grade=str(grade), cert_date=cert_date, nursing_level="1")


def _pay(pid, person, program, period, amount):
    return dict(payment_id=pid, person_id=person, program_id=program, application_id="", period=period,
                paid_date=period + "-15", amount=str(amount), tier="", route="direct")


def _event(person, event, date):
    return dict(person_id=person, event=event, event_date=date, value="", source="民政")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    d = district()
    d["persons"] += [_person("P007", "1980-01-01", "071", "肢体", 1, "2020-12-10"),
                     _person("P008", "1975-05-05", "081", "视力", 1, "2015-01-01"),
                     _person("P009", "1990-09-09", "091", "肢体", 2, "2016-02-02"),
                     _person("P010", "2021-01-05", "101", "肢体", 1, "2021-01-20")]
    d["status_events"] += [_event("P002", "dibian_end", "2020-12-05"), _event("P005", "moved_out", "2020-12-10"),
                           _event("P008", "cert_revoked", "2020-12-03"), _event("P009", "dibao_start", "2020-12-20")]
    d["payments"] += [_pay("Z01", "P002", "LS", "2020-06", 285), _pay("Z02", "P005", "LS", "2020-05", 285),
                      _pay("Z03", "P009", "LS", "2021-02", 300), _pay("Z04", "P001", "NS", "2021-01", 270),
                      _pay("Z05", "P007", "NS", "2021-02", 1010), _pay("Z06", "P008", "NS", "2020-03", 270),
                      _pay("Z07", "P010", "NS", "2021-03", 1010)]
    root = tmp_path_factory.mktemp("flows")
    build_database(write_district(root / "src", d), root / "subsidy.duckdb")
    c = queries.connect(root / "subsidy.duckdb")
    yield c
    c.close()


def rows(frame):
    return {(r.program_id, r.flow, r.reason): (r.persons, r.spend_from, r.spend_to) for r in frame.itertuples()}


def test_one_person_of_each_kind(con):
    got = rows(queries.program_flows(con, year=2021))
    assert got == {
        ("LS", "leaving", "moved_out"): (1, 285, 0),
        ("LS", "leaving", "dibao_exit"): (1, 285, 0),
        ("LS", "leaving", "eligible_unpaid"): (1, 855, 0),
        ("LS", "entering", "dibao_entry"): (1, 0, 300),
        ("NS", "leaving", "death"): (1, 135, 0),
        ("NS", "leaving", "revocation"): (1, 270, 0),
        ("NS", "continuing", "continuing"): (1, 540, 270),
        ("NS", "entering", "new_in_register"): (1, 0, 1010),
        ("NS", "entering", "new_certificate"): (1, 0, 1010),
        ("NS", "entering", "late_take_up"): (1, 0, 540),
    }


def test_order_filters_and_year_from(con):
    got = queries.program_flows(con, year=2021)
    ns = got[got.program_id == "NS"]
    assert ns["flow"].tolist() == ["leaving", "leaving", "continuing", "entering", "entering", "entering"]
    east = rows(queries.program_flows(con, year=2021, town="东城街道"))   # P001, P002 only
    assert set(east) == {("LS", "leaving", "dibao_exit"), ("LS", "leaving", "eligible_unpaid"),
                         ("NS", "continuing", "continuing"), ("NS", "entering", "late_take_up")}
    # 2019 → 2021: nobody was paid in 2019, so everyone paid in 2021 enters
    assert set(queries.program_flows(con, year=2021, year_from=2019)["flow"]) == {"entering"}
    assert queries.program_flows(con, year=2019).empty          # 2018 is outside the data


def test_the_chart_draws_leavers_left_and_entrants_right(con):
    r = charts.render("coverage.flows", Selection(year=2021), charts.labels("zh"), run=charts.direct_runner(con))
    assert not r.empty
    L = charts.labels("zh")
    xs = {t.name: list(t.x) for t in r.chart.fig.data}
    assert list(r.chart.fig.data[0].y) == ["困难残疾人生活补贴<br>继续 0 人", "重度残疾人护理补贴<br>继续 1 人"]
    assert xs[L("flow.reason.death")] == [None, -1]                 # NS: P004, to the left
    assert xs[L("flow.reason.eligible_unpaid")] == [-1, None]       # LS: P001
    assert xs[L("flow.reason.late_take_up")] == [None, 1]           # NS: P002, to the right
    assert L("flow.reason.continuing") not in xs                   # named on the axis instead
    assert r.chart.fig.layout.barmode == "relative"
    assert r.chart.summary == ("2020→2021 年，退出 5 人（上年金额 1,830 元），继续 1 人，"
                               "新进入 4 人（本年金额 2,860 元）。")
    # the first year of the data has no year before it: nothing to compare, not "everyone entered"
    assert charts.render("coverage.flows", Selection(year=2019), charts.labels("zh"),
                         run=charts.direct_runner(con)).empty


# ----------------------------------------------------------------------------- the persons behind a flow's count
def people(frame):
    return [(r.program_id, r.flow, r.reason, r.person_id, r.spend_from, r.spend_to) for r in frame.itertuples()]


def test_the_persons_behind_each_flow_by_hand(con):
    """One row per (program, person) of the module's hand-worked flows, in program_flows' order (leaving,
    continuing, entering; reasons in their order), money as worked out above."""
    assert people(queries.flow_people(con, 2021)) == [
        ("LS", "leaving", "moved_out", "P005", 285, 0),
        ("LS", "leaving", "dibao_exit", "P002", 285, 0),
        ("LS", "leaving", "eligible_unpaid", "P001", 855, 0),
        ("LS", "entering", "dibao_entry", "P009", 0, 300),
        ("NS", "leaving", "death", "P004", 135, 0),
        ("NS", "leaving", "revocation", "P008", 270, 0),
        ("NS", "continuing", "continuing", "P001", 540, 270),
        ("NS", "entering", "new_in_register", "P010", 0, 1010),
        ("NS", "entering", "new_certificate", "P007", 0, 1010),
        ("NS", "entering", "late_take_up", "P002", 0, 540),
    ]


def test_a_flow_list_is_masked_and_narrowed_by_program_flow_reason_and_area(con):
    ls = queries.flow_people(con, 2021, "LS", "leaving")
    assert list(ls["person_id"]) == ["P005", "P002", "P001"]
    assert list(ls["name_masked"]) == ["孙*", "李**", "张*"] and pd.isna(ls["id_number_masked"].iloc[0])
    assert ls["id_number_masked"].iloc[2] == "3301************12"
    assert not {"name", "id_number"} & set(ls.columns)
    assert list(queries.flow_people(con, 2021, "NS", "entering", reason="late_take_up")["person_id"]) == ["P002"]
    assert list(queries.flow_people(con, 2021, flow="continuing")["person_id"]) == ["P001"]
    east = queries.flow_people(con, 2021, town="东城街道")          # P001 and P002 live there
    assert [(r.program_id, r.person_id) for r in east.itertuples()] == [("LS", "P002"), ("LS", "P001"),
                                                                         ("NS", "P001"), ("NS", "P002")]
    assert queries.flow_people(con, 2019).empty                     # 2018 is outside the data, as the counts
    assert set(queries.flow_people(con, 2021, year_from=2019)["flow"]) == {"entering"}
    with pytest.raises(ValueError, match="flow"):
        queries.flow_people(con, 2021, "NS", "arriving")
    with pytest.raises(ValueError, match="reason"):
        queries.flow_people(con, 2021, "NS", "leaving", reason="late_take_up")   # an entering reason


def test_the_lists_add_up_to_the_counts_on_the_hand_worked_district(con):
    assert flows_agree(con, 2021) == 10
    assert flows_agree(con, 2021, town="西湖镇") > 0


def flows_agree(con, year: int, **filters) -> int:
    """Every (program, flow, reason) row of program_flows has as many persons in flow_people, whose money
    sums to its spend_from / spend_to, and flow_people lists nobody outside those rows; per flow kind the
    list of one program and flow has the kind's persons. Returns the persons checked."""
    counts = queries.program_flows(con, year=year, **filters)
    listed = queries.flow_people(con, year, **filters)
    assert not listed.duplicated(["program_id", "person_id"]).any()
    got = listed.groupby(["program_id", "flow", "reason"]).agg(
        persons=("person_id", "size"), spend_from=("spend_from", "sum"), spend_to=("spend_to", "sum"))
    want = counts.set_index(["program_id", "flow", "reason"])[["persons", "spend_from", "spend_to"]]
    pd.testing.assert_frame_equal(got.sort_index(), want.sort_index(), check_dtype=False)
    for (program, flow), persons in counts.groupby(["program_id", "flow"])["persons"].sum().items():
        assert len(queries.flow_people(con, year, program, flow, **filters)) == persons, (program, flow)
    return len(listed)
