"""The webhooks pages' blueprint and what its views share: the service (api/common.py),
the lists' page size, form helpers. Validation, paging from shared/programs/forms.py."""
from __future__ import annotations

from flask import Blueprint, abort, request

from shared.web.forms import form_errors
from shared.programs.refused import Refused

bp = Blueprint("webhooks_ui", __name__)
PER_PAGE = 25


def split(name: str) -> list[str]:
    """A form's list typed as text: comma- or line-separated, blanks dropped."""
    return [v.strip() for v in request.form.get(name, "").replace("\n", ",").split(",") if v.strip()]


def or_404(record):
    if record is None:
        abort(404)
    return record


def refused(exc: Refused) -> dict:
    """A refused endpoint's field errors for the form. The service keys them by location, as
    the API's body carries them (``{"json": {field: [...]}}``); the kit's
    ``shared.programs.forms.refused`` flattens them as given, which would name them ``json-url``."""
    return form_errors(exc.errors.get("json", {}))
