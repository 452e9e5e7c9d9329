-- grain: one row per (year, priority group, child) for children meeting the group's criteria in at
--        least one month of the year
-- Answers "how many children of each early-intervention priority group (infant_motor, under3_speech,
-- under7_autism, assessment_form) does the district have". The groups are the seed branches that name a
-- priority_group (METRICS.md: infants up to 5 months with motor risk; under 3 with suspected speech
-- disability; under 7 with autism; under 6 with cerebral palsy holding an assessment form — 评定表 or
-- 疑似 accepted instead of a certificate). Whether and how much they were paid (康复 programs, period
-- in the year) is joined from mart_spend at query time.
with rule_months as (
    select * from int_rule_months
),

persons as (
    select * from stg_persons
),

members as (
    select
        year,
        priority_group,
        person_id,
        count(distinct month) as months_in_group
    from rule_months
    where priority_group is not null
    group by year, priority_group, person_id
),

final as (
    select
        m.year,
        m.priority_group,
        m.person_id,
        m.months_in_group,
        p.cert_status,
        p.town,
        p.village,
        p.category,
        p.grade
    from members as m
    inner join persons as p using (person_id)
)

select * from final
