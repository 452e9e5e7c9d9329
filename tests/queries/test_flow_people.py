"""The persons behind the flows of the monthly programs (queries.flow_people) against their counts
(queries.program_flows) on the demo district: for every pair of consecutive years, for a pair two years
apart and within a town, each (program, flow, reason) count is the number of persons listed, and its money
the sum of theirs. The hand-worked cases are in test_program_flows.py (one person of each kind)."""
from __future__ import annotations

import pytest
from test_program_flows import flows_agree

import queries


@pytest.mark.slow
def test_every_flow_count_is_its_list_on_the_demo(con):
    years = queries.years(con)
    assert len(years) >= 3
    checked = 0
    for year in years[1:]:
        checked += flows_agree(con, year)
    assert checked > 1000        # the demo's monthly programs move thousands of persons over the years
    assert flows_agree(con, years[-1], year_from=years[0]) > 0
    assert flows_agree(con, years[-1], town=queries.towns(con)[0]) > 0
    assert flows_agree(con, years[1], category="肢体", village=None) > 0
