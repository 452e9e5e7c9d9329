-- grain: one row per monthly program of the catalog (cycle monthly), zero rows included, ordered by
--   program_id
-- params: year (required); town, village, category (optional, the person's current values)
-- 保障水平 (benefit adequacy) of a monthly program: the average money paid per paid person-month,
-- as a share of the year's 低保 standard (stg_parameters): adequacy = spend_yuan / person_months /
-- dibao_standard. persons = persons paid in the year; person_months = their paid period months
-- (mart_person_program_years.paid_months: distinct months, so a duplicate payment raises the average
-- as it raised what was paid). The living subsidy's rule is 30% of the standard, so its adequacy is
-- 0.30 when every payment is right; NULL when nobody was paid or the year has no standard.
with programs as (
    select program_id from stg_programs where cycle = 'monthly'
),

paid as (
    select
        program_id,
        count(*) as persons,
        sum(paid_months) as person_months,
        sum(spend) as spend
    from mart_person_program_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
    group by program_id
),

standard as (
    select max(dibao_standard) as dibao_standard from stg_parameters where year = $year
),

final as (
    select
        p.program_id,
        coalesce(d.persons, 0) as persons,
        coalesce(d.person_months, 0) as person_months,
        coalesce(d.spend, 0)::double as spend_yuan,
        (d.spend / nullif(d.person_months, 0))::double as monthly_yuan,
        s.dibao_standard::double as dibao_standard,
        (d.spend / nullif(d.person_months, 0) / nullif(s.dibao_standard, 0))::double as adequacy
    from programs as p
    left join paid as d using (program_id)
    cross join standard as s
)

select * from final order by program_id
