"""Ground truth: every gap instance the METRICS.md definitions find in the generated district.

Private helper of `simulator.generate`. The injected faults are chosen in the simulation; this module then
re-derives every gap from the final arrays that are written to the contract files (the same states the
views derive from persons and status_events), so that a fault falling under two keys (a living subsidy
paid after death and after the 低保 case was closed) is listed under both, and anything the simulation
produced by accident would be listed too (the generator reports such surprises).
"""
from __future__ import annotations

import numpy as np

import contract
from simulator.calendar import N_MONTHS
from simulator.catalog import PROGRAMS, YEARS, living_amount
from simulator.census import DECEASED, MOVED, SURVEYED
from simulator.money import NURSING, Table, nursing_tier_for
from simulator.people import CERTIFIED, INTELLECTUAL, MENTAL, NEVER, Register, required_in_year

GROUP_OF_NEED = contract.NEED_GROUP
# The catalogue's tiers whose condition is an age band (catalog.py's texts: 成年 = 18 and over, "N周岁以下"
# = under N), in whole years (low, high), None = unbounded.
TIER_AGE_BANDS = {
    ("XM03", 1): (18, None), ("XM03", 2): (18, None), ("XM03", 3): (18, None),
    ("XM03", 4): (None, 17), ("XM03", 5): (None, 17),
    ("XM04", 1): (None, 5), ("XM05", 1): (None, 6), ("XM08", 1): (None, 2),
    ("XM12", 1): (18, None), ("XM12", 2): (None, 17),
}


def _rows(fault, year, person, program=None, period=None, payment=None, detail=None) -> Table:
    k = np.asarray(person).size
    full = lambda v: np.full(k, -1, np.int64) if v is None else np.asarray(v, np.int64)  # noqa: E731
    return Table(
        fault=np.full(k, fault, dtype=object), year=np.broadcast_to(np.asarray(year, np.int64), (k,)).copy(),
        person=np.asarray(person, np.int64), program=full(program), period=full(period), payment=full(payment),
        detail=np.full(k, "", dtype=object) if detail is None else np.asarray(detail, dtype=object),
    )


def _runs(person: np.ndarray, month: np.ndarray):
    """For rows sorted by (person, month): each row's run (consecutive months of one person), its
    position in the run, and the first row of every run."""
    new = np.r_[True, (person[1:] != person[:-1]) | (month[1:] != month[:-1] + 1)]
    run = np.cumsum(new) - 1
    start = np.flatnonzero(new)
    return run, np.arange(person.size) - start[run], start


def _missed(med: Table) -> np.ndarray:
    """Rows of `med` not collected, in (person, month) order."""
    o = np.lexsort((med["month"], med["person"]))
    return o[med["dispensed"][o] == 0]


def break_missed_runs(med: Table) -> Table:
    """A clean district's medication: every second month of a run of missed months collected after all
    (a clean process follows a missed month up), so that no patient misses two months running."""
    miss = _missed(med)
    _, pos, _ = _runs(med["person"][miss], med["month"][miss].astype(np.int64))
    out = Table({k: v.copy() for k, v in med.items()})
    out["dispensed"][miss[pos % 2 == 1]] = 1
    return out


def _cents(amount: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(amount, float) * 100).astype(np.int64)


def detect(reg: Register, st: dict, elig: dict, age: np.ndarray, pay: Table, census: Table, med: Table) -> Table:
    """All gap cases. `pay` must be in payment_id order; payment = row index in it."""
    parts: list[Table] = []
    p, m, prog = pay["person"], pay["period"].astype(np.int64), pay["program"].astype(np.int64)
    year = 2019 + m // 12
    row = np.arange(len(pay))
    living = [i for i, q in enumerate(PROGRAMS) if q.rule == "living_subsidy"][0]

    # ---- payments for a period in which the condition already holds
    s = m >= reg.dv[p]
    parts.append(_rows("paid_after_death", year[s], p[s], prog[s], m[s], row[s], ["period after death"] * int(s.sum())))
    s = (prog == living) & ~st["dibao"][p, m] & ~st["dibian"][p, m]
    parts.append(_rows("paid_after_dibao_end", year[s], p[s], prog[s], m[s], row[s],
                       ["living subsidy for a month neither 低保 nor 低边"] * int(s.sum())))
    s = m >= reg.rv[p]
    parts.append(_rows("paid_after_revocation", year[s], p[s], prog[s], m[s], row[s],
                       ["period after certificate revocation"] * int(s.sum())))
    # ---- payments beyond the first for one (person, program, period), first = earliest payment_id
    o = np.lexsort((row, m, prog, p))
    same = np.r_[False, (p[o][1:] == p[o][:-1]) & (prog[o][1:] == prog[o][:-1]) & (m[o][1:] == m[o][:-1])]
    d = o[same]
    parts.append(_rows("duplicate_payment", year[d], p[d], prog[d], m[d], d,
                       ["second payment for the period"] * d.size))

    s = m >= reg.mv[p]
    parts.append(_rows("paid_after_moved_out", year[s], p[s], prog[s], m[s], row[s],
                       ["period after moving out"] * int(s.sum())))

    # ---- amounts and tiers (issue 11)
    cents = _cents(pay["amount"])
    due = np.array([living_amount(y) for y in YEARS], np.int64) * 100
    s = (prog == living) & (cents != due[m // 12])
    parts.append(_rows("wrong_living_amount", year[s], p[s], prog[s], m[s], row[s],
                       ["living subsidy not 30% of the year's dibao standard"] * int(s.sum())))
    g, lv = reg.grade.astype(np.int64), reg.nursing.astype(np.int64)
    named = (reg.cert == CERTIFIED) & ((((g == 1) | (g == 2)) & (lv > 0))
                                       | ((g == 3) & np.isin(reg.category, (INTELLECTUAL, MENTAL))))
    exp_tier = nursing_tier_for(g, lv).astype(np.int64)
    tier_cents = _cents([t[0] for t in PROGRAMS[NURSING].tiers])
    s = (prog == NURSING) & named[p]
    s &= (pay["tier"].astype(np.int64) != exp_tier[p]) | (cents != tier_cents[exp_tier[p] - 1])
    parts.append(_rows("wrong_nursing_tier", year[s], p[s], prog[s], m[s], row[s],
                       ["nursing tier not the one grade and nursing level give"] * int(s.sum())))
    # rehab episodes: (person, program, year); the age band judged in the first period of the episode
    key = (p * len(PROGRAMS) + prog) * len(YEARS) + m // 12
    _, rep, group = np.unique(key, return_index=True, return_inverse=True)   # rep: an episode's first row
    first = np.full(group.max() + 1, N_MONTHS, np.int64)
    np.minimum.at(first, group, m)
    age_years = age[p, first[group]] // 12
    lo = np.full(len(pay), -1, np.int64)
    hi = np.full(len(pay), 10**6, np.int64)
    for (pid, t), (a, b) in TIER_AGE_BANDS.items():
        q = [i for i, x in enumerate(PROGRAMS) if x.program_id == pid][0]
        s = (prog == q) & (pay["tier"] == t)
        lo[s] = -1 if a is None else a
        hi[s] = 10**6 if b is None else b
    s = (age_years < lo) | (age_years > hi)
    parts.append(_rows("tier_outside_age_band", year[s], p[s], prog[s], m[s], row[s],
                       ["tier's age band does not hold in the first claim month"] * int(s.sum())))
    capped = np.array([q.group == "康复" and q.cycle in ("annual", "per_claim") for q in PROGRAMS])[prog]
    cap = np.zeros(len(pay), np.int64)
    for q, x in enumerate(PROGRAMS):
        s = prog == q
        cap[s] = _cents([t[0] for t in x.tiers])[pay["tier"][s].astype(np.int64) - 1]
    spent = np.bincount(group[capped], weights=cents[capped], minlength=first.size).astype(np.int64)
    top = np.zeros(first.size, np.int64)
    np.maximum.at(top, group[capped], cap[capped])
    over = np.flatnonzero(spent > np.where(top > 0, top, np.iinfo(np.int64).max))
    r = rep[over]
    parts.append(_rows("rehab_over_cap", year[r], p[r], prog[r], first[over],
                       detail=[f"paid {spent[i] / 100:.2f} above the cap {top[i] / 100:.2f}" for i in over]))

    # ---- medication: runs of two or more consecutive prescribed months not collected (months after a
    # death or a move-out are not monitored)
    miss = _missed(med)
    mp, mm = med["person"][miss].astype(np.int64), med["month"][miss].astype(np.int64)
    keep = (mm < reg.dv[mp]) & (mm < reg.mv[mp])
    mp, mm = mp[keep], mm[keep]
    run, _, start = _runs(mp, mm)
    length = np.bincount(run, minlength=start.size)
    s = start[length >= 2]
    parts.append(_rows("medication_missed", 2019 + (mm[s] + 1) // 12, mp[s], period=mm[s],
                       detail=[f"{n} months running" for n in length[length >= 2]]))

    # ---- monthly programs: eligible but unpaid in the year, late first payment
    for q, e in elig.items():
        s = prog == q
        paid = np.zeros((reg.n, N_MONTHS), bool)
        paid[p[s], m[s]] = True
        for yi, y in enumerate(YEARS):
            sl = slice(12 * yi, 12 * yi + 12)
            ey, py = e[:, sl], paid[:, sl]
            e_any, p_any = ey.any(axis=1), py.any(axis=1)
            first_e = np.argmax(ey, axis=1)
            first_p = np.argmax(py, axis=1)
            un = np.flatnonzero(e_any & ~p_any)
            parts.append(_rows("eligible_unpaid", y, un, np.full(un.size, q), 12 * yi + first_e[un],
                               detail=[f"eligible {int(ey[i].sum())} months, none paid" for i in un]))
            lt = np.flatnonzero(e_any & p_any & (first_p - first_e > 1))
            parts.append(_rows("late_start", y, lt, np.full(lt.size, q), 12 * yi + first_e[lt],
                               detail=[f"first paid {first_p[i] - first_e[i]} months after first eligible month;"
                                       f" {int((ey[i] & ~py[i]).sum())} eligible months unpaid" for i in lt]))

    # ---- census
    cp, cy, cs = census["person"], census["year"].astype(np.int64), census["status"]
    group_of_prog = np.array([q.group for q in PROGRAMS])
    for y in YEARS:
        req = required_in_year(reg, y)
        in_year = cy == y
        ok = np.zeros(reg.n, bool)
        ok[cp[in_year & np.isin(cs, (SURVEYED, DECEASED, MOVED))]] = True
        has_row = np.zeros(reg.n, bool)
        has_row[cp[in_year]] = True
        ns = np.flatnonzero(req & ~ok)
        det = np.where(has_row[ns], "survey not completed (not reached / refused)", "no census row")
        parts.append(_rows("not_surveyed", y, ns, detail=det))
        paid_group = {}
        ys = year == y
        for need, group in GROUP_OF_NEED.items():
            g = ys & (group_of_prog[prog] == group)
            has = np.zeros(reg.n, bool)
            has[p[g]] = True
            paid_group[need] = has
            s = in_year & (cs == SURVEYED) & (census[need] == 1)
            un = cp[s][~has[cp[s]]]
            parts.append(_rows(f"unmet_{need}", y, np.sort(un),
                               detail=[f"stated {need}, no {group} payment"] * un.size))
        # census contradicting the registry
        sv = census["survey"]
        dd = reg.death_date[cp]
        a = in_year & (cs == DECEASED) & (reg.dv[cp] == NEVER)
        b = in_year & ~np.isnat(sv) & ~np.isnat(dd) & (sv > dd)
        both = a | b
        det = np.where(a[both], "census deceased, no registry death", "surveyed after the registry death date")
        parts.append(_rows("census_registry_conflict", y, cp[both], detail=det))

    # ---- one ID number under several person_ids (listed for every year of the data)
    ids = reg.id_number
    o = np.argsort(ids, kind="stable")
    sid = ids[o]
    dup = np.r_[sid[1:] == sid[:-1], False] | np.r_[False, sid[1:] == sid[:-1]]
    persons = np.sort(o[dup])
    for y in YEARS:
        parts.append(_rows("duplicate_id_number", y, persons,
                           detail=["id_number held by another person_id"] * persons.size))
    return Table.concat(parts)

