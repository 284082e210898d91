"""Tourism's app factory: ``gunicorn 'services.tourism.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.tourism.domain.policy import Policy


def _registrar(policy: Policy | None):
    def register(app: Flask) -> None:
        from services.tourism.api import bookings, cooperatives, homestays, jobs, report
        from services.tourism.service import Tourism
        from services.tourism.ui import register_pages

        register_program_kit(app, "tourism")
        # Policy defaults are settings (TOURISM_*), read now, not at import.
        app.extensions["tourism"] = Tourism.build(app.extensions["db"], app.extensions["household_guard"],
                                                  policy or Policy.from_env())
        for module in (bookings, homestays, jobs, cooperatives, report):
            app.extensions["api"].register_blueprint(module.blp)
        register_pages(app)
    return register


def create_app(settings: Settings | None = None, policy: Policy | None = None) -> Flask:
    return create_service_app("tourism", "Tourism", _registrar(policy), settings,
                              template_folder=str(Path(__file__).parent / "templates"))
