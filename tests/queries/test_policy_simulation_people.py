"""The persons behind a policy simulation (queries.policy_simulation_people) against its counts
(queries.policy_simulation by town) on the demo district, for changes that widen, narrow, reprice and add a
rule, district-wide and within a town. Hand-worked cases: test_policy_simulation.py."""
from __future__ import annotations

import pytest
from test_policy_simulation import simulation_agrees

import queries

CHANGES = [
    dict(rule="living_subsidy"),
    dict(rule="living_subsidy", branch="dibao_or_dibian", share=0.35, dibao_standard=1200),
    dict(rule="living_subsidy", branch="dibao_or_dibian", requires_household="dibao"),
    dict(rule="nursing_subsidy", branch="grade_1_2", grade_max=3, categories="肢体|视力", amount=135),
    dict(rule="nursing_subsidy", branch="grade_3_vision", categories="视力", grade_equals=3),
]


@pytest.mark.slow
@pytest.mark.parametrize("args", CHANGES, ids=lambda a: "-".join(f"{k}={v}" for k, v in a.items()))
def test_every_simulated_count_is_its_list_on_the_demo(con, args):
    year = queries.years(con)[-1]
    assert simulation_agrees(con, year, **args) > 500
    assert simulation_agrees(con, year, town=queries.towns(con)[1], **args) > 10
    people = queries.policy_simulation_people(con, year, **args)
    if "branch" in args and args.get("grade_max") == 3:   # wider and narrower at once: both kinds of change
        assert {"gained", "lost", "kept"} <= set(people["outcome"])
