-- grain: one row per priority group with at least one member in the year (the Python function adds
--   the empty groups and fixes the order)
-- params: year (required); town, village, category (person filters, optional); program,
--   program_group (the paying programs; when both are null, the 康复 group pays)
with members as (
    select priority_group, person_id
    from mart_priority_children as m
    where m.year = $year
        and ($town is null or m.town = $town)
        and ($village is null or m.village = $village)
        and ($category is null or m.category = $category)
),

paid as (
    select person_id, sum(spend)::double as spend
    from mart_person_program_years as s
    where s.year = $year
        and case
            when $program is null and $program_group is null then s.program_group = '康复'
            else ($program is null or s.program_id = $program)
                and ($program_group is null or s.program_group = $program_group)
        end
    group by person_id
),

final as (
    select m.priority_group as "group", count(*) as persons, count(p.person_id) as persons_paid,
           coalesce(sum(p.spend), 0)::double as spend_yuan
    from members as m
    left join paid as p using (person_id)
    group by m.priority_group
)

select * from final
