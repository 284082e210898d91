"""Webhooks pages for the central office (auditors read): one blueprint (blueprint.py, its
endpoints ``webhooks_ui.*``), a module per page group — partners, endpoints with their
delivery logs, deliveries."""
from importlib import import_module

from flask import Flask

PAGE_MODULES = ("partners", "endpoints", "deliveries")


def register_pages(app: Flask) -> None:
    from services.webhooks.ui.blueprint import bp

    for name in PAGE_MODULES:   # each adds its routes to the blueprint when imported
        import_module(f"{__name__}.{name}")
    app.register_blueprint(bp)
