"""Registry pages: household list, the new-file form, a household's file with its exit
workflow, change requests and history, the change-request queue and the warnings list.
Forms validate with the API's schemas and call the same service (services/registry/service.py)."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import APPROVE, READ, WRITE
from shared.messages import N_
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.programs.refused import Refused
from shared.web.forms import (errors_in_a_sentence, form_errors, int_or_text, refusal_errors, refusal_in_a_sentence,
                              yuan_to_fen)
from shared.web.messages import say, say_all
from shared.web.redirects import same_site

from services.registry.api.common import registry, shown
from services.registry.api.schemas import PAYLOAD_SCHEMAS, HouseholdCreateSchema
from services.registry.domain.exit_rules import GUARANTEES, PROPOSING_STEPS, SEPARATION_OF_DUTIES, STATUSES
from services.registry.ui.warning_views import step_rights
from services.registry.domain.households import CAUSES, EDUCATION, HEALTH, LABOUR, RELATIONS, SEXES

bp = Blueprint("registry_ui", __name__)
MEMBER_ROWS = 5
PER_PAGE = 50


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    q = request.args.get("q", "").strip()[:50] or None
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    area = request.args.get("area", "")
    area = area if area.isdigit() and len(area) in (6, 9, 12) else None
    page = max(1, request.args.get("page", 1, type=int))
    items, total = registry().search(principal.county_filter, q, area, status, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("registry/index.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           q=q or "", status=status or "", statuses=STATUSES, area=area or "")


def _form_to_payload(form) -> dict:
    members = []
    for i in range(MEMBER_ROWS):
        name = form.get(f"members-{i}-name", "").strip()
        if not name:
            continue
        member = {"name": name, "birth_year": int_or_text(form.get(f"members-{i}-birth_year", ""))}
        for key in ("relation", "sex", "health", "labour"):
            member[key] = form.get(f"members-{i}-{key}", "")
        if form.get(f"members-{i}-id_number", "").strip():
            member["id_number"] = form.get(f"members-{i}-id_number").strip()
        members.append(member)
    payload = {k: form.get(k, "").strip() for k in ("village_code", "township", "village", "main_cause")}
    payload["members"] = members
    payload["guarantees"] = {g: form.get(f"guarantee-{g}") == "on" for g in GUARANTEES}
    income = yuan_to_fen(form.get("income_per_capita_yuan", ""))
    if income is not None:
        payload["income_per_capita_fen"] = income
    if form.get("cadre_name", "").strip():
        payload["cadre"] = {"name": form["cadre_name"].strip(), "phone": form.get("cadre_phone", "").strip()}
    return payload


@bp.route("/households/new", methods=["GET", "POST"])
@require(WRITE)
def new_household():
    errors, values = {}, request.form
    if request.method == "POST":
        try:
            fields = HouseholdCreateSchema().load(_form_to_payload(request.form))
        except ValidationError as exc:
            errors = form_errors(exc.messages)
        else:
            principal = authorize(WRITE, county=fields["village_code"][:6])
            try:
                household = registry().create_household(fields, principal.username)
            except Refused as exc:   # the area not official, a member on file elsewhere
                errors = refusal_errors(exc)
            else:
                return redirect(url_for("registry_ui.household", household_id=household["_id"]))
    return render_template("registry/new.html", errors=errors, values=values, causes=CAUSES, relations=RELATIONS,
                           sexes=SEXES, health=HEALTH, labour=LABOUR, education=EDUCATION, guarantees=GUARANTEES,
                           member_rows=MEMBER_ROWS), 422 if errors else 200


def household_file(household_id, action=READ):
    """Who acts and the file (None when there is none); the county is in the id: 403 first."""
    principal = authorize(action, county=county_of(household_id))
    doc = registry().households.get(household_id)
    return principal, doc


@bp.get("/households/<household_id>")
@require(READ)
def household(household_id):
    principal, doc = household_file(household_id)
    if doc is None:
        return render_template("error.html", code=404, status="Not Found", message=_("No such household."),
                               errors={}), 404
    as_of = None
    if request.args.get("as_of"):
        try:
            day = date.fromisoformat(request.args["as_of"])
            as_of = shown(registry().as_of(household_id, day), principal)
        except Refused:   # no file on that day
            as_of = None
        except ValueError:
            flash(_("Not a date: %(d)s", d=request.args["as_of"]))
    assessment = registry().exit_assessment(doc)
    timeline = registry().timeline(household_id)
    return render_template(
        "registry/household.html", h=shown(doc, principal), as_of=as_of,
        timeline=timeline,
        warnings=[current_app.extensions["warning_desk"].shown(w) for w in doc["warnings"]],
        measure_choices=[e for e in timeline if e.get("program") != "registry"],
        objections=current_app.extensions["public_notices"].objections.of(household_id),
        **step_rights(principal, doc["county_code"]),
        requests=registry().list_change_requests({}, None, household_id, 50),
        problems=assessment["problems"], poverty_line_fen=assessment["poverty_line_fen"], year=assessment["year"],
        recorded=assessment,
        steps=assessment["possible_steps"], proposing_steps=PROPOSING_STEPS,
        can_write=principal.can(WRITE, "registry", doc["county_code"]),
        can_approve=principal.can(APPROVE, "registry", doc["county_code"]),
        health=HEALTH, kinds=("edit_fields", "edit_member", "remove_member", "change_head", "move_area",
                              "remove_household"))


@bp.post("/households/<household_id>/steps")
@require(WRITE)
def take_step(household_id):
    step = request.form.get("step", "")
    reason = request.form.get("reason", "").strip()
    principal, doc = household_file(household_id, WRITE if step in PROPOSING_STEPS else APPROVE)
    if doc is None:   # an unknown id was a 500
        abort(404)
    try:
        registry().exit_step(doc, step, reason, principal.username, principal.is_central)
    except Refused as exc:
        if "step" in exc.errors:      # not eligible
            flash(_("Cannot propose the exit: %(p)s", p=say_all(exc.said)))
        elif "reason" in exc.errors:
            flash(_("A reason is required for this step."))
        elif exc.reason == SEPARATION_OF_DUTIES:
            flash(_("Another person must take this step: who proposed an exit may not check it, who proposed or "
                    "checked it may not approve it (the central office may, giving a reason)."))
        else:
            flash(say(exc.said))
    else:
        flash(_("Done: %(step)s.", step=_(step)))
    return redirect(url_for("registry_ui.household", household_id=household_id))


def _change_payload(kind: str, form) -> dict:
    if kind == "edit_fields":
        fields = {}
        if form.get("income_per_capita_yuan", "").strip():
            fields["income_per_capita_fen"] = yuan_to_fen(form["income_per_capita_yuan"])
        fields["guarantees"] = {g: form.get(f"guarantee-{g}") == "on" for g in GUARANTEES}
        return {"fields": fields}
    if kind == "edit_member":
        return {"member_id": form.get("member_id", ""), "fields": {"health": form.get("health", "")}}
    if kind in ("remove_member", "change_head"):
        return {"member_id": form.get("member_id", "")}
    if kind == "move_area":
        return {k: form.get(k, "").strip() for k in ("village_code", "township", "village")}
    if kind == "remove_household":
        return {"reason": form.get("reason", "").strip()}
    return {}


# The change-request form's fields by the labels the form shows them with (a guarantee: its name).
CHANGE_FORM_LABELS = {"reason": N_("Reason"), "kind": N_("Kind of change"), "member_id": N_("Member"),
                      "health": N_("Health"), "income_per_capita_fen": N_("Per-capita net income (yuan/year)"),
                      "village_code": N_("New village code"), "township": N_("New township"),
                      "village": N_("New village")}


@bp.post("/households/<household_id>/change-requests")
@require(WRITE)
def propose_change(household_id):
    principal, doc = household_file(household_id, WRITE)
    if doc is None:   # an unknown id was a 500
        abort(404)
    kind = request.form.get("kind", "")
    reason = request.form.get("reason", "").strip()
    try:
        if kind not in PAYLOAD_SCHEMAS or not reason:
            raise ValidationError({"reason": [_("A kind of change and a reason are required.")]})
        payload = PAYLOAD_SCHEMAS[kind]().load(_change_payload(kind, request.form))
        if kind == "move_area":
            authorize(WRITE, county=payload["village_code"][:6])
        registry().propose_change(doc, kind, payload, reason, principal.username)
    except ValidationError as exc:
        flash(_("The change request was not saved: %(e)s",
                e=errors_in_a_sentence(form_errors(exc.messages), CHANGE_FORM_LABELS)))
    except Refused as exc:
        flash(_("The change request was not saved: %(e)s", e=refusal_in_a_sentence(exc, CHANGE_FORM_LABELS)))
    else:
        flash(_("Change proposed; a county operator will decide."))
    return redirect(url_for("registry_ui.household", household_id=household_id))


@bp.get("/change-requests")
@require(READ)
def change_requests():
    principal = authorize(READ)
    status = request.args.get("status", "proposed")
    return render_template("registry/change_requests.html", status=status,
                           requests=registry().list_change_requests(principal.county_filter, status or None, None))


@bp.post("/change-requests/<request_id>/decision")
@require(WRITE)
def decide_change(request_id):
    request_doc = registry().change_requests.get(request_id)
    if request_doc is None:   # an unknown id was a 500 (found by the access matrix test)
        abort(404)
    principal = authorize(APPROVE, county=request_doc["county_code"])
    decision, note = request.form.get("decision"), request.form.get("note", "")
    if request_doc["status"] != "proposed" or decision not in ("approve", "reject"):
        flash(_("Nothing to decide."))
    else:
        try:
            registry().decide(request_doc, decision, note, principal.username, principal.is_central)
        except Refused as exc:
            flash(_("Who proposed a change may not approve it; another person must (the central office may, with "
                    "a note).") if exc.reason == SEPARATION_OF_DUTIES else say(exc.said))
        else:
            flash(_("Change approved and applied.") if decision == "approve" else _("Change rejected."))
    return redirect(same_site(request.form.get("next"), url_for("registry_ui.change_requests")))
