-- grain: one row per person per month per (rule, branch) whose criteria the person meets that month
-- materialized: macro
-- params: sim_rule, sim_branch, sim_cert_statuses, sim_requires_household, sim_categories, sim_grade_max,
--   sim_grade_equals, sim_min_age_months, sim_max_age_months, sim_share, only_year, only_changed
-- A table macro, so that a policy simulation evaluates a changed rule row with this same SQL: called with
-- no argument it reads the seed as it stands (int_rule_months materialises that call); with sim_rule it
-- reads int_eligibility_rules_of(…) (one row of the seed changed or added) and evaluates that rule key only;
-- only_year restricts the person-months to one year (a simulation is asked for one year); only_changed
-- evaluates the changed row alone, and only when it meets other person-months than the seed's row
-- (int_eligibility_rules_of.conditions_changed): the simulation reads every other branch's months from
-- int_rule_branch_years.
-- Rules are data (queries/seeds/eligibility_rules.csv → table eligibility_rules, one row per OR-branch
-- of a rule key). A person meets a branch in month M when, on day 1 of M (int_person_months):
-- * alive and not moved out (every rule; METRICS.md lists both for the two national subsidies and a
--   dead or departed child is not served either);
-- * cert_status is in the branch's cert_statuses, and a 持证 person's certificate is valid in M
--   (评定表 / 疑似 children of the early-intervention branches need no certificate);
-- * requires_household: dibao_or_dibian → household 低保 or 低边 in M;
-- * categories (empty = any), grade_max, grade_equals, min_age_months / max_age_months (whole months
--   on day 1 of M, inclusive: "under 3" = at most 35 months, "up to 5 months" = at most 5).
-- Only rule keys used by some program, plus branches naming a priority_group (priority_children), are
-- evaluated. The person's own conditions (certificate status, category, grade: current values) pair each
-- person with the branches they can meet first (a nested loop over persons × branches), and only those
-- pairs meet the person-months (a hash join) for the conditions of the month, so a simulated branch of
-- 肢体 grade 3 reads the months of those persons only.
with person_months as (
    select * from int_person_months
),

persons as (
    select * from stg_persons
),

programs as (
    select * from stg_programs
),

rules as (
    select
        rule,
        branch,
        priority_group,
        string_split(cert_statuses, '|') as cert_list,
        requires_household,
        case when coalesce(categories, '') = '' then null else string_split(categories, '|') end as category_list,
        grade_max,
        grade_equals,
        min_age_months,
        max_age_months
    from int_eligibility_rules_of(
        sim_rule := sim_rule, sim_branch := sim_branch, sim_cert_statuses := sim_cert_statuses,
        sim_requires_household := sim_requires_household, sim_categories := sim_categories,
        sim_grade_max := sim_grade_max, sim_grade_equals := sim_grade_equals,
        sim_min_age_months := sim_min_age_months, sim_max_age_months := sim_max_age_months, sim_share := sim_share
    )
    where ((sim_rule is null and (rule in (select rule from programs where rule is not null) or priority_group is not null))
            or rule = sim_rule)
        and (only_changed is not true or conditions_changed)
),

person_rules as (
    -- the person's own conditions: certificate status, category, grade
    select
        p.person_id,
        p.cert_status,
        r.rule,
        r.branch,
        r.priority_group,
        r.requires_household,
        r.min_age_months,
        r.max_age_months
    from persons as p
    inner join rules as r
        on list_contains(r.cert_list, p.cert_status)
        and (r.category_list is null or list_contains(r.category_list, p.category))
        and (r.grade_max is null or p.grade <= r.grade_max)
        and (r.grade_equals is null or p.grade = r.grade_equals)
),

matched as (
    -- the conditions of the month: alive, not moved out, a valid certificate (持证), household, age
    select
        pm.person_id,
        pm.month,
        pm.year,
        r.rule,
        r.branch,
        r.priority_group
    from person_months as pm
    inner join person_rules as r using (person_id)
    where pm.alive
        and (only_year is null or pm.year = only_year)
        and not pm.moved_out
        and (r.cert_status <> '持证' or pm.cert_valid)
        and (
            r.requires_household is null
            or (r.requires_household = 'dibao_or_dibian' and (pm.dibao or pm.dibian))
            or (r.requires_household = 'dibao' and pm.dibao)
            or (r.requires_household = 'dibian' and pm.dibian)
        )
        and (r.min_age_months is null or pm.age_months >= r.min_age_months)
        and (r.max_age_months is null or pm.age_months <= r.max_age_months)
),

final as (
    select * from matched
)

select * from final
