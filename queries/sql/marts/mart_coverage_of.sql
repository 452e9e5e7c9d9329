-- grain: one row per person per year of the certified population (mart_coverage) within the person
--   filters, with covered: the person has a payment for a period in the year from the programs counted
-- materialized: macro
-- params: cov_year, cov_town, cov_village, cov_category, cov_program, cov_program_group
-- The one definition of the coverage numerator (METRICS.md): a person of the year's certified population
-- is covered when a counted program (cov_program / cov_program_group; null = every program) paid them
-- for a period in the year: mart_coverage.paid_programs (pre-aggregated at load from
-- mart_person_program_years) and the counted programs' set of int_program_bits share a bit, one AND per
-- row. coverage_by_category and coverage_by count these rows, coverage_people lists them; called with
-- no argument: every year, every program.
with counted as (
    select coalesce(bit_or(b.bit), 0::uhugeint) as programs
    from int_program_bits as b
    where (cov_program is null or b.program_id = cov_program)
        and (cov_program_group is null or b.program_group = cov_program_group)
),

certified as (
    select *
    from mart_coverage as c
    where (cov_year is null or c.year = cov_year)
        and (cov_town is null or c.town = cov_town)
        and (cov_village is null or c.village = cov_village)
        and (cov_category is null or c.category = cov_category)
),

final as (
    select
        c.*,
        (c.paid_programs & (select programs from counted)) <> 0 as covered
    from certified as c
)

select * from final
