-- grain: one row per broken rule of a rejected row (table rejects; a row breaking two rules has two), by file, row_number
-- params: file (optional, null = every file)
-- value is the offending cell (masked by the loader unless its column holds no personal data);
-- reason_zh / reason_en say what is wrong in each language; label_zh / label_en name the rule
-- (table reject_rules, written by the same load).
with rejected as (
    select file, row_number, column_name, rule, value, reason_zh, reason_en, raw_row
    from rejects
    where ($file is null or file = $file)
),

rule_words as (
    select rule, label_zh, label_en
    from reject_rules
),

final as (
    select
        r.file, r.row_number, r.column_name, r.rule, w.label_zh, w.label_en,
        r.value, r.reason_zh, r.reason_en, r.raw_row
    from rejected as r
    left join rule_words as w on w.rule = r.rule
)

select * from final order by file, row_number, rule, column_name
