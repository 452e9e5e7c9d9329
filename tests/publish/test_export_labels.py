"""Public edition of a chart: hidden values are drawn as gaps labelled "<5" or "*" (no browser needed)."""
from __future__ import annotations

import math

import pandas as pd

from publish import charts, figures
from publish.suppress import API_LINES, masked_numeric, suppress_frame


def test_bar_labels_show_small_and_complementary_marks():
    # town A: 3 certified (primary); B: 20 certified, 18 paid (2 unpaid -> paid hidden, "*");
    # the certified column then has one hidden cell (A) -> the smallest other, B (20), is hidden too.
    df = pd.DataFrame({"value": ["A", "B", "C", "D"], "certified_population": [3, 20, 100, 200],
                       "persons_paid": [3, 18, 60, 150]})
    df["coverage"] = df.persons_paid / df.certified_population
    sup = suppress_frame(df, k=5, lines=API_LINES["coverage_by"])
    assert list(sup.frame["certified_population"]) == ["<5", "*", 100, 200]
    assert list(sup.frame["persons_paid"]) == ["<5", "*", 60, 150]
    L = charts.labels("zh")
    chart = figures.coverage_bars(masked_numeric(df, sup.hidden), L, title="t", year=2020, by="town")
    charts.mark_hidden_points(chart.fig, df, sup, L, 5)
    bar = chart.fig.data[0]
    labels = dict(zip(bar.y, bar.text))
    assert labels["A"] == "<5" and labels["B"] == "*"
    assert labels["C"] == "60.0%" and labels["D"] == "75.0%"
    # nothing hidden is plotted, and nothing hidden is in the hover data
    xs = dict(zip(bar.y, bar.x))
    assert math.isnan(xs["A"]) and math.isnan(xs["B"])
    custom = dict(zip(bar.y, [tuple(c) for c in bar.customdata]))
    assert all(math.isnan(v) for v in custom["A"] + custom["B"])


def test_marks_find_a_bar_whose_name_needs_escaping():
    """A town called "A&B" is drawn as "A&amp;B" (loaded text is escaped for plotly); its "<5" still lands."""
    df = pd.DataFrame({"value": ["A&B", "C", "D"], "certified_population": [3, 100, 200],
                       "persons_paid": [3, 60, 150]})
    df["coverage"] = df.persons_paid / df.certified_population
    sup = suppress_frame(df, k=5, lines=API_LINES["coverage_by"])
    L = charts.labels("zh")
    chart = figures.coverage_bars(masked_numeric(df, sup.hidden), L, title="t", year=2020, by="town")
    charts.mark_hidden_points(chart.fig, df, sup, L, 5)
    labels = dict(zip(chart.fig.data[0].y, chart.fig.data[0].text))
    assert labels["A&amp;B"] == "<5"
