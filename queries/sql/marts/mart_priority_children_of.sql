-- grain: one row per (year, priority group, child) of mart_priority_children within the person filters,
--   with paid: the child has a payment for a period in the year from the programs counted
-- materialized: macro
-- params: pc_year, pc_town, pc_village, pc_category, pc_program, pc_program_group
-- The one definition of a priority group's persons_paid: a child is paid when a counted program paid
-- them for a period in the year; counted are the 康复 programs when neither pc_program nor
-- pc_program_group is given, else the programs they name. priority_children counts these rows,
-- priority_children_people lists them.
-- * programs: the counted programs that paid the child in the year, program_id order, '|'-separated;
--   spend_yuan: their money for periods in the year (0 when not paid).
with members as (
    select *
    from mart_priority_children as m
    where (pc_year is null or m.year = pc_year)
        and (pc_town is null or m.town = pc_town)
        and (pc_village is null or m.village = pc_village)
        and (pc_category is null or m.category = pc_category)
),

paid as (
    select
        s.person_id,
        s.year,
        string_agg(s.program_id, '|' order by s.program_id) as programs,
        sum(s.spend) as spend_yuan
    from mart_person_program_years as s
    where (pc_year is null or s.year = pc_year)
        and case
            when pc_program is null and pc_program_group is null then s.program_group = '康复'
            else (pc_program is null or s.program_id = pc_program)
                and (pc_program_group is null or s.program_group = pc_program_group)
        end
    group by s.person_id, s.year
),

final as (
    select
        m.*,
        p.person_id is not null as paid,
        p.programs,
        coalesce(p.spend_yuan, 0)::double as spend_yuan
    from members as m
    left join paid as p on p.person_id = m.person_id and p.year = m.year
)

select * from final
