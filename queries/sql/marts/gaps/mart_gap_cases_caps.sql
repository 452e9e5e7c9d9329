-- grain: one row per (person, program, year) of a 康复-group annual or per-claim program whose payments
--        of the year sum above the yearly cap of the tier paid (rehab_over_cap)
-- Issue 11's cap check; read by mart_gap_cases (columns as its `cases`).
-- * the year's payments: every payment of that person and program whose period is in the year
--   (duplicates included: a payment made twice is money paid).
-- * cap: program_tiers.amount of the tier recorded on the payments (the yearly cap of an annual /
--   per-claim program, DATA_CONTRACT.md); when a year's payments carry several tiers, the largest of
--   their caps (never a false alarm). Payments without a tier add to the sum but name no cap; a
--   person-program-year with no cap at all is not checked.
-- * amount_yuan = spend − cap, the money paid above the cap (what an auditor recovers); months NULL.
-- * since = the paid_date of the payment with which the running total (by paid_date, then payment_id)
--   first went above the cap.
with payments as not materialized (
    select * from int_payments
),

program_tiers as (
    select * from stg_program_tiers
),

programs as (
    select * from stg_programs
),

rehab_payments as (
    select p.person_id, p.program_id, p.year, p.payment_id, p.paid_date, p.amount, p.tier, t.amount as cap
    from payments as p
    left join program_tiers as t using (program_id, tier)
    where p.program_group = '康复' and p.cycle in ('annual', 'per_claim')
),

person_years as (
    select
        person_id,
        program_id,
        year,
        sum(amount) as spend,
        max(cap) as cap,
        string_agg(distinct tier::varchar, '/' order by tier::varchar) as tiers
    from rehab_payments
    group by person_id, program_id, year
    having max(cap) is not null and sum(amount) > max(cap)
),

running as (
    select
        r.person_id,
        r.program_id,
        r.year,
        r.paid_date,
        sum(r.amount) over (
            partition by r.person_id, r.program_id, r.year
            order by r.paid_date, r.payment_id
            rows between unbounded preceding and current row
        ) as spent_so_far,
        y.cap
    from rehab_payments as r
    inner join person_years as y using (person_id, program_id, year)
),

crossings as (
    select person_id, program_id, year, min(paid_date) as crossed_on
    from running
    where spent_so_far > cap
    group by person_id, program_id, year
),

final as (
    select
        'rehab_over_cap' as gap,
        y.year::integer as year,
        y.person_id,
        y.program_id,
        null::varchar as payment_id,
        y.year || ': paid ' || yuan_text(y.spend) || ' at tier ' || y.tiers || ', cap ' || yuan_text(y.cap)
            || ', ' || yuan_text(y.spend - y.cap) || ' above' as detail,
        y.year || ' 年 ' || coalesce(pr.name, y.program_id) || ' 第 ' || y.tiers || ' 档发放 ' || yuan_text(y.spend)
            || ' 元，年度标准 ' || yuan_text(y.cap) || ' 元，超出 ' || yuan_text(y.spend - y.cap) || ' 元' as detail_zh,
        c.crossed_on::date as since,
        null::integer as months,
        (y.spend - y.cap)::decimal(14, 2) as amount_yuan,
        null::varchar as case_group
    from person_years as y
    inner join crossings as c using (person_id, program_id, year)
    left join programs as pr using (program_id)
)

select * from final
