-- grain: one row per application
-- materialized: table
-- Application facts with the processing time in working days.
-- * working_days = number of working days d with submitted_date < d <= first_paid_date (METRICS.md),
--   computed as workday_seq(first_paid_date) - workday_seq(submitted_date) on calendar_days (official
--   calendar with 调休 make-up days; Mon–Fri fallback for years chinese_calendar does not know).
--   NULL when the application has no first_paid_date (not paid: no processing time).
-- * reform_period: 'after' when the program has a reform_date and submitted_date >= reform_date
--   (DATA_CONTRACT.md: "applications on or after it count as after reform"), else 'before' — a program
--   without a reform_date has only 'before' applications.
-- * year = year of submitted_date (the year an application belongs to; METRICS.md is silent).
-- * route: the route of the application's first payment (payments.application_id, earliest paid_date
--   then payment_id); NULL when no payment names the application.
with applications as (
    select * from stg_applications
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

payments as (
    select * from stg_payments
),

calendar as (
    select * from calendar_days
),

first_payments as (
    select
        application_id,
        arg_min(route, (paid_date, payment_id)) as route
    from payments
    where application_id is not null
    group by application_id
),

final as (
    select
        a.application_id,
        a.person_id,
        a.program_id,
        year(a.submitted_date)::integer as year,
        a.submitted_date,
        a.decided_date,
        a.decision,
        a.first_paid_date,
        a.channel,
        a.trips,
        a.materials,
        case
            when pr.reform_date is not null and a.submitted_date >= pr.reform_date then 'after'
            else 'before'
        end as reform_period,
        fp.route,
        paid_day.workday_seq - submitted_day.workday_seq as working_days,
        pr.program_group,
        pr.reform_date,
        p.town,
        p.village,
        p.category,
        p.grade
    from applications as a
    left join programs as pr using (program_id)
    left join persons as p using (person_id)
    left join first_payments as fp using (application_id)
    left join calendar as submitted_day on submitted_day.day = a.submitted_date
    left join calendar as paid_day on paid_day.day = a.first_paid_date
)

select * from final
