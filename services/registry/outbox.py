"""Where the registry's outbox events go."""
from shared.config import Settings
from shared.events.topics import Topics
from shared.events.types.registry import ASSISTANCE_RECORDED, FILE_EVENTS, HOUSEHOLD_SNAPSHOT
from services.registry.adapters.events import DERIVED

COLLECTIONS = ["households", DERIVED]


def router(settings: Settings):
    topics = Topics(settings.topic_prefix)
    routes = {HOUSEHOLD_SNAPSHOT.type: topics.households, ASSISTANCE_RECORDED.type: topics.stream,
              **{t: topics.registry for t in FILE_EVENTS}}
    return lambda envelope: routes[envelope.type]
