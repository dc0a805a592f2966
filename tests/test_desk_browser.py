"""The front-desk console in Chromium: three calls by keyboard only (an emergency; a Spanish caller about
her child, with both languages; a returning patient's code, then a changed answer), the live result and
summary against the engine for every combination in both languages, keys, the whole page switching
language, the data file cached, no JavaScript, and axe on every state."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from babel import Locale
from playwright.sync_api import expect

from guide import codes, create_app, desk, present
from guide.engine import combinations
from guide.rules import open_guide
from guide.table import QUESTION_IDS

from .conftest import DESKTOP, LANGUAGES, PHONE, RULES, axe_violations
from .desk_support import (
    CALL_CHOICES,
    FOCUSED,
    LINES,
    checked,
    data,
    expect_checked,
    expect_focus,
    expect_read,
    focused,
    key_of,
    line_key,
    lowest_line,
    open_desk,
    rendered,
    status,
)

pytestmark = pytest.mark.browser

ENGINE = open_guide(RULES).engine
COMBOS = list(combinations(ENGINE.table))
CLIPBOARD = ["clipboard-read", "clipboard-write"]
WIDE = {"width": 1280, "height": 900}  # the screen "Both languages" must fit
#: The desk's clock and time zone, set for every call (the summary's time line): the clinic's afternoon.
CALL_AT = datetime(2026, 3, 15, 18, 30, tzinfo=UTC)
DESK_ZONE = "America/Tijuana"


@pytest.fixture(scope="module")
def server_app():
    return create_app({"TESTING": True, "SECRET_KEY": "test"})


@pytest.fixture(scope="module")
def expected(server_app) -> dict[str, list[dict]]:
    """What the one presentation says for every combination, in each language, with its code."""
    said = {}
    for lang in server_app.config["LANGUAGES"]:
        with server_app.test_request_context(f"/desk?lang={lang}"):
            said[lang] = [
                present.recommendation(ENGINE.decide(combo)) | {"code": codes.encode(ENGINE.questions, combo)}
                for combo in COMBOS
            ]
    return said


def server_summary(app, state: dict, combo, languages: list[str], call_language: str) -> list[str]:
    """The summary the server writes for a call, without its time line."""
    with app.test_request_context(f"/desk?lang={call_language}"):
        text = desk.summary_for(state, combo, languages, call_language)
    return without_time(text)


def without_time(text: str) -> list[str]:
    return [line for line in text.splitlines() if not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", line)]


def desk_page(new_page, lang="en", query="", viewport=DESKTOP, **options):
    """A fresh desk (1366×768 unless told otherwise) in one language, its clock set to CALL_AT, desk.js ready."""
    page = new_page(lang=lang, viewport=viewport, timezone_id=DESK_ZONE, **options)
    page.clock.set_fixed_time(CALL_AT)
    return open_desk(page, f"/desk?lang={lang}{query}")


def answer(page, line: str, code: str) -> None:
    """Press the answer's key, and wait until the page has taken it (the result is drawn in the same step)."""
    page.keyboard.press(key_of(ENGINE, line, code))
    expect(page.locator(f"#{line}-{code}")).to_be_checked()


def texts(page) -> dict:
    return data(page)["texts"]


def copy(page, copied: str) -> str:
    """Press Copy, wait until the desk says `copied`, and give what is on the clipboard."""
    page.keyboard.press("c")
    page.locator("[data-desk-status]").filter(has_text=copied).wait_for()
    return page.evaluate("() => navigator.clipboard.readText()")


# ------------------------------------------------------------------ three calls, keys only ----


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_emergency_call(new_page, server_app, lang):
    page = desk_page(new_page, lang, permissions=CLIPBOARD)
    assert focused(page) == "urgent=yes", "the emergency line is asked first"
    answer(page, "urgent", "yes")
    result = rendered(page)
    assert result["urgent"] and result["emergency"] and result["category"] is None
    expect(page.locator("[data-desk-emergency]")).to_be_visible()
    assert [line for line in LINES if page.locator(f"fieldset[data-line='{line}']").is_visible()] == ["urgent"]
    expect_focus(page, "emergency", "the advice to read out has the focus")
    said = texts(page)[lang]
    advice = page.inner_text("[data-desk-emergency]")
    assert said["emergency"]["heading"] in advice and said["emergency"]["advice"] in advice
    assert without_time(result["summary"]) == server_summary(server_app, {"urgent": "yes"}, None, [lang], lang)
    copied = copy(page, said["ui"]["copied"])
    assert copied == page.input_value("#desk-summary"), "what is on the clipboard is what the page shows"
    assert without_time(copied) == without_time(result["summary"]), "copying only brings the time up to date"
    page.keyboard.press("1")  # line 1 again: it was a mistake
    expect_focus(page, "urgent=yes")
    answer(page, "urgent", "no")
    expect_focus(page, "about=caller")
    assert not rendered(page)["emergency"]
    assert all(page.locator(f"fieldset[data-line='{line}']").is_visible() for line in LINES)
    page.keyboard.press("n")
    expect_checked(page, {})
    expect_focus(page, "urgent=yes")


def test_a_spanish_caller_about_her_child_with_both_languages(new_page, server_app, expected):
    page = desk_page(new_page, "en", viewport=WIDE, permissions=CLIPBOARD)
    page.keyboard.press("l")
    page.keyboard.press("b")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("[data-desk-both]")).to_have_attribute("aria-pressed", "true")
    loaded = data(page)
    said, alt = loaded["texts"], loaded["other"]["es"]  # the language beside Spanish, as the server set it
    combo = ("function", "congenital", "female", "ears")
    presses, lowest, scrolled = 0, [lowest_line(page)], {page.evaluate("() => window.scrollY")}
    for line, code in (("urgent", "no"), ("about", "other"), *zip(QUESTION_IDS, combo, strict=True)):
        answer(page, line, code)
        presses += 1
        lowest.append(lowest_line(page))
        scrolled.add(page.evaluate("() => window.scrollY"))
        if line == "about":  # the questions now speak of her child
            for question in QUESTION_IDS:
                script = page.locator(f"#{question}-hint")
                assert (
                    script.locator("[data-t-other]:not([data-alt])").text_content()
                    == said["es"]["lines"][question]["script_other"]
                )
                assert (
                    script.locator("[data-t-other][data-alt]").text_content()
                    == said[alt]["lines"][question]["script_other"]
                )
    print(f"\n[desk] keystrokes from an empty desk to a full result, emergency line included: {presses}")
    assert presses <= 6
    assert max(lowest) <= WIDE["height"] and scrolled == {0}, "with both languages the script fits one screen"
    result, index = rendered(page), COMBOS.index(combo)
    spanish, beside = expected["es"][index], expected[alt][index]
    assert (result["category"], result["procedures"]) == (spanish["category"], [p["id"] for p in spanish["procedures"]])
    assert (result["heading"], result["heading_alt"]) == (spanish["heading"], beside["heading"])
    assert (result["reasons"], result["reasons_alt"]) == (spanish["reasons"], beside["reasons"])
    assert result["names_alt"] == [p["name"] for p in beside["procedures"]]
    state = {"urgent": "no", "about": "other"}
    assert without_time(result["summary"]) == server_summary(server_app, state, combo, ["es"], "es")
    assert without_time(page.input_value("#desk-summary-alt")) == server_summary(server_app, state, combo, [alt], "es")
    assert Locale.parse("es").get_display_name("es") in result["summary"]  # the call's language, named
    pasted = copy(page, said["es"]["ui"]["copied"])
    assert without_time(pasted) == server_summary(server_app, state, combo, ["es", alt], "es"), (
        "both, one after the other"
    )
    assert Locale.parse("es").get_display_name(alt) in pasted


def test_a_returning_patient_reads_out_a_code_then_an_answer_changes(new_page, expected):
    page = desk_page(new_page, "en")
    combo = ("appearance", "weight_loss", "male", "body")
    code = codes.encode(ENGINE.questions, combo)
    keys = ["/", *code.lower(), "Enter"]
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_url("**code=*")
    page.wait_for_selector(".desk-js", state="attached")
    print(f"\n[desk] keystrokes to open a code: {len(keys)}")
    assert len(keys) <= 7
    expect_focus(page, "result", "focus is back on the result")
    expect_checked(page, dict(zip(QUESTION_IDS, combo, strict=True)))
    result = rendered(page)
    assert (result["code"], result["procedures"]) == (
        code,
        [p["id"] for p in expected["en"][COMBOS.index(combo)]["procedures"]],
    )
    expect(page.locator("[data-desk-urgent-missing]")).to_be_visible()  # line 1 was not asked yet
    changed = ("appearance", "weight_loss", "male", "face")
    keys = [line_key("area"), key_of(ENGINE, "area", "face")]
    for key in keys:
        page.keyboard.press(key)
    print(f"[desk] keystrokes to change one answer: {len(keys)}")
    assert len(keys) <= 2
    expect_checked(page, dict(zip(QUESTION_IDS, changed, strict=True)))
    rec = expected["en"][COMBOS.index(changed)]
    result = rendered(page)
    assert (result["category"], result["code"], result["procedures"]) == (
        rec["category"],
        rec["code"],
        [p["id"] for p in rec["procedures"]],
    )
    expect(page).to_have_url(re.compile(f"code={rec['code']}"))  # the address follows the answers
    expect_focus(page, "urgent=yes", "then on to the line not asked yet")


# ------------------------------------------------------------------ every combination ----

SET_EVERY_COMBINATION = """(combos) => {
  const form = document.getElementById("desk-form");
  const result = document.getElementById("desk-result");
  const rendered = RENDERED;
  return combos.map((combo) => {
    ["goal", "cause", "gender", "area"].forEach((id, i) => {
      document.getElementById(`${id}-${combo[i]}`).checked = true;
    });
    document.getElementById(`area-${combo[3]}`).dispatchEvent(new Event("change", {bubbles: true}));
    return {
      ...rendered(),
      bottom: result.querySelector(".desk-outcome").getBoundingClientRect().bottom,
      scrolled: window.scrollY,
    };
  });
}"""


def test_the_live_result_and_summary_are_the_servers_for_every_combination_in_both_languages(
    new_page, server_app, expected
):
    from .desk_support import RENDERED

    script = SET_EVERY_COMBINATION.replace("RENDERED", RENDERED)
    for lang in server_app.config["LANGUAGES"]:
        page = desk_page(new_page, lang)
        seen = page.evaluate(script, [list(combo) for combo in COMBOS])
        assert len(seen) == len(COMBOS)
        for combo, shown, rec in zip(COMBOS, seen, expected[lang], strict=True):
            where = (lang, combo)
            assert (shown["category"], shown["rule"], shown["code"], shown["shown_code"]) == (
                rec["category"],
                rec["rule"],
                rec["code"],
                rec["code"],
            ), where
            assert shown["procedures"] == [p["id"] for p in rec["procedures"]], where
            assert shown["names"] == [p["name"] for p in rec["procedures"]], where
            assert shown["summaries"] == [p["summary"] for p in rec["procedures"]], where
            assert shown["reasons"] == rec["reasons"], where
            assert shown["what_if"] == rec["what_if"], where
            assert shown["note"] == rec["category_note"], where
            assert (shown["heading"], shown["category_summary"]) == (rec["heading"], rec["category_summary"]), where
            assert (shown["none"] is None) == bool(rec["procedures"]), where
            assert without_time(shown["summary"]) == server_summary(server_app, {}, combo, [lang], lang), where
        lowest = max(shown["bottom"] for shown in seen)
        print(f"\n[desk] lowest edge of the result over every combination ({lang}, 1366×768): {lowest:.0f} px")
        assert lowest <= DESKTOP["height"], "the result needs scrolling for some answers"
        assert {shown["scrolled"] for shown in seen} == {0}


# ------------------------------------------------------------------ keys ----


def test_a_digit_answers_the_line_in_focus_and_elsewhere_picks_a_line(new_page):
    page = desk_page(new_page)
    page.focus("#gender-female")
    page.keyboard.press("2")
    expect_checked(page, {"gender": "male"})
    expect(page.locator("fieldset[data-line='area'] input:focus")).to_have_count(1)  # on to the next line not answered
    page.keyboard.press("0")
    expect_checked(page, {"gender": "male", "area": ENGINE.table.question("area").codes[9]})
    expect_focus(page, "urgent=yes", "then back to the first line not answered")
    page.focus("[data-desk-new]")
    page.keyboard.press(line_key("goal"))
    expect(page.locator("fieldset[data-line='goal'] input:focus")).to_have_count(1)
    expect(status(page)).to_have_text(texts(page)["en"]["ui"]["picked"].replace("%(number)s", line_key("goal")))
    page.keyboard.press("3")
    expect(page.locator(f"#goal-{ENGINE.table.question('goal').codes[2]}")).to_be_checked()


def test_a_key_that_does_nothing_says_so(new_page):
    page = desk_page(new_page)
    ui = texts(page)["en"]["ui"]
    expect(status(page)).to_have_attribute("role", "status")  # said aloud by screen readers
    page.focus("#gender-female")
    page.keyboard.press("7")
    expect(status(page)).to_have_text(
        ui["no_answer"].replace("%(line)s", line_key("gender")).replace("%(number)s", "7")
    )
    assert checked(page) == {}  # the note above is said in the same step as any answer
    page.keyboard.press("x")
    expect(status(page)).to_have_text(ui["no_key"].replace("%(key)s", "x"))
    page.focus("[data-desk-new]")
    page.keyboard.press("8")
    expect(status(page)).to_have_text(ui["no_line"].replace("%(number)s", "8"))
    assert checked(page) == {}
    page.focus("#urgent-yes")
    page.keyboard.press("1")
    page.keyboard.press("4")  # lines 2 to 6 are put away after an emergency
    expect(status(page)).to_have_text(ui["ended"])


def test_tab_follows_the_conversation(new_page):
    page = desk_page(new_page)
    expect_focus(page, "urgent=yes")
    for what in [*LINES[1:], "copy", "new"]:
        page.keyboard.press("Tab")
        expect_read(page, f"() => ({FOCUSED})().split('=')[0]", what, "Tab follows the conversation")


def test_the_code_key_goes_to_the_code_box_and_keys_do_nothing_while_typing(new_page):
    page = desk_page(new_page)
    page.keyboard.press("/")
    expect_focus(page, "code")
    page.keyboard.type("1l2nc3b/")
    expect(page.locator("#code")).to_have_value("1l2nc3b/")
    assert checked(page) == {}  # typed into the box above, every key of it handled
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-desk-both]")).to_have_attribute("aria-pressed", "false")


def test_single_key_shortcuts_can_be_turned_off(new_page):
    page = desk_page(new_page)
    expect(page.locator("label[for='goal-appearance'] kbd")).to_be_visible()
    page.click("label[for='desk-shortcuts']")
    expect(page.locator("label[for='goal-appearance'] kbd")).to_be_hidden()
    expect(page.locator("[aria-keyshortcuts]")).to_have_count(0)
    for key in ("1", "l", "x", "/"):
        page.keyboard.press(key)
    assert checked(page) == {}  # the keys are off (above), and each press has been handled
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(status(page)).to_have_text("")  # no note either: the keys are simply off
    page.click("label[for='desk-shortcuts']")
    expect(page.locator("[aria-keyshortcuts]")).not_to_have_count(0)
    page.focus("#goal-appearance")
    page.keyboard.press("1")
    expect_checked(page, {"goal": "appearance"})


# ------------------------------------------------------------------ languages ----


def test_the_language_key_switches_the_whole_page_at_once(new_page, expected):
    page = desk_page(new_page, "en")
    requests = []
    page.on("request", lambda request: None if "/static/" in request.url else requests.append(request.url))
    page.evaluate("() => { window.sameDocument = true; }")
    combo = ("function", "pain", "female", "breast_chest")
    for line, code in (("urgent", "no"), ("about", "other"), *zip(QUESTION_IDS, combo, strict=True)):
        answer(page, line, code)
    english = rendered(page)
    said = texts(page)
    page.keyboard.press("l")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.evaluate("() => window.sameDocument"), "no page load"
    # Nothing but the data file (and the insights' count of the call, a beacon sent when the result first showed).
    assert [url for url in requests if "/desk/data." not in url and "/count/desk" not in url] == [], "no round trip"
    es = said["es"]["ui"]
    assert page.text_content(".skip-link") == es["skip"]
    assert page.inner_text(".call-bar").startswith(es["call_to_action"])
    assert es["footer_staff"] in page.inner_text(".site-footer")
    assert page.get_attribute(".lang-switch", "aria-label") == es["language"]
    assert page.title().startswith(es["title"])
    loaded = data(page)
    assert page.inner_text("[data-desk-lang] [data-desk-lang-name]") == loaded["names"][loaded["other"]["es"]]
    assert page.get_attribute(".lang-switch a[hreflang='es']", "aria-current") == "true"
    legend = page.locator("fieldset[data-line='goal'] legend [data-t-other]:not([data-alt])").text_content()
    assert legend == said["es"]["lines"]["goal"]["label_other"]
    english_words = page.evaluate(
        """(words) => [...document.querySelectorAll("body *:not(script):not(style)")]
          .filter((node) => !node.closest("[lang]:not([lang='es'])") && !node.closest("[hidden]"))
          .flatMap((node) => [...node.childNodes].filter((child) => child.nodeType === 3))
          .map((child) => child.textContent)
          .filter((text) => words.some((word) => text.includes(word)))""",
        [said["en"]["ui"][key] for key in ("skip", "footer_staff", "call_to_action", "keys", "say", "why")],
    )
    assert english_words == [], "no English left on the Spanish page"
    spanish = rendered(page)
    rec = expected["es"][COMBOS.index(combo)]
    assert (spanish["code"], spanish["procedures"]) == (english["code"], english["procedures"])
    assert spanish["reasons"] == rec["reasons"] and spanish["heading"] == rec["heading"]
    assert spanish["summary"].startswith(said["es"]["ui"]["summary"])
    expect(page).to_have_url(re.compile("lang=es"))
    page.click(".lang-switch a[hreflang='en']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert rendered(page)["summary"] == english["summary"], "the same summary, at the same (set) time"


def test_both_languages_side_by_side(new_page):
    page = desk_page(new_page, "es")
    loaded = data(page)
    said, other = loaded["texts"], loaded["other"]  # the language shown beside each one, as the server set it
    assert page.locator("fieldset .desk-alt").count() > 0 and page.locator(".desk-alt:visible").count() == 0
    page.keyboard.press("b")
    expect(page.locator("[data-desk-both]")).to_have_attribute("aria-pressed", "true")
    beside = page.eval_on_selector_all(
        ".desk-alt", "(nodes) => nodes.map((n) => [n.previousElementSibling.checkVisibility(), n.checkVisibility()])"
    )
    assert beside and all(alt == main for main, alt in beside), "the other language beside every text on show"
    for key, lang, text in page.eval_on_selector_all(
        "fieldset .desk-alt", "(nodes) => nodes.map((n) => [n.dataset.t, n.lang, n.textContent])"
    ):
        tree = said[other["es"]]
        for part in key.split("."):
            tree = tree[int(part)] if isinstance(tree, list) else tree[part]
        assert (lang, text) == (other["es"], tree)
    page.keyboard.press("l")
    expect(page.locator("html")).to_have_attribute("lang", other["es"])
    # The other language follows the switch.
    expect(page.locator(".desk-alt").first).to_have_attribute("lang", other[other["es"]])
    page.click("[data-desk-both]")
    expect(page.locator("[data-desk-both]")).to_have_attribute("aria-pressed", "false")
    assert page.locator(".desk-alt:visible").count() == 0
    expect(page).not_to_have_url(re.compile("both=1"))


# ------------------------------------------------------------------ summary, new caller, codes ----


def test_copy_summary_puts_the_summary_on_the_clipboard(new_page, server_app):
    page = desk_page(new_page, "en", permissions=CLIPBOARD)
    combo = ("unsure", "disease", "female", "breast_chest")
    for line, code in (("urgent", "no"), ("about", "caller"), *zip(QUESTION_IDS, combo, strict=True)):
        answer(page, line, code)
    copied = copy(page, "Copied")
    assert copied == page.input_value("#desk-summary")
    # CALL_AT where the desk is: Pacific daylight time from March 8, 2026
    assert re.search(r"^Date and time: 2026-03-15 11:30 UTC-07:00$", copied, re.M), copied
    assert not re.search(r"name|phone|tel|\d{3}-\d{3}-\d{4}", copied, re.I), "nothing about the caller"
    state = {"urgent": "no", "about": "caller"}
    assert without_time(copied) == server_summary(server_app, state, combo, ["en"], "en")
    server = page.request.get(
        f"/desk?lang=en&code={codes.encode(ENGINE.questions, combo)}"
        f"&answers={codes.encode_state(desk.CALL_STEPS, state)}"
    ).text()
    written = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", server, re.S).group(1))
    assert without_time(written) == without_time(copied), "the page without JavaScript says the same"


def test_copy_before_a_result_says_what_is_missing(new_page):
    page = desk_page(new_page, "en", permissions=CLIPBOARD)
    page.click("[data-desk-copy]")
    expect(status(page)).to_have_text(texts(page)["en"]["ui"]["nothing_to_copy"])


def test_new_caller_clears_everything(new_page):
    state = codes.encode_state(desk.CALL_STEPS, {"urgent": "no", "about": "other"})
    combo = COMBOS[321]
    page = desk_page(new_page, "en", query=f"&code={codes.encode(ENGINE.questions, combo)}&answers={state}")
    assert checked(page) == {"urgent": "no", "about": "other", **dict(zip(QUESTION_IDS, combo, strict=True))}
    said = texts(page)["en"]
    assert page.text_content("#goal-hint [data-t-other]:not([data-alt])") == said["lines"]["goal"]["script_other"]
    page.keyboard.press("n")
    expect_checked(page, {})
    result = rendered(page)
    assert result["category"] is None and result["summary"] == "" and result["heading"] is None
    expect(page.locator("[data-desk-empty]")).to_be_visible()
    expect(page).not_to_have_url(re.compile("code=|answers="))
    assert page.text_content("#goal-hint [data-t-other]:not([data-alt])") == said["lines"]["goal"]["script"], (
        "worded for the caller again"
    )
    expect_focus(page, "urgent=yes")


def test_a_wrong_code_is_explained_and_the_message_follows_the_language(new_page):
    page = desk_page(new_page, "en")
    page.fill("#code", "ABC")
    page.keyboard.press("Enter")
    page.wait_for_url("**code=ABC*")
    page.wait_for_selector(".desk-js", state="attached")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # the problem first
    expect(summary).to_contain_text("this one has 3")
    expect(page.locator("#code-error")).to_contain_text("this one has 3")
    expect(page).to_have_title(re.compile(r"^Error:"))
    page.keyboard.press("l")
    spanish = page.evaluate("() => JSON.parse(document.querySelector('#code-error [data-texts]').dataset.texts).es")
    expect(page.locator(".error-summary a")).to_have_text(spanish)
    page.keyboard.press("n")
    expect(summary).to_be_hidden()
    expect(page).not_to_have_title(re.compile(r"^Error ?:"))  # the title no longer says there is a problem


# ------------------------------------------------------------------ without JavaScript ----


def test_without_javascript_the_form_posts_and_the_same_result_comes_back(new_page):
    page = new_page(js=False, viewport=DESKTOP)
    page.goto("/desk?lang=en")
    expect(page.locator("kbd").first).to_be_hidden()  # no keys without JavaScript
    expect(page.locator("[data-desk-copy]")).to_be_hidden()
    combo = ("function", "none", "male", "breast_chest")
    for line, code in (("urgent", "no"), ("about", "other"), *zip(QUESTION_IDS, combo, strict=True)):
        page.click(f"label[for='{line}-{code}']")
    page.click("[data-desk-submit]")
    code = codes.encode(ENGINE.questions, combo)
    page.wait_for_url(re.compile(f"code={code}"))  # the posted answers' page, loaded
    rec = ENGINE.decide(combo)
    expect(page.locator("#desk-result")).to_have_attribute("data-category", rec.category.id)
    lis = page.eval_on_selector_all(
        "[data-desk-outcome] .procedures li", "(items) => items.map((li) => li.dataset.procedure)"
    )
    assert lis == [p.id for p in rec.procedures]
    summary = page.input_value("#desk-summary")
    assert code in summary and "The call is about: someone else" in summary
    assert (
        page.text_content("#goal-hint [data-t-other]:not([data-alt])")
        == ENGINE.table.question("goal").desk_script_other
    )
    page.click("[data-desk-lang]")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#desk-result")).to_have_attribute("data-code", code)  # the switch carries the answers
    expect(page.locator("#about-other")).to_be_checked()
    page.click("[data-desk-both-link]")
    page.wait_for_url(re.compile("both=1"))
    expect(page.locator(".desk-alt:visible").first).to_be_visible()
    page.click("[data-desk-new]")
    page.wait_for_url(lambda url: "code=" not in url)
    expect(page.locator("#desk-result")).not_to_have_attribute("data-code", re.compile(".*"))
    expect(page.locator("#desk-form input:checked")).to_have_count(0)


def test_without_javascript_an_emergency_ends_the_script(new_page):
    page = new_page(js=False, viewport=DESKTOP)
    page.goto("/desk?lang=es")
    page.click("label[for='urgent-yes']")
    page.click("[data-desk-submit]")
    expect(page.locator("[data-desk-emergency]")).to_be_visible()
    expect(page.locator("fieldset[data-line='goal']")).to_be_hidden()
    expect(page.locator("#desk-summary")).to_have_value(re.compile("Señales de emergencia: sí"))


def test_without_javascript_a_missing_answer_is_explained_to_staff(new_page):
    page = new_page(js=False, viewport=DESKTOP)
    page.goto("/desk?lang=en")
    page.click("label[for='goal-function']")
    page.click("[data-desk-submit]")
    expect(page).to_have_title(re.compile(r"^Error:"))  # once the posted page has arrived
    links = page.locator(".error-summary a")
    expect(links).to_have_count(3)
    expect(page.locator(".error-summary")).not_to_contain_text(ENGINE.table.question("cause").error)
    links.first.click()
    expect(page).to_have_url(re.compile("#cause-none$"))
    expect(page.locator("#goal-function")).to_be_checked()


# ------------------------------------------------------------------ the page as a whole ----


def test_no_request_leaves_the_machine_and_the_data_comes_from_the_cache_next_time(new_page, live_server):
    seen, fetched = [], []
    page = new_page(viewport=DESKTOP)
    page.on("request", lambda request: seen.append(request.url))
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.on("Network.responseReceived", lambda event: fetched.append(event["response"]))
    open_desk(page, "/desk")
    page.keyboard.press("1")
    open_desk(page, "/desk?lang=es")
    assert seen and all(url.startswith(live_server) for url in seen), seen
    files = [response for response in fetched if "/desk/data." in response["url"]]
    assert len(files) == 2 and files[0]["url"] == files[1]["url"], "the same file on both visits"
    assert not files[0].get("fromDiskCache") and (files[1].get("fromDiskCache") or files[1].get("fromMemoryCache"))


def test_the_desk_fits_a_phone_without_sideways_scrolling(new_page):
    page = desk_page(new_page, "es", viewport=PHONE)
    for key in "211111b":
        page.keyboard.press(key)
    expect(page.locator("#desk-result[data-category]")).to_have_count(1)
    expect(page.locator("[data-desk-both]")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def desk_states(page, lang):
    """Walk every state of the desk, yielding its name once the page shows it."""
    open_desk(page, f"/desk?lang={lang}")
    yield "empty"
    page.keyboard.press("1")
    expect(page.locator("[data-desk-emergency]")).to_be_visible()
    yield "emergency"
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("2")
    expect(page.locator("#about-other")).to_be_checked()
    yield "someone else"
    for key in "2532":
        page.keyboard.press(key)
    expect(page.locator("#desk-result[data-category]")).to_have_count(1)
    yield "result"
    page.keyboard.press("b")
    expect(page.locator("[data-desk-both]")).to_have_attribute("aria-pressed", "true")
    yield "both languages"
    page.click("label[for='desk-shortcuts']")
    expect(page.locator("[aria-keyshortcuts]")).to_have_count(0)
    yield "shortcuts off"
    open_desk(page, f"/desk?lang={lang}&code=O0")
    yield "wrong code"
    open_desk(page, f"/desk?lang={lang}&code={codes.encode(ENGINE.questions, COMBOS[400])}&both=1")
    yield "code opened"
    page.route("**/desk/data.*", lambda route: route.abort())  # the page as without JavaScript: the form posts
    page.goto(f"/desk?lang={lang}")
    page.click("label[for='goal-function']")
    page.click("[data-desk-submit]")
    page.wait_for_selector(".error-summary")
    page.wait_for_load_state()
    yield "missing answers"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_nothing_on_any_desk_state(new_page, lang):
    page = new_page(lang=lang, viewport=DESKTOP, bypass_csp=True)
    found, names = {}, []
    for name in desk_states(page, lang):
        names.append(name)
        violations = axe_violations(page)
        if violations:
            found[name] = violations
    assert len(names) == 9
    assert found == {}, found


# ------------------------------------------------------------------ by mouse, and what issue 24 fixed ----

SCREENS = {"1280x900": WIDE, "1366x768": DESKTOP}


def every_answer(line: str) -> tuple[str, ...]:
    """A line's answers in order; line 1's "yes" first, so that "no" brings the rest of the script back."""
    return CALL_CHOICES.get(line) or ENGINE.table.question(line).codes


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("target", ["label", "circle"])
def test_every_click_on_an_answer_selects_it_the_first_time(new_page, lang, screen, target):
    page = desk_page(new_page, lang, viewport=SCREENS[screen])
    for line in LINES:
        for code in every_answer(line):
            radio = page.locator(f"#{line}-{code}")
            page.locator(f"label[for='{line}-{code}']" if target == "label" else f"#{line}-{code}").click()
            expect(radio).to_be_checked()  # one click, no second try
    assert checked(page) == {line: every_answer(line)[-1] for line in LINES}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS)
def test_a_whole_call_by_mouse_takes_six_clicks(new_page, lang, screen, expected):
    page = desk_page(new_page, lang, viewport=SCREENS[screen])
    combo = ("appearance", "none", "female", "nose")
    clicks = 0
    for line, code in (("urgent", "no"), ("about", "caller"), *zip(QUESTION_IDS, combo, strict=True)):
        page.locator(f"label[for='{line}-{code}']").click()
        clicks += 1
    rec = expected[lang][COMBOS.index(combo)]
    expect(page.locator("#desk-result")).to_have_attribute("data-code", rec["code"])
    expect(page.locator("[data-desk-outcome] [data-fill=heading] [data-main]")).to_have_text(rec["heading"])
    assert clicks == 6 and checked(page) == {
        "urgent": "no",
        "about": "caller",
        **dict(zip(QUESTION_IDS, combo, strict=True)),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_line_1_reads_the_tables_signs_aloud_and_they_stay_on_screen(new_page, lang):
    page = desk_page(new_page, lang, viewport=WIDE)
    signs = texts(page)[lang]["lines"]["urgent"]["signs"]
    other = [language for language in LANGUAGES if language != lang][0]
    assert len(signs) == len(ENGINE.table.urgent.signs)
    if lang == "en":
        assert signs == list(ENGINE.table.urgent.signs)
    read = page.locator("#urgent-signs > li > [data-t]:not([data-alt])")
    expect(read).to_have_text(signs)
    answer(page, "urgent", "no")
    page.locator("label[for='goal-function']").click()
    expect(page.locator("#goal-function")).to_be_checked()
    for sign in read.all():
        expect(sign).to_be_visible()  # still there while another line is asked
    page.keyboard.press("b")
    expect(page.locator("#urgent-signs > li > [data-alt]")).to_have_text(texts(page)[other]["lines"]["urgent"]["signs"])
    expect(page.locator("#urgent-signs > li > [data-alt]").first).to_be_visible()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_emergency_tells_staff_to_alert_the_surgeon_on_call_for_the_clinics_patients(new_page, lang):
    page = desk_page(new_page, lang, viewport=WIDE)
    said = texts(page)
    if lang == "en":
        assert said["en"]["emergency"]["postop"] == ENGINE.table.urgent.desk_postop
    postop = page.locator("[data-desk-emergency] .desk-postop")
    expect(postop).to_be_hidden()
    answer(page, "urgent", "yes")
    expect(postop.locator("[data-t]:not([data-alt])")).to_have_text(said[lang]["emergency"]["postop"])
    expect(postop).to_be_visible()
    advice = page.locator("[data-desk-emergency]")
    expect(advice).to_contain_text(said[lang]["emergency"]["advice"])  # as well as the 911 advice
    page.keyboard.press("b")
    other = [language for language in LANGUAGES if language != lang][0]
    expect(postop.locator("[data-alt]")).to_have_text(said[other]["emergency"]["postop"])
    expect(postop.locator("[data-alt]")).to_be_visible()


def test_new_caller_then_language_says_cleared_in_the_new_language(new_page):
    page = desk_page(new_page, "en")
    said = texts(page)
    status_line = page.locator("[data-desk-status]")
    answer(page, "urgent", "no")
    page.keyboard.press("n")
    expect(status_line).to_have_text(said["en"]["ui"]["cleared"])
    page.keyboard.press("l")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(status_line).to_have_text(said["es"]["ui"]["cleared"])


@pytest.mark.parametrize("wrong", ["ABC", "O0O0O"])
def test_a_wrong_code_after_a_right_one_keeps_the_result_and_says_what_is_wrong(new_page, server_app, wrong):
    page = desk_page(new_page, "en")
    combo = ("function", "none", "male", "breast_chest")
    code = codes.encode(ENGINE.questions, combo)
    for key in ("/", *code, "Enter"):
        page.keyboard.press(key)
    page.wait_for_url(f"**code={code}*")
    page.wait_for_selector(".desk-js", state="attached")
    for key in ("/", *wrong, "Enter"):
        page.keyboard.press(key)
    page.wait_for_url(f"**code={wrong}*")
    page.wait_for_selector(".desk-js", state="attached")
    with pytest.raises(codes.BadCode) as error, server_app.test_request_context("/desk?lang=en"):
        codes.decode(ENGINE.questions, wrong)
    with server_app.test_request_context("/desk?lang=en"):
        message = present.code_error(error.value)
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#code-error")).to_contain_text(message)
    expect(page.locator("#desk-result")).to_have_attribute("data-code", code)  # what was on screen stays
    expect(page.locator("[data-desk-outcome] .procedures li").first).to_be_visible()
    expect(page.locator("#code")).to_have_value(wrong)  # what was typed stays, to be corrected
    assert checked(page) == dict(zip(QUESTION_IDS, combo, strict=True))


def test_the_summary_after_an_emergency_shows_every_line_at_1366x768(new_page):
    page = desk_page(new_page, "es")
    answer(page, "urgent", "yes")
    summary = page.locator("#desk-summary")
    expect(summary).to_have_value(re.compile(r"911"))
    fits = """(box) => box.scrollHeight <= box.clientHeight + 1
        && box.getBoundingClientRect().bottom <= window.innerHeight"""
    page.wait_for_function(f"() => ({fits})(document.getElementById('desk-summary'))")
