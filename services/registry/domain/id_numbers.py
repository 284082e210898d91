"""Resident identity card numbers (GB 11643-1999): check digit and masking. Pure logic."""
from __future__ import annotations

import re

from shared.messages import N_

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FORMAT = re.compile(r"^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$")


def normalise(number: str) -> str:
    return number.strip().upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def problem(number: str) -> str | None:
    """None if valid, else what is wrong (for a field error)."""
    number = normalise(number)
    if not _FORMAT.match(number):
        return N_("Not an 18-character ID number (6-digit area, birth date, sequence, check digit).")
    if check_digit(number[:17]) != number[17]:
        return N_("The check digit does not match.")
    return None


def mask(number: str) -> str:
    """'620102198003150012' → '620102********0012': area and last four only."""
    number = normalise(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def birth_year(number: str) -> int:
    return int(normalise(number)[6:10])
