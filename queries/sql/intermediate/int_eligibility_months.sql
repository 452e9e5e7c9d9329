-- grain: one row per person per program per month in which the person is eligible
-- materialized: table
-- depends: int_eligibility_months_of, int_rule_months
-- The rule seed as it stands: the definition (OR of a rule key's branches, the living subsidy's amount,
-- the branches met) is the table macro int_eligibility_months_of, shared with the policy simulation.
with eligible as (
    select * from int_eligibility_months_of()
),

final as (
    select * from eligible
)

select * from final
