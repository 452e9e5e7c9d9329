-- grain: one row per monthly program whose rule key the rule seed knows (zeros included), by program_id
-- params: year (required); town, village, category, program, program_group (optional, null = all)
-- exclusion_error = |E \ R| / |E| and inclusion_error = |R \ E| / |R| (METRICS.md), doubles, NULL (NaN)
-- when the denominator is 0.
with targeted as (
    select program_id, name, name_en
    from stg_programs as p
    where p.cycle = 'monthly'
        and p.rule in (select rule from eligibility_rules)
        and ($program is null or p.program_id = $program)
        and ($program_group is null or p.program_group = $program_group)
),

counts as (
    select
        program_id,
        sum(eligible_months) as eligible_person_months,
        sum(paid_months) as paid_person_months,
        sum(eligible_paid_months) as eligible_paid_person_months,
        sum(eligible_months - eligible_paid_months) as excluded_person_months,
        sum(paid_months - eligible_paid_months) as included_person_months,
        count(*) filter (where eligible_months > 0) as eligible_persons,
        count(*) filter (where paid_months > 0) as paid_persons
    from mart_targeting as t
    where t.year = $year
        and ($town is null or t.town = $town)
        and ($village is null or t.village = $village)
        and ($category is null or t.category = $category)
    group by program_id
),

filled as (
    select t.program_id, t.name, t.name_en,
           coalesce(c.eligible_person_months, 0)::bigint as eligible_person_months,
           coalesce(c.paid_person_months, 0)::bigint as paid_person_months,
           coalesce(c.eligible_paid_person_months, 0)::bigint as eligible_paid_person_months,
           coalesce(c.excluded_person_months, 0)::bigint as excluded_person_months,
           coalesce(c.included_person_months, 0)::bigint as included_person_months,
           coalesce(c.eligible_persons, 0) as eligible_persons,
           coalesce(c.paid_persons, 0) as paid_persons
    from targeted as t
    left join counts as c using (program_id)
),

final as (
    select program_id, name, name_en, eligible_person_months, paid_person_months,
           eligible_paid_person_months, excluded_person_months, included_person_months,
           excluded_person_months::double / nullif(eligible_person_months, 0)::double as exclusion_error,
           included_person_months::double / nullif(paid_person_months, 0)::double as inclusion_error,
           eligible_persons, paid_persons
    from filled
)

select * from final order by program_id
