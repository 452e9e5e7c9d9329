-- grain: one row per (year, program, person) with at least one eligible (E) or paid (R) month in the
--        year, for monthly programs whose rule the seed knows
-- materialized: table
-- METRICS.md targeting errors, in person-months of the year: E = eligible person-months, R = person-
-- months with a payment of that program for that period; exclusion_error = |E \ R| / |E|,
-- inclusion_error = |R \ E| / |R|. A person-month paid twice is one paid person-month.
-- The person-months are counted per (year, program, person) here (eligible_months, paid_months,
-- eligible_paid_months) so that the API only sums a table ~12× smaller than the person-months; the
-- set differences follow: |E \ R| = eligible − eligible_paid, |R \ E| = paid − eligible_paid.
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

person_years as (
    select
        year(month)::integer as year,
        program_id,
        person_id,
        count(*) filter (where is_eligible) as eligible_months,
        count(*) filter (where is_paid) as paid_months,
        count(*) filter (where is_eligible and is_paid) as eligible_paid_months
    from unioned
    group by year(month), program_id, person_id
),

final as (
    select
        y.year,
        y.program_id,
        y.person_id,
        y.eligible_months,
        y.paid_months,
        y.eligible_paid_months,
        p.town,
        p.village,
        p.category,
        p.grade
    from person_years as y
    left join persons as p using (person_id)
)

select * from final
