"""Registry pages: household list, the new-file form, a household's file with its exit
workflow, change requests and history, the change-request queue and the warnings list.
Forms validate with the API's schemas and post to the same repository methods."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.auth.roles import APPROVE, READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.web.forms import form_errors, int_or_text, yuan_to_fen
from shared.store import WriteConflict

from services.registry.adapters.persons import DuplicatePerson
from services.registry.api.presenting import present
from services.registry.api.schemas import PAYLOAD_SCHEMAS, HouseholdCreateSchema
from services.registry.domain import change_requests as cr
from services.registry.domain.exit_rules import (GUARANTEES, PROPOSING_STEPS, STATUSES, TRANSITIONS, StepRefused,
                                                 exit_problems, parse_lines, poverty_line_fen, today_utc)
from services.registry.domain.households import CAUSES, EDUCATION, HEALTH, LABOUR, RELATIONS, SEXES

bp = Blueprint("registry_ui", __name__)
MEMBER_ROWS = 5
PER_PAGE = 50


def ext(name):
    return current_app.extensions[name]


@bp.get("/")
@require(READ)
def index():
    principal = authorize(READ)
    q = request.args.get("q", "").strip()[:50] or None
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    area = request.args.get("area", "")
    area = area if area.isdigit() and len(area) in (6, 9, 12) else None
    page = max(1, request.args.get("page", 1, type=int))
    items, total = ext("households").search(principal.county_filter, q, area, status, (page - 1) * PER_PAGE, PER_PAGE)
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
                household = ext("households").create(fields, principal.username)
            except DuplicatePerson as exc:
                errors = {"members": str(exc)}
            else:
                return redirect(url_for("registry_ui.household", household_id=household["_id"]))
    return render_template("registry/new.html", errors=errors, values=values, causes=CAUSES, relations=RELATIONS,
                           sexes=SEXES, health=HEALTH, labour=LABOUR, education=EDUCATION, guarantees=GUARANTEES,
                           member_rows=MEMBER_ROWS), 422 if errors else 200


def _household(household_id):
    principal = authorize(READ, county=county_of(household_id))
    doc = ext("households").get(household_id)
    return principal, doc


@bp.get("/households/<household_id>")
@require(READ)
def household(household_id):
    principal, doc = _household(household_id)
    if doc is None:
        return render_template("error.html", code=404, status="Not Found", message=_("No such household."),
                               errors={}), 404
    as_of = None
    if request.args.get("as_of"):
        try:
            day = date.fromisoformat(request.args["as_of"])
            as_of = ext("households").as_of(household_id, day)
            if as_of:
                as_of = present(as_of, principal, ext("id_protection"))
        except ValueError:
            flash(_("Not a date: %(d)s", d=request.args["as_of"]))
    year = today_utc().year
    lines = parse_lines(ext("settings").poverty_lines) or None
    return render_template(
        "registry/household.html", h=present(doc, principal, ext("id_protection")), as_of=as_of,
        timeline=ext("history").timeline(household_id),
        requests=ext("change_requests").list({}, None, household_id, 50),
        problems=exit_problems(doc["income_per_capita_fen"], doc.get("guarantees") or {}, year, lines),
        poverty_line_fen=poverty_line_fen(year, lines), year=year,
        steps=list(TRANSITIONS.get(doc["status"], {})), proposing_steps=PROPOSING_STEPS,
        can_write=principal.can(WRITE, "registry", doc["county_code"]),
        can_approve=principal.can(APPROVE, "registry", doc["county_code"]),
        health=HEALTH, kinds=("edit_fields", "edit_member", "remove_member", "change_head", "move_area",
                              "remove_household"))


@bp.post("/households/<household_id>/steps")
@require(WRITE)
def take_step(household_id):
    step = request.form.get("step", "")
    reason = request.form.get("reason", "").strip()
    principal = authorize(WRITE if step in PROPOSING_STEPS else APPROVE, county=county_of(household_id))
    doc = ext("households").get(household_id)
    year = today_utc().year
    problems = exit_problems(doc["income_per_capita_fen"], doc.get("guarantees") or {}, year,
                             parse_lines(ext("settings").poverty_lines) or None) if step == "propose_exit" else []
    if problems:
        flash(_("Cannot propose the exit: %(p)s", p="; ".join(problems)))
    elif step in ("object", "reject_exit", "return_to_poverty") and not reason:
        flash(_("A reason is required for this step."))
    else:
        try:
            ext("households").step(household_id, step, principal.username, reason, today_utc(),
                                   ext("settings").exit_notice_days)
            flash(_("Done: %(step)s.", step=_(step)))
        except (StepRefused, WriteConflict) as exc:
            flash(str(exc))
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


@bp.post("/households/<household_id>/change-requests")
@require(WRITE)
def propose_change(household_id):
    principal = authorize(WRITE, county=county_of(household_id))
    kind = request.form.get("kind", "")
    reason = request.form.get("reason", "").strip()
    doc = ext("households").households.find_one({"_id": household_id})
    try:
        if kind not in PAYLOAD_SCHEMAS or not reason:
            raise ValidationError({"reason": [_("A kind of change and a reason are required.")]})
        payload = PAYLOAD_SCHEMAS[kind]().load(_change_payload(kind, request.form))
        if kind == "move_area":
            authorize(WRITE, county=payload["village_code"][:6])
        cr.apply(doc, kind, payload)
    except ValidationError as exc:
        flash(_("The change request was not saved: %(e)s", e="; ".join(f"{k}: {v}" for k, v in form_errors(exc.messages).items())))
    except cr.ChangeRefused as exc:
        flash(_("The change request was not saved: %(e)s", e=str(exc)))
    else:
        ext("change_requests").propose(doc, kind, payload, reason, principal.username)
        flash(_("Change proposed; a county operator will decide."))
    return redirect(url_for("registry_ui.household", household_id=household_id))


@bp.get("/change-requests")
@require(READ)
def change_requests():
    principal = authorize(READ)
    status = request.args.get("status", "proposed")
    return render_template("registry/change_requests.html", status=status,
                           requests=ext("change_requests").list(principal.county_filter, status or None, None))


@bp.post("/change-requests/<request_id>/decision")
@require(WRITE)
def decide_change(request_id):
    request_doc = ext("change_requests").get(request_id)
    if request_doc is None:   # an unknown id was a 500 (found by the access matrix test)
        abort(404)
    principal = authorize(APPROVE, county=request_doc["county_code"])
    decision, note = request.form.get("decision"), request.form.get("note", "")
    if request_doc["status"] != "proposed" or decision not in ("approve", "reject"):
        flash(_("Nothing to decide."))
    elif decision == "reject":
        ext("change_requests").record_decision(request_doc, "reject", note, principal.username)
        flash(_("Change rejected."))
    else:
        try:
            touched = ext("households").apply_change(request_doc, principal.username)
        except (cr.ChangeRefused, WriteConflict, DuplicatePerson) as exc:
            flash(str(exc))
        else:
            ext("change_requests").record_decision(request_doc, "approve", note, principal.username)
            ext("change_requests").mark_applied(request_id, touched)
            flash(_("Change approved and applied."))
    return redirect(request.form.get("next") or url_for("registry_ui.change_requests"))


@bp.get("/warnings")
@require(READ)
def warnings():
    principal = authorize(READ)
    items = ext("households").with_open_warnings(principal.county_filter)
    return render_template("registry/warnings.html", items=items)
