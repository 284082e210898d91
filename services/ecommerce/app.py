"""E-commerce's app factory: ``gunicorn 'services.ecommerce.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app


def _register(app: Flask) -> None:
    from services.ecommerce.api import reports, sales, stations, stores, trainings
    from services.ecommerce.service import Ecommerce
    from services.ecommerce.ui import blueprints

    register_program_kit(app, "ecommerce")
    app.extensions["ecommerce"] = Ecommerce.build(app.extensions["db"], app.extensions["household_guard"],
                                                  app.extensions["gazetteer"])
    for module in (sales, stores, stations, trainings, reports):
        app.extensions["api"].register_blueprint(module.blp)
    for bp in blueprints():
        app.register_blueprint(bp)


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("ecommerce", "E-commerce", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
