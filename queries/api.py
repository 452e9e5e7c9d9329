"""The analyst API's functions: one per question, a connection first, a DataFrame out.

Each function runs one file of queries/sql/api (named on its docstring's first line and in its
`sql_path` attribute), binds the filters as parameters and only post-processes the frame (the zero
rows of a fixed grid, dtypes). Conventions: queries/__init__.py.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from pathlib import Path

import duckdb
import pandas as pd

from contract import CATEGORIES, CATEGORY, CERT_STATUS, GRADE
from contract.paths import db_path
from queries._sql import api_query, check_choice, exists, normalise, run, values

SEED_DIR = Path(__file__).resolve().parent / "seeds"
GAP_SEED = SEED_DIR / "gap_keys.csv"
GAP_CATALOG_COLUMNS = ("gap", "sort_order", "case_kind", "label_zh", "label_en", "definition", "definition_zh")


@functools.lru_cache(maxsize=1)
def _gap_rows() -> tuple[dict, ...]:
    """The rows of the gap seed in sort_order (read once; sort_order as int)."""
    with GAP_SEED.open(encoding="utf-8", newline="") as fh:
        rows = [dict(row) for row in csv.DictReader(fh)]
    for row in rows:
        row["sort_order"] = int(row["sort_order"])
    return tuple(sorted(rows, key=lambda r: r["sort_order"]))


# The gap keys come from the seed (queries/seeds/gap_keys.csv, METRICS.md order): one list of gaps for
# the SQL, the API's allow-list and every label. Reading a 15-row packaged file is the only work done
# at import (no connection, nothing written).
GAP_KEYS = tuple(r["gap"] for r in _gap_rows())
PAYMENT_GAPS = tuple(r["gap"] for r in _gap_rows() if r["case_kind"] == "payment")
MONTH_GAPS = tuple(r["gap"] for r in _gap_rows() if r["case_kind"] == "person_program")
PRIORITY_GROUPS = ("infant_motor", "under3_speech", "under7_autism", "assessment_form")

# Allow-lists: the public choice → the column it groups by.
COVERAGE_BY = {"town": "town", "village": "village", "sex": "sex", "age_band": "age_band", "hukou": "hukou"}
INCIDENCE_BY = {"category": "category", "grade": "grade", "town": "town", "sex": "sex", "age_band": "age_band"}
PROCESSING_BY = ("program", "route")
AREA_LEVELS = {"town": "town", "village": "village"}


def _filters(year=None, town=None, village=None, category=None, program=None, program_group=None) -> dict:
    """The six standard filters as bound values."""
    return normalise(dict(year=year, town=town, village=village, category=category, program=program,
                          program_group=program_group))


# ----------------------------------------------------------------------------- connection & lists
def connect(path: str | Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB database (default `contract.paths.db_path()`: $SUBSIDY_DB or data/subsidy.duckdb).

    Read-only by default: the database is built once per load and only read afterwards; several
    read-only processes can share the file.
    """
    return duckdb.connect(str(db_path() if path is None else path), read_only=read_only)


@api_query("years")
def years(con) -> list[int]:
    """Years of the data range, ascending (queries/sql/api/years.sql).

    Reads the `parameters` table through stg_parameters.
    """
    return [int(y) for y in values(con, "years")]


@api_query("towns")
def towns(con) -> list[str]:
    """Towns (镇街) of the persons register, sorted (queries/sql/api/towns.sql).

    Reads stg_persons.
    """
    return values(con, "towns")


@api_query("villages")
def villages(con, town: str | None = None) -> list[str]:
    """Villages (村社区) of the persons register, optionally of one town, sorted (queries/sql/api/villages.sql).

    Reads stg_persons.
    """
    return values(con, "villages", normalise({"town": town}))


@api_query("programs")
def programs(con, program_group: str | None = None) -> pd.DataFrame:
    """The program catalog, one row per program, ordered by program_id (queries/sql/api/programs.sql).

    Reads stg_programs; `program_group` narrows to one group. Columns: program_id; name (Chinese);
    name_en; program_group (两项补贴/康复/教育/辅具/保险医疗/就业/其他); cycle (monthly/annual/per_claim);
    rule (eligibility rule key or None); trips_before / trips_after (跑次 before and after the 最多跑一次
    reform); materials_before / materials_after (paper materials); reform_date (applications on or after
    it count as after the reform).
    """
    return run(con, "programs", normalise({"program_group": program_group}))


# ----------------------------------------------------------------------------- headline
@api_query("kpi_overview")
def kpi_overview(con, year: int, town=None, village=None, category=None, program=None,
                 program_group=None) -> pd.DataFrame:
    """Headline KPIs of a year, one row (queries/sql/api/kpi_overview.sql).

    Reads mart_spend_cube, mart_coverage, mart_processing, stg_programs, int_program_bits (pre-aggregated
    at load: about a thousand cells of the year instead of its payments). Columns:
    - year: the year asked for.
    - spend_yuan: sum of payment amounts whose period is in the year (METRICS.md spend).
    - person_times: 人次 = distinct (person, program) pairs paid for a period in the year.
    - persons_paid: distinct persons with at least one such payment.
    - payments: number of such payments (duplicates included).
    - programs_total: programs in the catalog (narrowed by program / program_group only).
    - programs_paid: programs with at least one payment in the year under all filters.
    - certified_population: persons of the year's certified population (持证, certificate valid and alive
      in at least one month of the year), under the person filters.
    - persons_covered: of those, persons with at least one payment in the year from the programs selected.
    - coverage: persons_covered / certified_population.
    - median_processing_days: continuous median of working days from application to first payment,
      over paid applications submitted in the year.
    - zero_trip_programs / zero_trip_share: programs needing no trip after the reform, and their share
      of programs_total; no_material_programs: programs needing no paper material after the reform.
    - persons_surveyed: persons of the certified population surveyed (survey_status surveyed) in the
      year's census; census_completion = persons_surveyed / certified_population (普查完成率).
    """
    return run(con, "kpi_overview", _filters(year, town, village, category, program, program_group))


@api_query("monthly_spend")
def monthly_spend(con, year: int, town=None, village=None, category=None, program=None,
                  program_group=None) -> pd.DataFrame:
    """Spend per month of a year, all 12 months, zeros included (queries/sql/api/monthly_spend.sql).

    Reads mart_spend_cube (pre-aggregated at load); one row per month. Columns: month (date, first
    day); spend_yuan (payments whose period is that month); persons_paid (distinct persons paid for
    that month); payments (number).
    Yearly programs count in the month their payment's period names. The 12 spend_yuan add up to
    kpi_overview.spend_yuan.
    """
    frame = run(con, "monthly_spend", _filters(year, town, village, category, program, program_group))
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


# ----------------------------------------------------------------------------- coverage
@api_query("coverage_by_category")
def coverage_by_category(con, year: int, town=None, category=None, village=None, program=None,
                         program_group=None) -> pd.DataFrame:
    """Coverage of the certified population per (category, grade) (queries/sql/api/coverage_by_category.sql).

    Reads mart_coverage (with each person-year's paid programs). One row per (category, grade) of the 7 categories
    × 4 grades (narrowed by `category`), zeros included, in the contract's category order. Columns:
    category; grade (1–4); certified_population (persons of the year's certified population);
    persons_paid (of those, persons with at least one payment for a period in the year, from the
    selected programs); coverage = persons_paid / certified_population (NaN when 0).
    """
    f = _filters(year, town, village, category, program, program_group)
    counts = run(con, "coverage_by_category", f)
    grid = pd.DataFrame(
        [(c, g) for c in CATEGORIES for g in (1, 2, 3, 4) if f.get("category") in (None, c)],
        columns=["category", "grade"],
    )
    keys = ["category", "grade"]
    extra = counts[~counts.set_index(keys).index.isin(grid.set_index(keys).index)]
    out = pd.concat([grid.merge(counts, how="left", on=keys), extra], ignore_index=True)
    counted = ["certified_population", "persons_paid"]
    out[counted] = out[counted].fillna(0).astype("int64")
    out["grade"] = out["grade"].astype("Int64")
    out["coverage"] = out["coverage"].astype("float64")       # the grid's zero rows: NaN
    return out[["category", "grade", "certified_population", "persons_paid", "coverage"]]


@api_query("coverage_by")
def coverage_by(con, year: int, by: str, town=None, village=None, category=None, program=None,
                program_group=None) -> pd.DataFrame:
    """Coverage of the certified population by one dimension (queries/sql/api/coverage_by.sql).

    Reads mart_coverage (with each person-year's paid programs). by ∈ town, village, sex, age_band (whole years on
    1 January: 0-6, 7-17, 18-59, 60+), hukou. One row per value present in the certified population,
    sorted by value. Columns: value; certified_population; persons_paid (persons with a payment for a
    period in the year from the selected programs); coverage = persons_paid / certified_population.
    """
    check_choice("by", by, COVERAGE_BY)
    f = _filters(year, town, village, category, program, program_group)
    return run(con, "coverage_by", f, by=COVERAGE_BY[by])


@api_query("coverage_people")
def coverage_people(con, year: int, covered: bool | None = None, *, town=None, village=None, category=None,
                    grade=None, sex=None, age_band=None, hukou=None, program=None, program_group=None) -> pd.DataFrame:
    """The persons behind a coverage count, masked (queries/sql/api/coverage_people.sql).

    Reads the table macro mart_coverage_of (mart_coverage, mart_person_program_years: the rows that
    coverage_by_category and coverage_by count). covered=True: the persons paid of the cell (as many as its
    persons_paid), False: those not yet covered (certified_population − persons_paid), None: both. The cell
    is any of the person filters town, village, category, grade (1–4), sex, age_band, hukou; program /
    program_group choose which payments count as covering, as in the counts. One row per person, sorted by
    town, village, category, grade, person_id. Columns: person_id; id_number_masked, name_masked
    (contract/masking.sql); town; village; category; grade; sex; age_band; hukou; valid_months (months of
    the year with a valid certificate, alive); covered; programs (the counted programs that paid the person
    in the year, '|'-separated program_ids; None when not covered); spend_yuan (their money, 0 when not).
    """
    if covered is not None and not isinstance(covered, bool):
        raise ValueError(f"covered={covered!r}: True (paid), False (not yet covered) or None (both)")
    if grade is not None:
        check_choice("grade", str(grade), GRADE)
        grade = GRADE[str(grade)]
    f = _filters(year, town, village, category, program, program_group)
    f |= dict(covered=covered, grade=grade, sex=sex, age_band=age_band, hukou=hukou)
    out = run(con, "coverage_people", f)
    out["grade"] = out["grade"].astype("Int64")
    return out


# ----------------------------------------------------------------------------- targeting
@api_query("targeting_errors")
def targeting_errors(con, year: int, town=None, village=None, category=None, program=None,
                     program_group=None) -> pd.DataFrame:
    """Targeting errors of monthly programs in person-months of a year (queries/sql/api/targeting_errors.sql).

    Reads mart_targeting. One row per monthly program whose rule key the rule seed knows (zeros
    included). Columns: program_id, name, name_en; eligible_person_months |E|; paid_person_months |R|
    (person-months with a payment of the program for that period); eligible_paid_person_months
    |E ∩ R|; excluded_person_months |E \\ R|; included_person_months |R \\ E|; exclusion_error =
    |E \\ R| / |E|; inclusion_error = |R \\ E| / |R| (NaN when the denominator is 0); eligible_persons /
    paid_persons: distinct persons in E / in R.
    """
    return run(con, "targeting_errors", _filters(year, town, village, category, program, program_group))


@api_query("priority_children")
def priority_children(con, year: int, town=None, village=None, category=None, program=None,
                      program_group=None) -> pd.DataFrame:
    """Early-intervention priority groups of a year (queries/sql/api/priority_children.sql).

    Reads mart_priority_children, mart_person_program_years. One row per group, always in this order:
    infant_motor (up to 5 months, motor risk, 肢体), under3_speech (under 3, suspected speech, 言语),
    under7_autism (under 7, autism, 精神), assessment_form (under 6, cerebral palsy with a 评定表).
    Columns: group; persons (children meeting the group's criteria in at least one month of the year,
    certificate or not); persons_paid (of those, children with a payment for a period in the year from
    a 康复 program — or from the programs named by `program` / `program_group` when given); spend_yuan
    (what those payments sum to).
    """
    f = _filters(year, town, village, category, program, program_group)
    counts = run(con, "priority_children", f).set_index("group")
    out = counts.reindex(list(PRIORITY_GROUPS)).rename_axis("group").reset_index()
    out[["persons", "persons_paid"]] = out[["persons", "persons_paid"]].fillna(0).astype("int64")
    out["spend_yuan"] = out["spend_yuan"].fillna(0.0).astype("float64")
    return out


@api_query("priority_children_people")
def priority_children_people(con, year: int, group: str | None = None, paid: bool | None = None, *, town=None,
                             village=None, category=None, program=None, program_group=None) -> pd.DataFrame:
    """The children behind a priority group's count, masked (queries/sql/api/priority_children_people.sql).

    Reads the table macro mart_priority_children_of (the rows priority_children counts). `group`: one of
    PRIORITY_GROUPS (None: every group); paid=True the group's persons_paid, False the rest, None all its
    persons; program / program_group choose the paying programs as in the counts (both None: 康复). One row
    per (group, child), sorted by group, town, village, person_id. Columns: person_id; id_number_masked,
    name_masked (contract/masking.sql); town; village; category; grade; priority_group; cert_status;
    months_in_group (months of the year meeting the group's criteria); paid; programs (the paying programs,
    '|'-separated program_ids; None when not paid); spend_yuan (their money, 0 when not paid).
    """
    if group is not None:
        check_choice("group", group, PRIORITY_GROUPS)
    if paid is not None and not isinstance(paid, bool):
        raise ValueError(f"paid={paid!r}: True (paid), False (not yet paid) or None (both)")
    f = _filters(year, town, village, category, program, program_group) | dict(priority_group=group, paid=paid)
    out = run(con, "priority_children_people", f)
    out["grade"] = out["grade"].astype("Int64")
    return out


# ----------------------------------------------------------------------------- spend
@api_query("spend_by_program")
def spend_by_program(con, year: int, town=None, village=None, category=None, program=None,
                     program_group=None) -> pd.DataFrame:
    """Spend per program in a year (queries/sql/api/spend_by_program.sql).

    Reads mart_person_program_years, stg_programs, stg_program_tiers. One row per program of the
    catalog (narrowed by program / program_group), zero rows included, ordered by program_id. Columns:
    program_id, name, name_en, program_group, cycle; spend_yuan (payments whose period is in the year);
    persons (distinct persons paid); person_times (人次: distinct (person, program) pairs — equal to
    persons within one program, and adding up to kpi_overview's person_times); payments;
    avg_per_person = spend_yuan / persons; tiers (number of tiers in program_tiers); cap_use = spend /
    cap of the persons whose tier is known, where a person's tier is the highest tier of their payments
    in the year and the cap is the tier amount for annual/per-claim programs and tier amount × paid
    months for monthly programs (NaN when no tier is known).
    """
    out = run(con, "spend_by_program", _filters(year, town, village, category, program, program_group))
    out["avg_per_person"] = out["avg_per_person"].astype("float64")
    out["cap_use"] = out["cap_use"].astype("float64")
    return out


@api_query("paid_people")
def paid_people(con, year: int, town=None, village=None, category=None, program=None,
                program_group=None) -> pd.DataFrame:
    """The persons paid in a year by the chosen programs, masked (queries/sql/api/paid_people.sql).

    Reads mart_person_program_years (the rows kpi_overview's persons_paid and spend_by_program's persons
    count) and stg_persons. One row per person with a payment whose period is in the year from the
    programs chosen (program / program_group; None = every program) within the person filters town,
    village, category: as many rows as that persons_paid, certified or not. Sorted by town, village,
    category, grade, person_id. Columns: person_id; id_number_masked, name_masked (contract/masking.sql);
    town; village; category; grade; programs (the chosen programs that paid the person, '|'-separated
    program_ids); payments; spend_yuan (their money for periods in the year).
    """
    out = run(con, "paid_people", _filters(year, town, village, category, program, program_group))
    out["grade"] = out["grade"].astype("Int64")
    return out


@api_query("spend_by_tier")
def spend_by_tier(con, year: int, town=None, village=None, category=None, program=None,
                  program_group=None) -> pd.DataFrame:
    """Spend per (program, tier) in a year (queries/sql/api/spend_by_tier.sql).

    Reads mart_person_tier_years, stg_program_tiers. One row per tier of program_tiers for the selected
    programs (zeros included), plus one row per (program, tier) found on payments but missing from
    program_tiers (tier NaN for untiered payments, amount NaN) so that spend adds up to
    spend_by_program. Columns: program_id; tier; amount (monthly standard or yearly cap); condition;
    persons (distinct persons paid at that tier); spend_yuan; cap_use = spend / (sum over persons of
    the cap: amount for annual/per-claim programs, amount × the person's paid months at that tier for
    monthly programs); persons_at_cap (persons whose spend at the tier reached their cap).
    """
    out = run(con, "spend_by_tier", _filters(year, town, village, category, program, program_group))
    out["tier"] = out["tier"].astype("Int64")
    out["cap_use"] = out["cap_use"].astype("float64")
    return out


@api_query("benefit_incidence")
def benefit_incidence(con, year: int, by: str, town=None, village=None, category=None, program=None,
                      program_group=None) -> pd.DataFrame:
    """Benefit incidence: who the money went to, by one dimension (queries/sql/api/benefit_incidence.sql).

    Reads mart_person_program_years. by ∈ category, grade, town, sex, age_band (whole years on 1
    January). One row per value among the persons paid (NULL value = unknown, e.g. category of an
    uncertified child), sorted by value. Columns: value; spend_yuan (payments whose period is in the
    year); share = spend_yuan / all spend under the same filters (NaN when that is 0); persons
    (distinct persons paid).
    """
    check_choice("by", by, INCIDENCE_BY)
    f = _filters(year, town, village, category, program, program_group)
    return run(con, "benefit_incidence", f, by=INCIDENCE_BY[by])


# ----------------------------------------------------------------------------- processing
@api_query("processing_times_by_program", "processing_times_by_route")
def processing_times(con, year: int | None = None, by: str = "program", town=None, village=None,
                     category=None, program=None, program_group=None) -> pd.DataFrame:
    """Working days from application to first payment (queries/sql/api/processing_times_by_program.sql).

    by="route" runs queries/sql/api/processing_times_by_route.sql. Reads mart_processing, stg_programs.
    Working days d with submitted_date < d <= first_paid_date on the official calendar (调休 included);
    medians are continuous (mean of the two middle values for an even count). `year` = submission year
    (None = all years).

    by="program": one row per program of the catalog (zeros included): program_id, name, name_en,
    reform_date; applications_before / applications_after (paid applications submitted before / on or
    after reform_date; a program without reform_date has only "before"); median_days_before /
    median_days_after; working_days_saved = median_days_before − median_days_after; trips_before,
    trips_after, materials_before, materials_after (the catalog's values).

    by="route": one row per payment route of the application's first payment (direct = straight to
    the bank account, via_town = district document then town re-issue; NULL when no payment names the
    application): route, applications, median_days, mean_days.
    """
    check_choice("by", by, PROCESSING_BY)
    f = _filters(year, town, village, category, program, program_group)
    if by == "route":
        return run(con, "processing_times_by_route", f)
    out = run(con, "processing_times_by_program", f)
    for col in ("median_days_before", "median_days_after", "working_days_saved"):
        out[col] = out[col].astype("float64")
    return out


@api_query("application_durations")
def application_durations(con, year: int | None = None, town=None, village=None, category=None,
                          program=None, program_group=None) -> pd.DataFrame:
    """One row per paid application, by submitted_date, application_id (queries/sql/api/application_durations.sql).

    Reads mart_processing. Columns: application_id; program_id; period ('before' / 'after' the
    program's reform_date); route (of the first payment); submitted_date; first_paid_date;
    working_days (d with submitted_date < d <= first_paid_date, official calendar); trips; materials
    (as recorded). `year` = submission year (None = all).
    """
    return run(con, "application_durations", _filters(year, town, village, category, program, program_group))


@api_query("duration_stats")
def duration_stats(con, year: int | None = None, town=None, village=None, category=None, program=None,
                   program_group=None) -> pd.DataFrame:
    """Box statistics of working days per (period, route) (queries/sql/api/duration_stats.sql).

    Reads mart_processing: the rows of application_durations under the same filters that have
    working days, period before / after. One row per (period, route) with applications — before then
    after, via_town then direct; when no application names a route, one box per period with route
    None — then one '_all' row per period. Columns: period; route; n (applications); q1, median, q3
    (continuous quantiles: numpy's linear percentile); lowerfence / upperfence (the smallest value
    >= q1 − 1.5 × IQR, the largest <= q3 + 1.5 × IQR); mean. The '_all' rows carry only n and median
    (of every application of the period, any route). The numbers of
    publish.figures.summarize_durations(application_durations(…)), computed in the database so that a
    large district's millions of rows never leave it.
    """
    return run(con, "duration_stats", _filters(year, town, village, category, program, program_group))


@api_query("reform_savings")
def reform_savings(con, year: int, town=None, village=None, category=None, program=None,
                   program_group=None) -> pd.DataFrame:
    """What the 最多跑一次 reform saved in a year, one row (queries/sql/api/reform_savings.sql).

    Reads mart_processing, stg_programs. Columns: applications (paid applications submitted in the
    year on or after their program's reform_date); working_days_saved_total (sum over those
    applications of their program's working_days_saved, the before/after medians taken over all years
    under the same person filters); trips_saved_total (sum of the program's trips_before − the
    application's recorded trips, or the program's trips_after when not recorded);
    materials_saved_total (likewise for materials).
    """
    return run(con, "reform_savings", _filters(year, town, village, category, program, program_group))


# ----------------------------------------------------------------------------- gaps
def gap_catalog() -> pd.DataFrame:
    """The gap seed (queries/seeds/gap_keys.csv), no connection needed: one row per METRICS.md gap key.

    Rows in sort_order. Columns: gap; sort_order (1–21); case_kind (payment / person_program /
    person: what one gap_people row is); label_zh; label_en; definition (English); definition_zh.
    The one source of every gap's words: the views' details, the pages, the pack and the notebooks.
    """
    return pd.DataFrame(list(_gap_rows()), columns=list(GAP_CATALOG_COLUMNS))


@api_query("census_gaps")
def census_gaps(con, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """Gap summary of a year, one row per METRICS.md gap key (queries/sql/api/census_gaps.sql).

    Reads mart_gap_cases and the seed gap_keys. Always the seed's 21 keys in its order, zeros
    included. Columns: gap; persons (distinct persons); cases (gap_people rows: payments for the
    payment gaps, (person, program) for eligible_unpaid / late_start / rehab_over_cap, runs of missed
    months for medication_missed, persons otherwise — except duplicate_id_number, where cases = the
    number of id_numbers held by more than one person_id and persons = the persons holding them); months
    (eligible months unpaid for eligible_unpaid, months missed for late_start and medication_missed, NaN
    for gaps without a month measure); amount_yuan (money of the payments for the payment gaps — for
    duplicate_payment only the payments beyond the first; for wrong_living_amount / wrong_nursing_tier
    the net of paid − due, positive = overpaid; for rehab_over_cap the money above the caps — NaN for
    gaps without money). duplicate_id_number is not yearly and shows in every year.
    """
    return run(con, "census_gaps", normalise(dict(year=year, town=town, village=village, category=category)))


@api_query("census_gaps_by_area")
def census_gaps_by_area(con, year: int, level: str = "town", town=None, gap: str | None = None,
                        category=None, village=None) -> pd.DataFrame:
    """Gap counts per area, one row per (gap, area) with a case (queries/sql/api/census_gaps_by_area.sql).

    Reads mart_gap_cases and the seed gap_keys. level ∈ town, village (the person's current area);
    `town`, `village`, `category` narrow to the persons with those current values (as census_gaps and
    gap_people); `gap` to one key. Columns as census_gaps: gap, area, persons, cases, months,
    amount_yuan — the counts of gap_people's rows grouped by area. Sorted by gap order, area.
    """
    check_choice("level", level, AREA_LEVELS)
    if gap is not None:
        check_choice("gap", gap, GAP_KEYS)
    f = normalise(dict(year=year, town=town, village=village, category=category, gap=gap))
    return run(con, "census_gaps_by_area", f, area=AREA_LEVELS[level])


@api_query("gap_people")
def gap_people(con, gap: str, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """The cases behind one gap of a year, masked (queries/sql/api/gap_people.sql).

    Reads mart_gap_cases. One row per case: a payment for the payment gaps (queries.PAYMENT_GAPS); a
    (person, program) for eligible_unpaid / late_start / rehab_over_cap; a run of missed months for
    medication_missed; a person otherwise (for duplicate_id_number one row per person sharing a
    number). Columns: person_id; id_number_masked and name_masked (contract/masking.sql); town;
    village; category; grade; gap;
    program_id; payment_id; detail (why, in English words); detail_zh (the same in Chinese, naming the
    gap by its seed label, e.g. '2020-04 死亡后发放 困难残疾人生活补贴 305 元'); since (the date the
    condition started); months (eligible_unpaid: eligible months unpaid; late_start: months missed;
    medication_missed: the length of the run); amount_yuan (payment gaps: the payment, or paid − due for
    wrong_living_amount / wrong_nursing_tier; rehab_over_cap: the money above the cap). Sorted by
    town, village, person_id, program_id, payment_id.
    """
    check_choice("gap", gap, GAP_KEYS)
    f = normalise(dict(year=year, town=town, village=village, category=category, gap=gap))
    return run(con, "gap_people", f)


@api_query("gap_definitions")
def gap_definitions(con) -> pd.DataFrame:
    """The gap keys with their labels and definitions, for help text (queries/sql/api/gap_definitions.sql).

    Reads the seed table gap_keys as installed in the database (gap_catalog() reads the same seed
    without a connection). One row per METRICS.md gap key in METRICS.md order. Columns: gap;
    sort_order (1–21); label_zh; label_en; definition (English); definition_zh (Chinese).
    """
    return run(con, "gap_definitions")


# ----------------------------------------------------------------------------- medication
@api_query("medication_adherence")
def medication_adherence(con, year: int, town=None, village=None) -> pd.DataFrame:
    """Psychiatric medication monitoring (应服未服) per month of a year (queries/sql/api/medication_adherence.sql).

    Reads mart_medication_months. One row per month, all 12 (zeros included; all zeros when the
    optional medication table is empty). Columns: month (date, first day); prescribed_persons (persons
    who should take medication that month, 应服, alive and not moved out on day 1 of the month);
    dispensed_persons (of those, persons who collected it, 已取药); missed_persons (of those, persons who
    did not: 应服未服); missed_share = missed_persons / prescribed_persons (NaN when nobody was
    prescribed). town / village: the person's current area.
    """
    out = run(con, "medication_adherence", normalise(dict(year=year, town=town, village=village)))
    out["month"] = pd.to_datetime(out["month"]).dt.date
    for col in ("prescribed_persons", "dispensed_persons", "missed_persons"):
        out[col] = out[col].astype("int64")
    out["missed_share"] = out["missed_share"].astype("float64")
    return out


@api_query("adequacy")
def adequacy(con, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """保障水平 of the monthly programs: paid per person-month / 低保 standard (queries/sql/api/adequacy.sql).

    Money paid per person-month of each monthly program as a share of the year's 低保 standard. Reads
    mart_person_program_years and stg_parameters. One row per monthly program (zero rows included).
    Columns: program_id; persons (paid in the year); person_months (paid period months); spend_yuan;
    monthly_yuan (spend_yuan / person_months); dibao_standard (the year's, yuan a month); adequacy
    (monthly_yuan / dibao_standard; the living subsidy's rule makes it 0.30; NaN when nobody was paid).
    """
    out = run(con, "adequacy", normalise(dict(year=year, town=town, village=village, category=category)))
    for col in ("persons", "person_months"):
        out[col] = out[col].astype("int64")
    return out


# ----------------------------------------------------------------------------- the month's check (每月核查)
CHECKS = ("stop", "start", "retier")


@api_query("check_months")
def check_months(con) -> list:
    """The months the month's check can be run for, ascending (queries/sql/api/check_months.sql).

    The last is the check's default. Reads int_months (every month of the data range). Values:
    datetime.date, each a month's first day.
    """
    return [pd.Timestamp(m).date() for m in values(con, "check_months")]


def _month(month) -> dt.date:
    """A month as its first day: a date, a 'YYYY-MM' text or a Timestamp; ValueError otherwise."""
    if isinstance(month, str):
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", month.strip()):
            raise ValueError(f"month must be a date or 'YYYY-MM', not {month!r}")
        month = month.strip()[:7] + "-01"
    try:
        ts = pd.Timestamp(month)
    except (ValueError, TypeError):
        raise ValueError(f"month must be a date or 'YYYY-MM', not {month!r}") from None
    if pd.isna(ts):
        raise ValueError(f"month must be a date or 'YYYY-MM', not {month!r}")
    return dt.date(ts.year, ts.month, 1)


@api_query("month_check")
def month_check(con, month, check: str | None = None, town=None, village=None, category=None) -> pd.DataFrame:
    """The cases the month's check lists for `month`, masked (queries/sql/api/month_check.sql).

    Reads mart_month_check and mart_worklist. The seed's monthly control for the monthly programs with
    a rule (living and nursing subsidy); METRICS.md's month rule (state on day 1; an event in M counts
    from M+1). check: 'stop' (on the payroll in M or M−1, state no longer allows it from M: reason
    death / moved_out / cert_revoked / no_certificate / household / outside_rule), 'start' (eligible in
    M, not paid for M; months = months waited up to M) or 'retier' (paid for M at another amount or tier
    than the rule gives; reason amount / tier; amount_yuan = paid − expected). One row per case: case_key
    (check:program:person:run start 'YYYY-MM', the same after every load); person_id; id_number_masked;
    name_masked; town; village; category; grade; program_id; run_start; months; since (the event's date
    where the data has it); amount_yuan (the month's money: stop paid for M, start owed for M, retier the
    difference); follow_up (a worklist case; False for a stop the payroll made in time); case_months and
    case_amount_yuan (the whole case). Sorted by check, town, village, person_id.
    """
    if check is not None:
        check_choice("check", check, CHECKS)
    f = normalise(dict(month=_month(month), check=check, town=town, village=village, category=category))
    return run(con, "month_check", f)


@api_query("month_check_summary")
def month_check_summary(con, month, town=None, village=None, category=None) -> pd.DataFrame:
    """Counts of the month's check for `month` by check and reason (queries/sql/api/month_check_summary.sql).

    Reads mart_month_check. One row per (check, reason) with a case (none: no row). Columns: check;
    reason; cases; persons; paid_cases (cases paid for the month); amount_yuan (the month's money, as
    month_check). Ordered stop, start, retier.
    """
    f = normalise(dict(month=_month(month), town=town, village=village, category=category))
    out = run(con, "month_check_summary", f)
    for col in ("cases", "persons", "paid_cases"):
        out[col] = out[col].astype("int64")
    return out


@api_query("worklist")
def worklist(con, town=None, village=None, category=None, item: str | None = None,
             year: int | None = None) -> pd.DataFrame:
    """Every follow-up case the data shows, masked (queries/sql/api/worklist.sql).

    Reads mart_worklist: the stop, start and retier cases of the month's check that need a caseworker,
    and the gap cases they do not cover (duplicate_payment, the tier and cap checks, medication_missed,
    the payment gaps of yearly programs). One row per case: case_key (stable across loads: the key the
    operational database's follow-up is kept under); check ('stop' / 'start' / 'retier' or the gap key);
    reason; item (check:reason, or the gap key); person_id; id_number_masked; name_masked; town; village;
    category; grade; program_id; payment_id; month (the run's first month, or the gap case's); year;
    since; first_listed / last_listed (months listed by the month's check); listed_last (listed in the
    data's last month); months; amount_yuan (stop: paid in the ineligible months; start: owed where the
    rule states the amount; retier: paid − expected; a gap case: its amount).
    """
    f = normalise(dict(town=town, village=village, category=category, item=item, year=year))
    out = run(con, "worklist", f)
    for col in ("month", "since", "first_listed", "last_listed"):
        out[col] = pd.to_datetime(out[col]).dt.date
    return out


@api_query("medication_by_area")
def medication_by_area(con, year: int, level: str = "town", town=None, village=None) -> pd.DataFrame:
    """应服未服 of a year by town or village (queries/sql/api/medication_by_area.sql).

    Reads mart_medication_months. level ∈ town, village (the person's current area). One row per area
    with a prescribed patient: area; prescribed_persons; prescribed_months (person-months); missed_months;
    missed_share = missed_months / prescribed_months; missed_persons (missed at least one month).
    Sorted by missed_share, highest first.
    """
    check_choice("level", level, AREA_LEVELS)
    out = run(con, "medication_by_area", normalise(dict(year=year, town=town, village=village)),
              area=AREA_LEVELS[level])
    for col in ("prescribed_persons", "prescribed_months", "missed_months", "missed_persons"):
        out[col] = out[col].astype("int64")
    return out


# ----------------------------------------------------------------------------- data quality
@api_query("load_summary")
def load_summary(con) -> pd.DataFrame:
    """The loader's bookkeeping, one row per loaded file (queries/sql/api/load_summary.sql).

    Reads the table load_files. Columns: file, table_name, rows_read, rows_loaded, rows_rejected,
    source_dir, file_format, encoding, loaded_at. Empty when the database was not built by the loader.
    """
    if not exists(con, "load_files"):
        return pd.DataFrame(columns=["file", "table_name", "rows_read", "rows_loaded", "rows_rejected",
                                     "source_dir", "file_format", "encoding", "loaded_at"])
    return run(con, "load_summary")


@api_query("rejects_summary")
def rejects_summary(con) -> pd.DataFrame:
    """Rejected rows counted per (file, column_name, rule) (queries/sql/api/rejects_summary.sql).

    Reads the tables rejects and reject_rules (the rule's words, written by the same load). Columns:
    file, column_name, rule, label_zh, label_en, rows; most rows first. Empty when nothing was rejected.
    """
    if not exists(con, "rejects"):
        return pd.DataFrame(columns=["file", "column_name", "rule", "label_zh", "label_en", "rows"])
    return run(con, "rejects_summary")


@api_query("rejects")
def rejects(con, file: str | None = None) -> pd.DataFrame:
    """Rejected rows, one row per broken rule, optionally of one file (queries/sql/api/rejects.sql).

    Reads the tables rejects and reject_rules. Columns: file, row_number (1-based line as seen in the
    file, header = 1), column_name, rule, label_zh / label_en (the rule in words), value (the offending
    cell, masked by the loader unless its column holds no personal data), reason_zh / reason_en,
    raw_row (JSON, id_number and name masked). Sorted by file, row_number, rule, column_name.
    """
    if not exists(con, "rejects"):
        return pd.DataFrame(columns=["file", "row_number", "column_name", "rule", "label_zh", "label_en",
                                     "value", "reason_zh", "reason_en", "raw_row"])
    return run(con, "rejects", normalise(dict(file=file)))


@api_query("load_comparison")
def load_comparison(con) -> pd.DataFrame:
    """Rows per table before and after the last load (queries/sql/api/load_comparison.sql).

    Reads the table load_comparison, written by the loader when the load replaced a database.
    Columns: table_name, rows_before, rows_after, change (after - before), change_share (change /
    before, NaN when before is 0), shrunk (fewer than half of the rows remain: the load was forced).
    One row per contract table in load order; empty when the load replaced no database, or when the
    database was built before the loader kept the comparison.
    """
    if not exists(con, "load_comparison"):
        return pd.DataFrame(columns=["table_name", "rows_before", "rows_after", "change", "change_share", "shrunk"])
    return run(con, "load_comparison")


@api_query("personal_text")
def personal_text(con) -> pd.DataFrame:
    """Published loaded text holding personal shapes (queries/sql/api/personal_text.sql).

    Columns: table_name, column_name, rows (rows whose value holds an ID-number, phone or bank-card
    shape: a phone typed into a village name). One row per such column; empty when there is none.
    The public edition masks those shapes (publish.charts.public_text); the quality page names them.
    """
    return run(con, "personal_text")


@api_query("load_info")
def load_info(con) -> pd.DataFrame:
    """What the loader recorded about this load (queries/sql/api/load_info.sql).

    Reads the table load_info. Columns: key, value (text) — source, loaded_at, the demo generator's
    seed and size, the data date. Empty when the database was not built by the loader.
    """
    if not exists(con, "load_info"):
        return pd.DataFrame(columns=["key", "value"])
    return run(con, "load_info")


def is_demo(con) -> bool:
    """True when the database holds the simulated demo district: `python -m subsidy build --demo` records
    demo = true in load_info (the demo accounts sign in on such a database only)."""
    info = load_info(con)
    return dict(zip(info["key"], info["value"])).get("demo") == "true"


# ----------------------------------------------------------------------------- policy simulation (政策测算)
RULE_SEED = SEED_DIR / "eligibility_rules.csv"
POLICY_BY = {"program": ["program_id"], "town": ["program_id", "town"], "village": ["program_id", "town", "village"],
             "category": ["program_id", "category"], "cell": ["program_id", "town", "village", "category"]}
POLICY_COUNTS = ("persons_eligible_current", "persons_eligible_simulated", "persons_paid_current",
                 "persons_paid_simulated", "person_months_eligible_current", "person_months_eligible_simulated",
                 "person_months_paid_current", "person_months_paid_simulated", "cost_current", "cost_simulated",
                 "actual_spend")
HOUSEHOLDS = ("dibao_or_dibian", "dibao", "dibian")


@functools.lru_cache(maxsize=1)
def rule_seed() -> pd.DataFrame:
    """The eligibility rule seed (queries/seeds/eligibility_rules.csv) as it stands, without a connection:
    one row per (rule, branch), the starting point of a policy simulation's changed row."""
    return pd.read_csv(RULE_SEED, dtype=str, keep_default_na=False)


def _policy_change(rule: str, branch: str | None, change: dict) -> dict:
    """The changed row's bound values, checked: a known rule key, known codes, sane numbers."""
    seed = rule_seed()
    check_choice("rule", rule, tuple(dict.fromkeys(seed["rule"])))
    if branch is None and any(v is not None for v in change.values()):
        raise ValueError("a changed rule row needs its branch (an existing branch of the seed, or a new name)")
    out = dict(change)
    if out["categories"] is not None:
        names = [CATEGORY.get(str(c).strip(), str(c).strip()) for c in str(out["categories"]).split("|") if c.strip()]
        for name in names:
            check_choice("categories", name, CATEGORIES)
        out["categories"] = "|".join(names)
    if out["cert_statuses"] is not None:
        for status in str(out["cert_statuses"]).split("|"):
            check_choice("cert_statuses", status, CERT_STATUS)
    if out["requires_household"] not in (None, ""):
        check_choice("requires_household", out["requires_household"], HOUSEHOLDS)
    for key in ("grade_max", "grade_equals"):
        if out[key] is not None and not 1 <= int(out[key]) <= 4:
            raise ValueError(f"{key}={out[key]!r} is not a grade 1–4")
    if out["share"] is not None and not 0 < float(out["share"]) <= 1:
        raise ValueError(f"share={out['share']!r} must be a fraction of the 低保 standard in (0, 1]")
    return out


def _policy_params(year, rule, branch, change: dict, dibao_standard, amount, town, village, category) -> dict:
    """The bound values of a policy simulation: the changed row checked (_policy_change), the filters."""
    params = normalise(dict(year=year, town=town, village=village, category=category))
    return params | _policy_change(rule, branch, change) | dict(rule=rule, branch=branch,
                                                                  dibao_standard=dibao_standard, amount=amount)


@api_query("policy_simulation")
def policy_simulation(con, year: int, rule: str, branch: str | None = None, *, share: float | None = None,
                      categories: str | None = None, grade_max: int | None = None, grade_equals: int | None = None,
                      min_age_months: int | None = None, max_age_months: int | None = None,
                      cert_statuses: str | None = None, requires_household: str | None = None,
                      dibao_standard: float | None = None, amount: float | None = None, by: str = "town",
                      town=None, village=None, category=None) -> pd.DataFrame:
    """政策测算: a rule of the seed changed, costed for a year (queries/sql/api/policy_simulation.sql).

    Reads int_rule_branch_years (each branch's months per person as a 12-bit mask: the seed's month-by-month
    SQL), the table macros int_eligibility_rules_of (the seed with one row changed or added) and
    int_rule_months_of (that row evaluated again when its conditions changed), int_rule_paid_years (the
    payments per person and month), stg_persons.
    The changed row is (rule, branch) of queries/seeds/eligibility_rules.csv (`rule_seed()`): the keyword
    arguments given replace that row's columns (share = amount_share_of_dibao, categories '|'-separated
    names or codes, '' clears a condition); a branch the seed does not have is added as a new OR-branch.
    dibao_standard replaces the year's 低保 standard; amount is the monthly amount of a newly eligible
    person-month for a rule without a share (e.g. the nursing tier of grade 3 肢体). Values are bound.

    Take-up as today (stated with every result): months paid today stay paid, months eligible under both
    rules and unpaid stay unpaid, months eligible only under the simulated rule are paid at the program's
    take-up rate today (eligible paid / eligible person-months, persons likewise, whole district).

    One row per program of the rule key and `by` value (by ∈ program, town, village, category, cell =
    town × village × category), ordered. Columns: program_id, name, name_en, the by columns;
    persons_eligible_current / _simulated; persons_paid_current / persons_paid_simulated (expected);
    person_months_eligible_*; person_months_paid_current / _simulated (expected); cost_current (the rule
    as it stands: paid eligible months × the rule's amount); cost_simulated; change = simulated −
    current; actual_spend (METRICS.md spend of the programs in the cell); change_vs_actual = simulated −
    actual_spend; takeup_months, takeup_persons (the district rates used).
    """
    check_choice("by", by, POLICY_BY)
    params = _policy_params(year, rule, branch, dict(
        share=share, categories=categories, grade_max=grade_max, grade_equals=grade_equals,
        min_age_months=min_age_months, max_age_months=max_age_months, cert_statuses=cert_statuses,
        requires_household=requires_household), dibao_standard, amount, town, village, category)
    frame = run(con, "policy_simulation", params)
    keys = POLICY_BY[by]
    rates = frame.groupby("program_id")[["takeup_months", "takeup_persons"]].first()
    out = frame.groupby(keys, dropna=False, as_index=False)[list(POLICY_COUNTS)].sum()
    out = out.merge(rates, left_on="program_id", right_index=True, how="left")
    catalog = programs(con)[["program_id", "name", "name_en"]]
    out = catalog.merge(out, on="program_id", how="right")
    out["change"] = out["cost_simulated"] - out["cost_current"]
    out["change_vs_actual"] = out["cost_simulated"] - out["actual_spend"]
    columns = ["program_id", "name", "name_en", *keys[1:], *POLICY_COUNTS[:-1], "change", "actual_spend",
               "change_vs_actual", "takeup_months", "takeup_persons"]
    return out[columns].sort_values(keys, ignore_index=True)


POLICY_OUTCOMES = ("gained", "lost", "kept", "outside")


@api_query("policy_simulation_people")
def policy_simulation_people(con, year: int, rule: str, branch: str | None = None, outcome: str | None = None, *,
                             share: float | None = None, categories: str | None = None, grade_max: int | None = None,
                             grade_equals: int | None = None, min_age_months: int | None = None,
                             max_age_months: int | None = None, cert_statuses: str | None = None,
                             requires_household: str | None = None, dibao_standard: float | None = None,
                             amount: float | None = None, town=None, village=None, category=None) -> pd.DataFrame:
    """The persons behind a policy simulation, masked (queries/sql/api/policy_simulation_people.sql).

    Reads the table macro mart_policy_simulation_of (the rows policy_simulation sums) and stg_persons. Takes
    policy_simulation's change (rule, branch and the keyword arguments, checked and bound the same way) and
    person filters; outcome ∈ POLICY_OUTCOMES narrows the list: gained (eligible only under the simulated
    rule), lost (only under the rule as it stands), kept (under both), outside (under neither, paid today);
    None: all. One row per (program of the rule key, person), sorted by program_id, outcome, town, village,
    person_id. Per (program, town) the rows with months_eligible_current > 0 are policy_simulation's
    persons_eligible_current, with months_eligible_simulated > 0 its persons_eligible_simulated, with
    months_paid_current > 0 its persons_paid_current; expected_paid sums to persons_paid_simulated and the
    money columns to its costs. Columns: person_id; id_number_masked, name_masked (contract/masking.sql);
    town; village; category; grade; program_id; outcome; months_eligible_current / _simulated;
    months_paid_current; months_paid_simulated (expected: kept paid months + the take-up rate × the newly
    eligible unpaid months); expected_paid (1 paid as simulated, the district's take-up rate of persons for
    a gained person not paid today, 0 otherwise); cost_current; cost_simulated (expected); actual_spend.
    """
    if outcome is not None:
        check_choice("outcome", outcome, POLICY_OUTCOMES)
    params = _policy_params(year, rule, branch, dict(
        share=share, categories=categories, grade_max=grade_max, grade_equals=grade_equals,
        min_age_months=min_age_months, max_age_months=max_age_months, cert_statuses=cert_statuses,
        requires_household=requires_household), dibao_standard, amount, town, village, category)
    out = run(con, "policy_simulation_people", params | dict(outcome=outcome))
    out["grade"] = out["grade"].astype("Int64")
    return out


@api_query("program_tiers")
def program_tiers(con, program: str | None = None) -> pd.DataFrame:
    """The tier catalogue (queries/sql/api/program_tiers.sql): one row per (program, tier) of program_tiers.

    Columns: program_id, name, name_en, cycle (monthly / annual / per_claim), tier, amount (the monthly
    standard of a monthly program, the yearly cap otherwise), condition. Ordered by program_id, tier.
    """
    out = run(con, "program_tiers", {"program": program})
    out["tier"] = out["tier"].astype("int64")
    return out


TIER_COUNTS = ("persons_paid_current", "persons_paid_simulated", "person_months_paid_current",
               "person_months_paid_simulated", "cost_current", "cost_simulated", "actual_spend",
               "persons_at_cap_current")


@api_query("tier_simulation")
def tier_simulation(con, year: int, program: str, tier: int, amount: float, *, by: str = "town", town=None,
                    village=None, category=None) -> pd.DataFrame:
    """政策测算, a tier amount changed (queries/sql/api/tier_simulation.sql): tier `tier` of `program` pays
    `amount` (the monthly standard of a monthly program, the yearly cap of an annual / per-claim one)
    instead of program_tiers.amount, costed for `year` with take-up as today.

    Reads mart_person_tier_years (the tier recorded on the payments), stg_program_tiers, stg_programs.
    Monthly: cost = person-months paid at the tier × the amount. Annual / per-claim: claims as today,
    capped: cost = Σ persons least(their payments at the tier in the year, the cap). A person is paid
    under the simulation when their simulated money is above zero. ValueError for a program or tier not
    in program_tiers, or a negative or non-numeric amount; values are bound.

    One row per `by` value (program, town, village, category, cell as in policy_simulation). Columns:
    program_id, name, name_en, tier, cycle, the by columns; persons_paid_current / _simulated;
    person_months_paid_current / _simulated; cost_current (today's amount); cost_simulated; change;
    actual_spend (METRICS.md spend at the tier); change_vs_actual; persons_at_cap_current (annual /
    per-claim: persons whose claims reached today's cap); amount_current; amount_simulated.
    """
    check_choice("by", by, POLICY_BY)
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise ValueError(f"amount={amount!r} is not a number of yuan") from None
    if not amount >= 0:   # also refuses NaN
        raise ValueError(f"amount={amount!r} must be zero or more yuan")
    catalog = program_tiers(con)
    check_choice("program", program, tuple(dict.fromkeys(catalog["program_id"])))
    own = catalog[catalog["program_id"] == program]
    try:
        tier = int(tier)
    except (TypeError, ValueError):
        raise ValueError(f"tier={tier!r} is not a tier number of {program}") from None
    check_choice("tier", tier, tuple(int(t) for t in own["tier"]))
    params = normalise(dict(year=year, town=town, village=village, category=category))
    params |= dict(program=program, tier=tier, amount=amount)
    frame = run(con, "tier_simulation", params)
    keys = POLICY_BY[by]
    out = frame.groupby(keys, dropna=False, as_index=False)[list(TIER_COUNTS)].sum()
    row = own[own["tier"] == tier].iloc[0]
    out = out.assign(name=row["name"], name_en=row["name_en"], tier=tier, cycle=row["cycle"],
                     amount_current=float(row["amount"]), amount_simulated=amount)
    out["change"] = out["cost_simulated"] - out["cost_current"]
    out["change_vs_actual"] = out["cost_simulated"] - out["actual_spend"]
    columns = ["program_id", "name", "name_en", "tier", "cycle", *keys[1:], *TIER_COUNTS[:6], "change",
               "actual_spend", "change_vs_actual", "persons_at_cap_current", "amount_current", "amount_simulated"]
    return out[columns].sort_values(keys, ignore_index=True)


# ----------------------------------------------------------------------------- trends over every year
@api_query("kpi_overview", "years")
def kpi_trends(con, town=None, village=None, category=None, program=None, program_group=None) -> pd.DataFrame:
    """Headline KPIs of every year of the data, once per year (queries/sql/api/kpi_overview.sql).

    The year list is queries/sql/api/years.sql; each row is exactly `kpi_overview(con, year, **filters)`
    (the one definition of spend, 人次, coverage and the median processing days), so a trend point and
    the year's tile never disagree. Columns: those of kpi_overview, ascending by year.
    """
    f = _filters(None, town, village, category, program, program_group)
    rows = [run(con, "kpi_overview", f | {"year": int(y)}) for y in values(con, "years")]
    if not rows:
        return run(con, "kpi_overview", f | {"year": 0}).iloc[0:0]
    return pd.concat(rows, ignore_index=True)


@api_query("census_gaps", "years")
def gap_trends(con, town=None, village=None, category=None) -> pd.DataFrame:
    """Every census gap of every year, one row per (year, gap key) (queries/sql/api/census_gaps.sql).

    Each year's rows are exactly `census_gaps(con, year, **filters)` (the seed's 21 gap keys, zeros
    included); years from queries/sql/api/years.sql. Columns: year, gap, persons, cases, months, amount_yuan.
    """
    f = normalise(dict(town=town, village=village, category=category))
    rows = [run(con, "census_gaps", f | {"year": int(y)}).assign(year=int(y)) for y in values(con, "years")]
    if not rows:
        return pd.DataFrame(columns=["year", "gap", "persons", "cases", "months", "amount_yuan"])
    out = pd.concat(rows, ignore_index=True)
    return out[["year", *[c for c in out.columns if c != "year"]]]


# ----------------------------------------------------------------------------- flows of monthly programs
FLOWS = ("leaving", "continuing", "entering")
FLOW_REASONS = {
    "leaving": ("death", "moved_out", "revocation", "dibao_exit", "eligible_unpaid", "other"),
    "continuing": ("continuing",),
    "entering": ("new_in_register", "new_certificate", "dibao_entry", "reaching_age", "late_take_up", "other"),
}


@api_query("program_flows", "years")
def program_flows(con, year: int, town=None, village=None, category=None, program=None,
                  year_from: int | None = None) -> pd.DataFrame:
    """Flows in and out of each monthly program, year_from → year (queries/sql/api/program_flows.sql).

    Reads mart_person_program_years (paid = a payment for a period in the year), mart_targeting (eligible months
    per person-year), int_person_months (the state on day 1 of January of `year` for a leaver, of December of
    year_from for an entrant), stg_programs and the rule seed. year_from defaults to year − 1. One row per
    (program, flow, reason) with a person: program_id, name, name_en; flow ∈ FLOWS; reason ∈ FLOW_REASONS[flow]
    (leaving: death, moved_out, revocation, dibao_exit, eligible_unpaid, other; entering: new_in_register,
    new_certificate, dibao_entry, reaching_age, late_take_up, other; the first that holds); persons; spend_from
    / spend_to (their spend in year_from / year). Person filters are the current values. Empty when either year
    is outside the data range (queries/sql/api/years.sql).
    """
    f = _flow_params(year, year_from, town, village, category, program)
    frame = run(con, "program_flows", f)
    known = set(values(con, "years"))
    if not {f["year_from"], f["year"]} <= known:   # a year outside the data: no flow to tell, not "all entered"
        frame = frame.iloc[0:0]
    names = programs(con)[["program_id", "name", "name_en"]]
    out = names.merge(frame, on="program_id", how="right")
    return out[["program_id", "name", "name_en", "flow", "reason", "persons", "spend_from", "spend_to"]]


def _flow_params(year, year_from, town, village, category, program) -> dict:
    """The bound values of a flow from year_from (default year − 1) to year."""
    f = normalise(dict(year=year, town=town, village=village, category=category, program=program))
    f["year_from"] = int(year) - 1 if year_from is None else int(year_from)
    return f


@api_query("flow_people", "years")
def flow_people(con, year: int, program: str | None = None, flow: str | None = None, *, reason: str | None = None,
                year_from: int | None = None, town=None, village=None, category=None) -> pd.DataFrame:
    """The persons behind a flow of program_flows, masked (queries/sql/api/flow_people.sql).

    Reads the table macro mart_program_flows_of (the rows program_flows counts) and stg_persons. year_from
    defaults to year − 1; program: one monthly program (None: every one with a rule); flow ∈ FLOWS and
    reason ∈ FLOW_REASONS[flow] narrow to one count (None: all). One row per (program, person), as many as
    the persons of the (program, flow, reason) rows of program_flows under the same filters, their
    spend_from / spend_to summing to its money; sorted by program_id, flow and reason in program_flows'
    order, town, village, person_id. Columns: person_id; id_number_masked, name_masked
    (contract/masking.sql); town; village; category; grade; program_id; flow; reason; spend_from / spend_to
    (the person's spend from the program in year_from / year, 0 when not paid that year). Empty when either
    year is outside the data range, as program_flows.
    """
    if flow is not None:
        check_choice("flow", flow, FLOWS)
    if reason is not None:
        check_choice("reason", reason, FLOW_REASONS[flow] if flow else tuple(dict.fromkeys(
            r for rs in FLOW_REASONS.values() for r in rs)))
    f = _flow_params(year, year_from, town, village, category, program) | dict(flow=flow, reason=reason)
    out = run(con, "flow_people", f)
    if not {f["year_from"], f["year"]} <= set(values(con, "years")):   # as program_flows: no flow to tell
        out = out.iloc[0:0]
    out["grade"] = out["grade"].astype("Int64")
    return out


# ----------------------------------------------------------------------------- decisions, channels, sources
DECISIONS_BY = {"program": "program_id", "channel": "channel", "all": "all_applications"}


@api_query("application_decisions")
def application_decisions(con, year: int, by: str = "program", town=None, village=None, category=None,
                          program=None, program_group=None) -> pd.DataFrame:
    """Decisions on the applications submitted in a year (queries/sql/api/application_decisions.sql).

    Reads int_applications and calendar_days. by ∈ program, channel (online / window / proxy = 四帮代办;
    None when the file leaves it empty), all (one row, value 'all': the page's tiles). One row per value
    with an application, ordered. Columns: value (program_id, channel or 'all'); name, name_en
    (by=program); applications; approved; rejected; pending (still 审核中: the backlog); approval_rate /
    rejection_rate = approved / rejected over the decided ones (NaN when none is decided);
    median_review_days (working days from submission to decision, continuous median, decided
    applications); application_share = applications / all applications of the result.
    """
    check_choice("by", by, DECISIONS_BY)
    frame = run(con, "application_decisions", _filters(year, town, village, category, program, program_group),
                by=DECISIONS_BY[by])
    if by == "program":
        names = programs(con)[["program_id", "name", "name_en"]].rename(columns={"program_id": "value"})
        frame = frame.merge(names, on="value", how="left")
        frame = frame[["value", "name", "name_en", *[c for c in frame.columns if c not in ("value", "name",
                                                                                            "name_en")]]]
    return frame


@api_query("status_event_sources")
def status_event_sources(con, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """Which department reported each status change in a year (queries/sql/api/status_event_sources.sql).

    Reads stg_status_events, stg_persons. One row per (event, source) with an event dated in the year:
    event (death, dibao_start, cert_revoked …); source (民政, 人社, 公安, 残联 … as loaded, None when
    empty); events; persons (distinct); event_share = events / all events of that kind in the year.
    """
    return run(con, "status_event_sources", normalise(dict(year=year, town=town, village=village,
                                                             category=category)))
