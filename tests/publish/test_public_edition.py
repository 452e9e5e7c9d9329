"""The public edition (k = 5): the rules worked out by hand on tiny tables, then a property over the
demo district — no published frame, table, KPI tile or figure holds a count below k, a count that
subtraction gives away, or a distribution drawn from fewer than k records.

The property renders every chart through `publish.pack.collect` (the same `publish.charts.render` the
pages call) for the district, a small town, and small categories (言语, 多重) within it; the pack's
files themselves are checked in test_export.py (one pack build per session).
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

import queries
import vocab
from publish import charts, kpis, suppress
from publish import pack as export
from publish.charts import Selection
from publish.suppress import suppress_api_frame

K = 5
YEAR = 2020
MARKS = (suppress.small_label(K), suppress.SECONDARY_MARK)
# What this test holds to be a count of people (or records, person-months, cases) in the API's frames,
# and which values are drawn from which counts: written out here, not read from publish/suppress.py,
# so that a rule dropped there fails here.
COUNTS = frozenset({
    "certified_population", "persons_paid", "persons_covered", "persons", "person_times", "eligible_persons",
    "paid_persons", "applications", "applications_before", "applications_after", "cases", "persons_at_cap",
    "payments", "eligible_person_months", "paid_person_months", "eligible_paid_person_months",
    "excluded_person_months", "included_person_months", "n",
})
DRAWN_FROM = {
    "coverage": ("persons_paid", "certified_population", "persons_covered"),
    "exclusion_error": ("excluded_person_months", "eligible_person_months"),
    "inclusion_error": ("included_person_months", "paid_person_months"),
    "share": ("persons",), "spend_yuan": ("persons", "persons_paid", "paid_persons", "payments"),
    "amount_yuan": ("persons", "cases"), "months": ("persons", "cases"), "avg_per_person": ("persons",),
    "cap_use": ("persons",), "median_days": ("applications",), "mean_days": ("applications",),
    "median_days_before": ("applications_before",), "median_days_after": ("applications_after",),
    "working_days_saved": ("applications_before", "applications_after"),
    **{s: ("n",) for s in ("q1", "median", "q3", "lowerfence", "upperfence", "mean")},
}


# ---------------------------------------------------------------- the rules, by hand
def test_priority_group_paid_count_that_names_the_unpaid_child_is_hidden():
    # 9 children in the group, 8 paid: the 1 unpaid child could be read off, so "8" is hidden ("*": 8 is
    # not small) and so is the money paid to them; the group with 30 members and 20 paid stays public.
    df = pd.DataFrame({"group": ["infant_motor", "under3_speech"], "persons": [9, 30], "persons_paid": [8, 20],
                       "spend_yuan": [4000.0, 9000.0]})
    s = suppress_api_frame("priority_children", df)
    assert list(s.frame["persons"]) == [9, 30]
    assert list(s.frame["persons_paid"]) == ["*", 20]
    assert list(s.frame["spend_yuan"]) == ["*", 9000.0]


def test_box_drawn_from_fewer_than_k_applications_is_hidden_with_its_complement():
    # before: one box of 1 application (via town) and its '_all' row (1): both below k, every statistic
    # hidden. after: via town 12 + direct 30 = '_all' 42, nothing small. A route's boxes add up to the
    # route's total (published beside it), so via town after (12) is hidden ("*"), and the '_all' rows add
    # up to every application, so after '_all' (42) is hidden too; the after period then holds two
    # hidden cells (12 + 30 = 42 gives neither), and the direct box of 30 applications stays drawn.
    df = pd.DataFrame({
        "period": ["before", "after", "after", "before", "after"],
        "route": ["via_town", "via_town", "direct", "_all", "_all"],
        "n": [1, 12, 30, 1, 42],
        "q1": [40.0, 11.0, 10.0, None, None], "median": [40.0, 12.0, 11.0, 40.0, 11.5],
        "q3": [40.0, 13.0, 12.0, None, None], "lowerfence": [40.0, 9.0, 8.0, None, None],
        "upperfence": [40.0, 15.0, 14.0, None, None], "mean": [40.0, 12.0, 11.0, None, None],
    })
    s = suppress_api_frame("duration_stats", df)
    assert list(s.frame["n"]) == ["<5", "*", 30, "<5", "*"]
    assert list(s.frame["median"]) == ["*", "*", 11.0, "*", "*"]
    assert s.hidden.loc[0, ["q1", "q3", "lowerfence", "upperfence", "mean"]].all()


def test_targeting_sums_within_a_row_leave_no_cell_alone():
    # eligible 40 = eligible-and-paid 38 + excluded 2; paid 45 = 38 + included 7.
    # excluded 2 is primary; 40 − 38 = 2 also makes 38 a nested part ("*"); then paid 45 = 38 + 7 has one
    # hidden cell, so its smallest other cell, included 7, is hidden; both error rates follow their counts.
    df = pd.DataFrame({
        "program_id": ["XM01"], "eligible_person_months": [40], "paid_person_months": [45],
        "eligible_paid_person_months": [38], "excluded_person_months": [2], "included_person_months": [7],
        "exclusion_error": [2 / 40], "inclusion_error": [7 / 45], "eligible_persons": [6], "paid_persons": [7],
    })
    f = suppress_api_frame("targeting_errors", df).frame.iloc[0]
    assert (f["eligible_person_months"], f["paid_person_months"]) == (40, 45)
    assert (f["eligible_paid_person_months"], f["excluded_person_months"], f["included_person_months"]) == \
        ("*", "<5", "*")
    assert (f["exclusion_error"], f["inclusion_error"]) == ("*", "*")


def test_money_of_a_hidden_month_is_not_left_to_subtraction_from_the_year():
    # 2 persons paid in February: hidden, and so is February's money; the year's spend (3,500) is a KPI
    # tile, so a second month's money is hidden too — the smallest, April's 900 — while every payment
    # count (>= 5) and the other persons-paid counts (not additive across months) stay public.
    df = pd.DataFrame({"month": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"]),
                       "spend_yuan": [1000.0, 300.0, 1300.0, 900.0], "persons_paid": [10, 2, 12, 11],
                       "payments": [10, 6, 12, 11]})
    s = suppress_api_frame("monthly_spend", df)
    assert list(s.frame["persons_paid"]) == [10, "<5", 12, 11]
    assert list(s.frame["payments"]) == [10, 6, 12, 11]
    assert list(s.frame["spend_yuan"]) == [1000.0, "*", 1300.0, "*"]


def test_program_counts_add_up_within_their_group_and_an_average_follows_its_amount():
    # A (3 persons) is primary; person-times add up to the district's and the group's KPI tiles, so B's
    # person-times (the group's smallest other) are hidden; A's money is hidden (from its persons), and
    # the group's money line then hides B's (900 < 5,000), whose average (money / persons) goes with it.
    df = pd.DataFrame({"program_id": ["A", "B", "C"], "program_group": ["康复", "康复", "康复"],
                       "persons": [3, 20, 40], "person_times": [3, 20, 40], "payments": [6, 40, 80],
                       "spend_yuan": [300.0, 900.0, 5000.0], "avg_per_person": [100.0, 45.0, 125.0]})
    f = suppress_api_frame("spend_by_program", df).frame
    assert list(f["persons"]) == ["<5", 20, 40]
    assert list(f["person_times"]) == ["<5", "*", 40]
    assert list(f["spend_yuan"]) == ["*", "*", 5000.0]
    assert list(f["avg_per_person"]) == ["*", "*", 125.0]


def _kpi(**over) -> pd.DataFrame:
    row = {"year": 2020, "spend_yuan": 120000.0, "person_times": 60, "persons_paid": 31, "payments": 300,
           "programs_total": 33, "programs_paid": 9, "certified_population": 40, "persons_covered": 31,
           "coverage": 31 / 40, "median_processing_days": 12.0, "zero_trip_programs": 7,
           "zero_trip_share": 7 / 33, "no_material_programs": 3, "applications": 25}
    return pd.DataFrame([row | over])


def test_public_kpi_tiles_show_ratios_as_percentages_not_as_small_counts():
    tiles = {t.column: t for t in kpis.kpi_tiles(_kpi(), None, charts.labels("en"), public=True, short=False)}
    assert tiles["coverage"].value == "77.5%" and not tiles["coverage"].hidden
    assert tiles["zero_trip_share"].value == "21.2% (7)" and not tiles["zero_trip_share"].hidden
    assert tiles["median_processing_days"].hidden is False


def test_public_kpi_tiles_hide_a_ratio_or_median_whose_count_is_hidden():
    # 3 of 40 covered: the count is small, so is the coverage drawn from it; 38 of 40 names the 2 not
    # covered (nested); a median of 3 applications is a distribution of fewer than k records.
    labels = charts.labels("en")
    small = {t.column: t for t in kpis.kpi_tiles(_kpi(persons_covered=3, coverage=3 / 40, applications=3), None,
                                                 labels, public=True)}
    assert small["coverage"].value == "*" and small["median_processing_days"].value == "*"
    nested = {t.column: t for t in kpis.kpi_tiles(_kpi(persons_covered=38, coverage=38 / 40), None, labels,
                                                  public=True)}
    assert nested["coverage"].value == "*"


# ---------------------------------------------------------------- the property on the demo district
def _names_the_unpaid(groups: pd.DataFrame) -> bool:
    """A priority group whose paid count (>= k) would name its few unpaid children (9 members, 8 paid)."""
    unpaid = groups["persons"] - groups["persons_paid"]
    return bool((unpaid.between(1, K - 1) & (groups["persons_paid"] >= K)).any())


def _selections(con) -> list[Selection]:
    """The district; its town with the fewest certified 言语 persons, 言语 and 多重 there, 多重 with the
    program group 就业 too (the smallest), and one of its villages; a town with a nested priority count."""
    by_town = queries.coverage_by(con, year=YEAR, by="town", category="言语")
    town = by_town.sort_values(["certified_population", "value"]).iloc[0]["value"]
    village = queries.villages(con, town=town)[0]
    nested = next(t for t in queries.towns(con) if _names_the_unpaid(queries.priority_children(con, year=YEAR, town=t)))
    return [Selection(year=YEAR), Selection(year=YEAR, town=town), Selection(year=YEAR, town=nested),
            Selection(year=YEAR, town=town, category="言语"), Selection(year=YEAR, town=town, category="多重"),
            Selection(year=YEAR, town=town, category="多重", program_group="就业"),
            Selection(year=YEAR, town=town, village=village)]


@pytest.fixture(scope="module")
def runners(con) -> list[charts.Runner]:
    """One memoising runner per selection: the perturbation test re-reads the very frames the pack read
    (DuckDB's parallel sums of doubles may differ in the last bit between two queries)."""
    return [charts.direct_runner(con) for _ in _selections(con)]


@pytest.fixture(scope="module")
def published(con, runners) -> list[export.Collected]:
    return [export.collect(con, sel, lang=lang, public=True, k=K, run=run)
            for sel, lang, run in zip(_selections(con), ("zh", "en", "zh", "zh", "en", "zh", "zh"), runners)]


def _is_small(v) -> bool:
    if isinstance(v, str) or v is None:
        return False
    try:
        x = float(v)
    except (TypeError, ValueError):
        return False
    return not math.isnan(x) and 0 < x < K


def _count_headers(labels: vocab.Labels) -> set[str]:
    cols = COUNTS
    return ({labels.column(c) for c in cols} | {labels(m) for m in (
        "persons", "chart.monthly_spend.persons_paid", "chart.targeting.paid_persons",
        "chart.priority_children.persons_paid")})


def test_the_selections_hold_small_counts(published):
    # the property below means something only if the public edition had small counts to hide
    hidden = {r.spec.id for got in published for r in got.rendered if r.hidden}
    assert {"coverage.priority_children", "processing.distribution", "spend.programs"} <= hidden


def test_no_published_frame_table_or_tile_holds_a_count_below_k(published):
    for got in published:
        heads = _count_headers(got.labels)
        for r in got.rendered:
            where = (got.selection, r.spec.id)
            for call, frame, sup in zip(r.spec.calls, r.frames, r.sups):
                if call.lookup or call.name in charts.MICRODATA:
                    continue
                for col in set(frame.columns) & COUNTS:
                    assert not any(_is_small(v) for v in frame[col]), (where, col)
                    if sup is not None:
                        assert all(v in MARKS or not _is_small(v) for v in sup.frame[col]), (where, col)
            for col in set(r.table.columns) & heads:
                assert not any(_is_small(v) for v in r.table[col]), (where, col)
        for t in got.tables.values():
            shown = t.sup.frame if t.sup is not None else t.frame
            for col in set(shown.columns) & COUNTS:
                assert not any(_is_small(v) for v in shown[col]), (got.selection, t.sheet, col)
        for tile in got.tiles:
            if tile.column in COUNTS:
                assert tile.value in MARKS or not _is_small(float(tile.value.replace(",", ""))), tile


# Where subtraction could give a hidden cell away, written out by hand: per API function, the columns
# whose cells add up along groups of rows to a total that is published (another chart, a KPI tile, a
# filtered selection's figure), the sums within a row, and the parts of a whole.
ADDS_UP = {
    "coverage_by_category": {c: [(), ("category",), ("grade",)] for c in ("certified_population", "persons_paid")},
    "coverage_by": {c: [()] for c in ("certified_population", "persons_paid")},
    "benefit_incidence": {"persons": [()], "spend_yuan": [()]},          # a person lives in one town
    "monthly_spend": {"payments": [()], "spend_yuan": [()]},             # the year's figures
    "spend_by_program": {c: [(), ("program_group",)] for c in ("person_times", "payments", "spend_yuan")},
    "spend_by_tier": {c: [("program_id",)] for c in ("persons", "spend_yuan")},
    "processing_times": {c: [()] for c in ("applications", "applications_before", "applications_after")},
    "duration_stats": {"n": [("period",), ("route",)]},                  # boxes → '_all'; routes → routes chart
    "census_gaps_by_area": {c: [("gap",)] for c in ("persons", "cases", "months", "amount_yuan")},
}
ROW_SUMS = {"targeting_errors": [("eligible_person_months", "eligible_paid_person_months", "excluded_person_months"),
                                 ("paid_person_months", "eligible_paid_person_months", "included_person_months")]}
PARTS = {"priority_children": [("persons_paid", "persons")],
         "coverage_by": [("persons_paid", "certified_population")],
         "coverage_by_category": [("persons_paid", "certified_population")],
         "targeting_errors": [("eligible_paid_person_months", "eligible_person_months")],
         "spend_by_tier": [("persons_at_cap", "persons")]}


def _alone(frame: pd.DataFrame, hidden: pd.Series, keys: tuple) -> list[tuple]:
    """Key values of the lines along `keys` that hold exactly one hidden cell."""
    groups = [((), frame.index)] if not keys else [
        (v if isinstance(v, tuple) else (v,), g.index) for v, g in frame.groupby(list(keys), dropna=False, sort=False)]
    return [v for v, idx in groups if int(hidden.loc[idx].sum()) == 1]


def test_nothing_hidden_can_be_worked_out_by_subtraction(published):
    """Every line (cells adding up to a published total), every sum within a row holds 0 or >= 2 hidden
    cells — or its total is flagged as one a publisher must not print — and no part ⊂ whole is shown
    with its whole when their difference is below k."""
    checked = set()
    for got in published:
        for r in got.rendered:
            for call, raw, sup in zip(r.spec.calls, r.raw, r.sups):
                if sup is None:
                    continue
                fn, frame, where = call.name, sup.frame, (got.selection, r.spec.id)
                exposed = {(c, tuple(keys), tuple(v)) for c, keys, v in sup.exposed_totals}
                for col, lines in ADDS_UP.get(fn, {}).items():
                    if col not in frame.columns:
                        continue
                    if fn == "census_gaps_by_area" and "town" in frame.columns:
                        lines = [("gap",), ("gap", "town")]   # villages add up to the by-town chart too
                    for keys in lines:
                        for values in _alone(frame, sup.hidden[col], tuple(keys)):
                            # flagged: that line's total is the hidden cell (of the column or its source)
                            assert {(c, tuple(keys), values) for c in (col, *DRAWN_FROM.get(col, ()))} & exposed, \
                                (where, col, keys, values)
                    checked.add(fn)
                for cells in ROW_SUMS.get(fn, ()):
                    assert not (sup.hidden[list(cells)].sum(axis=1) == 1).any(), (where, cells)
                for part, whole in PARTS.get(fn, ()):
                    diff = raw[whole] - raw[part]
                    shown = ~sup.hidden[part] & ~sup.hidden[whole]
                    assert not (shown & (diff > 0) & (diff < K)).any(), (where, part)
    assert checked >= {"coverage_by_category", "monthly_spend", "spend_by_program", "duration_stats"}


def test_no_distribution_is_drawn_from_fewer_than_k_records(con, published):
    for got in published:
        for r in got.rendered:
            if r.spec.id != "processing.distribution" or r.sups[0] is None:
                continue
            raw, drawn = r.raw[0], r.frames[0]
            few = raw["n"] < K
            assert drawn.loc[few, ["q1", "median", "q3", "lowerfence", "upperfence", "mean"]].isna().all().all()
            boxes = [t for t in r.fig.data if t.type == "box"]
            assert sum(len(t.x) for t in boxes) == int((drawn["route"] != "_all").sum() - drawn.loc[
                drawn["route"] != "_all", "median"].isna().sum())
            if few.any():   # the figure says which box is missing and why
                notes = " ".join(a.text for a in r.fig.layout.annotations)
                assert suppress.small_label(K) in notes, got.selection
        # the KPI median: the year's paid applications under the same filters
        tile = next(t for t in got.tiles if t.column == "median_processing_days")
        sel = got.selection
        apps = queries.processing_times(con, year=sel.year, by="route", town=sel.town, village=sel.village,
                                        category=sel.category, program_group=sel.program_group)["applications"].sum()
        assert tile.hidden == bool(0 < apps < K), (sel, apps, tile.value)


def _perturbing(base: charts.Runner, keep: frozenset[str] = frozenset()) -> charts.Runner:
    """A runner whose frames differ from `base`'s only in cells the public edition must hide whatever
    their value: every count below k (3 ↔ 2, 1 ↔ 4: still below k) and every value derived from one.
    Frames of the functions in `keep` are left alone."""
    def run(fn, **kwargs):
        df = base(fn, **kwargs)
        if not isinstance(df, pd.DataFrame) or df.empty or fn.__name__ in charts.MICRODATA | keep:
            return df
        out = df.copy()
        counts = [c for c in COUNTS if c in df.columns]
        small = {c: pd.to_numeric(df[c], errors="coerce").between(1, K - 1) for c in counts}
        for c, m in small.items():
            out[c] = df[c].mask(m, K - df[c])
        for col, sources in DRAWN_FROM.items():
            if col in df.columns and col not in counts and pd.api.types.is_float_dtype(df[col]):
                m = pd.Series(False, index=df.index)
                for s in sources:
                    m |= small.get(s, False)
                out[col] = df[col].where(~m, df[col] * 1.37 + 11)
        return out
    return run


def test_figures_summaries_and_tables_do_not_depend_on_any_hidden_value(con, published, runners):
    """The built figures' numbers come from published cells only: changing every count below k (and what
    is derived from it) leaves every public figure, summary and table exactly as it was."""
    for got, base in zip(published, runners):
        sel, labels = got.selection, got.labels
        run = _perturbing(base)
        for r in got.rendered:
            again = charts.render(r.spec.id, sel, labels, run=run, public=True, k=K)
            assert again.summary == r.summary, (sel, r.spec.id)
            pd.testing.assert_frame_equal(again.table, r.table, obj=f"{sel} {r.spec.id}")
            if r.fig is not None:
                assert again.fig.to_json() == r.fig.to_json(), (sel, r.spec.id)
        # the tiles' count of applications is a sum over routes: perturbing its parts would move the sum
        cur, prev = kpis.kpi_frames(_perturbing(base, frozenset({"processing_times"})), sel.year, sel.filters(),
                                    queries.years(con))
        assert kpis.kpi_tiles(cur, prev, labels, public=True, k=K, short=False) == got.tiles, sel


def test_priority_children_bars_draw_no_small_count(published):
    for got in published:
        r = next(x for x in got.rendered if x.spec.id == "coverage.priority_children")
        if r.fig is None:
            continue
        for trace in r.fig.data:
            assert not any(_is_small(v) for v in trace.y), (got.selection, trace.name)


def test_published_tables_show_labels_not_codes(published):
    """A public table (the one the page shows and the pack prints when cells are hidden) labels every
    code: 'not_surveyed', 'via_town' or 'infant_motor' in a table is the contract's code, not a word
    (the Chinese public table once showed not_surveyed). The gaps table's key column keeps the key."""
    import re

    code = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
    word = re.compile(r"^[a-z]+$")   # in a Chinese table an English word is a code too ('leaving', 'death')
    seen = 0
    for got in published:
        keys = {got.labels("chart.gaps_overview.key"), got.labels("gap_key")}
        for r in got.rendered:
            if not r.hidden:
                continue
            for col in r.table.columns:
                if col in keys:
                    continue
                bad = [v for v in r.table[col] if isinstance(v, str)
                       and (code.match(v) or (got.labels.zh and word.match(v)))]
                assert not bad, (r.spec.id, got.labels.lang, col, bad[:3])
            seen += 1
    assert seen >= 20
