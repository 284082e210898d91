"""Where the registry's events go: its outbox's (a file's snapshot and its events; the poor
villages' and task forces' files on their own topic) and those
its consumer derives and publishes in its transactions (the stream's record, a warning)."""
from shared.config import Settings
from shared.events.topics import Topics
from shared.events.types.registry import ASSISTANCE_RECORDED, FILE_EVENTS, HOUSEHOLD_SNAPSHOT, VILLAGE_EVENTS
from services.registry.adapters.events import DERIVED

# An earlier release wrote the consumer's derived events to DERIVED for the relay: the relay
# still drains what an upgrade found there.
COLLECTIONS = ["households", DERIVED, "villages", "task_forces"]


def topic_of(settings: Settings):
    """event type → its topic."""
    topics = Topics(settings.topic_prefix)
    return {HOUSEHOLD_SNAPSHOT.type: topics.households, ASSISTANCE_RECORDED.type: topics.stream,
            **{t: topics.registry for t in FILE_EVENTS}, **{t: topics.villages for t in VILLAGE_EVENTS}}.__getitem__


def router(settings: Settings):
    topic = topic_of(settings)
    return lambda envelope: topic(envelope.type)
