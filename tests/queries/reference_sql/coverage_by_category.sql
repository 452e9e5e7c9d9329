-- grain: one row per (category, grade) present in the year's certified population (the Python
--   function adds the zero rows of the contract's 7 × 4 grid, coverage NaN)
-- params: year (required); town, village, category (person filters), program, program_group
--   (which payments count as covering; optional, null = all)
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
    select c.category, c.grade,
           count(*) as certified_population,
           count(*) filter (where c.person_id in (select person_id from paid_persons)) as persons_paid
    from mart_coverage as c
    where c.year = $year
        and ($town is null or c.town = $town)
        and ($village is null or c.village = $village)
        and ($category is null or c.category = $category)
    group by c.category, c.grade
),

-- coverage = persons_paid / certified_population as a double (NULL, i.e. NaN, when the population is 0)
final as (
    select category, grade, certified_population, persons_paid,
           persons_paid::double / nullif(certified_population, 0)::double as coverage
    from counts
)

select * from final order by category, grade
