"""Which language a request gets, and the language switch."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import Babel, get_locale

LANG_COOKIE = "lang"
#: Each language named in itself, as the switch shows it.
NATIVE_NAMES = {"en": "English", "es": "Español"}


def _supported(value: str | None) -> str | None:
    return value if value in current_app.config["LANGUAGES"] else None


def explicit_choice() -> str | None:
    """The language asked for with `?lang=`, if it is one we speak."""
    return _supported(request.args.get("lang"))


def select_locale() -> str:
    """Pick the language: `?lang=`, then the switch's cookie (not for the API), then Accept-Language, then English."""
    choice = explicit_choice()
    if choice is None and not request.path.startswith("/api/"):
        choice = _supported(request.cookies.get(LANG_COOKIE))
    return choice or request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def switch_url(lang: str) -> str:
    """The current page, in another language: same path, same query, other `lang`."""
    args = request.args.to_dict()
    args["lang"] = lang
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def remember_choice(response):
    """Keep an explicit choice of language in a cookie, so every later page follows it."""
    choice = explicit_choice()
    if choice and not request.path.startswith("/api/") and request.cookies.get(LANG_COOKIE) != choice:
        response.set_cookie(LANG_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    """Wire Flask-Babel, the language switch and the Jinja settings extraction relies on."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.after_request(remember_choice)

    @app.context_processor
    def language_context():
        current = str(get_locale())
        return {
            "lang": current,
            "languages": [
                {"code": code, "name": NATIVE_NAMES[code], "url": switch_url(code), "current": code == current}
                for code in app.config["LANGUAGES"]
            ],
        }
