"""Form posts validated with the API's schemas: shared by the program services (shared/programs/forms.py)."""
from shared.programs.forms import PER_PAGE, args, page_number, payload, refused, validate  # noqa: F401
