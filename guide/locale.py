"""Which language a request gets, and the language switch."""

from __future__ import annotations

from functools import cache, lru_cache
from urllib.parse import urlencode

from babel import Locale
from babel.lists import format_list
from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from guide import translations
from guide.api import for_api
from guide.sessions import cookie_secure

LANG_COOKIE = "lang"
#: The longest path an error page's language links repeat (a longer one: they lead to the start).
SHORT_PATH = 200


@cache
def native_name(code: str) -> str:
    """A language named in itself, as the switch shows it (from Babel's locale data): "Español"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=32)
def spoken(languages: tuple[str, ...], here: str) -> str:
    """The languages the guide speaks, named in the language `here` as a list: "English and Spanish"."""
    return format_list([Locale.parse(code).get_display_name(here) or code for code in languages], locale=here)


def _supported(value: str | None) -> str | None:
    return value if value in current_app.config["LANGUAGES"] else None


def explicit_choice() -> str | None:
    """The language asked for with `?lang=`, if it is one we speak."""
    args = request.args
    return _supported(args["lang"]) if "lang" in args else None


def select_locale() -> Locale:
    """Pick the language: `?lang=`, then the switch's cookie (not for the API), then Accept-Language, then English."""
    choice = explicit_choice()
    if choice is None and not for_api():
        choice = _supported(request.cookies.get(LANG_COOKIE))
    if choice is None:
        header = request.headers.get("Accept-Language", "")
        choice = best_language(header, tuple(current_app.config["LANGUAGES"])) if header else None
    return locale_of(choice or "en")


@lru_cache(maxsize=256)
def best_language(header: str, languages: tuple[str, ...]) -> str | None:
    """The language an Accept-Language header prefers among ours (Werkzeug's matching), worked out once per header."""
    return parse_accept_header(header, LanguageAccept).best_match(languages)


@cache
def locale_of(code: str) -> Locale:
    """Babel's locale for a code, parsed once (Flask-Babel takes a Locale as it is)."""
    return Locale.parse(code)


def switch_url(lang: str) -> str:
    """The current page, in another language: same path, same query, other `lang` (an error page: `lang` alone)."""
    error_page = g.get("error_page")
    path = "/" if error_page and len(request.path) > SHORT_PATH else request.path
    # The query kept, unless it is an error page's or there is none (then nothing to parse).
    args = request.args.to_dict() if request.query_string and not error_page else {}
    args["lang"] = lang
    return f"{request.script_root}{path}?{urlencode(args)}"


def remember_choice(response):
    """Keep an explicit choice of language in a cookie, so every later page follows it."""
    choice = explicit_choice()
    if choice and not for_api() and request.cookies.get(LANG_COOKIE) != choice:
        response.set_cookie(
            LANG_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax", httponly=True, secure=cookie_secure()
        )
    return response


def init_app(app: Flask) -> None:
    """Wire Flask-Babel, the language switch and the Jinja settings extraction relies on."""
    Babel(app, locale_selector=select_locale)
    translations.init_app(app)  # the templates' _() looks the catalog up once per request, not once per text
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
                {"code": code, "name": native_name(code), "url": switch_url(code), "current": code == current}
                for code in app.config["LANGUAGES"]
            ],
            "spoken": spoken(tuple(app.config["LANGUAGES"]), current),
        }
