-- grain: one row per application (the loaded `applications` table)
-- Staging: rename/cast only. decision is approved/rejected/pending, channel online/window/proxy.
with source as (
    select * from applications
),

final as (
    select
        application_id,
        person_id,
        program_id,
        submitted_date,
        decided_date,
        decision,
        first_paid_date,
        channel,
        trips::integer as trips,
        materials::integer as materials
    from source
)

select * from final
