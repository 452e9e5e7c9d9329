"""The demo district end to end: generator → loader → views → API.

Three kinds of checks on the real demo database:
- data tests in the dbt spirit (keys unique, references resolve, totals reconcile across marts);
- the calibration figures of DOMAIN.md for the reference year 2020;
- the gap views against the generator's ground truth: every injected fault found, nothing else
  (precision and recall 1.0 per fault kind and year).
"""
from __future__ import annotations

import pandas as pd
import pytest

import queries

pytestmark = pytest.mark.slow

GAP_KEYS = [
    "not_surveyed", "unmet_need_rehab", "unmet_need_device", "unmet_need_education",
    "unmet_need_employment", "unmet_need_care", "unmet_need_medical_insurance",
    "census_registry_conflict", "paid_after_death", "paid_after_dibao_end", "paid_after_revocation",
    "duplicate_payment", "duplicate_id_number", "eligible_unpaid", "late_start",
    "paid_after_moved_out", "wrong_living_amount", "wrong_nursing_tier", "tier_outside_age_band",
    "rehab_over_cap", "medication_missed",
]
PAYMENT_GAPS = {"paid_after_death", "paid_after_dibao_end", "paid_after_revocation", "duplicate_payment",
                "paid_after_moved_out", "wrong_living_amount", "wrong_nursing_tier", "tier_outside_age_band"}
PROGRAM_GAPS = {"eligible_unpaid", "late_start", "rehab_over_cap"}
RUN_GAPS = {"medication_missed"}   # one case per run of months: (person, first month)


@pytest.fixture(scope="module")
def truth(demo_source) -> pd.DataFrame:
    return pd.read_csv(demo_source / "ground_truth" / "faults.csv", dtype=str, keep_default_na=False)


# ---------------------------------------------------------------- data tests
@pytest.mark.parametrize(
    "table, key",
    [("persons", "person_id"), ("programs", "program_id"), ("applications", "application_id"),
     ("payments", "payment_id"), ("parameters", "year"), ("census", "person_id, survey_year"),
     ("program_tiers", "program_id, tier")],
)
def test_keys_unique(con, table, key):
    sql = f"select count(*) from (select {key} from {table} group by all having count(*) > 1)"
    dupes = con.execute(sql).fetchone()[0]
    assert dupes == 0


@pytest.mark.parametrize(
    "child, col, parent, pcol",
    [("payments", "person_id", "persons", "person_id"), ("payments", "program_id", "programs", "program_id"),
     ("payments", "application_id", "applications", "application_id"),
     ("applications", "person_id", "persons", "person_id"), ("applications", "program_id", "programs", "program_id"),
     ("census", "person_id", "persons", "person_id"), ("status_events", "person_id", "persons", "person_id"),
     ("program_tiers", "program_id", "programs", "program_id")],
)
def test_references_resolve(con, child, col, parent, pcol):
    orphans = con.execute(
        f"select count(*) from {child} c where c.{col} is not null "
        f"and not exists (select 1 from {parent} p where p.{pcol} = c.{col})"
    ).fetchone()[0]
    assert orphans == 0


def test_demo_loads_without_rejects(con):
    files = con.execute("select file, rows_read, rows_loaded, rows_rejected from load_files").df()
    assert (files.rows_read == files.rows_loaded + files.rows_rejected).all()
    assert files.rows_rejected.sum() == 0, files[files.rows_rejected > 0]


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_program_spend_adds_up_to_kpi_total(con, year):
    kpi = queries.kpi_overview(con, year=year).iloc[0]
    by_program = queries.spend_by_program(con, year=year)
    raw = con.execute(
        "select sum(amount)::double, count(distinct (person_id, program_id)) from payments where year(period) = $y",
        {"y": year},
    ).fetchone()
    assert by_program.spend_yuan.sum() == pytest.approx(kpi.spend_yuan, abs=0.01)
    assert kpi.spend_yuan == pytest.approx(raw[0], abs=0.01)
    assert by_program.person_times.sum() == kpi.person_times == raw[1]


def test_town_spends_add_up_to_district(con):
    total = queries.kpi_overview(con, year=2020).iloc[0].spend_yuan
    towns = queries.towns(con)
    by_town = sum(queries.kpi_overview(con, year=2020, town=t).iloc[0].spend_yuan for t in towns)
    assert by_town == pytest.approx(total, abs=0.01)


# ---------------------------------------------------------------- calibration (DOMAIN.md, 2020)
def test_calibration_programs(con):
    programs = queries.programs(con)
    assert len(programs) == 33
    assert (programs.program_group == "康复").sum() == 22
    assert (programs.trips_after == 0).sum() == 7
    assert (programs.trips_after == 1).sum() == 26
    assert (programs.materials_after == 0).sum() == 7


def test_calibration_money_and_person_times(con):
    kpi = queries.kpi_overview(con, year=2020).iloc[0]
    assert kpi.spend_yuan > 40_000_000
    assert kpi.person_times > 21_000
    assert kpi.programs_total == 33


def test_calibration_census_size(con):
    n, certified = con.execute(
        "select count(distinct c.person_id), count(*) filter (where p.cert_status = '持证') "
        "from census c join persons p using (person_id) where c.survey_year = 2020"
    ).fetchone()
    assert n == 14_536
    assert certified == 14_536


def test_calibration_direct_deposit_saves_20_working_days(con):
    by_route = queries.processing_times(con, by="route").set_index("route")
    assert by_route.loc["via_town", "median_days"] - by_route.loc["direct", "median_days"] >= 20


def test_calibration_medication_subsidy_trips(con):
    programs = queries.programs(con)
    med = programs[programs.name.str.contains("服药")]
    assert len(med) >= 1
    assert (med.trips_before == 3).all() and (med.trips_after == 0).all()


# ---------------------------------------------------------------- ground truth
def _case_keys(frame: pd.DataFrame, gap: str) -> set[tuple]:
    if gap in PAYMENT_GAPS:
        return set(frame.payment_id.astype(str))
    if gap in PROGRAM_GAPS:
        return set(zip(frame.person_id.astype(str), frame.program_id.astype(str)))
    if gap in RUN_GAPS:   # the ground truth's period is the run's first month; the view's since its first day
        first = frame.period if "period" in frame else pd.to_datetime(frame.since).dt.strftime("%Y-%m")
        return set(zip(frame.person_id.astype(str), first.astype(str)))
    return set(frame.person_id.astype(str))


@pytest.mark.parametrize("year", [2019, 2020, 2021])
@pytest.mark.parametrize("gap", GAP_KEYS)
def test_gap_views_find_exactly_the_injected_faults(con, truth, gap, year):
    found = _case_keys(queries.gap_people(con, gap=gap, year=year), gap)
    expected = _case_keys(truth[(truth.fault == gap) & (truth.year == str(year))], gap)
    missed = expected - found
    extra = found - expected
    assert not missed and not extra, (
        f"{gap} {year}: recall {1 - len(missed) / max(len(expected), 1):.3f}, "
        f"precision {1 - len(extra) / max(len(found), 1):.3f}; missed {sorted(missed)[:5]}, extra {sorted(extra)[:5]}"
    )


def test_every_fault_kind_is_injected_in_2020(truth):
    kinds = set(truth[truth.year == "2020"].fault)
    assert set(GAP_KEYS) <= kinds, set(GAP_KEYS) - kinds


def test_census_gap_summary_matches_people(con):
    summary = queries.census_gaps(con, year=2020).set_index("gap")
    assert list(summary.index) == GAP_KEYS or set(summary.index) == set(GAP_KEYS)
    for gap in GAP_KEYS:
        people = queries.gap_people(con, gap=gap, year=2020)
        assert summary.loc[gap, "persons"] == people.person_id.nunique(), gap
