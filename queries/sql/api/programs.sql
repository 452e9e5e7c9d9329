-- grain: one row per program of the catalog (stg_programs), ordered by program_id
-- params: none
with final as (
    select program_id, name, name_en, program_group, cycle, rule, trips_before, trips_after,
           materials_before, materials_after, reform_date
    from stg_programs
)
select * from final order by program_id
