"""Following up return-to-poverty warnings (issue 18): acknowledge, assign, link the measures
taken, close with a reason, or return the household to poverty. Free of Flask, like the
registry's service layer (service.py), which it uses for the household's side: a return to
poverty is the exit workflow's own ``return_to_poverty`` step, with its file event on the
registry topic.

The consumer's write path is untouched: it inserts each warning once, keyed by its event;
the steps here are guarded updates of that document (adapters/warnings.py)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from shared.messages import N_, Message
from shared.programs.refused import Refused
from shared.store import WriteConflict
from services.registry.adapters.warnings import Warnings
from services.registry.domain.warning_life import (WarningRefused, is_overdue, next_move, overdue_before,
                                                   state_of)


class WarningDesk:
    def __init__(self, registry, warnings: Warnings):
        self.registry = registry
        self.warnings = warnings

    def _deadline_days(self) -> int:
        return self.registry.settings().warning_deadline_days

    def warning(self, warning_id: str) -> dict:
        """The warning as shown (with its state and whether it is overdue); Refused 404."""
        doc = self.warnings.get(warning_id)
        if doc is None:
            raise Refused(f"no warning {warning_id}", None, 404)
        return self.shown(doc)

    def shown(self, doc: dict, now: datetime | None = None) -> dict:
        now = now or datetime.now(timezone.utc)
        return {**doc, "status": state_of(doc), "overdue": is_overdue(doc, now, self._deadline_days()),
                "deadline_days": self._deadline_days()}

    def listing(self, scope: dict) -> list[dict]:
        """Warnings in a person's scope, open ones first, each with its head of household."""
        docs = self.warnings.newest(scope)
        files = {h["_id"]: h for h in self.registry.households.households.find(
            {"_id": {"$in": sorted({d["household_id"] for d in docs})}},
            {"head_name": 1, "township": 1, "village": 1, "status": 1})} if docs else {}
        now = datetime.now(timezone.utc)
        return [{**self.shown(d, now), "household": files.get(d["household_id"], {})} for d in docs]

    def overdue_count(self, scope: dict) -> int:
        return self.warnings.count_open_before(
            scope, overdue_before(datetime.now(timezone.utc), self._deadline_days()))

    def step(self, warning: dict, step: str, note: str, by: str, *, assignee: str = "", measures=(),
             assignable: Callable[[str], bool] = lambda _: True, central: bool = False) -> dict:
        """Take one step on ``warning`` (as read, the caller authorized for its county)."""
        measures = sorted(set(measures or ()))
        try:
            move = next_move(warning, step, note, assignee, measures)
        except WarningRefused as exc:
            raise Refused(exc.said, exc.field, exc.status) from exc
        changes: dict = {}
        if step == "assign":
            if not assignable(assignee.strip()):
                raise Refused(Message("not_assignable", N_(
                    "%(assignee)s is not a person who may follow up warnings in this county"),
                    {"assignee": assignee}), "assignee", 422)
            changes["assigned_to"] = assignee.strip()
        if step == "link_measures":
            self._check_measures(warning["household_id"], measures)
        if step in ("close", "return_to_poverty"):
            changes["closed_reason"] = note.strip()
        if step == "return_to_poverty":
            # The household's side first: refused (it has not exited, say), the warning stays.
            household = self.registry.household(warning["household_id"])
            self.registry.exit_step(household, "return_to_poverty", note.strip(), by, central)
        try:
            return self.shown(self.warnings.record(warning, move, by, note.strip(), changes,
                                                   measures if step == "link_measures" else None))
        except WriteConflict as exc:
            raise Refused(str(exc), None, 409) from exc

    def _check_measures(self, household_id: str, measures: list[str]) -> None:
        """Each measure is an assistance event in the household's history."""
        found = {d["_id"] for d in self.registry.history.history.find(
            {"_id": {"$in": measures}, "household_id": household_id, "program": {"$ne": "registry"}}, {"_id": 1})}
        unknown = [m for m in measures if m not in found]
        if unknown:
            raise Refused(Message("not_measures", N_("not assistance events of this household: %(events)s"),
                                  {"events": ", ".join(unknown)}), "measures", 422)
