-- grain: one row per paid application (an application with a first_paid_date)
-- Answers "how many working days from application to first payment, before and after the 最多跑一次
-- reform, and by payment route". METRICS.md: processing time = number of working days d with
-- submitted_date < d <= first_paid_date; medians are continuous (computed at query time with
-- quantile_cont / median). Applications without first_paid_date have no processing time and are left
-- out, whatever their decision.
with applications as (
    select * from int_applications
),

final as (
    select
        application_id,
        person_id,
        program_id,
        program_group,
        year,
        submitted_date,
        first_paid_date,
        reform_date,
        reform_period,
        route,
        working_days,
        trips,
        materials,
        channel,
        town,
        village,
        category,
        grade
    from applications
    where first_paid_date is not null
)

select * from final
