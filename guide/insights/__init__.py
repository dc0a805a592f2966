"""Insights for staff: what patients ask the clinic about, counted without personal data, on a real database.

- `counting`: `count(event, **dimensions)`, counters per day in memory, written in batches;
- `events`: what the patient pages and the desk count (one call from a view each) and the phone-tap beacon;
- `models`: the tables (counters, staff accounts); `migrations/` brings a database up to date;
- `staff`: staff accounts, the login, `/staff/insights` and its CSV; `report`: what that page shows;
- `cli`: `flask --app app guide staff add|remove|list`.

`DATABASE_URL` selects the database: SQLite in the instance folder by default (WAL), PostgreSQL
(`postgresql://…`, through psycopg 3) when several hosts serve the guide.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import event

from guide.insights.counting import count
from guide.insights.models import db

__all__ = ["count", "init_app", "upgrade_or_explain"]

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


def database_url(app: Flask) -> str:
    """DATABASE_URL (from the app's config or the environment), else SQLite in the instance folder."""
    url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        return f"sqlite:///{Path(app.instance_path) / 'guide.db'}"
    for scheme in ("postgres://", "postgresql://"):  # psycopg 3, not SQLAlchemy's default driver
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def engine_options(url: str) -> dict[str, Any]:
    """Wait at most a few seconds for a busy or absent database (only the background writer and staff ever wait)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 5}}
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}


def sqlite_pragmas(connection: Any, _record: Any) -> None:
    """SQLite: write-ahead logging (readers never wait for the writer), and wait up to 5 s for a lock."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def init_app(app: Flask) -> None:
    """Set up the database, counting, the tap beacon and the staff pages. Call it after CSRFProtect(app)."""
    from guide.insights import counting, events, staff

    off = os.environ.get("GUIDE_COUNTING", "").lower() in ("0", "false", "off", "no")
    app.config.setdefault("GUIDE_COUNTING", not off)
    url = app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(url))
    db.init_app(app)
    Migrate(app, db, directory=str(MIGRATIONS))
    if url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", sqlite_pragmas)
    counting.register(app)
    app.register_blueprint(events.bp)
    csrf = app.extensions.get("csrf")
    if csrf is None:
        raise RuntimeError("guide.insights.init_app must be called after CSRFProtect(app)")
    for beacon in (events.tap, events.desk_beacon):  # a beacon carries no token: the view checks where it came from
        csrf.exempt(beacon)
    staff.init_app(app)


def upgrade_or_explain(app: Flask) -> bool:
    """Bring the database's schema up to date (`flask db upgrade`, in-process), or say why it could not be.

    A database that cannot be reached does not stop the guide: say why on standard error (gunicorn logs
    it), and serve; the counts wait in memory until it can be written.
    """
    from flask_migrate import upgrade

    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS))
    except (Exception, SystemExit) as error:  # Flask-Migrate exits on Alembic's own errors
        reason = str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__
        print(f"The database could not be brought up to date ({reason}): counts wait in memory.", file=sys.stderr)
        return False
    return True
