"""The e-commerce operator pages, one blueprint per kind of record."""


def blueprints() -> list:
    from services.ecommerce.ui import report_views, station_views, store_views, training_views, views
    return [views.bp, store_views.bp, station_views.bp, training_views.bp, report_views.bp]
