"""The guide: cosmetic or reconstructive? A bilingual questionnaire for Lotus Med Group."""

from __future__ import annotations

import os
import re
import secrets
import stat
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from guide.configuration import ConfigurationError
from guide.rules import rules_path
from guide.table import RuleTableError

ROOT = Path(__file__).resolve().parent.parent
#: The languages the guide speaks, English (the language of rules.yaml) first. Adding one: a catalog
#: (`make language CODE=xx`, then translate) and its code here (or FLASK_LANGUAGES='["en", "es", "xx"]').
LANGUAGES = ("en", "es")
#: The shortest secret key accepted outside debug (FLASK_SECRET_KEY or the key file).
MIN_KEY = 32

__all__ = ["LANGUAGES", "ConfigurationError", "create_app", "create_app_or_exit", "key_file", "read_or_create_key"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: safe defaults, then the environment (FLASK_*, GUIDE_*), then `config`.

    Raises `ConfigurationError` when it cannot start: a broken rule table (every problem), no usable
    secret key, a setting out of bounds.
    """
    app = Flask(__name__, root_path=str(ROOT))
    configure(app, config)
    try:
        init_rules(app)
        init_secret_key(app)
        init_request_life(app)
    except RuleTableError as error:
        raise ConfigurationError("The rule table is broken", tuple(error.problems)) from None
    return app


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Safe defaults, then the environment, then the mapping a caller passes."""
    from guide.limits import MAX_BODY

    app.config.from_mapping(
        # FLASK_SECRET_KEY, else the key kept in SECRET_KEY_FILE (init_secret_key): never one per process.
        SECRET_KEY=None,
        SECRET_KEY_FILE=None,  # default: the instance folder's secret_key
        SECRET_KEY_CREATE=True,  # make the key file if there is none (a reload's check says False)
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        MAX_FORM_PARTS=32,
        # How many proxies in front set X-Forwarded-For/-Proto/-Host (ProxyFix); 0: none is trusted.
        GUIDE_PROXIES=os.environ.get("GUIDE_PROXIES") or 0,
        # The host names the guide answers to (space or comma separated; empty: any, as in development).
        TRUSTED_HOSTS=os.environ.get("TRUSTED_HOSTS", ""),
        GUIDE_RULES=rules_path(),
        # The sites that may frame the /embed pages (origins, space or comma separated): none by default.
        GUIDE_EMBED_ORIGINS=os.environ.get("GUIDE_EMBED_ORIGINS", ""),
        LANGUAGES=LANGUAGES,
        BABEL_DEFAULT_LOCALE="en",
        # Where the clinic is: the date on a printed result is the clinic's date (FLASK_BABEL_DEFAULT_TIMEZONE).
        BABEL_DEFAULT_TIMEZONE="America/Tijuana",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=1),
        # The hour counts from the last answer, not the last page seen: no cookie is re-sent for a mere view.
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=3600,
        # Flask-WTF's HTTPS check wants a Referer, which browsers may withhold (privacy settings, the
        # embed's frame): forms would fail. The questionnaire checks Sec-Fetch-Site/Origin instead (guide.origin).
        WTF_CSRF_SSL_STRICT=False,
    )
    app.config.from_prefixed_env()
    if config:
        app.config.from_mapping(config)
    key = os.environ.get("FLASK_SECRET_KEY")
    if key and "SECRET_KEY" not in (config or {}) and len(key) < MIN_KEY and not app.debug:
        raise ConfigurationError(
            f"FLASK_SECRET_KEY is too short: at least {MIN_KEY} characters outside debug "
            '(python3 -c "import secrets; print(secrets.token_hex(32))")'
        )


def init_rules(app: Flask) -> None:
    """Load and check the rule table (guide.rules); a broken one raises RuleTableError."""
    from guide import rules

    rules.init_app(app)


def init_request_life(app: Flask) -> None:
    """Register what happens to a request, in the order it happens: the one place to read it, or to add a step.

    Before Flask (WSGI layers): the trusted proxies, then the /embed prefix. Flask checks the Host
    (TRUSTED_HOSTS), routes the request and opens the session. Then, in this order: the size
    limits, what /embed serves, the language, the CSRF token and the forms' origin, the view. On the
    way out, in this order: the static files' max-age, the security headers, the language cookie, the
    embed's tap-to-call links. Errors get pages in the visitor's language; every log is masked.
    """
    from guide import api, assets, desk, embed, errors, headers, insights, limits, locale, logs, sessions, views

    init_wsgi_layers(app)
    init_hosts(app)
    sessions.init_app(app)  # the signed cookie session, Secure over TLS (opened before the first hook)
    limits.init_app(app)  # 414, 431, 413, 400 before anything reads the request
    embed.init_app(app)  # only the questionnaire under /embed; its tap-to-call links leave the frame
    locale.init_app(app)  # ?lang=, its cookie, Accept-Language
    init_csrf(app)  # Flask-WTF's token; the questionnaire also checks where its forms come from (guide.origin)
    api.init_app(app)
    views.init_app(app)
    desk.init_app(app)
    insights.init_app(app)  # counting, the database, the staff pages (after the CSRF setup: it exempts the beacons)
    # Flask runs after-request hooks last-registered first: these two are the first a response meets.
    headers.init_app(app)
    assets.init_app(app)
    errors.init_app(app)
    logs.init_app(app)


def init_wsgi_layers(app: Flask) -> None:
    """The layers a request meets before Flask, outermost first: the trusted proxies, then the /embed prefix."""
    from guide.embed import EmbedPrefix

    app.wsgi_app = proxies(app, EmbedPrefix(app.wsgi_app))  # type: ignore[method-assign]  # Flask's middleware idiom


def proxies(app: Flask, wsgi_app: Any) -> Any:
    """Trust X-Forwarded-For/-Proto/-Host from exactly GUIDE_PROXIES proxies (configuration only: 0 trusts none)."""
    try:
        hops = int(app.config["GUIDE_PROXIES"])
    except (TypeError, ValueError):
        hops = -1
    if not 0 <= hops <= 8:
        raise ConfigurationError(f"GUIDE_PROXIES: a number of proxies from 0 to 8, not {app.config['GUIDE_PROXIES']!r}")
    app.config["GUIDE_PROXIES"] = hops
    return ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops) if hops else wsgi_app


def init_hosts(app: Flask) -> None:
    """Answer only the host names in TRUSTED_HOSTS (others get 400), so that no link names a forged Host."""
    value = app.config.get("TRUSTED_HOSTS") or ()
    hosts = [host for host in re.split(r"[\s,]+", value) if host] if isinstance(value, str) else list(value)
    app.config["TRUSTED_HOSTS"] = hosts or None


def init_csrf(app: Flask) -> None:
    """Flask-WTF's CSRF token for every form; the API takes none, the questionnaire checks its own forms."""
    from guide import api, views

    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)
    csrf.exempt(views.bp)  # with or without a session (guide.origin.refuse_forgeries)


def init_secret_key(app: Flask) -> None:
    """Use FLASK_SECRET_KEY if set; else the key kept in the instance folder, created once (mode 0600) and reused.

    Every process of every server that shares the key (the same FLASK_SECRET_KEY, or the same file)
    reads the same sessions (a FLASK_SECRET_KEY shorter than MIN_KEY characters is refused outside
    debug: `configure`). Raise `ConfigurationError`, with one line, when no key can be had.
    """
    if app.config.get("SECRET_KEY"):
        return
    path = key_file(app)
    if not app.config.get("SECRET_KEY_CREATE", True) and not path.exists():
        raise ConfigurationError(
            f"{path}: the secret key file is missing; a new key would send every patient back to the start. "
            "Put the file back (or set FLASK_SECRET_KEY), or restart the server to make a new key."
        )
    try:
        app.config["SECRET_KEY"] = read_or_create_key(path)
    except OSError as error:
        raise ConfigurationError(
            f"No secret key: FLASK_SECRET_KEY is not set and {path} cannot be used ({error.strerror or error}). "
            "Set FLASK_SECRET_KEY, or let the guide create that file."
        ) from None


def key_file(app: Flask) -> Path:
    """Where the key is kept when FLASK_SECRET_KEY is not set: SECRET_KEY_FILE, else the instance folder's."""
    return Path(app.config.get("SECRET_KEY_FILE") or Path(app.instance_path) / "secret_key")


def read_or_create_key(path: Path) -> str:
    """Read the key kept at `path`; create it first if there is none (atomically: concurrent starters agree)."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(partial, path)  # fails if another process made the key first: then theirs is read
        except FileExistsError:
            pass
        finally:
            os.unlink(partial)
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(f"{path}: the secret key file must be readable by its owner only: chmod 600 {path}")
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise ConfigurationError(f"{path}: the secret key in this file is too short (at least {MIN_KEY} characters)")
    return key


def create_app_or_exit() -> Flask:
    """Build the app for a server; when it cannot start, print why (every problem) and exit with status 1."""
    try:
        return create_app()
    except ConfigurationError as error:
        print("\n".join(error.problems), file=sys.stderr)
        raise SystemExit(1) from None
