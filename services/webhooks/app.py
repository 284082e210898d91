"""The webhooks service's app factory: ``gunicorn 'services.webhooks.app:create_app()'``."""
from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.web.factory import create_service_app
from services.webhooks.config import WebhookSettings
from services.webhooks.service import Webhooks


def _register(app: Flask, hooks: WebhookSettings | None = None) -> None:
    from services.webhooks.api import endpoints, inbound, partners
    from services.webhooks.adapters.service_token import ServiceCredential
    from services.webhooks.ui import register_pages

    settings = app.extensions["settings"]
    credential = ServiceCredential(app.extensions["db"], app.extensions["auth_store"], settings.secret_key)
    app.extensions["webhooks"] = Webhooks.build(app.extensions["db"], credential, hooks or WebhookSettings.from_env(),
                                                settings.service_urls)
    for module in (partners, endpoints, inbound):
        app.extensions["api"].register_blueprint(module.blp)
    register_pages(app)


def create_app(settings: Settings | None = None, hooks: WebhookSettings | None = None) -> Flask:
    """``hooks``: the webhooks settings (tests pass their own; default: from the environment)."""
    return create_service_app("webhooks", "Webhooks", lambda app: _register(app, hooks), settings,
                              template_folder=str(Path(__file__).parent / "templates"))
