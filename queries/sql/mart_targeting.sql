-- grain: one row per (program, person, month) that is eligible (E) or paid (R), for monthly programs
--        whose rule the seed knows
-- materialized: table
-- METRICS.md targeting errors, in person-months of the year: E = eligible person-months, R = person-
-- months with a payment of that program for that period; exclusion_error = |E \ R| / |E|,
-- inclusion_error = |R \ E| / |R|. A person-month paid twice is one paid person-month.
-- Paid months outside the data range have no eligibility evaluation; they are kept (is_eligible =
-- false) only when their year is inside the data range, since the API asks by year.
with eligibility as (
    select * from int_eligibility_months
),

payments as (
    select * from int_payments
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

data_range as (
    select * from int_data_range
),

targeted_programs as (
    select program_id
    from programs
    where cycle = 'monthly'
        and rule in (select rule from eligibility_rules)
),

eligible as (
    -- already one row per (person, program, month)
    select person_id, program_id, month
    from eligibility
    where program_id in (select program_id from targeted_programs)
),

paid as (
    select distinct person_id, program_id, period as month
    from payments, data_range
    where program_id in (select program_id from targeted_programs)
        and year between data_range.first_year and data_range.last_year
),

unioned as (
    select
        coalesce(e.person_id, r.person_id) as person_id,
        coalesce(e.program_id, r.program_id) as program_id,
        coalesce(e.month, r.month) as month,
        e.person_id is not null as is_eligible,
        r.person_id is not null as is_paid
    from eligible as e
    full outer join paid as r
        on e.person_id = r.person_id and e.program_id = r.program_id and e.month = r.month
),

final as (
    select
        u.program_id,
        u.person_id,
        u.month,
        year(u.month)::integer as year,
        u.is_eligible,
        u.is_paid,
        p.town,
        p.village,
        p.category,
        p.grade
    from unioned as u
    left join persons as p using (person_id)
)

select * from final
