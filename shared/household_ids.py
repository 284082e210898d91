"""Household ids: 'H' + 6-digit county code + 10 random Crockford base32 characters.

The county is readable from the id (so a program can check a county operator's scope
without asking the registry), the rest cannot be guessed or enumerated from outside."""
from __future__ import annotations

import secrets

PATTERN = r"^H[0-9]{6}[0-9A-HJKMNP-TV-Z]{10}$"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_household_id(county_code: str) -> str:
    if len(county_code) != 6 or not county_code.isdigit():
        raise ValueError("county code must be 6 digits")
    return "H" + county_code + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def county_of(household_id: str) -> str:
    return household_id[1:7]
