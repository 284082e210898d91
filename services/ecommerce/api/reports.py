"""E-commerce HTTP API: the monthly report per county, and the CSV exports (sales, report).

The CSV routes sit under a blueprint of their own at /api: a rule '/api/sales.csv' cannot
live under the '/api/sales' prefix."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.auth.roles import READ
from shared.auth.web import authorize
from shared.web.csv_export import csv_cell, csv_response, yuan_cell
from shared.web.schemas import StrictSchema
from services.ecommerce.api.common import ecommerce
from services.ecommerce.api.schemas import County, SaleExportQuerySchema
from services.ecommerce.domain import reports
from shared.messages import N_
from shared.validation_messages import templated

AT_MOST_MONTHS = templated(N_("At most %(n)s months."))   # said on pages by shared/validation_messages

blp = Blueprint("reports", __name__, url_prefix="/api", description="Monthly report per county, CSV exports")

MAX_MONTHS = 60
SALE_COLUMNS = ("sale_id", "sold_on", "household_id", "head_name", "village", "county_code", "product", "quantity",
                "unit", "channel", "amount_yuan", "income_yuan", "refunded_amount_yuan", "refunded_income_yuan",
                "status", "store_id", "station_id", "source", "partner", "partner_ref", "recorded_by", "recorded_at")
REPORT_COLUMNS = ("month", "county_code", "sales", "households", "amount_yuan", "income_yuan", "refunds",
                  "refund_amount_yuan", "refund_income_yuan", "net_income_yuan")


def Month(**kw) -> fields.String:  # noqa: N802  (reads like a field class)
    return fields.String(validate=validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error=N_("Not a month (YYYY-MM).")),
                         **kw)


class ReportQuerySchema(StrictSchema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "a calendar year (default: this year unless from/to are given)"})
    from_month = Month(data_key="from")
    to_month = Month(data_key="to")
    county = County()

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("year") and (data.get("from_month") or data.get("to_month")):
            raise ValidationError({"year": [N_("Give a year or a from/to period, not both.")]})
        first, last = data.get("from_month"), data.get("to_month")
        if first and last and first > last:
            raise ValidationError({"from": [N_("The period starts after it ends.")]})
        if first and last and len(reports.months_between(first, last)) > MAX_MONTHS:
            raise ValidationError({"to": [AT_MOST_MONTHS % {"n": MAX_MONTHS}]})


class ReportRowSchema(Schema):
    month = fields.String()
    county_code = fields.String()
    sales = fields.Integer()
    households = fields.Integer(metadata={"description": "households with a sale in the month"})
    amount_fen = fields.Integer()
    income_fen = fields.Integer()
    refunds = fields.Integer()
    refund_amount_fen = fields.Integer()
    refund_income_fen = fields.Integer()
    net_income_fen = fields.Integer()


class ReportSchema(Schema):
    from_month = fields.String(data_key="from")
    to_month = fields.String(data_key="to")
    county = fields.String()
    rows = fields.List(fields.Nested(ReportRowSchema))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())


def sale_row(sale: dict) -> list[str]:
    return [csv_cell(sale["_id"]), csv_cell(sale.get("sold_on")), csv_cell(sale["household_id"]),
            csv_cell(sale.get("head_name")), csv_cell(sale.get("village")),
            csv_cell(sale.get("county_code") or sale["household_id"][1:7]), csv_cell(sale.get("product")),
            csv_cell(sale.get("quantity")), csv_cell(sale.get("unit")), csv_cell(sale.get("channel")),
            yuan_cell(sale.get("amount_fen")), yuan_cell(sale.get("income_fen")),
            yuan_cell(sale.get("refunded_amount_fen", 0)), yuan_cell(sale.get("refunded_income_fen", 0)),
            csv_cell(sale.get("status")), csv_cell(sale.get("store_id")), csv_cell(sale.get("station_id")),
            csv_cell(sale.get("source", "operator")), csv_cell(sale.get("partner")), csv_cell(sale.get("partner_ref")),
            csv_cell(sale.get("recorded_by")), csv_cell(sale.get("recorded_at").isoformat()
                                                        if hasattr(sale.get("recorded_at"), "isoformat")
                                                        else sale.get("recorded_at"))]


def report_row(row: dict) -> list[str]:
    return [csv_cell(row["month"]), csv_cell(row["county_code"]), csv_cell(row["sales"]), csv_cell(row["households"]),
            yuan_cell(row["amount_fen"]), yuan_cell(row["income_fen"]), csv_cell(row["refunds"]),
            yuan_cell(row["refund_amount_fen"]), yuan_cell(row["refund_income_fen"]), yuan_cell(row["net_income_fen"])]


def sales_csv(args: dict, scope: dict):
    sales = ecommerce().sales.export(scope, args, args.get("limit", 10_000))
    return csv_response("ecommerce-sales.csv", SALE_COLUMNS, (sale_row(s) for s in sales))


def report_csv(args: dict, scope: dict):
    data = ecommerce().report(scope, args)
    return csv_response(f"ecommerce-report-{data['from']}-{data['to']}.csv", REPORT_COLUMNS,
                        [report_row(r) for r in data["rows"]])


@blp.route("/reports/monthly")
class MonthlyReport(MethodView):
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema)
    def get(self, args):
        """Sales, refunds and income per month and county (the caller's county scope)."""
        principal = authorize(READ)
        data = ecommerce().report(principal.county_filter, args)
        return {**data, "from_month": data["from"], "to_month": data["to"]}


@blp.route("/reports/monthly.csv")
class MonthlyReportCsv(MethodView):
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv", description="UTF-8 with BOM, yuan")
    def get(self, args):
        """The monthly report as CSV."""
        return report_csv(args, authorize(READ).county_filter)


@blp.route("/sales.csv")
class SalesCsv(MethodView):
    @blp.arguments(SaleExportQuerySchema, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv", description="UTF-8 with BOM, yuan, one row a sale")
    def get(self, args):
        """Sales with the list's filters as CSV, oldest first (at most ``limit`` rows)."""
        return sales_csv(args, authorize(READ).county_filter)
