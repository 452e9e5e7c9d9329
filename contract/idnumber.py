"""Resident ID numbers (GB 11643-1999): the check character and the embedded birth date.

The loader checks ID numbers in SQL (`sql_check_digit`) so that a million-person roll is validated in
one vectorised pass; the Python functions are the same rule for tests, fixtures and printed output.
Masking ID numbers is not here: it has one definition, contract/masking.sql.
"""
from __future__ import annotations

import datetime as dt

# GB 11643-1999: weight of position i (1-based) is 2**(18-i) mod 11; the check character is
# "10X98765432"[sum mod 11].
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARS = "10X98765432"


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def is_valid(id_number: str) -> bool:
    """True when `id_number` is 18 characters with a correct check character and a real birth date."""
    s = id_number.strip().upper()
    if len(s) != 18 or not s[:17].isdigit() or check_digit(s[:17]) != s[17]:
        return False
    return birth_date(s) is not None


def birth_date(id_number: str) -> dt.date | None:
    """The birth date embedded in an 18-character ID number (positions 7–14), None if not a real date."""
    try:
        return dt.datetime.strptime(id_number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def make(region6: str, born: dt.date, seq3: str) -> str:
    """A well-formed ID number from a region code, birth date and sequence (for fixtures and tests)."""
    first17 = f"{region6}{born:%Y%m%d}{seq3}"
    return first17 + check_digit(first17)


def sql_check_digit(col: str) -> str:
    """SQL expression: the check character due for the 18-character VARCHAR expression `col`.

    Written out as 17 products (no list lambdas) so DuckDB evaluates it column-at-a-time."""
    terms = " + ".join(f"(ascii(substr({col}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr('{CHECK_CHARS}', (({terms}) % 11) + 1, 1)"
