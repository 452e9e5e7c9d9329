-- grain: one row per value of the chosen dimension in the year's certified population, sorted by value
-- params: year (required); town, village, category (person filters), program, program_group
--   (which payments count as covering; optional, null = all)
-- slot {{ by }}: a column of mart_coverage chosen through queries.COVERAGE_BY (never a value)
with paid_persons as (
    select distinct person_id
    from mart_person_program_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
),

counts as (
    select c.{{ by }} as value,
           count(*) as certified_population,
           count(*) filter (where c.person_id in (select person_id from paid_persons)) as persons_paid
    from mart_coverage as c
    where c.year = $year
        and ($town is null or c.town = $town)
        and ($village is null or c.village = $village)
        and ($category is null or c.category = $category)
    group by c.{{ by }}
),

-- coverage = persons_paid / certified_population as a double (NULL, i.e. NaN, when the population is 0)
final as (
    select value, certified_population, persons_paid,
           persons_paid::double / nullif(certified_population, 0)::double as coverage
    from counts
)

select * from final order by value nulls last
