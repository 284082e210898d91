"""Photovoltaic's app factory: ``gunicorn 'services.photovoltaic.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.photovoltaic.domain.policy import Policy


def _registrar(policy: Policy | None):
    def register(app: Flask) -> None:
        from services.photovoltaic.api import distributions, faults, installations, monthly, reports
        from services.photovoltaic.service import Photovoltaic
        from services.photovoltaic.ui import register_pages

        register_program_kit(app, "photovoltaic")
        # Policy thresholds are settings (PV_*), read now, not at import.
        app.extensions["photovoltaic"] = Photovoltaic.build(app.extensions["db"], app.extensions["household_guard"],
                                                            policy or Policy.from_env(), app.extensions["gazetteer"])
        for module in (installations, reports, distributions, faults, monthly):
            app.extensions["api"].register_blueprint(module.blp)
        register_pages(app)
    return register


def create_app(settings: Settings | None = None, policy: Policy | None = None) -> Flask:
    return create_service_app("photovoltaic", "Photovoltaic", _registrar(policy), settings,
                              template_folder=str(Path(__file__).parent / "templates"))
