-- grain: one row per case of one gap in the year (a payment, a (person, program) or a person; see
--   mart_gap_cases), masked, sorted by town, village, person_id, program_id, payment_id
-- params: gap (required, an allow-listed key), year (required), town, village, category (optional)
with final as (
    select person_id, id_number_masked, name_masked, town, village, category, grade, gap,
           program_id, payment_id, detail, detail_zh, since, months, amount_yuan::double as amount_yuan
    from mart_gap_cases as g
    where g.gap = $gap
        and (g.year = $year or g.year is null)
        and ($town is null or g.town = $town)
        and ($village is null or g.village = $village)
        and ($category is null or g.category = $category)
)

select * from final order by town, village, person_id, program_id, payment_id
