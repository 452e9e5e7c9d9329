"""Scope enforcement (access.scope) and the unmasked read (access.reveal) on the real demo database."""
from __future__ import annotations

import pandas as pd
import pytest

import queries
from access import AccessDenied, Principal, ScopeError, reveal, scope


def api_functions() -> list:
    return [getattr(queries, n) for n in sorted(dir(queries))
            if hasattr(getattr(queries, n), "sql_path") and callable(getattr(queries, n))]


@pytest.fixture(scope="module")
def areas(con):
    towns = queries.towns(con)
    return towns[0], towns[1], queries.villages(con, towns[0])


def town_p(town):
    return Principal(7, "wang", "town_caseworker", town=town)


def village_p(town, village):
    return Principal(8, "li", "village_caseworker", town=town, village=village)


def test_every_api_function_is_classified():
    kinds = {fn.__name__: scope.classify(fn) for fn in api_functions()}
    assert "unclassified" not in kinds.values(), kinds
    assert kinds["gap_people"] == kinds["coverage_people"] == kinds["paid_people"] == "person_lists"
    assert kinds["priority_children_people"] == kinds["flow_people"] == "person_lists"
    assert kinds["policy_simulation_people"] == "person_lists"
    assert kinds["kpi_overview"] == "area"
    assert kinds["rejects"] == "quality" and kinds["towns"] == "area_lists"


def test_town_caseworker_gets_the_own_town_put_in_and_another_refused(areas):
    mine, other, _ = areas
    p = town_p(mine)
    assert scope.enforce(p, queries.kpi_overview, {"year": 2020}) == {"year": 2020, "town": mine}
    assert scope.enforce(p, queries.kpi_overview, {"year": 2020, "town": mine})["town"] == mine
    with pytest.raises(ScopeError, match=other):
        scope.enforce(p, queries.kpi_overview, {"year": 2020, "town": other})
    assert "village" not in scope.enforce(p, queries.kpi_overview, {"year": 2020})  # the whole town


def test_village_caseworker_is_held_to_the_village(areas):
    mine, _, villages = areas
    p = village_p(mine, villages[0])
    got = scope.enforce(p, queries.census_gaps_by_area, {"year": 2020, "level": "village"})
    assert (got["town"], got["village"]) == (mine, villages[0])
    with pytest.raises(ScopeError):
        scope.enforce(p, queries.gap_people, {"gap": "not_surveyed", "year": 2020, "village": villages[1]})


def test_a_caseworker_number_equals_the_api_for_the_area(con, areas):
    mine, _, villages = areas
    for p, expect in ((town_p(mine), {"town": mine}), (village_p(mine, villages[0]),
                                                        {"town": mine, "village": villages[0]})):
        for fn in (queries.kpi_overview, queries.coverage_by_category, queries.census_gaps):
            got = fn(con, **scope.enforce(p, fn, {"year": 2020}))
            pd.testing.assert_frame_equal(got, fn(con, year=2020, **expect))
        district = queries.kpi_overview(con, year=2020)
        scoped = queries.kpi_overview(con, **scope.enforce(p, queries.kpi_overview, {"year": 2020}))
        assert scoped["persons_paid"].iloc[0] < district["persons_paid"].iloc[0]


def test_area_lists_are_cut_to_the_area(con, areas):
    mine, _, villages = areas
    p = village_p(mine, villages[1])
    towns = scope.restrict(p, queries.towns, queries.towns(con, **scope.enforce(p, queries.towns, {})))
    assert towns == [mine]
    kw = scope.enforce(p, queries.villages, {"town": None})
    assert kw == {"town": mine}
    assert scope.restrict(p, queries.villages, queries.villages(con, **kw)) == [villages[1]]
    t = town_p(mine)
    assert scope.restrict(t, queries.villages, queries.villages(con, **scope.enforce(t, queries.villages, {}))) \
        == villages


def test_rights_by_role(areas):
    mine, _, _ = areas
    public = Principal(1, "pub", "public")
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.gap_people, {"gap": "not_surveyed", "year": 2020})
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.coverage_people, {"year": 2020, "covered": False})
    with pytest.raises(ScopeError):   # a caseworker's list of another town
        scope.enforce(town_p(mine), queries.coverage_people, {"year": 2020, "town": mine + "x"})
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.paid_people, {"year": 2020, "program": "NS"})
    with pytest.raises(ScopeError):
        scope.enforce(town_p(mine), queries.paid_people, {"year": 2020, "town": mine + "x"})
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.priority_children_people, {"year": 2020, "group": "infant_motor"})
    with pytest.raises(ScopeError):
        scope.enforce(town_p(mine), queries.priority_children_people, {"year": 2020, "town": mine + "x"})
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.flow_people, {"year": 2021, "program": "XM01"})
    with pytest.raises(ScopeError):
        scope.enforce(town_p(mine), queries.flow_people, {"year": 2021, "town": mine + "x"})
    assert scope.enforce(town_p(mine), queries.flow_people, {"year": 2021})["town"] == mine
    sim = {"year": 2021, "rule": "living_subsidy"}
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.policy_simulation_people, sim)
    with pytest.raises(ScopeError):
        scope.enforce(town_p(mine), queries.policy_simulation_people, {**sim, "town": mine + "x"})
    assert scope.enforce(town_p(mine), queries.policy_simulation_people, sim)["town"] == mine
    with pytest.raises(AccessDenied):
        scope.enforce(public, queries.rejects, {})
    assert scope.enforce(public, queries.kpi_overview, {"year": 2020, "town": mine})["town"] == mine
    admin = Principal(2, "root", "admin")
    with pytest.raises(AccessDenied):
        scope.enforce(admin, queries.kpi_overview, {"year": 2020})
    assert scope.enforce(admin, queries.rejects, {}) == {}
    with pytest.raises(AccessDenied):
        scope.enforce(town_p(mine), queries.rejects, {})
    with pytest.raises(AccessDenied, match="nobody"):
        scope.enforce(None, queries.years, {})
    with pytest.raises(AccessDenied):
        scope.enforce(Principal(3, "a", "analyst"), lambda con: None, {})


def test_a_function_without_a_village_filter_is_refused_to_a_village_caseworker(areas, monkeypatch):
    mine, _, villages = areas

    def town_only(con, year, town=None):  # what a future API function without `village` would look like
        return None

    monkeypatch.setattr(queries, "town_only", town_only, raising=False)
    assert scope.classify(town_only) == "area"
    assert scope.enforce(town_p(mine), town_only, {"year": 2020}) == {"year": 2020, "town": mine}
    with pytest.raises(ScopeError, match="cannot be limited to a village"):
        scope.enforce(village_p(mine, villages[0]), town_only, {"year": 2020})


def test_reveal_gives_full_identities_of_the_own_area_only(con, areas):
    mine, other, _ = areas
    people = queries.gap_people(con, gap="not_surveyed", year=2020)
    ids = list(people["person_id"])
    assert set(people["town"]) >= {mine, other}
    got = reveal.identities(con, town_p(mine), ids)
    in_mine = set(people.loc[people["town"] == mine, "person_id"])
    assert set(got["person_id"]) == in_mine and len(got) == len(in_mine) > 0
    full = con.execute("select person_id, name, id_number from persons where town = ?", [mine]).df()
    merged = got.merge(full, on="person_id", suffixes=("", "_db"))
    assert (merged["name"] == merged["name_db"]).all() and (merged["id_number"] == merged["id_number_db"]).all()
    for p in (Principal(1, "a", "analyst"), Principal(2, "l", "leader"), Principal(3, "p", "public"), None):
        with pytest.raises(AccessDenied):
            reveal.identities(con, p, ids)


def test_a_caseworker_pack_holds_the_own_town_only(con, areas):
    """The report pack through the scoped runner (what the dashboard passes to build_pack), even for a
    district selection: every table is the API's frame for the caseworker's town, none the district's."""
    from publish import charts, pack
    from publish.charts import Selection

    mine, other, _ = areas
    run = scope.scoped(town_p(mine), charts.direct_runner(con))
    got = pack.collect(con, Selection(year=2020), run=run)
    compared = 0
    for table in got.tables.values():
        fn = table.call.fn
        if scope.classify(fn) != "area":
            continue
        own = fn(con, **{**table.kwargs, "town": mine})
        pd.testing.assert_frame_equal(table.frame.reset_index(drop=True), own.reset_index(drop=True))
        compared += 1
    assert compared >= 10
    district = queries.kpi_overview(con, year=2020)
    assert got.tiles[2].value != f"{int(district['persons_paid'].iloc[0]):,}"
    with pytest.raises(ScopeError):
        pack.collect(con, Selection(year=2020, town=other), run=run)
