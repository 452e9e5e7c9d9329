-- Month-mask macros: a year's months as a 12-bit mask (bit m − 1 set for month m; mart_targeting,
-- int_rule_branch_years, int_rule_paid_years) and a 12-element list of that year's amounts per month.
-- mask_sum(mask, xs, ys): the sum over the months of `mask` of xs[m], or ys[m] where xs[m] is NULL (NULL
--   when no month adds anything); exact in decimal arithmetic when the lists hold decimals.
-- mask_nulls(mask, xs): how many months of `mask` have no value in xs (all of them when xs is NULL).
-- month_amounts(levels): the 12 monthly amounts of a list of (mask, amount) levels: each month the largest
--   amount whose mask holds it (NULL when none does); NULL for no levels (a rule without an amount).
create or replace macro mask_sum(mask, xs, ys) as
    list_sum(list_transform(
        range(12), lambda i: case when (mask >> i) & 1 = 1 then coalesce(xs[i + 1], ys[i + 1]) end
    ));

create or replace macro mask_nulls(mask, xs) as
    bit_count(mask) - coalesce(list_count(list_transform(
        range(12), lambda i: case when (mask >> i) & 1 = 1 then xs[i + 1] end
    )), 0);

create or replace macro month_amounts(levels) as
    case when levels is not null then list_transform(range(12), lambda i: list_max(list_transform(
        list_filter(levels, lambda l: (l.mask >> i) & 1 = 1), lambda l: l.amount))) end;
