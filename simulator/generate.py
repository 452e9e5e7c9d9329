"""Demo district generator: a simulated district federation (区残联) for 2019–2021.

    python -m subsidy generate --out DIR [--persons N] [--seed S]

writes the contract files (contract/__init__.py, one CSV per table, UTF-8, English headers) into DIR and the
ground truth of the injected faults into DIR/ground_truth/faults.csv (a subfolder the loader ignores).
`generate(out_dir, persons=None, seed=20201231)` does the same from Python and returns a small summary.

What is simulated (numpy Generator with a fixed seed; same seed and size give byte-identical files)
- The register (simulator/people.py): persons with sex, age (many elderly), town and village, hukou, disability
  category (肢体 ≈ 45%), grade (1–2 ≈ 37%), nursing level, synthetic names and valid GB 11643 ID
  numbers; uncertified priority children (评定表 / 疑似: infants at motor risk, under-3 speech, under-7
  autism, assessment forms). Life course in months: certificates issued and revoked, deaths (公安 /
  民政), moving out, and the household's 低保 / 低边 status (a monthly Markov chain from 民政 data).
  Each change is a status event dated inside the month before it takes effect (METRICS.md: an event
  dated in M takes effect from M+1).
- Money (simulator/money.py): the living and nursing subsidies follow their METRICS.md eligibility month by
  month; everything eligible is paid (new entitlements after an application, the first payment paying
  arrears back to the first eligible month). Other programs run yearly episodes from take-up and from
  the needs people state in the census; 2–5 tiers with caps, claims at distinct months. Applications go
  submitted → decided → first payment on the working-day calendar (chinese_calendar); before each
  program's 2020 reform money went via the town (median ≈ 46 working days), after it directly (≈ 13).
  Entitlements starting late in 2021 are paid (with arrears) in early 2022, so paid dates run a few
  months past the last period, as in a real export taken in spring 2022.
- The census (simulator/census.py): every person the METRICS.md census must cover gets a row; the 2020 census
  has exactly 14,536 rows at the default size (certificate dates of a few persons are moved between
  pre-2019 and 2021 until the count is exact).

Nothing computed is written into the contract files: no KPI, no eligibility flag. The faults below are
injected at the documented rates (issue 11's amount, tier, cap and move-out faults from a random stream
of their own, after the rest, and appended payments after the existing payment_ids; missed medication
is not injected: 5% of prescribed months go uncollected, and runs of two or more are the
medication_missed gap), and simulator/truth.py re-derives every gap from the final data with the
METRICS.md definitions; that list is the ground truth.

Calibration at the default size (reference year 2020, DOMAIN.md): 33 programs (22 康复, 7 zero-trip,
26 one-trip, 7 without materials), spend 40–48 million yuan, more than 21,000 人次, census 14,536.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import contract
from simulator.calendar import N_MONTHS, month_start, next_workday
from simulator.catalog import DIBAO_STANDARD, PROGRAMS, YEARS
from simulator.census import NEEDS, STATUS, SURVEYED, simulate_census
from simulator.money import (
    MEDICATION,
    PROG_INDEX,
    Table,
    amount_faults,
    application_rows,
    audience,
    episodes_to_payments,
    monthly_eligibility,
    pick,
    process,
    simulate_monthly,
)
from simulator.people import (
    CERTIFIED,
    adjust_census_size,
    age_in_months,
    build_events,
    choose_duplicates,
    identities,
    simulate_register,
    state_matrices,
)
from simulator.truth import break_missed_runs, detect

# ---------------------------------------------------------------- size and calibration
DEFAULT_PERSONS = 16_200          # rows of persons.csv for the default district
DEFAULT_SEED = 20201231
CENSUS_2020_ROWS = 14_536         # DOMAIN.md: the 2020 census of certified persons (scaled with --persons)

# ---------------------------------------------------------------- injected faults (documented rates)
# Each rate applies to the candidates of that fault in every year; at least MIN_CASES_2020 cases are
# forced into 2020 when candidates exist, so that every gap kind shows in the reference year.
MIN_CASES_2020 = 4
FAULT_RATES = {
    # new monthly entitlements nobody applied for: eligible all along, never paid (eligible_unpaid)
    "eligible_unpaid": 0.02,
    # new monthly entitlements applied for 2–4 months late, the months before not paid (late_start)
    "late_start": 0.03,
    # monthly payments that went on 1–3 months after a death (the 公安/民政 death record came late)
    "paid_after_death": 0.06,
    # living subsidy paid 1–3 months after the household left 低保 (not moving to 低边)
    "paid_after_dibao_end": 0.08,
    # monthly payments continuing 1–2 months after the certificate was revoked
    "paid_after_revocation": 0.30,
    # payments paid a second time for the same person, program and period (share of all payments)
    "duplicate_payment": 0.0004,
    # census: persons to be covered who were not reached or refused (not_surveyed) …
    "not_surveyed": 0.008,
    # … and, outside 2020, this share of those left out of the census file altogether
    "no_row_share": 0.25,
    # census rows saying 'deceased' for a person alive in the registry (census_registry_conflict)
    "conflict_deceased": 0.0004,
    # deaths recorded by the census visit as a survey dated after the registry death date
    "conflict_after_death": 0.02,
    # stated needs not served in the year (per need kind, among needs no program served otherwise)
    "unmet_need": 0.05,
    # ---- issue 11, drawn with their own generator after the rest (money.amount_faults)
    # monthly subsidies paid up to a move-out that went on 1–2 months (公安's move record came late)
    "paid_after_moved_out": 0.25,
    # living-subsidy recipients paid in December whose January (1–3 months) kept last year's amount
    "wrong_living_amount": 0.01,
    # nursing-subsidy recipients whose January (1–6 months) kept the previous nursing level's tier
    "wrong_nursing_tier": 0.004,
    # adults' limb-rehab / hearing-aid years paid at the under-18 tier
    "tier_outside_age_band": 0.05,
    # per-claim rehab years whose claims were paid up to 105–140% of the tier's yearly cap
    "rehab_over_cap": 0.01,
}
# Drawn from np.random.default_rng((seed, ISSUE_11_STREAM)), so that the tables and faults above are
# the same with or without them wherever they do not touch them.
ISSUE_11_STREAM = 11
NO_ROW_2020_SHARE = 0.002         # 2020: persons with no census row at all, share of the 14,536
DUPLICATE_ID_PAIRS_PER_10K = 4    # persons registered twice under one ID number (duplicate_id_number)

# ---------------------------------------------------------------- needs (census) and applications
# Probability that a surveyed person states a need, when some program of the group can serve them.
NEED_PROB = {
    "need_rehab": 0.10, "need_device": 0.05, "need_education": 0.25,
    "need_employment": 0.08, "need_care": 0.05, "need_medical_insurance": 0.30,
}
NEED_PROB_CHILD_REHAB = 0.30      # parents of disabled children ask for rehabilitation far more often
REJECTED_SHARE = 0.06             # applications refused (not eligible), share of approved ones
PENDING_DEC_2021 = 0.01           # still under review at the data date, share of approved ones
MEDICATION_DISPENSED = 0.95       # psychiatric patients who collected their medicine in a month


def _rates(inject: bool) -> dict:
    """Fault rates for the simulation; all zero for a clean district (used by the tests)."""
    r = dict(FAULT_RATES) if inject else {k: 0.0 for k in FAULT_RATES}
    r["min_2020"] = r["min_conflict"] = MIN_CASES_2020 if inject else 0
    return r


def _services(rng, reg, st, age, census_by_year, rates, app_offset):
    """Episodes of the non-monthly programs, year by year: take-up plus stated needs (some left unmet)."""
    pays, apps, links, meds, census_needs = [], [], [], [], []
    lifelong = np.full(reg.n, -1, np.int64)
    groups = sorted({p.group for p in PROGRAMS})
    other = [i for i, p in enumerate(PROGRAMS) if p.cycle != "monthly"]
    for yi, y in enumerate(YEARS):
        sl = slice(12 * yi, 12 * yi + 12)
        serv = {q: audience(PROGRAMS[q].audience, reg, st, age, sl) for q in other if PROGRAMS[q].first_year <= y}
        any_serv = {q: mask.any(axis=1) for q, mask in serv.items()}
        poor_year = (st["dibao"] | st["dibian"])[:, sl].any(axis=1)
        # ---- take-up without a stated need
        ep_person, ep_prog = [], []
        for q, a in any_serv.items():
            up = np.full(reg.n, PROGRAMS[q].uptake)
            if PROGRAMS[q].program_id in ("XM16", "XM21", "XM26", "XM27"):
                up = np.where(poor_year, np.maximum(up, 0.9), up)   # 兜底: poor households fully covered
            if PROGRAMS[q].program_id == "XM26":
                up = np.where(poor_year, up, 0.5)   # severe (grade 1–2) non-poor: half premium, half take it
            take = np.flatnonzero(a & (rng.random(reg.n) < up))
            ep_person.append(take)
            ep_prog.append(np.full(take.size, q))
        ep_person = np.concatenate(ep_person)
        ep_prog = np.concatenate(ep_prog)
        served_group = {g: np.zeros(reg.n, bool) for g in groups}
        for g in groups:
            served_group[g][ep_person[np.array([PROGRAMS[q].group == g for q in ep_prog], bool)]] = True
        # ---- stated needs of surveyed persons
        cen = census_by_year[y]
        rows = np.flatnonzero((cen["status"] == SURVEYED) & ~cen["no_needs"])
        cp = cen["person"][rows]
        child = age[cp, 12 * yi] < 18 * 12
        for need, group in contract.NEED_GROUP.items():
            progs = [q for q in serv if PROGRAMS[q].group == group]
            avail = np.zeros(cp.size, bool)
            for q in progs:
                avail |= any_serv[q][cp]
            prob = np.full(cp.size, NEED_PROB[need])
            if need == "need_rehab":
                prob = np.where(child, NEED_PROB_CHILD_REHAB, prob)
            states = avail & (rng.random(cp.size) < prob)
            col = np.zeros(len(cen["person"]), np.int8)
            col[rows[states]] = 1
            cen[need] = col
            todo = np.flatnonzero(states & ~served_group[group][cp])
            unmet = pick(rng, todo, np.full(todo.size, y), rates["unmet_need"], rates["min_2020"])
            serve = np.setdiff1d(todo, unmet)
            if serve.size == 0:
                continue
            # one program of the group the person can use, weighted by how often it meets this need
            w = np.stack([np.where(any_serv[q][cp[serve]], PROGRAMS[q].need_weight, 0.0) for q in progs], axis=1)
            cw = np.cumsum(w, axis=1)
            choice = (rng.random(serve.size)[:, None] * cw[:, -1:] < cw).argmax(axis=1)
            ep_person = np.concatenate([ep_person, cp[serve]])
            ep_prog = np.concatenate([ep_prog, np.array(progs)[choice]])
            served_group[group][cp[serve]] = True
        census_needs.append(cen)
        # ---- claims and applications
        order = np.lexsort((ep_prog, ep_person))
        ep = Table(person=ep_person[order].astype(np.int64), program=ep_prog[order].astype(np.int64),
                   year=np.full(order.size, y, np.int64))
        servable = {(q, y): serv[q] for q in serv}
        pay, app, link = episodes_to_payments(rng, ep, reg, st, age, servable, lifelong, app_offset)
        app_offset += len(app)
        pays.append(pay)
        apps.append(app)
        links.append(link)
        # ---- medication monitoring of the medication-subsidy patients
        medp = ep["person"][ep["program"] == MEDICATION]
        mrow, mcol = np.nonzero(serv[MEDICATION][medp])
        meds.append(Table(person=medp[mrow], month=(12 * yi + mcol).astype(np.int16),
                          dispensed=(rng.random(mrow.size) < MEDICATION_DISPENSED).astype(np.int8)))
    return pays, apps, links, Table.concat(meds), census_needs


def _extra_applications(rng, reg, elig, n_approved: int, app_offset: int) -> Table:
    """Rejected applications (from persons not entitled) and applications still pending at the end."""
    k = int(round(REJECTED_SHARE * n_approved))
    certified = np.flatnonzero(reg.cert == CERTIFIED)
    person = rng.choice(certified, size=k)
    program = rng.integers(0, len(PROGRAMS), size=k)
    # a monthly-subsidy application is refused only when the person is never entitled to it
    for q, e in elig.items():
        s = (program == q) & e.any(axis=1)[person]
        program[s] = PROG_INDEX["XM17"]
    month = rng.integers(0, N_MONTHS, size=k)
    sub = next_workday(month_start(month) + rng.integers(0, 28, k).astype("timedelta64[D]"))
    decided, _, _, before = process(rng, program, sub)
    rej = application_rows(rng, person, program, sub, decided, np.ones(k, np.int8),
                           np.full(k, np.datetime64("NaT"), dtype="datetime64[D]"), before)
    kp = int(round(PENDING_DEC_2021 * n_approved))
    person = rng.choice(certified, size=kp)
    others = np.array([i for i, p in enumerate(PROGRAMS) if p.cycle != "monthly"])
    program = others[rng.integers(0, others.size, size=kp)]
    sub = next_workday(np.datetime64("2021-11-22", "D") + rng.integers(0, 38, kp).astype("timedelta64[D]"))
    sub = np.minimum(sub, np.datetime64("2021-12-31", "D"))
    pen = application_rows(rng, person, program, sub, np.full(kp, np.datetime64("NaT"), dtype="datetime64[D]"),
                           np.full(kp, 2, np.int8), np.full(kp, np.datetime64("NaT"), dtype="datetime64[D]"),
                           sub < np.datetime64("2020-01-01", "D"))
    return Table.concat([rej, pen])


def simulate(persons: int, seed: int, inject_faults: bool = True) -> dict:
    """Run the whole simulation in memory; returns every table as arrays plus the ground truth.

    inject_faults=False gives a clean district (every rate zero), whose ground truth must be empty."""
    rng = np.random.default_rng(seed)
    rates = _rates(inject_faults)
    scale = persons / DEFAULT_PERSONS
    reg = simulate_register(rng, persons)
    pairs = max(2, int(round(DUPLICATE_ID_PAIRS_PER_10K * persons / 10_000))) if inject_faults else 0
    choose_duplicates(rng, reg, pairs)
    census_target = int(round(CENSUS_2020_ROWS * scale))
    no_row_2020 = max(rates["min_2020"], int(round(NO_ROW_2020_SHARE * census_target))) if inject_faults else 0
    adjust_census_size(rng, reg, census_target + no_row_2020)
    build_events(rng, reg)
    identities(rng, reg)
    st = state_matrices(reg)
    age = age_in_months(reg)
    elig = monthly_eligibility(reg, st)

    monthly = simulate_monthly(rng, reg, st, elig, rates)
    census_by_year, census_faults = {}, {}
    for y in YEARS:
        census_by_year[y], census_faults[y] = simulate_census(rng, reg, st, y, rates, no_row_2020)
    pays, apps, links, meds, census_list = _services(rng, reg, st, age, census_by_year, rates,
                                                     len(monthly.applications))
    payments = Table.concat([monthly.payments] + pays)
    pay_app = np.concatenate([monthly.payment_app] + links)
    applications = Table.concat([monthly.applications] + apps)
    extra = _extra_applications(rng, reg, elig, len(applications), len(applications))
    applications = Table.concat([applications, extra])

    # ---- duplicate payments: the same payment made again 1–6 weeks later
    dup_src = pick(rng, np.arange(len(payments)), 2019 + payments["period"] // 12,
                   rates["duplicate_payment"], rates["min_2020"])
    dup = payments.take(dup_src)
    dup["paid"] = dup["paid"] + rng.integers(7, 43, dup_src.size).astype("timedelta64[D]")
    is_dup = np.r_[np.zeros(len(payments), np.int8), np.ones(dup_src.size, np.int8)]
    payments = Table.concat([payments, dup])
    pay_app = np.r_[pay_app, pay_app[dup_src]]
    # payment_id order = paid date order, so "the first" payment of a period has the smaller id too
    order = np.lexsort((is_dup, payments["period"], payments["program"], payments["person"], payments["paid"]))
    payments = payments.take(order)
    pay_app = pay_app[order]
    # application_id order = submission order
    a_order = np.lexsort((applications["program"], applications["person"], applications["submitted"]))
    applications = applications.take(a_order)
    remap = np.empty(len(a_order), np.int64)
    remap[a_order] = np.arange(len(a_order))
    pay_app = np.where(pay_app >= 0, remap[np.maximum(pay_app, 0)], -1)

    # ---- issue 11's faults: their own random stream, after everything else
    payments, pay_app = amount_faults(np.random.default_rng((seed, ISSUE_11_STREAM)), reg, elig, age,
                                      payments, pay_app, rates)
    if not inject_faults:
        meds = break_missed_runs(meds)

    census = Table.concat(census_list)
    truth = detect(reg, st, elig, age, payments, census, meds)
    return {
        "reg": reg, "st": st, "payments": payments, "pay_app": pay_app, "applications": applications,
        "census": census, "medication": meds, "truth": truth, "seed": seed, "persons": persons,
        "census_faults": census_faults,
    }


# ---------------------------------------------------------------- writing
def _ids(prefix: str, idx: np.ndarray, width: int):
    s = pc.utf8_lpad(pc.cast(pa.array(idx, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, s, "")


def _date(arr: np.ndarray):
    a = np.asarray(arr, dtype="datetime64[D]")
    return pa.array(a, type=pa.date32(), mask=np.isnat(a))


def _month_labels(n: int = N_MONTHS):
    return pa.array([f"{2019 + m // 12}-{m % 12 + 1:02d}" for m in range(n)])


def _write(table_name: str, columns, out: Path, rows: int | None = None, chunk: int = 2_000_000) -> int:
    """Write one contract table with the contract's English headers in the contract's order.

    `columns` is a dict name -> pyarrow array, or a function (start, stop) -> such a dict for tables
    built chunk by chunk (payments of a large district), which keeps the string columns of only one
    chunk in memory."""
    names = [c.name for c in contract.TABLES[table_name].columns] if table_name in contract.TABLES else None
    make = columns if callable(columns) else (lambda start, stop: columns)
    total = rows if callable(columns) else None
    path = out / f"{table_name}.csv"
    written = 0
    writer = None
    try:
        starts = range(0, max(total, 1), chunk) if total is not None else [0]
        for start in starts:
            cols = make(start, min(start + chunk, total or 0))
            order = names or list(cols)
            table = pa.table([cols[n] for n in order], names=order)
            if writer is None:
                writer = pacsv.CSVWriter(path, table.schema)
            writer.write_table(table)
            written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return written


def write_files(sim: dict, out: Path) -> dict[str, int]:
    """Write the contract CSVs and ground_truth/faults.csv; returns rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    reg = sim["reg"]
    n = reg.n
    pw = max(7, len(str(n)))
    person_id = _ids("P", np.arange(1, n + 1), pw)
    prog_ids = pa.array([p.program_id for p in PROGRAMS])
    months = _month_labels()
    rows: dict[str, int] = {}

    rows["parameters"] = _write("parameters", {
        "year": pa.array(list(YEARS), pa.int32()),
        "dibao_standard": pa.array([float(DIBAO_STANDARD[y]) for y in YEARS]),
    }, out)
    rows["programs"] = _write("programs", {
        "program_id": prog_ids, "name": pa.array([p.name for p in PROGRAMS]),
        "name_en": pa.array([p.name_en for p in PROGRAMS]), "group": pa.array([p.group for p in PROGRAMS]),
        "cycle": pa.array([p.cycle for p in PROGRAMS]),
        "rule": pa.array([p.rule or None for p in PROGRAMS], pa.string()),
        "trips_before": pa.array([p.trips_before for p in PROGRAMS], pa.int32()),
        "trips_after": pa.array([p.trips_after for p in PROGRAMS], pa.int32()),
        "materials_before": pa.array([p.materials_before for p in PROGRAMS], pa.int32()),
        "materials_after": pa.array([p.materials_after for p in PROGRAMS], pa.int32()),
        "reform_date": _date(np.array([p.reform_date for p in PROGRAMS], dtype="datetime64[D]")),
    }, out)
    tp, tt, ta, tc = [], [], [], []
    for p in PROGRAMS:
        for i, (amount, cond) in enumerate(p.tiers, start=1):
            tp.append(p.program_id)
            tt.append(i)
            ta.append(amount)
            tc.append(cond)
    rows["program_tiers"] = _write("program_tiers", {
        "program_id": pa.array(tp), "tier": pa.array(tt, pa.int32()), "amount": pa.array(ta), "condition": pa.array(tc),
    }, out)

    certified = reg.cert == CERTIFIED
    rows["persons"] = _write("persons", {
        "person_id": person_id, "id_number": pa.array(reg.id_number.astype(str)),
        "name": pa.array(reg.name.astype(str)),
        "sex": pc.take(pa.array(["男", "女"]), pa.array(reg.sex.astype(np.int64))),
        "birth_date": _date(reg.birth),
        "town": pc.take(pa.array(reg.town_names), pa.array(reg.town.astype(np.int64))),
        "village": pc.take(pa.array(reg.village_names), pa.array(reg.village.astype(np.int64))),
        "hukou": pc.take(pa.array(["城镇", "农村"]), pa.array(reg.hukou.astype(np.int64))),
        "cert_status": pc.take(pa.array(["持证", "评定表", "疑似"]), pa.array(reg.cert.astype(np.int64))),
        "category": pc.take(pa.array(list(contract.CATEGORIES)), pa.array(reg.category.astype(np.int64))),
        "grade": pa.array(reg.grade.astype(np.int32), mask=~certified),
        "cert_date": _date(reg.cert_date),
        "nursing_level": pa.array(reg.nursing.astype(np.int32), mask=reg.nursing == 0),
    }, out)

    ev = reg.events
    rows["status_events"] = _write("status_events", {
        "person_id": pc.take(person_id, pa.array(ev["person"])),
        "event": pc.take(pa.array(list(contract.EVENTS)), pa.array(ev["code"].astype(np.int64))),
        "event_date": _date(ev["date"]),
        "value": pa.array(ev["value"].astype(str), mask=ev["value"] < 0),
        "source": pc.take(pa.array(["残联", "民政", "公安"]), pa.array(ev["source"].astype(np.int64))),
    }, out)

    ap = sim["applications"]
    na = len(ap)
    aw = max(8, len(str(na)))
    app_id = _ids("A", np.arange(1, na + 1), aw)
    rows["applications"] = _write("applications", {
        "application_id": app_id, "person_id": pc.take(person_id, pa.array(ap["person"])),
        "program_id": pc.take(prog_ids, pa.array(ap["program"].astype(np.int64))),
        "submitted_date": _date(ap["submitted"]), "decided_date": _date(ap["decided"]),
        "decision": pc.take(pa.array(["approved", "rejected", "pending"]), pa.array(ap["decision"].astype(np.int64))),
        "first_paid_date": _date(ap["first_paid"]),
        "channel": pc.take(pa.array(["online", "window", "proxy"]), pa.array(ap["channel"].astype(np.int64))),
        "trips": pa.array(ap["trips"].astype(np.int32)), "materials": pa.array(ap["materials"].astype(np.int32)),
    }, out)

    pay = sim["payments"]
    npay = len(pay)
    payw = max(9, len(str(npay)))
    link = sim["pay_app"]
    route_names = pa.array(["direct", "via_town"])

    def payment_columns(start: int, stop: int) -> dict:
        sl = slice(start, stop)
        lk = link[sl]
        return {
            "payment_id": _ids("F", np.arange(start + 1, stop + 1), payw),
            "person_id": pc.take(person_id, pa.array(pay["person"][sl])),
            "program_id": pc.take(prog_ids, pa.array(pay["program"][sl].astype(np.int64))),
            "application_id": pc.take(app_id, pa.array(np.maximum(lk, 0), mask=lk < 0)),
            "period": pc.take(months, pa.array(pay["period"][sl].astype(np.int64))),
            "paid_date": _date(pay["paid"][sl]),
            "amount": pa.array(np.round(pay["amount"][sl], 2)),
            "tier": pa.array(pay["tier"][sl].astype(np.int32)),
            "route": pc.take(route_names, pa.array(pay["route"][sl].astype(np.int64))),
        }

    rows["payments"] = _write("payments", payment_columns, out, rows=npay)

    cen = sim["census"]
    cols = {
        "person_id": pc.take(person_id, pa.array(cen["person"])),
        "survey_year": pa.array(cen["year"].astype(np.int32)),
        "survey_status": pc.take(pa.array(list(STATUS)), pa.array(cen["status"].astype(np.int64))),
        "survey_date": _date(cen["survey"]),
    }
    surveyed = cen["status"] == SURVEYED
    for need in NEEDS:
        cols[need] = pa.array(cen[need].astype(np.int32), mask=~surveyed)
    cols["income_per_capita"] = pa.array(cen["income"], mask=np.isnan(cen["income"]))
    rows["census"] = _write("census", cols, out)

    med = sim["medication"]
    rows["medication"] = _write("medication", {
        "person_id": pc.take(person_id, pa.array(med["person"])),
        "month": pc.take(months, pa.array(med["month"].astype(np.int64))),
        "prescribed": pa.array(np.ones(len(med), np.int32)),
        "dispensed": pa.array(med["dispensed"].astype(np.int32)),
    }, out)

    tr = sim["truth"]
    gt = out / "ground_truth"
    gt.mkdir(exist_ok=True)
    order = np.lexsort((tr["payment"], tr["period"], tr["program"], tr["person"], tr["year"], tr["fault"].astype(str)))
    tr = tr.take(order)
    pid_fmt = lambda i: pc.take(person_id, pa.array(i))  # noqa: E731
    table = {
        "fault": pa.array(tr["fault"].astype(str)), "year": pa.array(tr["year"].astype(np.int32)),
        "person_id": pid_fmt(tr["person"]),
        "program_id": pc.take(prog_ids, pa.array(np.maximum(tr["program"], 0), mask=tr["program"] < 0)),
        "period": pc.take(months, pa.array(np.maximum(tr["period"], 0), mask=tr["period"] < 0)),
        "payment_id": pc.if_else(pa.array(tr["payment"] >= 0), _ids("F", tr["payment"] + 1, payw),
                                 pa.scalar(None, pa.string())),
        "detail": pa.array(tr["detail"].astype(str)),
    }
    rows["faults"] = _write("faults", table, gt)
    return rows


def generate(out_dir: Path, persons: int | None = None, seed: int = DEFAULT_SEED, *,
             inject_faults: bool = True) -> dict:
    """Simulate the demo district and write its contract files into `out_dir`.

    Returns a summary: persons, seed, rows per file, seconds, bytes written, fault cases per kind.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    persons = DEFAULT_PERSONS if persons is None else int(persons)
    if persons < 200:
        raise ValueError("a district needs at least 200 persons")
    sim = simulate(persons, seed, inject_faults)
    rows = write_files(sim, out_dir)
    tr = sim["truth"]
    kinds, counts = np.unique(tr["fault"].astype(str), return_counts=True)
    size = sum(f.stat().st_size for f in out_dir.rglob("*.csv"))
    return {
        "persons": persons, "seed": seed, "rows": rows, "seconds": round(time.perf_counter() - t0, 2),
        "bytes": size, "faults": dict(zip(kinds.tolist(), counts.tolist())),
        "census_adjusted": sim["reg"].adjusted,
    }
