"""The operator pages of the photovoltaic service."""
from flask import Flask


def register_pages(app: Flask) -> None:
    from services.photovoltaic.ui import distributions, faults, installations, monthly, reports
    for module in (installations, reports, distributions, faults, monthly):
        app.register_blueprint(module.bp)
