"""The questionnaire in a real browser: by mouse and by keyboard, with JavaScript on and off,
at phone and desktop widths; then axe on every page state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, GUIDE, LANGUAGES, PHONE

pytestmark = pytest.mark.browser

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
ROUTE = [("urgent", "no"), ("goal", "appearance"), ("cause", "trauma"), ("gender", "male"), ("area", "nose")]


def choose_by_mouse(page, field, code):
    page.click(f"label[for='{field}-{code}']")
    page.click("button[type=submit]")


def choose_by_keyboard(page, field, code):
    """Tab to the radio group, arrow to the answer, Enter to submit: no mouse."""
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "radio":
            break
    else:
        raise AssertionError("Tab never reached the answers")
    page.keyboard.press("Space")
    while page.evaluate("() => document.activeElement.value") != code:
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("choose", [choose_by_mouse, choose_by_keyboard], ids=["mouse", "keyboard"])
def test_a_patient_goes_from_start_to_result(new_page, js, width, choose):
    page = new_page(js=js, viewport=WIDTHS[width])
    page.goto("/")
    page.click("text=Start")
    for field, code in ROUTE:
        page.wait_for_selector(f"#{field}-{code}")
        choose(page, field, code)
    page.wait_for_url("**/check-answers")
    expect(page.locator("h1")).to_have_text("Check your answers")
    page.click("text=See the result")
    expect(page.locator("h1")).to_have_text("Most likely: reconstructive surgery")
    phone = page.locator(".consultation a[href^='tel:']")
    expect(phone).to_have_attribute("href", "tel:+16192408681")
    expect(phone).to_have_text("619-240-8681")
    expect(phone).to_be_visible()
    page_width = page.evaluate("() => document.documentElement.scrollWidth")  # the result is on show (above)
    assert page_width <= WIDTHS[width]["width"], "the page scrolls sideways"


def test_a_mistake_is_corrected_through_the_error_summary_without_javascript(new_page):
    page = new_page(js=False)
    page.goto("/before-you-start")
    choose_by_mouse(page, "urgent", "no")
    page.wait_for_url("**/question/goal")
    page.click("button[type=submit]")
    expect(page).to_have_title(re.compile(r"^Error: "))  # once the posted page has arrived
    summary = page.locator(".error-summary a")
    expect(summary).to_have_text(GUIDE.table.question("goal").error)
    summary.click()
    expect(page).to_have_url(re.compile(r"#goal-appearance$"))
    choose_by_mouse(page, "goal", "function")
    expect(page).to_have_url(re.compile(r"/question/cause$"))


def test_the_error_summary_takes_focus_with_javascript(new_page):
    page = new_page(js=True)
    page.goto("/before-you-start")
    page.click("button[type=submit]")
    expect(page.locator(".error-summary")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#urgent-yes")).to_be_focused()


def walk(page, route):
    page.goto("/before-you-start")
    for field, code in route:
        choose_by_mouse(page, field, code)


def test_change_from_check_answers_returns_there_and_recomputes(new_page):
    page = new_page(js=False)
    walk(page, ROUTE)
    page.click("text=See the result")
    expect(page.locator("h1")).to_contain_text("reconstructive")
    page.click("text=Back to your answers")
    page.click("a[href*='/question/cause']")
    expect(page.locator("#cause-trauma")).to_be_checked()
    choose_by_mouse(page, "cause", "none")
    expect(page).to_have_url(re.compile(r"/check-answers$"))
    page.click("text=See the result")
    expect(page.locator("h1")).to_have_text("Most likely: cosmetic surgery")


def test_print_button_appears_with_javascript_and_the_result_fits_one_printed_page(new_page, tmp_path):
    page = new_page(js=True)
    walk(
        page,
        [("urgent", "no"), ("goal", "appearance"), ("cause", "unsure"), ("gender", "female"), ("area", "breast_chest")],
    )
    page.click("text=See the result")
    expect(page.locator("[data-print]")).to_be_visible()  # once guide.js has run on the result page
    pdf = page.pdf(path=str(tmp_path / "result.pdf"), format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_without_javascript_there_is_no_dead_print_button(new_page):
    page = new_page(js=False)
    walk(page, ROUTE)
    page.click("text=See the result")
    page.wait_for_url("**/result")  # the result page itself, not the page before it
    expect(page.locator("[data-print]")).to_have_count(1)
    expect(page.locator("[data-print]")).to_be_hidden()


def test_no_request_leaves_the_machine(new_page, live_server):
    page = new_page(js=True)
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    walk(page, ROUTE)
    page.click("text=See the result")
    page.wait_for_url("**/result")  # loaded: everything the result page asks for has been requested
    assert seen and all(url.startswith(live_server) for url in seen), seen


def test_a_spanish_browser_gets_spanish_and_the_switch_keeps_every_answer(new_page):
    page = new_page(js=False, lang="es")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.click("a.button-start")
    for field, code in ROUTE[:3]:
        choose_by_mouse(page, field, code)
    expect(page).to_have_url(re.compile(r"/question/gender$"))
    page.click(".lang-switch a[hreflang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/question/gender\?lang=en$"))
    expect(page.locator("h1")).to_have_text(GUIDE.table.question("gender").label)
    page.click(".back-link")
    expect(page.locator("#cause-trauma")).to_be_checked()
    page.click(".lang-switch a[hreflang=es]")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#cause-trauma")).to_be_checked()
    for field, code in ROUTE[3:]:
        page.goto(f"/question/{field}")
        choose_by_mouse(page, field, code)
        page.wait_for_url(lambda url, field=field: f"/question/{field}" not in url)  # the answer has been posted
    page.goto("/result")
    spanish = (page.get_attribute("[data-category]", "data-category"), page.inner_text(".code"))  # loaded by goto
    page.click(".lang-switch a[hreflang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state()
    english = (page.get_attribute("[data-category]", "data-category"), page.inner_text(".code"))
    assert spanish == english == ("reconstructive", english[1])


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_with_cookies_refused_a_patient_comes_back_to_the_start_and_continues_to_the_result(new_page, engine, js, lang):
    page = new_page(js=js, lang=lang)
    headings = []

    def step(action):
        """Forget every cookie, as a browser that refuses them would have, then act and note the heading."""
        page.context.clear_cookies()
        before = page.url
        action()
        page.wait_for_url(lambda url: url != before)  # every step leads to another address, then loads
        headings.append(page.inner_text("h1"))

    page.goto("/")
    step(lambda: page.click("a.button-start"))
    for field, code in ROUTE[:3]:
        step(lambda field=field, code=code: choose_by_mouse(page, field, code))
    step(lambda: page.click("a.brand"))
    step(lambda: page.click(".resume a.button"))
    expect(page).to_have_url(re.compile(r"/question/gender"))
    for field, code in ROUTE[3:]:
        step(lambda field=field, code=code: choose_by_mouse(page, field, code))
    step(lambda: page.click("a.button[href*='/result']"))
    combo = tuple(code for field, code in ROUTE if field != "urgent")
    expect(page.locator("[data-category]")).to_have_attribute("data-category", engine.decide(combo).category.id)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert len(set(headings)) == len(headings) - 1, headings  # only the start page comes twice: no loop
