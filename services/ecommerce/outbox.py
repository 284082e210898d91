"""Where e-commerce's outbox events go: all to the program topic."""
from shared.config import Settings
from shared.events.topics import Topics

COLLECTIONS = ["sales", "enrolments"]


def router(settings: Settings):
    topic = Topics(settings.topic_prefix).program("ecommerce")
    return lambda envelope: topic
