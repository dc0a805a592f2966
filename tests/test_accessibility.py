"""axe-core (WCAG 2.1 A and AA) in Chromium on every page state of the patient guide, in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, LANGUAGES, PHONE, axe_violations
from .pages import PATIENT_STATES, open_in_browser

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_nothing_on_any_page(new_page, lang, viewport):
    page = new_page(js=True, viewport=viewport, lang=lang, bypass_csp=True)
    found = {}
    for state in PATIENT_STATES:
        open_in_browser(page, state)
        violations = axe_violations(page)
        if violations:
            found[state.name] = violations
    assert not found, found


def test_the_csrf_page_passes_axe(browser, new_page, live_server):
    page = new_page(js=True, bypass_csp=True)
    page.goto("/before-you-start")
    page.evaluate("() => { document.querySelector('input[name=csrf_token]').value = 'forged'; }")
    page.click("label[for='urgent-no']")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Please try that again")
    assert axe_violations(page) == []
