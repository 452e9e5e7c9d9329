-- grain: one row per (program, tier) (the loaded `program_tiers` table)
-- Staging: rename/cast only. amount is the monthly standard for monthly programs and the yearly cap
-- for annual / per-claim programs (DATA_CONTRACT.md).
with source as (
    select * from program_tiers
),

final as (
    select
        program_id,
        tier::integer as tier,
        amount::decimal(14, 2) as amount,
        "condition" as tier_condition
    from source
)

select * from final
