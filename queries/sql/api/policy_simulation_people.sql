-- grain: one row per (program of the simulated rule key, person) of a policy simulation, masked, sorted by
--   program_id, outcome (gained, lost, kept, outside), town, village, person_id
-- params: year, rule (required); branch, cert_statuses, requires_household, categories, grade_max,
--   grade_equals, min_age_months, max_age_months, share, dibao_standard, amount (optional: null = the
--   seed's value / no change); outcome (gained / lost / kept / outside, null = all); town, village,
--   category (optional filters, null = all)
-- The persons behind policy_simulation's counts: the same rows of the table macro
-- mart_policy_simulation_of, so per cell the rows with months eligible as it stands are its
-- persons_eligible_current, as simulated its persons_eligible_simulated, and expected_paid sums to its
-- persons_paid_simulated. Identities masked (mask_id / mask_name, contract/masking.sql).
-- outcome: gained = eligible only under the simulated rule, lost = only under the rule as it stands, kept =
-- under both, outside = under neither (paid today all the same).
with persons as (
    select s.*
    from mart_policy_simulation_of(
        ps_year := $year, ps_rule := $rule, ps_branch := $branch, ps_cert_statuses := $cert_statuses,
        ps_requires_household := $requires_household, ps_categories := $categories, ps_grade_max := $grade_max,
        ps_grade_equals := $grade_equals, ps_min_age_months := $min_age_months,
        ps_max_age_months := $max_age_months, ps_share := $share, ps_dibao_standard := $dibao_standard,
        ps_amount := $amount, ps_town := $town, ps_village := $village, ps_category := $category
    ) as s
    where ($outcome is null or s.outcome = $outcome)
),

final as (
    select
        s.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        s.town,
        s.village,
        s.category,
        p.grade,
        s.program_id,
        s.outcome,
        s.months_eligible_current::bigint as months_eligible_current,
        s.months_eligible_simulated::bigint as months_eligible_simulated,
        s.months_paid_current::bigint as months_paid_current,
        s.months_paid_simulated::double as months_paid_simulated,
        s.expected_person_paid::double as expected_paid,
        coalesce(s.cost_current, 0)::double as cost_current,
        s.cost_simulated::double as cost_simulated,
        s.spend::double as actual_spend,
        list_position(['gained', 'lost', 'kept', 'outside'], s.outcome) as outcome_order
    from persons as s
    inner join stg_persons as p using (person_id)
)

select * exclude (outcome_order) from final order by program_id, outcome_order, town, village, person_id
