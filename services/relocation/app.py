"""Relocation's app factory: ``gunicorn 'services.relocation.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.relocation.domain.policy import Policy


def _registrar(policy: Policy | None):
    def register(app: Flask) -> None:
        from services.relocation.api import cases, report, sites
        from services.relocation.service import Relocation
        from services.relocation.ui import register_pages

        register_program_kit(app, "relocation")
        # Policy limits are settings (RELOCATION_*), read now, not at import.
        app.extensions["relocation"] = Relocation.build(app.extensions["db"], app.extensions["household_guard"],
                                                        policy or Policy.from_env(),
                                                        app.extensions["gazetteer"])
        for module in (sites, cases, report):
            app.extensions["api"].register_blueprint(module.blp)
        register_pages(app)
    return register


def create_app(settings: Settings | None = None, policy: Policy | None = None) -> Flask:
    return create_service_app("relocation", "Relocation", _registrar(policy), settings,
                              template_folder=str(Path(__file__).parent / "templates"))
