-- grain: one row per month of the data range (int_months), ascending
-- params: none
-- The months the month's check (每月核查) can be run for; the last one is its default.
with final as (
    select month from int_months
)

select * from final order by month
