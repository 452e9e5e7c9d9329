"""The 数据质量 page, the incomplete-data banner, the 公开版 toggle and the report-pack button (AppTest).

The district is tests/contract_fixtures.py's hand-written one with five rows broken on purpose, so
every expected number below is worked out by hand from those rows:

  persons.csv    6 rows  P006's ID number gets a wrong check digit           -> row 7 rejected (id_check_digit)
  payments.csv  10 rows  Y03 amount "二百" (row 4, money); Y05 period "2020-13" and paid_date
                          "2020-02-30" (row 6, month + date: one row, two reasons); Y08 amount "0"
                          (row 9, amount_positive)                            -> 3 rows rejected, 4 reasons
  census.csv     4 rows  P001 need_rehab "2"                                  -> row 2 rejected (flag)
  other files   3+4+4+3+4+3 = 21 rows, all clean
  total read 6 + 10 + 4 + 21 = 41, rejected 1 + 3 + 1 = 5, loaded 36, share 5 / 41 = 12.2 %

Nobody references P006, so no other row is rejected with it. In 2020 the loaded payments reach P001
(Y01, Y02, Y04) and P004 (Y06, Y07): 2 persons paid, below k = 5.
"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import apptest
import pytest
from streamlit.testing.v1 import AppTest

import queries
from contract.masking import find_personal
from publish import charts, tables
from tests.contract_fixtures import district, hostile_district, write_district

pytestmark = pytest.mark.slow

OTHER_PAGES = ["overview", "coverage", "spend", "processing", "gaps"]
NAMES = ("张三", "李四娘", "王五", "赵六", "孙七", "欧阳娜娜")


def broken_district() -> tuple[dict, list[str]]:
    """The fixture district with the five broken rows of the module docstring; also every ID number in it."""
    d = district()
    p6 = d["persons"][5]
    p6["id_number"] = p6["id_number"][:17] + ("0" if p6["id_number"][17] != "0" else "1")
    d["payments"][2]["amount"] = "二百"                   # Y03, row 4
    d["payments"][4]["period"] = "2020-13"                # Y05, row 6 ...
    d["payments"][4]["paid_date"] = "2020-02-30"          # ... same row, a second reason
    d["payments"][7]["amount"] = "0"                      # Y08, row 9
    d["census"][0]["need_rehab"] = "2"                    # P001's survey, row 2
    ids = [p["id_number"] for p in d["persons"] if p["id_number"]]
    return d, ids


@pytest.fixture(scope="module")
def broken_db(tmp_path_factory) -> tuple[Path, list[str]]:
    from subsidy.build import build_database

    d, ids = broken_district()
    root = tmp_path_factory.mktemp("broken")
    build_database(write_district(root / "src", d), root / "subsidy.duckdb")
    return root / "subsidy.duckdb", ids


def run_app(db: Path, page: str | None = None, timeout: float = 120, **query) -> AppTest:
    """The app on database `db` (the `_restore_db_env` fixture puts SUBSIDY_DB back afterwards)."""
    os.environ["SUBSIDY_DB"] = str(db)
    return apptest.run_app(page, timeout, **query)


@pytest.fixture(autouse=True)
def _restore_db_env(monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", "")  # run_app sets it; monkeypatch puts the old value back


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame(at: AppTest, column: str):
    """The one table on the page with a column called `column` (AppTest keeps no key for dataframes)."""
    (found,) = [df.value for df in at.dataframe if column in df.value.columns]
    return found


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [f"{m.label} {m.value}" for m in at.metric] + [p.proto.label for p in at.get("page_link")]
    parts += [df.value.astype(str).to_csv() for df in at.dataframe]
    return "\n".join(parts)


def banner(at: AppTest) -> list[str]:
    return [p.proto.label for p in at.get("page_link") if "入库时拒绝" in p.proto.label or "rejected" in p.proto.label]


# ---------------------------------------------------------------- the quality page, counted by hand
def test_quality_page_shows_the_hand_counted_rejects(broken_db):
    db, ids = broken_db
    at = run_app(db, "quality")
    assert_clean(at)
    assert metrics(at) == {"读取行数": "41", "入库行数": "36", "拒绝行数": "5", "拒绝比例": "12.2%"}
    assert any("拒绝 5 行" in w.value and "41" in w.value and "12.2%" in w.value for w in at.warning)

    files = frame(at, "数据表").set_index("文件")
    assert files.loc["payments.csv", ["读取行数", "入库行数", "拒绝行数"]].tolist() == [10, 7, 3]
    assert files.loc["persons.csv", ["读取行数", "入库行数", "拒绝行数"]].tolist() == [6, 5, 1]
    assert files.loc["census.csv", ["读取行数", "入库行数", "拒绝行数"]].tolist() == [4, 3, 1]
    assert files.loc["payments.csv", "拒绝比例"] == "30.0%"
    assert files["拒绝行数"].sum() == 5 and files["读取行数"].sum() == 41

    # one line per (file, column, rule), with the first row as the example
    rules = frame(at, "示例行号")
    got = {(r["文件"], r["列"], r["规则说明"].split(" (")[-1].rstrip(")"), r["行数"], r["示例行号"])
           for _, r in rules.iterrows()}
    assert got == {("persons.csv", "id_number", "id_check_digit", 1, 7),
                   ("payments.csv", "amount", "money", 1, 4),
                   ("payments.csv", "period", "month", 1, 6),
                   ("payments.csv", "paid_date", "date", 1, 6),
                   ("payments.csv", "amount", "amount_positive", 1, 9),
                   ("census.csv", "need_rehab", "flag", 1, 2)}
    # where and when: the loader's own record
    info = frame(at, "项目").set_index("项目")["内容"]
    assert info["来源文件夹"] == str(db.parent / "src")
    assert info["数据截至（最晚发放日期）"] == "2021-02-19"   # Y10's paid_date, the latest loaded
    assert len(at.get("download_button")) >= 1

    # nothing unmasked anywhere on the page
    text = all_text(at)
    for secret in (*ids, *NAMES):
        assert secret not in text
    assert "3301************" in text  # P006's number is there, masked


def test_rejects_download_is_every_reason_masked_with_bom(broken_db):
    db, ids = broken_db
    con = queries.connect(db)
    try:
        data = tables.to_csv_bom(tables.rejects_table(queries.rejects(con), charts.labels("zh")))
    finally:
        con.close()
    assert data[:3] == b"\xef\xbb\xbf"  # Excel reads the Chinese correctly only with the BOM
    text = data.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("文件,行号,列,规则,规则说明,原因")
    assert len(lines) == 1 + 6  # six reasons (five rows: Y05 breaks two rules)
    assert "二百" in text and "2020-13" in text and "身份证号校验位错误" in text
    assert "所属期(period) 不是有效月份（应为 YYYY-MM）：「2020-13」" in text   # Chinese words only, with the value
    assert "not a valid month" not in text
    for secret in (*ids, *NAMES):
        assert secret not in text


def test_rejects_carry_both_languages_and_the_masked_value(broken_db):
    """Three of the hand-broken rows, read through the API: the loader's words in each language, the
    offending cell on its own (P006's number masked), and the rule named from reject_rules."""
    db, ids = broken_db
    con = queries.connect(db)
    try:
        got = queries.rejects(con)
        summary = queries.rejects_summary(con)
    finally:
        con.close()
    rows = got.set_index(["file", "row_number", "column_name", "rule"])
    cols = ["value", "reason_zh", "reason_en", "label_zh", "label_en"]
    assert rows.loc[("census.csv", 2, "need_rehab", "flag"), cols].tolist() == [
        "2", "康复需求(need_rehab) 应为 0 或 1", "need_rehab: must be 0 or 1", "应为 0 或 1", "must be 0 or 1"]
    assert rows.loc[("payments.csv", 4, "amount", "money"), cols].tolist() == [
        "二百", "金额(amount) 不是金额（元）", "amount: not an amount in yuan", "不是金额", "not an amount of money"]
    # P006 (欧阳娜娜) 33010620000229066X with its check character X replaced by 0: first 4 and last 2 kept
    assert rows.loc[("persons.csv", 7, "id_number", "id_check_digit"), cols].tolist() == [
        "3301************60", "身份证号校验位错误（GB 11643），可能录入有误",
        "id_number: the check digit is wrong (GB 11643); probably a typing error",
        "身份证号校验位错误", "ID number check digit is wrong"]
    assert len(got) == 6 and got["label_zh"].notna().all() and got["label_en"].notna().all()
    assert summary.columns.tolist() == ["file", "column_name", "rule", "label_zh", "label_en", "rows"]
    assert summary["rows"].sum() == 6
    flag = summary.set_index("rule").loc["flag"]
    assert (flag["file"], flag["label_en"], flag["rows"]) == ("census.csv", "must be 0 or 1", 1)
    for secret in (*ids, *NAMES):
        assert secret not in got.to_csv()


# ---------------------------------------------------------------- hostile extra columns (issue 9)
@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> tuple[Path, list[str]]:
    """tests/contract_fixtures.hostile_district(): guardian and payee names, phones, bank cards, the
    20-digit 残疾证号 and an address in extra columns; P006 and Y03 rejected (41 read, 2 rejected)."""
    from subsidy.build import build_database

    d, secrets = hostile_district()
    root = tmp_path_factory.mktemp("hostile")
    build_database(write_district(root / "src", d), root / "subsidy.duckdb")
    return root / "subsidy.duckdb", secrets


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
def test_quality_page_shows_no_personal_value_of_a_rejected_row(hostile_db, public):
    db, secrets = hostile_db
    at = run_app(db, "quality", **({"public": 1} if public else {}))
    assert_clean(at)
    assert metrics(at)["读取行数"] == "41" and metrics(at)["拒绝行数"] == "2"
    examples = frame(at, "示例行号")
    assert sorted(examples["示例行号"]) == [4, 7]          # Y03 and P006 are shown, masked
    text = all_text(at)
    assert "一村 ***********" in text and "6217**********90" in text
    for secret in secrets:
        assert secret not in text, secret
    assert find_personal(text) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rejects_download_shows_no_personal_value(hostile_db, lang):
    db, secrets = hostile_db
    con = queries.connect(db)
    try:
        text = tables.to_csv_bom(tables.rejects_table(queries.rejects(con), charts.labels(lang))).decode("utf-8-sig")
    finally:
        con.close()
    assert len(text.strip().splitlines()) == 1 + 2
    for secret in secrets:
        assert secret not in text, secret
    assert find_personal(text) == []


def test_english_quality_page(broken_db):
    db, _ = broken_db
    at = run_app(db, "quality", lang="en")
    assert_clean(at)
    assert metrics(at)["Rows rejected"] == "5"
    rules = frame(at, "Example row")
    assert "must be 0 or 1 (flag)" in set(rules["Rule"])
    # the loader's English reason, with the value it found
    assert "need_rehab: must be 0 or 1 («2»)" in set(rules["Example reason"])
    assert "amount: not an amount in yuan («二百»)" in set(rules["Example reason"])


# ---------------------------------------------------------------- the banner on every other page
@pytest.mark.parametrize("page", OTHER_PAGES)
def test_banner_on_every_page_when_rows_were_rejected(broken_db, page):
    db, ids = broken_db
    at = run_app(db, page, year=2020)
    assert_clean(at)
    (line,) = banner(at)
    assert "5 行" in line and "12.2%" in line
    text = all_text(at)
    for secret in (*ids, *NAMES):
        assert secret not in text


def test_banner_links_to_the_quality_page(broken_db):
    db, _ = broken_db
    at = run_app(db, lang="en")
    (link,) = [p for p in at.get("page_link") if "rejected" in p.proto.label]
    assert link.proto.page.endswith("quality.py") or "quality" in link.proto.page
    assert "5 rows (12.2% of rows read)" in link.proto.label


@pytest.mark.parametrize("page", ["overview", "quality"])
def test_clean_demo_database_shows_no_banner(demo_db, page):
    at = run_app(demo_db, page)
    assert_clean(at)
    assert banner(at) == []
    if page == "quality":
        assert metrics(at)["拒绝行数"] == "0"
        assert any("全部入库" in s.value for s in at.success)


# ---------------------------------------------------------------- 公开版 toggle
def test_public_toggle_hides_small_counts_and_is_in_the_url(broken_db):
    db, _ = broken_db
    at = run_app(db, year=2020)
    assert_clean(at)
    assert metrics(at)["受益人数"] == "2"          # P001 and P004, worked out in the docstring
    assert metrics(at)["惠及人次"] == "4"          # (P001, LS), (P001, NS), (P004, RH), (P004, NS)
    at.toggle(key="public").set_value(True).run()
    assert_clean(at)
    shown = metrics(at)
    assert shown["受益人数"] == "<5" and shown["惠及人次"] == "<5"
    assert shown["覆盖率"] == "*"                  # derived from a hidden count
    assert at.query_params.get("public") in ("1", ["1"])
    # the same link opens the public edition on another page, with the list of people withheld
    at = run_app(db, "gaps", year=2020, public=1, gap="not_surveyed")
    assert_clean(at)
    assert at.toggle(key="public").value is True
    assert any("不显示人员名单" in i.value for i in at.info)
    persons = {m.label: m.value for m in at.metric}["应调未调 · 人数"]  # the seed's label of not_surveyed
    assert persons in ("<5", "0")


def test_public_toggle_marks_a_chart_table(broken_db):
    """Coverage by sex in 2020: certified P001 (男, paid), P005 (男), P002 (女), P004 (女, paid), so each
    sex has 2 certified and 1 paid: the internal chart shows 50.0% twice; in the public edition every
    count is below 5, so the chart gives way to the published table with "<5" (counts) and "*" (coverage)."""
    import json

    db, _ = broken_db
    internal = run_app(db, "coverage", year=2020)
    assert_clean(internal)
    (box,) = [c for c in internal.get("plotly_chart") if c.proto.id.endswith("chart_coverage.sex")]
    texts = [t for tr in json.loads(box.proto.spec)["data"] for t in (tr.get("text") or []) if isinstance(t, str)]
    assert texts.count("50.0%") == 2, texts

    at = run_app(db, "coverage", year=2020, public=1)
    assert_clean(at)
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("chart_coverage.sex")]
    published = [df.value for df in at.dataframe if set(df.value.iloc[:, 0]) == {"男", "女"}]
    assert published, "the published table of coverage by sex"
    cells = published[0].astype(str).to_numpy().ravel().tolist()
    assert cells.count("<5") == 4 and cells.count("*") == 2   # 2 + 2 counts, 2 coverages
    assert "50.0%" not in cells and "2" not in cells


# ---------------------------------------------------------------- the report pack
@pytest.mark.browser
def test_report_pack_button_makes_the_zip(broken_db):
    db, _ = broken_db
    at = run_app(db, year=2020, public=1, timeout=600)
    assert_clean(at)
    at.button(key="pack_build").click().run()
    assert_clean(at)
    selection, data = at.session_state["pack_zip"]
    assert selection[:3] == (2020, "zh", True)
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    expected = {"report_2020/manifest.json", "report_2020/tables_2020_public.xlsx",
                "report_2020/report_2020_zh_public.pdf"}
    # the charts that apply to the district (the by-village gap chart needs a town, the policy charts a
    # simulated change), in registry order
    ids = [spec.id for spec in charts.specs_for(charts.Selection(year=2020))]
    assert set(charts.CHARTS) - set(ids) == {"gaps.by_village", "policy.by_town", "policy.by_category",
                                             "policy.tier_by_town", "policy.tier_by_category"}
    for n, chart_id in enumerate(ids, start=1):
        expected |= {f"report_2020/{fmt}/{n:02d}_{chart_id}.{fmt}" for fmt in ("png", "svg", "pdf")}
    assert names == expected
    assert [b.proto.label for b in at.get("download_button") if "ZIP" in b.proto.label] == ["下载报告包 ZIP"]
    assert any("报告包已生成" in s.value for s in at.success)


def test_report_pack_without_chromium_gives_the_install_advice(broken_db, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    db, _ = broken_db
    at = run_app(db, year=2020)
    assert not at.exception
    assert not [b for b in at.button if b.key == "pack_build"]
    assert any("apt-get install" in w.value and "chromium" in w.value for w in at.warning)


# ---------------------------------------------------------------- personal shapes in published names
@pytest.fixture(scope="module")
def phone_db(tmp_path_factory) -> Path:
    """The fixture district with a local phone number in 一村's name (P001, P006: 2 rows) and a bank card
    in the name of program RH (1 row); nothing rejected."""
    from subsidy.build import build_database

    d = district()
    for p in d["persons"]:
        if p["village"] == "一村":
            p["village"] = "一村（联系88123456）"
    d["programs"][2]["name"] = "肢体康复训练 6222021234567890123"
    root = tmp_path_factory.mktemp("phone")
    build_database(write_district(root / "src", d), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


def test_personal_text_names_the_columns_of_published_names_that_hold_a_shape(phone_db, broken_db):
    con = queries.connect(phone_db)
    try:
        got = queries.personal_text(con)
    finally:
        con.close()
    assert list(got.itertuples(index=False, name=None)) == [("persons", "village", 2), ("programs", "name", 1)]
    con = queries.connect(broken_db[0])
    try:
        assert queries.personal_text(con).empty
    finally:
        con.close()


@pytest.mark.parametrize("lang, words", [
    ("zh", ["人员名册 村社区（2 行）", "补贴项目 项目名称（1 行）", "已遮盖"]),
    ("en", ["village (2 rows)", "name (1 rows)", "mask"]),
])
def test_quality_page_warns_of_personal_shapes_in_published_names(phone_db, lang, words):
    at = run_app(phone_db, "quality", lang=lang)
    assert_clean(at)
    (warning,) = [w.value for w in at.warning if "88123456" not in w.value and all(x in w.value for x in words)]
    assert find_personal(warning) == []
