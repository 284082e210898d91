"""The registry's app factory: ``gunicorn 'services.registry.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.web.factory import create_service_app
from services.registry.adapters.events import EventApplier


def _register(app: Flask) -> None:
    from services.registry.api.dashboard import blp as dashboard_blp
    from services.registry.api.households import beneficiaries, blp
    from services.registry.api.workflow import blp as workflow_blp
    from services.registry.service import Registry
    from services.registry.ui.views import bp
    from services.registry.api.warnings import blp as warnings_blp
    from services.registry.adapters.objections import Objections
    from services.registry.notices import PublicNotices
    from services.registry.warning_desk import WarningDesk
    from services.registry.ui.warning_views import bp as warnings_bp
    from services.registry.ui.notice_views import bp as notices_bp

    db = app.extensions["db"]
    # The service reads the settings as they are when it runs (tests replace them after start).
    registry = app.extensions["registry"] = Registry.build(db, lambda: app.extensions["settings"],
                                                           app.extensions["gazetteer"])
    app.extensions["warning_desk"] = WarningDesk(registry, registry.households.warnings)
    objections = Objections(db)
    objections.ensure_indexes()
    app.extensions["public_notices"] = PublicNotices(registry, objections)
    EventApplier(db).ensure_indexes()
    for api_blueprint in (blp, beneficiaries, workflow_blp, warnings_blp, dashboard_blp):
        app.extensions["api"].register_blueprint(api_blueprint)
    app.register_blueprint(bp)
    app.register_blueprint(warnings_bp)
    app.register_blueprint(notices_bp)   # public: no login (issue 18)
    from services.registry.ui.dashboard_views import bp as dashboard_bp
    app.register_blueprint(dashboard_bp)
    from services.registry.api.feed import blp as feed_blp
    from services.registry.ui.feed_views import bp as feed_bp
    app.extensions["api"].register_blueprint(feed_blp)
    app.register_blueprint(feed_bp)
    from services.registry.api.imports import blp as imports_blp
    from services.registry.ui.import_views import bp as import_bp
    app.extensions["api"].register_blueprint(imports_blp)
    app.register_blueprint(import_bp)
    from services.registry.ui.card_views import bp as card_bp
    app.register_blueprint(card_bp)
    from services.registry.api.cadres import blp as cadres_blp
    from services.registry.api.task_forces import blp as task_forces_blp
    from services.registry.api.villages import blp as villages_blp
    from services.registry.ui.village_views import bp as village_bp
    for api_blueprint in (villages_blp, task_forces_blp, cadres_blp):
        app.extensions["api"].register_blueprint(api_blueprint)
    app.register_blueprint(village_bp)


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("registry", "Registry", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
