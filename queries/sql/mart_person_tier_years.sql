-- grain: one row per (year, person, program, tier) with at least one payment whose period is in the
--        year (tier NULL for payments without one)
-- materialized: table
-- Answers "at which tier was each person paid, and how close to the tier's cap" (spend_by_tier). It is
-- mart_spend rolled up to the tier grain so that the tier table stays fast on a large district; spend
-- reconciles with mart_spend and mart_person_program_years by construction.
-- * paid_months: distinct period months paid at that tier (a monthly program's cap is the monthly
--   standard × paid months; an annual / per-claim program's cap is the tier amount).
with spend as (
    select * from mart_spend
),

final as (
    select
        year,
        person_id,
        program_id,
        tier,
        any_value(program_group) as program_group,
        any_value(cycle) as cycle,
        any_value(town) as town,
        any_value(village) as village,
        any_value(category) as category,
        sum(amount) as spend,
        count(*) as payments,
        count(distinct period) as paid_months
    from spend
    group by year, person_id, program_id, tier
)

select * from final
