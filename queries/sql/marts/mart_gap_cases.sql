-- grain: one row per gap case: a payment for the payment gaps (paid_after_death, paid_after_dibao_end,
--        paid_after_revocation, duplicate_payment), a (person, program, year) for eligible_unpaid /
--        late_start, a (person, year) for the census gaps, a person for duplicate_id_number
-- materialized: table
-- Every gap key of METRICS.md ("一个都不少 / 一个不多 / 不早也不晚"), one case per row, with the person's
-- current town/village/category/grade for filtering and masked identity for the caseworker list.
-- * not_surveyed: certified population of the year (int_certified_person_years) alive on 1 January,
--   with no census row for that survey_year or a survey_status other than surveyed/deceased/moved.
-- * unmet_need_*: census rows with survey_status = surveyed and need_x = 1, with no payment whose period
--   is in the survey year from a program of the matching group (table need_groups, from
--   data.contract.NEED_GROUP). since = survey_date.
-- * census_registry_conflict: survey_status deceased with no death event at all, or a survey_date later
--   than the registry's (earliest) death date. One case per person and survey year.
-- * paid_after_death / paid_after_dibao_end / paid_after_revocation / duplicate_payment: the payment
--   flags of int_payments; year = period year; amount_yuan = the payment's amount.
-- * duplicate_id_number: every person whose id_number is held by more than one person_id; year is NULL
--   (it is not a yearly fact: it shows in every year); case_group identifies the shared number so that
--   "number of id_numbers" = count(distinct case_group).
-- * eligible_unpaid: (person, monthly program, year) with at least one eligible month in the year and no
--   payment of that program with a period in the year; months = eligible months in the year.
-- * late_start: (person, monthly program, year) paid in the year whose first paid month in the year is
--   more than one month after the first eligible month in the year; months = eligible months in the
--   year before the first paid month (the months missed: eligible Jan–Jun, paid Mar–Jun → 2).
-- months is NULL for gaps that have no month measure; amount_yuan NULL for gaps that involve no money.
-- The big imports (payments, eligibility) are `not materialized`: each use scans only the columns and
-- rows it needs instead of DuckDB copying the whole table once for all uses.
-- detail (English) and detail_zh (Chinese, for the caseworker list) say what is wrong in words, e.g.
-- '2020-04 死亡后仍发放 困难残疾人生活补贴 305 元' (period, condition, program name, amount in yuan with
-- trailing zeros dropped).
with persons as (
    select * from stg_persons
),

census as (
    select * from stg_census
),

programs as (
    select * from stg_programs
),

payments as not materialized (
    select * from int_payments
),

eligibility as not materialized (
    select * from int_eligibility_months
),

certified as (
    select * from int_certified_person_years
),

person_dates as (
    select * from int_person_dates
),

needs as (
    select * from need_groups
),

not_surveyed as (
    select
        'not_surveyed' as gap,
        c.year,
        c.person_id,
        null as program_id,
        null as payment_id,
        case
            when s.person_id is null then 'no census row for ' || c.year
            else 'survey_status ' || s.survey_status
        end as detail,
        case
            when s.person_id is null then c.year || ' 年无调查记录'
            else c.year || ' 年调查状态：' || case s.survey_status
                when 'not_reached' then '未联系上'
                when 'refused' then '拒绝调查'
                else s.survey_status
            end
        end as detail_zh,
        make_date(c.year, 1, 1) as since,
        null::integer as months,
        null::decimal(14, 2) as amount_yuan,
        null as case_group
    from certified as c
    left join census as s on s.person_id = c.person_id and s.survey_year = c.year
    where c.alive_at_year_start
        and (s.person_id is null or s.survey_status not in ('surveyed', 'deceased', 'moved'))
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
        null as program_id,
        null as payment_id,
        s.need || ' stated, no ' || n.program_group || ' payment in ' || s.survey_year as detail,
        s.survey_year || ' 年调查登记' || case s.need
            when 'need_rehab' then '康复'
            when 'need_device' then '辅具'
            when 'need_education' then '教育'
            when 'need_employment' then '就业'
            when 'need_care' then '照料'
            when 'need_medical_insurance' then '医保'
            else s.need
        end || '需求，当年无' || n.program_group || '类项目发放' as detail_zh,
        s.survey_date as since,
        null::integer as months,
        null::decimal(14, 2) as amount_yuan,
        null as case_group
    from stated_needs as s
    inner join needs as n using (need)
    where not exists (
        select 1
        from payments as p
        where p.person_id = s.person_id
            and p.year = s.survey_year
            and p.program_group = n.program_group
    )
),

registry_conflicts as (
    select
        'census_registry_conflict' as gap,
        c.survey_year as year,
        c.person_id,
        null as program_id,
        null as payment_id,
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
        coalesce(d.death_date, c.survey_date) as since,
        null::integer as months,
        null::decimal(14, 2) as amount_yuan,
        null as case_group
    from census as c
    inner join person_dates as d using (person_id)
    where (c.survey_status = 'deceased' and d.death_date is null)
        or (c.survey_date > d.death_date)
),

payment_gaps as (
    select
        g.gap,
        p.year,
        p.person_id,
        p.program_id,
        p.payment_id,
        case g.gap
            when 'paid_after_death' then 'death ' || p.death_date || '; period ' || strftime(p.period, '%Y-%m')
            when 'paid_after_dibao_end' then 'neither 低保 nor 低边 in ' || strftime(p.period, '%Y-%m')
            when 'paid_after_revocation' then 'certificate revoked ' || p.revocation_date || '; period ' || strftime(p.period, '%Y-%m')
            else 'payment ' || p.payment_rank || ' for period ' || strftime(p.period, '%Y-%m')
        end as detail,
        strftime(p.period, '%Y-%m') || case g.gap
            when 'paid_after_death' then ' 死亡后仍发放 '
            when 'paid_after_dibao_end' then ' 非低保、低边仍发放 '
            when 'paid_after_revocation' then ' 残疾人证注销后仍发放 '
            else ' 重复发放（第 ' || p.payment_rank || ' 笔） '
        end || coalesce(pr.name, p.program_id) || ' '
            || regexp_replace(printf('%.2f', p.amount), '\.?0+$', '') || ' 元' as detail_zh,
        case g.gap
            when 'paid_after_death' then p.death_date
            when 'paid_after_dibao_end' then p.household_end_date
            when 'paid_after_revocation' then p.revocation_date
            else p.first_paid_date_in_period
        end as since,
        null::integer as months,
        p.amount as amount_yuan,
        null as case_group
    from payments as p
    left join programs as pr using (program_id)
    inner join (
        values ('paid_after_death'), ('paid_after_dibao_end'), ('paid_after_revocation'), ('duplicate_payment')
    ) as g(gap)
        on (g.gap = 'paid_after_death' and p.is_paid_after_death)
        or (g.gap = 'paid_after_dibao_end' and p.is_paid_after_dibao_end)
        or (g.gap = 'paid_after_revocation' and p.is_paid_after_revocation)
        or (g.gap = 'duplicate_payment' and p.is_duplicate)
),

shared_ids as (
    select
        id_number,
        count(*) as holders
    from persons
    where id_number is not null and id_number <> ''
    group by id_number
    having count(*) > 1
),

duplicate_ids as (
    select
        'duplicate_id_number' as gap,
        null::integer as year,
        p.person_id,
        null as program_id,
        null as payment_id,
        'id number ' || mask_id(p.id_number) || ' held by ' || s.holders || ' persons' as detail,
        '身份证号 ' || mask_id(p.id_number) || ' 由 ' || s.holders || ' 人共用' as detail_zh,
        null::date as since,
        null::integer as months,
        null::decimal(14, 2) as amount_yuan,
        md5(p.id_number) as case_group
    from persons as p
    inner join shared_ids as s using (id_number)
),

monthly_programs as (
    select program_id
    from programs
    where cycle = 'monthly'
),

eligible_years as (
    select
        person_id,
        program_id,
        year,
        min(month) as first_eligible_month,
        count(*) as eligible_months
    from eligibility
    where program_id in (select program_id from monthly_programs)
    group by person_id, program_id, year
),

paid_years as (
    select
        person_id,
        program_id,
        year,
        min(period) as first_paid_month
    from payments
    where program_id in (select program_id from monthly_programs)
    group by person_id, program_id, year
),

eligible_unpaid as (
    select
        'eligible_unpaid' as gap,
        e.year,
        e.person_id,
        e.program_id,
        null as payment_id,
        'eligible ' || e.eligible_months || ' month(s) in ' || e.year || ', no payment' as detail,
        e.year || ' 年符合 ' || coalesce(pr.name, e.program_id) || ' 条件 ' || e.eligible_months
            || ' 个月，当年未发放' as detail_zh,
        e.first_eligible_month as since,
        e.eligible_months::integer as months,
        null::decimal(14, 2) as amount_yuan,
        null as case_group
    from eligible_years as e
    left join paid_years as r using (person_id, program_id, year)
    left join programs as pr using (program_id)
    where r.person_id is null
),

late_starts as (
    select
        'late_start' as gap,
        e.year,
        e.person_id,
        e.program_id,
        null as payment_id,
        'first eligible ' || strftime(e.first_eligible_month, '%Y-%m')
            || ', first paid ' || strftime(r.first_paid_month, '%Y-%m') as detail,
        coalesce(pr.name, e.program_id) || ' 首个符合条件月份 ' || strftime(e.first_eligible_month, '%Y-%m')
            || '，首次发放月份 ' || strftime(r.first_paid_month, '%Y-%m') as detail_zh,
        e.first_eligible_month as since,
        (
            select count(*)::integer
            from eligibility as m
            where m.person_id = e.person_id
                and m.program_id = e.program_id
                and m.year = e.year
                and m.month < r.first_paid_month
        ) as months,
        null::decimal(14, 2) as amount_yuan,
        null as case_group
    from eligible_years as e
    inner join paid_years as r using (person_id, program_id, year)
    left join programs as pr using (program_id)
    where date_diff('month', e.first_eligible_month, r.first_paid_month) > 1
),

cases as (
    select * from not_surveyed
    union all by name
    select * from unmet_needs
    union all by name
    select * from registry_conflicts
    union all by name
    select * from payment_gaps
    union all by name
    select * from duplicate_ids
    union all by name
    select * from eligible_unpaid
    union all by name
    select * from late_starts
),

final as (
    select
        c.gap,
        c.year,
        c.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        p.town,
        p.village,
        p.category,
        p.grade,
        c.program_id,
        c.payment_id,
        c.detail,
        c.detail_zh,
        c.since,
        c.months,
        c.amount_yuan,
        c.case_group
    from cases as c
    left join persons as p using (person_id)
)

select * from final
