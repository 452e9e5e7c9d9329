"""Small-count suppression on tables worked out by hand (dashboard/suppress.py)."""
from __future__ import annotations

import math

import pandas as pd

from publish.suppress import (
    masked_numeric,
    suppress_frame,
    suppress_table,
    suppression_masks,
)


def _cells(mask: pd.Series, df: pd.DataFrame, keys: list[str]) -> set[tuple]:
    return {tuple(df.loc[i, keys]) for i in df.index[mask]}


def test_one_column_hides_small_count_and_its_complement_only():
    # counts 2, 7, 30, 0, 9 with a published grand total (51):
    # 2 is primary; alone it could be recovered as 51 - 7 - 30 - 0 - 9, so the smallest other
    # non-zero count (7) is hidden too. 0 stays shown: hiding it would still leave 2 = 51 - 30 - 9.
    df = pd.DataFrame({"town": list("ABCDE"), "persons": [2, 7, 30, 0, 9]})
    primary, secondary, exposed = suppression_masks(df, "persons", k=5)
    assert list(primary) == [True, False, False, False, False]
    assert list(secondary) == [False, True, False, False, False]
    assert exposed == []
    out = suppress_table(df, ["persons"]).frame
    assert list(out["persons"]) == ["<5", "*", 30, 0, 9]
    assert list(out["town"]) == list("ABCDE")


def test_cross_table_rows_and_columns():
    # category x grade, row and column totals published:
    #        g1  g2  g3
    #   c1    4  20  15      4 is primary.
    #   c2   30  25  40      row c1 -> hide its next smallest, 15;
    #   c3    6   7  50      column g1 -> hide 6; column g3 (15 alone) -> hide 40;
    # then row c2 (40 alone) -> hide 25; row c3 (6 alone) -> hide 7; column g2 now has 25 and 7.
    # Shown: 20, 30, 50.
    grid = {("c1", "g1"): 4, ("c1", "g2"): 20, ("c1", "g3"): 15,
            ("c2", "g1"): 30, ("c2", "g2"): 25, ("c2", "g3"): 40,
            ("c3", "g1"): 6, ("c3", "g2"): 7, ("c3", "g3"): 50}
    df = pd.DataFrame([(c, g, n) for (c, g), n in grid.items()], columns=["category", "grade", "persons"])
    primary, secondary, exposed = suppression_masks(
        df, "persons", lines=[(), ("category",), ("grade",)],
    )
    assert _cells(primary, df, ["category", "grade"]) == {("c1", "g1")}
    assert _cells(secondary, df, ["category", "grade"]) == {
        ("c1", "g3"), ("c3", "g1"), ("c2", "g3"), ("c2", "g2"), ("c3", "g2"),
    }
    assert exposed == []
    # every line with a hidden cell has at least two
    hidden = primary | secondary
    for key in ("category", "grade"):
        per_line = hidden.groupby(df[key]).sum()
        assert ((per_line == 0) | (per_line >= 2)).all()


def test_zero_is_shown_and_line_with_single_nonzero_reports_its_total():
    # row B: the only non-zero cell is 3, so the row total (3) itself reveals it
    df = pd.DataFrame({"town": ["A", "A", "B", "B"], "sex": ["男", "女"] * 2, "persons": [10, 12, 3, 0]})
    s = suppress_table(df, ["persons"], lines=[("town",)])
    assert list(s.frame["persons"]) == [10, 12, "<5", 0]
    assert s.exposed_totals == [("persons", ("town",), ("B",))]


def test_nothing_hidden_when_all_counts_are_large_or_zero():
    df = pd.DataFrame({"town": list("ABC"), "persons": [5, 0, 100], "coverage": [0.5, math.nan, 0.9]})
    s = suppress_frame(df)
    assert s.n_hidden == 0
    pd.testing.assert_frame_equal(s.frame, df)


def test_ratio_from_a_hidden_count_is_hidden_and_nested_difference_protected():
    # town A: 3 paid of 40 -> paid is primary, its coverage hidden;
    # town B: 18 paid of 20 -> 2 unpaid persons could be read off: paid hidden ("*": 18 is not small);
    # town C: 50 of 80 shown; the paid column then has 2 hidden cells (A, B): no secondary needed.
    # certified: 40, 20, 80 all shown.
    df = pd.DataFrame({
        "value": ["A", "B", "C"],
        "certified_population": [40, 20, 80],
        "persons_paid": [3, 18, 50],
        "coverage": [3 / 40, 18 / 20, 50 / 80],
    })
    s = suppress_frame(df, k=5)
    assert list(s.frame["certified_population"]) == [40, 20, 80]
    assert list(s.frame["persons_paid"]) == ["<5", "*", 50]
    assert list(s.frame["coverage"]) == ["*", "*", 50 / 80]
    num = masked_numeric(df, s.hidden)
    assert num["persons_paid"].isna().tolist() == [True, True, False]
    assert num["certified_population"].tolist() == [40, 20, 80]


def test_k_is_a_parameter():
    df = pd.DataFrame({"value": list("ABC"), "persons": [7, 12, 30]})
    s = suppress_table(df, ["persons"], k=10)
    assert list(s.frame["persons"]) == ["<10", "*", 30]


def test_payment_counts_below_k_are_hidden_in_the_kpi_row():
    # A town with 3 payments to 2 persons in the year: both counts are below k = 5, and the money
    # paid to those 2 persons is derived from a hidden count; 33 programs in the catalog stay public.
    from publish.suppress import suppress_api_frame

    kpi = pd.DataFrame({"year": [2020], "spend_yuan": [915.0], "person_times": [2], "persons_paid": [2],
                        "payments": [3], "programs_total": [33]})
    s = suppress_api_frame("kpi_overview", kpi)
    assert s.frame.loc[0, "payments"] == "<5"
    assert s.frame.loc[0, "persons_paid"] == "<5"
    assert bool(s.hidden.loc[0, "spend_yuan"])
    assert s.frame.loc[0, "programs_total"] == 33
