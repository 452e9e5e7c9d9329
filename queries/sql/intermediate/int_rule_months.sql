-- grain: one row per person per month per (rule, branch) whose criteria the person meets that month
-- materialized: table
-- depends: int_rule_months_of
-- The rule seed as it stands, evaluated month by month: the criteria are in the table macro
-- int_rule_months_of (one definition for this table and for a policy simulation's changed rule).
with matched as (
    select * from int_rule_months_of()
),

final as (
    select * from matched
)

select * from final
