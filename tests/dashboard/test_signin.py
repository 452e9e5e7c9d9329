"""Sign-in, roles and area scope in the real dashboard script (AppTest) on the real demo database, with
the accounts and the audit log in the test's operational database (tests/conftest.py `ops_db`).

What must hold: nothing of the data before sign-in; five wrong passwords lock the account; a town or
village caseworker sees their own area's numbers (equal to the API's for that area) and full names only
of their own area, whatever the URL says; the public role cannot switch the public edition off and
gets no list; the admin sees accounts and the audit log, not the analytical pages; every page view,
list and sign-in is in the audit log.
"""
from __future__ import annotations

import itertools

import pytest
from apptest import run_app
from streamlit.testing.v1 import AppTest

import queries
import vocab as i18n
from access import accounts, audit
from access import db as ops
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.slow
_n = itertools.count()


@pytest.fixture(autouse=True)
def _db_env(demo_env):
    """Every test here runs the app on the demo database."""


@pytest.fixture(scope="module")
def eng():
    e = ops.make_engine()
    yield e
    e.dispose()


def new_account(eng, role, town=None, village=None) -> str:
    name = f"{role[:4]}_{next(_n)}_{id(eng) % 1000}"
    accounts.add(eng, name, role, town=town, village=village, password=TEST_PASSWORD)
    return name


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [m.value for m in at.metric]
    for df in at.dataframe:
        parts.extend(df.value.astype(str).to_numpy().ravel())
    return " ".join(map(str, parts))


def test_nothing_before_sign_in():
    at = run_app(role=None, year=2020)
    assert_clean(at)
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
    assert at.text_input(key="login_user") and at.text_input(key="login_password")


def test_wrong_password_five_times_locks(eng):
    name = new_account(eng, "analyst")
    at = run_app(role=None)
    messages = []
    for _ in range(5):
        at.text_input(key="login_user").input(name)
        at.text_input(key="login_password").input("not the password")
        at.button(key="login_submit").click().run()
        messages.append(at.error[0].value)
    assert messages[:4] == [i18n.t("auth.bad_credentials")] * 4
    assert "锁定" in messages[4]
    at.text_input(key="login_user").input(name)
    at.text_input(key="login_password").input(TEST_PASSWORD)
    at.button(key="login_submit").click().run()
    assert "锁定" in at.error[0].value and not at.metric  # the right password waits for the lock to end
    assert list(audit.entries(eng, username=name)["event"][::-1]) == \
        ["sign_in_failed"] * 5 + ["account_locked", "sign_in_failed"]


def test_town_caseworker_sees_only_the_own_town_whatever_the_url(con, eng):
    towns = queries.towns(con)
    mine, other = towns[0], towns[1]
    name = new_account(eng, "town_caseworker", town=mine)
    year = max(queries.years(con))
    at = run_app(username=name, year=year, town=other)
    assert_clean(at)
    assert at.selectbox(key="town").value == mine and at.selectbox(key="town").disabled
    k = queries.kpi_overview(con, year=year, town=mine).iloc[0]
    shown = metrics(at)
    assert shown["受益人数"] == i18n.fmt_int(k.persons_paid)
    assert shown["惠及人次"] == i18n.fmt_int(k.person_times)
    assert shown["持证残疾人"] == i18n.fmt_int(k.certified_population)
    district = queries.kpi_overview(con, year=year).iloc[0]
    assert shown["受益人数"] != i18n.fmt_int(district.persons_paid)
    assert at.query_params["town"] == mine


def test_caseworker_list_has_full_names_of_the_own_area_only_and_is_audited(con, eng):
    year = max(queries.years(con))
    everyone = queries.gap_people(con, gap="not_surveyed", year=year)
    town = everyone["town"].value_counts().index[0]
    village = everyone.loc[everyone["town"] == town, "village"].value_counts().index[0]
    name = new_account(eng, "village_caseworker", town=town, village=village)
    at = run_app("gaps", username=name, year=year, gap="not_surveyed", village="不存在的村")
    assert_clean(at)
    assert at.selectbox(key="village").value == village
    table = next(df.value for df in at.dataframe if "身份证号" in df.value.columns)
    mine = everyone[(everyone["town"] == town) & (everyone["village"] == village)]
    assert len(table) == len(mine) > 0
    full = con.execute("select person_id, name, id_number from persons").df().set_index("person_id")
    assert list(table["身份证号"]) == list(full.loc[mine["person_id"], "id_number"])
    assert list(table["姓名"]) == list(full.loc[mine["person_id"], "name"])
    others = full.loc[everyone.loc[everyone["village"] != village, "person_id"]]
    shown = text_of(at)
    assert not any(i in shown for i in others["id_number"].dropna())
    log = audit.entries(eng, username=name)
    listed = log[log["event"] == "list"].iloc[0]
    assert (int(listed["persons"]), bool(listed["unmasked"])) == (mine["person_id"].nunique(), True)
    assert {"sign_in", "view", "list"} <= set(log["event"])


def test_analyst_list_stays_masked(con):
    year = max(queries.years(con))
    at = run_app("gaps", year=year, gap="not_surveyed")
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "身份证号（脱敏）" in df.value.columns)
    assert table["身份证号（脱敏）"].dropna().str.contains(r"\*").all()
    assert not any("身份证号" == c for c in table.columns)


def test_public_cannot_switch_the_public_edition_off(con):
    at = run_app("gaps", role="public", public=0, gap="not_surveyed")
    assert_clean(at)
    toggle = at.toggle(key="public")
    assert toggle.value is True and toggle.disabled
    assert not [df for df in at.dataframe if "身份证号（脱敏）" in df.value.columns]
    assert any(i18n.t("public_no_list") in i.value for i in at.info)
    at.session_state["public"] = False  # even a changed session value does not turn it off
    at.run()
    assert at.toggle(key="public").value is True
    assert any(i18n.t("public_no_list") in i.value for i in at.info)


def test_admin_sees_accounts_and_audit_not_the_analysis(eng):
    at = run_app(role="admin")
    assert_clean(at)
    assert not at.metric  # the admin's first page is the accounts page, not the overview
    users_table = next(df.value for df in at.dataframe if "已停用" in df.value.columns)
    assert {"t_admin", "t_analyst"} <= set(users_table["用户名"])
    log = next(df.value for df in at.dataframe if "事件" in df.value.columns)
    assert "登录" in set(log["事件"])


def test_admin_moves_a_caseworker_and_her_next_click_has_the_new_town(con, eng):
    towns = queries.towns(con)
    name = new_account(eng, "town_caseworker", town=towns[0])
    worker = run_app(username=name)
    assert worker.selectbox(key="town").value == towns[0]
    admin = run_app(role="admin")
    admin.selectbox(key="change_username").select(name)
    admin.selectbox(key="change_role").select("town_caseworker")
    admin.selectbox(key="change_town").select(towns[1])
    next(b for b in admin.get("button") if b.key and b.key.startswith("FormSubmitter:change_account")).click().run()
    assert_clean(admin)
    assert admin.success and towns[1] in admin.success[0].value
    assert accounts.get(eng, name).town == towns[1]
    worker.run()                                   # her next click: the same session, the new area
    assert_clean(worker)
    assert worker.selectbox(key="town").value == towns[1]
    assert audit.entries(eng, event="account_changed").iloc[0]["what"] == name


def test_a_page_view_is_audited_once_per_selection(con, eng):
    name = new_account(eng, "leader")
    at = run_app(username=name, year=2020)
    at.run()  # a rerun with the same selection is not a new view
    views = audit.entries(eng, username=name, event="view")
    assert len(views) == 1 and '"year": 2020' in views.iloc[0]["filters"]
    at.selectbox(key="year").select(2021).run()
    assert len(audit.entries(eng, username=name, event="view")) == 2


def test_demo_accounts_on_the_demo_database(con, eng):
    made = accounts.ensure_demo_accounts(eng, {t: queries.villages(con, t) for t in queries.towns(con)})
    assert len(made) == 6
    at = run_app(username="demo_leader", password=accounts.DEMO_PASSWORD)
    assert_clean(at)
    assert at.metric
    first = run_app(role=None)
    assert any(df.value.shape[0] == 6 for df in first.table)  # the demo accounts shown on the sign-in page


def test_disabling_an_account_ends_its_open_session(eng):
    name = new_account(eng, "analyst")
    at = run_app(username=name)
    assert at.metric
    accounts.set_disabled(eng, name, True)
    at.run()
    assert not at.metric and at.text_input(key="login_user")
