"""每月核查 in the real dashboard script (AppTest) on the demo database: the tiles and lists equal the
analyst API's for the reader's area and the month chosen (the URL's ?month=), names stay masked for
leadership and analysts, a caseworker sees her own town only and may edit, the public role has no page,
and the overview's banner says what the API says about the data's last month."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from apptest import run_app
from streamlit.testing.v1 import AppTest

import queries
import vocab as i18n
from access import ROLES, accounts
from access import db as ops
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.slow
_n = itertools.count()
TOWN = "临江镇"


@pytest.fixture(autouse=True)
def _db_env(demo_env):
    """Every test here runs the app on the demo database."""


def caseworker(town: str = TOWN) -> str:
    eng = ops.make_engine()
    name = f"chk_{next(_n)}"
    accounts.add(eng, name, "town_caseworker", town=town, password=TEST_PASSWORD)
    eng.dispose()
    return name


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_tiles(con, month, **area) -> dict[str, str]:
    s = queries.month_check_summary(con, month, **area)
    by = s.groupby("check")[["persons", "paid_cases", "amount_yuan"]].sum()
    get = lambda c, col: by.loc[c, col] if c in by.index else 0   # noqa: E731
    out = {i18n.t("check.tile_cases", check=i18n.t(f"check.{c}")): f"{int(get(c, 'persons')):,}"
           for c in queries.CHECKS}
    paid, money = int(get("stop", "paid_cases")), i18n.fmt_money(float(get("stop", "amount_yuan")))
    out[i18n.t("check.tile_paid")] = f"{paid:,} · {money}"
    return out


def test_analyst_sees_the_last_month_masked(con):
    at = run_app("check", role="analyst")
    assert_clean(at)
    last = queries.check_months(con)[-1]
    assert at.title[0].value == i18n.t("check.title", month=i18n.t("check.month_option", year=last.year,
                                                                     month=last.month))
    assert tiles(at) == expected_tiles(con, last)
    stop = at.dataframe[0].value
    api = queries.month_check(con, last, check="stop")
    assert len(stop) == int(api["follow_up"].sum())          # the cases to follow; the in-time stops folded away
    ids = stop[i18n.t("people.id_number_masked")]
    assert ids.str.contains(r"\*").all()                      # masked: leadership and analysts never see a full ID
    assert i18n.t("case.read_only") in [c.value for c in at.caption]
    assert not [b for b in at.get("button") if (b.key or "").endswith(f"-{i18n.t('case.save')}")]


def test_month_from_the_url(con):
    at = run_app("check", role="analyst", month="2020-04-01")
    assert_clean(at)
    assert at.title[0].value == i18n.t("check.title", month=i18n.t("check.month_option", year=2020, month=4))
    assert tiles(at) == expected_tiles(con, dt.date(2020, 4, 1))


def test_caseworker_sees_her_town_only_and_may_edit(con):
    at = run_app("check", username=caseworker(), month="2020-04-01", town="城东街道")
    assert_clean(at)
    assert tiles(at) == expected_tiles(con, dt.date(2020, 4, 1), town=TOWN)
    for df in at.dataframe:
        frame = df.value
        if i18n.t("town") in frame.columns and len(frame):
            assert set(frame[i18n.t("town")]) == {TOWN}
    api = queries.month_check(con, dt.date(2020, 4, 1), check="start", town=TOWN)
    editors = {d.key: d.value for d in at.dataframe if (d.key or "").endswith("_editor")}
    assert len(editors["check_start_editor"]) == int(api["follow_up"].sum()) > 0   # editable, with a save button
    assert [b for b in at.get("button") if (b.key or "").endswith(f"-{i18n.t('case.save')}")]


def test_public_role_has_no_check_page():
    at = run_app("overview", role="public")
    assert_clean(at)
    assert not at.get("page_link") or i18n.t("check.month_option", year=2021, month=12) not in str(
        [e.proto.label for e in at.get("page_link")])      # no banner for the public edition
    with pytest.raises(Exception):                          # the page is not in the public role's menu
        at.switch_page("views/check.py").run()
    assert not ROLES["public"].lists and ROLES["town_caseworker"].follow_up and not ROLES["analyst"].follow_up


def test_overview_banner_says_the_last_month(con):
    at = run_app("overview", role="analyst")
    assert_clean(at)
    last = queries.check_months(con)[-1]
    s = queries.month_check_summary(con, last)
    death = s[(s["check"] == "stop") & (s["reason"] == "death")]
    month = i18n.t("check.month_option", year=last.year, month=last.month)
    if int(death["paid_cases"].sum()):
        want = i18n.t("banner.after_death", month=month, n=i18n.fmt_int(int(death["paid_cases"].sum())),
                      money=i18n.fmt_money(float(death["amount_yuan"].sum())))
    else:
        persons = s.groupby("check")["persons"].sum()
        want = i18n.t("banner.check", month=month, **{c: i18n.fmt_int(int(persons.get(c, 0))) for c in queries.CHECKS})
    links = [e.proto.label for e in at.get("page_link")]
    assert f"**{want}**" in links


def test_public_edition_shows_no_list_no_case_and_no_ledger():
    at = run_app("check", role="leader", public="1")
    assert_clean(at)
    assert i18n.t("check.public") in [i.value for i in at.info]
    assert not at.metric and not at.tabs                      # no counts of the lists, no lists, no ledger
    for df in at.dataframe:                                   # only the medication charts' tables
        assert i18n.t("people.person_id") not in df.value.columns
    assert len(at.get("plotly_chart")) == 2


def test_a_tiles_button_opens_its_list_and_brings_it_into_view(con):
    """Each count leads to its list: the start tile's button opens the start tab (the month's start cases, as
    many persons as the tile says) and scrolls to the lists once; the paid-after-stop tile opens the stop list."""
    at = run_app("check", month="2020-04-01")
    assert_clean(at)
    assert not any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    at.button(key="check_tile_1").click().run()              # 启动发放名单 · 人数
    assert_clean(at)
    assert at.session_state["check_lists_tab"] == i18n.t("check.start")
    assert any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    assert i18n.t("check.lists_header", month=i18n.t("check.month_option", year=2020, month=4)) in [
        h.value for h in at.header]
    api = queries.month_check(con, dt.date(2020, 4, 1), check="start")
    assert tiles(at)[i18n.t("check.tile_cases", check=i18n.t("check.start"))] == f"{api['person_id'].nunique():,}"
    at.run()                                                  # the next run does not scroll again
    assert not any("scrollIntoView" in str(h.proto) for h in at.get("html"))
    at.button(key="check_tile_3").click().run()              # 本月仍发放 → the stop list
    assert at.session_state["check_lists_tab"] == i18n.t("check.stop")
