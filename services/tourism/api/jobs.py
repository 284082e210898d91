"""Jobs in scenic areas under /api/jobs, and the wages paid for them."""
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.household_ids import county_of
from shared.web.schemas import page_args, page_result
from shared.programs.refused import Refused
from shared.programs.refusals import abort_refused
from services.tourism.api.common import found, tourism
from services.tourism.api.schemas.jobs import (JobCreateSchema, JobEditSchema, JobEndSchema, JobPageSchema,
                                               JobQuerySchema, JobSchema, WageListSchema, WagePaySchema,
                                               WagePaymentSchema)

blp = Blueprint("jobs", __name__, url_prefix="/api/jobs",
                description="Jobs in scenic areas held by household members (景区就业), and their wages")


def job_for(job_id: str, action: str):
    job = found(tourism().jobs.get(job_id), "job", job_id)
    return job, authorize(action, county=job["county_code"])


@blp.route("")
class Jobs(MethodView):
    @blp.arguments(JobQuerySchema, location="query")
    @blp.response(200, JobPageSchema)
    def get(self, args):
        """Jobs in the caller's scope, newest first."""
        principal = authorize(READ)
        skip, limit, _ = page_args(args)
        items, total = tourism().jobs.list(principal.county_filter, args.get("q"), args.get("status"),
                                           args.get("county_code"), args.get("household_id"), skip, limit)
        return page_result(items, total, args)

    @blp.arguments(JobCreateSchema)
    @blp.response(201, JobSchema)
    @blp.alt_response(409, description="household not enrolled")
    @blp.alt_response(422, description="unknown household (not in the registry's files known here), or input the rules refuse")
    def post(self, fields):
        """Record a job taken by a member of an enrolled household."""
        principal = authorize(WRITE, county=county_of(fields["household_id"]))
        try:
            return tourism().start_job(fields, principal.username)
        except Refused as exc:
            abort_refused(exc)


@blp.route("/<job_id>")
class Job(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """One job, with its own event history."""
        return job_for(job_id, READ)[0]

    @blp.arguments(JobEditSchema)
    @blp.response(200, JobSchema)
    @blp.alt_response(409, description="changed meanwhile (version)")
    def patch(self, fields, job_id):
        """Change the member's name, the scenic area, the position or the monthly wage."""
        job, principal = job_for(job_id, WRITE)
        try:
            return tourism().edit_job(job, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)


@blp.route("/<job_id>/end")
class End(MethodView):
    @blp.arguments(JobEndSchema)
    @blp.response(200, JobSchema)
    @blp.alt_response(409, description="already ended, or an end before the start")
    def post(self, fields, job_id):
        """End a job (a risk signal when the household has exited poverty)."""
        job, principal = job_for(job_id, WRITE)
        try:
            return tourism().end_job(job, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)


@blp.route("/<job_id>/wages")
class Wages(MethodView):
    @blp.response(200, WageListSchema)
    def get(self, job_id):
        """The wages paid for a job, latest month first."""
        job_for(job_id, READ)
        return {"items": tourism().wages.for_job(job_id)}

    @blp.arguments(WagePaySchema)
    @blp.response(201, WagePaymentSchema)
    @blp.alt_response(200, schema=WagePaymentSchema, description="this month was already paid with this amount: "
                                                                 "the payment made then (nothing paid again)")
    @blp.alt_response(409, description="a month outside the job, or already paid with another amount")
    def post(self, fields, job_id):
        """Pay the wage of one month; income to the household. One payment per job and month."""
        job, principal = job_for(job_id, WRITE)
        try:
            payment, created = tourism().pay_wage(job, fields, principal.username)
        except Refused as exc:
            abort_refused(exc)
        return payment, 201 if created else 200
