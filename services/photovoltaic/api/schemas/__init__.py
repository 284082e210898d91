"""Request and response schemas of the photovoltaic API (the pages' forms load them too)."""
from services.photovoltaic.api.schemas.installations import *  # noqa: F401, F403
from services.photovoltaic.api.schemas.reports import *  # noqa: F401, F403
from services.photovoltaic.api.schemas.distributions import *  # noqa: F401, F403
from services.photovoltaic.api.schemas.faults import *  # noqa: F401, F403
from services.photovoltaic.api.schemas.monthly import *  # noqa: F401, F403
