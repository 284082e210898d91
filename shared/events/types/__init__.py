"""Every program's event declarations. A new program adds one module here."""
from shared.events.types import registry, ecommerce  # noqa: F401
