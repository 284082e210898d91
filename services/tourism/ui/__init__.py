"""Tourism's pages: one blueprint, a module per kind of record."""
from flask import Flask


def register_pages(app: Flask) -> None:
    from services.tourism.ui import bookings, cooperatives, homestays, jobs, report  # noqa: F401  (they add routes)
    from services.tourism.ui.blueprint import bp

    app.register_blueprint(bp)
