"""The public edition across selections (issue 9): a value hidden in a view of one selection is hidden in
every view of a narrower one, and narrowing the selection never turns hidden cells into totals that
can be read off as the sum of what is shown.

First a hand-built district whose numbers are worked out below; then a property over the demo district
and the hand-built one: every selection of a lattice (district, towns, a village, categories, a program
group and their combinations) is published through `publish.pack.collect` (the page's `render` and
tiles), and every number published anywhere is compared with every other.

The hand-built district (year 2020): tests/contract_fixtures.py's persons (certified: 东城街道 P001, P002;
西湖镇 P004, P005) plus certified persons written here, all 肢体 3级, born 1980:
    东城街道 2 + 28 = 30    西湖镇 2    北岭镇 12 (7 男, 5 女)    南山镇 40        district 84
District, certified population by town (coverage.town): 西湖镇 2 is below 5 ("<5"); alone it would be
84 − 30 − 12 − 40, so the smallest other non-zero town is hidden too: 北岭镇 12 ("*").
Choosing 北岭镇 must not show its 12 anywhere: its KPI tile is "*", and its by-sex chart (7 + 5 = 12)
hides one cell, the smaller one (女 5, "*"); its by-age and heatmap tables have one non-zero cell (12),
hidden (the heatmap's zeros stay: they name nobody). The coverage drawn from a hidden count is hidden with it.
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import queries
from publish import charts, suppress
from publish import pack as export
from publish.charts import Selection
from tests.contract_fixtures import district, write_district

K = 5
YEAR = 2020
MARKS = (suppress.small_label(K), suppress.SECONDARY_MARK)


def _person(pid: str, town: str, sex: str) -> dict[str, str]:
    return dict(person_id=pid, id_number="", name="", sex=sex, birth_date="1980-01-01", town=town,
                village=town[:2] + "一村", hukou="农村", cert_status="持证", category="肢体", grade="3",
                cert_date="2015-01-01", nursing_level="")


@pytest.fixture(scope="module")
def hand_db(tmp_path_factory) -> Path:
    from subsidy.build import build_database

    d = district()
    extra = ([_person(f"D{i:03d}", "东城街道", "男" if i % 2 else "女") for i in range(28)]
             + [_person(f"B{i:03d}", "北岭镇", "男") for i in range(7)]
             + [_person(f"B{i:03d}", "北岭镇", "女") for i in range(7, 12)]
             + [_person(f"N{i:03d}", "南山镇", "男" if i % 2 else "女") for i in range(40)])
    d["persons"] = d["persons"] + extra
    root = tmp_path_factory.mktemp("hand_district")
    db = root / "subsidy.duckdb"
    build_database(write_district(root / "src", d), db)
    return db


@pytest.fixture(scope="module")
def hand(hand_db):
    con = queries.connect(hand_db)
    yield con
    con.close()


def _render(con, chart_id: str, sel: Selection, run=None) -> charts.Rendered:
    return charts.render(chart_id, sel, charts.labels("en"), run=run or charts.direct_runner(con), public=True, k=K)


def _column(r: charts.Rendered, key: str, col: str) -> dict:
    sup = r.sups[0]
    return dict(zip(sup.frame[key], sup.frame[col]))


def test_the_hand_built_district_has_the_counts_worked_out_above(hand):
    by_town = queries.coverage_by(hand, year=YEAR, by="town")
    assert dict(zip(by_town["value"], by_town["certified_population"])) == {
        "东城街道": 30, "西湖镇": 2, "北岭镇": 12, "南山镇": 40}
    sexes = queries.coverage_by(hand, year=YEAR, by="sex", town="北岭镇")
    assert dict(zip(sexes["value"], sexes["certified_population"])) == {"男": 7, "女": 5}


def test_a_town_hidden_by_subtraction_in_the_district_stays_hidden_when_chosen(hand):
    district_view = _render(hand, "coverage.town", Selection(year=YEAR))
    assert _column(district_view, "value", "certified_population") == {
        "东城街道": 30, "西湖镇": "<5", "北岭镇": "*", "南山镇": 40}
    town = Selection(year=YEAR, town="北岭镇")
    got = export.collect(hand, town, lang="en", public=True, k=K)
    tiles = {t.column: t for t in got.tiles}
    assert tiles["certified_population"].value == "*" and tiles["certified_population"].hidden
    assert tiles["coverage"].hidden
    # the same town's bar in the by-town chart, its sexes, age bands and heatmap cell
    assert _column(_render(hand, "coverage.town", town), "value", "certified_population") == {"北岭镇": "*"}
    assert _column(_render(hand, "coverage.sex", town), "value", "certified_population") == {"男": 7, "女": "*"}
    assert _column(_render(hand, "coverage.age_band", town), "value", "certified_population") == {"18-59": "*"}
    heat = _render(hand, "coverage.heatmap", town).sups[0].frame   # every (category, grade), zeros shown
    cells = {(c, g): v for c, g, v in zip(heat["category"], heat["grade"], heat["certified_population"]) if v != 0}
    assert cells == {("肢体", 3): "*"}


def test_the_internal_edition_is_unchanged(hand):
    town = Selection(year=YEAR, town="北岭镇")
    internal = export.collect(hand, town, lang="en", public=False, k=K)
    tiles = {t.column: t for t in internal.tiles}
    assert tiles["certified_population"].value == "12" and not tiles["certified_population"].hidden
    r = charts.render("coverage.sex", town, charts.labels("en"), run=charts.direct_runner(hand), public=False)
    assert r.sups == [None] and list(r.frames[0]["certified_population"]) == [5, 7]


# ---------------------------------------------------------------- the property over many selections
# The identity of a published number, written out here (not read from publish/charts.py): what it
# counts — columns of different API functions that count the same people share a name — and the
# filters it is counted under (the call's filters and the row's own keys).
SAME = {
    ("kpi_overview", "certified_population"): "certified", ("coverage_by", "certified_population"): "certified",
    ("coverage_by_category", "certified_population"): "certified",
    ("kpi_overview", "persons_covered"): "covered", ("coverage_by", "persons_paid"): "covered",
    ("coverage_by_category", "persons_paid"): "covered",
    ("kpi_overview", "coverage"): "coverage", ("coverage_by", "coverage"): "coverage",
    ("coverage_by_category", "coverage"): "coverage",
    ("kpi_overview", "persons_paid"): "paid", ("benefit_incidence", "persons"): "paid",
    ("kpi_overview", "spend_yuan"): "spend", ("benefit_incidence", "spend_yuan"): "spend",
    ("spend_by_program", "spend_yuan"): "spend", ("monthly_spend", "spend_yuan"): "spend",
    ("kpi_overview", "person_times"): "person_times", ("spend_by_program", "person_times"): "person_times",
    ("kpi_overview", "payments"): "payments", ("spend_by_program", "payments"): "payments",
    ("monthly_spend", "payments"): "payments",
    **{(fn, c): f"gap_{c}" for fn in ("census_gaps", "census_gaps_by_area", "gap_trends")
       for c in ("persons", "cases", "months", "amount_yuan")},
}
SAME |= {("kpi_trends", col): what for (fn, col), what in SAME.items() if fn == "kpi_overview"}   # a year of it
ROW_KEYS = {   # frame column -> filter it stands for ("by" / "level": the call's argument names it)
    "coverage_by": {"value": "by"}, "benefit_incidence": {"value": "by"},
    "coverage_by_category": {"category": "category", "grade": "grade"},
    "census_gaps": {"gap": "gap"}, "census_gaps_by_area": {"gap": "gap", "area": "level", "town": "town"},
    "spend_by_program": {"program_id": "program", "program_group": "program_group"},
    "monthly_spend": {"month": "month"}, "spend_by_tier": {"program_id": "program", "tier": "tier"},
    "targeting_errors": {"program_id": "program"}, "priority_children": {"group": "priority_group"},
    "processing_times": {"program_id": "program", "route": "route"},
    "duration_stats": {"period": "period", "route": "route"},
    "kpi_trends": {"year": "year"}, "gap_trends": {"year": "year", "gap": "gap"},
    "program_flows": {"program_id": "program", "flow": "flow", "reason": "reason"},
    "application_decisions": {"value": "by"}, "status_event_sources": {"event": "event", "source": "source"},
    "medication_adherence": {"month": "month"}, "medication_by_area": {"area": "level"},
    "adequacy": {"program_id": "program"},
}
FILTERS = ("year", "town", "village", "category", "program_group", "gap")
# counted in a town's KPI tile and summed along a frame's rows: the lines whose total is one number
TOTALS = {"coverage_by": ("certified_population", "persons_paid"), "benefit_incidence": ("persons", "spend_yuan"),
          "coverage_by_category": ("certified_population", "persons_paid"),
          "monthly_spend": ("payments", "spend_yuan"), "spend_by_program": ("person_times", "payments", "spend_yuan"),
          "census_gaps_by_area": ("persons", "cases", "months", "amount_yuan")}


def _identity(fn: str, col: str, coords: dict) -> tuple:
    what = SAME.get((fn, col), f"{fn}.{col}")
    if what == "certified":   # the certified population does not depend on which programs pay
        coords = {d: v for d, v in coords.items() if d != "program_group"}
    return what, frozenset((d, v.item() if hasattr(v, "item") else v) for d, v in coords.items() if v is not None)


def _cells(fn: str, kwargs: dict, raw: pd.DataFrame, sup: suppress.Suppression):
    """(identity, raw value, hidden) of every number of a published frame."""
    keys = {c: (kwargs.get(d) if d in ("by", "level") else d) for c, d in ROW_KEYS.get(fn, {}).items()}
    frame = sup.frame
    base = {d: kwargs.get(d) for d in FILTERS if kwargs.get(d) is not None}
    for i in frame.index:
        coords = base | {d: frame.loc[i, c] for c, d in keys.items() if c in frame.columns}
        for col in frame.columns:
            if col in keys or col not in raw.columns or not pd.api.types.is_numeric_dtype(raw[col]):
                continue
            yield _identity(fn, col, coords), raw.loc[i, col], bool(sup.hidden.loc[i, col])


def _lattice(con, towns: list[str]) -> list[Selection]:
    """The district, every given town, a village of the first, a category and a program group on their
    own and with the first town, the first town's village with the category; the district and the
    first town the year before."""
    town = towns[0]
    village = queries.villages(con, town=town)[0]
    sels = [Selection(year=YEAR)] + [Selection(year=YEAR, town=t) for t in towns]
    sels.append(Selection(year=YEAR, town=town, village=village))
    sels += [Selection(year=YEAR, category="肢体"), Selection(year=YEAR, town=town, category="肢体"),
             Selection(year=YEAR, program_group="康复"), Selection(year=YEAR, town=town, program_group="康复"),
             Selection(year=YEAR, town=town, village=village, category="肢体"),
             # the year before: the trends charts of every selection show it too
             Selection(year=YEAR - 1), Selection(year=YEAR - 1, town=town)]
    return sels


def _published(con, sels: list[Selection]) -> tuple[list[tuple], list[export.Collected]]:
    """Every number published for the selections: (selection, where, identity, value, hidden), from
    every chart's frames (the by-area gap charts for every gap: the reader may pick any) and the KPI
    tiles; and what `collect` gave for each selection."""
    run = charts.direct_runner(con)
    out, collected = [], []
    for sel in sels:
        got = export.collect(con, sel, lang="en", public=True, k=K, run=run)
        collected.append(got)
        views = [(r.spec.id, r.spec.calls, r.raw, r.sups, r.selection) for r in got.rendered]
        for gap in queries.GAP_KEYS[1:]:   # the other gaps' by-area tables, as render would publish them
            for spec in (charts.CHARTS["gaps.by_town"], charts.CHARTS["gaps.by_village"]):
                if spec.applies(sel):
                    gsel = replace(sel, gap=gap)
                    raws = [run(c.fn, **c.kwargs(gsel)) for c in spec.calls]
                    sups = [charts.publication(c, df, run, K, gsel) for c, df in zip(spec.calls, raws)]
                    views.append((spec.id, spec.calls, raws, sups, gsel))
        for spec_id, calls, raws, sups, rsel in views:
            for call, raw, sup in zip(calls, raws, sups):
                if sup is None:
                    continue
                for ident, value, hidden in _cells(call.name, call.kwargs(rsel), raw, sup):
                    out.append((sel, spec_id, ident, value, hidden))
        cur = charts.kpi_frame(run, sel.year, sel.filters())
        base = {d: v for d, v in sel.filters().items() if v is not None}
        for tile in got.tiles:
            out.append((sel, "kpi", _identity("kpi_overview", tile.column, base), cur[tile.column].iloc[0],
                        tile.hidden))
    return out, collected


def _check_consistent(cells) -> None:
    hidden = {}
    for sel, where, ident, value, is_hidden in cells:
        if is_hidden:
            hidden.setdefault(ident, (sel, where))
    for sel, where, ident, value, is_hidden in cells:
        if not is_hidden and ident in hidden and not (isinstance(value, float) and math.isnan(value)):
            assert False, (f"{ident} = {value} shown in {where} at {sel}, hidden in "
                           f"{hidden[ident][1]} at {hidden[ident][0]}")


def _check_no_small_count(cells) -> None:
    for sel, where, ident, value, is_hidden in cells:
        what = ident[0].split(".")[-1]
        counts = {"certified", "covered", "paid", "person_times", "payments", "gap_persons", "gap_cases",
                  *suppress.COUNT_COLUMNS}
        if what in counts and not is_hidden:
            assert not (0 < float(value) < K), (sel, where, ident, value)


def _check_no_total_by_subtraction(published) -> None:
    """A line of a published frame whose total is hidden somewhere holds a hidden cell of its own (when
    the total is not zero), so the total is not the sum of what is shown."""
    cells, collected = published
    hidden = {ident for _, _, ident, _, h in cells if h}
    for got in collected:
        for r in got.rendered:
            for call, raw, sup in zip(r.spec.calls, r.raw, r.sups):
                if sup is None or call.name not in TOTALS:
                    continue
                kwargs = call.kwargs(r.selection)
                base = {d: kwargs.get(d) for d in FILTERS if kwargs.get(d) is not None}
                groups = [((), raw.index)]
                if call.name == "spend_by_program":
                    groups += [((("program_group", v),), g.index) for v, g in raw.groupby("program_group")]
                if call.name == "coverage_by_category":
                    groups += [((("category", v),), g.index) for v, g in raw.groupby("category")]
                for extra, idx in groups:
                    for col in TOTALS[call.name]:
                        total = _identity(call.name, col, base | dict(extra))
                        if total in hidden and raw.loc[idx, col].sum() > 0:
                            assert sup.hidden.loc[idx, col].any(), (got.selection, r.spec.id, col, extra)


@pytest.fixture(scope="module")
def hand_published(hand):
    return _published(hand, _lattice(hand, ["北岭镇", "西湖镇", "南山镇"]))


def test_hand_district_no_value_hidden_at_one_selection_is_shown_at_another(hand_published):
    hidden = [c for c in hand_published[0] if c[4]]
    assert any(c[2][0] == "certified" and ("town", "北岭镇") in c[2][1] for c in hidden)
    _check_consistent(hand_published[0])


def test_hand_district_no_count_below_k_anywhere(hand_published):
    _check_no_small_count(hand_published[0])


def test_hand_district_no_hidden_total_is_the_sum_of_shown_cells(hand_published):
    _check_no_total_by_subtraction(hand_published)


@pytest.fixture(scope="module")
def demo(demo_db):
    con = queries.connect(demo_db)
    yield con
    con.close()


def _demo_towns(con) -> list[str]:
    """The two towns with the fewest certified 言语 persons (where small counts are) and the largest."""
    by_town = queries.coverage_by(con, year=YEAR, by="town", category="言语").sort_values(
        ["certified_population", "value"])
    return list(by_town["value"].iloc[:2]) + [by_town["value"].iloc[-1]]


@pytest.fixture(scope="module")
def demo_published(demo):
    return _published(demo, _lattice(demo, _demo_towns(demo)))


def test_demo_no_value_hidden_at_one_selection_is_shown_at_another(demo_published):
    assert sum(1 for c in demo_published[0] if c[4]) > 50   # there was something to hide
    _check_consistent(demo_published[0])


def test_demo_no_count_below_k_anywhere(demo_published):
    _check_no_small_count(demo_published[0])


def test_demo_no_hidden_total_is_the_sum_of_shown_cells(demo_published):
    _check_no_total_by_subtraction(demo_published)


# ---------------------------------------------------------------- loaded text in the public edition
def test_a_phone_number_in_a_village_name_is_masked_in_the_public_edition_only(tmp_path):
    """A village or program name is loaded text that the public edition prints: an ID-number, phone or
    bank-card shape in it (an 8-digit local number too) is masked there, and kept in the internal one."""
    from contract.masking import find_personal
    from subsidy.build import build_database

    d = district()
    for p in d["persons"]:
        if p["village"] == "一村":
            p["village"] = "一村（联系88123456）"
        if p["village"] == "二村":
            p["village"] = "二村 13912345678"
    d["programs"][2]["name"] = "肢体康复训练 6222021234567890123"
    build_database(write_district(tmp_path / "src", d), tmp_path / "subsidy.duckdb")
    con = queries.connect(tmp_path / "subsidy.duckdb")
    try:
        sel = Selection(year=YEAR, town="东城街道", gap="not_surveyed")
        run = charts.direct_runner(con)
        for chart_id in ("gaps.by_village", "spend.programs"):
            # k = 1 hides nothing here (6 persons), so every label is drawn
            public = charts.render(chart_id, sel, charts.labels("zh"), run=run, public=True, k=1)
            text = " ".join(_strings(public.fig.to_plotly_json(), public.table, public.sups[0].frame,
                                     *public.frames))
            assert find_personal(text) == [], chart_id
            internal = charts.render(chart_id, sel, charts.labels("zh"), run=run, public=False)
            assert find_personal(" ".join(_strings(internal.fig.to_plotly_json()))) != [], chart_id
        villages = charts.render("gaps.by_village", sel, charts.labels("zh"), run=run, public=True, k=1)
        assert "二村 ***********" in set(villages.frames[0]["area"])
    finally:
        con.close()


def _strings(*objs) -> list[str]:
    """Every text of figures (dicts and lists) and frames (their string cells and headers), not numbers."""
    out: list[str] = []
    for o in objs:
        if isinstance(o, pd.DataFrame):
            out += [str(c) for c in o.columns]
            out += [v for col in o.columns for v in o[col] if isinstance(v, str)]
        elif isinstance(o, dict):
            out += _strings(*o.values())
        elif isinstance(o, (list, tuple)):
            out += _strings(*o)
        elif hasattr(o, "tolist") and not isinstance(o, str):
            out += _strings(o.tolist())
        elif isinstance(o, str):
            out.append(o)
    return out
