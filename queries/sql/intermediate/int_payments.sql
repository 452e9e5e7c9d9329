-- grain: one row per payment (every loaded payment, whatever its period)
-- materialized: table
-- Payment facts: the payment, its program, the person's current attributes, and the person's state in
-- the payment's period month (state on day 1 of the period; events take effect the month after their
-- date), computed straight from the events so that periods outside the data range work too.
-- * year = year of the period (METRICS.md: spend and 人次 of a year are by period, not paid_date).
-- * age_band: whole years on 1 January of that year (ARCHITECTURE.md: "of January for a yearly
--   figure"): 0-6, 7-17, 18-59, 60+.
-- * is_paid_after_death: a death has taken effect in the period (death 2020-03-20 → periods from
--   2020-04 on). All programs.
-- * is_paid_after_dibao_end: the program's rule requires a 低保/低边 household (living_subsidy, read
--   from the rule seed) and in the period the household is neither 低保 nor 低边 — literally
--   METRICS.md's condition, so a payment before any 低保 start counts as well.
-- * is_paid_after_revocation: the certificate's latest state in the period is a revocation that has
--   taken effect (a re-issue ends the condition). All programs.
-- * is_paid_after_moved_out: a moved_out event has taken effect in the period (moved out 2020-03-20 →
--   periods from 2020-04 on; moving out is final, int_person_dates). All programs, like death.
-- * expected_amount, expected_tier, amount_basis, judged_month, age_years_judged, tier_age_band: what
--   the payment should have been (int_payment_expected: the rule's 低保 share, the tier_conditions seed);
--   NULL where the program has no such rule or seed rows. The month check's re-tier list is the two
--   flags below filtered to a period.
-- * is_wrong_living_amount: amount_basis 'dibao_share' (living_subsidy) and amount <> expected_amount.
-- * is_wrong_nursing_tier: amount_basis 'tier' (a monthly program whose every tier the seed describes:
--   the nursing subsidy) and the recorded tier <> expected_tier (when a tier is recorded) or
--   amount <> expected_amount.
-- * is_tier_outside_age_band: the recorded tier's condition is an age band and the person's age in
--   judged_month is outside it (int_payment_expected). All programs the seed describes.
-- * payment_rank / is_duplicate: order among payments of the same (person, program, period) by
--   paid_date then payment_id; every payment beyond the first is a duplicate (METRICS.md). For yearly
--   programs the key is the period month as recorded (the contract's period).
-- *_since: the date the condition started (death date, the 低保/低边 end, the revocation, the first
--   payment's paid_date) for the caseworker list.
-- Cost on a large district (22M payments for 1,000,000 persons): the period's cert/低保/低边 states
-- come from one lookup of the person's state segment (int_person_segments) instead of three range
-- joins, and duplicates are found by grouping on one hash of the (person, program, period) key; only
-- the payments whose key hash repeats are ranked exactly (a hash collision merely adds payments to
-- that exact ranking, where they keep rank 1 and their own paid_date).
with payments as not materialized (
    select * from stg_payments
),

programs as (
    select * from stg_programs
),

segments as (
    select * from int_person_segments
),

-- every payment with the person's attributes and what it should have been (one pass; a view)
expected as (
    select * from int_payment_expected
),

household_rules as (
    select distinct rule
    from eligibility_rules
    where requires_household is not null
),

duplicate_keys as (
    select hash(person_id, program_id, period) as key_hash
    from payments
    group by key_hash
    having count(*) > 1
),

duplicate_ranks as (
    select
        payment_id,
        min(paid_date) over (partition by person_id, program_id, period) as first_paid_date_in_period,
        row_number() over (
            partition by person_id, program_id, period
            order by paid_date, payment_id
        ) as payment_rank
    from payments
    where hash(person_id, program_id, period) in (select key_hash from duplicate_keys)
),

ranked as (
    select
        p.*,
        coalesce(r.payment_rank, 1) as payment_rank,
        coalesce(r.first_paid_date_in_period, p.paid_date) as first_paid_date_in_period
    from expected as p
    left join duplicate_ranks as r using (payment_id)
),

with_states as (
    select
        r.*,
        g.death_date,
        g.death_month,
        g.moved_out_date,
        g.moved_out_month,
        g.cert_on,
        g.cert_event,
        g.cert_event_date,
        g.dibao_on,
        g.dibao_event,
        g.dibao_event_date,
        g.dibian_on,
        g.dibian_event,
        g.dibian_event_date
    from ranked as r
    left join segments as g
        on r.person_id = g.person_id
        and r.period >= g.from_month
        and r.period < g.to_month
),

final as (
    select
        s.payment_id,
        s.person_id,
        s.program_id,
        s.application_id,
        s.period,
        year(s.period)::integer as year,
        s.paid_date,
        s.amount,
        s.tier,
        s.route,
        pr.program_group,
        pr.cycle,
        pr.rule,
        s.town,
        s.village,
        s.sex,
        s.hukou,
        s.cert_status,
        s.category,
        s.grade,
        age_band(age_in_months(s.birth_date, make_date(year(s.period)::integer, 1, 1)) // 12) as age_band,
        s.payment_rank,
        s.payment_rank > 1 as is_duplicate,
        s.death_month is not null and s.period >= s.death_month as is_paid_after_death,
        coalesce(
            pr.rule in (select rule from household_rules)
            and not (coalesce(s.dibao_on, false) or coalesce(s.dibian_on, false)),
            false
        ) as is_paid_after_dibao_end,
        coalesce(s.cert_event = 'cert_revoked' and not s.cert_on, false) as is_paid_after_revocation,
        s.moved_out_month is not null and s.period >= s.moved_out_month as is_paid_after_moved_out,
        coalesce(s.amount_basis = 'dibao_share' and s.amount <> s.expected_amount, false) as is_wrong_living_amount,
        coalesce(
            s.amount_basis = 'tier' and (coalesce(s.tier <> s.expected_tier, false) or s.amount <> s.expected_amount),
            false
        ) as is_wrong_nursing_tier,
        coalesce(s.is_outside_age_band, false) as is_tier_outside_age_band,
        s.expected_amount,
        s.expected_tier,
        s.amount_basis,
        s.judged_month,
        s.age_years as age_years_judged,
        s.tier_age_band,
        s.death_date,
        household_end_date(s.dibao_event, s.dibao_event_date, s.dibian_event, s.dibian_event_date)
            as household_end_date,
        case when s.cert_event = 'cert_revoked' and not s.cert_on then s.cert_event_date end as revocation_date,
        s.moved_out_date,
        s.first_paid_date_in_period
    from with_states as s
    left join programs as pr using (program_id)
)

select * from final
