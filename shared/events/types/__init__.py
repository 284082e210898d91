"""Every program's event declarations. A new program adds one module here."""
from shared.events.types import registry, ecommerce, tourism, photovoltaic, microcredit, relocation  # noqa: F401 (PROGRAMS)
