"""Recording and correcting monthly generation reports."""
from __future__ import annotations

from datetime import date

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from shared.programs.refused import Refused
from services.photovoltaic.domain.generation import check_report, revenue_for
from services.photovoltaic.usecases.context import ext, policy


def record(fields: dict) -> dict:
    installation = ext("installations").require(fields["installation_id"])
    principal = authorize(WRITE, county=installation["county_code"])
    check_report(installation, fields["month"], fields["kwh"], date.today())
    revenue = revenue_for(fields["kwh"], fields["tariff_fen_per_kwh"], fields.get("revenue_fen"),
                          policy().revenue_tolerance_percent)
    return ext("reports").record(installation, fields, revenue, principal.username)


def correct(report_id: str, fields: dict) -> dict:
    report = ext("reports").require(report_id)
    principal = authorize(WRITE, county=report["county_code"])
    installation = ext("installations").require(report["installation_id"])
    if ext("distributions").exists(report["installation_id"], report["month"]):
        # The money is paid: correcting the revenue now would make the distribution wrong.
        raise Refused(f"The revenue of {report['month']} was already distributed; it cannot be corrected.")
    check_report(installation, report["month"], fields["kwh"], date.today())
    revenue = revenue_for(fields["kwh"], fields["tariff_fen_per_kwh"], fields.get("revenue_fen"),
                          policy().revenue_tolerance_percent)
    if (fields["kwh"], fields["tariff_fen_per_kwh"], revenue) == \
            (report["kwh"], report["tariff_fen_per_kwh"], report["revenue_fen"]):
        raise Refused("Nothing changed.", None, 422)
    return ext("reports").correct(report, installation, fields, revenue, principal.username)
