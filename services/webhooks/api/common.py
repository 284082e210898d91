"""What the webhooks resources share: the service object, who may see partners, 404s and
refusals in the API's one error shape with a ``reason`` code.

The refusal mapping is the webhooks' own, not the kit's ``shared.programs.refusals``: that one
leaves ``reason`` out and always answers ``errors: {"json": …}`` (``_schema`` when no field is
named), while a partner's program acts on the reason and gets the program's field errors as
they were given."""
from __future__ import annotations

from functools import partial

from flask import current_app
from flask_smorest import abort

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.programs import refusals as kit
from shared.programs.refused import Refused


def webhooks():
    """The service layer (services/webhooks/service.py), built in app.py."""
    return current_app.extensions["webhooks"]


def gate(action: str = READ):
    """Partners and their traffic are the central office's business: it writes, auditors read
    (shared/auth/roles.py, CENTRAL_OFFICE_SERVICES)."""
    return authorize(action)


def abort_refused(exc: Refused):
    """The refusal with its reason code; ``errors`` only when it names fields (as given: the
    program's field errors, or keyed by location for our own validation)."""
    abort(exc.status, message=exc.message, reason=exc.reason, **({"errors": exc.errors} if exc.names_fields else {}))


# ``with refusals():`` around a service call: the kit's, with the body above.
refusals = partial(kit.refusals, abort_refused)


def found(record: dict | None, what: str, record_id: str) -> dict:
    if record is None:
        abort(404, message=f"no {what} {record_id}")
    return record
