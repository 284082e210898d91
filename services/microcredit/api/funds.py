"""County risk-compensation funds (风险补偿金) under /api/funds."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.auth.roles import READ, WRITE
from shared.auth.web import authorize
from shared.programs.refusals import refusals
from services.microcredit.api import schemas as s
from services.microcredit.api.common import microcredit

blp = Blueprint("funds", __name__, url_prefix="/api/funds",
                description="County risk-compensation funds: deposits, balance, write-offs drawn")


def _county(county_code: str) -> None:
    if not (len(county_code) == 6 and county_code.isdigit()):
        abort(422, message="A 6-digit county code.", errors={"path": {"county_code": ["A 6-digit county code."]}})


@blp.route("")
class Funds(MethodView):
    @blp.response(200, s.FundListSchema)
    def get(self):
        """Every county fund in the caller's scope with its balance."""
        principal = authorize(READ)
        return {"items": microcredit().funds.list(principal.county_filter)}


@blp.route("/<county_code>")
class Fund(MethodView):
    @blp.response(200, s.FundSchema)
    def get(self, county_code):
        """One county's fund with its deposits and draws."""
        _county(county_code)
        authorize(READ, county=county_code)
        with refusals():
            return microcredit().funds.require(county_code)


@blp.route("/<county_code>/deposits")
class Deposits(MethodView):
    @blp.arguments(s.DepositSchema)
    @blp.response(201, s.FundSchema)
    def post(self, body, county_code):
        """Pay money into a county's fund (created by its first deposit)."""
        _county(county_code)
        principal = authorize(WRITE, county=county_code)
        with refusals():
            return microcredit().deposit(county_code, body, principal.username)
