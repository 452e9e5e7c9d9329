-- grain: one row per (category, grade) present in the year's certified population (the Python
--   function adds the zero rows of the contract's 7 × 4 grid, coverage NaN)
-- params: year (required); town, village, category (person filters), program, program_group
--   (which payments count as covering; optional, null = all)
-- The persons and whether each is covered: the table macro mart_coverage_of (one definition with
-- coverage_by and the list behind a count, coverage_people).
with counts as (
    select c.category, c.grade,
           count(*) as certified_population,
           count(*) filter (where c.covered) as persons_paid
    from mart_coverage_of(
        cov_year := $year, cov_town := $town, cov_village := $village, cov_category := $category,
        cov_program := $program, cov_program_group := $program_group
    ) as c
    group by c.category, c.grade
),

-- coverage = persons_paid / certified_population as a double (NULL, i.e. NaN, when the population is 0)
final as (
    select category, grade, certified_population, persons_paid,
           persons_paid::double / nullif(certified_population, 0)::double as coverage
    from counts
)

select * from final order by category, grade
