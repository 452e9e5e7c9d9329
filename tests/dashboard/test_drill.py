"""Click to filter (issue 14): a plotly selection event names the clicked bar or cell by its axis label;
`dashboard.ui.drill_value` maps it back to the filter value (a town as loaded, a category code), whatever
language or HTML escaping the builder drew it in. The click itself is driven in a real browser
(tests/dashboard/test_browser.py::test_clicking_a_town_bar_narrows_the_page_and_the_url)."""
from __future__ import annotations

from dashboard import ui
from publish import charts


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
                      "policy.tier_by_town": "town", "policy.tier_by_category": "category"}
    assert set(drills.values()) <= set(ui.DRILL_KEYS)
