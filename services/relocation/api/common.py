"""What the relocation resources and pages share: the service object and a case authorized
for its county; refusals take the API's one error shape through shared/programs/refusals.py."""
from __future__ import annotations

from flask import current_app

from shared.programs.access import record_for


def relocation():
    """The service layer (services/relocation/service.py), built in app.py."""
    return current_app.extensions["relocation"]


def case_for(action: str, case_id: str) -> tuple[dict, object]:
    """The case and who acts on it, authorized for its county (shared/programs/access.py)."""
    return record_for(action, relocation().cases.require, case_id)
