-- Money macros.
-- dibao_share_amount(standard, share): a monthly amount set as a share of the 低保 standard (the rule
--   seed's amount_share_of_dibao; living_subsidy: 30%), rounded to whole yuan, half away from zero, in
--   exact decimal arithmetic (METRICS.md). The one definition of that rounding: the eligibility months'
--   monthly_amount and a payment's expected amount both call it.
-- yuan_text(amount): an amount in yuan for the caseworker's words, trailing zeros dropped
--   (305.00 → '305', 1010.50 → '1010.5').
create or replace macro dibao_share_amount(standard, share) as
    round(standard::decimal(14, 2) * share::decimal(6, 4), 0);

create or replace macro yuan_text(amount) as
    regexp_replace(printf('%.2f', amount), '\.?0+$', '');
