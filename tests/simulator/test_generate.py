"""The demo district generator (data/generate.py), checked from the files it writes.

- determinism (same seed and size → byte-identical files) on a small district;
- ID numbers: a test-local GB 11643 check (worked by hand on the standard's examples) over every person;
- the DOMAIN.md calibration of the default district, recomputed with pandas from the CSVs;
- the ground truth: every fault kind present in 2020, and an independent pandas recomputation of
  several gap kinds (METRICS.md) that must equal the ground truth exactly;
- a district generated without faults has an empty ground truth (clean processes make no gaps).

The default district is generated once per session (the shared `demo_source` fixture, conftest.py).
"""
from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

import contract
from simulator.generate import generate

SMALL = 1500


def read(folder, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="session")
def small_pair(tmp_path_factory):
    a = tmp_path_factory.mktemp("gen_a")
    b = tmp_path_factory.mktemp("gen_b")
    c = tmp_path_factory.mktemp("gen_c")
    generate(a, persons=SMALL, seed=7)
    generate(b, persons=SMALL, seed=7)
    generate(c, persons=SMALL, seed=8)
    return a, b, c


@pytest.fixture(scope="session")
def tables(demo_source) -> dict[str, pd.DataFrame]:
    return {t: read(demo_source, t) for t in contract.TABLE_ORDER}


@pytest.fixture(scope="session")
def truth(demo_source) -> pd.DataFrame:
    return pd.read_csv(demo_source / "ground_truth" / "faults.csv", dtype=str, keep_default_na=False)


# ---------------------------------------------------------------- determinism and format
def test_same_seed_gives_identical_files(small_pair):
    a, b, c = small_pair
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*.csv"))
    assert len(names) == len(contract.TABLE_ORDER) + 1
    for name in names:
        assert filecmp.cmp(a / name, b / name, shallow=False), name
    assert not filecmp.cmp(a / "persons.csv", c / "persons.csv", shallow=False)


def test_persons_option_sets_register_size(small_pair):
    assert len(read(small_pair[0], "persons")) == SMALL


def test_headers_follow_the_contract(demo_source):
    for name, table in contract.TABLES.items():
        header = (demo_source / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert [h.strip('"') for h in header.split(",")] == [c.name for c in table.columns], name


def test_months_dates_and_enums_are_canonical(tables):
    pay = tables["payments"]
    assert pay.period.str.fullmatch(r"20(19|20|21)-(0[1-9]|1[0-2])").all()
    assert pd.to_datetime(pay.paid_date, format="%Y-%m-%d").notna().all()
    assert (pay.amount.astype(float) > 0).all()
    assert set(pay.route) <= {"direct", "via_town"}
    per = tables["persons"]
    assert set(per.sex) <= {"男", "女"}
    assert set(per.cert_status) == {"持证", "评定表", "疑似"}
    assert set(per.category) <= set(contract.CATEGORIES)
    assert per.loc[per.cert_status == "持证", "grade"].notna().all()
    assert set(tables["status_events"].event) <= set(contract.EVENTS)
    app = tables["applications"]
    assert set(app.decision) == {"approved", "rejected", "pending"}
    sub = pd.to_datetime(app.submitted_date)
    assert (pd.to_datetime(app.decided_date).dropna() >= sub[app.decided_date.notna()]).all()
    assert (pd.to_datetime(app.first_paid_date).dropna() >= sub[app.first_paid_date.notna()]).all()
    assert app.loc[app.decision != "approved", "first_paid_date"].isna().all()


# ---------------------------------------------------------------- ID numbers (GB 11643-1999)
def gb11643_check(first17: str) -> str:
    """Test-local GB 11643 check character: weights 2^(17-i) mod 11, map 10X98765432."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_local_check_digit_on_worked_examples(number):
    # the two examples printed in GB 11643-1999, worked by hand:
    # 1,1,0,1,0,5,1,9,4,9,1,2,3,1,0,0,2 · weights = 167; 167 mod 11 = 2 -> 'X'
    # 4,4,0,5,2,4,1,8,8,0,0,1,0,1,0,0,1 · weights = 195; 195 mod 11 = 8 -> '4'
    assert gb11643_check(number[:17]) == number[17]


def test_hand_sums_of_the_worked_examples():
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert sum(int(d) * w for d, w in zip("11010519491231002", weights)) == 167
    assert sum(int(d) * w for d, w in zip("44052418800101001", weights)) == 195
    # changing the last sequence digit 2 -> 1 lowers the sum by 2: 165 mod 11 = 0 -> '1'
    assert gb11643_check("11010519491231001") == "1"
def test_every_id_number_is_valid_and_matches_the_person(tables):
    per = tables["persons"]
    ids = per.id_number
    assert ids.str.len().eq(18).all()
    assert ids.str[:17].str.isdigit().all()
    assert (ids.str[17] == ids.str[:17].map(gb11643_check)).all()
    assert (ids.str[6:14] == per.birth_date.str.replace("-", "")).all()
    odd = ids.str[16].astype(int) % 2 == 1
    assert (odd == (per.sex == "男")).all()
    assert ids.str.startswith("3301").all()


# ---------------------------------------------------------------- calibration (DOMAIN.md, 2020)
def test_program_catalogue(tables):
    prog = tables["programs"]
    assert len(prog) == 33
    assert (prog.group == "康复").sum() == 22
    assert (prog.trips_after.astype(int) == 0).sum() == 7
    assert (prog.trips_after.astype(int) == 1).sum() == 26
    assert (prog.materials_after.astype(int) == 0).sum() == 7
    assert prog.reform_date.str.startswith("2020").all()
    med = prog[prog.name.str.contains("服药")]
    assert len(med) == 1 and med.trips_before.iloc[0] == "3" and med.trips_after.iloc[0] == "0"
    tiers = tables["program_tiers"].assign(amount=lambda t: t.amount.astype(float))
    rehab = prog.loc[prog.group == "康复", "program_id"]
    n_tiers = tiers.groupby("program_id").size()
    assert n_tiers[rehab].between(2, 5).all()
    nursing = tiers[tiers.program_id.isin(prog.loc[prog.rule == "nursing_subsidy", "program_id"])]
    assert nursing.amount.min() == 135 and nursing.amount.max() == 1010
    limb = tiers[tiers.program_id == prog.loc[prog.name.str.contains("肢体"), "program_id"].iloc[0]]
    assert sorted(limb.amount) == [6000, 10000, 18000, 30000, 36000]


def test_spend_and_person_times_2020(tables):
    pay = tables["payments"]
    p20 = pay[pay.period.str.startswith("2020")]
    spend = p20.amount.astype(float).sum()
    assert 40_000_000 < spend < 48_000_000
    assert len(p20[["person_id", "program_id"]].drop_duplicates()) > 21_000


def test_census_2020_is_the_14536_certified_persons(tables):
    cen = tables["census"]
    c20 = cen[cen.survey_year == "2020"]
    assert len(c20) == 14_536
    assert c20.person_id.nunique() == 14_536
    status = tables["persons"].set_index("person_id").cert_status
    assert (status[c20.person_id] == "持证").all()
    surveyed = c20[c20.survey_status == "surveyed"]
    assert surveyed.survey_date.str.startswith("2020").all()
    assert set(cen.survey_year) == {"2019", "2020", "2021"}


def test_living_subsidy_is_30_percent_of_dibao(tables, truth):
    """Every living-subsidy payment is 30% of its period year's 低保 standard in whole yuan, except the
    injected wrong amounts, which are exactly the ground truth's wrong_living_amount cases."""
    prog = tables["programs"]
    living = prog.loc[prog.rule == "living_subsidy", "program_id"].iloc[0]
    std = tables["parameters"].set_index("year").dibao_standard.astype(float)
    pay = tables["payments"]
    lv = pay[pay.program_id == living]
    expected = lv.period.str[:4].map(lambda y: round(0.3 * std[y]))   # 967 → 290, 1060 → 318, 1136 → 341
    wrong = lv[lv.amount.astype(float) != expected]
    assert 0 < len(wrong) < 0.01 * len(lv)
    assert set(wrong.payment_id) == set(truth.loc[truth.fault == "wrong_living_amount", "payment_id"])


def test_register_shares_are_plausible(tables):
    per = tables["persons"]
    cert = per[per.cert_status == "持证"]
    shares = cert.category.value_counts(normalize=True)
    assert shares.idxmax() == "肢体" and 0.40 < shares["肢体"] < 0.50
    severe = cert.grade.isin(["1", "2"]).mean()
    assert 0.33 < severe < 0.42
    age = 2020 - pd.to_datetime(cert.birth_date).dt.year
    assert (age >= 60).mean() > 0.4
    assert 10 <= per.town.nunique() <= 15
    villages = per.groupby("town").village.nunique()
    assert villages.between(5, 20).all()
    kids = per[per.cert_status != "持证"]
    assert (pd.to_datetime(kids.birth_date) > pd.Timestamp("2012-01-01")).all()


def test_direct_deposit_is_20_working_days_faster(tables):
    import chinese_calendar

    app = tables["applications"].dropna(subset=["first_paid_date"])
    pay = tables["payments"].dropna(subset=["application_id"]).sort_values(["paid_date", "payment_id"])
    route = pay.groupby("application_id").route.first()
    app = app.assign(route=app.application_id.map(route))
    days = pd.date_range("2018-12-01", "2022-12-31")
    cum = pd.Series(np.cumsum([chinese_calendar.is_workday(d.date()) for d in days]), index=days)
    wd = cum[pd.to_datetime(app.first_paid_date)].to_numpy() - cum[pd.to_datetime(app.submitted_date)].to_numpy()
    med = pd.Series(wd, index=app.index).groupby(app.route).median()
    assert med["via_town"] - med["direct"] >= 20


# ---------------------------------------------------------------- ground truth
GAP_KEYS = [
    "not_surveyed", "unmet_need_rehab", "unmet_need_device", "unmet_need_education",
    "unmet_need_employment", "unmet_need_care", "unmet_need_medical_insurance",
    "census_registry_conflict", "paid_after_death", "paid_after_dibao_end", "paid_after_revocation",
    "duplicate_payment", "duplicate_id_number", "eligible_unpaid", "late_start",
    "paid_after_moved_out", "wrong_living_amount", "wrong_nursing_tier", "tier_outside_age_band",
    "rehab_over_cap", "medication_missed",
]


def test_ground_truth_has_every_fault_kind_in_2020(truth):
    assert list(truth.columns) == ["fault", "year", "person_id", "program_id", "period", "payment_id", "detail"]
    counts = truth[truth.year == "2020"].fault.value_counts()
    for key in GAP_KEYS:
        assert counts.get(key, 0) >= 3, key
    assert set(truth.fault) <= set(GAP_KEYS)


def _effect_month(dates: pd.Series) -> pd.Series:
    """METRICS.md: an event dated in month M takes effect from M+1 (as a 'YYYY-MM' string)."""
    return (pd.to_datetime(dates).dt.to_period("M") + 1).astype(str)


def _paid_after(tables, event: str) -> pd.DataFrame:
    """Payments for a period from the month after the person's earliest `event` on."""
    ev = tables["status_events"]
    dated = ev[ev.event == event].groupby("person_id").event_date.min()
    pay = tables["payments"]
    since = pay.person_id.map(_effect_month(dated))
    return pay[since.notna() & (pay.period >= since.fillna("9999"))]


def test_paid_after_death_recomputed(tables, truth):
    found = _paid_after(tables, "death")
    expected = truth[truth.fault == "paid_after_death"]
    assert len(found) > 0
    assert set(found.payment_id) == set(expected.payment_id)
    years = expected.set_index("payment_id").year[found.payment_id]
    assert (found.set_index("payment_id").period.str[:4] == years).all()


@pytest.mark.parametrize("event, gap", [("moved_out", "paid_after_moved_out"),
                                        ("cert_revoked", "paid_after_revocation")])
def test_paid_after_move_and_revocation_recomputed(tables, truth, event, gap):
    found = _paid_after(tables, event)
    assert len(found) > 0
    assert set(found.payment_id) == set(truth.loc[truth.fault == gap, "payment_id"])


def test_new_faults_leave_every_other_payment_as_it_was(monkeypatch):
    """Issue 11's faults come from their own random stream after the rest: without them the payments are
    the same rows; the rows they changed differ only in amount and tier and are each a case of one of
    their keys; the other faults stay, plus those that the appended payments after a move-out also are."""
    from simulator import generate as g

    base = g.simulate(g.DEFAULT_PERSONS, g.DEFAULT_SEED)
    monkeypatch.setattr(g, "amount_faults", lambda rng, reg, elig, age, pay, pay_app, rates: (pay, pay_app))
    without = g.simulate(g.DEFAULT_PERSONS, g.DEFAULT_SEED)
    a, b = without["payments"], base["payments"]
    n = len(a)
    assert len(b) > n                                   # payments after a move-out, appended
    for col in ("person", "program", "period", "paid", "route"):
        assert (a[col] == b[col][:n]).all(), col
    changed = np.flatnonzero((a["amount"] != b["amount"][:n]) | (a["tier"] != b["tier"][:n]))
    assert changed.size > 0
    tb, ta = base["truth"], without["truth"]
    per_payment = set(tb["payment"][np.isin(tb["fault"], ["wrong_living_amount", "wrong_nursing_tier",
                                                            "tier_outside_age_band"])])
    over = tb["fault"] == "rehab_over_cap"
    episodes = set(zip(tb["person"][over], tb["program"][over], tb["year"][over]))
    for i in changed:
        assert i in per_payment or (b["person"][i], b["program"][i], 2019 + b["period"][i] // 12) in episodes
    old = lambda t: {(f, y, p, q, m, r) for f, y, p, q, m, r in zip(t["fault"], t["year"], t["person"],  # noqa: E731
                                                                   t["program"], t["period"], t["payment"])
                     if f in set(ta["fault"])}
    assert old(ta) <= old(tb)
    assert all(r >= n or f == "rehab_over_cap" for f, _, _, _, _, r in old(tb) - old(ta))


def test_paid_after_dibao_end_recomputed(tables, truth):
    """Living subsidy paid for a month in which the person is neither 低保 nor 低边."""
    ev = tables["status_events"]
    prog = tables["programs"]
    living = prog.loc[prog.rule == "living_subsidy", "program_id"].iloc[0]
    pay = tables["payments"]
    lv = pay[pay.program_id == living][["payment_id", "person_id", "period"]]
    toggles = ev[ev.event.isin(["dibao_start", "dibao_end", "dibian_start", "dibian_end"])].copy()
    toggles["eff"] = _effect_month(toggles.event_date)
    toggles["kind"] = toggles.event.str.split("_").str[0]
    toggles["on"] = toggles.event.str.endswith("start")
    toggles = toggles.sort_values(["person_id", "kind", "eff", "event_date"])
    state = lv.merge(toggles, on="person_id", how="left")
    state = state[state.eff.isna() | (state.eff <= state.period)]
    last = state.dropna(subset=["eff"]).groupby(["payment_id", "kind"]).on.last().unstack()
    covered = last.reindex(lv.payment_id).fillna(False).astype(bool).any(axis=1)
    found = set(covered[~covered].index)
    assert found == set(truth.loc[truth.fault == "paid_after_dibao_end", "payment_id"])


def test_duplicate_payment_recomputed(tables, truth):
    pay = tables["payments"].sort_values(["paid_date", "payment_id"])
    extra = pay[pay.duplicated(["person_id", "program_id", "period"], keep="first")]
    assert len(extra) > 0
    assert set(extra.payment_id) == set(truth.loc[truth.fault == "duplicate_payment", "payment_id"])


def test_duplicate_id_number_recomputed(tables, truth):
    per = tables["persons"]
    shared = per[per.id_number.duplicated(keep=False)]
    assert shared.id_number.nunique() >= 2
    for year in ("2019", "2020", "2021"):
        gt = truth[(truth.fault == "duplicate_id_number") & (truth.year == year)]
        assert set(gt.person_id) == set(shared.person_id)


def test_not_surveyed_recomputed(tables, truth):
    """Certified persons alive on 1 January, certificate valid (and alive) in some month of the year,
    with no census row or a row other than surveyed / deceased / moved."""
    per = tables["persons"]
    ev = tables["status_events"]
    cen = tables["census"]
    cert = per[per.cert_status == "持证"].set_index("person_id")
    issued = _effect_month(cert.cert_date.dropna())
    valid_from = pd.Series("0000-00", index=cert.index)
    valid_from[issued.index] = issued
    revoked = _effect_month(ev[ev.event == "cert_revoked"].groupby("person_id").event_date.min())
    dead = _effect_month(ev[ev.event == "death"].groupby("person_id").event_date.min())
    valid_to = revoked.reindex(cert.index).fillna("9999-99")
    dead_from = dead.reindex(cert.index).fillna("9999-99")
    for year in (2019, 2020, 2021):
        jan, dec = f"{year}-01", f"{year}-12"
        start = valid_from.where(valid_from > jan, jan)
        end = pd.concat([valid_to, dead_from], axis=1).min(axis=1)
        required = set(cert.index[(dead_from > jan) & (start <= dec) & (start < end)])
        rows = cen[cen.survey_year == str(year)]
        ok = set(rows.loc[rows.survey_status.isin(["surveyed", "deceased", "moved"]), "person_id"])
        found = required - ok
        expected = truth[(truth.fault == "not_surveyed") & (truth.year == str(year))]
        assert found == set(expected.person_id), year


def test_clean_district_has_no_gaps(tmp_path):
    summary = generate(tmp_path, persons=3000, seed=11, inject_faults=False)
    faults = pd.read_csv(tmp_path / "ground_truth" / "faults.csv")
    assert len(faults) == 0
    assert summary["faults"] == {}
