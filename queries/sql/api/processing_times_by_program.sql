-- grain: one row per program of the catalog (narrowed by program / program_group), zeros included,
--   ordered by program_id
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

per_program as (
    select program_id,
           count(*) filter (where reform_period = 'before') as applications_before,
           count(*) filter (where reform_period = 'after') as applications_after,
           quantile_cont(working_days, 0.5) filter (where reform_period = 'before')::double as median_days_before,
           quantile_cont(working_days, 0.5) filter (where reform_period = 'after')::double as median_days_after
    from apps
    group by program_id
),

final as (
    select p.program_id, p.name, p.name_en, p.reform_date,
           coalesce(a.applications_before, 0) as applications_before,
           coalesce(a.applications_after, 0) as applications_after,
           a.median_days_before, a.median_days_after,
           (a.median_days_before - a.median_days_after)::double as working_days_saved,
           p.trips_before, p.trips_after, p.materials_before, p.materials_after
    from stg_programs as p
    left join per_program as a using (program_id)
    where ($program is null or p.program_id = $program)
        and ($program_group is null or p.program_group = $program_group)
)

select * from final order by program_id
