"""The registry's app factory: ``gunicorn 'services.registry.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.web.factory import create_service_app
from services.registry.adapters.areas import Areas
from services.registry.adapters.events import EventApplier
from services.registry.adapters.persons import IdProtection
from services.registry.adapters.stats import Stats
from services.registry.adapters.stream_reader import ReaderPool, StreamReader
from shared.events.topics import Topics


def _register(app: Flask) -> None:
    from services.registry.api.dashboard import blp as dashboard_blp
    from services.registry.api.households import beneficiaries, blp
    from services.registry.api.workflow import blp as workflow_blp
    from services.registry.service import Registry
    from services.registry.ui.views import bp

    db, settings = app.extensions["db"], app.extensions["settings"]
    protection = IdProtection(settings)
    # The service reads the settings as they are when it runs (tests replace them after start).
    registry = Registry.build(db, lambda: app.extensions["settings"], protection)
    app.extensions.update(
        registry=registry,
        # The repositories stay here too: the importer (imports/jobs.py) reads households and
        # id_protection.
        id_protection=protection,
        households=registry.households,
        change_requests=registry.change_requests,
        history=registry.history,
        stats=Stats(db),
        areas=Areas(db),
        feed_readers=ReaderPool(lambda: StreamReader(settings.kafka_bootstrap_servers,
                                                     Topics(settings.topic_prefix).stream,
                                                     client_id=f"{settings.service}-feed")),
    )
    app.extensions["areas"].ensure_indexes()
    EventApplier(db).ensure_indexes()
    for api_blueprint in (blp, beneficiaries, workflow_blp, dashboard_blp):
        app.extensions["api"].register_blueprint(api_blueprint)
    app.register_blueprint(bp)
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


def create_app(settings: Settings | None = None) -> Flask:
    return create_service_app("registry", "Registry", _register, settings,
                              template_folder=str(Path(__file__).parent / "templates"))
