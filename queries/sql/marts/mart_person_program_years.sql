-- grain: one row per (year, person, program) with at least one payment whose period is in the year
-- materialized: table
-- Answers "who was reached by which program in a year, with how much". It is mart_spend rolled up to
-- the 人次 grain (METRICS.md: 人次 = distinct (person, program) pairs with a payment whose period is in
-- the year), so yearly spend, 人次, persons paid, coverage numerators and benefit incidence read a table
-- ~10× smaller than the payments on a large district, with the same filter columns. Totals reconcile
-- with mart_spend by construction (sum of spend and payments).
-- * paid_months: distinct period months paid; paid_month_mask: the same months as bits (bit 0 = January),
--   for mart_spend_cube's persons per month; max_tier: highest tier on the year's payments (NULL when
--   none carries a tier) — used for cap use.
-- Built from the payments' keys and amounts only; the program's and the person's attributes (the
-- same current values int_payments carries) are joined after the aggregation, on ~5x fewer rows.
with spend as (
    select year, person_id, program_id, period, amount, tier from mart_spend
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

person_program_years as (
    select
        year,
        person_id,
        program_id,
        sum(amount) as spend,
        count(*) as payments,
        -- distinct period months of the year as a 12-bit mask: a fixed-size aggregate state instead of
        -- a count(distinct) (periods are month starts, DATA_CONTRACT.md)
        bit_or(1 << (month(period) - 1))::integer as paid_month_mask,
        max(tier) as max_tier
    from spend
    group by year, person_id, program_id
),

final as (
    select
        y.year,
        y.person_id,
        y.program_id,
        pr.program_group,
        pr.cycle,
        p.town,
        p.village,
        p.sex,
        p.hukou,
        p.category,
        p.grade,
        age_band(age_in_months(p.birth_date, make_date(y.year, 1, 1)) // 12) as age_band,
        y.spend,
        y.payments,
        bit_count(y.paid_month_mask)::bigint as paid_months,
        y.paid_month_mask,
        y.max_tier
    from person_program_years as y
    left join programs as pr using (program_id)
    left join persons as p using (person_id)
)

select * from final
