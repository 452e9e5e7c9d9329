-- grain: one row per (payment gap, payment): paid_after_death, paid_after_dibao_end,
--        paid_after_revocation, paid_after_moved_out, duplicate_payment, wrong_living_amount,
--        wrong_nursing_tier, tier_outside_age_band (a payment can be a case of several of them)
-- The payment gaps of METRICS.md and issue 11's amount and tier checks; read by mart_gap_cases (columns
-- as its `cases`). The payment flags of int_payments; year = period year.
-- amount_yuan: the payment's amount for the gaps where the whole payment should not have been made
-- (paid_after_*, duplicate_payment) and for tier_outside_age_band (paid under a tier the person cannot
-- hold; what the right tier would have allowed is for the caseworker to settle). For wrong_living_amount
-- and wrong_nursing_tier it is the difference paid − due (amount − int_payments.expected_amount):
-- positive = overpaid, the money to recover; negative = underpaid, the money owed to the person (a sum
-- over cases is the net).
-- since = the date the condition started: death, the 低保/低边 end, the revocation, the move-out, for a
-- duplicate the paid_date of the first payment for that period; for a wrong amount or tier the period
-- (its first day); for an age band the month the age was judged (int_payments.judged_month).
-- detail_zh says what is wrong with the gap's seed label (gap_keys.label_zh), then the program name
-- and the amount in yuan with trailing zeros dropped: '2020-04 死亡后发放 困难残疾人生活补贴 305 元';
-- a duplicate also names its rank: '2020-02 重复发放（第 2 笔） 重度残疾人护理补贴 1010.5 元'; a wrong
-- amount or tier what was due: '2020-01 生活补贴金额错误 困难残疾人生活补贴 290 元（应发 318 元）',
-- '2020-03 护理补贴档次错误 重度残疾人护理补贴 540 元（第 2 档，应为第 3 档 405 元）'; an age band the
-- band and the age: '2020-05 档次年龄不符 肢体残疾康复训练补贴 9000 元（第 5 档 <=17 周岁，2020-05 时 34 周岁）'.
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
        values ('paid_after_death'), ('paid_after_dibao_end'), ('paid_after_revocation'), ('paid_after_moved_out'),
            ('duplicate_payment'), ('wrong_living_amount'), ('wrong_nursing_tier'), ('tier_outside_age_band')
    ) as g(gap)
        on (g.gap = 'paid_after_death' and p.is_paid_after_death)
        or (g.gap = 'paid_after_dibao_end' and p.is_paid_after_dibao_end)
        or (g.gap = 'paid_after_revocation' and p.is_paid_after_revocation)
        or (g.gap = 'paid_after_moved_out' and p.is_paid_after_moved_out)
        or (g.gap = 'duplicate_payment' and p.is_duplicate)
        or (g.gap = 'wrong_living_amount' and p.is_wrong_living_amount)
        or (g.gap = 'wrong_nursing_tier' and p.is_wrong_nursing_tier)
        or (g.gap = 'tier_outside_age_band' and p.is_tier_outside_age_band)
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
            when 'paid_after_moved_out' then 'moved out ' || f.moved_out_date || '; period ' || strftime(f.period, '%Y-%m')
            when 'wrong_living_amount' then 'period ' || strftime(f.period, '%Y-%m') || ': paid ' || yuan_text(f.amount)
                || ', due ' || yuan_text(f.expected_amount)
            when 'wrong_nursing_tier' then 'period ' || strftime(f.period, '%Y-%m') || ': paid tier '
                || coalesce(f.tier::varchar, '?') || ' ' || yuan_text(f.amount) || ', due tier ' || f.expected_tier
                || ' ' || yuan_text(f.expected_amount)
            when 'tier_outside_age_band' then 'tier ' || f.tier || ' (age ' || f.tier_age_band || ') paid at age '
                || f.age_years_judged || ' (' || strftime(f.judged_month, '%Y-%m') || ')'
            else 'payment ' || f.payment_rank || ' for period ' || strftime(f.period, '%Y-%m')
        end as detail,
        strftime(f.period, '%Y-%m') || ' ' || coalesce(k.label_zh, f.gap)
            || case when f.gap = 'duplicate_payment' then '（第 ' || f.payment_rank || ' 笔）' else '' end
            || ' ' || coalesce(pr.name, f.program_id) || ' ' || yuan_text(f.amount) || ' 元'
            || case f.gap
                when 'wrong_living_amount' then '（应发 ' || yuan_text(f.expected_amount) || ' 元）'
                when 'wrong_nursing_tier' then '（第 ' || coalesce(f.tier::varchar, '?') || ' 档，应为第 '
                    || f.expected_tier || ' 档 ' || yuan_text(f.expected_amount) || ' 元）'
                when 'tier_outside_age_band' then '（第 ' || f.tier || ' 档 ' || f.tier_age_band || ' 周岁，'
                    || strftime(f.judged_month, '%Y-%m') || ' 时 ' || f.age_years_judged || ' 周岁）'
                else ''
            end as detail_zh,
        case f.gap
            when 'paid_after_death' then f.death_date
            when 'paid_after_dibao_end' then f.household_end_date
            when 'paid_after_revocation' then f.revocation_date
            when 'paid_after_moved_out' then f.moved_out_date
            when 'wrong_living_amount' then f.period
            when 'wrong_nursing_tier' then f.period
            when 'tier_outside_age_band' then f.judged_month
            else f.first_paid_date_in_period
        end::date as since,
        null::integer as months,
        case
            when f.gap in ('wrong_living_amount', 'wrong_nursing_tier') then f.amount - f.expected_amount
            else f.amount
        end::decimal(14, 2) as amount_yuan,
        null::varchar as case_group
    from flagged as f
    left join programs as pr using (program_id)
    left join labels as k on k.gap = f.gap
)

select * from final
