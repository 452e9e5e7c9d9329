-- grain: one row per (year, person, program, tier) with at least one payment whose period is in the
--        year (tier NULL for payments without one)
-- materialized: table
-- Answers "at which tier was each person paid, and how close to the tier's cap" (spend_by_tier). It is
-- mart_spend rolled up to the tier grain so that the tier table stays fast on a large district; spend
-- reconciles with mart_spend and mart_person_program_years by construction.
-- * paid_months: distinct period months paid at that tier (a monthly program's cap is the monthly
--   standard × paid months; an annual / per-claim program's cap is the tier amount).
-- Built from the payments' keys and amounts only; program and person attributes joined after the
-- aggregation.
with spend as (
    select year, person_id, program_id, tier, period, amount from mart_spend
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

person_tier_years as (
    select
        year,
        person_id,
        program_id,
        tier,
        sum(amount) as spend,
        count(*) as payments,
        -- distinct period months of the year as a 12-bit mask (periods are month starts)
        bit_count(bit_or(1 << (month(period) - 1)))::bigint as paid_months
    from spend
    group by year, person_id, program_id, tier
),

final as (
    select
        y.year,
        y.person_id,
        y.program_id,
        y.tier,
        pr.program_group,
        pr.cycle,
        p.town,
        p.village,
        p.category,
        y.spend,
        y.payments,
        y.paid_months
    from person_tier_years as y
    left join programs as pr using (program_id)
    left join persons as p using (person_id)
)

select * from final
