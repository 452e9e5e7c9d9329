-- Masking macros for the caseworker lists (ARCHITECTURE.md masking), used by mart_gap_cases.
-- mask_id(x): an id_number keeps its first 4 and last 2 characters, the rest becomes *; a value too
--   short to keep anything hidden (6 characters or fewer) is masked entirely.
-- mask_name(x): the first character, then one * per remaining character (张三 → 张*, 欧阳娜娜 → 欧***).
-- Only used until contract/masking.py provides the same macros for every package (install.py
-- prefers contract.masking.install_macros when it exists).
create or replace macro mask_id(x) as
    case
        when x is null then null
        when length(x) <= 6 then repeat('*', length(x))
        else left(x, 4) || repeat('*', length(x) - 6) || right(x, 2)
    end;

create or replace macro mask_name(x) as
    case
        when x is null then null
        else left(x, 1) || repeat('*', greatest(length(x) - 1, 0))
    end;
