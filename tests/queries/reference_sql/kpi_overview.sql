-- grain: one row: the headline KPIs of a year
-- params: year (required); town, village, category, program, program_group (optional, null = all).
--   Person filters apply to every part; program filters to spend, coverage's payments and the catalog.
with paid as (
    -- the (person, program) rows paid in the year under every filter: read once, used twice
    select *
    from mart_person_program_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
),

spend as (
    select
        coalesce(sum(spend), 0)::double as spend_yuan,
        count(*) as person_times,
        count(distinct person_id) as persons_paid,
        coalesce(sum(payments), 0)::bigint as payments,
        count(distinct program_id) as programs_paid
    from paid
),

catalog as (
    select
        count(*) as programs_total,
        count(*) filter (where trips_after = 0) as zero_trip_programs,
        count(*) filter (where materials_after = 0) as no_material_programs
    from stg_programs as p
    where ($program is null or p.program_id = $program)
        and ($program_group is null or p.program_group = $program_group)
),

paid_persons as (
    select distinct person_id
    from paid
),

surveyed as (
    -- census completion: persons of the certified population surveyed in the year's census
    select distinct person_id
    from stg_census
    where survey_year = $year
        and survey_status = 'surveyed'
),

certified as (
    select
        count(*) as certified_population,
        count(*) filter (where c.person_id in (select person_id from paid_persons)) as persons_covered,
        count(*) filter (where c.person_id in (select person_id from surveyed)) as persons_surveyed
    from mart_coverage as c
    where c.year = $year
        and ($town is null or c.town = $town)
        and ($village is null or c.village = $village)
        and ($category is null or c.category = $category)
),

processing as (
    select quantile_cont(working_days, 0.5)::double as median_processing_days
    from mart_processing as a
    where a.year = $year
        and a.working_days is not null
        and ($town is null or a.town = $town)
        and ($village is null or a.village = $village)
        and ($category is null or a.category = $category)
        and ($program is null or a.program_id = $program)
        and ($program_group is null or a.program_group = $program_group)
),

final as (
    select
        $year as year,
        spend.spend_yuan,
        spend.person_times,
        spend.persons_paid,
        spend.payments,
        catalog.programs_total,
        spend.programs_paid,
        certified.certified_population,
        certified.persons_covered,
        case when certified.certified_population > 0
            then certified.persons_covered / certified.certified_population end::double as coverage,
        processing.median_processing_days,
        catalog.zero_trip_programs,
        case when catalog.programs_total > 0
            then catalog.zero_trip_programs / catalog.programs_total end::double as zero_trip_share,
        catalog.no_material_programs,
        certified.persons_surveyed,
        case when certified.certified_population > 0
            then certified.persons_surveyed / certified.certified_population end::double as census_completion
    from spend, catalog, certified, processing
)

select * from final
