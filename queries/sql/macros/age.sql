-- Age macros (METRICS.md: age in month M is whole years, or months for infants, on day 1 of M).
-- age_in_months(birth, on_day): whole months of age on a date; a month counts once its day is reached
--   (born 2020-05-10: 0 on 2020-06-01, 1 on 2020-06-10).
-- age_band(age_years): the ARCHITECTURE.md bands 0-6, 7-17, 18-59, 60+; NULL for an unknown or
--   negative age.
create or replace macro age_in_months(birth, on_day) as
    (year(on_day) - year(birth)) * 12 + month(on_day) - month(birth)
    - case when day(birth) > day(on_day) then 1 else 0 end;

create or replace macro age_band(age_years) as
    case
        when age_years is null or age_years < 0 then null
        when age_years <= 6 then '0-6'
        when age_years <= 17 then '7-17'
        when age_years <= 59 then '18-59'
        else '60+'
    end;
