-- grain: one row per (year, person, program) with at least one payment whose period is in the year
-- materialized: table
-- Answers "who was reached by which program in a year, with how much". It is mart_spend rolled up to
-- the 人次 grain (METRICS.md: 人次 = distinct (person, program) pairs with a payment whose period is in
-- the year), so yearly spend, 人次, persons paid, coverage numerators and benefit incidence read a table
-- ~10× smaller than the payments on a large district, with the same filter columns. Totals reconcile
-- with mart_spend by construction (sum of spend and payments).
-- * paid_months: distinct period months paid; max_tier: highest tier on the year's payments (NULL when
--   none carries a tier) — used for cap use.
with spend as (
    select * from mart_spend
),

final as (
    select
        year,
        person_id,
        program_id,
        any_value(program_group) as program_group,
        any_value(cycle) as cycle,
        any_value(town) as town,
        any_value(village) as village,
        any_value(sex) as sex,
        any_value(hukou) as hukou,
        any_value(category) as category,
        any_value(grade) as grade,
        any_value(age_band) as age_band,
        sum(amount) as spend,
        count(*) as payments,
        count(distinct period) as paid_months,
        max(tier) as max_tier
    from spend
    group by year, person_id, program_id
)

select * from final
