-- grain: one row per (year, month, program_level, program_group, program_id, town, village, category)
--        with a payment; month NULL = the whole year. program_level 0 = one program (program_group
--        and program_id set), 1 = one program group (program_id NULL), 3 = every program (both NULL)
-- materialized: table
-- The spend, payments and persons paid that the overview, the monthly chart and the KPI tiles read,
-- pre-aggregated at load under every program filter (the three levels) and down to the person
-- filters (town, village, category). A person has one town, village and category, so persons paid
-- of a filter are the sum of its cells' persons; only the program and the month are not additive,
-- and each level and month has cells of its own: persons = distinct persons in the cell (paid for a
-- period in that month, or in the year), person_times (year rows only) = distinct (person, program)
-- pairs (人次, METRICS.md), spend and payments as mart_spend sums them (period in the year / month).
-- A query picks its level from its filters (kpi_overview, monthly_spend) and sums a few thousand
-- rows instead of the year's payments.
-- Built from mart_person_program_years (its paid_month_mask: the months each (person, program) was
-- paid) for the persons and the year, and from one grouping of mart_spend for each month's money.
with payments as not materialized (
    select year, period, program_id, program_group, town, village, category, amount from mart_spend
),

program_years as not materialized (
    select year, person_id, program_id, program_group, town, village, category, spend, payments, paid_month_mask
    from mart_person_program_years
),

-- each person-year once per level and key: the months any program of the key paid, its programs
person_levels as (
    select year, person_id, 0 as program_level, program_group, program_id, town, village, category,
           paid_month_mask as mask, 1 as programs, spend, payments
    from program_years
    union all
    select year, person_id, 1 as program_level, program_group, null as program_id, any_value(town),
           any_value(village), any_value(category), bit_or(paid_month_mask), count(*), sum(spend), sum(payments)
    from program_years
    group by year, person_id, program_group
    union all
    select year, person_id, 3 as program_level, null as program_group, null as program_id, any_value(town),
           any_value(village), any_value(category), bit_or(paid_month_mask), count(*), sum(spend), sum(payments)
    from program_years
    group by year, person_id
),

cells as (
    select
        year, program_level, program_group, program_id, town, village, category,
        count(*) as persons,
        sum(programs)::bigint as person_times,
        sum(spend) as spend,
        sum(payments)::bigint as payments,
        sum((mask >> 0) & 1)::bigint as m01,
        sum((mask >> 1) & 1)::bigint as m02,
        sum((mask >> 2) & 1)::bigint as m03,
        sum((mask >> 3) & 1)::bigint as m04,
        sum((mask >> 4) & 1)::bigint as m05,
        sum((mask >> 5) & 1)::bigint as m06,
        sum((mask >> 6) & 1)::bigint as m07,
        sum((mask >> 7) & 1)::bigint as m08,
        sum((mask >> 8) & 1)::bigint as m09,
        sum((mask >> 9) & 1)::bigint as m10,
        sum((mask >> 10) & 1)::bigint as m11,
        sum((mask >> 11) & 1)::bigint as m12
    from person_levels
    group by year, program_level, program_group, program_id, town, village, category
),

month_persons as (
    select
        year, program_level, program_group, program_id, town, village, category,
        make_date(year, cast(substr(month_name, 2) as integer), 1) as month,
        persons
    from (unpivot (select year, program_level, program_group, program_id, town, village, category, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12 from cells)
          on m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12 into name month_name value persons)
    where persons > 0
),

-- each month's money is additive: by program, then summed to the group and to every program
month_money as (
    select year, period as month, program_group, program_id, town, village, category,
           sum(amount) as spend, count(*) as payments
    from payments
    group by year, period, program_group, program_id, town, village, category
),

money as (
    select
        year, month, program_group, program_id, town, village, category,
        grouping(program_group, program_id) as program_level,
        sum(spend) as spend,
        sum(payments)::bigint as payments
    from month_money
    group by grouping sets (
        (year, month, town, village, category),
        (year, month, program_group, town, village, category),
        (year, month, program_group, program_id, town, village, category)
    )
),

months as (
    select year, month, program_level, program_group, program_id, town, village, category,
           sum(spend) as spend, sum(payments)::bigint as payments, sum(persons)::bigint as persons
    from (
        select year, month, program_level, program_group, program_id, town, village, category, spend, payments,
               0 as persons
        from money
        union all
        select year, month, program_level, program_group, program_id, town, village, category, 0 as spend,
               0 as payments, persons
        from month_persons
    )
    group by year, month, program_level, program_group, program_id, town, village, category
),

final as (
    select year, null::date as month, program_level, program_group, program_id, town, village, category,
           spend::decimal(38, 2) as spend, payments, persons, person_times
    from cells
    union all
    select year, month, program_level, program_group, program_id, town, village, category,
           spend::decimal(38, 2) as spend, payments, persons, null::bigint as person_times
    from months
)

select * from final
