-- grain: exactly one row (the data range of the load)
-- The data range is January of the first year in `parameters` through December of the last
-- (ARCHITECTURE.md). Every monthly figure (person-months, eligibility) is evaluated inside it; payments
-- and applications outside it are still counted by their own period/dates.
-- Empty `parameters` gives NULL bounds and therefore no person-months.
with parameters as (
    select * from stg_parameters
),

final as (
    select
        min(year) as first_year,
        max(year) as last_year,
        make_date(min(year), 1, 1) as first_month,
        make_date(max(year), 12, 1) as last_month
    from parameters
)

select * from final
