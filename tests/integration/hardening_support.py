"""Discovery for the hostile-input and access tests: every web service (the Procfile's
gunicorn lines, in SERVICE_PORTS order), every route of each app (its url_map), every
role (shared.auth.roles.ROLES). A service merged later is covered without editing a test."""
from __future__ import annotations

import re

from flask import Flask

from deploy.local.processes import procfile
from shared.config import SERVICE_PORTS, Settings

SAFE = ("GET", "HEAD", "OPTIONS")
OTHER_HOUSEHOLD = "H621222ABCDEFGHJK"   # a well-formed id in Wenxian (621222)


def web_services() -> list[str]:
    return [name for name in SERVICE_PORTS if name in procfile()]


def create_apps(env: dict) -> dict[str, Flask]:
    apps = {}
    for name in web_services():
        module = __import__(f"services.{name}.app", fromlist=["create_app"])
        app = module.create_app(Settings.from_env(name, env))
        app.config["TESTING"] = True
        apps[name] = app
    return apps


def routes(app: Flask, api: bool | None = None):
    """(rule, method, endpoint) for every route with its own view (not static, not docs)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "layout.asset") or rule.endpoint.startswith(("api-docs", "health")):
            continue
        if api is not None and rule.rule.startswith("/api/") != api:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, rule.endpoint


def is_read(app: Flask, endpoint: str, method: str, rule=None) -> bool:
    """A read: GET (but not a page that ``require(WRITE)``s, the page of a form that writes),
    or a POST a view declares ``read_only`` (a search sent by POST)."""
    view = app.view_functions.get(endpoint)
    if method == "GET" and getattr(view, "required_action", "read") != "read":
        return False
    if getattr(getattr(view, "view_class", view), "reveals_secret", False):
        return False   # a secret is read only by those who may write
    return method in SAFE or bool(getattr(getattr(view, "view_class", view), "read_only", False))


def fill(rule, household_id: str = OTHER_HOUSEHOLD) -> str:
    """A concrete path: household ids where the rule names one, a harmless token elsewhere."""
    path = rule.rule
    for arg in rule.arguments:
        value = household_id if "household" in arg else "x1"
        path = re.sub(r"<(?:[^:<>]+:)?%s>" % re.escape(arg), value, path)
    return path


# Query arguments a route needs to answer in bounded time (a Server-Sent Events stream).
BOUNDED = {"text/event-stream": "max_seconds=1"}


def bounded_query(app: Flask, rule) -> str:
    """``max_seconds=1`` for a route documented as an event stream, else ''."""
    spec = app.extensions["api"].spec.to_dict()
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    for operation in spec.get("paths", {}).get(path, {}).values():
        content = (operation.get("responses", {}).get("200", {}) or {}).get("content", {}) if isinstance(operation, dict) else {}
        for mimetype, query in BOUNDED.items():
            if mimetype in content:
                return query
    return ""


def login_session(client, username: str) -> str:
    """Log ``client`` in as ``username`` by its session (as the login page would); the CSRF token."""
    with client.session_transaction() as sess:
        sess["user"] = username
        sess["csrf"] = "csrf-" + username
    return "csrf-" + username


def query_parameters(app: Flask, rule, method: str = "get") -> list[str]:
    """The query parameters the OpenAPI document gives this route and method."""
    spec = app.extensions["api"].spec.to_dict()
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    operation = spec.get("paths", {}).get(path, {}).get(method.lower(), {})
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]


def queries_aimed_at(app: Flask, rule, county: str, household_id: str) -> list[str]:
    """Each documented filter of a list that can name a county, an area or a household,
    pointed at another county's: a scope must hold whatever the caller asks for."""
    aimed = []
    for name in query_parameters(app, rule):
        if "household" in name:
            aimed.append(f"{name}={household_id}")
        elif "county" in name or "area" in name:
            aimed.append(f"{name}={county}")
        elif name in ("q", "search", "village", "village_code"):
            aimed.append(f"{name}={household_id if name in ('q', 'search') else county + '100201'}")
    return aimed
