"""What the relocation resources and pages share: the service object and a case authorized
for its county; refusals take the API's one error shape through shared/programs/refusals.py."""
from __future__ import annotations

from flask import current_app

from shared.auth.web import authorize
from shared.programs.refusals import refusals


def relocation():
    """The service layer (services/relocation/service.py), built in app.py."""
    return current_app.extensions["relocation"]


def case_for(action: str, case_id: str) -> tuple[dict, object]:
    """The case and who acts on it, authorized for its county (404 first: nothing to hide
    about a case id that does not exist)."""
    with refusals():
        case = relocation().cases.require(case_id)
    return case, authorize(action, county=case["county_code"])
