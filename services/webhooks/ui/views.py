"""Pages for the central office (auditors read): partners, endpoints, delivery logs, replays,
test events and secret rotation."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.web.forms import form_errors
from shared.programs.refused import Refused
from services.webhooks.api import schemas as s
from services.webhooks.api.common import gate, webhooks
from services.webhooks.domain.reports import REPORT_KINDS

bp = Blueprint("webhooks_ui", __name__)
PER_PAGE = 25


def _split(name: str) -> list[str]:
    return [v.strip() for v in request.form.get(name, "").replace("\n", ",").split(",") if v.strip()]


def _load(schema, payload: dict):
    try:
        return schema.load(payload), {}
    except ValidationError as exc:
        return None, form_errors(exc.messages)


def _or_404(record):
    if record is None:
        abort(404)
    return record


@bp.get("/")
@require(READ)
def index():
    principal = gate()
    page = max(1, request.args.get("page", 1, type=int))
    items, total = webhooks().partners.list_partners((page - 1) * PER_PAGE, PER_PAGE)
    return render_template("webhooks/partners.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           needing=webhooks().partners.needing_action(), principal=principal)


@bp.route("/partners/new", methods=["GET", "POST"])
@require(WRITE)
def new_partner():
    principal = gate(WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = {k: request.form.get(k, "").strip() for k in ("name", "kind", "contact")}
        payload.update(programs=request.form.getlist("programs"), areas=_split("areas"))
        if request.form.get("platform"):
            payload["platform"] = request.form["platform"]
        fields, errors = _load(s.PartnerCreateSchema(), payload)
        if fields:
            partner = webhooks().create_partner(fields, principal.username)
            flash(_("Partner %(name)s registered.", name=partner["name"]))
            return redirect(url_for("webhooks_ui.partner", partner_id=partner["_id"]))
    return render_template("webhooks/partner_form.html", errors=errors, values=values, kinds=s.KINDS,
                           programs=s.VISIBLE_PROGRAMS, platforms=s.PLATFORMS), 422 if errors else 200


@bp.route("/partners/<partner_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_partner(partner_id):
    gate(WRITE)
    record = _or_404(webhooks().partners.partner(partner_id))
    errors, values = {}, request.form
    if request.method == "POST":
        payload = {k: request.form.get(k, "").strip() for k in ("name", "kind", "contact")}
        payload.update(programs=request.form.getlist("programs"), areas=_split("areas"),
                       platform=request.form.get("platform") or None)
        fields, errors = _load(s.PartnerEditSchema(), payload)
        if fields:
            webhooks().edit_partner(record, fields)
            flash(_("Partner saved."))
            return redirect(url_for("webhooks_ui.partner", partner_id=partner_id))
    else:
        values = _FormValues({**record, "areas": ", ".join(record.get("areas") or [])})
    return render_template("webhooks/partner_form.html", errors=errors, values=values, kinds=s.KINDS, editing=record,
                           programs=s.VISIBLE_PROGRAMS, platforms=s.PLATFORMS), 422 if errors else 200


class _FormValues(dict):
    """A stored record shown in a form: ``getlist`` like the submitted form's."""

    def getlist(self, name):
        value = self.get(name) or []
        return value if isinstance(value, list) else [value]


def _partner_page(partner_id: str, errors=None, values=None, status=200):
    principal = gate()
    partner = _or_404(webhooks().partners.partner(partner_id))
    endpoints = webhooks().partners.endpoints_of(partner_id)
    return render_template("webhooks/partner.html", p=partner, endpoints=endpoints, errors=errors or {},
                           values=values or {}, principal=principal, programs=s.VISIBLE_PROGRAMS,
                           reports=webhooks().inbox.for_partner(partner_id, 20), kinds=REPORT_KINDS), status


@bp.get("/partners/<partner_id>")
@require(READ)
def partner(partner_id):
    return _partner_page(partner_id)


@bp.post("/partners/<partner_id>/action-done")
@require(WRITE)
def action_done(partner_id):
    gate(WRITE)
    webhooks().edit_partner(_or_404(webhooks().partners.partner(partner_id)), {"action_done": True})
    flash(_("Marked as dealt with."))
    return redirect(url_for("webhooks_ui.partner", partner_id=partner_id))


@bp.post("/partners/<partner_id>/endpoints")
@require(WRITE)
def new_endpoint(partner_id):
    principal = gate(WRITE)
    partner_doc = _or_404(webhooks().partners.partner(partner_id))
    payload = {"url": request.form.get("url", "").strip(), "description": request.form.get("description", "").strip(),
               "event_types": _split("event_types"), "programs": request.form.getlist("programs"),
               "areas": _split("areas")}
    fields, errors = _load(s.EndpointCreateSchema(), payload)
    if fields:
        try:
            endpoint = webhooks().create_endpoint(partner_doc, fields, principal.username)
        except Refused as exc:
            errors = form_errors(exc.errors.get("json", {}))
        else:
            flash(_("Endpoint added."))
            return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint["_id"]))
    return _partner_page(partner_id, errors, request.form, 422)


@bp.get("/endpoints/<endpoint_id>")
@require(READ)
def endpoint(endpoint_id):
    return _endpoint_page(endpoint_id)


@bp.post("/endpoints/<endpoint_id>/edit")
@require(WRITE)
def edit_endpoint(endpoint_id):
    gate(WRITE)
    e = _or_404(webhooks().partners.endpoint(endpoint_id))
    payload = {"url": request.form.get("url", "").strip(), "event_types": _split("event_types"),
               "areas": _split("areas")}
    fields, errors = _load(s.EndpointEditSchema(), payload)
    if fields:
        try:
            webhooks().edit_endpoint(e, fields)
        except Refused as exc:
            errors = form_errors(exc.errors.get("json", {}))
        else:
            flash(_("Endpoint saved."))
            return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))
    return _endpoint_page(endpoint_id, errors, request.form, 422)


def _endpoint_page(endpoint_id: str, errors=None, values=None, code: int = 200):
    principal = gate()
    e = _or_404(webhooks().partners.endpoint(endpoint_id))
    page = max(1, request.args.get("page", 1, type=int))
    status = request.args.get("status") or None
    items, total = webhooks().deliveries.for_endpoint(endpoint_id, status, (page - 1) * PER_PAGE, PER_PAGE)
    now = datetime.now(timezone.utc)
    return render_template("webhooks/endpoint.html", e=e, p=webhooks().partners.partner(e["partner_id"]),
                           items=items, total=total, page=page, per_page=PER_PAGE, principal=principal,
                           waiting=webhooks().deliveries.waiting(endpoint_id), status=status or "",
                           valid_secrets=[x for x in e["secrets"] if not x.get("expires_at") or x["expires_at"] > now],
                           errors=errors or {}, values=values or {"url": e["url"], "event_types": ", ".join(e["event_types"]),
                                                                  "areas": ", ".join(e["areas"])}), code


@bp.post("/endpoints/<endpoint_id>/test")
@require(WRITE)
def test_event(endpoint_id):
    gate(WRITE)
    webhooks().send_test(_or_404(webhooks().partners.endpoint(endpoint_id)))
    flash(_("Test event queued; it appears in the delivery log below."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


@bp.post("/endpoints/<endpoint_id>/rotate")
@require(WRITE)
def rotate(endpoint_id):
    gate(WRITE)
    webhooks().rotate(_or_404(webhooks().partners.endpoint(endpoint_id)))
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
        webhooks().edit_endpoint(_or_404(webhooks().partners.endpoint(endpoint_id)), {"status": wanted})
    except Refused as exc:
        flash(exc.message + " " + " ".join(" ".join(v) for v in exc.errors.get("json", {}).values()))
    else:
        flash(_("Endpoint switched on.") if wanted == "active" else _("Endpoint switched off."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint_id))


@bp.post("/endpoints/<endpoint_id>/replay")
@require(WRITE)
def replay_range(endpoint_id):
    gate(WRITE)
    e = _or_404(webhooks().partners.endpoint(endpoint_id))
    fields, errors = _load(s.ReplayRangeSchema(), {"from": _aware(request.form.get("from")),
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


@bp.get("/deliveries/<path:delivery_id>")
@require(READ)
def delivery(delivery_id):
    gate()
    d = _or_404(webhooks().deliveries.get(delivery_id))
    return render_template("webhooks/delivery.html", d=d)


@bp.post("/deliveries/<path:delivery_id>/replay")
@require(WRITE)
def replay(delivery_id):
    gate(WRITE)
    d = _or_404(webhooks().deliveries.get(delivery_id))
    webhooks().replay(d)
    flash(_("Delivery queued again."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=d["endpoint_id"]))
