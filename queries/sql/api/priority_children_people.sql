-- grain: one row per child of the year's priority groups (paid or not, as asked), masked, sorted by
--   group, town, village, person_id
-- params: year (required); priority_group (one group, null = all); paid (true: the children paid,
--   false: not yet paid, null: both); town, village, category (person filters); program,
--   program_group (the paying programs; when both are null, the 康复 group pays); optional, null = all
-- The children behind a count of priority_children: the same rows of the table macro
-- mart_priority_children_of, so len(rows) of a group is its persons, with paid = true its
-- persons_paid. Identities masked (mask_id / mask_name, contract/masking.sql).
with members as (
    select m.*
    from mart_priority_children_of(
        pc_year := $year, pc_town := $town, pc_village := $village, pc_category := $category,
        pc_program := $program, pc_program_group := $program_group
    ) as m
    where ($priority_group is null or m.priority_group = $priority_group)
        and ($paid is null or m.paid = $paid)
),

final as (
    select
        m.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        m.town,
        m.village,
        m.category,
        m.grade,
        m.priority_group,
        m.cert_status,
        m.months_in_group,
        m.paid,
        m.programs,
        m.spend_yuan
    from members as m
    inner join stg_persons as p using (person_id)
)

select * from final order by priority_group, town, village, person_id
