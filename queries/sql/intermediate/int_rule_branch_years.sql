-- grain: one row per (year, rule, branch, person) with a month of the year in which the person meets
--        the branch
-- materialized: table
-- int_rule_months (the seed's branches evaluated month by month) as 12-bit month masks: bit m − 1 set
-- when the person meets the branch in month m. A policy simulation ORs the masks of a rule key's
-- branches for the rule as it stands and for the rule with one row changed (only a row whose conditions
-- changed is evaluated again, by int_rule_months_of), on ~12× fewer rows than the person-months (the
-- simulation of a nursing branch read 5.8M person-months of one year on a 1,000,000-person district).
with rule_months as (
    select * from int_rule_months
),

final as (
    select
        year,
        rule,
        branch,
        person_id,
        bit_or(1 << (month(month) - 1))::integer as month_mask
    from rule_months
    group by year, rule, branch, person_id
)

select * from final
