"""Where photovoltaic's outbox events go: all to the program topic (key = household id)."""
from shared.config import Settings
from shared.events.topics import Topics

COLLECTIONS = ["installations", "reports", "distributions", "faults", "enrolments"]


def router(settings: Settings):
    topic = Topics(settings.topic_prefix).program("photovoltaic")
    return lambda envelope: topic
