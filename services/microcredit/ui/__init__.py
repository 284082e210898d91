"""Micro-credit's pages: one blueprint, a module per kind of record."""
from flask import Flask


def register_pages(app: Flask) -> None:
    from services.microcredit.ui import funds, loans, ratings, report  # noqa: F401  (they add routes)
    from services.microcredit.ui.blueprint import bp

    app.register_blueprint(bp)
