"""The operator pages of the relocation service."""
from flask import Flask


def register_pages(app: Flask) -> None:
    from services.relocation.ui import cases, report, sites
    for module in (sites, cases, report):
        app.register_blueprint(module.bp)
