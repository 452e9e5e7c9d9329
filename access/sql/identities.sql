-- grain: one row per person of $ids who lives in the principal's area ($town, $village; null = any)
-- the only unmasked read of the product (access/reveal.py): full name and ID number, for caseworkers
select p.person_id, p.name, p.id_number
from persons as p
where p.person_id in (select unnest($ids::varchar[]))
    and p.town = $town
    and ($village is null or p.village = $village)
order by p.person_id
