-- grain: one row per payment route of the application's first payment (NULL route last)
-- params: year (submission year; optional, null = all years); town, village, category, program,
--   program_group (optional, null = all)
with apps as (
    select *
    from mart_processing as a
    where a.working_days is not null
        and ($year is null or a.year = $year)
        and ($town is null or a.town = $town)
        and ($village is null or a.village = $village)
        and ($category is null or a.category = $category)
        and ($program is null or a.program_id = $program)
        and ($program_group is null or a.program_group = $program_group)
),

final as (
    select route, count(*) as applications,
           quantile_cont(working_days, 0.5)::double as median_days,
           avg(working_days)::double as mean_days
    from apps
    group by route
)

select * from final order by route nulls last
