"""What a patient sees first on a 360 x 800 phone, in every language: the start button on the start page, and on
a result its category, its reason and the start of the list. Then two details of the screen: where the skip link
lands is outlined (as GOV.UK does), not filled; and a chosen radio's dot is centred in its ring at every zoom."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from .conftest import LANGUAGES
from .pages import PATIENT_STATES

pytestmark = pytest.mark.browser

PHONE_800 = {"width": 360, "height": 800}
FOCUS = "rgb(255, 191, 71)"  # --focus in guide.css
RESULTS = [state for state in PATIENT_STATES if state.name.startswith("result") and state.media == "screen"]

#: The bounding box, in device pixels, of the dark pixels of a PNG and of the pixels where a second PNG differs
#: from it: a radio's ring, and the dot that choosing it adds. Decoded by the browser, on a blank page.
BOXES = """async ([before, after]) => {
  const pixels = async (png) => {
    const image = await createImageBitmap(await (await fetch('data:image/png;base64,' + png)).blob());
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height);
  };
  const [a, b] = [await pixels(before), await pixels(after)];
  const box = (test) => {
    let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        if (test(4 * (y * a.width + x))) {
          [left, right] = [Math.min(left, x), Math.max(right, x + 1)];
          [top, bottom] = [Math.min(top, y), Math.max(bottom, y + 1)];
        }
      }
    }
    return {x: (left + right) / 2, y: (top + bottom) / 2, width: right - left};
  };
  const dark = (i) => a.data[i] + a.data[i + 1] + a.data[i + 2] < 3 * 100;
  const changed = (i) => [0, 1, 2].some((c) => Math.abs(a.data[i + c] - b.data[i + c]) > 100);
  return {ring: box(dark), dot: box(changed)};
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_start_button_is_on_the_first_screen(new_page, lang):
    page = new_page(js=True, viewport=PHONE_800, lang=lang)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main .button-start")).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("state", RESULTS, ids=[state.name for state in RESULTS])
def test_a_result_shows_its_category_reason_and_list_on_the_first_screen(new_page, lang, state):
    page = new_page(js=True, viewport=PHONE_800, lang=lang)
    page.goto(state.path)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".result-panel h1")).to_be_in_viewport(ratio=1)
    expect(page.locator(".reasons li").first).to_be_in_viewport(ratio=1)
    listed = page.locator(".procedures li")
    if listed.count():  # a result with no procedure says so in one line instead
        expect(listed.first).to_be_in_viewport()
    # What qualifies the result comes after the list and before the consultation.
    notes = page.locator(".result-notes").bounding_box()
    assert notes["y"] > page.locator(".reasons").bounding_box()["y"]
    assert notes["y"] < page.locator(".consultation").bounding_box()["y"]


def test_the_skip_link_target_is_outlined_not_filled(new_page):
    page = new_page(js=True, viewport=PHONE_800)
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    main = page.locator("main")
    expect(main).to_be_focused()
    expect(main).to_have_css("outline-style", "solid")
    expect(main).to_have_css("outline-color", FOCUS)
    expect(main).not_to_have_css("background-color", FOCUS)


@pytest.mark.parametrize("zoom", [1, 1.25, 1.5, 2, 3])
@pytest.mark.parametrize("focused", [False, True], ids=["resting", "focused"])
def test_a_chosen_radios_dot_is_centred_in_its_ring(browser, live_server, zoom, focused):
    context = browser.new_context(base_url=live_server, viewport=PHONE_800, device_scale_factor=zoom)
    try:
        page = context.new_page()
        page.goto("/before-you-start")
        radio = page.locator("#urgent-no")
        radio.scroll_into_view_if_needed()  # the screenshots below are of the screen: the ring must be on it
        if focused:
            radio.focus()
        expect(radio).not_to_be_checked()
        ring = page.locator(".radio:has(#urgent-no)").bounding_box()
        clip = {"x": ring["x"] - 4, "y": ring["y"] - 4, "width": 48, "height": 48}  # the ring and its focus
        before = page.screenshot(clip=clip, animations="disabled")
        radio.evaluate("input => { input.checked = true; }")
        expect(radio).to_be_checked()
        after = page.screenshot(clip=clip, animations="disabled")
        blank = context.new_page()
        boxes = blank.evaluate(BOXES, [base64.b64encode(shot).decode() for shot in (before, after)])
    finally:
        context.close()
    ring, dot = boxes["ring"], boxes["dot"]
    assert abs(dot["width"] - 20 * zoom) <= 2, boxes  # the dot, not the ring, changed
    # Within one device pixel (antialiasing), where it was 2 CSS px off (4 when focused).
    assert abs(dot["x"] - ring["x"]) <= 1 and abs(dot["y"] - ring["y"]) <= 1, boxes
