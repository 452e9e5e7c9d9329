-- grain: one row per (person, month) in which the person should take psychiatric medication (应服)
--        and is in the district's care
-- materialized: table
-- 应服未服 monitoring (DOMAIN.md). METRICS.md is silent; the choices, as a federation analyst reads them:
-- * a person-month counts when the monitoring row has prescribed = 1 (应服). A dispensing without a
--   prescription (prescribed = 0, dispensed = 1) is not a prescribed person and is not counted.
-- * missed (应服未服) = prescribed and not dispensed (已取药 = 0) in that month.
-- * state on day 1 of the month (METRICS.md): months in which a death or a move out has already taken
--   effect (death 2020-03-20 → from April) are left out — nobody is expected to collect medication
--   for a deceased person or one who left the district.
-- * town, village, category: the person's current values (the API's person filters).
with medication as (
    select * from stg_medication
),

persons as (
    select * from stg_persons
),

person_dates as (
    select * from int_person_dates
),

final as (
    select
        m.person_id,
        m.month,
        year(m.month)::integer as year,
        m.dispensed,
        not m.dispensed as missed,
        p.town,
        p.village,
        p.category
    from medication as m
    left join persons as p using (person_id)
    left join person_dates as d using (person_id)
    where m.prescribed
        and (d.death_month is null or m.month < d.death_month)
        and (d.moved_out_month is null or m.month < d.moved_out_month)
)

select * from final
