-- grain: one row per priority group with at least one member in the year (the Python function adds
--   the empty groups and fixes the order)
-- params: year (required); town, village, category (person filters, optional); program,
--   program_group (the paying programs; when both are null, the 康复 group pays)
-- The children and whether each is paid: the table macro mart_priority_children_of (one definition
-- with the list behind a count, priority_children_people).
with final as (
    select m.priority_group as "group", count(*) as persons, count(*) filter (where m.paid) as persons_paid,
           coalesce(sum(m.spend_yuan), 0)::double as spend_yuan
    from mart_priority_children_of(
        pc_year := $year, pc_town := $town, pc_village := $village, pc_category := $category,
        pc_program := $program, pc_program_group := $program_group
    ) as m
    group by m.priority_group
)

select * from final
