"""Applications and payments of the demo district.

Private helper of `simulator.generate`. Two processes:

* Monthly subsidies (living, nursing): eligibility is evaluated per person-month from the simulated
  state exactly as METRICS.md defines it. Every eligible month is paid (period = that month). A person
  enrolled before 2019 is paid by the monthly payroll without an application in the data; a new
  entitlement (spell starting during the data) starts with an application, and the first payment is a
  batch paying the arrears back to the first eligible month, so clean data has no exclusion or
  inclusion error. Faults are applied to spells afterwards (never applied, applied late, payments that
  did not stop).
* Other programs: yearly episodes (one per person, program and year) from take-up among the program's
  audience plus every stated census need, each with one application and 1–4 claims at distinct months.

Payment dates follow the working-day calendar: before a program's reform_date money went through a
district document and a town re-issue (route via_town, ~45 working days from application to money);
after it, straight to the person's account (direct, ~15 working days).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.calendar import (
    N_MONTHS,
    add_workdays,
    month_start,
    next_workday,
)
from simulator.catalog import PROGRAMS, YEARS, living_amount
from simulator.people import (
    CERTIFIED,
    FORM,
    HEARING,
    INTELLECTUAL,
    LIMB,
    MENTAL,
    MULTIPLE,
    SPEECH,
    SUSPECTED,
    VISION,
    Register,
)

PROG_INDEX = {p.program_id: i for i, p in enumerate(PROGRAMS)}
LIVING, NURSING = PROG_INDEX["XM01"], PROG_INDEX["XM02"]
MEDICATION = PROG_INDEX["XM16"]
REFORM = np.array([np.datetime64(p.reform_date, "D") for p in PROGRAMS])
DIRECT, VIA_TOWN = 0, 1
CHANNELS = ("online", "window", "proxy")

# Processing (working days): review, then payment. Before the reform the payment waited for a district
# document and the town's re-issue.
REVIEW_BEFORE, PAY_BEFORE = (8, 20), (25, 40)
REVIEW_AFTER, PAY_AFTER = (2, 8), (4, 12)
# Monthly payroll: working day of the month the money arrives (later via the town).
PAYROLL_DAY_VIA_TOWN, PAYROLL_DAY_DIRECT = 14, 6


class Table(dict):
    """Column name -> numpy array, all of one length."""

    def take(self, idx) -> "Table":
        return Table({k: v[idx] for k, v in self.items()})

    @staticmethod
    def concat(parts: list["Table"]) -> "Table":
        keys = parts[0].keys()
        return Table({k: np.concatenate([p[k] for p in parts]) for k in keys})

    def __len__(self) -> int:  # number of rows
        return len(next(iter(self.values()))) if dict.__len__(self) else 0


def rand_int(rng, lohi, size) -> np.ndarray:
    return rng.integers(lohi[0], lohi[1] + 1, size=size)


def process(rng: np.random.Generator, program: np.ndarray, submitted: np.ndarray):
    """Decision and first-payment dates, route and reform side of applications."""
    before = submitted < REFORM[program]
    k = submitted.size
    review = np.where(before, rand_int(rng, REVIEW_BEFORE, k), rand_int(rng, REVIEW_AFTER, k))
    pay = np.where(before, rand_int(rng, PAY_BEFORE, k), rand_int(rng, PAY_AFTER, k))
    decided = add_workdays(submitted, review)
    first_paid = add_workdays(decided, pay)
    route = np.where(before, VIA_TOWN, DIRECT).astype(np.int8)
    return decided, first_paid, route, before


def application_rows(rng, person, program, submitted, decided, decision, first_paid, before) -> Table:
    """Application rows with channel, trips and materials consistent with the program's reform."""
    k = person.size
    trips_b = np.array([p.trips_before for p in PROGRAMS])[program]
    trips_a = np.array([p.trips_after for p in PROGRAMS])[program]
    mat_b = np.array([p.materials_before for p in PROGRAMS])[program]
    mat_a = np.array([p.materials_after for p in PROGRAMS])[program]
    u = rng.random(k)
    # before: mostly at the window; after: mostly online, zero-trip programs never at the window
    ch_before = np.where(u < 0.7, 1, np.where(u < 0.9, 2, 0))
    ch_after = np.where(u < 0.62, 0, np.where(u < 0.85, 1, 2))
    ch_after = np.where((trips_a == 0) & (ch_after == 1), 0, ch_after)
    channel = np.where(before, ch_before, ch_after).astype(np.int8)
    trips = np.where(before, trips_b, np.where(channel == 1, trips_a, 0))
    materials = np.where(before, mat_b, mat_a)
    return Table(person=person.astype(np.int64), program=program.astype(np.int16), submitted=submitted,
                 decided=decided, decision=decision.astype(np.int8), first_paid=first_paid,
                 channel=channel, trips=trips.astype(np.int16), materials=materials.astype(np.int16))


def payroll_dates(program: int) -> tuple[np.ndarray, np.ndarray]:
    """Regular payroll date and route for each month index 0..38 of a monthly program."""
    months = np.arange(N_MONTHS + 3)
    first = month_start(months)
    direct = first >= REFORM[program]
    day = np.where(direct, PAYROLL_DAY_DIRECT, PAYROLL_DAY_VIA_TOWN)
    paid = add_workdays(first - np.timedelta64(1, "D"), day)
    return paid, np.where(direct, DIRECT, VIA_TOWN).astype(np.int8)


def nursing_eligible_person(reg: Register) -> np.ndarray:
    """Grade 1–2 of any category, or grade 3 of 智力 / 精神 (METRICS.md nursing_subsidy)."""
    return (reg.cert == CERTIFIED) & ((reg.grade == 1) | (reg.grade == 2)
                                      | ((reg.grade == 3) & np.isin(reg.category, (INTELLECTUAL, MENTAL))))


def nursing_tier(reg: Register) -> np.ndarray:
    """Nursing-subsidy tier of each person from the recorded grade and nursing level."""
    return nursing_tier_for(reg.grade, reg.nursing)


def nursing_tier_for(g: np.ndarray, lv: np.ndarray) -> np.ndarray:
    """Tier 1–5 by grade 1–2 and nursing level 1–3 (NURSING_TIERS), 6 otherwise (grade-3 智力/精神)."""
    return np.select(
        [(g == 1) & (lv == 1), (g == 1) & (lv == 2), (g == 2) & (lv == 1), (g == 1) | ((g == 2) & (lv == 2)), g == 2],
        [1, 2, 3, 4, 5], default=6,
    ).astype(np.int8)


def monthly_eligibility(reg: Register, st: dict) -> dict[int, np.ndarray]:
    """Eligible person-months [n, 36] of the two monthly programs (METRICS.md rules)."""
    base = st["valid"] & st["alive"] & ~st["moved"]
    return {
        LIVING: base & (st["dibao"] | st["dibian"]),
        NURSING: base & nursing_eligible_person(reg)[:, None],
    }


def spells(e: np.ndarray) -> Table:
    """Runs of eligible months: person, start (first month), end (first month after)."""
    pad = np.zeros((e.shape[0], 1), bool)
    x = np.concatenate([pad, e, pad], axis=1).astype(np.int8)
    d = np.diff(x, axis=1)
    sp, ss = np.nonzero(d == 1)
    ep, ee = np.nonzero(d == -1)
    # nonzero is row-major, so starts and ends pair up in order
    return Table(person=sp.astype(np.int64), start=ss.astype(np.int64), end=ee.astype(np.int64))


def pick(rng: np.random.Generator, candidates: np.ndarray, year: np.ndarray, rate: float, min_2020: int) -> np.ndarray:
    """Choose fault cases: `rate` of the candidates, at least `min_2020` of those in 2020 when possible."""
    candidates = np.asarray(candidates)
    chosen = rng.random(candidates.size) < rate
    in20 = np.flatnonzero(year == 2020)
    short = min_2020 - int(chosen[in20].sum())
    if short > 0:
        free = in20[~chosen[in20]]
        chosen[rng.choice(free, size=min(short, free.size), replace=False)] = True
    return candidates[chosen]


@dataclass
class MonthlyResult:
    payments: Table
    applications: Table
    payment_app: np.ndarray   # index into applications for each payment (-1 none)


def simulate_monthly(rng: np.random.Generator, reg: Register, st: dict, elig: dict, rates: dict) -> MonthlyResult:
    """Payments and applications of the living and nursing subsidies, with the injected faults."""
    n_tier = nursing_tier(reg)
    pay_parts, app_parts, link_parts = [], [], []
    app_offset = 0
    for prog, e in elig.items():
        sp = spells(e)
        year = 2019 + sp["start"] // 12
        new = sp["start"] > 0
        idx = np.arange(len(sp))
        # -- never applied (eligible_unpaid): a new entitlement nobody acted on
        unpaid = pick(rng, idx[new], year[new], rates["eligible_unpaid"], rates["min_2020"])
        # -- applied late (late_start): first k months of a new spell lost, spell continues in the year
        k = rng.integers(2, 5, size=len(sp))
        ok_late = new & (sp["start"] % 12 + k <= 11) & (sp["end"] > sp["start"] + k)
        ok_late[unpaid] = False
        late = pick(rng, idx[ok_late], year[ok_late], rates["late_start"], rates["min_2020"])
        pay_start = sp["start"].copy()
        pay_start[late] += k[late]
        # -- payments that did not stop when the state changed
        end = sp["end"]
        endc = np.minimum(end, N_MONTHS - 1)
        p = sp["person"]
        ended = end < N_MONTHS
        by_death = ended & (end == reg.dv[p])
        by_revoke = ended & (end == reg.rv[p])
        extra = np.zeros(len(sp), np.int64)
        kinds = [("paid_after_death", by_death, (1, 3))]
        kinds.append(("paid_after_revocation", by_revoke & ~by_death, (1, 2)))
        if prog == LIVING:
            # 低保 ended (not moving to 低边) while everything else still holds
            by_dibao = (ended & ~by_death & ~by_revoke & st["alive"][p, endc] & st["valid"][p, endc]
                        & ~st["moved"][p, endc] & st["dibao"][p, np.maximum(end - 1, 0)])
            kinds.append(("paid_after_dibao_end", by_dibao, (1, 3)))
        for key, mask, (lo, hi) in kinds:
            mask = mask.copy()
            mask[unpaid] = False
            mask[late] = False
            ey = 2019 + endc // 12
            chosen = pick(rng, idx[mask], ey[mask], rates[key], rates["min_2020"])
            ks = rng.integers(lo, hi + 1, size=chosen.size)
            if key == "paid_after_dibao_end":
                # keep the extra months inside the "only 低保 ended" situation
                for j in range(hi):
                    m = np.minimum(end[chosen] + j, N_MONTHS - 1)
                    pc = p[chosen]
                    still = ((end[chosen] + j < N_MONTHS) & st["alive"][pc, m] & st["valid"][pc, m]
                             & ~st["moved"][pc, m] & ~st["dibao"][pc, m] & ~st["dibian"][pc, m])
                    ks = np.where(~still & (ks > j), j, ks)
            extra[chosen] = np.minimum(ks, N_MONTHS - end[chosen])
        keep = np.ones(len(sp), bool)
        keep[unpaid] = False
        # -- applications for new spells that were applied for
        app_sp = np.flatnonzero(keep & new)
        sub = next_workday(month_start(pay_start[app_sp]) + rng.integers(0, 12, app_sp.size).astype("timedelta64[D]"))
        prog_arr = np.full(app_sp.size, prog, np.int16)
        decided, first_paid, app_route, before = process(rng, prog_arr, sub)
        apps = application_rows(rng, p[app_sp], prog_arr, sub, decided, np.zeros(app_sp.size, np.int8),
                                first_paid, before)
        app_of_spell = np.full(len(sp), -1, np.int64)
        app_of_spell[app_sp] = np.arange(app_sp.size) + app_offset
        first_paid_of_spell = np.full(len(sp), np.datetime64("NaT"), dtype="datetime64[D]")
        first_paid_of_spell[app_sp] = first_paid
        route_of_spell = np.zeros(len(sp), np.int8)
        route_of_spell[app_sp] = app_route
        # -- payments: every month from pay_start to end + extra
        ks_ = np.flatnonzero(keep)
        length = (end[ks_] + extra[ks_]) - pay_start[ks_]
        rep = np.repeat(ks_, length)
        offs = np.arange(rep.size) - np.repeat(np.cumsum(length) - length, length)
        period = pay_start[rep] + offs
        payroll, proute = payroll_dates(prog)
        paid = payroll[period]
        route = proute[period]
        fp = first_paid_of_spell[rep]
        has_app = app_of_spell[rep] >= 0
        batch = has_app & (paid <= fp)
        paid = np.where(batch, fp, paid)
        route = np.where(batch, route_of_spell[rep], route).astype(np.int8)
        person = p[rep]
        if prog == LIVING:
            amount = np.array([living_amount(y) for y in YEARS], float)[period // 12]
            tier = np.ones(rep.size, np.int8)
        else:
            amounts = np.array([t[0] for t in PROGRAMS[NURSING].tiers])
            tier = n_tier[person]
            amount = amounts[tier - 1]
        pay_parts.append(Table(person=person, program=np.full(rep.size, prog, np.int16), period=period.astype(np.int16),
                               paid=paid, amount=amount.astype(float), tier=tier.astype(np.int8), route=route))
        link_parts.append(app_of_spell[rep])
        app_parts.append(apps)
        app_offset += app_sp.size
    return MonthlyResult(Table.concat(pay_parts), Table.concat(app_parts), np.concatenate(link_parts))


# ------------------------------------------------------------------ other programs
def audience(key: str, reg: Register, st: dict, age: np.ndarray, months: slice) -> np.ndarray:
    """Persons x months (of `months`) in which a program can serve the person (its take-up filter)."""
    c = reg.cert
    cat = reg.category[:, None]
    cert = (c == CERTIFIED)[:, None]
    a = age[:, months]
    ay = a // 12
    poor = (st["dibao"] | st["dibian"])[:, months]
    grade = reg.grade[:, None]
    is_ = lambda *cs: np.isin(reg.category, cs)[:, None]  # noqa: E731
    form = (c == FORM)[:, None]
    susp = (c == SUSPECTED)[:, None]
    child = ay < 18
    m = {
        "limb": lambda: cert & is_(LIMB, MULTIPLE),
        "child_cp": lambda: (cert & is_(LIMB, MULTIPLE) & child) | (form & (cat == LIMB) & (a < 72)),
        "child_autism": lambda: (susp & (cat == MENTAL) & (a < 84)) | (cert & (cat == MENTAL) & child),
        "child_intellectual": lambda: (form | cert) & (cat == INTELLECTUAL) & child,
        "child_hearing": lambda: (form | cert) & (cat == HEARING) & child,
        "child_speech": lambda: (susp & (cat == SPEECH) & (a < 36)) | (cert & (cat == SPEECH) & child),
        "infant_motor": lambda: susp & (cat == LIMB) & (a >= 0) & (a <= 5),
        "child_poor": lambda: child & poor,
        "hearing": lambda: cert & (cat == HEARING),
        "cataract": lambda: cert & (cat == VISION) & (ay >= 50),
        "vision": lambda: cert & (cat == VISION),
        "blind": lambda: cert & (cat == VISION) & (grade <= 2),
        "mental": lambda: cert & (cat == MENTAL),
        "certified": lambda: cert & (a >= 0),
        "spinal": lambda: cert & (cat == LIMB) & (grade <= 2) & ~child,
        "work_therapy": lambda: cert & is_(MENTAL, INTELLECTUAL) & (grade >= 3) & (ay >= 16) & (ay < 60),
        "adult_intellectual": lambda: cert & (cat == INTELLECTUAL) & ~child,
        "child_any": lambda: child & (a >= 0),
        "severe_adult": lambda: cert & (grade <= 2) & ~child,
        "med_insurance": lambda: cert & (poor | (grade <= 2)),
        "student": lambda: cert & (ay >= 3) & (ay <= 22),
        "university": lambda: cert & (ay >= 17) & (ay <= 24),
        "working_age": lambda: cert & (ay >= 16) & (ay < 60),
        "care": lambda: cert & ((grade <= 2) | is_(INTELLECTUAL, MENTAL)) & (ay >= 16),
    }[key]()
    base = st["exists"][:, months] & st["alive"][:, months] & ~st["moved"][:, months]
    base &= np.where(cert, st["valid"][:, months], True)
    return base & m


def tier_for(pid: str, reg: Register, st: dict, age: np.ndarray, person: np.ndarray, period: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """Tier (1-based) of an episode from the person's attributes in its first month."""
    g = reg.grade[person]
    c = reg.cert[person]
    ay = age[person, period] // 12
    poor_b = st["dibao"][person, period]
    poor_any = poor_b | st["dibian"][person, period]
    k = person.size
    r = rng.random(k)
    t = {
        "XM03": lambda: np.where(ay < 18, np.where(g <= 2, 5, 4), np.select([g == 1, g == 2], [3, 2], 1)),
        "XM04": lambda: np.where(c == FORM, 1, np.where(g <= 2, 3, 2)),
        "XM05": lambda: np.where(c == SUSPECTED, 1, np.where(g <= 2, 3, 2)),
        "XM06": lambda: np.where(c == FORM, 1, 2),
        "XM07": lambda: np.where(c == FORM, 1, 2),
        "XM08": lambda: np.where(c == SUSPECTED, 1, 2),
        "XM10": lambda: np.where(poor_b, 2, 1),
        "XM12": lambda: np.where(ay < 18, 2, 1),
        "XM14": lambda: np.where(g <= 2, 2, 1),
        "XM15": lambda: np.where(poor_b, 3, np.where(poor_any, 2, 1)),
        "XM16": lambda: np.where(poor_any, 2, 1),
        "XM17": lambda: np.where(g <= 2, 2, 1),
        "XM18": lambda: np.where(g == 1, 2, 1),
        "XM20": lambda: np.where(g <= 2, 2, 1),
        "XM21": lambda: np.where(poor_any, 2, 1),
        "XM22": lambda: np.where((g == 1) & (reg.nursing[person] == 1), 3, np.where(g == 1, 2, 1)),
        "XM23": lambda: np.clip(5 - g, 1, 4),
        "XM24": lambda: np.where(g == 1, 2, 1),
        "XM25": lambda: np.select([r < 0.5, r < 0.85], [1, 2], 3),
        "XM26": lambda: np.where(poor_any, 2, 1),
        "XM27": lambda: np.where(poor_any, 2, 1),
        "XM28": lambda: np.select([ay < 6, ay < 18], [1, 2], 3),
        "XM32": lambda: np.select([r < 0.5, r < 0.85], [1, 2], 3),
    }.get(pid)
    if t is None:
        # no attribute decides the tier (e.g. one or two implants, 专科 or 本科): mostly the first
        # tier, about a third spread over all tiers
        ntiers = len(PROGRAMS[PROG_INDEX[pid]].tiers)
        return (1 + (r * ntiers).astype(np.int64) * (r < 0.35)).clip(1, ntiers).astype(np.int8)
    return np.asarray(t()).astype(np.int8)


def episodes_to_payments(rng: np.random.Generator, ep: Table, reg: Register, st: dict, age: np.ndarray,
                         servable: dict, lifelong: np.ndarray, app_offset: int):
    """Claims (payments) and applications of yearly episodes.

    ep columns: person, program, year. `servable[(program, year)]` is the [n, 12] month mask.
    `lifelong[person]` holds a post-reform medication application valid for life (updated in place).
    """
    k = len(ep)
    cmin = np.array([p.claims[0] for p in PROGRAMS])[ep["program"]]
    cmax = np.array([p.claims[1] for p in PROGRAMS])[ep["program"]]
    cycle_claim = np.array([p.cycle == "per_claim" for p in PROGRAMS])[ep["program"]]
    # months available to each episode
    avail = np.zeros((k, 12), bool)
    for (prog, y), mask in servable.items():
        s = np.flatnonzero((ep["program"] == prog) & (ep["year"] == y))
        if s.size:
            avail[s] = mask[ep["person"][s]]
    if (avail.sum(axis=1) == 0).any():
        raise AssertionError("episode without a servable month")
    n_av = avail.sum(axis=1)
    claims = np.where(cycle_claim, np.minimum(rng.integers(cmin, cmax + 1), n_av), 1)
    keys = np.where(avail, rng.random((k, 12)), 2.0)
    order = np.argsort(keys, axis=1, kind="stable")
    # the first `claims` months of the random order, sorted in time
    chosen = np.zeros((k, 12), bool)
    rows = np.repeat(np.arange(k), claims)
    cols = order[rows, np.arange(rows.size) - np.repeat(np.cumsum(claims) - claims, claims)]
    chosen[rows, cols] = True
    cr, cm = np.nonzero(chosen)   # row-major: claims of an episode in month order
    period = (ep["year"][cr] - 2019) * 12 + cm
    first_claim = np.r_[True, cr[1:] != cr[:-1]]
    first_period = period[first_claim]

    # tiers and amounts
    tier = np.zeros(k, np.int8)
    for prog in np.unique(ep["program"]):
        s = np.flatnonzero(ep["program"] == prog)
        tier[s] = tier_for(PROGRAMS[prog].program_id, reg, st, age, ep["person"][s], first_period[s], rng)
    caps = np.zeros(k)
    for prog in np.unique(ep["program"]):
        s = ep["program"] == prog
        caps[s] = np.array([t[0] for t in PROGRAMS[prog].tiers])[tier[s] - 1]
    use_lo = np.array([p.use[0] for p in PROGRAMS])[ep["program"]]
    use_hi = np.array([p.use[1] for p in PROGRAMS])[ep["program"]]
    total = np.where(cycle_claim, caps * rng.uniform(use_lo, use_hi), caps)
    w = rng.uniform(0.5, 1.5, size=cr.size)
    wsum = np.bincount(cr, weights=w, minlength=k)
    amount = np.round(total[cr] * w / wsum[cr], 2)
    amount = np.maximum(amount, 1.0)

    # applications: submitted early in the first claim month; the medication subsidy's post-reform
    # online application is valid for life, so later years reuse it
    prog_e = ep["program"]
    person_e = ep["person"]
    submitted = next_workday(month_start(first_period) + rng.integers(0, 10, k).astype("timedelta64[D]"))
    reuse = (prog_e == MEDICATION) & (lifelong[person_e] >= 0)
    need_app = ~reuse
    a_idx = np.flatnonzero(need_app)
    decided, first_paid, app_route, before = process(rng, prog_e[a_idx], submitted[a_idx])
    apps = application_rows(rng, person_e[a_idx], prog_e[a_idx], submitted[a_idx], decided,
                            np.zeros(a_idx.size, np.int8), first_paid, before)
    app_of_ep = np.full(k, -1, np.int64)
    app_of_ep[a_idx] = np.arange(a_idx.size) + app_offset
    # lifelong medication applications (after the reform)
    life_new = a_idx[(prog_e[a_idx] == MEDICATION) & ~before]
    # within one year a person has one medication episode, so this is unambiguous
    lifelong[person_e[life_new]] = app_of_ep[life_new]
    app_of_ep[reuse] = lifelong[person_e[reuse]]
    fp_ep = np.full(k, np.datetime64("NaT"), dtype="datetime64[D]")
    fp_ep[a_idx] = first_paid
    route_ep = np.zeros(k, np.int8)
    route_ep[a_idx] = app_route

    # claim dates: the first claim is the application's first payment; later claims (and reused
    # lifelong applications) are paid a few working days after the month claimed
    month_end = month_start(period + 1) - np.timedelta64(1, "D")
    later = add_workdays(month_end, rng.integers(3, 12, size=cr.size))
    fp = fp_ep[cr]
    is_first = first_claim & need_app[cr]
    paid = np.where(is_first, fp, later)
    has_fp = ~np.isnat(fp)
    paid = np.where(has_fp & ~is_first, np.maximum(paid, add_workdays(np.where(has_fp, fp, later), 1)), paid)
    route = np.where(is_first, route_ep[cr], np.where(paid >= REFORM[prog_e[cr]], DIRECT, VIA_TOWN)).astype(np.int8)
    pays = Table(person=person_e[cr], program=prog_e[cr].astype(np.int16), period=period.astype(np.int16),
                 paid=paid, amount=amount, tier=tier[cr], route=route)
    return pays, apps, app_of_ep[cr]


# ------------------------------------------------------------------ amount, tier and move-out faults
# Issue 11's faults, drawn with their own generator after everything else is simulated, so that every
# table and fault above stays as it was where these do not touch it.
REHAB_CLAIMS = np.array([p.group == "康复" and p.cycle == "per_claim" for p in PROGRAMS])
# the under-18 tier of the rehab programs whose tiers are age bands (simulator tier_for: 18周岁以下)
CHILD_TIER = {PROG_INDEX["XM03"]: lambda g: np.where(g <= 2, 5, 4), PROG_INDEX["XM12"]: lambda g: np.full(g.shape, 2)}
CAPS = [np.array([t[0] for t in p.tiers]) for p in PROGRAMS]


def _episodes(pay: Table, rows: np.ndarray):
    """The (person, program, year) groups of payments `rows`: each group's first row (in `rows`), the
    group of every row, and each group's first period."""
    per, prog, m = pay["person"][rows], pay["program"][rows].astype(np.int64), pay["period"][rows].astype(np.int64)
    key = (per * len(PROGRAMS) + prog) * len(YEARS) + m // 12
    _, first_row, group = np.unique(key, return_index=True, return_inverse=True)
    first_period = np.full(first_row.size, N_MONTHS, np.int64)
    np.minimum.at(first_period, group, m)
    return rows[first_row], group, first_period


def amount_faults(rng: np.random.Generator, reg: Register, elig: dict, age: np.ndarray, pay: Table,
                  pay_app: np.ndarray, rates: dict) -> tuple[Table, np.ndarray]:
    """Wrong amounts and tiers, over-cap rehab years and payments after a move-out (issue 11).

    Returns the payments (the same rows, some amounts and tiers changed, plus the payments after a move
    appended at the end so that every other payment keeps its payment_id) and their application links.
    * wrong_living_amount: the previous year's amount kept for the first 1–3 eligible months of a year
      (January's raise of the 低保 standard not applied), for persons paid in the December before.
    * wrong_nursing_tier: the tier of the previous nursing level kept (the reassessment not applied to
      the payroll) for the first 1–6 months of a year: paid one level off, at that tier's amount.
    * tier_outside_age_band: an adult's limb-rehab (XM03) or hearing-aid (XM12) year paid at the
      under-18 tier, the claims scaled to that tier's cap.
    * rehab_over_cap: a per-claim rehab year whose claims were paid up to 105–140% of the tier's cap.
    * paid_after_moved_out: a monthly subsidy paid up to the move that went on 1–2 more months.
    A (person, program, year) with a duplicate payment is never changed, so duplicate_payment's money
    stays as it was.
    """
    pay = Table({k: v.copy() for k, v in pay.items()})
    per, prog, m = pay["person"], pay["program"].astype(np.int64), pay["period"].astype(np.int64)
    year = 2019 + m // 12
    amount, tier = pay["amount"], pay["tier"]
    living_by_year = np.array([living_amount(y) for y in YEARS], float)
    nursing_amounts = CAPS[NURSING]
    # (person, program, year)s with a duplicate payment are left alone: the duplicates' money stays as it was
    pkey = (per * len(PROGRAMS) + prog) * N_MONTHS + m
    _, inv, count = np.unique(pkey, return_inverse=True, return_counts=True)
    ykey = (per * len(PROGRAMS) + prog) * len(YEARS) + m // 12
    plain = ~np.isin(ykey, ykey[count[inv] > 1])

    # -- living subsidy: last year's amount in January (and up to two months more)
    jan = np.flatnonzero((prog == LIVING) & (m % 12 == 0) & (m > 0) & elig[LIVING][per, m] & plain)
    paid_dec = np.zeros((reg.n, N_MONTHS), bool)
    paid_dec[per[prog == LIVING], m[prog == LIVING]] = True
    jan = jan[paid_dec[per[jan], m[jan] - 1]]
    jan = jan[np.unique(per[jan] * N_MONTHS + m[jan], return_index=True)[1]]   # once per person-year
    chosen = pick(rng, jan, year[jan], rates["wrong_living_amount"], rates["min_2020"])
    months = rng.integers(1, 4, size=chosen.size)
    hit = np.zeros((reg.n, N_MONTHS), bool)
    for j in range(3):
        s = chosen[months > j]
        hit[per[s], m[s] + j] = True
    rows = np.flatnonzero((prog == LIVING) & hit[per, m] & elig[LIVING][per, m])
    amount[rows] = living_by_year[year[rows] - 2019 - 1]

    # -- nursing subsidy: the tier of the previous nursing level kept from January
    named = (reg.grade <= 2) & (reg.nursing > 0)
    jan = np.flatnonzero((prog == NURSING) & (m % 12 == 0) & named[per] & elig[NURSING][per, m] & plain)
    jan = jan[np.unique(per[jan] * N_MONTHS + m[jan], return_index=True)[1]]
    chosen = pick(rng, jan, year[jan], rates["wrong_nursing_tier"], rates["min_2020"])
    months = rng.integers(1, 7, size=chosen.size)
    lv = reg.nursing[per[chosen]].astype(np.int64)
    old_lv = np.where(lv == 1, 2, np.where(lv == 3, 2, np.where(rng.random(chosen.size) < 0.5, 1, 3)))
    old_tier = nursing_tier_for(reg.grade[per[chosen]], old_lv)
    hit = np.zeros((reg.n, N_MONTHS), np.int8)
    for j in range(6):   # January … June at the latest: never into the next year
        s = months > j
        hit[per[chosen[s]], m[chosen[s]] + j] = old_tier[s]
    rows = np.flatnonzero((prog == NURSING) & (hit[per, m] > 0) & elig[NURSING][per, m])
    tier[rows] = hit[per[rows], m[rows]]
    amount[rows] = nursing_amounts[tier[rows] - 1]

    # -- rehab: adults paid the under-18 tier; years claimed above the cap
    banded = np.flatnonzero(np.isin(prog, list(CHILD_TIER)))
    first, group, first_period = _episodes(pay, banded)
    cand = np.flatnonzero((age[per[first], first_period] >= 18 * 12) & plain[first])
    chosen = pick(rng, cand, 2019 + first_period[cand] // 12, rates["tier_outside_age_band"], rates["min_2020"])
    aged = np.zeros(len(pay), bool)
    aged[banded[np.isin(group, chosen)]] = True
    for q, child_tier in CHILD_TIER.items():
        rows = np.flatnonzero(aged & (prog == q))
        new = child_tier(reg.grade[per[rows]]).astype(np.int8)
        amount[rows] = np.round(amount[rows] * CAPS[q][new - 1] / CAPS[q][tier[rows] - 1], 2)
        tier[rows] = new
    claims = np.flatnonzero(REHAB_CLAIMS[prog] & ~aged)
    first, group, first_period = _episodes(pay, claims)
    spent = np.bincount(group, weights=amount[claims], minlength=first.size)
    cap = np.array([CAPS[q][t - 1] for q, t in zip(prog[first], tier[first])], float).reshape(-1)
    cand = np.flatnonzero(plain[first])
    chosen = pick(rng, cand, 2019 + first_period[cand] // 12, rates["rehab_over_cap"], rates["min_2020"])
    factor = np.ones(first.size)
    factor[chosen] = cap[chosen] * rng.uniform(1.05, 1.4, size=chosen.size) / spent[chosen]
    rows = claims[factor[group] != 1.0]
    amount[rows] = np.round(amount[rows] * factor[group][factor[group] != 1.0], 2)

    # -- monthly subsidies paid on after the move-out
    monthly = np.flatnonzero(np.isin(prog, (LIVING, NURSING)))
    key = per[monthly] * len(PROGRAMS) + prog[monthly]
    order = monthly[np.lexsort((monthly, m[monthly], key))]
    key = per[order] * len(PROGRAMS) + prog[order]
    lrow = order[np.r_[key[1:] != key[:-1], True]]   # each (person, program)'s row of its latest period
    mv = reg.mv[per[lrow]]
    cand = lrow[(mv < N_MONTHS) & (m[lrow] == mv - 1)]
    chosen = pick(rng, cand, 2019 + reg.mv[per[cand]] // 12, rates["paid_after_moved_out"], rates["min_2020"])
    extra = np.minimum(rng.integers(1, 3, size=chosen.size), N_MONTHS - reg.mv[per[chosen]])
    src = np.repeat(chosen, extra)
    period = reg.mv[per[src]] + (np.arange(src.size) - np.repeat(np.cumsum(extra) - extra, extra))
    add = pay.take(src)
    add["period"] = period.astype(add["period"].dtype)
    for q in (LIVING, NURSING):
        s = add["program"] == q
        paid, route = payroll_dates(q)
        add["paid"][s] = paid[period[s]]
        add["route"][s] = route[period[s]]
    s = add["program"] == LIVING
    add["amount"][s] = living_by_year[period[s] // 12]
    return Table.concat([pay, add]), np.r_[pay_app, pay_app[src]]
