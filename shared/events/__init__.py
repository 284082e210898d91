"""Events: the CloudEvents envelope, the Kafka binding, and the one catalogue of event types."""
from shared.events.catalogue import CATALOGUE, EventType, InvalidEvent
from shared.events.envelope import Envelope
from shared.events import types  # noqa: F401,E402  -- fills CATALOGUE

__all__ = ["CATALOGUE", "EventType", "InvalidEvent", "Envelope"]
