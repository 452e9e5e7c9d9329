-- grain: one row per census gap case: a (person, survey year) for not_surveyed and for
--        census_registry_conflict
-- The census gaps of METRICS.md; read by mart_gap_cases (columns as its `cases`).
-- * not_surveyed: certified population of the year (int_certified_person_years) alive on 1 January,
--   with no census row for that survey_year or a survey_status other than surveyed/deceased/moved.
-- * census_registry_conflict: survey_status deceased with no death event at all, or a survey_date later
--   than the registry's (earliest) death date. One case per person and survey year.
-- months and amount_yuan are NULL (no month measure, no money).
with census as (
    select * from stg_census
),

certified as (
    select * from int_certified_person_years
),

person_dates as (
    select * from int_person_dates
),

not_surveyed as (
    select
        'not_surveyed' as gap,
        c.year,
        c.person_id,
        case
            when s.person_id is null then 'no census row for ' || c.year
            else c.year || ' survey status: ' || case s.survey_status
                when 'not_reached' then 'not reached'
                when 'refused' then 'refused'
                else s.survey_status
            end
        end as detail,
        case
            when s.person_id is null then c.year || ' 年无调查记录'
            else c.year || ' 年调查状态：' || case s.survey_status
                when 'not_reached' then '未联系上'
                when 'refused' then '拒绝调查'
                else s.survey_status
            end
        end as detail_zh,
        make_date(c.year, 1, 1) as since
    from certified as c
    left join census as s on s.person_id = c.person_id and s.survey_year = c.year
    where c.alive_at_year_start
        and (s.person_id is null or s.survey_status not in ('surveyed', 'deceased', 'moved'))
),

registry_conflicts as (
    select
        'census_registry_conflict' as gap,
        c.survey_year as year,
        c.person_id,
        case
            when c.survey_status = 'deceased' and d.death_date is null
                then 'census: deceased; registry: no death event'
            else 'surveyed on ' || c.survey_date || ' after registry death on ' || d.death_date
        end as detail,
        case
            when c.survey_status = 'deceased' and d.death_date is null
                then c.survey_year || ' 年调查记为死亡，登记库无死亡记录'
            else '登记死亡 ' || d.death_date || ' 后于 ' || c.survey_date || ' 仍有调查记录'
        end as detail_zh,
        coalesce(d.death_date, c.survey_date) as since
    from census as c
    inner join person_dates as d using (person_id)
    where (c.survey_status = 'deceased' and d.death_date is null)
        or (c.survey_date > d.death_date)
),

cases as (
    select * from not_surveyed
    union all
    select * from registry_conflicts
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
    from cases
)

select * from final
