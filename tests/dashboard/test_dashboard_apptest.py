"""The dashboard under Streamlit's AppTest, on the real demo database (conftest's `demo_db`).

What is checked, page by page:
- every page runs without an exception or an error element, in Chinese and in English, and draws charts;
- the KPI tiles show exactly the analyst API's numbers (formatted by dashboard.i18n) for the selection;
- each sidebar filter (year, town, category, program group) changes the numbers the way the API says;
- the filters are written to the URL, and a URL restores them (a shared link);
- the English switch changes the labels; an empty selection shows the plain message;
- a missing database shows the "run make run" message instead of a traceback.
Chart builders are also checked without Streamlit on small hand-made frames (test_dashboard_charts.py).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from apptest import APP, run_app
from streamlit.testing.v1 import AppTest

import queries
import vocab as i18n

pytestmark = pytest.mark.slow

PAGES = ["overview", "coverage", "spend", "processing", "gaps", "check"]
SEED = pd.read_csv(Path(APP).parents[1] / "queries" / "seeds" / "gap_keys.csv").set_index("gap")


@pytest.fixture(autouse=True)
def _db_env(demo_env):
    """Every test here runs the app on the demo database (conftest.py)."""


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def kpi(con, **filters) -> pd.Series:
    return queries.kpi_overview(con, **filters).iloc[0]


def latest_year(con) -> int:
    return max(queries.years(con))


# ---------------------------------------------------------------- every page runs
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_and_draws(page, lang):
    at = run_app(page, lang=lang)
    assert_clean(at)
    assert len(at.get("plotly_chart")) >= 1
    assert at.title[0].value  # page heading present


# ---------------------------------------------------------------- numbers equal the API
def test_overview_kpis_equal_api(con):
    year = latest_year(con)
    at = run_app()
    assert_clean(at)
    k = kpi(con, year=year)
    shown = metrics(at)
    assert shown["发放金额"] == i18n.fmt_money(k.spend_yuan, "zh", short=True)
    assert i18n.fmt_yuan_exact(k.spend_yuan) in at.metric[0].help  # the exact amount behind the rounding
    assert shown["惠及人次"] == i18n.fmt_int(k.person_times)
    assert shown["受益人数"] == i18n.fmt_int(k.persons_paid)
    assert shown["补贴项目数"] == f"{int(k.programs_paid)} / {int(k.programs_total)}"
    assert shown["持证残疾人"] == i18n.fmt_int(k.certified_population)
    assert shown["覆盖率"] == i18n.fmt_pct(k.coverage)
    assert shown["办理时长中位数"] == i18n.fmt_days(k.median_processing_days, "zh")
    assert shown["零次跑项目占比"] == i18n.fmt_pct(k.zero_trip_share)
    # the change against the previous year is the API's difference
    prev = kpi(con, year=year - 1)
    delta = {m.label: m.delta for m in at.metric}
    assert delta["惠及人次"] == i18n.fmt_delta(k.person_times, prev.person_times)


def test_spend_money_parses_back_to_api_total(con):
    """'4,970 万元' is the API's spend to the nearest 万 (the display rounds, nothing else)."""
    year = latest_year(con)
    shown = metrics(run_app())["发放金额"]
    value = float(shown.replace(",", "").replace(" 万元", "")) * 10_000
    assert value == pytest.approx(kpi(con, year=year).spend_yuan, abs=5_000)


@pytest.mark.parametrize("widget, api_name, pick", [
    ("year", "year", lambda con: min(queries.years(con))),
    ("town", "town", lambda con: queries.towns(con)[1]),
    ("category", "category", lambda con: "肢体"),
    ("group", "program_group", lambda con: "康复"),
])
def test_each_filter_changes_numbers_like_the_api(con, widget, api_name, pick):
    year = latest_year(con)
    value = pick(con)
    at = run_app()
    before = metrics(at)
    at.selectbox(key=widget).set_value(value).run()
    assert_clean(at)
    filters = {"year": year, api_name: value}
    k = kpi(con, **filters)
    shown = metrics(at)
    assert shown["发放金额"] == i18n.fmt_money(k.spend_yuan, "zh", short=True)
    assert shown["惠及人次"] == i18n.fmt_int(k.person_times)
    assert shown["覆盖率"] == i18n.fmt_pct(k.coverage)
    assert shown != before
    # the URL mirrors the filter
    assert at.query_params.get(widget) in (str(value), [str(value)])


def test_filters_hold_across_pages(con):
    """Same number on every page: the town chosen on the overview still filters the spend page."""
    year = latest_year(con)
    town = queries.towns(con)[0]
    at = run_app()
    at.selectbox(key="town").set_value(town).run()
    at.switch_page("views/spend.py").run()
    assert_clean(at)
    assert at.selectbox(key="town").value == town
    spend = queries.spend_by_program(con, year=year, town=town)
    summary = " ".join(m.value for m in at.markdown)
    top = spend.loc[spend.spend_yuan.idxmax()]
    assert top["name"] in summary
    assert i18n.fmt_pct(top.spend_yuan / spend.spend_yuan.sum()) in summary


def test_url_restores_the_view(con):
    years = queries.years(con)
    town = queries.towns(con)[2]
    at = run_app(year=years[0], town=town, category="智力", group="康复", lang="en")
    assert_clean(at)
    assert at.selectbox(key="year").value == years[0]
    assert at.selectbox(key="town").value == town
    assert at.selectbox(key="category").value == "智力"
    assert at.selectbox(key="group").value == "康复"
    k = kpi(con, year=years[0], town=town, category="智力", program_group="康复")
    assert metrics(at)["Money paid"] == i18n.fmt_money(k.spend_yuan, "en", short=True)


def test_bad_url_values_fall_back_to_defaults(con):
    at = run_app(year=1899, town="没有这个镇", category="x", lang="fr")
    assert_clean(at)
    assert at.selectbox(key="year").value == latest_year(con)
    assert at.selectbox(key="town").value == ""
    assert "发放金额" in metrics(at)


def test_processing_page_numbers_equal_api(con):
    year = latest_year(con)
    at = run_app("processing")
    assert_clean(at)
    s = queries.reform_savings(con, year=year).iloc[0]
    shown = metrics(at)
    assert shown["全年节省工作日"] == i18n.fmt_int(s.working_days_saved_total)
    assert shown["全年减少跑次"] == i18n.fmt_int(s.trips_saved_total)
    assert shown["本年已发放申请"] == i18n.fmt_int(s.applications)


def test_gaps_page_numbers_and_list_equal_api(con):
    year = latest_year(con)
    town = queries.towns(con)[0]
    at = run_app("gaps", town=town, gap="paid_after_death")
    assert_clean(at)
    row = queries.census_gaps(con, year=year, town=town).set_index("gap").loc["paid_after_death"]
    shown = metrics(at)
    label = SEED.loc["paid_after_death", "label_zh"]   # the tile names the gap in the seed's words
    assert label == "死亡后发放"
    assert shown[f"{label} · 人数"] == i18n.fmt_int(row.persons)
    assert shown[f"{label} · 金额"] == i18n.fmt_money(row.amount_yuan, "zh")
    people = queries.gap_people(con, gap="paid_after_death", year=year, town=town)
    tables = [df for df in at.dataframe if "身份证号（脱敏）" in df.value.columns]
    if len(people):
        assert len(tables) == 1 and len(tables[0].value) == len(people)
        ids = tables[0].value["身份证号（脱敏）"].dropna()
        assert ids.str.contains(r"\*").all()  # masked, never the full number
    # the village drill-down appears once a town is chosen, and filters the list
    assert at.selectbox(key="village").value == ""


def test_gap_list_never_unmasked(con):
    year = latest_year(con)
    at = run_app("gaps", gap="not_surveyed")
    raw = con.execute("select id_number, name from persons where id_number is not null limit 2000").df()
    for df in at.dataframe:
        text = df.value.astype(str).to_numpy().ravel()
        assert not set(raw.id_number) & set(text)
        assert not set(raw.name.dropna()) & set(text)
    assert queries.census_gaps(con, year=year).set_index("gap").loc["not_surveyed", "persons"] >= 0


# ---------------------------------------------------------------- language
def test_english_switch_changes_labels():
    at = run_app()
    assert "发放金额" in metrics(at)
    at.radio(key="lang").set_value("en").run()
    assert_clean(at)
    shown = metrics(at)
    assert "Money paid" in shown and "发放金额" not in shown
    assert at.query_params.get("lang") in ("en", ["en"])
    assert any(t.value.startswith("Subsidy overview") for t in at.title)
    assert at.selectbox(key="town").options[0] == "All"


# ---------------------------------------------------------------- empty selection and missing database
@pytest.fixture(scope="module")
def db_with_silent_town(demo_db, tmp_path_factory, con):
    """A copy of the demo database in which one town has no payments and no applications at all."""
    from queries.install import install_views

    town = queries.towns(con)[-1]
    copy = tmp_path_factory.mktemp("silent_town") / "subsidy.duckdb"
    shutil.copy(demo_db, copy)
    rw = queries.connect(copy, read_only=False)
    for table in ("payments", "applications"):
        rw.execute(f"delete from {table} where person_id in (select person_id from persons where town = $t)",
                   {"t": town})
    install_views(rw)
    rw.close()
    return copy, town


# not 每月核查: a town with no payments at all has every eligible person on its start list
@pytest.mark.parametrize("page", [p for p in PAGES if p != "check"])
def test_empty_selection_shows_message(db_with_silent_town, monkeypatch, page):
    copy, town = db_with_silent_town
    monkeypatch.setenv("SUBSIDY_DB", str(copy))
    # on the gaps page: a gap that needs payments, in a town without any
    at = run_app(page, town=town, category="多重", group="就业", gap="duplicate_payment")
    assert_clean(at)
    assert at.info, "expected the 'no data' message"
    assert any("没有" in i.value for i in at.info)


def test_missing_database_shows_instructions(tmp_path, monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "make run" in text and "subsidy build --demo" in text


def test_png_download_offered_or_install_advice(monkeypatch):
    """With Chromium every chart offers a PNG; without it the page shows the apt-get line, not a traceback."""
    at = run_app()
    assert len(at.get("download_button")) >= 2
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = run_app()
    assert_clean(at)
    assert len(at.get("download_button")) == 0
    assert any("apt-get install" in c.value and "chromium" in c.value for c in at.caption)


def test_reconnects_when_the_database_file_is_swapped(demo_db, db_with_silent_town, tmp_path, monkeypatch, con):
    """A rebuild os.replace()s a new file in: the next run reads the new file, without a restart."""
    silent_copy, town = db_with_silent_town
    live = tmp_path / "live.duckdb"
    shutil.copy(demo_db, live)
    monkeypatch.setenv("SUBSIDY_DB", str(live))
    at = run_app(town=town)
    year = latest_year(con)
    assert metrics(at)["受益人数"] == i18n.fmt_int(kpi(con, year=year, town=town).persons_paid)
    staged = tmp_path / "live.duckdb.tmp"
    shutil.copy(silent_copy, staged)
    os.replace(staged, live)
    at.run()
    assert_clean(at)
    assert metrics(at)["受益人数"] == "0"


def test_database_built_by_an_older_version_says_rebuild(demo_db, tmp_path, monkeypatch):
    """A view the API needs is missing (file built before the views changed): rebuild advice, no traceback."""
    old = tmp_path / "old.duckdb"
    shutil.copy(demo_db, old)
    rw = queries.connect(old, read_only=False)
    # the overview's KPI tiles read the spend cube (queries/sql/api/kpi_overview.sql)
    rw.execute("drop view mart_spend_cube cascade") if rw.execute(
        "select count(*) from duckdb_views() where view_name = 'mart_spend_cube'").fetchone()[0] else rw.execute(
        "drop table mart_spend_cube cascade")
    rw.close()
    monkeypatch.setenv("SUBSIDY_DB", str(old))
    at = run_app()
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "旧版本" in text and "mart_spend_cube" in text
