-- grain: one row per person paid in the year by the chosen programs (a payment whose period is in the
--   year), masked, sorted by town, village, category, grade, person_id
-- params: year (required); town, village, category (person filters), program, program_group (which
--   programs' payments count); each optional, null = all
-- The persons behind kpi_overview's persons_paid (受益人数) and spend_by_program's persons: the same rows
-- of mart_person_program_years under the same filters, one per person, so len(rows) is that count. Not
-- only the certified population (a child paid on an assessment form is listed; coverage_people lists the
-- certified). Identities masked (mask_id / mask_name, contract/masking.sql).
with paid as (
    select *
    from mart_person_program_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
),

per_person as (
    select
        person_id,
        string_agg(program_id, '|' order by program_id) as programs,
        sum(payments)::bigint as payments,
        sum(spend)::double as spend_yuan
    from paid
    group by person_id
),

final as (
    select
        pp.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        p.town,
        p.village,
        p.category,
        p.grade,
        pp.programs,
        pp.payments,
        pp.spend_yuan
    from per_person as pp
    inner join stg_persons as p using (person_id)
)

select * from final order by town, village, category, grade, person_id
