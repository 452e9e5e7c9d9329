-- grain: one row per (year, program, person) with a payment for a period in the year, for the programs
--        with an eligibility rule (programs.rule)
-- materialized: table
-- The payments a policy simulation reads (queries/sql/api/policy_simulation.sql), rolled up from
-- int_payments so that a simulation reads ~11× fewer rows than the payments (1.6M for 18M at 1,000,000 persons):
-- * paid_mask: the months of the year with a payment (12-bit mask: bit m − 1 for month m);
-- * paid_amounts: the amount of each month's first payment (payment_rank 1: a month paid twice counts
--   once), one element per month (NULL when the month is not paid);
-- * spend: every payment of the year, duplicates included (METRICS.md spend).
with payments as not materialized (
    select * from int_payments
),

programs as (
    select * from stg_programs
),

rule_payments as (
    select p.year, p.program_id, p.person_id, month(p.period) as m, p.amount, p.payment_rank
    from payments as p
    where p.program_id in (select program_id from programs where rule is not null and rule <> '')
),

final as (
    -- the 12 monthly amounts as 12 filtered aggregates of the one hash aggregate: 11 s at 1,000,000 persons
    -- beside 8 s for the group-by alone (a list per group ordered by month, then placed, took 54–61 s)
    select
        year,
        program_id,
        person_id,
        (bit_or(1 << (m - 1)) filter (where payment_rank = 1))::integer as paid_mask,
        [
            max(amount) filter (where m = 1 and payment_rank = 1),
            max(amount) filter (where m = 2 and payment_rank = 1),
            max(amount) filter (where m = 3 and payment_rank = 1),
            max(amount) filter (where m = 4 and payment_rank = 1),
            max(amount) filter (where m = 5 and payment_rank = 1),
            max(amount) filter (where m = 6 and payment_rank = 1),
            max(amount) filter (where m = 7 and payment_rank = 1),
            max(amount) filter (where m = 8 and payment_rank = 1),
            max(amount) filter (where m = 9 and payment_rank = 1),
            max(amount) filter (where m = 10 and payment_rank = 1),
            max(amount) filter (where m = 11 and payment_rank = 1),
            max(amount) filter (where m = 12 and payment_rank = 1)
        ] as paid_amounts,
        sum(amount) as spend
    from rule_payments
    group by year, program_id, person_id
)

select * from final
