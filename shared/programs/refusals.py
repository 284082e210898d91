"""Turning a refused command into the API's one error shape, naming the field at fault."""
from __future__ import annotations

from contextlib import contextmanager

from flask_smorest import abort

from shared.programs.refused import Refused


@contextmanager
def refusals():
    try:
        yield
    except Refused as exc:
        abort(exc.status, message=exc.message, errors={"json": exc.errors})
