"""The exit's public notice (公示), public (issue 18): each village's and township's notice as
anyone reads it, objections lodged on it, and the daily task that ends notices whose days
have passed:

    python -m services.registry.notices finish-due [--today YYYY-MM-DD]

(also ``python -m services.registry.tasks finish-due``, the CronJob deploy/k8s/generate.py
makes of it). It takes the exit workflow's own ``finish_notice`` step as the system user for
every household whose notice ended by ``today`` and has no objection on record (an objection
waits for the county: ``object`` or ``finish_notice`` by hand). Run twice, it ends each notice
once: the second run finds the households exited."""
from __future__ import annotations

import sys
from datetime import date, datetime, timezone

from shared.messages import N_, Message
from shared.programs.refused import Refused
from shared.programs.tasks import Task, run_task
from services.registry.adapters.objections import Objections
from services.registry.domain.public_notice import (OBJECTIONS_PER_ADDRESS_PER_HOUR, is_notice_area,
                                                    notice_entry)

SYSTEM_USER = "system"   # who ends a notice whose days have passed (recorded on the step)
NOTICE_FIELDS = {"head_name": 1, "members.member_id": 1, "township": 1, "village": 1, "village_code": 1,
                 "county_code": 1, "exit": 1, "status": 1}


class PublicNotices:
    def __init__(self, registry, objections: Objections):
        self.registry = registry
        self.objections = objections

    def _in_notice(self, query: dict):
        return self.registry.households.households.find({"status": "public_notice", **query}, NOTICE_FIELDS)

    def notice(self, code: str) -> dict:
        """The notice of a village or township (12 or 9 digits); Refused 404 for another code."""
        area = self.registry.areas.get(code) if is_notice_area(code) else None
        if area is None:
            raise Refused(f"no village or township {code}", None, 404)
        query = {"village_code": code} if len(code) == 12 else {"village_code": {"$regex": f"^{code}"}}
        entries = sorted((notice_entry(h) for h in self._in_notice(query)),
                         key=lambda e: (e["notice_until"] or "", e["village"], e["household_id"]))
        return {"code": code, "name": area.get("name", ""), "households": entries}

    def lodge_objection(self, code: str, household_id: str, name: str, contact: str, text: str,
                        address: str) -> dict:
        """An objection to a household in this area's notice; Refused 404 (not in it), 429 (this
        address lodged too many this hour)."""
        household = next(iter(self._in_notice({"_id": household_id})), None)
        if household is None or not household["village_code"].startswith(code):
            raise Refused(Message("not_in_notice", N_("this household is not in this public notice")),
                          "household_id", 404)
        hour = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H")
        if self.objections.count(address, hour) > OBJECTIONS_PER_ADDRESS_PER_HOUR:
            raise Refused(Message("too_many_objections", N_("too many objections from this address; try again in an hour")),
                          None, 429)
        return self.objections.lodge(household, name, contact, text, address)

    def finish_due(self, today: date) -> list[str]:
        """End every notice whose days have passed and that has no objection; the ids ended."""
        ended = []
        for household in self._in_notice({"exit.notice_until": {"$lte": today.isoformat()}}):
            until = household["exit"]["notice_until"]
            if any(o.get("notice_until") == until for o in self.objections.of(household["_id"])):
                continue   # an objection to this notice: the county decides (it may send the exit back)
            try:
                self.registry.exit_step(self.registry.household(household["_id"]), "finish_notice", "",
                                        SYSTEM_USER)
            except Refused:
                continue   # ended (or sent back) meanwhile by someone else: nothing to do
            ended.append(household["_id"])
        return ended


def _finish_due(db, today: date, env) -> dict:
    from shared.config import Settings
    from shared.gazetteer.store import Gazetteer
    from shared.store import gazetteer_db
    from services.registry.service import Registry
    settings = Settings.from_env("registry", env)
    registry = Registry.build(db, settings, Gazetteer(gazetteer_db(db.client, settings)))
    return {"finished": PublicNotices(registry, Objections(db)).finish_due(today)}


TASKS = {
    # After midnight (China time): a notice ending today is ended in the first hours of the day.
    "finish-due": Task("end the public notices whose days have passed", "30 0 * * *", _finish_due),
}


def main(argv=None, env=None) -> int:
    return run_task("registry", TASKS, argv, env)


if __name__ == "__main__":
    sys.exit(main())
