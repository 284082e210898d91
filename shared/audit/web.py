"""Every service's requests into the audit log (shared.audit): each accepted change (a
write method answered below 400), each login, and each request that showed unmasked
personal data (views call ``personal_data_shown``)."""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context, request, session

from shared.audit import AuditLog, audit_db_name
from shared.audit.anchors import AnchorPublisher, audit_key

log = logging.getLogger(__name__)
SAFE = ("GET", "HEAD", "OPTIONS")


def personal_data_shown(kind: str, subject: str) -> None:
    """Note that this request shows unmasked personal data (``kind``) of ``subject``."""
    if has_request_context():
        g.setdefault("audit_personal", []).append({"kind": kind, "subject": subject})


def init_audit(app: Flask) -> None:
    settings = app.extensions["settings"]
    app.extensions["audit_log"] = AuditLog(app.extensions["mongo"][audit_db_name(settings.db_prefix)],
                                           audit_key(settings), anchors=AnchorPublisher(settings))

    @app.after_request
    def _record(response):
        try:
            _entries(response)
        except Exception:   # noqa: BLE001 — the answer is already decided; say so loudly
            log.exception("audit log append failed", extra={"path": request.path})
        return response


def _entries(response) -> None:
    audit: AuditLog = current_app.extensions["audit_log"]
    service = current_app.config["SERVICE"]
    status = response.status_code
    if request.endpoint == "auth.login":
        if request.method == "POST" and status < 400:
            audit.record(session.get("user"), service, "login", {"address": request.remote_addr})
        return
    principal = g.get("principal")
    who = principal.username if principal else None
    what = {"method": request.method, "path": request.path, "status": status}
    if request.method not in SAFE and status < 400 and not _read_only_view():
        audit.record(who, service, "logout" if request.endpoint == "auth.logout" else "change",
                     {**what, "endpoint": request.endpoint, **({"args": _view_args()} if request.view_args else {})})
    shown = g.get("audit_personal")
    if shown and status < 400:
        subjects = sorted({s["subject"] for s in shown})
        audit.record(who, service, "personal_data_shown",
                     {**what, "kinds": sorted({s["kind"] for s in shown}), "subjects": subjects[:500],
                      "count": len(subjects)})


def _read_only_view() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(getattr(view, "view_class", view), "read_only", False))


def _view_args() -> dict:
    return {k: str(v)[:200] for k, v in (request.view_args or {}).items()}
