"""The patient questionnaire through the test client: routes, errors, Back, Change, state, safety."""

from __future__ import annotations

import contextlib
import logging
import re
import string
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import gettext

from guide import codes, create_app, present, views
from guide.engine import Answers
from guide.table import QUESTION_IDS, UNSURE

from .conftest import CLINIC, GUIDE, LANGUAGES
from .pages import PATIENT_STATES, carrying, open_in_client, step_path

ROUTE = {"urgent": "no", "goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"}


@pytest.fixture
def client(app):
    """A browser that keeps cookies: it has the session cookie before its first answer, as a real one
    does from the question's page (its CSRF token; this test app has CSRF off)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["seen"] = True
    return client


def present_text(app, source: str, lang: str = "en") -> str:
    """A text of the table as the page shows it in a language."""
    with app.test_request_context(f"/?lang={lang}"):
        return present.translate(source)


def notice(app, key: str, lang: str = "en") -> str:
    """The notice the start page shows for why the patient was sent back, in a language (views.NOTICES)."""
    with app.test_request_context(f"/?lang={lang}"):
        return str(views.NOTICES[key])


def url(step: str) -> str:
    return "/before-you-start" if step == "urgent" else f"/question/{step}"


def answer(client, step, code, **kwargs):
    return client.post(url(step), data={step: code}, **kwargs)


def walk(client, answers=ROUTE):
    for step, code in answers.items():
        response = answer(client, step, code)
        assert response.status_code == 302, (step, response.data[:500])
    return response


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_start_page_explains_and_offers_the_phone(client):
    page = text(client.get("/"))
    assert "<h1>Cosmetic or reconstructive surgery?</h1>" in page
    assert "it is not a diagnosis" in page
    assert "911" in page
    assert f'href="{CLINIC.tel}"' in page
    assert 'href="/before-you-start"' in page


def test_each_answer_leads_to_the_next_question_then_check_answers(client):
    expected = ["/question/goal", "/question/cause", "/question/gender", "/question/area", "/check-answers"]
    locations = [answer(client, step, code).location for step, code in ROUTE.items()]
    assert locations == expected


def presented(app, answers: dict[str, str], lang: str = "en") -> dict:
    """What the engine decided for these answers and the presentation made of it: what the page must show."""
    with app.test_request_context(f"/?lang={lang}"):
        return present.recommendation(GUIDE.engine.decide(Answers(*(answers[q] for q in QUESTION_IDS))))


@pytest.mark.parametrize(
    ("goal", "cause", "category"),
    [
        ("appearance", "none", "cosmetic"),
        ("appearance", "trauma", "reconstructive"),
        ("unsure", "unsure", "undetermined"),
    ],
)
def test_every_category_is_reachable(app, client, goal, cause, category):
    walk(client, {**ROUTE, "goal": goal, "cause": cause})
    page = text(client.get("/result"))
    decided = presented(app, {**ROUTE, "goal": goal, "cause": cause})
    assert decided["category"] == category
    assert f"<h1>{decided['heading']}</h1>" in unescape(page)
    assert f'class="phone-link" href="{CLINIC.tel}">{CLINIC.phone}</a>' in page
    assert "not a diagnosis" in page


def test_the_result_says_why_and_what_if(app, client):
    walk(client, {**ROUTE, "cause": "none"})
    page = unescape(text(client.get("/result")))
    decided = presented(app, {**ROUTE, "cause": "none"})
    assert decided["reasons"] and decided["procedures"]
    assert all(reason in page for reason in decided["reasons"])
    assert all(procedure["name"] in page for procedure in decided["procedures"])
    leaning = {**ROUTE, "goal": "function", "cause": "weight_loss", "area": "nose"}
    walk(client, leaning)
    page = unescape(text(client.get("/result")))
    decided = presented(app, leaning)
    assert decided["what_if"] and decided["what_if"] in page


def test_nothing_fitting_says_the_surgeon_will_advise_once(app, client):
    walk(client, {**ROUTE, "area": "unsure"})
    page = unescape(text(client.get("/result")))
    decided = presented(app, {**ROUTE, "area": "unsure"})
    assert not decided["procedures"] and decided["empty"]
    assert page.count(decided["empty"]) == 1


def test_a_missing_answer_shows_the_error_summary_and_keeps_the_others(client):
    walk(client, {"urgent": "no", "goal": "function"})
    response = client.post("/question/cause", data={})
    page = unescape(text(response))
    cause = GUIDE.table.question("cause")
    assert response.status_code == 200
    assert f"<title>Error: {cause.label}" in page
    assert f'<a href="#cause-{cause.codes[0]}">{cause.error}</a>' in page
    assert f'<span class="visually-hidden">Error:</span> {cause.error}' in page
    with client.session_transaction() as session:
        assert session["answers"] == {"urgent": "no", "goal": "function"}


def test_a_forged_answer_is_an_error_not_a_500(client):
    walk(client, {"urgent": "no"})
    response = client.post("/question/goal", data={"goal": "<script>"})
    assert response.status_code == 200
    assert GUIDE.table.question("goal").error in unescape(text(response))
    assert "<script>" not in text(response)


def test_back_links_follow_the_route(client):
    walk(client, {"urgent": "no", "goal": "appearance"})
    assert 'class="back-link" href="/before-you-start"' in text(client.get("/question/goal"))
    assert 'class="back-link" href="/question/goal"' in text(client.get("/question/cause"))
    assert 'class="back-link" href="/"' in text(client.get("/before-you-start"))


def test_a_question_shows_the_answer_already_given(client):
    walk(client, {"urgent": "no", "goal": "function"})
    assert re.search(r'<input[^>]*checked[^>]*value="function"', text(client.get("/question/goal")))


def test_change_returns_to_check_answers_and_the_result_is_recomputed(client):
    walk(client)
    assert "Reconstructive" in text(client.get("/result"))
    check = text(client.get("/check-answers"))
    assert 'href="/question/cause?change=1"' in check
    page = text(client.get("/question/cause?change=1"))
    assert 'class="back-link" href="/check-answers"' in page
    assert 'action="/question/cause?change=1"' in page
    response = client.post("/question/cause?change=1", data={"cause": "none"})
    assert response.location == "/check-answers"
    assert "<h1>Most likely: cosmetic surgery</h1>" in text(client.get("/result"))


def test_skipping_ahead_goes_to_the_first_unanswered_question(client):
    walk(client, {"urgent": "no", "goal": "function"})
    assert client.get("/question/area").location == "/question/cause"
    assert client.get("/result").location == "/question/cause"


def test_a_fresh_injury_is_sent_to_emergency_care_first(client):
    response = answer(client, "urgent", "yes")
    assert response.location == "/get-help-now"
    page = text(client.get("/get-help-now"))
    assert 'href="tel:911"' in page
    assert f'href="{CLINIC.tel}"' in page
    assert client.get("/question/goal").location == "/before-you-start"


@pytest.mark.parametrize("path", ["/question/cause", "/check-answers", "/result"])
def test_no_answers_at_all_sends_back_to_the_start_kindly(app, client, path):
    response = client.get(path, follow_redirects=True)
    assert response.request.path == "/"
    assert notice(app, "lost") in unescape(text(response))


def test_an_expired_session_sends_back_to_the_start_kindly(app, client):
    walk(client, {"urgent": "no", "goal": "function"})
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=-1)  # every signature is now too old
    assert client.get("/question/cause").location == "/"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    assert notice(app, "lost") in unescape(text(client.get("/")))


def test_a_tampered_session_sends_back_to_the_start_kindly(app, client):
    walk(client, {"urgent": "no", "goal": "function"})
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-3] + "abc", domain=cookie.domain)
    response = client.get("/question/cause", follow_redirects=True)
    assert response.request.path == "/"
    assert notice(app, "lost") in unescape(text(response))


def test_a_csrf_failure_is_a_friendly_page_and_keeps_the_answers():
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    client = app.test_client()
    client.get("/before-you-start")
    with client.session_transaction() as session:
        session["answers"] = {"urgent": "no", "goal": "function"}
    response = client.post("/question/cause", data={"cause": "pain"})
    assert response.status_code == 400
    page = text(response)
    assert "Please try that again" in page
    assert "Your earlier answers are still kept in your browser." in page
    assert 'href="/question/cause"' in page
    with client.session_transaction() as session:
        assert session["answers"] == {"urgent": "no", "goal": "function"}


def test_start_again_forgets_the_answers(client):
    walk(client)
    assert client.post("/start-again").location == "/"
    with client.session_transaction() as session:
        assert "answers" not in session


@pytest.mark.parametrize("path", ["/", "/before-you-start", "/question/goal", "/nowhere", "/api/v1/questions"])
def test_every_response_sends_the_security_headers(client, path):
    walk(client, {"urgent": "no"})
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_and_no_third_party_urls(client):
    pages = [text(client.get("/"))]
    for step, code in ROUTE.items():
        pages.append(text(client.get(url(step))))
        answer(client, step, code)
    pages += [text(client.get("/check-answers")), text(client.get("/result")), text(client.get("/nowhere"))]
    for page in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert not re.search(r"\sstyle=|<style", page)
        absolute = re.findall(r"""(?:src|href)=["']?((?:https?:)?//[^"'\s>]*)""", page)
        assert all(address.startswith("http://localhost/") for address in absolute), absolute


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [("get", "/nowhere", 404, "Page not found"), ("delete", "/", 405, "That did not work")],
)
def test_error_pages_use_the_layout(client, method, path, status, heading):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in text(response)
    assert f'href="{CLINIC.tel}"' in text(response)


def test_an_unexpected_failure_is_a_page_in_the_layout_not_a_bare_500():
    app = create_app({"SECRET_KEY": "test"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "<h1>Sorry, something went wrong on our side</h1>" in text(response)


def test_answers_are_kept_only_in_the_signed_cookie(client):
    walk(client)
    assert client.get_cookie("session").http_only


def test_answer_codes_are_masked_in_the_request_log(app, caplog):
    """Building the app installs the filter on the development server's request log."""
    from guide.logs import RedactAnswerCodes

    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info("%s - - [%s] %s", "127.0.0.1", "now", '"GET /r/5GW9A HTTP/1.1" 200 -')
        logger.info("%s - - [%s] %s", "127.0.0.1", "now", '"GET /desk?code=5GW9A&lang=es HTTP/1.1" 200 -')
    assert any(isinstance(f, RedactAnswerCodes) for f in logger.filters)
    assert "5GW9A" not in caplog.text
    assert "/r/*****" in caplog.text


# ------------------------------------------------------- the start page, codes, search engines ---


@pytest.mark.parametrize(
    ("given", "resume"),
    [
        ({"urgent": "no", "goal": "function"}, "/question/cause"),
        (ROUTE, "/check-answers"),
        ({"urgent": "yes"}, "/before-you-start"),
    ],
    ids=["part way", "every answer", "sent to emergency care"],
)
def test_the_start_page_offers_to_continue_where_the_patient_left_off(client, given, resume):
    walk(client, given)
    page = text(client.get("/"))
    found = re.search(r'<div class="resume">.*?<a class="button" href="([^"]+)"', page, re.S)
    assert found and found.group(1) == resume
    assert 'action="/start-again"' in page
    assert "button-start" not in page
    assert client.get(resume).status_code == 200


def test_a_first_visit_is_offered_the_questions_not_a_return(client):
    page = text(client.get("/"))
    assert 'class="resume"' not in page
    assert '<a class="button button-start" href="/before-you-start">' in page


def test_without_cookies_continue_carries_the_answers(app):
    client = app.test_client(use_cookies=False)
    page = text(client.get(carrying("/", {"urgent": "no", "goal": "function"})))
    link = unescape(re.search(r'<div class="resume">.*?<a class="button" href="([^"]+)"', page, re.S).group(1))
    assert link.startswith("/question/cause?")
    assert 'name="cause"' in text(client.get(link))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_start_page_links_the_code_page_and_guides_those_answering_for_someone_else(app, client, lang):
    page = text(client.get(f"/?lang={lang}"))
    assert 'href="/code">' in page
    assert re.search(r'<h2 id="someone-else">[^<]+</h2>\s*<p>[^<]+</p>', page)
    urgent = text(client.get(f"/before-you-start?lang={lang}"))
    hint = unescape(re.search(r'<p class="hint" id="urgent-hint">([^<]+)</p>', urgent).group(1))
    with app.test_request_context(f"/?lang={lang}"):
        table_hint = present.translate(GUIDE.table.urgent.hint)
    assert hint.startswith(table_hint + " ") and len(hint) > len(table_hint) + 20, "no word for someone else"


@pytest.mark.parametrize("question", QUESTION_IDS)
def test_i_am_not_sure_is_set_apart_by_an_or(client, question):
    codes_of = GUIDE.table.question(question).codes
    before = dict(list(ROUTE.items())[: list(ROUTE).index(question)])
    page = text(client.get(carrying(step_path(question), before)))
    dividers = re.findall(
        r'<p class="radios-divider">[^<]+</p>\s*<div class="radio">\s*<input[^>]*value="([^"]+)"', page
    )
    if UNSURE in codes_of[1:]:
        assert dividers == [UNSURE]
    else:
        assert dividers == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_example_code_in_the_hint_opens_no_result(client, engine, lang):
    hint = re.search(r'id="code-hint">([^<]*)<', text(client.get(f"/code?lang={lang}"))).group(1)
    example = re.search(rf"\b[{codes.ALPHABET}]{{5}}\b", hint).group(0)
    with pytest.raises(codes.BadCode) as refused:
        codes.decode(engine.questions, example)
    assert refused.value.reason is codes.CodeError.MISTAKE
    body_fits = []
    for check in codes.ALPHABET:
        with contextlib.suppress(codes.BadCode):
            body_fits.append(codes.decode(engine.questions, example[:-1] + check))
    assert len(body_fits) == 1, "only the check character of the example should be wrong"
    typed = client.get(f"/code?code={example}&lang={lang}")
    assert typed.status_code == 200 and 'class="error-summary"' in text(typed)
    assert client.get(f"/r/{example}").status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_code_with_a_wrong_character_names_every_character_codes_never_have(client, lang):
    page = text(client.get(f"/code?code=5QWOK&lang={lang}"))
    message = re.search(r'<p class="error-message" id="code-error">.*?</span>\s*([^<]+)</p>', page, re.S).group(1)
    never = set(string.digits + string.ascii_uppercase) - set(codes.ALPHABET)
    assert never == {"0", "1", "I", "L", "O", "S", "U"}
    assert never <= set(re.findall(r"\b([0-9A-Z])\b", message)), message


def description(response) -> str:
    found = re.search(r'<meta name="description" content="([^"]*)">', text(response))
    assert found, text(response)[:300]
    return unescape(found.group(1)).strip()


SCREEN_STATES = [state for state in PATIENT_STATES if state.media == "screen"]


@pytest.mark.parametrize("state", SCREEN_STATES, ids=[state.name for state in SCREEN_STATES])
def test_every_patient_page_describes_itself_in_its_language(client, state):
    english = description(open_in_client(client, state, {"Accept-Language": "en"}))
    spanish = description(open_in_client(client, state, {"Accept-Language": "es"}))
    assert len(english) > 40 and len(spanish) > 40
    assert english != spanish


@pytest.mark.parametrize("state", SCREEN_STATES, ids=[state.name for state in SCREEN_STATES])
def test_only_pages_whose_address_carries_no_answers_are_offered_to_search_engines(client, state):
    response = open_in_client(client, state)
    page = text(response)
    noindex = '<meta name="robots" content="noindex, nofollow">' in page
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    if response.status_code == 404:
        assert not canonical
    elif re.search(r"[?&](answers|code)=|^/r/", state.path):
        assert noindex and not canonical and 'rel="alternate"' not in page
    else:
        assert not noindex and canonical


def test_a_page_names_its_canonical_address_and_every_language_absolutely(client):
    site = "https://guide.example.org"
    page = text(client.get("/before-you-start?lang=es&notice=lost", base_url=site))
    assert re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1) == f"{site}/before-you-start?lang=es"
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert alternates == {
        **{lang: f"{site}/before-you-start?lang={lang}" for lang in LANGUAGES},
        "x-default": f"{site}/before-you-start",
    }


def test_an_address_without_a_language_is_its_own_canonical_the_x_default(client):
    page = text(client.get("/code", headers={"Accept-Language": "es"}))
    assert re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1) == "http://localhost/code"
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/code">' in page


def test_an_embed_page_points_search_engines_at_the_full_site(client):
    page = text(client.get("/embed/code?lang=en"))
    assert re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1) == "http://localhost/code?lang=en"


#: Link texts that say nothing of where they lead (as search engines judge them).
GENERIC = {"start", "here", "click here", "more", "read more", "go", "empezar", "comenzar", "aquí", "más"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_link_says_only_start_or_here(client, lang):
    for state in SCREEN_STATES:
        page = text(open_in_client(client, state, {"Accept-Language": lang}))
        for link in re.findall(r"<a [^>]*href[^>]*>(.*?)</a>", page, re.S):
            words = re.sub(r"<[^>]+>", " ", link).split()
            assert " ".join(words).lower() not in GENERIC, (state.name, link)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_says_the_disclaimer_and_the_emergency_line_once(app, client, lang):
    with app.test_request_context(f"/?lang={lang}"):
        note = present.clinic()["emergency_note"]
        disclaimer = gettext("This guide informs; it is not a diagnosis or medical advice.")
    for state in SCREEN_STATES:
        page = unescape(text(open_in_client(client, state, {"Accept-Language": lang})))
        assert page.count(note) == 1, (state.name, page.count(note))
        assert page.count(disclaimer.rstrip(".")) == 1, state.name
