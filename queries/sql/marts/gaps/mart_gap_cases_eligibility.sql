-- grain: one row per (eligibility gap, person, monthly program, year): eligible_unpaid and late_start
-- The eligibility gaps of METRICS.md ("不早也不晚"); read by mart_gap_cases (columns as its `cases`).
-- * eligible_unpaid: (person, monthly program, year) with at least one eligible month in the year and no
--   payment of that program with a period in the year; months = eligible months in the year.
-- * late_start: (person, monthly program, year) paid in the year whose first paid month in the year is
--   more than one month after the first eligible month in the year; months = eligible months in the
--   year before the first paid month (the months missed: eligible Jan–Jun, paid Mar–Jun → 2).
-- since = the first eligible month in the year; amount_yuan is NULL.
-- The big imports (payments, eligibility) are `not materialized`: each use scans only the columns and
-- rows it needs instead of DuckDB copying the whole table once for all uses.
with programs as (
    select * from stg_programs
),

payments as not materialized (
    select * from int_payments
),

eligibility as not materialized (
    select * from int_eligibility_months
),

monthly_programs as (
    select program_id
    from programs
    where cycle = 'monthly'
),

eligible_years as (
    select
        person_id,
        program_id,
        year,
        min(month) as first_eligible_month,
        count(*) as eligible_months
    from eligibility
    where program_id in (select program_id from monthly_programs)
    group by person_id, program_id, year
),

paid_years as (
    select
        person_id,
        program_id,
        year,
        min(period) as first_paid_month
    from payments
    where program_id in (select program_id from monthly_programs)
    group by person_id, program_id, year
),

eligible_unpaid as (
    select
        'eligible_unpaid' as gap,
        e.year,
        e.person_id,
        e.program_id,
        'eligible ' || e.eligible_months || ' month(s) in ' || e.year || ', no payment' as detail,
        e.year || ' 年符合 ' || coalesce(pr.name, e.program_id) || ' 条件 ' || e.eligible_months
            || ' 个月，当年未发放' as detail_zh,
        e.first_eligible_month as since,
        e.eligible_months::integer as months
    from eligible_years as e
    left join paid_years as r using (person_id, program_id, year)
    left join programs as pr using (program_id)
    where r.person_id is null
),

late_starts as (
    select
        'late_start' as gap,
        e.year,
        e.person_id,
        e.program_id,
        'first eligible ' || strftime(e.first_eligible_month, '%Y-%m')
            || ', first paid ' || strftime(r.first_paid_month, '%Y-%m') as detail,
        coalesce(pr.name, e.program_id) || ' 首个符合条件月份 ' || strftime(e.first_eligible_month, '%Y-%m')
            || '，首次发放月份 ' || strftime(r.first_paid_month, '%Y-%m') as detail_zh,
        e.first_eligible_month as since,
        (
            select count(*)::integer
            from eligibility as m
            where m.person_id = e.person_id
                and m.program_id = e.program_id
                and m.year = e.year
                and m.month < r.first_paid_month
        ) as months
    from eligible_years as e
    inner join paid_years as r using (person_id, program_id, year)
    left join programs as pr using (program_id)
    where date_diff('month', e.first_eligible_month, r.first_paid_month) > 1
),

cases as (
    select * from eligible_unpaid
    union all
    select * from late_starts
),

final as (
    select
        gap,
        year::integer as year,
        person_id,
        program_id,
        null::varchar as payment_id,
        detail,
        detail_zh,
        since::date as since,
        months,
        null::decimal(14, 2) as amount_yuan,
        null::varchar as case_group
    from cases
)

select * from final
