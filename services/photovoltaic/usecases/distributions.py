"""Running a station's monthly distribution, once per station and month."""
from __future__ import annotations

from shared.auth.roles import WRITE
from shared.auth.web import authorize
from shared.programs.refused import Refused
from services.photovoltaic.domain import installations as rules
from services.photovoltaic.domain.distribution import DIVIDENDS, distribution_id, plan_dividends, plan_wages
from services.photovoltaic.domain.generation import report_id
from services.photovoltaic.usecases.context import ext, policy


def run(fields: dict) -> tuple[dict, bool]:
    """(distribution, created). A repeated run returns the first one and publishes nothing."""
    station = ext("installations").require(fields["installation_id"])
    principal = authorize(WRITE, county=station["county_code"])
    rules.station_only(station)
    existing = ext("distributions").get(distribution_id(station["_id"], fields["month"]))
    if existing is not None:
        return existing, False
    report = ext("reports").get(report_id(station["_id"], fields["month"]))
    if report is None:
        raise Refused(f"{station['name']} has no generation report for {fields['month']} yet.", "month")
    if fields["mode"] == DIVIDENDS:
        enrolled = [m for m in station.get("members", []) if ext("enrolments").is_enrolled(m["household_id"])]
        plan = plan_dividends(report["revenue_fen"], policy().reserve_percent, enrolled, fields.get("amount_fen"))
    else:
        if fields.get("amount_fen") is not None:
            raise Refused("Wages are each post's monthly wage; no amount is given.", "amount_fen", 422)
        plan = plan_wages(report["revenue_fen"], policy().reserve_percent,
                          rules.posts_paid_for(station, fields["month"]))
    return ext("distributions").insert(station, fields["month"], plan, principal.username)
