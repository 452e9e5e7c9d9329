"""Month indices and the official working-day calendar, vectorised for the demo generator.

Private helper of `simulator.generate`. Month index 0 is 2019-01 (the first month of the data), 35 is
2021-12. Dates are numpy datetime64[D]. Working days follow `chinese_calendar` (public holidays and the
调休 make-up weekend days), precomputed once into a lookup table so that adding k working days to a
million dates is one array index.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
import numpy as np

FIRST_YEAR = 2019
N_MONTHS = 36
MONTH0 = np.datetime64("2019-01", "M")
# The calendar table spans the dates the simulation can produce (pre-data certificates and 低保 starts
# never need working days; payments of late-2021 applications run into 2022).
CAL_START = np.datetime64("2018-01-01", "D")
CAL_END = np.datetime64("2022-12-31", "D")


def month_start(m: np.ndarray | int) -> np.ndarray:
    """First day of month index m (datetime64[D])."""
    return (MONTH0 + np.asarray(m, dtype=np.int64)).astype("datetime64[D]")


def days_in_month(m: np.ndarray | int) -> np.ndarray:
    """Number of days of month index m."""
    return (month_start(np.asarray(m) + 1) - month_start(m)).astype(np.int64)


def month_index(d: np.ndarray) -> np.ndarray:
    """Month index of dates d (negative before 2019-01)."""
    return (d.astype("datetime64[M]") - MONTH0).astype(np.int64)


def random_day_in_month(rng: np.random.Generator, m: np.ndarray, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """A date inside month m, uniformly in the [lo, hi) fraction of the month."""
    m = np.asarray(m)
    dim = days_in_month(m)
    u = rng.uniform(lo, hi, size=m.shape)
    off = np.minimum((u * dim).astype(np.int64), dim - 1)
    return month_start(m) + off.astype("timedelta64[D]")


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = int((CAL_END - CAL_START).astype(np.int64)) + 1
    start = dt.date(2018, 1, 1)
    work = np.array([chinese_calendar.is_workday(start + dt.timedelta(days=i)) for i in range(n)], dtype=bool)
    # cum[i] = working days on or before day i
    cum = np.cumsum(work).astype(np.int64)
    workdays = np.flatnonzero(work).astype(np.int64)
    return work, cum, workdays


def _offset(d: np.ndarray) -> np.ndarray:
    off = (np.asarray(d, dtype="datetime64[D]") - CAL_START).astype(np.int64)
    if off.size and (off.min() < 0 or off.max() > int((CAL_END - CAL_START).astype(np.int64))):
        raise ValueError("date outside the working-day table")
    return off


def next_workday(d: np.ndarray) -> np.ndarray:
    """d itself when a working day, else the next working day."""
    _, cum, workdays = _tables()
    off = _offset(d)
    # index of the first working day >= d is the count of working days before d
    k = cum[off] - _tables()[0][off]
    return CAL_START + workdays[k].astype("timedelta64[D]")


def add_workdays(d: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """The k-th working day after d (k >= 1): exactly k working days w with d < w."""
    _, cum, workdays = _tables()
    off = _offset(d)
    idx = cum[off] + np.asarray(k, dtype=np.int64) - 1
    return CAL_START + workdays[idx].astype("timedelta64[D]")


def workdays_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Working days w with a < w <= b (METRICS.md processing time)."""
    _, cum, _ = _tables()
    return cum[_offset(b)] - cum[_offset(a)]
