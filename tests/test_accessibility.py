"""axe-core (WCAG 2.1 A and AA) in Chromium on every page state of the patient guide, in both languages."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE, axe_violations

pytestmark = pytest.mark.browser

ROUTE = [("urgent", "no"), ("goal", "appearance"), ("cause", "trauma"), ("gender", "male"), ("area", "nose")]
RESULTS = {
    "reconstructive": {},
    "cosmetic": {"cause": "none"},
    "undetermined": {"cause": "unsure", "area": "breast_chest"},
    "no procedure": {"cause": "trauma", "area": "unsure"},
}


def field_url(field: str) -> str:
    return "/before-you-start" if field == "urgent" else f"/question/{field}"


def states(page):
    """Walk every page state, yielding its name once the page is showing it."""
    page.goto("/")
    yield "start"
    for field, code in ROUTE:
        page.goto(field_url(field))
        yield field
        page.click("button[type=submit]")
        page.wait_for_selector(".error-summary")
        yield f"{field} with error"
        page.click(f"label[for='{field}-{code}']")
        page.click("button[type=submit]")
    page.goto("/check-answers")
    yield "check answers"
    for name, change in RESULTS.items():
        answers = dict(ROUTE) | change
        for field in ("cause", "area"):
            page.goto(field_url(field) + "?change=1")
            page.click(f"label[for='{field}-{answers[field]}']")
            page.click("button[type=submit]")
        page.goto("/result")
        yield f"result {name}"
    page.goto("/get-help-now")
    yield "emergency"
    page.goto("/code?code=OOPS")
    yield "code with error"
    page.goto("/nowhere")
    yield "not found"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_nothing_on_any_page(new_page, lang, viewport):
    page = new_page(js=True, viewport=viewport, lang=lang, bypass_csp=True)
    found = {}
    seen = 0
    for name in states(page):
        seen += 1
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert seen == 19
    assert not found, found


def test_the_csrf_page_passes_axe(browser, new_page, live_server):
    page = new_page(js=True, bypass_csp=True)
    page.goto("/before-you-start")
    page.evaluate("() => { document.querySelector('input[name=csrf_token]').value = 'forged'; }")
    page.click("label[for='urgent-no']")
    page.click("button[type=submit]")
    assert page.inner_text("h1") == "Please try that again"
    assert axe_violations(page) == []
