-- grain: one row per gap case: a payment for the payment gaps (paid_after_death, paid_after_dibao_end,
--        paid_after_revocation, paid_after_moved_out, duplicate_payment, wrong_living_amount,
--        wrong_nursing_tier, tier_outside_age_band), a (person, program, year) for eligible_unpaid /
--        late_start / rehab_over_cap, a (person, year) for the census gaps, a run of missed months for
--        medication_missed, a person for duplicate_id_number
-- materialized: table
-- Every gap key of METRICS.md ("一个都不少 / 一个不多 / 不早也不晚"), one case per row, with the person's
-- current town/village/category/grade for filtering and masked identity for the caseworker list.
-- One file per gap family defines its cases (same columns, see each file's header):
-- * mart_gap_cases_census: not_surveyed, census_registry_conflict
-- * mart_gap_cases_needs: the six unmet_need_*
-- * mart_gap_cases_payments: paid_after_death, paid_after_dibao_end, paid_after_revocation,
--   paid_after_moved_out, duplicate_payment, wrong_living_amount, wrong_nursing_tier,
--   tier_outside_age_band
-- * mart_gap_cases_registry: duplicate_id_number
-- * mart_gap_cases_eligibility: eligible_unpaid, late_start
-- * mart_gap_cases_caps: rehab_over_cap
-- * mart_gap_cases_medication: medication_missed
-- months is NULL for gaps that have no month measure; amount_yuan NULL for gaps that involve no money
-- (for a wrong amount or tier it is paid − due, signed: see mart_gap_cases_payments).
-- detail (English) and detail_zh (Chinese, for the caseworker list) say what is wrong in words; where
-- detail_zh names the gap it uses the seed's label (gap_keys.label_zh), never words of its own, e.g.
-- '2020-04 死亡后发放 困难残疾人生活补贴 305 元' (period, gap label, program name, amount in yuan with
-- trailing zeros dropped).
with persons as (
    select * from stg_persons
),

census_cases as (
    select * from mart_gap_cases_census
),

need_cases as (
    select * from mart_gap_cases_needs
),

payment_cases as (
    select * from mart_gap_cases_payments
),

registry_cases as (
    select * from mart_gap_cases_registry
),

eligibility_cases as (
    select * from mart_gap_cases_eligibility
),

cap_cases as (
    select * from mart_gap_cases_caps
),

medication_cases as (
    select * from mart_gap_cases_medication
),

cases as (
    select * from census_cases
    union all by name
    select * from need_cases
    union all by name
    select * from payment_cases
    union all by name
    select * from registry_cases
    union all by name
    select * from eligibility_cases
    union all by name
    select * from cap_cases
    union all by name
    select * from medication_cases
),

final as (
    select
        c.gap,
        c.year,
        c.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        p.town,
        p.village,
        p.category,
        p.grade,
        c.program_id,
        c.payment_id,
        c.detail,
        c.detail_zh,
        c.since,
        c.months,
        c.amount_yuan,
        c.case_group
    from cases as c
    left join persons as p using (person_id)
)

select * from final
