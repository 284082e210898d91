"""Where relocation's outbox events go: all to the program topic (key = household id)."""
from shared.config import Settings
from shared.events.topics import Topics

COLLECTIONS = ["cases", "enrolments"]


def router(settings: Settings):
    topic = Topics(settings.topic_prefix).program("relocation")
    return lambda envelope: topic
