"""The clinic manager in Chromium: log in, read the insights at 1280 and 360 px in every language (axe clean),
download the CSV; and a patient's tap on the phone link counted by the page's beacon."""

from __future__ import annotations

import csv
import io
import re
import threading

import pytest
from werkzeug.serving import make_server

from guide import codes, create_app
from guide.insights.cli import staff_cli
from guide.insights.counting import flush_all
from guide.insights.models import Count, db
from tests.conftest import BROWSER_LOCALES, GUIDE, LANGUAGES, PHONE, axe_violations, migrate

pytestmark = pytest.mark.browser

PASSWORD = "the manager's password"
WIDE = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def insights_server(tmp_path_factory):
    """The guide with a database of its own and one staff account, served on 127.0.0.1 in a thread."""
    url = f"sqlite:///{tmp_path_factory.mktemp('insights-browser') / 'guide.db'}"
    migrate(url)
    app = create_app({"SECRET_KEY": "insights-browser", "DATABASE_URL": url, "SESSION_COOKIE_SECURE": False})
    added = app.test_cli_runner().invoke(staff_cli, ["add", "manager", "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    counters = app.extensions["guide_counts"]
    today = counters.today()
    for combo in list(GUIDE.engine.decide_all())[:40:3]:  # some results, a few of them five times or more
        category = GUIDE.engine.decide(combo).category.id
        dims = {"lang": "es", "category": category, "goal": combo.goal, "cause": combo.cause, "area": combo.area}
        counters.add("result", {**dims, "via": "questions"}, day=today, n=6)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def open_page(browser, insights_server):
    """Pages in fresh contexts on the insights server: `open_page(viewport, lang)`."""
    contexts = []

    def make(viewport: dict, lang: str = "en"):
        locale = BROWSER_LOCALES.get(lang, lang)
        context = browser.new_context(
            base_url=insights_server[1],
            viewport=viewport,
            locale=locale,
            extra_http_headers={"Accept-Language": f"{locale},{lang};q=0.9"},
            accept_downloads=True,
            bypass_csp=True,  # axe is added as a script of the test
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield make
    for context in contexts:
        context.close()


def log_in(page) -> None:
    from playwright.sync_api import expect

    page.goto("/staff/insights")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.fill("#username", "manager")
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/insights"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "360"])
def test_the_manager_reads_the_insights_axe_clean(open_page, insights_server, lang, viewport):
    from flask_babel import gettext
    from playwright.sync_api import expect

    with insights_server[0].test_request_context(f"/staff/insights?lang={lang}"):
        heading = gettext("What patients ask about")  # the page's heading, in its catalog's words
    page = open_page(viewport, lang)
    log_in(page)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("svg.chart").first).to_be_visible()
    page.get_by_role("link", name=re.compile("90")).click()
    expect(page).to_have_url(re.compile(r"days=90"))
    assert axe_violations(page) == []
    page.wait_for_function("() => document.documentElement.scrollWidth <= window.innerWidth")  # nothing wider


def test_the_manager_downloads_the_csv(open_page):
    page = open_page(WIDE)
    log_in(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these counters (CSV)").click()
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert rows and {"day", "event", "count", "lang", "category"} <= set(rows[0])
    assert sum(int(row["count"]) for row in rows if row["event"] == "result") >= 6


def test_a_tap_on_the_phone_link_is_counted_by_the_pages_beacon(open_page, insights_server):
    from playwright.sync_api import expect

    app = insights_server[0]
    page = open_page(PHONE)
    combo = next(iter(GUIDE.engine.decide_all()))
    page.goto(f"/r/{codes.encode(GUIDE.engine.questions, combo)}")
    expect(page.locator("body.page-result")).to_be_visible()
    # The phone app would open: keep the page, the beacon still goes.
    page.evaluate("() => document.addEventListener('click', (e) => e.preventDefault(), true)")
    page.locator('a[href^="tel:+"]').first.click()

    def taps() -> int:
        flush_all()
        with app.app_context():
            rows = db.session.query(Count).filter_by(event="tap", page="result").all()
            db.session.remove()
            return sum(row.count for row in rows)

    for _ in range(150):  # up to 30 s: the beacon is sent after the click, on its own
        if taps() >= 1:
            break
        page.wait_for_timeout(200)
    assert taps() == 1
