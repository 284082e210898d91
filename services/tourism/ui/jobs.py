"""Pages for jobs in scenic areas: list, record, edit, a job's page with wages paid."""
from datetime import date
from functools import partial

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE
from shared.auth.web import require
from shared.web.forms import int_or_text, yuan, yuan_to_fen
from shared.programs.forms import form_page, household_county, listing, raw, record_or_404, submit, text
from services.tourism.api.schemas.jobs import (JobCreateSchema, JobEditSchema, JobEndSchema, JobQuerySchema,
                                               WagePaySchema)
from services.tourism.ui.blueprint import PER_PAGE, bp, tourism

TEXT = ("member_name", "scenic_area", "position")


@bp.get("/jobs")
@require(READ)
def jobs():
    shown = listing("q", "status", "county_code", schema=JobQuerySchema, per_page=PER_PAGE)
    query = shown.query
    items, total = tourism().jobs.list(shown.principal.county_filter, query.get("q"), query.get("status"),
                                       query.get("county_code"), None, *shown.window)
    return shown.render("tourism/jobs.html", items, total)


@bp.route("/jobs/new", methods=["GET", "POST"])
@require(WRITE)
def new_job():
    errors, values = {}, request.form
    if request.method == "POST":
        payload = text("household_id", "started_on", *TEXT)
        payload["monthly_wage_fen"] = yuan_to_fen(request.form.get("monthly_wage_yuan", ""))
        job, errors = submit(JobCreateSchema, payload, tourism().start_job, household_county)
        if not errors:
            flash(_("Job of %(name)s recorded.", name=job["member_name"]))
            return redirect(url_for("tourism_ui.job", job_id=job["_id"]))
    else:
        values = {"household_id": request.args.get("household_id", ""), "started_on": date.today().isoformat()}
    return form_page("tourism/job_form.html", errors, values=values, editing=None)


@bp.route("/jobs/<job_id>/edit", methods=["GET", "POST"])
@require(WRITE)
def edit_job(job_id):
    record, principal = record_or_404(tourism().jobs.get(job_id), WRITE)
    errors, values = {}, request.form
    if request.method == "POST":
        payload = raw(*TEXT)
        payload["monthly_wage_fen"] = yuan_to_fen(request.form.get("monthly_wage_yuan", ""))
        payload["version"] = int_or_text(request.form.get("version", ""))
        _saved, errors = submit(JobEditSchema, payload, partial(tourism().edit_job, record), principal=principal)
        if not errors:
            flash(_("Job saved."))
            return redirect(url_for("tourism_ui.job", job_id=job_id))
    else:
        values = {**record, "monthly_wage_yuan": yuan(record["monthly_wage_fen"]).replace(",", "")}
    return form_page("tourism/job_form.html", errors, values=values, editing=record)


def _job_page(job_id: str, errors=None, values=None, form: str = ""):
    record, _principal = record_or_404(tourism().jobs.get(job_id))
    month = date.today().isoformat()[:7]
    defaults = {"month": month, "monthly": yuan(record["monthly_wage_fen"]).replace(",", ""),
                "ended_on": date.today().isoformat()}
    wages = tourism().wages.for_job(job_id)
    # The job's history with its wage payments' (each payment is its own record and event).
    events = sorted(record.get("events", []) + [e for w in wages for e in w.get("events", [])], key=lambda e: e["time"])
    return form_page("tourism/job.html", errors or {}, j=record, wages=wages, events=events, values=values or {},
                     form=form, defaults=defaults)


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
    paid, errors = submit(WagePaySchema, {k: v for k, v in payload.items() if v is not None},
                          partial(tourism().pay_wage, record), principal=principal)
    if errors:
        return _job_page(job_id, errors, request.form, "wage")
    payment, created = paid
    flash(_("Wage for %(month)s paid.", month=payment["month"]) if created
          else _("The wage for %(month)s had already been paid; nothing was paid again.", month=payment["month"]))
    return redirect(url_for("tourism_ui.job", job_id=job_id))


@bp.post("/jobs/<job_id>/end")
@require(WRITE)
def end_job(job_id):
    record, principal = record_or_404(tourism().jobs.get(job_id), WRITE)
    _done, errors = submit(JobEndSchema, text("ended_on", "reason"), partial(tourism().end_job, record),
                           principal=principal)
    if errors:
        return _job_page(job_id, errors, request.form, "end")
    flash(_("Job ended."))
    return redirect(url_for("tourism_ui.job", job_id=job_id))
