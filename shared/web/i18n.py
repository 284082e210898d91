"""zh-CN / en: the language comes from ?lang=, then the lang cookie, then the browser.

Babel expands zh_CN to zh_Hans_CN when it looks for catalogues, so the catalogue folder
``translations/zh_Hans_CN`` is a link to ``translations/zh_CN``."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "lang"


def select_locale() -> str:
    wanted = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if wanted in LOCALES:
        return wanted
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return current_app.extensions["settings"].default_locale
    return "zh_CN" if best.startswith("zh") else "en"


def init_i18n(app: Flask, translations_dir: str) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories=translations_dir)

    @app.after_request
    def _remember_language(response):
        lang = request.args.get("lang")
        if lang in LOCALES:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax")
        return response
