-- grain: one row per (year, program, person) with at least one eligible (E) or paid (R) month in the
--        year, for monthly programs whose rule the seed knows
-- materialized: table
-- METRICS.md targeting errors, in person-months of the year: E = eligible person-months, R = person-
-- months with a payment of that program for that period; exclusion_error = |E \ R| / |E|,
-- inclusion_error = |R \ E| / |R|. A person-month paid twice is one paid person-month.
-- The person-months are counted per (year, program, person) here (eligible_months, paid_months,
-- eligible_paid_months) so that the API only sums a table ~12× smaller than the person-months; the
-- set differences follow: |E \ R| = eligible − eligible_paid, |R \ E| = paid − eligible_paid.
-- Paid months outside the data range have no eligibility evaluation; they are kept (is_eligible =
-- false) only when their year is inside the data range, since the API asks by year.
-- eligible_mask / paid_mask: E and R of the year as bits (bit 0 = January); mart_month_check reads them
-- to find the (person, program) pairs that have a case at all.
-- E and R are aggregated as 12-bit month masks per (person, program, year) in one hash aggregate,
-- instead of a full outer join of every eligible and paid person-month (18M rows each side on a
-- 1,000,000-person district) and a second aggregate. Months are month starts (DATA_CONTRACT.md).
with eligibility as (
    select * from int_eligibility_months
),

payments as (
    select * from int_payments
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

data_range as (
    select * from int_data_range
),

targeted_programs as (
    select program_id
    from programs
    where cycle = 'monthly'
        and rule in (select rule from eligibility_rules)
),

month_bits as (
    -- one row per eligible or paid person-month, as a bit of the year's 12-bit month mask
    select
        year(month)::integer as year,
        program_id,
        person_id,
        1 << (month(month) - 1) as eligible_bit,
        0 as paid_bit
    from eligibility
    where program_id in (select program_id from targeted_programs)
    union all
    select
        year(period)::integer as year,
        program_id,
        person_id,
        0 as eligible_bit,
        1 << (month(period) - 1) as paid_bit
    from payments, data_range
    where program_id in (select program_id from targeted_programs)
        and year between data_range.first_year and data_range.last_year
),

person_years as (
    -- E and R of the (person, program, year) as month masks: |E|, |R| and |E ∩ R| are bit counts (a
    -- payment repeated for one month sets its bit once, as the distinct person-month it is)
    select
        year,
        program_id,
        person_id,
        bit_count(bit_or(eligible_bit))::bigint as eligible_months,
        bit_count(bit_or(paid_bit))::bigint as paid_months,
        bit_count(bit_or(eligible_bit) & bit_or(paid_bit))::bigint as eligible_paid_months,
        bit_or(eligible_bit)::integer as eligible_mask,
        bit_or(paid_bit)::integer as paid_mask
    from month_bits
    group by year, program_id, person_id
),

final as (
    select
        y.year,
        y.program_id,
        y.person_id,
        y.eligible_months,
        y.paid_months,
        y.eligible_paid_months,
        y.eligible_mask,
        y.paid_mask,
        p.town,
        p.village,
        p.category,
        p.grade
    from person_years as y
    left join persons as p using (person_id)
)

select * from final
