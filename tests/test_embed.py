"""The guide in a frame on another site, and the full site with every cookie refused, in Chromium.

The host page is the README's two-line snippet, served from http://localhost:P1; the guide runs on
http://127.0.0.1:P2: another site, so the browser sends the guide's cookies neither way (and this
browser blocks third-party cookies besides). Results are compared with the engine, never written here.
"""

from __future__ import annotations

import contextlib
import re
import threading

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from guide import codes, create_app

from .conftest import BROWSER_LOCALES, BROWSER_WAIT, CHROMIUM, CHROMIUM_ARGS, LANGUAGES, PHONE, ROOT, axe_violations

pytestmark = pytest.mark.browser

ROUTE = [("urgent", "no"), ("goal", "appearance"), ("cause", "trauma"), ("gender", "male"), ("area", "nose")]
PLACEHOLDER = "https://guide.example.org"


def readme_snippet() -> str:
    """The two lines of HTML the README gives the clinic's web person."""
    section = (ROOT / "README.md").read_text().split("## On the clinic's own website", 1)[1]
    return re.search(r"```html\n(.*?)```", section, re.S).group(1)


def serve(wsgi_app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_port, server


@pytest.fixture(scope="module")
def sites():
    """The clinic's page (listed as an embedder when opened as localhost) and the guide."""
    state = {"guide": "", "cookies": []}

    @Request.application
    def clinic(request):
        lang = request.args.get("lang", "en")
        snippet = readme_snippet().replace(PLACEHOLDER, state["guide"]).replace("lang=es", f"lang={lang}")
        page = f'<!doctype html><html lang="{lang}"><head><title>Clinic</title></head><body><h1>Clinic</h1>{snippet}'
        return Response(page + "</body></html>", content_type="text/html")

    host_port, host_server = serve(clinic)
    app = create_app({"SECRET_KEY": "embed-tests", "GUIDE_EMBED_ORIGINS": f"http://localhost:{host_port}"})

    def recording(environ, start_response):
        if environ.get("HTTP_COOKIE"):
            state["cookies"].append(environ.get("PATH_INFO"))
        return app(environ, start_response)

    guide_port, guide_server = serve(recording)
    state["guide"] = f"http://127.0.0.1:{guide_port}"
    yield {
        "host": f"http://localhost:{host_port}",
        "stranger": f"http://127.0.0.1:{host_port}",
        "guide": state["guide"],
        "cookies": state["cookies"],
    }
    guide_server.shutdown()
    host_server.shutdown()


@pytest.fixture(scope="module")
def no_third_party_cookies(browser):
    """A second Chromium, with third-party cookies blocked."""
    args = [*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"]
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield chromium
    chromium.close()


def expected(engine, combo) -> dict:
    rec = engine.decide(combo)
    return {
        "category": rec.category.id,
        "rule": rec.rule.id,
        "procedures": [p.id for p in rec.procedures],
        "code": codes.encode(engine.questions, combo),
    }


def shown(scope) -> dict:
    """What a result page (or the frame showing one) says."""
    panel = scope.locator("[data-category]")
    return {
        "category": panel.get_attribute("data-category"),
        "rule": panel.get_attribute("data-rule"),
        "procedures": [li.get_attribute("data-procedure") for li in scope.locator("[data-procedure]").all()],
        "code": scope.locator(".code").inner_text(),
    }


def combo_of(route) -> tuple[str, ...]:
    return tuple(code for field, code in route if field != "urgent")


#: The height of the frame's window, of the page inside it, and how far that page scrolls inside.
FITS = """() => [
  window.innerHeight,
  document.documentElement.getBoundingClientRect().height,
  document.documentElement.scrollHeight - window.innerHeight,
]"""


def wait_to_fit(page) -> tuple[float, float, float]:
    """Wait until the frame is as tall as the page inside it (or the wait runs out); give FITS then."""
    inner = page.locator("iframe[data-guide]").element_handle().content_frame()
    with contextlib.suppress(PlaywrightTimeout):
        inner.wait_for_function(f"() => {{ const [h, c, o] = ({FITS})(); return Math.abs(h - c) <= 1 && o <= 0; }}")
    height, content, overflow = inner.evaluate(FITS)
    return height, content, overflow


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_the_embedded_guide_walks_to_the_engines_result_on_another_site(
    no_third_party_cookies, sites, engine, js, lang
):
    locale = BROWSER_LOCALES.get(lang, lang)
    context = no_third_party_cookies.new_context(java_script_enabled=js, viewport=PHONE, locale=locale)
    page = context.new_page()
    page.set_default_timeout(BROWSER_WAIT)
    sites["cookies"].clear()
    page.goto(f"{sites['host']}/?lang={lang}")
    frame = page.frame_locator("iframe[data-guide]")
    expect(frame.locator("html")).to_have_attribute("lang", lang)
    static_height = float(page.locator("iframe[data-guide]").get_attribute("height"))
    heights = []
    if js:
        height, content, overflow = wait_to_fit(page)
        assert abs(height - content) <= 1 and overflow <= 0, (height, content, overflow)
        heights.append(height)
    frame.locator("a.button-start").click()
    for field, code in ROUTE:
        frame.locator(f"label[for='{field}-{code}']").click()
        frame.locator("button[type=submit]").click()
    frame.locator(".summary-list").wait_for()
    frame.locator("a.button[href*='/result']").click()
    frame.locator("[data-category]").wait_for()
    frame.locator(".code").wait_for()  # the end of the result panel: it has arrived whole
    assert shown(frame) == expected(engine, combo_of(ROUTE))
    expect(frame.locator("html")).to_have_attribute("lang", lang)
    phone = frame.locator(".consultation a[href^='tel:']")
    expect(phone).to_have_attribute("target", "_top")
    assert page.url.startswith(sites["host"]), "the walk stayed inside the frame"
    assert sites["cookies"] == [], "the guide received a cookie inside the frame"
    if js:
        height, content, overflow = wait_to_fit(page)
        assert abs(height - content) <= 1 and overflow <= 0, (height, content, overflow)
        heights.append(height)
        assert heights[0] != static_height and heights[1] != static_height, "the frame follows its page"
    context.close()


def test_a_site_not_listed_cannot_frame_the_guide(no_third_party_cookies, sites):
    context = no_third_party_cookies.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(BROWSER_WAIT)
    page.goto(f"{sites['host']}/")
    page.frame_locator("iframe[data-guide]").locator("a.button-start").wait_for()  # the listed site frames it
    page.goto(f"{sites['stranger']}/")  # loaded: its frame too, with whatever the browser let it show
    inner = page.locator("iframe[data-guide]").element_handle().content_frame()
    inner.wait_for_load_state()
    assert inner.locator("a.button-start").count() == 0, "a site not listed framed the guide"
    page.goto(f"{sites['host']}/")
    with page.expect_event("framenavigated", predicate=lambda frame: frame.parent_frame is not None):
        page.evaluate(
            "guide => { const f = document.querySelector('iframe'); f.src = guide + '/?lang=en'; }", sites["guide"]
        )
    inner = page.locator("iframe[data-guide]").element_handle().content_frame()
    inner.wait_for_load_state()
    assert inner.locator("a.button-start").count() == 0, "a page outside /embed was framed"
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_the_full_site_reaches_the_result_with_every_cookie_refused(new_page, engine, js, lang):
    page = new_page(js=js, lang=lang)

    def refused(selector: str) -> str:
        """Once the page shows `selector`, forget every cookie, as a browser that refuses them would have."""
        page.wait_for_selector(selector)
        page.context.clear_cookies()
        return selector

    page.goto("/")
    page.click(refused("a.button-start"))
    for field, code in ROUTE:
        page.click(refused(f"label[for='{field}-{code}']"))
        page.click("button[type=submit]")
    page.click(refused("a.button[href*='/result']"))
    refused("[data-category]")
    page.wait_for_load_state()
    assert shown(page) == expected(engine, combo_of(ROUTE))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.click("a.back-link[href*='/check-answers']")
    page.click(refused("a[href*='/question/cause']"))
    page.click(refused("label[for='cause-none']"))
    page.click("button[type=submit]")
    page.click(refused("a.button[href*='/result']"))
    refused("[data-category]")
    page.wait_for_load_state()
    changed = [(f, "none" if f == "cause" else c) for f, c in ROUTE]
    assert shown(page) == expected(engine, combo_of(changed))
    assert page.context.cookies() == []


def embed_states(page):
    """Walk every state of the embed pages (top level: axe runs in the page), yielding each name."""
    page.goto("/embed/")
    yield "start"
    for field, code in ROUTE:
        page.goto("/embed/before-you-start" if field == "urgent" else f"/embed/question/{field}")
        yield field
        page.click("button[type=submit]")
        page.wait_for_selector(".error-summary")
        yield f"{field} with error"
        page.click(f"label[for='{field}-{code}']")
        here = page.url
        page.click("button[type=submit]")
        page.wait_for_url(lambda url, here=here: url != here)  # the answer is kept: on to the next page
    page.goto("/embed/check-answers")
    yield "check answers"
    page.goto("/embed/result")
    yield "result"
    page.goto("/embed/get-help-now")
    yield "emergency"
    page.goto("/embed/code?code=OOPS")
    yield "code with error"
    page.goto("/embed/nowhere")
    yield "not found"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_nothing_on_the_embed_pages(new_page, lang):
    page = new_page(js=True, lang=lang, bypass_csp=True)
    found = {}
    names = []
    for name in embed_states(page):
        names.append(name)
        assert "/embed/" in page.url
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert len(names) == 16
    assert not found, found
