"""Photovoltaic's app factory: ``gunicorn 'services.photovoltaic.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.programs.kit import register_program_kit
from shared.web.factory import create_service_app
from services.photovoltaic.domain.policy import Policy


def _registrar(policy: Policy | None):
    def register(app: Flask) -> None:
        from services.photovoltaic.adapters.distributions import DistributionRepository
        from services.photovoltaic.adapters.faults import FaultRepository
        from services.photovoltaic.adapters.installations import InstallationRepository
        from services.photovoltaic.adapters.monthly import MonthlyReport
        from services.photovoltaic.adapters.reports import ReportRepository
        from services.photovoltaic.api import distributions, faults, installations, monthly, reports
        from services.photovoltaic.ui import register_pages

        register_program_kit(app, "photovoltaic")
        db = app.extensions["db"]
        app.extensions["pv_policy"] = policy or Policy.from_env()
        for name, repository in (("installations", InstallationRepository(db)), ("reports", ReportRepository(db)),
                                 ("distributions", DistributionRepository(db)), ("faults", FaultRepository(db))):
            repository.ensure_indexes()
            app.extensions[name] = repository
        app.extensions["monthly"] = MonthlyReport(db)
        for module in (installations, reports, distributions, faults, monthly):
            app.extensions["api"].register_blueprint(module.blp)
        register_pages(app)
    return register


def create_app(settings: Settings | None = None, policy: Policy | None = None) -> Flask:
    return create_service_app("photovoltaic", "Photovoltaic", _registrar(policy), settings,
                              template_folder=str(Path(__file__).parent / "templates"))
