-- grain: one row per (file, column_name, rule) of the rejected rows (table rejects), most rows first
-- params: none
-- label_zh / label_en name the rule (table reject_rules, written by the same load).
with rejected as (
    select file, column_name, rule
    from rejects
),

rule_words as (
    select rule, label_zh, label_en
    from reject_rules
),

counted as (
    select file, column_name, rule, count(*) as rows
    from rejected
    group by file, column_name, rule
),

final as (
    select c.file, c.column_name, c.rule, w.label_zh, w.label_en, c.rows
    from counted as c
    left join rule_words as w on w.rule = c.rule
)

select * from final order by rows desc, file, column_name, rule
