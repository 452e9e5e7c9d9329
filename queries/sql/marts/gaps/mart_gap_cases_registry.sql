-- grain: one row per person whose id_number is held by more than one person_id (duplicate_id_number)
-- The registry gap of METRICS.md; read by mart_gap_cases (columns as its `cases`).
-- year is NULL (it is not a yearly fact: it shows in every year); case_group identifies the shared
-- number (its md5) so that "number of id_numbers" = count(distinct case_group). The number shows
-- masked (mask_id) in the detail.
with persons as (
    select * from stg_persons
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

final as (
    select
        'duplicate_id_number' as gap,
        null::integer as year,
        p.person_id,
        null::varchar as program_id,
        null::varchar as payment_id,
        'id number ' || mask_id(p.id_number) || ' held by ' || s.holders || ' persons' as detail,
        '身份证号 ' || mask_id(p.id_number) || ' 由 ' || s.holders || ' 人共用' as detail_zh,
        null::date as since,
        null::integer as months,
        null::decimal(14, 2) as amount_yuan,
        md5(p.id_number) as case_group
    from persons as p
    inner join shared_ids as s using (id_number)
)

select * from final
