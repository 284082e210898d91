"""How a household file is shown to a given person: ID numbers masked unless the role
needs them (central office and the county operators of that county)."""
from __future__ import annotations

import copy

from shared.audit.web import personal_data_shown
from shared.auth.roles import CENTRAL, COUNTY_OPERATOR

SEES_ID_NUMBERS = (CENTRAL, COUNTY_OPERATOR)


def present(household: dict, principal, protection) -> dict:
    shown = copy.deepcopy(household)
    reveal = principal.role in SEES_ID_NUMBERS
    revealed = False
    for member in shown.get("members", []):
        cipher = member.pop("id_cipher", None)
        member.pop("id_hash", None)
        masked = member.pop("id_masked", None)
        if masked:
            clear = protection.reveal(cipher) if reveal and cipher else None
            member["id_number"] = clear or masked
            revealed = revealed or bool(clear)
    if revealed:
        personal_data_shown("id_number", str(shown.get("_id") or shown.get("id") or "?"))
    return shown
