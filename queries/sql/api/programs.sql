-- grain: one row per program of the catalog (stg_programs), ordered by program_id
-- params: program_group (optional, null = all programs)
with final as (
    select program_id, name, name_en, program_group, cycle, rule, trips_before, trips_after,
           materials_before, materials_after, reform_date
    from stg_programs as p
    where ($program_group is null or p.program_group = $program_group)
)
select * from final order by program_id
