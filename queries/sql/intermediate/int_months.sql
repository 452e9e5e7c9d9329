-- grain: one row per calendar month of the data range
-- A month is represented by the DATE of its first day (the contract's month convention); the state of
-- a person in month M is their state on this day (METRICS.md).
with data_range as (
    select * from int_data_range
),

series as (
    select unnest(generate_series(first_month::timestamp, last_month::timestamp, interval 1 month)) as month_ts
    from data_range
    where first_month is not null
),

final as (
    select
        month_ts::date as month,
        year(month_ts)::integer as year
    from series
)

select * from final
