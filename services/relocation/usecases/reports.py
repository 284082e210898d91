"""The relocation report for a person's scope and period."""
from __future__ import annotations

from datetime import date

from shared.months import months_between, period
from services.relocation.domain.report import relocation_report
from services.relocation.usecases.context import ext


def figures(principal, args: dict) -> dict:
    start, end = period(args.get("start"), args.get("end"), date.today())
    scope = dict(principal.county_filter)
    if args.get("county_code") and not scope.get("county_code"):
        scope["county_code"] = args["county_code"]
    return relocation_report(ext("cases").all(scope), ext("sites").all(scope), months_between(start, end))
