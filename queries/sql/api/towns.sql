-- grain: one row per town (镇街) of the persons register (stg_persons), sorted
-- params: none
with final as (
    select distinct town from stg_persons where town is not null
)
select * from final order by town
