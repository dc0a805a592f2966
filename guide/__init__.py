"""The guide: cosmetic or reconstructive? A bilingual questionnaire for Lotus Med Group."""

from __future__ import annotations

import os
import secrets
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


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: safe defaults, then the environment (FLASK_*, GUIDE_RULES, GUIDE_EMBED_ORIGINS), then `config`.

    Raises `RuleTableError` (listing every problem) on a broken rule table.
    """
    app = Flask(__name__, root_path=str(ROOT))
    app.config.from_mapping(
        SECRET_KEY=secrets.token_hex(32),
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
        WTF_CSRF_TIME_LIMIT=3600,
        # Flask-WTF's HTTPS check wants a Referer, which Referrer-Policy: no-referrer never sends: every
        # form would fail over HTTPS. The questionnaire checks Sec-Fetch-Site/Origin instead (views.refuse_forgeries).
        WTF_CSRF_SSL_STRICT=False,
    )
    app.config.from_prefixed_env()
    if config:
        app.config.from_mapping(config)

    from flask_wtf.csrf import CSRFProtect

    from guide import api, desk, embed, errors, locale, rules, security, views

    rules.init_app(app)
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
    return app


def create_app_or_exit() -> Flask:
    """Build the app for a server; on a broken rule table, print every problem and exit with status 1."""
    try:
        return create_app()
    except RuleTableError as error:
        print("\n".join(error.problems), file=sys.stderr)
        raise SystemExit(1) from None
