"""The rule table as the web app holds it: loaded and checked once, at start."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from guide.check import default_rules_path, load_checked
from guide.engine import Engine
from guide.table import Source, Table


@dataclass(frozen=True)
class Guide:
    """The checked table, where it came from, and the engine over it."""

    table: Table
    source: Source
    engine: Engine


def init_app(app: Flask) -> None:
    """Load and check the rule table; a broken one stops the app with its problems."""
    path = app.config["GUIDE_RULES"] or default_rules_path()
    table, source = load_checked(path)
    app.extensions["guide"] = Guide(table, source, Engine(table))


def current_guide() -> Guide:
    """Return the guide of the running app."""
    return current_app.extensions["guide"]
