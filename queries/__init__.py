"""Analyst API: one small function per question, DataFrames out, over the views of queries/sql.

    import queries
    con = queries.connect()                      # read-only, data.paths.db_path()
    queries.kpi_overview(con, year=2020, town="城关街道")

Conventions (docs/ARCHITECTURE.md):
- connection first; keyword filters `year`, `town`, `village`, `category`, `program` (program_id),
  `program_group`, each None = all. Values are always bound parameters ($name), never formatted into
  the SQL; a choice of grouping (`by=`, `level=`, `gap=`) goes through an allow-list that raises
  ValueError naming the allowed values.
- every call runs on its own `con.cursor()` (a shared connection across threads returns wrong rows).
- ratios are fractions 0–1 (NaN when the denominator is 0); money is yuan as float.
- person filters (town, village, category) use the person's current values; a year is the payment's
  period year, the application's submission year, the survey year.
- the same number is the same everywhere: spend, 人次 and persons come from `mart_spend` (payments)
  and its roll-up `mart_person_program_years` (person × program × year), the certified
  population from `mart_coverage`, processing times from `mart_processing`, gaps from `mart_gap_cases`.
- nothing happens at import time.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

__all__ = [
    "connect", "years", "towns", "villages", "programs", "kpi_overview", "monthly_spend",
    "coverage_by_category", "coverage_by", "targeting_errors", "priority_children",
    "spend_by_program", "spend_by_tier", "benefit_incidence", "processing_times",
    "application_durations", "reform_savings", "census_gaps", "census_gaps_by_area", "gap_people",
    "load_summary", "rejects_summary", "rejects", "GAP_KEYS", "PRIORITY_GROUPS",
]

GAP_KEYS = (
    "not_surveyed", "unmet_need_rehab", "unmet_need_device", "unmet_need_education",
    "unmet_need_employment", "unmet_need_care", "unmet_need_medical_insurance",
    "census_registry_conflict", "paid_after_death", "paid_after_dibao_end", "paid_after_revocation",
    "duplicate_payment", "duplicate_id_number", "eligible_unpaid", "late_start",
)
PAYMENT_GAPS = ("paid_after_death", "paid_after_dibao_end", "paid_after_revocation", "duplicate_payment")
MONTH_GAPS = ("eligible_unpaid", "late_start")
PRIORITY_GROUPS = ("infant_motor", "under3_speech", "under7_autism", "assessment_form")

# Allow-lists: the public choice → the column it groups by.
COVERAGE_BY = {"town": "town", "village": "village", "sex": "sex", "age_band": "age_band", "hukou": "hukou"}
INCIDENCE_BY = {"category": "category", "grade": "grade", "town": "town", "sex": "sex", "age_band": "age_band"}
PROCESSING_BY = ("program", "route")
AREA_LEVELS = {"town": "town", "village": "village"}

# Filter name → column, per kind of source. A person-level source ignores program filters.
PERSON_FILTERS = {"town": "town", "village": "village", "category": "category"}
PROGRAM_FILTERS = {"program": "program_id", "program_group": "program_group"}
ALL_FILTERS = {**PERSON_FILTERS, **PROGRAM_FILTERS}

_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")


# ----------------------------------------------------------------------------- plumbing
def _check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; choose one of: {', '.join(map(str, allowed))}")


def _normalise(filters: dict) -> dict:
    """Filters with None dropped; a category given as code 1–7 becomes its canonical name."""
    out = {k: v for k, v in filters.items() if v is not None}
    if "category" in out:
        from data.contract import CATEGORY

        out["category"] = CATEGORY.get(str(out["category"]), out["category"])
    if "year" in out:
        out["year"] = int(out["year"])
    return out


def _where(alias: str, columns: dict[str, str], filters: dict) -> str:
    """` and alias.col = $name` for every given filter this source has (column names from the allow-list)."""
    prefix = f"{alias}." if alias else ""
    return "".join(f" and {prefix}{col} = ${key}" for key, col in columns.items() if key in filters)


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run on a fresh cursor, binding only the parameters the SQL uses."""
    used = set(_PARAM_RE.findall(sql))
    bound = {k: v for k, v in (params or {}).items() if k in used}
    missing = used - set(bound)
    if missing:
        raise ValueError(f"missing query parameters: {sorted(missing)}")
    cur = con.cursor()
    try:
        return cur.execute(sql, bound).df()
    finally:
        cur.close()


def _values(con, sql: str, params: dict | None = None) -> list:
    frame = _query(con, sql, params)
    return frame.iloc[:, 0].tolist()


def _exists(con, table: str) -> bool:
    return bool(_values(con, "select count(*) from duckdb_tables() where table_name = $t", {"t": table})[0])


# ----------------------------------------------------------------------------- connection & lists
def connect(path: str | Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB database (default `data.paths.db_path()`: $SUBSIDY_DB or data/subsidy.duckdb).

    Read-only by default: the database is built once per load and only read afterwards; several
    read-only processes can share the file.
    """
    if path is None:
        from data.paths import db_path

        path = db_path()
    return duckdb.connect(str(path), read_only=read_only)


def years(con) -> list[int]:
    """Years of the data range (the `parameters` table, via stg_parameters), ascending."""
    return [int(y) for y in _values(con, "select year from stg_parameters order by year")]


def towns(con) -> list[str]:
    """Towns (镇街) of the persons register (stg_persons), sorted."""
    return _values(con, "select distinct town from stg_persons where town is not null order by town")


def villages(con, town: str | None = None) -> list[str]:
    """Villages (村社区) of the persons register (stg_persons), optionally of one town, sorted."""
    f = _normalise({"town": town})
    return _values(
        con,
        "select distinct village from stg_persons where village is not null"
        + _where("", {"town": "town"}, f) + " order by village",
        f,
    )


def programs(con) -> pd.DataFrame:
    """The program catalog (view stg_programs), one row per program, ordered by program_id.

    Columns: program_id; name (Chinese); name_en; program_group (两项补贴/康复/教育/辅具/保险医疗/就业/其他);
    cycle (monthly/annual/per_claim); rule (eligibility rule key or None); trips_before / trips_after
    (跑次 before and after the 最多跑一次 reform); materials_before / materials_after (paper materials);
    reform_date (applications on or after it count as after the reform).
    """
    return _query(
        con,
        "select program_id, name, name_en, program_group, cycle, rule, trips_before, trips_after, "
        "materials_before, materials_after, reform_date from stg_programs order by program_id",
    )


# ----------------------------------------------------------------------------- headline
def kpi_overview(con, year: int, town=None, village=None, category=None, program=None, program_group=None) -> pd.DataFrame:
    """Headline KPIs of a year: one row (views mart_person_program_years, mart_coverage, mart_processing, stg_programs).

    Columns:
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
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        with spend as (
            select
                coalesce(sum(spend), 0)::double as spend_yuan,
                count(*) as person_times,
                count(distinct person_id) as persons_paid,
                coalesce(sum(payments), 0)::bigint as payments,
                count(distinct program_id) as programs_paid
            from mart_person_program_years as s
            where s.year = $year {_where('s', ALL_FILTERS, f)}
        ),
        catalog as (
            select
                count(*) as programs_total,
                count(*) filter (where trips_after = 0) as zero_trip_programs,
                count(*) filter (where materials_after = 0) as no_material_programs
            from stg_programs as p
            where true {_where('p', PROGRAM_FILTERS, f)}
        ),
        paid_persons as (
            select distinct person_id
            from mart_person_program_years as s
            where s.year = $year {_where('s', ALL_FILTERS, f)}
        ),
        certified as (
            select
                count(*) as certified_population,
                count(*) filter (where c.person_id in (select person_id from paid_persons)) as persons_covered
            from mart_coverage as c
            where c.year = $year {_where('c', PERSON_FILTERS, f)}
        ),
        processing as (
            select quantile_cont(working_days, 0.5)::double as median_processing_days
            from mart_processing as a
            where a.year = $year and a.working_days is not null {_where('a', ALL_FILTERS, f)}
        )
        select
            $year as year,
            spend.spend_yuan,
            spend.person_times,
            spend.persons_paid,
            spend.payments,
            catalog.programs_total,
            spend.programs_paid,
            certified.certified_population,
            certified.persons_covered,
            case when certified.certified_population > 0
                then certified.persons_covered / certified.certified_population end::double as coverage,
            processing.median_processing_days,
            catalog.zero_trip_programs,
            case when catalog.programs_total > 0
                then catalog.zero_trip_programs / catalog.programs_total end::double as zero_trip_share,
            catalog.no_material_programs
        from spend, catalog, certified, processing
    """
    return _query(con, sql, f)


def monthly_spend(con, year: int, town=None, village=None, category=None, program=None, program_group=None) -> pd.DataFrame:
    """Spend per month of a year (view mart_spend): one row per month, all 12 months (zeros included).

    Columns: month (date, first day); spend_yuan (payments whose period is that month); persons_paid
    (distinct persons paid for that month); payments (number). Yearly programs count in the month their
    payment's period names. The 12 spend_yuan add up to kpi_overview.spend_yuan.
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        with months as (
            select unnest(generate_series(make_date($year, 1, 1)::timestamp,
                                          make_date($year, 12, 1)::timestamp, interval 1 month))::date as month
        ),
        spend as (
            select period as month, sum(amount)::double as spend_yuan,
                   count(distinct person_id) as persons_paid, count(*) as payments
            from mart_spend as s
            where s.year = $year {_where('s', ALL_FILTERS, f)}
            group by period
        )
        select m.month, coalesce(s.spend_yuan, 0)::double as spend_yuan,
               coalesce(s.persons_paid, 0) as persons_paid, coalesce(s.payments, 0) as payments
        from months as m left join spend as s using (month)
        order by m.month
    """
    frame = _query(con, sql, f)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


# ----------------------------------------------------------------------------- coverage
def _coverage_sql(group_cols: str, f: dict) -> str:
    return f"""
        with paid_persons as (
            select distinct person_id
            from mart_person_program_years as s
            where s.year = $year {_where('s', ALL_FILTERS, f)}
        )
        select {group_cols},
               count(*) as certified_population,
               count(*) filter (where c.person_id in (select person_id from paid_persons)) as persons_paid
        from mart_coverage as c
        where c.year = $year {_where('c', PERSON_FILTERS, f)}
        group by all
    """


def coverage_by_category(con, year: int, town=None, category=None, village=None, program=None,
                         program_group=None) -> pd.DataFrame:
    """Coverage of the certified population per (category, grade) (views mart_coverage, mart_person_program_years).

    One row per (category, grade) of the 7 categories × 4 grades (narrowed by `category`), zeros
    included, in the contract's category order. Columns: category; grade (1–4);
    certified_population (persons of the year's certified population); persons_paid (of those, persons
    with at least one payment for a period in the year, from the selected programs); coverage =
    persons_paid / certified_population (NaN when 0).
    """
    from data.contract import CATEGORIES

    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    counts = _query(con, _coverage_sql("c.category, c.grade", f), f)
    grid = pd.DataFrame(
        [(c, g) for c in CATEGORIES for g in (1, 2, 3, 4) if f.get("category") in (None, c)],
        columns=["category", "grade"],
    )
    extra = counts[~counts.set_index(["category", "grade"]).index.isin(grid.set_index(["category", "grade"]).index)]
    out = pd.concat([grid.merge(counts, how="left", on=["category", "grade"]), extra], ignore_index=True)
    out[["certified_population", "persons_paid"]] = out[["certified_population", "persons_paid"]].fillna(0).astype("int64")
    out["grade"] = out["grade"].astype("Int64")
    out["coverage"] = _ratio(out.persons_paid, out.certified_population)
    return out[["category", "grade", "certified_population", "persons_paid", "coverage"]]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64")
    return (num.astype("float64") / den.where(den != 0)).astype("float64")


def coverage_by(con, year: int, by: str, town=None, village=None, category=None, program=None,
                program_group=None) -> pd.DataFrame:
    """Coverage of the certified population by one dimension (views mart_coverage, mart_person_program_years).

    by ∈ town, village, sex, age_band (whole years on 1 January: 0-6, 7-17, 18-59, 60+), hukou.
    One row per value present in the certified population, sorted by value. Columns: value;
    certified_population; persons_paid (persons with a payment for a period in the year from the
    selected programs); coverage = persons_paid / certified_population.
    """
    _check_choice("by", by, COVERAGE_BY)
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    out = _query(con, _coverage_sql(f"c.{COVERAGE_BY[by]} as value", f) + " order by value nulls last", f)
    out["coverage"] = _ratio(out.persons_paid, out.certified_population)
    return out[["value", "certified_population", "persons_paid", "coverage"]]


# ----------------------------------------------------------------------------- targeting
def targeting_errors(con, year: int, town=None, village=None, category=None, program=None,
                     program_group=None) -> pd.DataFrame:
    """Targeting errors of monthly programs with an eligibility rule, in person-months of a year
    (view mart_targeting).

    One row per monthly program whose rule key the rule seed knows (zeros included). Columns:
    program_id, name, name_en; eligible_person_months |E|; paid_person_months |R| (person-months with a
    payment of the program for that period); eligible_paid_person_months |E ∩ R|;
    excluded_person_months |E \\ R|; included_person_months |R \\ E|; exclusion_error = |E \\ R| / |E|;
    inclusion_error = |R \\ E| / |R|; eligible_persons / paid_persons: distinct persons in E / in R.
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        with targeted as (
            select program_id, name, name_en
            from stg_programs as p
            where p.cycle = 'monthly' and p.rule in (select rule from eligibility_rules)
                {_where('p', PROGRAM_FILTERS, f)}
        ),
        counts as (
            select
                program_id,
                sum(eligible_months) as eligible_person_months,
                sum(paid_months) as paid_person_months,
                sum(eligible_paid_months) as eligible_paid_person_months,
                sum(eligible_months - eligible_paid_months) as excluded_person_months,
                sum(paid_months - eligible_paid_months) as included_person_months,
                count(*) filter (where eligible_months > 0) as eligible_persons,
                count(*) filter (where paid_months > 0) as paid_persons
            from mart_targeting as t
            where t.year = $year {_where('t', PERSON_FILTERS, f)}
            group by program_id
        )
        select t.program_id, t.name, t.name_en,
               coalesce(c.eligible_person_months, 0)::bigint as eligible_person_months,
               coalesce(c.paid_person_months, 0)::bigint as paid_person_months,
               coalesce(c.eligible_paid_person_months, 0)::bigint as eligible_paid_person_months,
               coalesce(c.excluded_person_months, 0)::bigint as excluded_person_months,
               coalesce(c.included_person_months, 0)::bigint as included_person_months,
               coalesce(c.eligible_persons, 0) as eligible_persons,
               coalesce(c.paid_persons, 0) as paid_persons
        from targeted as t left join counts as c using (program_id)
        order by t.program_id
    """
    out = _query(con, sql, f)
    out.insert(8, "exclusion_error", _ratio(out.excluded_person_months, out.eligible_person_months))
    out.insert(9, "inclusion_error", _ratio(out.included_person_months, out.paid_person_months))
    return out


def priority_children(con, year: int, town=None, village=None, category=None, program=None,
                      program_group=None) -> pd.DataFrame:
    """Early-intervention priority groups of a year (views mart_priority_children, mart_person_program_years).

    One row per group, always in this order: infant_motor (up to 5 months, motor risk, 肢体),
    under3_speech (under 3, suspected speech, 言语), under7_autism (under 7, autism, 精神),
    assessment_form (under 6, cerebral palsy with a 评定表). Columns: group; persons (children meeting the
    group's criteria in at least one month of the year, certificate or not); persons_paid (of those,
    children with a payment for a period in the year from a 康复 program — or from the programs named by
    `program` / `program_group` when given); spend_yuan (what those payments sum to).
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    paying = _where("s", PROGRAM_FILTERS, f) if (program or program_group) else " and s.program_group = '康复'"
    sql = f"""
        with members as (
            select priority_group, person_id
            from mart_priority_children as m
            where m.year = $year {_where('m', PERSON_FILTERS, f)}
        ),
        paid as (
            select person_id, sum(spend)::double as spend
            from mart_person_program_years as s
            where s.year = $year {paying}
            group by person_id
        )
        select m.priority_group as "group", count(*) as persons, count(p.person_id) as persons_paid,
               coalesce(sum(p.spend), 0)::double as spend_yuan
        from members as m left join paid as p using (person_id)
        group by m.priority_group
    """
    counts = _query(con, sql, f).set_index("group")
    out = counts.reindex(list(PRIORITY_GROUPS)).rename_axis("group").reset_index()
    out[["persons", "persons_paid"]] = out[["persons", "persons_paid"]].fillna(0).astype("int64")
    out["spend_yuan"] = out["spend_yuan"].fillna(0.0).astype("float64")
    return out


# ----------------------------------------------------------------------------- spend
def spend_by_program(con, year: int, town=None, village=None, category=None, program=None,
                     program_group=None) -> pd.DataFrame:
    """Spend per program in a year (views mart_person_program_years, stg_programs, stg_program_tiers).

    One row per program of the catalog (narrowed by program / program_group), zero rows included,
    ordered by program_id. Columns: program_id, name, name_en, program_group, cycle; spend_yuan (payments
    whose period is in the year); persons (distinct persons paid); person_times (人次: distinct
    (person, program) pairs — equal to persons within one program, and adding up to kpi_overview's
    person_times); payments; avg_per_person = spend_yuan / persons; tiers (number of tiers in
    program_tiers); cap_use = spend / cap of the persons whose tier is known, where a person's tier is
    the highest tier of their payments in the year and the cap is the tier amount for annual/per-claim
    programs and tier amount × paid months for monthly programs (NaN when no tier is known).
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        with catalog as (
            select * from stg_programs as p where true {_where('p', PROGRAM_FILTERS, f)}
        ),
        person_program as (
            select program_id, person_id, spend, payments, max_tier as tier, paid_months as months
            from mart_person_program_years as s
            where s.year = $year {_where('s', ALL_FILTERS, f)}
        ),
        capped as (
            select pp.*,
                   case when pr.cycle = 'monthly' then t.amount * pp.months else t.amount end as cap
            from person_program as pp
            inner join catalog as pr using (program_id)
            left join stg_program_tiers as t on t.program_id = pp.program_id and t.tier = pp.tier
        ),
        per_program as (
            select program_id, sum(spend)::double as spend_yuan, count(*) as persons,
                   sum(payments) as payments,
                   (sum(spend) filter (where cap is not null) / nullif(sum(cap), 0))::double as cap_use
            from capped group by program_id
        ),
        tier_counts as (
            select program_id, count(*) as tiers from stg_program_tiers group by program_id
        )
        select c.program_id, c.name, c.name_en, c.program_group, c.cycle,
               coalesce(p.spend_yuan, 0)::double as spend_yuan,
               coalesce(p.persons, 0) as persons,
               coalesce(p.persons, 0) as person_times,
               coalesce(p.payments, 0)::bigint as payments,
               (p.spend_yuan / nullif(p.persons, 0))::double as avg_per_person,
               coalesce(t.tiers, 0) as tiers,
               p.cap_use
        from catalog as c
        left join per_program as p using (program_id)
        left join tier_counts as t using (program_id)
        order by c.program_id
    """
    out = _query(con, sql, f)
    out["avg_per_person"] = out["avg_per_person"].astype("float64")
    out["cap_use"] = out["cap_use"].astype("float64")
    return out


def spend_by_tier(con, year: int, town=None, village=None, category=None, program=None,
                  program_group=None) -> pd.DataFrame:
    """Spend per (program, tier) in a year (views mart_person_tier_years, stg_program_tiers).

    One row per tier of program_tiers for the selected programs (zeros included), plus one row per
    (program, tier) found on payments but missing from program_tiers (tier NaN for untiered payments,
    amount NaN) so that spend adds up to spend_by_program. Columns: program_id; tier; amount (monthly
    standard or yearly cap); condition; persons (distinct persons paid at that tier); spend_yuan;
    cap_use = spend / (sum over persons of the cap: amount for annual/per-claim programs, amount × the
    person's paid months at that tier for monthly programs); persons_at_cap (persons whose spend at the
    tier reached their cap).
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        with catalog as (
            select * from stg_programs as p where true {_where('p', PROGRAM_FILTERS, f)}
        ),
        tiers as (
            select t.* from stg_program_tiers as t where t.program_id in (select program_id from catalog)
        ),
        person_tier as (
            select program_id, tier, person_id, spend, paid_months as months
            from mart_person_tier_years as s
            where s.year = $year {_where('s', ALL_FILTERS, f)}
        ),
        capped as (
            select pt.*, t.amount,
                   case when c.cycle = 'monthly' then t.amount * pt.months else t.amount end as cap
            from person_tier as pt
            inner join catalog as c using (program_id)
            left join tiers as t on t.program_id = pt.program_id and t.tier = pt.tier
        ),
        per_tier as (
            select program_id, tier, count(*) as persons, sum(spend)::double as spend_yuan,
                   (sum(spend) / nullif(sum(cap), 0))::double as cap_use,
                   count(*) filter (where spend >= cap) as persons_at_cap
            from capped group by program_id, tier
        ),
        keys as (
            select program_id, tier from tiers
            union
            select program_id, tier from per_tier
        )
        select k.program_id, k.tier, t.amount::double as amount, t.tier_condition as condition,
               coalesce(p.persons, 0) as persons, coalesce(p.spend_yuan, 0)::double as spend_yuan,
               p.cap_use, coalesce(p.persons_at_cap, 0) as persons_at_cap
        from keys as k
        left join tiers as t on t.program_id = k.program_id and t.tier = k.tier
        left join per_tier as p on p.program_id = k.program_id and p.tier is not distinct from k.tier
        order by k.program_id, k.tier nulls last
    """
    out = _query(con, sql, f)
    out["tier"] = out["tier"].astype("Int64")
    out["cap_use"] = out["cap_use"].astype("float64")
    return out


def benefit_incidence(con, year: int, by: str, town=None, village=None, category=None, program=None,
                      program_group=None) -> pd.DataFrame:
    """Benefit incidence: who the money went to, by one dimension (view mart_person_program_years).

    by ∈ category, grade, town, sex, age_band (whole years on 1 January). One row per value among the
    persons paid (NULL value = unknown, e.g. category of an uncertified child), sorted by value.
    Columns: value; spend_yuan (payments whose period is in the year); share = spend_yuan / all
    spend under the same filters; persons (distinct persons paid).
    """
    _check_choice("by", by, INCIDENCE_BY)
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        select s.{INCIDENCE_BY[by]} as value, sum(spend)::double as spend_yuan,
               count(distinct person_id) as persons
        from mart_person_program_years as s
        where s.year = $year {_where('s', ALL_FILTERS, f)}
        group by all
        order by value nulls last
    """
    out = _query(con, sql, f)
    total = out.spend_yuan.sum()
    out["share"] = out.spend_yuan / total if total else float("nan")
    return out[["value", "spend_yuan", "share", "persons"]]


# ----------------------------------------------------------------------------- processing
def processing_times(con, year: int | None = None, by: str = "program", town=None, village=None,
                     category=None, program=None, program_group=None) -> pd.DataFrame:
    """Working days from application to first payment (views mart_processing, stg_programs).

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
    _check_choice("by", by, PROCESSING_BY)
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    apps = f"""
        select * from mart_processing as a
        where a.working_days is not null {' and a.year = $year' if 'year' in f else ''}
            {_where('a', ALL_FILTERS, f)}
    """
    if by == "route":
        sql = f"""
            with apps as ({apps})
            select route, count(*) as applications,
                   quantile_cont(working_days, 0.5)::double as median_days,
                   avg(working_days)::double as mean_days
            from apps group by route order by route nulls last
        """
        return _query(con, sql, f)
    sql = f"""
        with apps as ({apps}),
        per_program as (
            select program_id,
                   count(*) filter (where reform_period = 'before') as applications_before,
                   count(*) filter (where reform_period = 'after') as applications_after,
                   quantile_cont(working_days, 0.5) filter (where reform_period = 'before')::double as median_days_before,
                   quantile_cont(working_days, 0.5) filter (where reform_period = 'after')::double as median_days_after
            from apps group by program_id
        )
        select p.program_id, p.name, p.name_en, p.reform_date,
               coalesce(a.applications_before, 0) as applications_before,
               coalesce(a.applications_after, 0) as applications_after,
               a.median_days_before, a.median_days_after,
               (a.median_days_before - a.median_days_after)::double as working_days_saved,
               p.trips_before, p.trips_after, p.materials_before, p.materials_after
        from stg_programs as p
        left join per_program as a using (program_id)
        where true {_where('p', PROGRAM_FILTERS, f)}
        order by p.program_id
    """
    out = _query(con, sql, f)
    for col in ("median_days_before", "median_days_after", "working_days_saved"):
        out[col] = out[col].astype("float64")
    return out


def application_durations(con, year: int | None = None, town=None, village=None, category=None,
                          program=None, program_group=None) -> pd.DataFrame:
    """One row per paid application (view mart_processing), ordered by submitted_date, application_id.

    Columns: application_id; program_id; period ('before' / 'after' the program's reform_date);
    route (of the first payment); submitted_date; first_paid_date; working_days (d with
    submitted_date < d <= first_paid_date, official calendar); trips; materials (as recorded).
    `year` = submission year (None = all).
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        select application_id, program_id, reform_period as period, route, submitted_date,
               first_paid_date, working_days, trips, materials
        from mart_processing as a
        where true {' and a.year = $year' if 'year' in f else ''} {_where('a', ALL_FILTERS, f)}
        order by submitted_date, application_id
    """
    return _query(con, sql, f)


def reform_savings(con, year: int, town=None, village=None, category=None, program=None,
                   program_group=None) -> pd.DataFrame:
    """What the 最多跑一次 reform saved in a year: one row (views mart_processing, stg_programs).

    Columns: applications (paid applications submitted in the year on or after their program's
    reform_date); working_days_saved_total (sum over those applications of their program's
    working_days_saved, the before/after medians taken over all years under the same person filters);
    trips_saved_total (sum of the program's trips_before − the application's recorded trips, or the
    program's trips_after when not recorded); materials_saved_total (likewise for materials).
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    sql = f"""
        with apps as (
            select * from mart_processing as a
            where a.working_days is not null {_where('a', ALL_FILTERS, f)}
        ),
        medians as (
            select program_id,
                   quantile_cont(working_days, 0.5) filter (where reform_period = 'before')
                   - quantile_cont(working_days, 0.5) filter (where reform_period = 'after') as saved
            from apps group by program_id
        ),
        after_reform as (
            select a.*, p.trips_before, p.trips_after, p.materials_before, p.materials_after, m.saved
            from apps as a
            inner join stg_programs as p using (program_id)
            left join medians as m using (program_id)
            where a.year = $year and a.reform_period = 'after'
        )
        select count(*) as applications,
               coalesce(sum(saved), 0)::double as working_days_saved_total,
               coalesce(sum(trips_before - coalesce(trips, trips_after)), 0)::bigint as trips_saved_total,
               coalesce(sum(materials_before - coalesce(materials, materials_after)), 0)::bigint as materials_saved_total
        from after_reform
    """
    return _query(con, sql, f)


# ----------------------------------------------------------------------------- gaps
def _gap_filters(f: dict) -> str:
    return " and (g.year = $year or g.year is null)" + _where("g", PERSON_FILTERS, f)


def census_gaps(con, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """Gap summary of a year (view mart_gap_cases, seed gap_keys): one row per METRICS.md gap key.

    Always the 15 keys in METRICS.md order, zeros included. Columns: gap; persons (distinct persons);
    cases (gap_people rows: payments for paid_after_* / duplicate_payment, (person, program) for
    eligible_unpaid / late_start, persons otherwise — except duplicate_id_number, where cases = the
    number of id_numbers held by more than one person_id and persons = the persons holding them);
    months (eligible months unpaid for eligible_unpaid, months missed for late_start, NaN for gaps without
    a month measure); amount_yuan (money of the payments for the payment gaps — for duplicate_payment only
    the payments beyond the first — NaN for gaps without money). duplicate_id_number is not yearly and
    shows in every year.
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category))
    sql = f"""
        with cases as (
            select * from mart_gap_cases as g where true {_gap_filters(f)}
        ),
        per_gap as (
            select gap, count(distinct person_id) as persons,
                   case when gap = 'duplicate_id_number' then count(distinct case_group) else count(*) end as cases,
                   sum(months) as months, sum(amount_yuan)::double as amount_yuan
            from cases group by gap
        )
        select k.gap, coalesce(p.persons, 0) as persons, coalesce(p.cases, 0) as cases,
               case when k.gap in ('eligible_unpaid', 'late_start') then coalesce(p.months, 0) end::double as months,
               case when k.gap in ('paid_after_death', 'paid_after_dibao_end', 'paid_after_revocation',
                                   'duplicate_payment') then coalesce(p.amount_yuan, 0) end::double as amount_yuan
        from gap_keys as k left join per_gap as p using (gap)
        order by k.sort_order
    """
    return _query(con, sql, f)


def census_gaps_by_area(con, year: int, level: str = "town", town=None, gap: str | None = None) -> pd.DataFrame:
    """Gap counts per area (view mart_gap_cases): one row per (gap, area) with at least one case.

    level ∈ town, village (the person's current area); `town` narrows to one town; `gap` to one key.
    Columns as census_gaps: gap, area, persons, cases, months, amount_yuan. Sorted by gap order, area.
    """
    _check_choice("level", level, AREA_LEVELS)
    if gap is not None:
        _check_choice("gap", gap, GAP_KEYS)
    f = _normalise(dict(year=year, town=town, gap=gap))
    sql = f"""
        select g.gap, g.{AREA_LEVELS[level]} as area, count(distinct g.person_id) as persons,
               case when g.gap = 'duplicate_id_number' then count(distinct g.case_group) else count(*) end as cases,
               case when g.gap in ('eligible_unpaid', 'late_start') then sum(g.months) end::double as months,
               case when g.gap in ('paid_after_death', 'paid_after_dibao_end', 'paid_after_revocation',
                                   'duplicate_payment') then sum(g.amount_yuan) end::double as amount_yuan
        from mart_gap_cases as g
        inner join gap_keys as k using (gap)
        where true {_gap_filters(f)} {' and g.gap = $gap' if 'gap' in f else ''}
        group by g.gap, g.{AREA_LEVELS[level]}, k.sort_order
        order by k.sort_order, area nulls last
    """
    return _query(con, sql, f)


def gap_people(con, gap: str, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """The cases behind one gap of a year, masked (view mart_gap_cases).

    One row per case: a payment for paid_after_death / paid_after_dibao_end / paid_after_revocation /
    duplicate_payment; a (person, program) for eligible_unpaid / late_start; a person otherwise (for
    duplicate_id_number one row per person sharing a number). Columns: person_id; id_number_masked
    (first 4 and last 2 characters); name_masked (first character then *); town; village; category;
    grade; gap; program_id; payment_id; detail (why, in words); since (the date the condition started);
    months (eligible_unpaid: eligible months unpaid; late_start: months missed); amount_yuan (payment
    gaps). Sorted by town, village, person_id, program_id, payment_id.
    """
    _check_choice("gap", gap, GAP_KEYS)
    f = _normalise(dict(year=year, town=town, village=village, category=category, gap=gap))
    sql = f"""
        select person_id, id_number_masked, name_masked, town, village, category, grade, gap,
               program_id, payment_id, detail, since, months, amount_yuan::double as amount_yuan
        from mart_gap_cases as g
        where g.gap = $gap {_gap_filters(f)}
        order by town, village, person_id, program_id, payment_id
    """
    return _query(con, sql, f)


# ----------------------------------------------------------------------------- data quality
def load_summary(con) -> pd.DataFrame:
    """The loader's bookkeeping (table load_files): one row per loaded file — file, table_name,
    rows_read, rows_loaded, rows_rejected, source_dir, file_format, encoding, loaded_at. Empty when the
    database was not built by the loader."""
    if not _exists(con, "load_files"):
        return pd.DataFrame(columns=["file", "table_name", "rows_read", "rows_loaded", "rows_rejected",
                                     "source_dir", "file_format", "encoding", "loaded_at"])
    return _query(con, "select * from load_files order by table_name, file")


def rejects_summary(con) -> pd.DataFrame:
    """Rejected rows counted per (file, column_name, rule) (table rejects): file, column_name, rule,
    rows. Empty when nothing was rejected."""
    if not _exists(con, "rejects"):
        return pd.DataFrame(columns=["file", "column_name", "rule", "rows"])
    return _query(
        con,
        "select file, column_name, rule, count(*) as rows from rejects group by all "
        "order by rows desc, file, column_name, rule",
    )


def rejects(con, file: str | None = None) -> pd.DataFrame:
    """Rejected rows (table rejects), optionally of one file: file, row_number (1-based line as seen in
    the file, header = 1), column_name, rule, reason, raw_row (JSON, id_number and name masked)."""
    if not _exists(con, "rejects"):
        return pd.DataFrame(columns=["file", "row_number", "column_name", "rule", "reason", "raw_row"])
    f = _normalise(dict(file=file))
    return _query(
        con,
        "select file, row_number, column_name, rule, reason, raw_row from rejects where true"
        + (" and file = $file" if "file" in f else "") + " order by file, row_number",
        f,
    )
