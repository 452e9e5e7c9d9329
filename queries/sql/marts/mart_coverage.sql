-- grain: one row per person per year of the certified population
-- materialized: table
-- Answers "who should the federation reach this year" (the coverage denominator) and who was reached.
-- METRICS.md: coverage = persons of the certified population with at least one payment in the year
-- (period in the year, any program — or the filtered programs) / certified population, per (category,
-- grade), town, sex, age band.
-- * paid_programs: the programs that paid the person for a period in the year, as a set of
--   int_program_bits (0 = none), from mart_person_program_years: a program filter is one AND with the
--   filter's set at query time (coverage_by, kpi_overview), no semi-join with the year's payments.
-- * surveyed: the person was surveyed (survey_status 'surveyed') in the year's census (census
--   completion of kpi_overview).
-- Pre-aggregated at load so that the coverage and KPI queries scan one year of this table only (about
-- 900,000 rows on a 1,000,000-person district).
with certified as (
    select * from int_certified_person_years
),

program_years as (
    select year, person_id, program_id from mart_person_program_years
),

bits as (
    select * from int_program_bits
),

census as (
    select * from stg_census
),

paid as (
    select y.year, y.person_id, bit_or(b.bit) as paid_programs
    from program_years as y
    inner join bits as b using (program_id)
    group by y.year, y.person_id
),

surveyed as (
    select distinct survey_year as year, person_id
    from census
    where survey_status = 'surveyed'
),

final as (
    select
        c.person_id,
        c.year,
        c.town,
        c.village,
        c.sex,
        c.hukou,
        c.category,
        c.grade,
        c.age_band,
        c.valid_months,
        c.alive_at_year_start,
        coalesce(p.paid_programs, 0::uhugeint) as paid_programs,
        s.person_id is not null as surveyed
    from certified as c
    left join paid as p on p.year = c.year and p.person_id = c.person_id
    left join surveyed as s on s.year = c.year and s.person_id = c.person_id
)

select * from final
