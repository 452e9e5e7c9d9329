-- grain: one row per payment, with the program and person attributes every spend filter needs
-- Answers "who was paid how much, by which program, for which month". The API aggregates it at query
-- time under the filters (year = period year, town/village/category = the person's current values,
-- program / program_group), so spend, 人次 and payments agree on every page.
-- METRICS.md: spend = sum of amount of payments whose period is in the year; 人次 = distinct
-- (person, program) pairs with a payment whose period is in the year. Duplicates and payments after
-- death are money that left the account, so they count in spend (they are flagged as gaps separately).
with payments as (
    select * from int_payments
),

final as (
    select
        payment_id,
        person_id,
        program_id,
        application_id,
        period,
        year,
        paid_date,
        amount,
        tier,
        route,
        program_group,
        cycle,
        rule,
        town,
        village,
        sex,
        hukou,
        cert_status,
        category,
        grade,
        age_band
    from payments
)

select * from final
