"""The registry's app factory: ``gunicorn 'services.registry.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.web.factory import create_service_app
from services.registry.adapters.households import HouseholdRepository


def _register(app: Flask) -> None:
    from services.registry.api.resources import blp
    from services.registry.ui.views import bp

    repository = HouseholdRepository(app.extensions["db"])
    repository.ensure_indexes()
    app.extensions["households"] = repository
    app.extensions["api"].register_blueprint(blp)
    app.register_blueprint(bp)


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("registry", "Registry", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
