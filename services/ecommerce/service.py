"""The e-commerce service layer: each use case checks the rules (domain/) against what is
stored and records the change with its events through a repository. Free of Flask: app.py
builds it once (``Ecommerce.build``); the web layer authorizes first and turns ``Refused``
into the API's error shape or a form's errors.

What the store refuses (``WriteConflict``: changed since the version read, a closed store, a
partner reference taken) is a conflict (409) with the store's message; a refusal of the
rules names its fields (``RefundRefused``, ``AttendanceRefused`` are ``Refused``)."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from shared.household_ids import county_of
from shared.programs.households import NOT_ENROLLED_STATUS, UNKNOWN_HOUSEHOLD_STATUS, HouseholdGuard
from shared.programs.refused import Refused
from shared.store import WriteConflict
from shared.gazetteer.checks import require_areas
from shared.gazetteer.store import Gazetteer
from services.ecommerce.adapters.common import NotFound
from services.ecommerce.adapters.sales import SaleRepository
from services.ecommerce.adapters.stations import StationRepository
from services.ecommerce.adapters.stores import StoreRepository
from services.ecommerce.adapters.trainings import TrainingRepository
from services.ecommerce.domain import reports
from services.ecommerce.domain.stores import HOUSEHOLD, commitment_changes, sale_store_problem
from services.ecommerce.domain.training import clean_members
from shared.messages import N_


@contextmanager
def conflicts(field: str | None = None, also: tuple[type[Exception], ...] = ()):
    """A write the store refused as a conflict (409), at ``field`` if the input is at fault,
    else the message alone (the API has always answered so)."""
    try:
        yield
    except (WriteConflict, *also) as exc:
        raise Refused(str(exc), field, 409) from None


@dataclass
class Ecommerce:
    sales: SaleRepository
    stores: StoreRepository
    stations: StationRepository
    trainings: TrainingRepository
    households: HouseholdGuard
    areas: Gazetteer

    @classmethod
    def build(cls, db, households: HouseholdGuard, areas: Gazetteer) -> "Ecommerce":
        e = cls(SaleRepository(db), StoreRepository(db), StationRepository(db), TrainingRepository(db), households,
                areas)
        for repo in (e.sales, e.stores, e.stations, e.trainings):
            repo.ensure_indexes()
        return e

    # --- sales ------------------------------------------------------------------------------
    def record_sale(self, fields: dict, by: str) -> tuple[dict, bool]:
        """Record a sale: (sale, True); a partner's report seen before: (that sale, False).
        A sale is recorded only for a household known here and enrolled in e-commerce (the
        busiest write: the enrolment as read a few seconds ago, ``require_enrolled_recently``)."""
        household = self.households.require_enrolled_recently(fields["household_id"])
        errors = self.sale_link_errors(fields)
        if errors:
            raise Refused("The sale names a store or station it cannot go with.", None, 409, errors=errors)
        try:
            return self.sales.record(fields, by, household)
        except WriteConflict as exc:
            raise Refused(str(exc), "partner_ref", 409) from None

    def sale_link_errors(self, fields: dict) -> dict:
        """Field errors when the sale names a store or a station it cannot go with."""
        errors = {}
        if fields.get("store_id"):
            store = self.stores.get(fields["store_id"])
            errors.update(sale_store_problem(store, fields["household_id"], fields["channel"]))
        if fields.get("station_id"):
            station = self.stations.get(fields["station_id"])
            if station is None:
                errors["station_id"] = [N_("No such service station.")]
            elif station["county_code"] != county_of(fields["household_id"]):
                errors["station_id"] = [N_("The station serves another county.")]
        return errors

    def correct_sale(self, sale: dict, fields: dict, by: str) -> dict:
        """Put right a sale's product, quantity, unit or date (money is put right with a refund)."""
        with conflicts():
            return self.sales.correct(sale["_id"], fields, by, fields.get("version"))

    def refund_sale(self, sale: dict, fields: dict, by: str) -> tuple[dict, bool]:
        """Refund part or all of a sale: (sale, True); a partner's refund report seen before:
        (sale, False). ``RefundRefused`` names the fields when it does not fit."""
        with conflicts(also=(NotFound,)):
            return self.sales.refund(sale["_id"], fields["amount_fen"], fields.get("income_fen"),
                                     fields["refunded_on"], fields["reason"], by, fields.get("partner_ref"))

    # --- stores -----------------------------------------------------------------------------
    def households_enrolled(self, household_ids: list[str], field: str) -> None:
        """Every household a store names must be known here and enrolled in e-commerce: 422 if
        one is unknown (bad input), else 409, as for one household (shared.programs.households)."""
        refused = [r for r in (self.households.refusal(h, field) for h in household_ids) if r]
        if refused:
            problems = [r.message for r in refused]
            status = UNKNOWN_HOUSEHOLD_STATUS if any(r.status == UNKNOWN_HOUSEHOLD_STATUS for r in refused) else NOT_ENROLLED_STATUS
            raise Refused("; ".join(problems), None, status, errors={field: problems})

    def open_store(self, fields: dict, by: str) -> dict:
        if fields["kind"] == HOUSEHOLD:
            household = self.households.require_enrolled(fields["household_id"])
            return self.stores.open(fields, by, household["head_name"])
        self.households_enrolled(fields["committed_households"], "committed_households")
        return self.stores.open(fields, by)

    def update_store(self, store: dict, fields: dict, by: str) -> dict:
        if "committed_households" in fields:
            if store["kind"] == HOUSEHOLD:
                raise Refused("A household's own store commits to buy from no one.", "committed_households", 422)
            outside = [h for h in fields["committed_households"] if county_of(h) != store["county_code"]]
            if outside:
                raise Refused(f"Not in county {store['county_code']}: {', '.join(outside)}.", "committed_households",
                              422)
            added, removed = commitment_changes(store["committed_households"], fields["committed_households"])
            self.households_enrolled(added, "committed_households")
            if removed and not fields.get("reason"):
                raise Refused("Say why the households removed leave the commitment (they are told).", "reason", 422)
        with conflicts():
            return self.stores.update(store["_id"], fields, by, fields.get("version"), fields.get("reason", ""))

    def close_store(self, store: dict, fields: dict, by: str) -> dict:
        with conflicts():
            return self.stores.close(store["_id"], fields["closed_on"], fields["reason"], by)

    # --- stations (the caller may write in the county it moves to: the web layer's check) ----
    def open_station(self, fields: dict, by: str) -> dict:
        require_areas(self.areas, village_code=fields["village_code"])
        return self.stations.open(fields, by)

    def update_station(self, station: dict, fields: dict, by: str) -> dict:
        require_areas(self.areas, village_code=fields.get("village_code"))
        with conflicts():
            return self.stations.update(station["_id"], fields, by, fields.get("version"))

    # --- training ---------------------------------------------------------------------------
    def schedule_training(self, fields: dict, by: str) -> dict:
        require_areas(self.areas, village_code=fields["village_code"])
        return self.trainings.schedule(fields, by)

    def update_training(self, session: dict, fields: dict, by: str) -> dict:
        require_areas(self.areas, village_code=fields.get("village_code"))
        with conflicts():
            return self.trainings.update(session["_id"], fields, by, fields.get("version"))

    def record_attendance(self, session: dict, fields: dict, by: str) -> dict:
        """Which members of a household enrolled in e-commerce attended (``AttendanceRefused``
        when the session is not held yet, in another county, or has it already)."""
        household = self.households.require_enrolled(fields["household_id"])
        return self.trainings.attend(session["_id"], household, clean_members(fields["members"]), by)

    # --- the report -------------------------------------------------------------------------
    def report(self, scope: dict, args: dict) -> dict:
        """Sales, refunds and income per month and county for a scope ({} or a county filter)
        and the query's period (default: this year) and county."""
        first, last = reports.period(args.get("from_month"), args.get("to_month"), args.get("year"))
        rows = reports.monthly(self.sales.for_report(scope, first, last, args.get("county")), first, last)
        first_day, last_day = reports.days_of(first, last)
        return {"from": first, "to": last, "first_day": first_day, "last_day": last_day,
                "county": args.get("county") or scope.get("county_code") or "",
                "rows": rows, "totals": reports.totals(rows), "chart": reports.chart_series(rows, first, last)}
