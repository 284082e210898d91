"""What the webhooks resources share: the service object, who may see partners, 404s and
refusals in the API's one error shape (with a ``reason`` code)."""
from __future__ import annotations

from flask import current_app
from flask_smorest import abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.programs.refused import Refused

def webhooks():
    return current_app.extensions["webhooks"]


def gate(action: str = READ):
    """Partners and their traffic are the central office's business: it writes, auditors read
    (shared/auth/roles.py, CENTRAL_OFFICE_SERVICES)."""
    return authorize(action)


def can_write(principal) -> bool:
    return principal is not None and principal.can(WRITE, "webhooks")


def refused(exc: Refused):
    """The refusal with its reason code; ``errors`` only when it names fields (as given: the
    program's field errors, or keyed by location for our own validation)."""
    abort(exc.status, message=exc.message, reason=exc.reason, **({"errors": exc.errors} if exc.names_fields else {}))


def found(record: dict | None, what: str, record_id: str) -> dict:
    if record is None:
        abort(404, message=f"no {what} {record_id}")
    return record
