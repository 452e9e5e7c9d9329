-- grain: one row per (rule, branch) of the eligibility rule seed, with at most one row replaced or added
-- materialized: macro
-- params: sim_rule, sim_branch, sim_cert_statuses, sim_requires_household, sim_categories, sim_grade_max,
--   sim_grade_equals, sim_min_age_months, sim_max_age_months, sim_share
-- The rules as data (queries/seeds/eligibility_rules.csv → table eligibility_rules), and a policy
-- simulation's changed row: called with no argument it is the seed as it stands (int_rule_months and
-- int_eligibility_months call it so); with sim_rule and sim_branch it replaces that row of the seed by one
-- whose given columns (not null) take the simulated values and whose other columns keep the seed's, or
-- adds it as a new OR-branch of sim_rule when the seed has no such branch (its other columns empty =
-- no condition; cert_statuses defaults to 持证). An empty string clears a text condition (categories '' =
-- any category). is_simulated marks the changed row. Values arrive as bound parameters of the API call
-- (queries.policy_simulation), never as SQL text.
-- conditions_changed: the changed row meets other person-months than the seed's row (a condition differs,
-- or the branch is new); false for a row whose share alone changed and for every kept row. A simulation
-- evaluates only such a row month by month and reads the others' months from int_rule_branch_years.
with seed as (
    select * from eligibility_rules
),

wanted as (
    select
        sim_rule as rule,
        sim_branch as branch
    where sim_rule is not null and sim_branch is not null
),

simulated as (
    select
        w.rule,
        w.branch,
        b.priority_group,
        coalesce(sim_cert_statuses, b.cert_statuses, '持证') as cert_statuses,
        nullif(coalesce(sim_requires_household, b.requires_household), '') as requires_household,
        nullif(coalesce(sim_categories, b.categories), '') as categories,
        coalesce(sim_grade_max::integer, b.grade_max) as grade_max,
        coalesce(sim_grade_equals::integer, b.grade_equals) as grade_equals,
        coalesce(sim_min_age_months::integer, b.min_age_months) as min_age_months,
        coalesce(sim_max_age_months::integer, b.max_age_months) as max_age_months,
        coalesce(sim_share::decimal(6, 4), b.amount_share_of_dibao) as amount_share_of_dibao,
        coalesce(b.description, 'simulated branch') as description,
        true as is_simulated,
        b.rule is null as is_new
    from wanted as w
    left join seed as b on b.rule = w.rule and b.branch = w.branch
),

simulated_checked as (
    select
        s.* exclude (is_new),
        s.is_new
            or s.cert_statuses is distinct from b.cert_statuses
            or s.requires_household is distinct from nullif(b.requires_household, '')
            or s.categories is distinct from nullif(b.categories, '')
            or s.grade_max is distinct from b.grade_max
            or s.grade_equals is distinct from b.grade_equals
            or s.min_age_months is distinct from b.min_age_months
            or s.max_age_months is distinct from b.max_age_months as conditions_changed
    from simulated as s
    left join seed as b on b.rule = s.rule and b.branch = s.branch
),

kept as (
    select
        s.rule,
        s.branch,
        s.priority_group,
        s.cert_statuses,
        s.requires_household,
        s.categories,
        s.grade_max,
        s.grade_equals,
        s.min_age_months,
        s.max_age_months,
        s.amount_share_of_dibao,
        s.description,
        false as is_simulated,
        false as conditions_changed
    from seed as s
    where not exists (select 1 from wanted as w where w.rule = s.rule and w.branch = s.branch)
),

final as (
    select * from kept
    union all
    select * from simulated_checked
)

select * from final
