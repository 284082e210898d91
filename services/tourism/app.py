"""Tourism's app factory: ``gunicorn 'services.tourism.app:create_app()'``."""
import os
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.tourism.domain.homestays import INSPECTION_VALID_DAYS
from services.tourism.service import Tourism


def _register(app: Flask) -> None:
    from services.tourism.api import bookings, cooperatives, homestays, jobs, report
    from services.tourism.ui import register_pages

    register_program_kit(app, "tourism")
    # A policy default, so a setting (DOMAIN.md): how long a passed safety inspection lets a
    # homestay take guests.
    valid_days = int(os.environ.get("TOURISM_INSPECTION_VALID_DAYS") or INSPECTION_VALID_DAYS)
    app.extensions["tourism"] = Tourism.build(app.extensions["db"], app.extensions["household_guard"], valid_days)
    for module in (bookings, homestays, jobs, cooperatives, report):
        app.extensions["api"].register_blueprint(module.blp)
    register_pages(app)


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("tourism", "Tourism", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
