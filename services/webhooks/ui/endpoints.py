"""Pages of an endpoint: its page (secrets, the delivery log), edit, test event, secret
rotation, switch off / on, replay of a time range."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.programs.forms import form_page, page_number, submit, validate
from shared.programs.refused import Refused
from shared.web.forms import refusal_said
from services.webhooks.api import schemas as s
from services.webhooks.api.common import gate, webhooks
from services.webhooks.ui.blueprint import PER_PAGE, bp, or_404, refused, split


@bp.get("/endpoints/<endpoint_id>")
@require(READ)
def endpoint(endpoint_id):
    return _endpoint_page(endpoint_id)


@bp.post("/endpoints/<endpoint_id>/edit")
@require(WRITE)
def edit_endpoint(endpoint_id):
    principal = gate(WRITE)
    e = or_404(webhooks().partners.endpoint(endpoint_id))
    payload = {"url": request.form.get("url", "").strip(), "event_types": split("event_types"),
               "areas": split("areas")}
    _saved, errors = submit(s.EndpointEditSchema, payload, lambda fields, _by: webhooks().edit_endpoint(e, fields),
                            principal=principal, refusal=refused)
    if errors:
        return _endpoint_page(endpoint_id, errors, request.form)
    flash(_("Endpoint saved."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


def _endpoint_page(endpoint_id: str, errors=None, values=None):
    principal = gate()
    e = or_404(webhooks().partners.endpoint(endpoint_id))
    page = page_number()
    status = request.args.get("status") or None
    items, total = webhooks().deliveries.for_endpoint(endpoint_id, status, (page - 1) * PER_PAGE, PER_PAGE)
    now = datetime.now(timezone.utc)
    return form_page("webhooks/endpoint.html", errors or {}, e=e, p=webhooks().partners.partner(e["partner_id"]),
                     items=items, total=total, page=page, per_page=PER_PAGE, principal=principal,
                     waiting=webhooks().deliveries.waiting(endpoint_id), status=status or "",
                     valid_secrets=[x for x in e["secrets"] if not x.get("expires_at") or x["expires_at"] > now],
                     values=values or {"url": e["url"], "event_types": ", ".join(e["event_types"]),
                                       "areas": ", ".join(e["areas"])})


@bp.post("/endpoints/<endpoint_id>/test")
@require(WRITE)
def test_event(endpoint_id):
    gate(WRITE)
    webhooks().send_test(or_404(webhooks().partners.endpoint(endpoint_id)))
    flash(_("Test event queued; it appears in the delivery log below."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


@bp.post("/endpoints/<endpoint_id>/rotate")
@require(WRITE)
def rotate(endpoint_id):
    gate(WRITE)
    webhooks().rotate(or_404(webhooks().partners.endpoint(endpoint_id)))
    flash(_("New secret made; the old one keeps signing until the overlap ends."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


@bp.post("/endpoints/<endpoint_id>/status")
@require(WRITE)
def set_status(endpoint_id):
    gate(WRITE)
    wanted = request.form.get("status")
    if wanted not in s.STATUSES:
        abort(400)
    try:
        webhooks().edit_endpoint(or_404(webhooks().partners.endpoint(endpoint_id)), {"status": wanted})
    except Refused as exc:
        flash(" ".join([refusal_said(exc), *refused(exc).values()]))
    else:
        flash(_("Endpoint switched on.") if wanted == "active" else _("Endpoint switched off."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


@bp.post("/endpoints/<endpoint_id>/replay")
@require(WRITE)
def replay_range(endpoint_id):
    gate(WRITE)
    e = or_404(webhooks().partners.endpoint(endpoint_id))
    fields, errors = validate(s.ReplayRangeSchema, {"from": _aware(request.form.get("from")),
                                                   "to": _aware(request.form.get("to"))})
    if errors:
        flash(_("Give a valid time range.") + " " + " ".join(errors.values()))
    else:
        n = len(webhooks().replay_range(e, fields["start"], fields["end"]))
        flash(_("%(n)s deliveries queued again.", n=n))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


def _aware(value: str | None) -> str:
    """A datetime-local input (no zone) read as UTC."""
    value = (value or "").strip()
    return value + ":00+00:00" if len(value) == 16 else value
