"""Training in online selling: sessions (date, village, trainer, topic) and which members of
which households attended. Pure rules, no framework."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from shared.household_ids import county_of

MAX_MEMBERS = 20
EDITABLE = ("held_on", "village_code", "village", "trainer", "topic")


def new_session_id() -> str:
    return "C" + uuid.uuid4().hex[:16].upper()


def clean_members(names: list[str]) -> list[str]:
    """Member names as given (trimmed), each once, in the order given. They are not checked
    against the household file: a daughter-in-law not yet registered may attend."""
    seen, cleaned = set(), []
    for name in names:
        name = " ".join(str(name).split())
        if name and name not in seen:
            seen.add(name)
            cleaned.append(name)
    return cleaned


def attendance_problem(session: dict, household_id: str, today: date | None = None) -> str | None:
    """A session is held in one county; its attendees come from households of that county
    (so the operator scoped to the county records them all)."""
    # Tomorrow still counts as today: the operator's day (UTC+8) may be ahead of the server's.
    if session["held_on"] > ((today or date.today()) + timedelta(days=1)).isoformat():
        return f"the session is planned for {session['held_on']}: record attendance once it is held"
    if county_of(household_id) != session["county_code"]:
        return f"household {household_id} is not in county {session['county_code']} where the session was held"
    if household_id in session.get("attendee_ids", []):
        return f"the attendance of household {household_id} is already recorded for this session"
    return None
