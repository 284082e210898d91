"""The Flask side of the kit: app factory, errors, health/metrics, auth views, layout."""
