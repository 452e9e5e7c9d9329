-- grain: one row: what the 最多跑一次 reform saved on the paid applications submitted in the year
--   on or after their program's reform_date
-- params: year (required); town, village, category, program, program_group (optional, null = all).
--   The before/after medians behind working_days_saved are taken over all years under the filters.
with apps as (
    select *
    from mart_processing as a
    where a.working_days is not null
        and ($town is null or a.town = $town)
        and ($village is null or a.village = $village)
        and ($category is null or a.category = $category)
        and ($program is null or a.program_id = $program)
        and ($program_group is null or a.program_group = $program_group)
),

medians as (
    select program_id,
           quantile_cont(working_days, 0.5) filter (where reform_period = 'before')
           - quantile_cont(working_days, 0.5) filter (where reform_period = 'after') as saved
    from apps
    group by program_id
),

after_reform as (
    select a.*, p.trips_before, p.trips_after, p.materials_before, p.materials_after, m.saved
    from apps as a
    inner join stg_programs as p using (program_id)
    left join medians as m using (program_id)
    where a.year = $year and a.reform_period = 'after'
),

final as (
    select count(*) as applications,
           coalesce(sum(saved), 0)::double as working_days_saved_total,
           coalesce(sum(trips_before - coalesce(trips, trips_after)), 0)::bigint as trips_saved_total,
           coalesce(sum(materials_before - coalesce(materials, materials_after)), 0)::bigint as materials_saved_total
    from after_reform
)

select * from final
