"""Turning a refused command into the API's one error shape, naming the field at fault, with
the refusal's own status (409 a conflict with what is stored, 422 bad input, 404 missing)."""
from __future__ import annotations

from contextlib import contextmanager

from flask_smorest import abort

from shared.programs.refused import Refused


def abort_refused(exc: Refused):
    abort(exc.status, message=exc.message, errors={"json": exc.errors})


@contextmanager
def refusals(answer=abort_refused):
    """``with refusals():`` around a service call. ``answer`` shapes the refusal where a service's
    API has its own body (webhooks: a reason code; e-commerce: a message alone when no field
    is named)."""
    try:
        yield
    except Refused as exc:
        answer(exc)
