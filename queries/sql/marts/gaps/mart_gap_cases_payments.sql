-- grain: one row per (payment gap, payment): paid_after_death, paid_after_dibao_end,
--        paid_after_revocation, duplicate_payment (a payment can be a case of several of them)
-- The payment gaps of METRICS.md; read by mart_gap_cases (columns as its `cases`).
-- The payment flags of int_payments; year = period year; amount_yuan = the payment's amount;
-- since = the date the condition started (death, the 低保/低边 end, the revocation, or for a duplicate
-- the paid_date of the first payment for that period).
-- detail_zh says what is wrong with the gap's seed label (gap_keys.label_zh), then the program name
-- and the amount in yuan with trailing zeros dropped: '2020-04 死亡后发放 困难残疾人生活补贴 305 元';
-- a duplicate also names its rank: '2020-02 重复发放（第 2 笔） 重度残疾人护理补贴 1010.5 元'.
with payments as not materialized (
    select * from int_payments
),

programs as (
    select * from stg_programs
),

labels as (
    select gap, label_zh from gap_keys
),

flagged as (
    select g.gap, p.*
    from payments as p
    inner join (
        values ('paid_after_death'), ('paid_after_dibao_end'), ('paid_after_revocation'), ('duplicate_payment')
    ) as g(gap)
        on (g.gap = 'paid_after_death' and p.is_paid_after_death)
        or (g.gap = 'paid_after_dibao_end' and p.is_paid_after_dibao_end)
        or (g.gap = 'paid_after_revocation' and p.is_paid_after_revocation)
        or (g.gap = 'duplicate_payment' and p.is_duplicate)
),

final as (
    select
        f.gap,
        f.year::integer as year,
        f.person_id,
        f.program_id,
        f.payment_id,
        case f.gap
            when 'paid_after_death' then 'death ' || f.death_date || '; period ' || strftime(f.period, '%Y-%m')
            when 'paid_after_dibao_end' then 'neither 低保 nor 低边 in ' || strftime(f.period, '%Y-%m')
            when 'paid_after_revocation' then 'certificate revoked ' || f.revocation_date || '; period ' || strftime(f.period, '%Y-%m')
            else 'payment ' || f.payment_rank || ' for period ' || strftime(f.period, '%Y-%m')
        end as detail,
        strftime(f.period, '%Y-%m') || ' ' || coalesce(k.label_zh, f.gap)
            || case when f.gap = 'duplicate_payment' then '（第 ' || f.payment_rank || ' 笔）' else '' end
            || ' ' || coalesce(pr.name, f.program_id) || ' '
            || regexp_replace(printf('%.2f', f.amount), '\.?0+$', '') || ' 元' as detail_zh,
        case f.gap
            when 'paid_after_death' then f.death_date
            when 'paid_after_dibao_end' then f.household_end_date
            when 'paid_after_revocation' then f.revocation_date
            else f.first_paid_date_in_period
        end::date as since,
        null::integer as months,
        f.amount::decimal(14, 2) as amount_yuan,
        null::varchar as case_group
    from flagged as f
    left join programs as pr using (program_id)
    left join labels as k on k.gap = f.gap
)

select * from final
