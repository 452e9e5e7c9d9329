-- grain: one row per village (村社区) of the persons register (stg_persons), sorted
-- params: town (optional, null = every town)
with final as (
    select distinct p.village
    from stg_persons as p
    where p.village is not null
        and ($town is null or p.town = $town)
)
select * from final order by village
