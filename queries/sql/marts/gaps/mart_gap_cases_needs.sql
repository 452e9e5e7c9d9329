-- grain: one row per (unmet_need_* gap, person, survey year): a need the census recorded that no
--        payment of the matching program group answered in the survey year
-- The six unmet_need_* gaps of METRICS.md; read by mart_gap_cases (columns as its `cases`).
-- Census rows with survey_status = surveyed and need_x = 1, with no payment whose period is in the
-- survey year from a program of the matching group (table need_groups, from contract.NEED_GROUP).
-- since = survey_date. The words of detail_zh name the gap by its seed label (gap_keys.label_zh), e.g.
-- '2020 年调查登记：康复需求未满足（当年无康复类项目发放）'.
-- The payments import is `not materialized`: the anti-join scans only the columns it needs.
with census as (
    select * from stg_census
),

payments as not materialized (
    select * from int_payments
),

needs as (
    select * from need_groups
),

labels as (
    select gap, label_zh from gap_keys
),

stated_needs as (
    select c.person_id, c.survey_year, c.survey_date, 'need_rehab' as need from census as c where c.survey_status = 'surveyed' and c.need_rehab = 1
    union all
    select c.person_id, c.survey_year, c.survey_date, 'need_device' from census as c where c.survey_status = 'surveyed' and c.need_device = 1
    union all
    select c.person_id, c.survey_year, c.survey_date, 'need_education' from census as c where c.survey_status = 'surveyed' and c.need_education = 1
    union all
    select c.person_id, c.survey_year, c.survey_date, 'need_employment' from census as c where c.survey_status = 'surveyed' and c.need_employment = 1
    union all
    select c.person_id, c.survey_year, c.survey_date, 'need_care' from census as c where c.survey_status = 'surveyed' and c.need_care = 1
    union all
    select c.person_id, c.survey_year, c.survey_date, 'need_medical_insurance' from census as c where c.survey_status = 'surveyed' and c.need_medical_insurance = 1
),

unmet_needs as (
    select
        n.gap,
        s.survey_year as year,
        s.person_id,
        s.need || ' stated, no ' || n.program_group || ' payment in ' || s.survey_year as detail,
        s.survey_year || ' 年调查登记：' || coalesce(k.label_zh, n.gap)
            || '（当年无' || n.program_group || '类项目发放）' as detail_zh,
        s.survey_date as since
    from stated_needs as s
    inner join needs as n using (need)
    left join labels as k on k.gap = n.gap
    where not exists (
        select 1
        from payments as p
        where p.person_id = s.person_id
            and p.year = s.survey_year
            and p.program_group = n.program_group
    )
),

final as (
    select
        gap,
        year::integer as year,
        person_id,
        null::varchar as program_id,
        null::varchar as payment_id,
        detail,
        detail_zh,
        since::date as since,
        null::integer as months,
        null::decimal(14, 2) as amount_yuan,
        null::varchar as case_group
    from unmet_needs
)

select * from final
