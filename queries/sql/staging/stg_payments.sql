-- grain: one row per payment (the loaded `payments` table)
-- Staging: rename/cast only. period is stored by the loader as the DATE of the month's first day; for
-- yearly programs it is any month of the year paid for. amount is yuan (> 0).
with source as (
    select * from payments
),

final as (
    select
        payment_id,
        person_id,
        program_id,
        application_id,
        period,
        paid_date,
        amount::decimal(14, 2) as amount,
        tier::integer as tier,
        route
    from source
)

select * from final
