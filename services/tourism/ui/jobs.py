"""Pages for jobs in scenic areas: list, record, edit, a job's page with wages paid."""
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize, require
from shared.household_ids import county_of
from shared.web.forms import int_or_text, yuan, yuan_to_fen
from shared.programs.forms import args, page_number, raw, record_or_404, refused, text, validate
from shared.programs.refused import Refused
from services.tourism.api.schemas.jobs import (JobCreateSchema, JobEditSchema, JobEndSchema, JobQuerySchema,
                                               WagePaySchema)
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism

TEXT = ("member_name", "scenic_area", "position")


@bp.get("/jobs")
@require(READ)
def jobs():
    principal = authorize(READ)
    shown = args("q", "status", "county_code")
    query, errors = validate(JobQuerySchema, shown)
    query = query or {}
    page = page_number()
    items, total = tourism().jobs.list(principal.county_filter, query.get("q"), query.get("status"),
                                       query.get("county_code"), None, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("tourism/jobs.html", items=items, total=total, page=page, per_page=PER_PAGE,
                           filters=shown, errors=errors)


@bp.route("/jobs/new", methods=["GET", "POST"])
@require(WRITE)
def new_job():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = text("household_id", "started_on", *TEXT)
        payload["monthly_wage_fen"] = yuan_to_fen(request.form.get("monthly_wage_yuan", ""))
        fields, errors = validate(JobCreateSchema, payload)
        if fields:
            principal = authorize(WRITE, county=county_of(fields["household_id"]))
            try:
                job = tourism().start_job(fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Job of %(name)s recorded.", name=job["member_name"]))
                return redirect(url_for("tourism_ui.job", job_id=job["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", ""), "started_on": date.today().isoformat()}
    return render_template("tourism/job_form.html", errors=errors, values=values, editing=None), \
        422 if errors else 200


@bp.route("/jobs/<job_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_job(job_id):
    record, principal = record_or_404(tourism().jobs.get(job_id), WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = raw(*TEXT)
        payload["monthly_wage_fen"] = yuan_to_fen(request.form.get("monthly_wage_yuan", ""))
        payload["version"] = int_or_text(request.form.get("version", ""))
        fields, errors = validate(JobEditSchema, payload)
        if fields:
            try:
                tourism().edit_job(record, fields, principal.username)
            except Refused as exc:
                errors = refused(exc)
            else:
                flash(_("Job saved."))
                return redirect(url_for("tourism_ui.job", job_id=job_id))
    else:
        values = {**record, "monthly_wage_yuan": yuan(record["monthly_wage_fen"]).replace(",", "")}
    return render_template("tourism/job_form.html", errors=errors, values=values, editing=record), \
        422 if errors else 200


def _job_page(job_id: str, errors=None, values=None, form: str = "", status: int = 200):
    record, _principal = record_or_404(tourism().jobs.get(job_id))
    month = date.today().isoformat()[:7]
    defaults = {"month": month, "monthly": yuan(record["monthly_wage_fen"]).replace(",", ""),
                "ended_on": date.today().isoformat()}
    wages = tourism().wages.for_job(job_id)
    # The job's history with its wage payments' (each payment is its own record and event).
    events = sorted(record.get("events", []) + [e for w in wages for e in w.get("events", [])], key=lambda e: e["time"])
    return render_template("tourism/job.html", j=record, wages=wages, events=events, errors=errors or {},
                           values=values or {}, form=form, defaults=defaults), status


@bp.get("/jobs/<job_id>")
@require(READ)
def job(job_id):
    return _job_page(job_id)


@bp.post("/jobs/<job_id>/wages")
@require(WRITE)
def pay_wage(job_id):
    record, principal = record_or_404(tourism().jobs.get(job_id), WRITE)
    payload = text("month", "paid_on")
    payload["income_fen"] = yuan_to_fen(request.form.get("income_yuan", ""))
    fields, errors = validate(WagePaySchema, {k: v for k, v in payload.items() if v is not None})
    if fields:
        try:
            payment, created = tourism().pay_wage(record, fields, principal.username)
            flash(_("Wage for %(month)s paid.", month=payment["month"]) if created
                  else _("The wage for %(month)s had already been paid; nothing was paid again.", month=payment["month"]))
            return redirect(url_for("tourism_ui.job", job_id=job_id))
        except Refused as exc:
            errors = refused(exc)
    return _job_page(job_id, errors, request.form, "wage", 422)


@bp.post("/jobs/<job_id>/end")
@require(WRITE)
def end_job(job_id):
    record, principal = record_or_404(tourism().jobs.get(job_id), WRITE)
    fields, errors = validate(JobEndSchema, text("ended_on", "reason"))
    if fields:
        try:
            tourism().end_job(record, fields, principal.username)
            flash(_("Job ended."))
            return redirect(url_for("tourism_ui.job", job_id=job_id))
        except Refused as exc:
            errors = refused(exc)
    return _job_page(job_id, errors, request.form, "end", 422)
