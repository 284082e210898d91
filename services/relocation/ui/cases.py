"""Pages of relocation cases: list, open one, detail with the lifecycle steps as actions."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.events.types.relocation import STAGES, SUBSIDY_KINDS
from shared.programs.forms import form_page, listing, payload, record_or_404, submit_on
from services.relocation.api import schemas as s
from services.relocation.api.common import relocation
from services.relocation.domain.lifecycle import SUBSIDY_STAGE, allowed_steps

bp = Blueprint("relocation_cases", __name__)

# step (the service's method) → (schema, how to read its form, the field the method takes
# alone, if it takes one)
STEP_FORMS = {
    "allocate_housing": (s.AllocateSchema, dict(text=("site_id", "unit", "allocated_on"), integers=("area_m2",),
                                                yuan={"self_paid_yuan": "self_paid_fen"}), None),
    "move_in": (s.MoveInSchema, dict(text=("moved_in_on",)), "moved_in_on"),
    "arrange_employment": (s.EmploymentSchema, dict(text=("member_name", "employer", "job", "started_on"),
                                                    yuan={"monthly_wage_yuan": "monthly_wage_fen"}), None),
    "record_training": (s.TrainingSchema, dict(text=("member_name", "course", "completed_on"), integers=("days",)),
                        None),
    "reclaim_land": (s.ReclaimSchema, dict(text=("demolished_on", "reclaimed_on"), integers=("land_m2",)), None),
    "pay_subsidy": (s.SubsidySchema, dict(text=("kind", "paid_on"), yuan={"amount_yuan": "amount_fen"}), None),
}


@bp.get("/cases")
@require(READ)
def index():
    shown = listing("q", "stage", "site_id", "county_code", "employed")
    query = {**shown.query, "employed": {"yes": True, "no": False}.get(shown.query.get("employed", ""))}
    items, total = relocation().cases.list(shown.principal.county_filter, query, *shown.window)
    views = current_app.extensions["household_view"]
    for item in items:
        item["current_village"] = (views.get(item["household_id"]) or {}).get("village", "")
    sites = relocation().sites.all(shown.principal.county_filter)
    return shown.render("relocation/cases.html", items, total, stages=STAGES, sites=sites)


@bp.route("/cases/new", methods=["GET", "POST"])
@require(WRITE)
def new():
    errors, values = {}, request.form
    if request.method == "POST":
        data = payload(text=("household_id",), integers=("people",))
        case, errors = submit_on(s.CaseCreateSchema, data, _household_named, _open_case)
        if not errors:
            flash(_("Relocation case %(id)s opened.", id=case["_id"]))
            return redirect(url_for("relocation_cases.detail", case_id=case["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", "")}
    return form_page("relocation/case_form.html", errors, values=values)


def _household_named(fields: dict) -> dict:
    return relocation().household(fields["household_id"])


def _open_case(household: dict, fields: dict, by: str) -> dict:
    return relocation().open_case(household, fields.get("people"), by)


@bp.get("/cases/<case_id>")
@require(READ)
def detail(case_id):
    return _detail(case_id, {}, {})


@bp.post("/cases/<case_id>/<step>")
@require(WRITE)
def take_step(case_id, step):
    if step not in STEP_FORMS:
        abort(404)
    schema, form, single = STEP_FORMS[step]
    _done, errors = submit_on(schema, payload(**form), lambda _fields: relocation().cases.require(case_id),
                              _step(step, single), prefix=step)
    if errors:
        return _detail(case_id, errors, request.form), 422
    flash(_("Done: %(step)s.", step=_(step)))
    return redirect(url_for("relocation_cases.detail", case_id=case_id))


def _step(step: str, single: str | None):
    """The step as the service takes it: its method, given the one field it takes alone or them all."""
    def take(case: dict, fields: dict, by: str):
        return getattr(relocation(), step)(case, fields[single] if single else fields, by)
    return take


def _detail(case_id: str, errors: dict, values):
    case, _reader = record_or_404(relocation().cases.get(case_id), missing=_("No such relocation case."))
    household = current_app.extensions["household_view"].get(case["household_id"]) or {}
    paid = {p["kind"] for p in case.get("subsidies", [])}
    due = [k for k in SUBSIDY_KINDS if k not in paid and STAGES.index(case["stage"]) >= STAGES.index(SUBSIDY_STAGE[k])]
    sites = relocation().sites.all({"county_code": case["county_code"]})
    return render_template("relocation/case.html", c=case, household=household, steps=allowed_steps(case["stage"]),
                           stages=STAGES, due_subsidies=due, sites=sites, errors=errors, values=values,
                           policy=relocation().policy)
