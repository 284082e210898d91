"""Request and response schemas of the relocation API (the pages' forms load them too)."""
from services.relocation.api.schemas.sites import *  # noqa: F401, F403
from services.relocation.api.schemas.cases import *  # noqa: F401, F403
from services.relocation.api.schemas.reports import *  # noqa: F401, F403
