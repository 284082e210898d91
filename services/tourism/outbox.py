"""Where tourism's outbox events go: all to the program topic."""
from shared.config import Settings
from shared.events.topics import Topics

COLLECTIONS = ["homestays", "bookings", "jobs", "wage_payments", "cooperatives", "dividend_runs", "enrolments"]


def router(settings: Settings):
    topic = Topics(settings.topic_prefix).program("tourism")
    return lambda envelope: topic
