-- grain: one row per follow-up case (mart_worklist), masked, sorted by month, town, village, person_id,
--   case_key
-- params: town, village, category, item (optional; item = 'stop:death' … or a gap key), year (optional:
--   the case's year)
with final as (
    select
        case_key,
        "check",
        reason,
        item,
        person_id,
        id_number_masked,
        name_masked,
        town,
        village,
        category,
        grade,
        program_id,
        payment_id,
        month,
        year,
        since,
        first_listed,
        last_listed,
        listed_last,
        months,
        amount_yuan::double as amount_yuan
    from mart_worklist
    where ($town is null or town = $town)
        and ($village is null or village = $village)
        and ($category is null or category = $category)
        and ($item is null or item = $item)
        and ($year is null or year = $year)
)

select * from final order by month, town, village, person_id, case_key
