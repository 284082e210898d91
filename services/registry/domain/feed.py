"""What the consolidated stream's readers ask for, free of Kafka: the cursor (the next offset
of every partition, "0:12,1:40,2:7", base64url-encoded so callers treat it as opaque) and the
filter an entry must match. The reader (adapters/stream_reader.py) and the web layer both
use them; only the reader talks to the broker."""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from shared.events.envelope import Envelope
from shared.household_ids import PATTERN as HOUSEHOLD_ID

CURSOR_MAX_CHARS = 4096  # ~300 partitions; anything longer is not one of ours
_POSITIONS = re.compile(r"(\d{1,6}:\d{1,19})(,\d{1,6}:\d{1,19})*")
_HOUSEHOLD_ID = re.compile(HOUSEHOLD_ID)


class CursorError(ValueError):
    """The cursor was not made by this feed (or was damaged on the way)."""


def encode_cursor(positions: dict[int, int]) -> str:
    text = ",".join(f"{p}:{o}" for p, o in sorted(positions.items()))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[int, int]:
    """{partition: next offset}; empty (no cursor) means from the beginning."""
    if not cursor:
        return {}
    if len(cursor) > CURSOR_MAX_CHARS:
        raise CursorError("cursor is too long")
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        text = raw.decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorError("not a feed cursor") from None
    if not _POSITIONS.fullmatch(text):
        raise CursorError("not a feed cursor")
    positions = {}
    for pair in text.split(","):
        partition, offset = (int(x) for x in pair.split(":"))
        if partition in positions:
            raise CursorError("not a feed cursor")
        positions[partition] = offset
    return positions


@dataclass(frozen=True)
class FeedFilter:
    """What a caller asked to see; ``county`` also carries the caller's county scope."""

    program: str | None = None
    event_type: str | None = None
    county: str | None = None
    village: str | None = None

    def matches(self, envelope: Envelope) -> bool:
        data = envelope.data
        if self.program and data.get("program") != self.program:
            return False
        # The wrapped program event's type, or the stream event's own type.
        if self.event_type and self.event_type not in (data.get("event_type"), envelope.type):
            return False
        if self.county and county_of_entry(envelope) != self.county:
            return False
        if self.village and data.get("village") != self.village:
            return False
        return True


def county_of_entry(envelope: Envelope) -> str | None:
    """The county an entry belongs to: its data says so, else its household id does.

    An entry with neither is in no county, so a county-scoped reader never sees it."""
    county = envelope.data.get("county_code")
    if isinstance(county, str) and county:
        return county
    if _HOUSEHOLD_ID.match(envelope.subject or ""):
        return envelope.subject[1:7]
    return None
