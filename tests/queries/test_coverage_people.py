"""The persons behind a coverage count (queries.coverage_people), on the tiny hand-typed district
(tests/contract_fixtures.py) loaded by the real loader, and on the demo district against the counts.

The district's certified population in 2020 (持证 with a valid certificate in a month alive):
- P001 东城街道/一村 肢体 1级 男 60+ 城镇: paid LS 3 × 285 + NS 2 × 270 = 1,395 元 → covered, LS|NS;
- P002 东城街道/二村 精神 2级 女 18-59 农村: no payment for a 2020 period (NS is paid for 2021) → not covered;
- P004 西湖镇/三村 视力 3级 女 18-59 (49 on 1 January) 城镇, dies 2020-08-20 (8 valid months): paid RH
  5,999.5 + NS 135 = 6,134.5 元 → covered, NS|RH;
- P005 西湖镇/四村 智力 4级 男 60+ (no hukou, no ID number): paid AD 1,200.25 → covered, AD.
P003 (评定表) and P006 (疑似) hold no certificate: not in the population.
"""
from __future__ import annotations

import pandas as pd
import pytest

import queries


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["person_id"])


def test_the_persons_paid_and_not_yet_covered_by_hand(tiny):
    paid = queries.coverage_people(tiny, 2020, True)
    assert ids(paid) == ["P001", "P004", "P005"]            # town, village, category, grade order
    assert list(paid["programs"]) == ["LS|NS", "NS|RH", "AD"]
    assert list(paid["spend_yuan"]) == [1395.0, 6134.5, 1200.25]
    assert list(paid["valid_months"]) == [12, 8, 12]
    unpaid = queries.coverage_people(tiny, 2020, False)
    assert ids(unpaid) == ["P002"] and unpaid["programs"].isna().all() and list(unpaid["spend_yuan"]) == [0.0]
    both = queries.coverage_people(tiny, 2020)
    assert ids(both) == ["P001", "P002", "P004", "P005"] and list(both["covered"]) == [True, False, True, True]


def test_identities_are_masked(tiny):
    both = queries.coverage_people(tiny, 2020)
    assert list(both["name_masked"]) == ["张*", "李**", "赵*", "孙*"]
    assert list(both["id_number_masked"][:3]) == ["3301************12", "3301************21", "3301************47"]
    assert pd.isna(both["id_number_masked"].iloc[3])        # P005 has no ID number
    assert not {"name", "id_number"} & set(both.columns)


def test_a_program_counts_only_its_own_payments(tiny):
    # NS paid P001 (2 × 270) and P004 (135); P005's AD and P004's RH do not cover under NS
    paid = queries.coverage_people(tiny, 2020, True, program="NS")
    assert ids(paid) == ["P001", "P004"] and list(paid["spend_yuan"]) == [540.0, 135.0]
    assert list(paid["programs"]) == ["NS", "NS"]
    assert ids(queries.coverage_people(tiny, 2020, False, program="NS")) == ["P002", "P005"]
    assert ids(queries.coverage_people(tiny, 2020, True, program_group="康复")) == ["P004"]   # RH


def test_a_cell_of_the_heatmap_or_a_bar(tiny):
    assert ids(queries.coverage_people(tiny, 2020, True, category="视力", grade=3)) == ["P004"]
    assert queries.coverage_people(tiny, 2020, True, category="视力", grade=1).empty
    assert ids(queries.coverage_people(tiny, 2020, True, town="西湖镇")) == ["P004", "P005"]
    assert queries.coverage_people(tiny, 2020, False, town="西湖镇").empty
    assert ids(queries.coverage_people(tiny, 2020, False, town="东城街道", village="二村")) == ["P002"]
    assert ids(queries.coverage_people(tiny, 2020, sex="女")) == ["P002", "P004"]
    assert ids(queries.coverage_people(tiny, 2020, age_band="60+")) == ["P001", "P005"]
    assert ids(queries.coverage_people(tiny, 2020, hukou="城镇")) == ["P001", "P004"]
    assert ids(queries.coverage_people(tiny, 2020, category="6")) == ["P002"]     # code 6 = 精神
    assert ids(queries.coverage_people(tiny, 2020, True, category="肢体", grade="一级")) == ["P001"]


def test_another_year(tiny):
    # 2021: P004 has died (not alive in any month); P002 is paid NS for 2021-01/02
    assert ids(queries.coverage_people(tiny, 2021, True)) == ["P002"]
    assert ids(queries.coverage_people(tiny, 2021, False)) == ["P001", "P005"]


@pytest.mark.parametrize("kwargs", [dict(covered="yes"), dict(covered=1), dict(grade="五级"), dict(grade=5)])
def test_bad_arguments_are_refused(tiny, kwargs):
    with pytest.raises(ValueError):
        queries.coverage_people(tiny, 2020, **kwargs)


def cells_agree(con, year: int, **filters) -> int:
    """Every cell of coverage_by_category and coverage_by (town, sex, age_band): the list's length is the
    cell's persons_paid (covered) and the rest of its certified population (not covered). Returns cells."""
    people = queries.coverage_people(con, year, **filters)
    checked = 0
    for _, row in queries.coverage_by_category(con, year, **filters).iterrows():
        cell = people[(people["category"] == row["category"]) & (people["grade"] == row["grade"])]
        assert int(cell["covered"].sum()) == row["persons_paid"], (filters, row)
        assert int((~cell["covered"]).sum()) == row["certified_population"] - row["persons_paid"], (filters, row)
        checked += 1
    for by in ("town", "sex", "age_band"):
        for _, row in queries.coverage_by(con, year, by=by, **filters).iterrows():
            cell = people[people[by] == row["value"]]
            assert (int(cell["covered"].sum()), len(cell)) == (row["persons_paid"], row["certified_population"])
            checked += 1
    return checked


def test_the_lists_have_the_counts_length_on_the_tiny_district(tiny):
    assert cells_agree(tiny, 2020) > 0
    assert cells_agree(tiny, 2020, program="NS") > 0


@pytest.mark.slow
@pytest.mark.parametrize("filters", [{}, {"program_group": "康复"}, {"category": "肢体"}])
def test_the_lists_have_the_counts_length_on_the_demo(con, filters):
    town = queries.towns(con)[0]
    assert cells_agree(con, 2020, **filters) >= 10
    assert cells_agree(con, 2020, town=town, **filters) >= 10
    paid = queries.coverage_people(con, 2020, True, **filters)
    assert len(paid) == queries.kpi_overview(con, 2020, **filters)["persons_covered"].iloc[0]
