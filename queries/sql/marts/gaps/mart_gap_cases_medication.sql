-- grain: one row per run of two or more consecutive prescribed months in which a psychiatric patient
--        did not collect the medication (medication_missed, 应服未服)
-- Issue 11's medication follow-up; read by mart_gap_cases (columns as its `cases`).
-- * the months are those of mart_medication_months (prescribed, in the district's care: no month after
--   a death or a move out has taken effect); missed = prescribed and not dispensed.
-- * a run is a maximal sequence of consecutive calendar months that are all missed: a collected month,
--   or a month without a prescription, ends it. A run of one month is not a case.
-- * one case per run (a patient who misses Feb–Mar and again Jul–Sep has two cases); year = the year of
--   the run's second month, the month it becomes a case (Dec 2020 + Jan 2021 is a 2021 case); since =
--   the first missed month; months = the length of the run (the months missed in a row, across a year
--   end too). amount_yuan NULL (no money is involved). A case is (gap, person, since): two runs of one
--   person are two rows.
with medication_months as (
    select * from mart_medication_months
),

labels as (
    select gap, label_zh from gap_keys
),

missed as (
    select
        person_id,
        month,
        year(month) * 12 + month(month)
            - row_number() over (partition by person_id order by month) as run_key
    from (select distinct person_id, month from medication_months where missed)
),

runs as (
    select
        person_id,
        min(month) as first_month,
        max(month) as last_month,
        count(*) as months
    from missed
    group by person_id, run_key
    having count(*) >= 2
),

final as (
    select
        'medication_missed' as gap,
        year(r.first_month + interval 1 month)::integer as year,
        r.person_id,
        null::varchar as program_id,
        null::varchar as payment_id,
        'medication not collected ' || r.months || ' months running: ' || strftime(r.first_month, '%Y-%m')
            || ' to ' || strftime(r.last_month, '%Y-%m') as detail,
        strftime(r.first_month, '%Y-%m') || ' 至 ' || strftime(r.last_month, '%Y-%m') || ' '
            || coalesce(k.label_zh, 'medication_missed') || ' ' || r.months || ' 个月' as detail_zh,
        r.first_month::date as since,
        r.months::integer as months,
        null::decimal(14, 2) as amount_yuan,
        null::varchar as case_group
    from runs as r
    left join labels as k on k.gap = 'medication_missed'
)

select * from final
