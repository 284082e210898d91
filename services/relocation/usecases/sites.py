"""Creating resettlement sites."""
from __future__ import annotations

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from services.relocation.usecases.context import ext


def create(fields: dict) -> dict:
    principal = authorize(WRITE, county=fields["village_code"][:6])
    return ext("sites").create(fields, principal.username)
