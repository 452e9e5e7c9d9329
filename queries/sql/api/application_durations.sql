-- grain: one row per paid application, ordered by submitted_date, application_id
-- params: year (submission year; optional, null = all years); town, village, category, program,
--   program_group (optional, null = all)
with final as (
    select application_id, program_id, reform_period as period, route, submitted_date,
           first_paid_date, working_days, trips, materials
    from mart_processing as a
    where ($year is null or a.year = $year)
        and ($town is null or a.town = $town)
        and ($village is null or a.village = $village)
        and ($category is null or a.category = $category)
        and ($program is null or a.program_id = $program)
        and ($program_group is null or a.program_group = $program_group)
)

select * from final order by submitted_date, application_id
