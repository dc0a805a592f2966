"""Shared fixtures: the app built from the shipped rule table, its client and CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide import create_app
from guide.check import load_checked
from guide.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the shipped table, without Flask."""
    table, _source = load_checked(RULES)
    return Engine(table)


@pytest.fixture
def app():
    """The app, configured for tests."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()
