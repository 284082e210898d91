"""Pages of partners: the list (with the endpoints needing action), register and edit a
partner, a partner's page (its endpoints, add one, reports received), 'dealt with'."""
from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.programs.forms import form_page, page_number, submit
from services.webhooks.api import schemas as s
from services.webhooks.api.common import gate, webhooks
from services.webhooks.domain.reports import REPORT_KINDS
from services.webhooks.ui.blueprint import PER_PAGE, bp, or_404, refused, split


@bp.get("/")
@require(READ)
def index():
    principal = gate()
    page = page_number()
    items, total = webhooks().partners.list_partners((page - 1) * PER_PAGE, PER_PAGE)
    return render_template("webhooks/partners.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           needing=webhooks().partners.needing_action(), principal=principal)


def _partner() -> dict:
    payload = {k: request.form.get(k, "").strip() for k in ("name", "kind", "contact")}
    payload.update(programs=request.form.getlist("programs"), areas=split("areas"))
    return payload


@bp.route("/partners/new", methods=["GET", "POST"])
@require(WRITE)
def new_partner():
    principal = gate(WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = _partner()
        if request.form.get("platform"):
            payload["platform"] = request.form["platform"]
        partner, errors = submit(s.PartnerCreateSchema, payload, webhooks().create_partner, principal=principal,
                                 refusal=refused)
        if not errors:
            flash(_("Partner %(name)s registered.", name=partner["name"]))
            return redirect(url_for("webhooks_ui.partner", partner_id=partner["_id"]))
    return form_page("webhooks/partner_form.html", errors, values=values, kinds=s.KINDS, programs=s.VISIBLE_PROGRAMS,
                     platforms=s.PLATFORMS)


@bp.route("/partners/<partner_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_partner(partner_id):
    principal = gate(WRITE)
    record = or_404(webhooks().partners.partner(partner_id))
    errors, values = {}, request.form
    if request.method == "POST":
        payload = {**_partner(), "platform": request.form.get("platform") or None}
        _saved, errors = submit(s.PartnerEditSchema, payload, lambda fields, _by: webhooks().edit_partner(record, fields),
                                principal=principal, refusal=refused)
        if not errors:
            flash(_("Partner saved."))
            return redirect(url_for("webhooks_ui.partner", partner_id=partner_id))
    else:
        values = _FormValues({**record, "areas": ", ".join(record.get("areas") or [])})
    return form_page("webhooks/partner_form.html", errors, values=values, kinds=s.KINDS, editing=record,
                     programs=s.VISIBLE_PROGRAMS, platforms=s.PLATFORMS)


class _FormValues(dict):
    """A stored record shown in a form: ``getlist`` like the submitted form's."""

    def getlist(self, name):
        value = self.get(name) or []
        return value if isinstance(value, list) else [value]


def _partner_page(partner_id: str, errors=None, values=None):
    principal = gate()
    partner = or_404(webhooks().partners.partner(partner_id))
    endpoints = webhooks().partners.endpoints_of(partner_id)
    return form_page("webhooks/partner.html", errors or {}, p=partner, endpoints=endpoints, values=values or {},
                     principal=principal, programs=s.VISIBLE_PROGRAMS,
                     reports=webhooks().inbox.for_partner(partner_id, 20), kinds=REPORT_KINDS)


@bp.get("/partners/<partner_id>")
@require(READ)
def partner(partner_id):
    return _partner_page(partner_id)


@bp.post("/partners/<partner_id>/action-done")
@require(WRITE)
def action_done(partner_id):
    gate(WRITE)
    webhooks().edit_partner(or_404(webhooks().partners.partner(partner_id)), {"action_done": True})
    flash(_("Marked as dealt with."))
    return redirect(url_for("webhooks_ui.partner", partner_id=partner_id))


@bp.post("/partners/<partner_id>/endpoints")
@require(WRITE)
def new_endpoint(partner_id):
    principal = gate(WRITE)
    partner_doc = or_404(webhooks().partners.partner(partner_id))
    payload = {"url": request.form.get("url", "").strip(), "description": request.form.get("description", "").strip(),
               "event_types": split("event_types"), "programs": request.form.getlist("programs"),
               "areas": split("areas")}
    endpoint, errors = submit(s.EndpointCreateSchema, payload, partial(webhooks().create_endpoint, partner_doc),
                              principal=principal, refusal=refused)
    if errors:
        return _partner_page(partner_id, errors, request.form)
    flash(_("Endpoint added."))
    return redirect(url_for("webhooks_ui.endpoint", endpoint_id=endpoint["_id"]))
