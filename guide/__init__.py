"""The guide: cosmetic or reconstructive? A bilingual questionnaire for Lotus Med Group."""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from guide.rules import rules_path
from guide.table import RuleTableError

ROOT = Path(__file__).resolve().parent.parent
#: The languages the guide speaks, English (the language of rules.yaml) first. Adding one: a catalog
#: (`make language CODE=xx`, then translate) and its code here (or FLASK_LANGUAGES='["en", "es", "xx"]').
LANGUAGES = ("en", "es")
#: The largest request body the guide reads: its forms send a few short codes, the API four of them.
MAX_BODY = 16 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: safe defaults, then the environment (FLASK_*, GUIDE_RULES, GUIDE_EMBED_ORIGINS), then `config`.

    Raises `RuleTableError` (listing every problem) on a broken rule table.
    """
    app = Flask(__name__, root_path=str(ROOT))
    app.config.from_mapping(
        # FLASK_SECRET_KEY, else the key kept in SECRET_KEY_FILE (init_secret_key): never one per process.
        SECRET_KEY=None,
        SECRET_KEY_FILE=None,  # default: the instance folder's secret_key
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        MAX_FORM_PARTS=32,
        # How many proxies in front set X-Forwarded-For/-Proto/-Host (ProxyFix); 0: none is trusted.
        GUIDE_PROXIES=int(os.environ.get("GUIDE_PROXIES") or 0),
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
        # Flask-WTF's HTTPS check wants a Referer, which Referrer-Policy: no-referrer never sends: every
        # form would fail over HTTPS. The questionnaire checks Sec-Fetch-Site/Origin instead (views.refuse_forgeries).
        WTF_CSRF_SSL_STRICT=False,
    )
    app.config.from_prefixed_env()
    if config:
        app.config.from_mapping(config)

    from flask_wtf.csrf import CSRFProtect

    from guide import api, desk, embed, errors, insights, locale, replay, rules, security, views

    rules.init_app(app)
    init_secret_key(app)
    replay.init_app(app)  # first: the innermost WSGI layer, right above Flask
    embed.init_app(app)
    locale.init_app(app)
    security.init_app(app)
    api.init_app(app)
    views.init_app(app)
    desk.init_app(app)
    errors.init_app(app)
    csrf = CSRFProtect(app)
    csrf.exempt(api.bp)
    csrf.exempt(views.bp)  # the questionnaire checks its own forms, with or without a session (refuse_forgeries)
    insights.init_app(app)  # counting, the database, the staff pages (after CSRFProtect: it exempts the tap beacon)
    return app


def init_secret_key(app: Flask) -> None:
    """Use FLASK_SECRET_KEY if set; else the key kept in the instance folder, created once (mode 0600) and reused.

    Every process of every server that shares the key (the same FLASK_SECRET_KEY, or the same file)
    reads the same sessions. Refuse to start, with one line, when neither can be had.
    """
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.config.get("SECRET_KEY_FILE") or Path(app.instance_path) / "secret_key")
    try:
        app.config["SECRET_KEY"] = read_or_create_key(path)
    except OSError as error:
        raise SystemExit(
            f"No secret key: FLASK_SECRET_KEY is not set and {path} cannot be used ({error.strerror or error}). "
            "Set FLASK_SECRET_KEY, or let the guide create that file."
        ) from None


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
        raise SystemExit(f"{path}: the secret key file must be readable by its owner only: chmod 600 {path}")
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise SystemExit(f"{path}: the secret key in this file is too short (at least 32 characters)")
    return key


def create_app_or_exit() -> Flask:
    """Build the app for a server; on a broken rule table, print every problem and exit with status 1."""
    try:
        return create_app()
    except RuleTableError as error:
        print("\n".join(error.problems), file=sys.stderr)
        raise SystemExit(1) from None
