"""Webhooks pages: partners, endpoints with their delivery logs, deliveries."""
from flask import Flask


def register_pages(app: Flask) -> None:
    from services.webhooks.ui import views  # noqa: F401  (adds routes)
    from services.webhooks.ui.views import bp

    app.register_blueprint(bp)
