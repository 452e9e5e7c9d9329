-- grain: one row per person per year of the certified population
-- Answers "who should the federation reach this year" (the coverage denominator). METRICS.md:
-- coverage = persons of the certified population with at least one payment in the year (period in the
-- year, any program — or the filtered programs) / certified population, per (category, grade), town,
-- sex, age band. The numerator is a semi-join with mart_spend at query time so that a program filter
-- narrows it while the denominator stays the certified population.
with certified as (
    select * from int_certified_person_years
),

final as (
    select
        person_id,
        year,
        town,
        village,
        sex,
        hukou,
        category,
        grade,
        age_band,
        valid_months,
        alive_at_year_start
    from certified
)

select * from final
