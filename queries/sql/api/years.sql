-- grain: one row per year of the data range (stg_parameters), ascending
-- params: none
with final as (
    select year from stg_parameters
)
select * from final order by year
