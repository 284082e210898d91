"""What the navigation offers a person: only the pages the rules that guard the routes let
them open. One place for every service's header and menus, so a link and its page never
disagree (a county operator sees no webhooks service, a reader no "record a sale")."""
from __future__ import annotations

from flask import current_app

from shared.auth.roles import READ, Principal
from shared.auth.web import current_principal
from shared.web.landing import landing_url

# The header's services, in the order a county office works through them.
SERVICES = ("registry", "ecommerce", "tourism", "photovoltaic", "microcredit", "relocation", "webhooks")


def services_for(principal: Principal | None) -> list[str]:
    """The services whose pages the person may open (none before logging in)."""
    return [name for name in SERVICES if principal is not None and principal.can(READ, name)]


def may_open(endpoint: str) -> bool:
    """May the person open this service's page ``endpoint``? The action its view requires
    (``shared.auth.web.require``) asked of the person's role, as the view itself will."""
    principal = current_principal()
    view = current_app.view_functions.get(endpoint)
    if principal is None or view is None:
        return False
    return principal.can(getattr(view, "required_action", READ), current_app.config["SERVICE"])


def init_navigation(app) -> None:
    @app.context_processor
    def _navigation():
        principal = current_principal()
        home = landing_url(principal, app.extensions["settings"].service_urls) if principal else "/"
        return {"nav_services": services_for(principal), "may_open": may_open, "home_url": home}
