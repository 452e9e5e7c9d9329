-- grain: one row per (monthly program with a rule, person) paid by the program in pf_year_from or in
--   pf_year, within the person filters, with the person's flow, reason and money
-- materialized: macro
-- params: pf_year, pf_year_from, pf_town, pf_village, pf_category, pf_program
-- The one definition of a flow between two years (program_flows counts these rows, flow_people lists
-- them), in persons paid (a person is paid in a year when a payment of the program has a period in that
-- year: METRICS.md 人次 grain):
-- * continuing: paid in both years;
-- * leaving: paid in pf_year_from, not in pf_year. The reason is the first that holds on day 1 of January
--   of pf_year (METRICS.md state): death (not alive), moved_out, revocation (certificate revoked and not
--   valid), dibao_exit (the rule needs a 低保/低边 household and the person is neither), eligible_unpaid
--   (eligible in some month of pf_year but not paid: the take-up ended or is late), else other (no longer
--   eligible on a criterion without an event, e.g. a grade change);
-- * entering: paid in pf_year, not in pf_year_from. The first that holds on day 1 of December of
--   pf_year_from: new_in_register (no state that month: born or registered later), new_certificate (a 持证
--   person whose certificate was not yet valid), dibao_entry (the rule needs a 低保/低边 household and the
--   person was neither), reaching_age (no month of pf_year_from eligible while the rule has an age bound),
--   late_take_up (eligible in some month of pf_year_from but not paid then), else other.
-- Money: spend_from / spend_to = METRICS.md spend of the person from the program in pf_year_from /
-- pf_year (NULL when not paid that year). flow_order / reason_order: the order the counts and lists use.
-- Person filters are the current values. Called with no argument: no year, no row.
with programs as (
    select program_id, rule
    from stg_programs
    where cycle = 'monthly'
        and rule in (select rule from eligibility_rules)
        and (pf_program is null or program_id = pf_program)
),

rule_traits as (
    select
        rule,
        bool_or(requires_household is not null) as needs_household,
        bool_or(min_age_months is not null or max_age_months is not null) as has_age_bound
    from eligibility_rules
    group by rule
),

persons as (
    select person_id, cert_status
    from stg_persons
    where (pf_town is null or town = pf_town)
        and (pf_village is null or village = pf_village)
        and (pf_category is null or category = pf_category)
),

paid as (
    select y.program_id, y.person_id, y.year, sum(y.spend)::double as spend
    from mart_person_program_years as y
    where y.year in (pf_year_from, pf_year)
        and y.program_id in (select program_id from programs)
        and y.person_id in (select person_id from persons)
    group by y.program_id, y.person_id, y.year
),

eligible_years as (
    -- (program, person, year) with an eligible month: mart_targeting's rows (int_eligibility_months per
    -- person-year of the monthly programs with a rule), 12× fewer than the person-months
    select t.program_id, t.person_id, t.year
    from mart_targeting as t
    where t.year in (pf_year_from, pf_year)
        and t.eligible_months > 0
        and t.program_id in (select program_id from programs)
        and t.person_id in (select person_id from persons)
),

pairs as (
    select
        program_id,
        person_id,
        max(spend) filter (where year = pf_year_from) as spend_from,
        max(spend) filter (where year = pf_year) as spend_to
    from paid
    group by program_id, person_id
),

january_to as (
    select * from int_person_months where month = make_date(pf_year::integer, 1, 1)
),

december_from as (
    select * from int_person_months where month = make_date(pf_year_from::integer, 12, 1)
),

classified as (
    select
        p.program_id,
        p.person_id,
        p.spend_from,
        p.spend_to,
        case
            when p.spend_from is not null and p.spend_to is not null then 'continuing'
            when p.spend_from is not null then 'leaving'
            else 'entering'
        end as flow,
        case
            when p.spend_from is not null and p.spend_to is not null then 'continuing'
            when p.spend_from is not null then case
                when j.person_id is not null and not j.alive then 'death'
                when j.moved_out then 'moved_out'
                when j.cert_revoked and not j.cert_valid then 'revocation'
                when t.needs_household and not (j.dibao or j.dibian) then 'dibao_exit'
                when ey.person_id is not null then 'eligible_unpaid'
                else 'other'
            end
            else case
                when d.person_id is null then 'new_in_register'
                when s.cert_status = '持证' and not d.cert_valid then 'new_certificate'
                when t.needs_household and not (d.dibao or d.dibian) then 'dibao_entry'
                when ef.person_id is null and t.has_age_bound then 'reaching_age'
                when ef.person_id is not null then 'late_take_up'
                else 'other'
            end
        end as reason
    from pairs as p
    inner join programs as pr using (program_id)
    left join rule_traits as t on t.rule = pr.rule
    left join persons as s on s.person_id = p.person_id
    left join january_to as j on j.person_id = p.person_id
    left join december_from as d on d.person_id = p.person_id
    left join eligible_years as ey on ey.program_id = p.program_id and ey.person_id = p.person_id
        and ey.year = pf_year
    left join eligible_years as ef on ef.program_id = p.program_id and ef.person_id = p.person_id
        and ef.year = pf_year_from
),

final as (
    select
        *,
        list_position(['leaving', 'continuing', 'entering'], flow) as flow_order,
        list_position(['death', 'moved_out', 'revocation', 'dibao_exit', 'eligible_unpaid', 'continuing',
                       'new_in_register', 'new_certificate', 'dibao_entry', 'reaching_age', 'late_take_up',
                       'other'], reason) as reason_order
    from classified
)

select * from final
