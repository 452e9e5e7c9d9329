"""The yearly census of certified persons (残疾人基本服务状况和需求信息数据动态更新).

Private helper of `simulator.generate`. Every person the census of a year must cover (certified, certificate
valid and alive in some month of the year, alive on 1 January) gets one row: `surveyed` on a working
day of the year, or `deceased` / `moved` when the registry says so before the visit. Stated needs are
drawn only where a program of the matching group can serve the person that year, so a clean district
meets every need; the faults (not reached, refused, no row, census contradicting the registry) are
applied here and the need-level faults (needs left unmet) later, when services are simulated.
"""
from __future__ import annotations

import numpy as np

from simulator.calendar import month_index, next_workday
from simulator.money import Table, pick
from simulator.people import Register, required_in_year

NEEDS = ("need_rehab", "need_device", "need_education", "need_employment", "need_care", "need_medical_insurance")
STATUS = ("surveyed", "not_reached", "refused", "moved", "deceased")
SURVEYED, NOT_REACHED, REFUSED, MOVED, DECEASED = range(5)


def simulate_census(rng: np.random.Generator, reg: Register, st: dict, year: int, rates: dict,
                    no_row_2020: int) -> tuple[Table, dict]:
    """Census rows of one survey year and the persons chosen for census faults."""
    req = np.flatnonzero(required_in_year(reg, year))
    k = req.size
    lo = np.datetime64(f"{year}-03-01", "D")
    survey = lo + rng.integers(0, 275, size=k).astype("timedelta64[D]")
    survey = next_workday(survey)
    # newly certified persons are surveyed when they get their certificate (发证契机)
    cd = reg.cert_date[req]
    late = ~np.isnat(cd) & (cd >= survey)
    survey = np.where(late, cd + rng.integers(1, 21, size=k).astype("timedelta64[D]"), survey)
    year_end = np.datetime64(f"{year}-12-31", "D")
    survey = np.minimum(survey, year_end)
    rd = reg.revoke_date[req]
    survey = np.where(~np.isnat(rd) & (rd < survey), rd, survey)

    dd = reg.death_date[req]
    md = reg.moved_date[req]
    status = np.full(k, SURVEYED, np.int8)
    dead_before = ~np.isnat(dd) & (dd <= survey)
    moved_before = ~np.isnat(md) & (md < survey)
    status[moved_before] = MOVED
    status[dead_before] = DECEASED

    faults: dict[str, np.ndarray] = {}
    plain = (status == SURVEYED) & np.isnat(dd) & ~np.isin(req, reg.dup_clone) & ~np.isin(req, reg.dup_of)
    idx = np.arange(k)
    yr = np.full(k, year)
    # survey contradicts the registry: 'deceased' for a person with no registry death
    conflict_a = pick(rng, idx[plain], yr[plain], rates["conflict_deceased"], rates["min_conflict"])
    plain[conflict_a] = False
    # survey dated after the registry's death date (the visit was recorded against the wrong date/person)
    cand_b = (status == DECEASED) & (dd < year_end)
    conflict_b = pick(rng, idx[cand_b], yr[cand_b], rates["conflict_after_death"], rates["min_conflict"])
    # not reached / refused, and persons left out of the census file altogether
    miss = pick(rng, idx[plain], yr[plain], rates["not_surveyed"], rates["min_2020"])
    plain[miss] = False
    if year == 2020:
        # exactly `no_row_2020` persons without a row: the 2020 census size is calibrated on it
        no_row = np.sort(rng.choice(idx[plain], size=no_row_2020, replace=False))
        plain[no_row] = False
        rest = miss
    else:
        miss = rng.permutation(miss)
        n_no_row = int(round(rates["no_row_share"] * miss.size))
        no_row, rest = np.sort(miss[:n_no_row]), np.sort(miss[n_no_row:])
    status[conflict_a] = DECEASED
    status[conflict_b] = SURVEYED
    gap = (dd[conflict_b] + np.timedelta64(1, "D"))
    span = (year_end - gap).astype(np.int64)
    survey[conflict_b] = gap + (rng.random(conflict_b.size) * (span + 1)).astype(np.int64).astype("timedelta64[D]")
    status[rest] = np.where(rng.random(rest.size) < 0.7, NOT_REACHED, REFUSED)

    keep = np.ones(k, bool)
    keep[no_row] = False
    rows = np.flatnonzero(keep)
    person = req[rows]
    status = status[rows]
    survey = np.where(status == SURVEYED, survey[rows], np.datetime64("NaT"))
    # income per capita of the household (yuan per year): lower for 低保 / 低边 households
    m = np.clip(month_index(np.where(np.isnat(survey), np.datetime64(f"{year}-06-01", "D"), survey)), 0, 35)
    dibao = st["dibao"][person, m]
    dibian = st["dibian"][person, m]
    income = np.where(dibao, rng.uniform(6000, 12000, rows.size),
                      np.where(dibian, rng.uniform(12000, 19000, rows.size),
                               np.exp(rng.normal(np.log(32000), 0.45, rows.size))))
    income = np.where(status == SURVEYED, np.round(income), np.nan)
    no_needs = np.zeros(rows.size, bool)
    no_needs[np.isin(rows, conflict_b)] = True   # a record against the wrong date carries no needs
    t = Table(person=person, year=np.full(rows.size, year, np.int16), status=status, survey=survey,
              income=income, no_needs=no_needs)
    faults["conflict_deceased"] = req[conflict_a]
    faults["conflict_after_death"] = req[conflict_b]
    faults["no_row"] = req[no_row]
    faults["not_reached"] = req[rest]
    return t, faults

