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

import functools
import re
from pathlib import Path

import duckdb
import pandas as pd

__all__ = [
    "connect", "years", "towns", "villages", "programs", "kpi_overview", "monthly_spend",
    "coverage_by_category", "coverage_by", "targeting_errors", "priority_children",
    "spend_by_program", "spend_by_tier", "benefit_incidence", "processing_times",
    "application_durations", "reform_savings", "census_gaps", "census_gaps_by_area", "gap_people",
    "load_summary", "rejects_summary", "rejects", "load_info", "gap_definitions", "medication_adherence",
    "GAP_KEYS", "PRIORITY_GROUPS",
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

# Every API query is a file sql/api/<name>.sql (README.md): values are bound parameters ($year …) and
# an optional filter is a static predicate `($town is null or x.town = $town)`. A {{ slot }} in a file
# takes SQL text (a column name) from one of the allow-lists above, never a value.
API_SQL_DIR = Path(__file__).resolve().parent / "sql" / "api"
_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_SLOT_RE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_SLOT_TEXT_RE = re.compile(r"[a-z_][a-z0-9_]*")
_COMMENT_RE = re.compile(r"--[^\n]*")


# ----------------------------------------------------------------------------- plumbing
def _check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not allowed; choose one of: {', '.join(map(str, allowed))}")


def _normalise(filters: dict) -> dict:
    """Filters as bound values (None = no filter); a category code 1–7 becomes its canonical name."""
    out = dict(filters)
    if out.get("category") is not None:
        from contract import CATEGORY

        out["category"] = CATEGORY.get(str(out["category"]), out["category"])
    if out.get("year") is not None:
        out["year"] = int(out["year"])
    return out


@functools.lru_cache(maxsize=None)
def _api_file(name: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """Text of sql/api/<name>.sql, the $parameters its SQL uses and its {{ slots }} (read once)."""
    text = (API_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    body = _COMMENT_RE.sub(" ", text)
    return text, frozenset(_PARAM_RE.findall(body)), frozenset(_SLOT_RE.findall(body))


def api_sql(name: str, **slots: str) -> str:
    """The SQL of API query `name` with its {{ slots }} filled.

    A slot takes a column name the caller picked from an allow-list (COVERAGE_BY, INCIDENCE_BY,
    AREA_LEVELS); anything but a plain lowercase identifier is refused, and so is a missing or
    unknown slot.
    """
    text, _, wanted = _api_file(name)
    if set(slots) != wanted:
        raise ValueError(f"sql/api/{name}.sql: slots {sorted(wanted)} expected, got {sorted(slots)}")
    for key, value in slots.items():
        if not _SLOT_TEXT_RE.fullmatch(value):
            raise ValueError(f"sql/api/{name}.sql: slot {key} must be a column name, not {value!r}")
    return _SLOT_RE.sub(lambda m: slots[m.group(1)], text)


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **slots: str) -> pd.DataFrame:
    """Run API query `name` on a fresh cursor, binding every $parameter its SQL uses (None = no filter).

    A parameter the SQL uses but the caller did not pass is an error (a typo must not silently mean
    "all"); parameters the query has no use for (program filters on a person-level query) are ignored.
    """
    sql = api_sql(name, **slots)
    used = _api_file(name)[1]
    params = params or {}
    missing = used - set(params)
    if missing:
        raise ValueError(f"sql/api/{name}.sql: missing query parameters {sorted(missing)}")
    cur = con.cursor()
    try:
        return cur.execute(sql, {k: params[k] for k in used}).df()
    finally:
        cur.close()


def _values(con, name: str, params: dict | None = None) -> list:
    frame = _run(con, name, params)
    return frame.iloc[:, 0].tolist()


def _exists(con, table: str) -> bool:
    return bool(_values(con, "table_exists", {"table_name": table})[0])


# ----------------------------------------------------------------------------- connection & lists
def connect(path: str | Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB database (default `data.paths.db_path()`: $SUBSIDY_DB or data/subsidy.duckdb).

    Read-only by default: the database is built once per load and only read afterwards; several
    read-only processes can share the file.
    """
    if path is None:
        from contract.paths import db_path

        path = db_path()
    return duckdb.connect(str(path), read_only=read_only)


def years(con) -> list[int]:
    """Years of the data range (the `parameters` table, via stg_parameters), ascending."""
    return [int(y) for y in _values(con, "years")]


def towns(con) -> list[str]:
    """Towns (镇街) of the persons register (stg_persons), sorted."""
    return _values(con, "towns")


def villages(con, town: str | None = None) -> list[str]:
    """Villages (村社区) of the persons register (stg_persons), optionally of one town, sorted."""
    return _values(con, "villages", _normalise({"town": town}))


def programs(con) -> pd.DataFrame:
    """The program catalog (view stg_programs), one row per program, ordered by program_id.

    Columns: program_id; name (Chinese); name_en; program_group (两项补贴/康复/教育/辅具/保险医疗/就业/其他);
    cycle (monthly/annual/per_claim); rule (eligibility rule key or None); trips_before / trips_after
    (跑次 before and after the 最多跑一次 reform); materials_before / materials_after (paper materials);
    reform_date (applications on or after it count as after the reform).
    """
    return _run(con, "programs")


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
    return _run(con, "kpi_overview", f)


def monthly_spend(con, year: int, town=None, village=None, category=None, program=None, program_group=None) -> pd.DataFrame:
    """Spend per month of a year (view mart_spend): one row per month, all 12 months (zeros included).

    Columns: month (date, first day); spend_yuan (payments whose period is that month); persons_paid
    (distinct persons paid for that month); payments (number). Yearly programs count in the month their
    payment's period names. The 12 spend_yuan add up to kpi_overview.spend_yuan.
    """
    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    frame = _run(con, "monthly_spend", f)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


# ----------------------------------------------------------------------------- coverage
def coverage_by_category(con, year: int, town=None, category=None, village=None, program=None,
                         program_group=None) -> pd.DataFrame:
    """Coverage of the certified population per (category, grade) (views mart_coverage, mart_person_program_years).

    One row per (category, grade) of the 7 categories × 4 grades (narrowed by `category`), zeros
    included, in the contract's category order. Columns: category; grade (1–4);
    certified_population (persons of the year's certified population); persons_paid (of those, persons
    with at least one payment for a period in the year, from the selected programs); coverage =
    persons_paid / certified_population (NaN when 0).
    """
    from contract import CATEGORIES

    f = _normalise(dict(year=year, town=town, village=village, category=category, program=program,
                        program_group=program_group))
    counts = _run(con, "coverage_by_category", f)
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
    out = _run(con, "coverage_by", f, by=COVERAGE_BY[by])
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
    out = _run(con, "targeting_errors", f)
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
    counts = _run(con, "priority_children", f).set_index("group")
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
    out = _run(con, "spend_by_program", f)
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
    out = _run(con, "spend_by_tier", f)
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
    out = _run(con, "benefit_incidence", f, by=INCIDENCE_BY[by])
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
    if by == "route":
        return _run(con, "processing_times_by_route", f)
    out = _run(con, "processing_times_by_program", f)
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
    return _run(con, "application_durations", f)


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
    return _run(con, "reform_savings", f)


# ----------------------------------------------------------------------------- gaps
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
    return _run(con, "census_gaps", f)


def census_gaps_by_area(con, year: int, level: str = "town", town=None, gap: str | None = None) -> pd.DataFrame:
    """Gap counts per area (view mart_gap_cases): one row per (gap, area) with at least one case.

    level ∈ town, village (the person's current area); `town` narrows to one town; `gap` to one key.
    Columns as census_gaps: gap, area, persons, cases, months, amount_yuan. Sorted by gap order, area.
    """
    _check_choice("level", level, AREA_LEVELS)
    if gap is not None:
        _check_choice("gap", gap, GAP_KEYS)
    f = _normalise(dict(year=year, town=town, gap=gap))
    return _run(con, "census_gaps_by_area", f, area=AREA_LEVELS[level])


def gap_people(con, gap: str, year: int, town=None, village=None, category=None) -> pd.DataFrame:
    """The cases behind one gap of a year, masked (view mart_gap_cases).

    One row per case: a payment for paid_after_death / paid_after_dibao_end / paid_after_revocation /
    duplicate_payment; a (person, program) for eligible_unpaid / late_start; a person otherwise (for
    duplicate_id_number one row per person sharing a number). Columns: person_id; id_number_masked
    (first 4 and last 2 characters); name_masked (first character then *); town; village; category;
    grade; gap; program_id; payment_id; detail (why, in English words); detail_zh (the same in Chinese,
    e.g. '2020-04 死亡后仍发放 困难残疾人生活补贴 305 元'); since (the date the condition started);
    months (eligible_unpaid: eligible months unpaid; late_start: months missed); amount_yuan (payment
    gaps). Sorted by town, village, person_id, program_id, payment_id.
    """
    _check_choice("gap", gap, GAP_KEYS)
    f = _normalise(dict(year=year, town=town, village=village, category=category, gap=gap))
    return _run(con, "gap_people", f)


def gap_definitions(con) -> pd.DataFrame:
    """The gap keys with their labels and definitions, for help text (seed table gap_keys).

    One row per METRICS.md gap key in METRICS.md order. Columns: gap; sort_order (1–15); label_zh;
    label_en; definition (English); definition_zh (Chinese).
    """
    return _run(con, "gap_definitions")


# ----------------------------------------------------------------------------- medication
def medication_adherence(con, year: int, town=None, village=None) -> pd.DataFrame:
    """Psychiatric medication monitoring (应服未服) per month of a year (view mart_medication_months).

    One row per month, all 12 (zeros included; all zeros when the optional medication table is empty).
    Columns: month (date, first day); prescribed_persons (persons who should take medication that
    month, 应服, alive and not moved out on day 1 of the month); dispensed_persons (of those, persons who
    collected it, 已取药); missed_persons (of those, persons who did not: 应服未服); missed_share =
    missed_persons / prescribed_persons (NaN when nobody was prescribed). town / village: the person's
    current area.
    """
    f = _normalise(dict(year=year, town=town, village=village))
    out = _run(con, "medication_adherence", f)
    out["month"] = pd.to_datetime(out["month"]).dt.date
    for col in ("prescribed_persons", "dispensed_persons", "missed_persons"):
        out[col] = out[col].astype("int64")
    out["missed_share"] = _ratio(out.missed_persons, out.prescribed_persons)
    return out


# ----------------------------------------------------------------------------- data quality
def load_summary(con) -> pd.DataFrame:
    """The loader's bookkeeping (table load_files): one row per loaded file — file, table_name,
    rows_read, rows_loaded, rows_rejected, source_dir, file_format, encoding, loaded_at. Empty when the
    database was not built by the loader."""
    if not _exists(con, "load_files"):
        return pd.DataFrame(columns=["file", "table_name", "rows_read", "rows_loaded", "rows_rejected",
                                     "source_dir", "file_format", "encoding", "loaded_at"])
    return _run(con, "load_summary")


def rejects_summary(con) -> pd.DataFrame:
    """Rejected rows counted per (file, column_name, rule) (table rejects): file, column_name, rule,
    rows. Empty when nothing was rejected."""
    if not _exists(con, "rejects"):
        return pd.DataFrame(columns=["file", "column_name", "rule", "rows"])
    return _run(con, "rejects_summary")


def rejects(con, file: str | None = None) -> pd.DataFrame:
    """Rejected rows (table rejects), optionally of one file: file, row_number (1-based line as seen in
    the file, header = 1), column_name, rule, reason, raw_row (JSON, id_number and name masked)."""
    if not _exists(con, "rejects"):
        return pd.DataFrame(columns=["file", "row_number", "column_name", "rule", "reason", "raw_row"])
    f = _normalise(dict(file=file))
    return _run(con, "rejects", f)


def load_info(con) -> pd.DataFrame:
    """What the loader recorded about this load (table load_info): key, value (text) — source,
    loaded_at, the demo generator's seed and size, the data date. Empty when the database was not built
    by the loader."""
    if not _exists(con, "load_info"):
        return pd.DataFrame(columns=["key", "value"])
    return _run(con, "load_info")
