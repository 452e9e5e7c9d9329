-- grain: one row per person per year of the data range in which the person belongs to the certified
--        population
-- materialized: table
-- METRICS.md: certified population of a year = persons with cert_status 持证 whose certificate is
-- valid in at least one month of the year and who are alive in that month (moving out does not remove
-- a person: METRICS.md does not list it).
-- * alive_at_year_start: alive on 1 January (the January person-month exists and is alive) — used by
--   the not_surveyed gap ("alive at the start of the survey year").
-- * age_band: whole years on 1 January of the year (ARCHITECTURE.md), 0-6 / 7-17 / 18-59 / 60+.
-- Person attributes (town, village, sex, hukou, category, grade) are the current values.
with person_months as not materialized (
    -- read twice: scanned twice rather than copied (36M rows on 1,000,000 persons)
    select * from int_person_months
),

persons as (
    select * from stg_persons
),

certified as (
    select
        person_id,
        year,
        count(*) as valid_months
    from person_months
    where cert_valid and alive
    group by person_id, year
),

january as (
    select person_id, year, alive
    from person_months
    where month(month) = 1
),

final as (
    select
        c.person_id,
        c.year,
        c.valid_months,
        coalesce(j.alive, false) as alive_at_year_start,
        p.town,
        p.village,
        p.sex,
        p.hukou,
        p.category,
        p.grade,
        age_band(age_in_months(p.birth_date, make_date(c.year, 1, 1)) // 12) as age_band
    from certified as c
    inner join persons as p using (person_id)
    left join january as j on j.person_id = c.person_id and j.year = c.year
    where p.cert_status = '持证'
)

select * from final
