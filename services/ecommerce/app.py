"""E-commerce's app factory: ``gunicorn 'services.ecommerce.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.ecommerce.adapters.sales import SaleRepository
from services.ecommerce.adapters.stations import StationRepository
from services.ecommerce.adapters.stores import StoreRepository
from services.ecommerce.adapters.trainings import TrainingRepository

REPOSITORIES = {"sales": SaleRepository, "stores": StoreRepository, "stations": StationRepository,
                "trainings": TrainingRepository}


def _register(app: Flask) -> None:
    from services.ecommerce.api import reports, resources, stations, stores, trainings
    from services.ecommerce.ui import blueprints

    register_program_kit(app, "ecommerce")
    for name, repository_class in REPOSITORIES.items():
        repository = repository_class(app.extensions["db"])
        repository.ensure_indexes()
        app.extensions[name] = repository
    for module in (resources, stores, stations, trainings, reports):
        app.extensions["api"].register_blueprint(module.blp)
    for bp in blueprints():
        app.register_blueprint(bp)


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("ecommerce", "E-commerce", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
