-- grain: one row per follow-up case (待办事项): a stop, start or retier case of the month's check
--        (mart_month_check, case_key = check:program:person:run start month) that needs a caseworker,
--        or a gap case of mart_gap_cases that no such case covers
-- materialized: table
-- The cases whose follow-up the operational database keeps (access.cases: status, money recovered,
-- who and when). One definition of each money figure: amount_yuan is what the case is about.
-- * stop: the money paid for the months of the ineligible run (first payment of each period; later
--   ones are duplicate_payment cases), months = months paid in it. A stop whose months were never paid
--   needs nobody unless it is listed in the last month of the data (then it must be stopped before
--   the next payroll); it is left out otherwise: the payroll stopped in time.
-- * start: the money owed for the run's unpaid eligible months where the rule states an amount (NULL
--   for the nursing subsidy); months = the run's months.
-- * retier: the sum of paid − expected over the run (positive overpaid, negative underpaid).
-- * gap cases (check = the gap key): duplicate_payment (each later payment: its amount), the rehab and
--   tier checks, medication_missed, and the payment gaps of programs the month's check does not
--   cover (a yearly program paid after death). Their key is gap:program:person:<payment_id, else the
--   case's since month, else its year>; month = since (or the period, or 1 January of the year).
-- item = check:reason for the month's cases ('stop:death'), the gap key otherwise: the ledger's rows.
-- listed_last = the case is listed in the last month of the data (still open in the data).
with month_cases as (
    select * from mart_month_check
),

gap_cases as (
    select * from mart_gap_cases
),

data_range as (
    select * from int_data_range
),

check_programs as (
    select distinct program_id from mart_month_check
),

gap_keys_of_cases as (
    select gap from gap_keys
    where gap in ('duplicate_payment', 'rehab_over_cap', 'tier_outside_age_band', 'medication_missed')
),

payment_gaps as (
    select gap from gap_keys where case_kind = 'payment'
),

runs as (
    select
        case_key,
        any_value("check") as "check",
        any_value(reason) as reason,
        any_value(person_id) as person_id,
        any_value(id_number_masked) as id_number_masked,
        any_value(name_masked) as name_masked,
        any_value(town) as town,
        any_value(village) as village,
        any_value(category) as category,
        any_value(grade) as grade,
        any_value(program_id) as program_id,
        any_value(run_start) as month,
        any_value(since) as since,
        min(month) as first_listed,
        max(month) as last_listed,
        case any_value("check")
            when 'stop' then count(amount_yuan)
            else count(*)
        end::integer as months,
        sum(amount_yuan)::decimal(14, 2) as amount_yuan
    from month_cases
    group by case_key
),

run_cases as (
    select
        r.*,
        r."check" || ':' || r.reason as item,
        null::varchar as payment_id,
        null::integer as year
    from runs as r
    where r."check" <> 'stop'
        or r.months > 0
        or r.last_listed = (select last_month from data_range)
),

other_cases as (
    select
        g.gap || ':' || coalesce(g.program_id, '') || ':' || g.person_id || ':'
            || coalesce(g.payment_id, strftime(g.since, '%Y-%m'), g.year::varchar) as case_key,
        g.gap as "check",
        null::varchar as reason,
        g.person_id,
        g.id_number_masked,
        g.name_masked,
        g.town,
        g.village,
        g.category,
        g.grade,
        g.program_id,
        coalesce(date_trunc('month', g.since), make_date(g.year, 1, 1))::date as month,
        g.since,
        null::date as first_listed,
        null::date as last_listed,
        g.months,
        g.amount_yuan,
        g.gap as item,
        g.payment_id,
        g.year
    from gap_cases as g
    where g.gap in (select gap from gap_keys_of_cases)
        or (g.gap in (select gap from payment_gaps)
            and g.gap <> 'duplicate_payment'
            and g.program_id not in (select program_id from check_programs))
),

cases as (
    select * from run_cases
    union all by name
    select * from other_cases
),

final as (
    select
        case_key,
        "check",
        reason,
        item,
        person_id,
        id_number_masked,
        name_masked,
        town,
        village,
        category,
        grade,
        program_id,
        payment_id,
        month,
        coalesce(year, year(month))::integer as year,
        since,
        first_listed,
        last_listed,
        coalesce(last_listed = (select last_month from data_range), false) as listed_last,
        months,
        amount_yuan
    from cases
)

select * from final
