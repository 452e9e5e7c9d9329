"""Analyst API: one small function per question, DataFrames out, over the views of queries/sql.

    import queries
    con = queries.connect()                      # read-only, contract.paths.db_path()
    queries.kpi_overview(con, year=2020, town="城关街道")
    queries.kpi_overview.sql_path                # the SQL file it runs: queries/sql/api/kpi_overview.sql

Conventions (docs/ARCHITECTURE.md):
- connection first; keyword filters `year`, `town`, `village`, `category`, `program` (program_id),
  `program_group`, each None = all. Values are always bound parameters ($name), never formatted into
  the SQL; a choice of grouping (`by=`, `level=`, `gap=`) goes through an allow-list that raises
  ValueError naming the allowed values.
- every function runs the file of sql/api/ named on its docstring's first line and in its `sql_path`
  attribute, on its own `con.cursor()` (a shared connection across threads returns wrong rows).
- ratios are fractions 0–1, computed in the SQL (NaN when the denominator is 0); money is yuan as float.
- person filters (town, village, category) use the person's current values; a year is the payment's
  period year, the application's submission year, the survey year.
- the same number is the same everywhere: spend, 人次 and persons come from `mart_spend` (payments)
  and its roll-up `mart_person_program_years` (person × program × year), the certified
  population from `mart_coverage`, processing times from `mart_processing`, gaps from `mart_gap_cases`;
  gap keys, labels and definitions from the seed queries/seeds/gap_keys.csv (`gap_catalog()`).
- nothing happens at import time but reading that 15-row seed (no connection, no query, no file written).

Layout: `queries.api` holds the functions, `queries._sql` the plumbing that reads, binds and runs a file;
`queries.install` creates the views (README.md).
"""
from __future__ import annotations

# the plumbing, for tests and for code that builds on the API (explicit re-exports, not in __all__)
from queries._sql import API_SQL_DIR as API_SQL_DIR
from queries._sql import api_query as api_query
from queries._sql import api_sql as api_sql
from queries.api import (
    AREA_LEVELS,
    CHECKS,
    COVERAGE_BY,
    DECISIONS_BY,
    FLOW_REASONS,
    FLOWS,
    GAP_KEYS,
    INCIDENCE_BY,
    MONTH_GAPS,
    PAYMENT_GAPS,
    POLICY_BY,
    POLICY_OUTCOMES,
    PRIORITY_GROUPS,
    PROCESSING_BY,
    adequacy,
    application_decisions,
    application_durations,
    benefit_incidence,
    census_gaps,
    census_gaps_by_area,
    check_months,
    connect,
    coverage_by,
    coverage_by_category,
    coverage_people,
    duration_stats,
    flow_people,
    gap_catalog,
    gap_definitions,
    gap_people,
    gap_trends,
    is_demo,
    kpi_overview,
    kpi_trends,
    load_comparison,
    load_info,
    load_summary,
    medication_adherence,
    medication_by_area,
    month_check,
    month_check_summary,
    monthly_spend,
    paid_people,
    personal_text,
    policy_simulation,
    policy_simulation_people,
    priority_children,
    priority_children_people,
    processing_times,
    program_flows,
    program_tiers,
    programs,
    reform_savings,
    rejects,
    rejects_summary,
    rule_seed,
    spend_by_program,
    spend_by_tier,
    status_event_sources,
    targeting_errors,
    tier_simulation,
    towns,
    villages,
    worklist,
    years,
)

__all__ = [
    "connect", "years", "towns", "villages", "programs", "kpi_overview", "monthly_spend",
    "coverage_by_category", "coverage_by", "coverage_people", "targeting_errors", "priority_children",
    "priority_children_people",
    "spend_by_program", "paid_people", "spend_by_tier", "benefit_incidence", "processing_times",
    "application_durations", "duration_stats", "reform_savings", "census_gaps", "census_gaps_by_area",
    "gap_people", "gap_catalog", "load_summary", "rejects_summary", "rejects", "load_info", "load_comparison",
    "is_demo", "personal_text", "gap_definitions",
    "medication_adherence", "medication_by_area", "check_months", "month_check", "month_check_summary", "worklist",
    "policy_simulation", "policy_simulation_people", "rule_seed", "tier_simulation", "program_tiers", "kpi_trends",
    "gap_trends", "program_flows",
    "flow_people",
    "application_decisions", "status_event_sources", "adequacy",
    # constants: the gap keys and families (from the seed), the priority groups, the allow-lists
    "GAP_KEYS", "PAYMENT_GAPS", "MONTH_GAPS", "PRIORITY_GROUPS", "COVERAGE_BY", "INCIDENCE_BY",
    "PROCESSING_BY", "AREA_LEVELS", "POLICY_BY", "POLICY_OUTCOMES", "FLOWS", "FLOW_REASONS", "DECISIONS_BY", "CHECKS",
]
