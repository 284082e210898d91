"""One JSON error format for every API error:

    {"code": 422, "status": "Unprocessable Entity", "message": "...",
     "errors": {"json": {"field": ["problem", ...]}}}

flask-smorest already answers validation errors this way; everything else (401, 403, 404,
409, 413, store down → 503) is made to look the same. UI pages get an HTML page instead.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from pymongo.errors import AutoReconnect, ConnectionFailure, ServerSelectionTimeoutError
from werkzeug.exceptions import HTTPException, default_exceptions

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, message: str, errors: dict | None = None, extra: dict | None = None):
    status = default_exceptions[code]().name if code in default_exceptions else "Error"
    if wants_json():
        body = {**(extra or {}), "code": code, "status": status, "message": message}
        if errors:
            body["errors"] = _string_keys(errors)
        return jsonify(body), code
    return render_template("error.html", code=code, status=status, message=message, errors=errors or {}), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        data = getattr(exc, "data", None) or {}
        message = data.get("message") or exc.description or exc.name
        # Extra fields a view passed to abort() (e.g. where a duplicate already is); not
        # webargs' internals such as the schema object.
        extra = {k: v for k, v in data.items() if k not in ("message", "messages", "errors", "headers", "code", "status")
                 and isinstance(v, (str, int, float, bool))}
        return error_response(exc.code or 500, message, data.get("messages") or data.get("errors"), extra)

    @app.errorhandler(ServerSelectionTimeoutError)
    @app.errorhandler(AutoReconnect)
    @app.errorhandler(ConnectionFailure)
    def _store_down(exc):
        log.error("store unavailable", extra={"error": str(exc)})
        return error_response(503, "The store is unavailable; nothing was written. Try again shortly.")


def _string_keys(value):
    """marshmallow names list items by index (int keys): JSON wants strings, sorted."""
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value
