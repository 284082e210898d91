"""Where e-commerce's outbox events go: all to the program topic. Stations publish nothing
(they concern no household), so they carry no outbox."""
from shared.config import Settings
from shared.events.topics import Topics

COLLECTIONS = ["sales", "enrolments", "stores", "trainings"]


def router(settings: Settings):
    topic = Topics(settings.topic_prefix).program("ecommerce")
    return lambda envelope: topic
