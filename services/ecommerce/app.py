"""E-commerce's app factory: ``gunicorn 'services.ecommerce.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.ecommerce.adapters.sales import SaleRepository


def _register(app: Flask) -> None:
    from services.ecommerce.api.resources import blp
    from services.ecommerce.ui.views import bp

    register_program_kit(app, "ecommerce")
    repository = SaleRepository(app.extensions["db"])
    repository.ensure_indexes()
    app.extensions["sales"] = repository
    app.extensions["api"].register_blueprint(blp)
    app.register_blueprint(bp)


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("ecommerce", "E-commerce", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
