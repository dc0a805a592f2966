"""Shared fixtures: the app built from the shipped rule table, its client and CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from guide import create_app, desk
from guide.engine import Engine
from guide.rules import open_guide

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"
#: The clinic's table, checked once for the whole run; tests read facts (phone, counts) from it.
GUIDE = open_guide(RULES)
CLINIC = GUIDE.table.clinic
#: The languages the app is configured with (`LANGUAGES`, or FLASK_LANGUAGES): every test that lists or
#: compares languages runs over these, so a third language is a catalog and one setting for the tests too.
LANGUAGES: tuple[str, ...] = tuple(create_app({"TESTING": True, "SECRET_KEY": "test"}).config["LANGUAGES"])


def flask_command(*args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    """Run `flask --app app ARGS` in the project folder, as a person would, with exactly `env`."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def migrate(url: str) -> None:
    """Bring the database at `url` up to date, as `make run` does (`flask db upgrade`)."""
    done = flask_command("db", "upgrade", env={**os.environ, "DATABASE_URL": url})
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session", autouse=True)
def counts_database(tmp_path_factory):
    """Every app of the run (and every server a test starts) counts into a database of its own, never a real one."""
    before = os.environ.get("DATABASE_URL")
    url = f"sqlite:///{tmp_path_factory.mktemp('counts') / 'guide.db'}"
    os.environ["DATABASE_URL"] = url
    migrate(url)
    yield url
    if before is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = before


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the shipped table, without Flask."""
    return GUIDE.engine


@pytest.fixture
def app():
    """The app, configured for tests."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


# ---------------------------------------------------------------- the browser ----
# Debian's Chromium driven by Playwright, against the app served on 127.0.0.1.
# Missing Chromium skips these tests with a message, except under CI (CI=true): a failure.

CHROMIUM = os.environ.get("GUIDE_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
#: The browser's locale for a language of the guide, where a region is usual (any other: the language itself).
BROWSER_LOCALES = {"en": "en-US", "es": "es-MX"}
DESKTOP = {"width": 1366, "height": 768}
#: How long a browser test waits for a page, an element or an expected state (ms): long enough for a machine whose
#: two cores are busy with other work (`make test-busy`), while a test that is really broken still fails in time.
BROWSER_WAIT = 20_000


def _need(path: Path, what: str) -> None:
    if path.exists():
        return
    message = f"{what} not found at {path}: `apt-get install chromium` / `npm ci`, or `make test`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server():
    """The app, served by Werkzeug on 127.0.0.1 on a free port, in a daemon thread."""
    app = create_app({"SECRET_KEY": "browser-tests", "SESSION_COOKIE_SECURE": False})
    desk.warm(app)  # as a server's worker does before its first request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless."""
    _need(Path(CHROMIUM), "Chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts: `new_page(js=True, viewport=PHONE, lang="en")`."""
    contexts = []

    def make(js: bool = True, viewport: dict | None = None, lang: str = "en", **options):
        context = browser.new_context(
            base_url=live_server,
            java_script_enabled=js,
            viewport=viewport or PHONE,
            locale=BROWSER_LOCALES.get(lang, lang),
            extra_http_headers={"Accept-Language": f"{BROWSER_LOCALES.get(lang, lang)},{lang};q=0.9"},
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(BROWSER_WAIT)
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core with the WCAG 2.1 A and AA rules on the page; return its violations."""
    _need(AXE, "axe-core")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]
    ]
