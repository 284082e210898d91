"""Micro-credit's app factory: ``gunicorn 'services.microcredit.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.microcredit.domain.policy import Policy


def _registrar(policy: Policy | None):
    def register(app: Flask) -> None:
        from services.microcredit.api import funds, loans, ratings, report
        from services.microcredit.service import Microcredit
        from services.microcredit.ui import register_pages

        register_program_kit(app, "microcredit")
        # Policy limits and rates are settings (MICROCREDIT_*), read now, not at import.
        app.extensions["microcredit"] = Microcredit.build(app.extensions["db"], app.extensions["household_guard"],
                                                          policy or Policy.from_env())
        for module in (loans, ratings, funds, report):
            app.extensions["api"].register_blueprint(module.blp)
        register_pages(app)
    return register


def create_app(settings: Settings | None = None, policy: Policy | None = None) -> Flask:
    return create_service_app("microcredit", "Micro-credit", _registrar(policy), settings,
                              template_folder=str(Path(__file__).parent / "templates"))
