-- grain: one row: the headline KPIs of a year
-- params: year (required); town, village, category, program, program_group (optional, null = all).
--   Person filters apply to every part; program filters to spend, coverage's payments and the catalog.
with cells as (
    -- the year's cells of mart_spend_cube at the level of the program filters, under every filter
    select *
    from mart_spend_cube as s
    where s.year = $year
        and s.month is null
        and s.program_level = spend_cube_level($program, $program_group)
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
),

spend as (
    -- persons and 人次 add up over the cells: a person has one town, village and category
    select
        coalesce(sum(spend), 0)::double as spend_yuan,
        coalesce(sum(person_times), 0)::bigint as person_times,
        coalesce(sum(persons), 0)::bigint as persons_paid,
        coalesce(sum(payments), 0)::bigint as payments
    from cells
),

programs_paid as (
    select count(distinct program_id) as programs_paid
    from mart_spend_cube as s
    where s.year = $year
        and s.month is null
        and s.program_level = 0
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
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

selected as (
    -- the programs of the filters as a set of int_program_bits (mart_coverage.paid_programs)
    select coalesce(bit_or(bit), 0::uhugeint) as programs
    from int_program_bits as b
    where ($program is null or b.program_id = $program)
        and ($program_group is null or b.program_group = $program_group)
),

certified as (
    -- coverage and census completion: persons of the certified population paid (by a program of the
    -- filters) and surveyed in the year's census
    select
        count(*) as certified_population,
        count(*) filter (where (c.paid_programs & (select programs from selected)) <> 0) as persons_covered,
        count(*) filter (where c.surveyed) as persons_surveyed
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
        programs_paid.programs_paid,
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
    from spend, programs_paid, catalog, certified, processing
)

select * from final
