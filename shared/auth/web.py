"""Login pages, the session shared by every service UI, API tokens, and role checks.

Every service signs its session cookie with the same SECRET_KEY and cookie name, and
cookies are not bound to a port, so logging in on one service's UI logs in on all.
API clients send ``Authorization: Bearer jz_…`` (tokens made with the CLI).

Who a token or a session user is, is looked up once per ``PRINCIPAL_TTL_S`` per process
(``principal_cache``), not on every request: a revoked token, a changed role or a removed
user takes effect everywhere within that bound, and the CLI that makes such a change waits
it out before it returns.
"""
from __future__ import annotations

import secrets
from functools import wraps

from flask import (Blueprint, abort, current_app, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _

from shared.auth.roles import READ, WRITE, Principal
from shared.auth.store import PRINCIPAL_TTL_S, AuthStore, token_key
from shared.web.cache import TtlCache
from shared.web.landing import landing_url
from shared.web.redirects import same_site

blp = Blueprint("auth", __name__)
SESSION_USER = "user"
CSRF_KEY = "csrf"


def auth_store() -> AuthStore:
    return current_app.extensions["auth_store"]


def principal_cache() -> TtlCache:
    """The app's cache of principals (made on first use: one per app, in each process)."""
    cache = current_app.extensions.get("principal_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("principal_cache", TtlCache(PRINCIPAL_TTL_S))
    return cache


def current_principal() -> Principal | None:
    if "principal" not in g:
        g.principal = _load_principal()
    return g.principal


def _load_principal() -> Principal | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.auth_via = "token"
        token = header[7:].strip()
        # Keyed by the token's hash, as the store keeps it: no token in memory longer than the request.
        return principal_cache().get(("token", token_key(token)), lambda: auth_store().principal_for_token(token))
    username = session.get(SESSION_USER)
    g.auth_via = "session"
    return principal_cache().get(("user", username), lambda: auth_store().principal(username)) if username else None


def csrf_token() -> str:
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(24)
    return session[CSRF_KEY]


def check_csrf() -> None:
    """Refuse a state-changing request made with the session cookie but no CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS") or g.get("auth_via") == "token":
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    if not sent or not secrets.compare_digest(sent, session.get(CSRF_KEY, "")):
        abort(403, description=_("Missing or wrong CSRF token; reload the page and try again."))


def authorize(action: str, county: str | None = None) -> Principal:
    """Abort 401 (nobody logged in) or 403 (not allowed); return who is acting."""
    principal = current_principal()
    if principal is None:
        abort(401, description=_("Log in or send an API token."))
    route = (request.method, request.url_rule.rule if request.url_rule else request.path)
    if not principal.can(action, current_app.config["SERVICE"], county, route):
        abort(403, description=_("Your role does not allow this."))
    if action == WRITE:
        check_csrf()
    return principal


def public(view):
    """Mark a page anyone may open without logging in (a public notice): it has no ``require``,
    and the access-matrix test expects no login to be asked for."""
    view.public = True
    return view


def require(action: str = READ):
    """Decorator for views that need a role for the service as a whole."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            principal = current_principal()
            if principal is None and not request.path.startswith("/api/"):
                return redirect(url_for("auth.login", next=request.full_path))
            authorize(action)
            return view(*args, **kwargs)
        wrapped.required_action = action   # what the access matrix test expects of each page
        return wrapped
    return decorator


@blp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        check_csrf_form()
        username = request.form.get("username", "")
        throttle = current_app.extensions["login_throttle"]
        wait = throttle.locked_for(username, request.remote_addr)
        if wait:
            # The same answer whether or not the password is right: a lock-out tells a
            # guesser nothing, and the person waits (the page says how long).
            error = _("Too many failed logins; try again in %(minutes)s minutes.", minutes=max(1, wait // 60))
            return render_template("login.html", error=error), 429, {"Retry-After": str(wait)}
        principal = auth_store().authenticate(username, request.form.get("password", ""))
        if principal:
            throttle.succeeded(username)
            session.clear()
            session[SESSION_USER] = principal.username
            session.permanent = True
            home = landing_url(principal, current_app.extensions["settings"].service_urls)
            return redirect(same_site(request.args.get("next"), fallback=home))
        throttle.failed(username, request.remote_addr)
        error = _("Wrong user name or password.")
    return render_template("login.html", error=error), 401 if error else 200


def check_csrf_form() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not secrets.compare_digest(sent, session.get(CSRF_KEY, "")):
        abort(403, description=_("Missing or wrong CSRF token; reload the page and try again."))


@blp.post("/logout")
def logout():
    check_csrf_form()
    session.clear()
    return redirect(url_for("auth.login"))
