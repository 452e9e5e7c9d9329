"""The register: who lives in the demo district and what happens to them (2019–2021).

Private helper of `simulator.generate`. Persons are drawn with numpy (one array per attribute), then their
life course is simulated in month units: certificate issue and revocation, death, moving out and the
household's 低保 / 低边 status (a monthly Markov chain, civil-affairs data). Each change becomes a
status event dated inside the month before it takes effect, so the METRICS.md convention ("an event
dated in month M takes effect from M+1") reproduces the simulated month exactly.

Conventions: month index 0 = 2019-01 … 35 = 2021-12; `NEVER` (99) as an effective month means the
change does not happen within the data.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import contract
from simulator.calendar import N_MONTHS, month_index, month_start, random_day_in_month
from simulator.catalog import (
    GIVEN_FEMALE,
    GIVEN_MALE,
    OVERFLOW_REGION_CODES,
    REGION_CODES,
    SURNAMES,
    TOWNS,
    VILLAGE_SYLLABLES,
)

NEVER = 99
CATEGORIES = contract.CATEGORIES  # index 0..6 = 视力 听力 言语 肢体 智力 精神 多重
VISION, HEARING, SPEECH, LIMB, INTELLECTUAL, MENTAL, MULTIPLE = range(7)
EVENT_CODE = {name: i for i, name in enumerate(contract.EVENTS)}
CERTIFIED, FORM, SUSPECTED = 0, 1, 2  # cert_status 持证 / 评定表 / 疑似
CERT_STATUS = ("持证", "评定表", "疑似")

# ---- register composition (shares of persons.csv rows)
CHILD_SHARE = 0.022          # uncertified priority children (评定表 / 疑似)
NO_CERT_DATE_SHARE = 0.08    # certified long ago, issue date not migrated into the new system
NEW_CERT_SHARE = 0.13        # certificates issued 2019–2021 (≈ 4% of the register a year)
MALE_SHARE = 0.56
CATEGORY_MIX = (0.11, 0.12, 0.02, 0.45, 0.10, 0.13, 0.07)   # 肢体 most common (national pattern)
GRADE_MIX = (0.13, 0.23, 0.30, 0.34)                          # grade 1–2 ≈ 36%
NURSING_MIX = {1: (0.10, 0.30, 0.60), 2: (0.06, 0.30, 0.64)}  # nursing level 1/2/3 by grade
# Age on 2019-01-01 of certified persons: (share, low, high) years; many elderly, as in the national survey.
AGE_BANDS = ((0.035, 2, 18), (0.405, 18, 60), (0.39, 60, 80), (0.17, 80, 100))
# Yearly death rates by the same bands (disabled elderly die more often than the general population).
DEATH_RATE = (0.002, 0.008, 0.03, 0.11)
MOVE_RATE = 0.005            # moved out of the district, per year
REVOKE_RATE = 0.004          # certificate revoked after re-assessment, per year
GRADE_CHANGE_RATE = 0.01     # grade changes recorded (for the record only, METRICS.md)
# 低保 / 低边 at the start of the data, by hukou (城镇, 农村)
DIBAO_START = ((0.065, 0.04), (0.09, 0.045))
# Monthly transition probabilities of the household state 0 none / 1 低保 / 2 低边.
DIBAO_MONTHLY = np.array([
    [0.0, 0.0022, 0.0012],
    [0.0060, 0.0, 0.0025],
    [0.0070, 0.0022, 0.0],
])
# Uncertified priority children: (group, cert_status, category, share, born from, born to)
CHILD_GROUPS = (
    ("infant_motor", SUSPECTED, LIMB, 0.30, "2018-08-01", "2021-10-31"),
    ("under3_speech", SUSPECTED, SPEECH, 0.20, "2017-02-01", "2020-06-30"),
    ("under7_autism", SUSPECTED, MENTAL, 0.25, "2013-06-01", "2019-06-30"),
    ("form_cp", FORM, LIMB, 0.13, "2014-06-01", "2020-01-31"),
    ("form_intellectual", FORM, INTELLECTUAL, 0.06, "2013-06-01", "2019-06-30"),
    ("form_hearing", FORM, HEARING, 0.06, "2013-06-01", "2020-06-30"),
)


@dataclass
class Register:
    """The simulated persons (one array per attribute) and their status events."""

    n: int
    birth: np.ndarray
    sex: np.ndarray            # 0 男, 1 女
    town: np.ndarray
    village: np.ndarray        # index into village_names
    town_names: list
    village_names: list
    village_town: np.ndarray
    hukou: np.ndarray          # 0 城镇, 1 农村
    cert: np.ndarray           # CERTIFIED / FORM / SUSPECTED
    category: np.ndarray       # 0..6
    grade: np.ndarray          # 0 (none) or 1..4
    nursing: np.ndarray        # 0 (none) or 1..3
    cert_date: np.ndarray      # datetime64[D], NaT = none
    cv: np.ndarray             # first month the certificate is valid (0 = from the start of the data)
    rv: np.ndarray             # first month revoked (NEVER)
    dv: np.ndarray             # first month dead (NEVER)
    mv: np.ndarray             # first month moved out (NEVER)
    death_date: np.ndarray
    revoke_date: np.ndarray
    moved_date: np.ndarray
    dibao_chain: np.ndarray    # [n, 36] int8 simulated household state (0/1/2)
    dup_of: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))   # clone -> original
    dup_clone: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    events: dict = field(default_factory=dict)
    id_number: np.ndarray | None = None
    name: np.ndarray | None = None
    adjusted: int = 0


def _geography(n_towns_rng: np.random.Generator):
    """Town and village names: 5–20 villages per town, fixed for every seed."""
    town_names, village_names, village_town, village_w = [], [], [], []
    syl = list(VILLAGE_SYLLABLES)
    for t, (tname, _) in enumerate(TOWNS):
        town_names.append(tname)
        k = int(n_towns_rng.integers(5, 21))
        seen: set[str] = set()
        while len(seen) < k:
            a, b = n_towns_rng.choice(len(syl), 2, replace=False)
            stem = syl[a] + syl[b]
            if stem in seen:
                continue
            seen.add(stem)
        for i, stem in enumerate(sorted(seen)):
            urban = tname.endswith("街道")
            suffix = "社区" if (urban or i == 0) else "村"
            village_names.append(stem + suffix)
            village_town.append(t)
            village_w.append(float(n_towns_rng.uniform(0.5, 1.5)))
    return town_names, village_names, np.array(village_town), np.array(village_w)


def _dates_between(rng, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Uniform dates in [lo, hi] (datetime64[D] arrays)."""
    span = (hi - lo).astype(np.int64)
    off = (rng.random(lo.shape) * (span + 1)).astype(np.int64)
    return lo + np.minimum(off, np.maximum(span, 0)).astype("timedelta64[D]")


def simulate_register(rng: np.random.Generator, n: int) -> Register:
    """Draw the persons and simulate their certificates, deaths, moves and 低保/低边 status."""
    town_names, village_names, village_town, village_w = _geography(np.random.default_rng(7))
    town_w = np.array([w for _, w in TOWNS])
    town = rng.choice(len(TOWNS), size=n, p=town_w / town_w.sum())
    # village within the town, weighted
    village = np.empty(n, np.int64)
    for t in range(len(TOWNS)):
        idx = np.flatnonzero(town == t)
        vs = np.flatnonzero(village_town == t)
        w = village_w[vs] / village_w[vs].sum()
        village[idx] = vs[rng.choice(len(vs), size=idx.size, p=w)]
    urban_town = np.array([name.endswith("街道") for name in town_names])
    hukou = np.where(urban_town[town], rng.random(n) < 0.2, rng.random(n) < 0.75).astype(np.int8)
    sex = (rng.random(n) >= MALE_SHARE).astype(np.int8)

    is_child = rng.random(n) < CHILD_SHARE
    cert = np.zeros(n, np.int8)
    category = rng.choice(7, size=n, p=CATEGORY_MIX).astype(np.int8)
    grade = (rng.choice(4, size=n, p=GRADE_MIX) + 1).astype(np.int8)

    # ages (certified): age band then uniform inside it
    band = rng.choice(len(AGE_BANDS), size=n, p=[b[0] for b in AGE_BANDS])
    lo = np.array([b[1] for b in AGE_BANDS])[band]
    hi = np.array([b[2] for b in AGE_BANDS])[band]
    age_years = lo + rng.random(n) ** np.where(band == 3, 1.6, 1.0) * (hi - lo)  # fewer 90+ than 80+
    d0 = np.datetime64("2019-01-01", "D")
    birth = d0 - (age_years * 365.25).astype(np.int64).astype("timedelta64[D]") - np.timedelta64(1, "D")

    # uncertified children: group, status, suspected category, birth window
    cidx = np.flatnonzero(is_child)
    g = rng.choice(len(CHILD_GROUPS), size=cidx.size, p=[c[3] for c in CHILD_GROUPS])
    cert[cidx] = np.array([c[1] for c in CHILD_GROUPS])[g]
    category[cidx] = np.array([c[2] for c in CHILD_GROUPS])[g]
    grade[cidx] = 0
    band[cidx] = 0
    glo = np.array([np.datetime64(c[4], "D") for c in CHILD_GROUPS])[g]
    ghi = np.array([np.datetime64(c[5], "D") for c in CHILD_GROUPS])[g]
    birth[cidx] = _dates_between(rng, glo, ghi)

    nursing = np.zeros(n, np.int8)
    for gr, mix in NURSING_MIX.items():
        idx = np.flatnonzero((grade == gr) & (cert == CERTIFIED))
        nursing[idx] = rng.choice(3, size=idx.size, p=mix) + 1

    certified = cert == CERTIFIED
    # ---- certificate timing
    u = rng.random(n)
    no_date = certified & (u < NO_CERT_DATE_SHARE)
    new_cert = certified & (u >= NO_CERT_DATE_SHARE) & (u < NO_CERT_DATE_SHARE + NEW_CERT_SHARE)
    pre_cert = certified & ~no_date & ~new_cert
    cert_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    cv = np.where(certified, 0, NEVER).astype(np.int64)
    c_month = np.full(n, -1, np.int64)
    c_month[new_cert] = rng.integers(0, N_MONTHS, size=int(new_cert.sum()))
    cert_date[new_cert] = random_day_in_month(rng, c_month[new_cert])
    cv[new_cert] = c_month[new_cert] + 1
    earliest = np.maximum(birth + np.timedelta64(200, "D"), np.datetime64("2001-01-01", "D"))
    cert_date[pre_cert] = _dates_between(rng, earliest[pre_cert],
                                         np.full(int(pre_cert.sum()), np.datetime64("2018-12-31", "D")))

    # ---- deaths (certified only; children's deaths are too rare to matter here)
    yearly = np.array(DEATH_RATE)[band]
    h = 1.0 - (1.0 - yearly) ** (1.0 / 12.0)
    t = np.floor(np.log(rng.random(n)) / np.log(1.0 - h)).astype(np.int64)
    death_month = np.where(certified & (t < N_MONTHS), t, -1)
    # a certificate issued during the data is issued to a living person: death only after it is valid
    death_month[new_cert & (death_month < cv)] = -1
    dv = np.where(death_month >= 0, death_month + 1, NEVER)
    death_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    has_death = death_month >= 0
    death_date[has_death] = random_day_in_month(rng, death_month[has_death])
    # new certificates must predate the death date itself (same month: issue first)
    same = has_death & new_cert & (month_index(cert_date) == death_month)
    death_date[same] = np.maximum(death_date[same], cert_date[same] + np.timedelta64(1, "D"))
    bad = has_death & (month_index(death_date) != death_month)  # pushed into the next month: no death
    dv[bad] = NEVER
    death_date[bad] = np.datetime64("NaT")

    # ---- moved out and revocations (before death, after the certificate became valid)
    mv = np.full(n, NEVER, np.int64)
    moved_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    m_month = rng.integers(0, N_MONTHS, size=n)
    moving = certified & (rng.random(n) < MOVE_RATE * 3) & (m_month >= cv) & (m_month + 1 < dv)
    mv[moving] = m_month[moving] + 1
    moved_date[moving] = random_day_in_month(rng, m_month[moving])

    rv = np.full(n, NEVER, np.int64)
    revoke_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    r_month = rng.integers(0, N_MONTHS, size=n)
    revoking = certified & (rng.random(n) < REVOKE_RATE * 3) & (r_month >= cv) & (r_month + 1 < dv) & (r_month + 1 < mv)
    rv[revoking] = r_month[revoking] + 1
    revoke_date[revoking] = random_day_in_month(rng, r_month[revoking])

    # ---- 低保 / 低边: monthly chain; frozen from the death month (no civil-affairs change afterwards,
    # except the 低保 end that follows a death, added in build_events)
    p0 = np.array(DIBAO_START)[hukou]           # [n, 2]
    r0 = rng.random(n)
    state = np.where(r0 < p0[:, 0], 1, np.where(r0 < p0[:, 0] + p0[:, 1], 2, 0)).astype(np.int8)
    chain = np.empty((n, N_MONTHS), np.int8)
    chain[:, 0] = state
    cum = np.cumsum(DIBAO_MONTHLY, axis=1)
    for m in range(1, N_MONTHS):
        u = rng.random(n)
        nxt = np.where(u < cum[state, 0], 0, np.where(u < cum[state, 1], 1, np.where(u < cum[state, 2], 2, state)))
        nxt = nxt.astype(np.int8)
        frozen = m >= dv  # the change would be dated in or after the death month
        state = np.where(frozen, state, nxt).astype(np.int8)
        chain[:, m] = state

    return Register(
        n=n, birth=birth, sex=sex, town=town, village=village, town_names=town_names,
        village_names=village_names, village_town=village_town, hukou=hukou, cert=cert,
        category=category, grade=grade, nursing=nursing, cert_date=cert_date, cv=cv, rv=rv, dv=dv, mv=mv,
        death_date=death_date, revoke_date=revoke_date, moved_date=moved_date, dibao_chain=chain,
    )


def required_in_year(reg: Register, year: int) -> np.ndarray:
    """Persons a census of `year` must cover (METRICS.md not_surveyed): 持证, certificate valid and
    alive in some month of the year, alive at its start."""
    a = (year - 2019) * 12
    start = np.maximum(reg.cv, a)
    end = np.minimum(np.minimum(reg.rv, reg.dv), a + 12)
    return (reg.cert == CERTIFIED) & (reg.dv > a) & (start < end)


def choose_duplicates(rng: np.random.Generator, reg: Register, n_pairs: int) -> None:
    """Pick pairs for the duplicate_id_number fault: a person registered twice (two person_ids, one ID
    number). Both records are plain certified adults with no monthly entitlement and no life events, so
    the duplicate number is the only thing wrong with them."""
    age_ok = reg.birth < np.datetime64("1995-01-01", "D")
    plain = (
        (reg.cert == CERTIFIED) & (reg.cv == 0) & (reg.rv == NEVER) & (reg.dv == NEVER) & (reg.mv == NEVER)
        & (reg.grade >= 3) & ~np.isin(reg.category, (INTELLECTUAL, MENTAL)) & age_ok
        & (reg.dibao_chain.max(axis=1) == 0)
    )
    pool = np.flatnonzero(plain)
    k = min(n_pairs, pool.size // 2)
    pick = rng.choice(pool, size=2 * k, replace=False)
    reg.dup_of, reg.dup_clone = np.sort(pick[:k]), pick[k:][np.argsort(pick[:k])]
    # the clone is the same person entered again (in another village): identity and certificate
    # copied, so sex and birth date agree with the shared number
    for attr in ("birth", "sex", "category", "grade", "nursing", "cert_date", "hukou"):
        arr = getattr(reg, attr)
        arr[reg.dup_clone] = arr[reg.dup_of]


def adjust_census_size(rng: np.random.Generator, reg: Register, target: int) -> int:
    """Move certificate dates so that exactly `target` persons must be covered by the 2020 census.

    Too many: some plain long-certified persons get their certificate in 2021 instead (they are new
    certificate holders). Too few: some 2021 certificate holders get a pre-2019 certificate. Both
    changes keep every other simulated fact consistent; returns the signed number of persons moved.
    """
    req = required_in_year(reg, 2020)
    diff = int(req.sum()) - target
    protected = np.zeros(reg.n, bool)
    protected[reg.dup_of] = True
    protected[reg.dup_clone] = True
    certified = reg.cert == CERTIFIED
    if diff > 0:
        pool = np.flatnonzero(certified & (reg.cv == 0) & (reg.rv == NEVER) & (reg.dv == NEVER)
                              & (reg.mv == NEVER) & ~protected)
        pick = np.sort(rng.choice(pool, size=min(diff, pool.size), replace=False))
        month = rng.integers(23, N_MONTHS, size=pick.size)  # issued Dec 2020 … Dec 2021: valid from 2021
        reg.cert_date[pick] = random_day_in_month(rng, month)
        reg.cv[pick] = month + 1
    elif diff < 0:
        pool = np.flatnonzero(certified & (reg.cv >= 24) & (reg.rv == NEVER) & (reg.mv == NEVER) & ~protected)
        pick = np.sort(rng.choice(pool, size=min(-diff, pool.size), replace=False))
        lo = np.maximum(reg.birth[pick] + np.timedelta64(200, "D"), np.datetime64("2001-01-01", "D"))
        reg.cert_date[pick] = _dates_between(rng, lo, np.full(pick.size, np.datetime64("2018-12-31", "D")))
        reg.cv[pick] = 0
    reg.adjusted = diff
    return diff


def build_events(rng: np.random.Generator, reg: Register) -> None:
    """Turn the simulated changes into status_events rows (person, event, date, value, source)."""
    person, code, date, value, source = [], [], [], [], []

    def add(idx, ev, d, val=None, src="残联"):
        idx = np.asarray(idx, np.int64)
        person.append(idx)
        code.append(np.full(idx.size, EVENT_CODE[ev], np.int8))
        date.append(np.asarray(d, dtype="datetime64[D]"))
        value.append(np.full(idx.size, -1, np.int8) if val is None else np.asarray(val, np.int8))
        source.append(np.full(idx.size, 0, np.int8) if isinstance(src, str) and src == "残联"
                      else np.asarray(src, np.int8))

    SRC = {"残联": 0, "民政": 1, "公安": 2}
    n = reg.n
    new = np.flatnonzero((reg.cert == CERTIFIED) & (reg.cv > 0) & (reg.cv < NEVER))
    add(new, "cert_issued", reg.cert_date[new])
    rev = np.flatnonzero(reg.rv < NEVER)
    add(rev, "cert_revoked", reg.revoke_date[rev])
    dead = np.flatnonzero(reg.dv < NEVER)
    add(dead, "death", reg.death_date[dead], src=np.where(rng.random(dead.size) < 0.6, SRC["公安"], SRC["民政"]))
    mov = np.flatnonzero(reg.mv < NEVER)
    add(mov, "moved_out", reg.moved_date[mov], src=np.full(mov.size, SRC["公安"]))

    # grade changes for the record: 2 -> 1 or 4 -> 3, which never change nursing-subsidy eligibility
    gm = rng.integers(0, N_MONTHS, size=n)
    changer = ((reg.cert == CERTIFIED) & np.isin(reg.grade, (1, 3)) & (rng.random(n) < GRADE_CHANGE_RATE * 3)
               & (gm >= reg.cv) & (gm + 1 < reg.dv) & (gm + 1 < reg.rv) & (gm + 1 < reg.mv))
    gc = np.flatnonzero(changer)
    add(gc, "grade_change", random_day_in_month(rng, gm[gc]), val=reg.grade[gc])

    # 低保 / 低边 from the chain: state at month 0 has a start dated before the data
    chain = reg.dibao_chain
    for st, ev in ((1, "dibao_start"), (2, "dibian_start")):
        idx = np.flatnonzero(chain[:, 0] == st)
        lo = np.full(idx.size, np.datetime64("2012-01-01", "D"))
        hi = np.full(idx.size, np.datetime64("2018-12-20", "D"))
        add(idx, ev, _dates_between(rng, lo, hi), src=np.full(idx.size, SRC["民政"]))
    prev, cur = chain[:, :-1], chain[:, 1:]
    pi, mi = np.nonzero(prev != cur)
    m = mi + 1                      # month the new state holds; events dated in m-1
    d = random_day_in_month(rng, m - 1)
    frm, to = prev[pi, mi], cur[pi, mi]
    civil = lambda k: np.full(k, SRC["民政"])  # noqa: E731
    for f, ev in ((1, "dibao_end"), (2, "dibian_end")):
        s = frm == f
        add(pi[s], ev, d[s], src=civil(int(s.sum())))
    for t_, ev in ((1, "dibao_start"), (2, "dibian_start")):
        s = to == t_
        add(pi[s], ev, d[s], src=civil(int(s.sum())))
    # 民政 closes the 低保 case of a person who dies (a few days to weeks later); 低边 records stay open
    died_dibao = np.flatnonzero((reg.dv < NEVER) & (chain[np.arange(n), np.clip(reg.dv - 1, 0, N_MONTHS - 1)] == 1))
    add(died_dibao, "dibao_end",
        reg.death_date[died_dibao] + rng.integers(0, 26, died_dibao.size).astype("timedelta64[D]"),
        src=civil(died_dibao.size))

    ev = {
        "person": np.concatenate(person), "code": np.concatenate(code), "date": np.concatenate(date),
        "value": np.concatenate(value), "source": np.concatenate(source),
    }
    order = np.lexsort((ev["code"], ev["date"], ev["person"]))
    reg.events = {k: v[order] for k, v in ev.items()}


def state_matrices(reg: Register) -> dict[str, np.ndarray]:
    """Monthly state [n, 36] recomputed from the written facts (birth, events, cert_date), the same way
    the views do: exists, alive, cert_valid, moved, dibao, dibian."""
    n = reg.n
    months = np.arange(N_MONTHS)
    first = month_index(reg.birth) + (reg.birth != month_start(month_index(reg.birth))).astype(np.int64)
    exists = months[None, :] >= first[:, None]
    alive = months[None, :] < reg.dv[:, None]
    valid = ((reg.cert == CERTIFIED)[:, None] & (months[None, :] >= reg.cv[:, None])
             & (months[None, :] < reg.rv[:, None]))
    moved = months[None, :] >= reg.mv[:, None]
    ev = reg.events
    eff = month_index(ev["date"]) + 1

    def toggled(start: str, end: str) -> np.ndarray:
        delta = np.zeros((n, N_MONTHS + 1), np.int16)
        for name, sign in ((start, 1), (end, -1)):
            s = ev["code"] == EVENT_CODE[name]
            e = np.clip(eff[s], 0, N_MONTHS)
            np.add.at(delta, (ev["person"][s], e), sign)
        level = np.cumsum(delta[:, :N_MONTHS], axis=1)
        if level.min() < 0 or level.max() > 1:
            raise AssertionError(f"{start}/{end} events do not alternate")
        return level == 1

    return {
        "exists": exists, "alive": alive, "valid": valid, "moved": moved,
        "dibao": toggled("dibao_start", "dibao_end"), "dibian": toggled("dibian_start", "dibian_end"),
    }


def age_in_months(reg: Register) -> np.ndarray:
    """Whole months of age on day 1 of each month [n, 36] (negative before birth)."""
    b = reg.birth
    by = b.astype("datetime64[Y]").astype(np.int64) + 1970
    bm = b.astype("datetime64[M]").astype(np.int64) % 12
    bd = (b - b.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    months = np.arange(N_MONTHS)
    my = 2019 + months // 12
    mm = months % 12
    diff = (my[None, :] - by[:, None]) * 12 + (mm[None, :] - bm[:, None])
    # on day 1 of the month a whole month is complete only if the birth day is the 1st
    return (diff - (bd[:, None] > 1)).astype(np.int32)


def identities(rng: np.random.Generator, reg: Register) -> None:
    """Synthetic names and GB 11643 ID numbers (birth date embedded, sex in the 17th digit)."""
    n = reg.n
    sur = np.array(list(SURNAMES))
    # common surnames far more frequent (Zipf-like weights)
    w = 1.0 / np.arange(1, sur.size + 1) ** 0.9
    s = sur[rng.choice(sur.size, size=n, p=w / w.sum())]
    male, female = np.array(list(GIVEN_MALE)), np.array(list(GIVEN_FEMALE))
    pool = np.where(reg.sex[:, None] == 0, male[rng.integers(0, male.size, (n, 2))],
                    female[rng.integers(0, female.size, (n, 2))])
    two = rng.random(n) < 0.7
    given = np.where(two, np.char.add(pool[:, 0], pool[:, 1]), pool[:, 0])
    reg.name = np.char.add(s, given).astype(object)

    region = np.array(REGION_CODES)[rng.integers(0, len(REGION_CODES), size=n)]
    ymd = np.datetime_as_string(reg.birth, unit="D")
    ymd = np.char.replace(ymd, "-", "")
    sex = reg.sex.astype(str)

    def ranked(region):
        """Rank of each person inside its (region, birth date, sex) group, the group's index and size."""
        key = np.char.add(np.char.add(region, ymd), sex)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        new_group = np.r_[True, sk[1:] != sk[:-1]]
        grp_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
        rank, group = np.empty(n, np.int64), np.empty(n, np.int64)
        rank[order] = np.arange(n) - grp_start
        group[order] = np.cumsum(new_group) - 1
        return rank, group, np.bincount(group)

    # sequence: unique within (region, birth date, sex); odd 17th digit = male, so 500 numbers per
    # group. A person ranked beyond them (a province-sized register: children share few birth dates)
    # moves to the next overflow region code; a district-sized register never needs one.
    rank, group, size = ranked(region)
    for code in OVERFLOW_REGION_CODES:
        if rank.max() < 500:
            break
        region = np.where(rank >= 500, code, region)
        rank, group, size = ranked(region)
    if rank.max() >= 500:
        raise ValueError("too many persons share a birth date and region for 3-digit sequences")
    # a random-looking start per group keeps numbers unique inside the group (and below 500)
    base = np.minimum(rng.integers(0, 200, size=size.size), 500 - size)[group]
    seq = (base + rank) * 2 + np.where(reg.sex == 0, 1, 0)
    seq_s = np.char.zfill(seq.astype(str), 3)
    first17 = np.char.add(np.char.add(region, ymd), seq_s)
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17) - 48
    weights = np.array([pow(2, 17 - i, 11) for i in range(17)])
    check = np.array(list("10X98765432"))[(digits.astype(np.int64) @ weights) % 11]
    ids = np.char.add(first17, check).astype(object)
    # duplicates: the clone's record repeats the original's number and name
    ids[reg.dup_clone] = ids[reg.dup_of]
    reg.name[reg.dup_clone] = reg.name[reg.dup_of]
    reg.id_number = ids
