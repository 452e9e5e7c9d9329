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
from simulator.catalog import PROGRAMS, YEARS
from simulator.census import DECEASED, MOVED, SURVEYED
from simulator.money import Table
from simulator.people import NEVER, Register, required_in_year

GROUP_OF_NEED = contract.NEED_GROUP


def _rows(fault, year, person, program=None, period=None, payment=None, detail=None) -> Table:
    k = np.asarray(person).size
    full = lambda v: np.full(k, -1, np.int64) if v is None else np.asarray(v, np.int64)  # noqa: E731
    return Table(
        fault=np.full(k, fault, dtype=object), year=np.broadcast_to(np.asarray(year, np.int64), (k,)).copy(),
        person=np.asarray(person, np.int64), program=full(program), period=full(period), payment=full(payment),
        detail=np.full(k, "", dtype=object) if detail is None else np.asarray(detail, dtype=object),
    )


def detect(reg: Register, st: dict, elig: dict, pay: Table, census: Table) -> Table:
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

