-- grain: one row per (year, program, person) with a payment for a period in the year, for the programs
--        with an eligibility rule (programs.rule)
-- materialized: table
-- The payments a policy simulation reads (queries/sql/api/policy_simulation.sql), rolled up from
-- int_payments so that a simulation reads ~8× fewer rows than the year's payments:
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

grouped as (
    select
        year,
        program_id,
        person_id,
        bit_or(1 << (m - 1)) filter (where payment_rank = 1) as paid_mask,
        list(struct_pack(m := m, amount := amount)) filter (where payment_rank = 1) as first_payments,
        sum(amount) as spend
    from rule_payments
    group by year, program_id, person_id
),

final as (
    select
        year,
        program_id,
        person_id,
        paid_mask::integer as paid_mask,
        list_transform(range(1, 13), lambda i: list_filter(first_payments, lambda x: x.m = i)[1].amount)
            as paid_amounts,
        spend
    from grouped
)

select * from final
