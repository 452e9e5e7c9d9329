"""API functions the chart registry needs: programs by group, gaps by area under every person filter,
box statistics of processing times in SQL, the gap catalog without a connection.

Expected numbers are worked out by hand from the rows of each test (METRICS.md conventions, see
test_views.py); the demo-district tests check that the SQL gives the numbers the dashboard used to
compute in pandas.
"""
from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from test_views import E, W, build, event, pay, person

import queries
from queries import install


# ----------------------------------------------------------------------------- reference: box statistics in pandas
# What the dashboard computed before the statistics moved into SQL (queries/sql/api/duration_stats.sql):
# numpy percentiles of the raw application_durations rows. Kept here as the independent reference.
def _box_stats(values: pd.Series) -> dict[str, float]:
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    q1, med, q3 = np.percentile(v, [25, 50, 75])
    iqr = q3 - q1
    lo = v[v >= q1 - 1.5 * iqr].min()
    hi = v[v <= q3 + 1.5 * iqr].max()
    return dict(q1=q1, median=float(np.median(v)), q3=q3, lowerfence=lo, upperfence=hi, mean=float(v.mean()), n=len(v))


def summarize_durations(df: pd.DataFrame) -> pd.DataFrame:
    """Box statistics of working days per (period, route) from application_durations rows.

    Columns: period, route, n, q1, median, q3, lowerfence, upperfence, mean, plus one row per period
    with route '_all' (n and median of the whole period). The dashboard caches this instead of the
    raw rows (millions on a large district).
    """
    cols = ["period", "route", "n", "q1", "median", "q3", "lowerfence", "upperfence", "mean"]
    if df is None or df.empty or "working_days" not in df:
        return pd.DataFrame(columns=cols)
    d = df.dropna(subset=["working_days"])
    rows = []
    for p in ("before", "after"):
        for route in [r for r in ("via_town", "direct") if r in set(d["route"].dropna())] or [None]:
            part = d[(d["period"] == p) & ((d["route"] == route) if route is not None else True)]
            if not part.empty:
                rows.append({"period": p, "route": route, **_box_stats(part["working_days"])})
    overall = [{"period": p, "route": "_all", "n": int((d["period"] == p).sum()),
                "median": float(np.median(d.loc[d["period"] == p, "working_days"]))}
               for p in ("before", "after") if (d["period"] == p).any()]
    return pd.DataFrame(rows + overall).reindex(columns=cols)



# ----------------------------------------------------------------------------- gap catalog
TODAY_GAP_KEYS = (
    "not_surveyed", "unmet_need_rehab", "unmet_need_device", "unmet_need_education",
    "unmet_need_employment", "unmet_need_care", "unmet_need_medical_insurance",
    "census_registry_conflict", "paid_after_death", "paid_after_dibao_end", "paid_after_revocation",
    "duplicate_payment", "duplicate_id_number", "eligible_unpaid", "late_start",
    "paid_after_moved_out", "wrong_living_amount", "wrong_nursing_tier", "tier_outside_age_band",
    "rehab_over_cap", "medication_missed",
)


def test_gap_keys_come_from_the_seed_in_metrics_order():
    with (install.SEED_DIR / "gap_keys.csv").open(encoding="utf-8", newline="") as fh:
        seed = [row["gap"] for row in csv.DictReader(fh)]
    assert tuple(seed) == TODAY_GAP_KEYS == queries.GAP_KEYS
    assert queries.PAYMENT_GAPS == ("paid_after_death", "paid_after_dibao_end", "paid_after_revocation",
                                    "duplicate_payment", "paid_after_moved_out", "wrong_living_amount",
                                    "wrong_nursing_tier", "tier_outside_age_band")
    assert queries.MONTH_GAPS == ("eligible_unpaid", "late_start", "rehab_over_cap")


def test_gap_catalog_needs_no_connection_and_matches_the_installed_seed(tmp_path):
    catalog = queries.gap_catalog()
    assert list(catalog.columns) == ["gap", "sort_order", "case_kind", "label_zh", "label_en", "definition",
                                     "definition_zh"]
    assert tuple(catalog.gap) == TODAY_GAP_KEYS and catalog.sort_order.tolist() == list(range(1, 22))
    row = catalog.set_index("gap").loc["paid_after_death"]
    assert (row.case_kind, row.label_zh, row.label_en) == ("payment", "死亡后发放", "Paid after death")
    # a caller may change its copy without changing the next caller's
    catalog.loc[0, "label_zh"] = "changed"
    assert queries.gap_catalog().loc[0, "label_zh"] == "应调未调"
    # the same words as the seed table the views read
    installed = queries.gap_definitions(build(tmp_path, persons=[person("A")]))
    cols = ["gap", "sort_order", "label_zh", "label_en", "definition", "definition_zh"]
    pd.testing.assert_frame_equal(queries.gap_catalog()[cols], installed[cols], check_dtype=False)


# ----------------------------------------------------------------------------- programs
def test_programs_filtered_by_group(tmp_path):
    con = build(tmp_path, persons=[person("A")])
    # the test catalog: LS, NS (两项补贴), RH (康复), ED (教育)
    assert queries.programs(con).program_id.tolist() == ["ED", "LS", "NS", "RH"]
    assert queries.programs(con, program_group="两项补贴").program_id.tolist() == ["LS", "NS"]
    assert queries.programs(con, program_group="康复").program_id.tolist() == ["RH"]
    assert queries.programs(con, program_group="就业").empty
    assert list(queries.programs(con, program_group="教育").columns) == list(queries.programs(con).columns)


# ----------------------------------------------------------------------------- gaps by area
@pytest.fixture
def area_con(tmp_path):
    persons = [
        person("A", town=E, village="一村", category="肢体"),
        person("B", town=E, village="二村", category="视力"),
        person("C", town=W, village="三村", category="视力"),
        person("D", town=E, village="二村", category="视力"),
    ]
    # D dies 2020-03-20 → dead from April; LS for April and May: paid after death, and (no 低保/低边)
    # paid outside 低保/低边 as well
    events = [event("D", "death", "2020-03-20")]
    payments = [pay("d4", "D", "LS", "2020-04", 305), pay("d5", "D", "LS", "2020-05", 305)]
    return build(tmp_path, persons=persons, status_events=events, payments=payments)


def _by_area(frame):
    """(gap, area) → (persons, cases, amount_yuan or None when the gap has no money)."""
    return {(r.gap, r.area): (r.persons, r.cases, None if pd.isna(r.amount_yuan) else r.amount_yuan)
            for r in frame.itertuples()}


def test_gaps_by_area_for_one_category(area_con):
    # nobody has a census row: every certified person alive on 1 January 2020 is not surveyed
    out = queries.census_gaps_by_area(area_con, year=2020, level="village", category="视力")
    got = _by_area(out)
    assert got.keys() == {("not_surveyed", "二村"), ("not_surveyed", "三村"), ("paid_after_death", "二村"),
                          ("paid_after_dibao_end", "二村")}
    assert got[("not_surveyed", "二村")][:2] == (2, 2)             # B, D
    assert got[("not_surveyed", "三村")][:2] == (1, 1)             # C
    assert got[("not_surveyed", "二村")][2] is None                 # no money in that gap
    assert got[("paid_after_death", "二村")] == (1, 2, 610.0)       # D: 2 payments of 305
    assert got[("paid_after_dibao_end", "二村")] == (1, 2, 610.0)
    # gap order first (not_surveyed before the payment gaps)
    assert out.gap.tolist()[:2] == ["not_surveyed", "not_surveyed"]
    # a category code means its name (视力 = 1); 肢体 has A only
    assert _by_area(queries.census_gaps_by_area(area_con, year=2020, level="village", category="1")) == got
    limb = queries.census_gaps_by_area(area_con, year=2020, level="town", category="肢体")
    assert limb[["gap", "area", "persons"]].values.tolist() == [["not_surveyed", E, 1]]


def test_gaps_by_area_for_one_village_and_gap(area_con):
    out = queries.census_gaps_by_area(area_con, year=2020, level="town", village="二村")
    assert {k: v[:2] for k, v in _by_area(out).items()} == {
        ("not_surveyed", E): (2, 2), ("paid_after_death", E): (1, 2), ("paid_after_dibao_end", E): (1, 2)}
    one = queries.census_gaps_by_area(area_con, year=2020, level="village", town=E, gap="not_surveyed")
    assert dict(zip(one.area, one.persons)) == {"一村": 1, "二村": 2}       # A; B and D (C is in W)
    assert queries.census_gaps_by_area(area_con, year=2020, level="town", category="精神").empty


# ----------------------------------------------------------------------------- duration stats
def app(aid, sub, paid):
    return dict(application_id=aid, person_id="PA", program_id="NS", submitted_date=sub, decided_date=None,
                decision="approved", first_paid_date=paid, channel="online", trips=None, materials=None)


def processing_build(tmp_path, apps, routes):
    payments = [pay(f"p{a['application_id']}", "PA", "NS", a["first_paid_date"][:7], 1010, tier=1,
                    paid=a["first_paid_date"], app=a["application_id"], route=routes.get(a["application_id"]))
                for a in apps]
    return build(tmp_path, persons=[person("PA", grade=1)], applications=apps, payments=payments)


STATS = ["period", "route", "n", "q1", "median", "q3", "lowerfence", "upperfence", "mean"]


def test_duration_stats_by_period_and_route(tmp_path):
    # NS's reform is 2020-06-01. Before: 4, 5, 10 working days (via_town); after: 2, 2, 3, 3 (direct)
    apps = [app("A1", "2020-03-02", "2020-03-06"),     # Mar 3, 4, 5, 6 → 4
            app("A2", "2020-03-02", "2020-03-09"),     # + Mon Mar 9 → 5
            app("A3", "2020-03-02", "2020-03-16"),     # Mar 3–6, 9–13, 16 → 10
            app("A4", "2020-11-02", "2020-11-04"),     # Nov 3, 4 → 2
            app("A5", "2020-11-09", "2020-11-11"),     # Nov 10, 11 → 2
            app("A6", "2020-11-16", "2020-11-19"),     # Nov 17, 18, 19 → 3
            app("A7", "2020-11-23", "2020-11-26")]     # Nov 24, 25, 26 → 3
    routes = {"A1": "via_town", "A2": "via_town", "A3": "via_town"} | {a: "direct" for a in ("A4", "A5", "A6", "A7")}
    con = processing_build(tmp_path, apps, routes)
    out = queries.duration_stats(con)
    assert list(out.columns) == STATS
    rows = [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in r)
            for r in out.itertuples(index=False)]
    assert rows == [
        # 4, 5, 10: q1 at position 0.5 → 4.5, q3 at 1.5 → 7.5; IQR 3 → fences within [0, 12]: 4 and 10
        ("before", "via_town", 3, 4.5, 5.0, 7.5, 4.0, 10.0, pytest.approx(19 / 3)),
        # 2, 2, 3, 3: q1 at 0.75 → 2, median (2 + 3) / 2, q3 at 2.25 → 3; fences within [0.5, 4.5]
        ("after", "direct", 4, 2.0, 2.5, 3.0, 2.0, 3.0, 2.5),
        ("before", "_all", 3, None, 5.0, None, None, None, None),
        ("after", "_all", 4, None, 2.5, None, None, None, None),
    ]
    assert queries.duration_stats(con, year=2021).empty                 # submitted in 2020 only


def test_duration_stats_whiskers_leave_out_outliers_and_no_route_means_one_box(tmp_path):
    # all before the reform, no payment names a route: working days 1, 2, 3, 4, 20
    apps = [app("B1", "2020-03-02", "2020-03-03"), app("B2", "2020-03-02", "2020-03-04"),
            app("B3", "2020-03-02", "2020-03-05"), app("B4", "2020-03-02", "2020-03-06"),
            app("B5", "2020-03-02", "2020-03-30")]    # Mar 3–6, 9–13, 16–20, 23–27, 30 → 20
    out = queries.duration_stats(processing_build(tmp_path, apps, {}))
    box = out.iloc[0]
    # q1 = 2, median 3, q3 = 4, IQR 2: upper fence 4 + 3 = 7 → the largest value ≤ 7 is 4 (20 is an outlier);
    # lower fence 2 − 3 = −1 → 1; mean (1 + 2 + 3 + 4 + 20) / 5 = 6
    assert box.period == "before" and pd.isna(box.route)
    assert box[["n", "q1", "median", "q3", "lowerfence", "upperfence", "mean"]].tolist() == [5, 2, 3, 4, 1, 4, 6]
    assert out.route.tolist()[1:] == ["_all"] and out.n.tolist() == [5, 5]


# ----------------------------------------------------------------------------- the demo district
@pytest.fixture(scope="module")
def demo(demo_db):
    con = queries.connect(demo_db)
    yield con
    con.close()


def _counts_from_people(people: pd.DataFrame, level: str) -> pd.DataFrame:
    """gap_people rows grouped by area, by hand: persons = distinct person_id; cases = rows (for
    duplicate_id_number distinct masked numbers); months and amount summed (NaN when none)."""
    rows = []
    for (gap, area), part in people.groupby(["gap", level], dropna=False):
        cases = part.id_number_masked.nunique() if gap == "duplicate_id_number" else len(part)
        rows.append((gap, None if pd.isna(area) else area, part.person_id.nunique(), cases,
                     part.months.astype("float64").sum(min_count=1),
                     part.amount_yuan.astype("float64").sum(min_count=1)))
    return pd.DataFrame(rows, columns=["gap", "area", "persons", "cases", "months", "amount_yuan"])


@pytest.mark.slow
@pytest.mark.parametrize("filters", [dict(category="精神"), dict(category="肢体", town="城东街道"),
                                     dict(category="4", level="village")])
def test_gaps_by_area_equal_gap_people_grouped_on_the_demo_district(demo, filters):
    filters = dict(filters)
    level = filters.pop("level", "town")
    for year in queries.years(demo):
        people = pd.concat([queries.gap_people(demo, gap=g, year=year, **filters) for g in queries.GAP_KEYS])
        want = _counts_from_people(people, level).set_index(["gap", "area"]).sort_index()
        got = queries.census_gaps_by_area(demo, year=year, level=level, **filters)
        got = got.set_index(["gap", "area"]).sort_index()
        assert len(got) > 5
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.slow
@pytest.mark.parametrize("filters", [dict(), dict(year=2020), dict(town="城东街道"), dict(category="精神"),
                                     dict(program_group="两项补贴", year=2021), dict(program="XM02")])
def test_duration_stats_equal_summarize_durations_on_the_demo_district(demo, filters):
    got = queries.duration_stats(demo, **filters)
    want = summarize_durations(queries.application_durations(demo, **filters))
    assert len(got) >= 2
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=0, atol=1e-9)
    # what the box statistics are made of: numpy's percentiles of the raw rows
    rows = queries.application_durations(demo, **filters)
    first = got.iloc[0]
    days = rows[(rows.period == first.period) & (rows.route == first.route)].working_days.to_numpy(float)
    assert first.q1 == pytest.approx(np.percentile(days, 25)) and first.n == len(days)
