"""The guide: cosmetic or reconstructive? A bilingual questionnaire for Lotus Med Group."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: safe defaults, then the environment (FLASK_*, GUIDE_RULES, GUIDE_EMBED_ORIGINS), then `config`.

    Refuses to start (RuleTableError, a SystemExit listing every problem) on a broken rule table.
    """
    app = Flask(__name__, root_path=str(ROOT))
    app.config.from_mapping(
        SECRET_KEY=secrets.token_hex(32),
        GUIDE_RULES=None,
        GUIDE_EMBED_ORIGINS=(),  # the sites that may frame /embed pages: none unless configured
        LANGUAGES=("en", "es"),
        BABEL_DEFAULT_LOCALE="en",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=1),
        WTF_CSRF_TIME_LIMIT=3600,
    )
    app.config.from_prefixed_env()
    if os.environ.get("GUIDE_RULES"):
        app.config["GUIDE_RULES"] = os.environ["GUIDE_RULES"]
    if os.environ.get("GUIDE_EMBED_ORIGINS"):
        app.config["GUIDE_EMBED_ORIGINS"] = os.environ["GUIDE_EMBED_ORIGINS"]
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
