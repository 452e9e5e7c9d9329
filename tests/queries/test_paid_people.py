"""The persons behind a count of persons paid (queries.paid_people), on the tiny hand-typed district
(tests/contract_fixtures.py) loaded by the real loader, and on the demo district against the counts.

The district's payments for 2020 periods:
- P001 东城街道/一村 肢体 1级: LS 3 × 285 (Y01–Y03) + NS 2 × 270 (Y04, Y05) = 1,395 元, 5 payments;
- P004 西湖镇/三村 视力 3级: RH 5,999.5 (Y06) + NS 135 (Y07, after her death) = 6,134.5 元, 2 payments;
- P005 西湖镇/四村 智力 4级 (no ID number): AD 1,200.25 (Y08), 1 payment.
P002's NS payments (Y09, Y10) are for 2021 periods. 受益人数 2020 = 3.
"""
from __future__ import annotations

import pandas as pd
import pytest

import queries


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["person_id"])


def test_the_persons_paid_in_the_year_by_hand(tiny):
    paid = queries.paid_people(tiny, 2020)
    assert ids(paid) == ["P001", "P004", "P005"]            # town, village, category, grade order
    assert list(paid["programs"]) == ["LS|NS", "NS|RH", "AD"]
    assert list(paid["payments"]) == [5, 2, 1]
    assert list(paid["spend_yuan"]) == [1395.0, 6134.5, 1200.25]
    assert list(paid["town"]) == ["东城街道", "西湖镇", "西湖镇"] and list(paid["grade"]) == [1, 3, 4]
    assert len(paid) == queries.kpi_overview(tiny, 2020)["persons_paid"].iloc[0] == 3


def test_identities_are_masked(tiny):
    paid = queries.paid_people(tiny, 2020)
    assert list(paid["name_masked"]) == ["张*", "赵*", "孙*"]
    assert list(paid["id_number_masked"][:2]) == ["3301************12", "3301************47"]
    assert pd.isna(paid["id_number_masked"].iloc[2])        # P005 has no ID number
    assert not {"name", "id_number"} & set(paid.columns)


def test_a_program_or_a_group_lists_only_its_own_payments(tiny):
    ns = queries.paid_people(tiny, 2020, program="NS")       # P001 2 × 270, P004 135
    assert ids(ns) == ["P001", "P004"] and list(ns["programs"]) == ["NS", "NS"]
    assert list(ns["payments"]) == [2, 1] and list(ns["spend_yuan"]) == [540.0, 135.0]
    two = queries.paid_people(tiny, 2020, program_group="两项补贴")   # LS and NS
    assert ids(two) == ["P001", "P004"] and list(two["programs"]) == ["LS|NS", "NS"]
    assert list(two["spend_yuan"]) == [1395.0, 135.0]
    assert ids(queries.paid_people(tiny, 2020, program="AD")) == ["P005"]
    assert queries.paid_people(tiny, 2020, program="NS", town="东城街道", village="二村").empty


def test_person_filters_and_another_year(tiny):
    assert ids(queries.paid_people(tiny, 2020, town="西湖镇")) == ["P004", "P005"]
    assert ids(queries.paid_people(tiny, 2020, category="视力")) == ["P004"]
    p2021 = queries.paid_people(tiny, 2021)                 # P002: NS 2 × 270 for 2021-01/02
    assert ids(p2021) == ["P002"] and list(p2021["spend_yuan"]) == [540.0] and list(p2021["name_masked"]) == ["李**"]


def counts_agree(con, year: int, **filters) -> int:
    """The list's length is kpi_overview's persons_paid, and per program spend_by_program's persons (its
    money their spend). Returns the counts checked."""
    people = queries.paid_people(con, year, **filters)
    assert len(people) == queries.kpi_overview(con, year, **filters)["persons_paid"].iloc[0]
    assert people["person_id"].is_unique
    checked = 1
    for row in queries.spend_by_program(con, year, **filters).itertuples():
        one = queries.paid_people(con, year, **{**filters, "program": row.program_id})
        assert len(one) == row.persons and one["spend_yuan"].sum() == pytest.approx(row.spend_yuan), row
        checked += 1
    return checked


def test_the_list_has_the_counts_length_on_the_tiny_district(tiny):
    assert counts_agree(tiny, 2020) == 5
    assert counts_agree(tiny, 2020, town="西湖镇") == 5


@pytest.mark.slow
@pytest.mark.parametrize("filters", [{}, {"program_group": "康复"}, {"category": "肢体"}])
def test_the_list_has_the_counts_length_on_the_demo(con, filters):
    assert counts_agree(con, 2020, **filters) >= 2
    assert counts_agree(con, 2020, town=queries.towns(con)[0], **filters) >= 2
