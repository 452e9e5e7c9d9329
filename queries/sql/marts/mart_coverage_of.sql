-- grain: one row per person per year of the certified population (mart_coverage) within the person
--   filters, with covered: the person has a payment for a period in the year from the programs counted
-- materialized: macro
-- params: cov_year, cov_town, cov_village, cov_category, cov_program, cov_program_group
-- The one definition of the coverage numerator (METRICS.md): a person of the year's certified population
-- is covered when mart_person_program_years holds a row of theirs for that year and a counted program
-- (cov_program / cov_program_group; null = every program). coverage_by_category and coverage_by count
-- these rows, coverage_people lists them; called with no argument: every year, every program.
-- * programs: the counted programs that paid the person in the year, program_id order, '|'-separated;
--   spend_yuan: their money for periods in the year (0 when not covered).
with certified as (
    select *
    from mart_coverage as c
    where (cov_year is null or c.year = cov_year)
        and (cov_town is null or c.town = cov_town)
        and (cov_village is null or c.village = cov_village)
        and (cov_category is null or c.category = cov_category)
),

paid as (
    select
        s.person_id,
        s.year,
        string_agg(s.program_id, '|' order by s.program_id) as programs,
        sum(s.spend) as spend_yuan
    from mart_person_program_years as s
    where (cov_year is null or s.year = cov_year)
        and (cov_town is null or s.town = cov_town)
        and (cov_village is null or s.village = cov_village)
        and (cov_category is null or s.category = cov_category)
        and (cov_program is null or s.program_id = cov_program)
        and (cov_program_group is null or s.program_group = cov_program_group)
    group by s.person_id, s.year
),

final as (
    select
        c.*,
        p.person_id is not null as covered,
        p.programs,
        coalesce(p.spend_yuan, 0)::double as spend_yuan
    from certified as c
    left join paid as p on p.person_id = c.person_id and p.year = c.year
)

select * from final
