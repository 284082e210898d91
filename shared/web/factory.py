"""The app factory every service uses: ``create_service_app(name, register, settings)``.

Clients (MongoClient) are created here, after gunicorn forks, never at import time.
A service adds its API blueprints to ``app.extensions["api"]`` and its UI blueprint to
the app inside ``register(app)``.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, current_app, jsonify, request, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from shared.audit.web import init_audit
from shared.auth import web as auth_web
from shared.auth.roles import READ, WRITE
from shared.auth.store import AuthStore
from shared.auth.throttle import Limits, LoginThrottle
from shared.config import DEV_SECRET_KEY, Settings
from shared.events.asyncapi import document as asyncapi_document
from shared.logs import configure_logging
from shared.gazetteer.store import Gazetteer
from shared.store import auth_db, gazetteer_db, make_client, service_db
from shared.web import health
from shared.web.errors import register_error_handlers
from shared.web.guard import init_guard
from shared.web.navigation import init_navigation
from shared.web.forms import yuan
from shared.web.i18n import LOCALES, init_i18n, select_locale
from shared.web.messages import init_messages
from shared.web.schemas import ErrorSchema

SHARED_DIR = Path(__file__).resolve().parent.parent


class _Api(Api):
    ERROR_SCHEMA = ErrorSchema   # documents the refusal fields our errors carry


def _shared_assets() -> Blueprint:
    """The shared layout templates (searched after the service's own) and the docs assets."""
    bp = Blueprint("layout", __name__, template_folder=str(SHARED_DIR / "web" / "templates"))

    @bp.get("/asyncapi.json")
    def asyncapi():
        return jsonify(asyncapi_document(current_app.extensions["settings"].topic_prefix))

    @bp.get("/docs-assets/<path:filename>")
    def asset(filename):
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)

    return bp


def create_service_app(service: str, title: str, register: Callable[[Flask], None],
                       settings: Settings | None = None, template_folder: str | None = None) -> Flask:
    settings = settings or Settings.from_env(service)
    configure_logging(service, settings.log_level)
    if not settings.dev_mode and (settings.secret_key == DEV_SECRET_KEY or len(settings.secret_key) < 16):
        raise RuntimeError("SECRET_KEY (or SECRET_KEY_FILE) must be set to a secret of 16+ characters; "
                           "the built-in one is for the demo and tests only (JINGZHUN_DEV=1)")
    app = Flask(service, template_folder=template_folder,
                static_folder=str(SHARED_DIR / "web" / "static"), static_url_path="/static")
    app.config.update(
        SERVICE=service,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="jingzhun_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE=f"Jingzhun {title} API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/docs-assets/",
        API_SPEC_OPTIONS={"components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": "jingzhun_session"}}},
            "security": [{"bearer": []}, {"session": []}]},
    )

    client = make_client(settings)
    metrics = health.Metrics()
    app.extensions.update(
        settings=settings,
        mongo=client,
        db=service_db(client, settings),
        auth_store=AuthStore(auth_db(client, settings)),
        gazetteer=Gazetteer(gazetteer_db(client, settings)),
        login_throttle=LoginThrottle(auth_db(client, settings), Limits(
            settings.login_max_failures, settings.login_window_s, settings.login_lockout_s)),
        metrics=metrics,
    )
    init_i18n(app, str(SHARED_DIR / "translations"))
    api = _Api(app)
    app.extensions["api"] = api
    register_error_handlers(app)
    health.instrument(app, metrics)
    app.register_blueprint(health.blp)
    app.register_blueprint(auth_web.blp)
    app.register_blueprint(_shared_assets())

    @app.before_request
    def _upload_limit():
        # First, before anything reads the body: a view marked ``large_upload`` (the
        # registry's import) takes a file larger than MAX_BODY_BYTES.
        view = app.view_functions.get(request.endpoint)
        if getattr(getattr(view, "view_class", view), "large_upload", False):
            request.max_content_length = settings.max_upload_bytes + 256 * 1024

    @app.before_request
    def _api_requires_a_principal():
        # Before any argument parsing: who may not write learns nothing about the input.
        if request.path.startswith("/api/"):
            view = app.view_functions.get(request.endpoint)
            # A search sent by POST (to keep personal data out of URLs) is a read.
            read_only = getattr(getattr(view, "view_class", view), "read_only", False)
            # Partners' reports (webhooks inbound) are authenticated by their signature instead.
            if getattr(getattr(view, "view_class", view), "signed_by_partner", False):
                return
            auth_web.authorize(READ if read_only or request.method in ("GET", "HEAD", "OPTIONS") else WRITE)

    @app.before_request
    def _ui_posts_need_the_csrf_token():
        # Every form, before its view looks anything up: a view cannot forget it.
        # A caller with an API token sends no cookie a third party could ride on: exempt,
        # as in the API (its session is not even read then).
        if request.method not in ("GET", "HEAD", "OPTIONS") and not request.path.startswith("/api/") \
                and not request.headers.get("Authorization", "").startswith("Bearer "):
            auth_web.check_csrf_form()

    init_guard(app)
    init_audit(app)
    init_navigation(app)

    @app.context_processor
    def _layout_context():
        return {
            "service": service,
            "service_title": title,
            "service_urls": settings.service_urls,
            "principal": auth_web.current_principal(),
            "csrf_token": auth_web.csrf_token,
            "locale": select_locale(),
            "locales": LOCALES,
            "endpoints": app.view_functions,
        }

    app.add_template_filter(yuan, "yuan")
    init_messages(app)
    register(app)
    return app
