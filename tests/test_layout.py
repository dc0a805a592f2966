"""The patient pages as laid out in Chromium, on every page state, phone and desktop, both languages:
44 px targets, visible focus, space around the main area, a short phone header, the printed result.
And the weight budget, through the test client."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from werkzeug.serving import make_server

from guide import codes, create_app, views
from guide.engine import Answers
from guide.table import QUESTION_IDS

from .bench_pages import BUDGET, weigh
from .conftest import CLINIC, DESKTOP, GUIDE, LANGUAGES
from .pages import PATIENT_STATES, open_in_browser, open_in_client, results

SCREEN_STATES = [state for state in PATIENT_STATES if state.media == "screen"]
PRINTED_RESULTS = [state for state in PATIENT_STATES if state.media == "print"]
PHONE_800 = {"width": 360, "height": 800}
FOCUS = "rgb(255, 191, 71)"  # --focus in guide.css

#: For every element a keyboard reaches: its size while focused, and whether focusing it changes its
#: look (for a radio, its label's or the circle the label draws) to show the focus colour.
MEASURE_TARGETS = """focus => {
  const props = ['background-color', 'color', 'outline-style', 'outline-color', 'box-shadow'];
  const snap = style => Object.fromEntries(props.map(p => [p, style.getPropertyValue(p)]));
  const looks = el => {
    const parts = [snap(getComputedStyle(el))];
    if (el.type === 'radio' && el.labels.length) {
      parts.push(snap(getComputedStyle(el.labels[0])), snap(getComputedStyle(el.labels[0], '::before')));
    }
    return parts;
  };
  // Links and buttons turn the focus colour behind dark text; a text box is outlined in it; a radio's
  // label, or the circle it draws, turns it or is ringed with it.
  const shows = (el, parts) => {
    if (el.type === 'radio') {
      return parts.slice(1).some(p => p['background-color'] === focus || p['box-shadow'].includes(focus));
    }
    if (el.tagName === 'INPUT') { return parts[0]['outline-style'] !== 'none' && parts[0]['outline-color'] === focus; }
    return parts[0]['background-color'] === focus;
  };
  const found = [];
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(focusable)) {
    if (!el.getClientRects().length) { continue; }  // not rendered (display: none)
    const before = JSON.stringify(looks(el));
    el.focus();
    const box = el.getBoundingClientRect();
    const after = looks(el);
    const focused = document.activeElement === el;
    el.blur();
    found.push({
      what: (el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' ' + (el.textContent || el.value).trim().slice(0, 30),
      width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10,
      focused, shows: before !== JSON.stringify(after) && shows(el, after),
    });
  }
  return found;
}"""

#: The space between the header and the first thing in main, and between the last thing and the footer.
MEASURE_SPACE = """() => {
  const main = document.querySelector('main');
  const shown = [...main.querySelectorAll('*')]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
  const boxes = shown.map(el => el.getBoundingClientRect()).filter(box => box.height > 0);
  const header = document.querySelector('.site-header').getBoundingClientRect().bottom;
  const footer = document.querySelector('.site-footer').getBoundingClientRect().top;
  return {
    above: Math.min(...boxes.map(box => box.top)) - header,
    below: footer - Math.max(...boxes.map(box => box.bottom)),
  };
}"""


@pytest.fixture(scope="module", params=LANGUAGES)
def lang(request):
    return request.param


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE_800, DESKTOP], ids=["phone", "desktop"])
def test_every_target_is_44_px_and_shows_its_focus_and_main_has_room(new_page, viewport, lang):
    page = new_page(js=True, viewport=viewport, lang=lang)
    small, unseen, cramped = {}, {}, {}
    for state in SCREEN_STATES:
        open_in_browser(page, state)
        page.mouse.move(0, 0)  # nothing hovered: hover styles are not focus
        targets = page.evaluate(MEASURE_TARGETS, FOCUS)
        assert targets, state.name
        assert all(target["focused"] for target in targets), state.name
        if tiny := [t for t in targets if t["width"] < 44 or t["height"] < 44]:
            small[state.name] = tiny
        if hidden := [t["what"] for t in targets if not t["shows"]]:
            unseen[state.name] = hidden
        space = page.evaluate(MEASURE_SPACE)
        if space["above"] < 16 or space["below"] < 16:
            cramped[state.name] = space
    assert not small, f"targets under 44 x 44 px: {small}"
    assert not unseen, f"focus not shown in the focus colour: {unseen}"
    assert not cramped, f"main has less than 16 px above or below: {cramped}"


#: Every link of the header, where it is on screen.
HEADER_LINKS = """() => [...document.querySelectorAll('.site-header a')].map(a => {
  const box = a.getBoundingClientRect();
  return {text: a.textContent.trim(), x: box.x, y: box.y, right: box.right, bottom: box.bottom};
})"""


@pytest.mark.browser
def test_the_phone_header_keeps_the_languages_in_reach_on_few_rows_and_the_phone_prominent(new_page, lang):
    """Two languages sit beside the clinic's name (brand row, phone row); three or more take a row of their own
    between them. Either way: every row one 44 px target high, nothing overlapping, nothing past the screen."""
    page = new_page(js=False, viewport=PHONE_800, lang=lang)
    for path in ("/", "/embed/"):
        page.goto(path)
        expect(page.locator(".call-link")).to_have_attribute("href", CLINIC.tel)
        header = page.locator(".site-header").bounding_box()
        switch = page.locator(".lang-switch").bounding_box()
        phone = page.locator(".call-link").bounding_box()
        assert phone["height"] >= 44 and phone["width"] >= 44, phone
        assert phone["y"] >= switch["y"] + switch["height"] - 1
        rows = 2
        if path == "/":
            brand = page.locator(".brand").bounding_box()
            assert brand["height"] <= 44, "the clinic's name takes more than one row"
            if len(LANGUAGES) == 2:
                assert abs(brand["y"] - switch["y"]) < 1, "the language switch is not on the brand's row"
            elif abs(brand["y"] - switch["y"]) >= 1:
                assert switch["y"] >= brand["y"] + brand["height"] - 1, "the switch's row overlaps the brand's"
                assert abs(switch["x"] - brand["x"]) < 1, "the switch's own row does not start where the brand does"
                rows = 3
        assert header["height"] <= rows * 44, (path, header)
        links = page.evaluate(HEADER_LINKS)
        assert all(link["x"] >= 0 and link["right"] <= PHONE_800["width"] for link in links), links
        for n, one in enumerate(links):
            for other in links[n + 1 :]:
                apart = (
                    one["right"] <= other["x"]
                    or other["right"] <= one["x"]
                    or one["bottom"] <= other["y"]
                    or other["bottom"] <= one["y"]
                )
                assert apart, (path, one, other)


@pytest.mark.browser
def test_a_radio_is_chosen_by_tapping_its_circle(new_page):
    page = new_page(js=True, viewport=PHONE_800)
    page.goto("/before-you-start")
    row = page.locator(".radio:has(#urgent-no)")
    circle = row.locator("label").evaluate("label => parseFloat(getComputedStyle(label, '::before').width)")
    assert circle == 40
    row.scroll_into_view_if_needed()
    box = row.bounding_box()
    page.mouse.click(box["x"] + circle / 2, box["y"] + circle / 2)
    expect(page.locator("#urgent-no")).to_be_checked()


#: The moment the printed results are made, set rather than read off the machine's clock: late on the 15th in
#: Tijuana, already the 16th in UTC, so the date printed must be the clinic's.
PRINTED_AT = datetime(2025, 3, 16, 5, 30, tzinfo=UTC)


class SetClock(datetime):
    """`datetime` whose now() is PRINTED_AT."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return PRINTED_AT.astimezone(tz) if tz else PRINTED_AT.astimezone().replace(tzinfo=None)


@pytest.fixture(scope="module")
def own_site():
    """The guide on a server of its own, whose clock the tests set."""
    server = make_server(
        "127.0.0.1", 0, create_app({"SECRET_KEY": "printed", "SESSION_COOKIE_SECURE": False}), threaded=True
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def printed_at(monkeypatch, own_site) -> str:
    """Set the guide's clock (its pages' only reading of the time and date) to PRINTED_AT; give its address."""
    monkeypatch.setattr(views, "datetime", SetClock)
    return own_site


@pytest.mark.browser
@pytest.mark.parametrize("state", PRINTED_RESULTS, ids=[state.name for state in PRINTED_RESULTS])
def test_the_printed_result_says_where_and_when_it_is_from_on_one_page(new_page, printed_at, state, lang):
    page = new_page(js=True, lang=lang)
    open_in_browser(page, replace(state, path=printed_at + state.path))
    combo = results()[state.name.removesuffix(" printed")]
    clinic = page.locator(".print-clinic")
    expect(clinic).to_be_visible()
    expect(clinic).to_contain_text(CLINIC.name)
    expect(clinic).to_contain_text(CLINIC.phone)
    when = page.locator(".print-date time")
    expect(when).to_be_visible()
    today = PRINTED_AT.astimezone(ZoneInfo("America/Tijuana")).date()
    expect(when).to_have_attribute("datetime", today.isoformat())
    expect(when).to_have_text(format_date(today, format="long", locale=lang))
    code = codes.encode(GUIDE.engine.questions, Answers(**{q: combo[q] for q in QUESTION_IDS}))
    expect(page.locator(".code")).to_be_visible()
    expect(page.locator(".code")).to_have_text(code)
    expect(page.locator(".code-hint")).to_be_visible()
    phone = page.locator(".consultation a[href^='tel:']")
    expect(phone).to_be_visible()
    expect(phone).to_have_text(CLINIC.phone)
    for chrome in (".site-header", ".site-footer", ".actions", ".back-link"):
        expect(page.locator(chrome)).to_be_hidden()
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


@pytest.mark.browser
def test_on_screen_the_print_header_is_hidden(new_page):
    page = new_page(js=False)
    page.goto(next(state.path for state in SCREEN_STATES if state.name == "result cosmetic"))
    expect(page.locator(".print-head")).to_have_count(1)
    expect(page.locator(".print-head")).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_patient_page_weighs_more_than_the_budget(client, language):
    assets: dict[str, bytes] = {}
    heavy = {}
    for state in PATIENT_STATES:
        response = open_in_client(client, state, headers={"Accept-Language": language})
        weight = weigh(client, response.get_data(), assets)
        assert weight.css and weight.js, state.name
        if weight.total > BUDGET:
            heavy[state.name] = weight.total
    assert not heavy, f"pages over {BUDGET} bytes of HTML + CSS + JS: {heavy}"
