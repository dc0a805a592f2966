"""Without a session cookie the questionnaire still works: answers travel in the pages' addresses as a
checked state code. Also the /embed pages: who may frame them, what they leave out, what they keep."""

from __future__ import annotations

import logging
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from guide import ConfigurationError, codes, create_app, state
from guide.engine import combinations
from guide.forms import URGENT, URGENT_CHOICES
from guide.headers import CSP
from guide.table import QUESTION_IDS

from .conftest import LANGUAGES

HOST = "http://localhost:8123"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def app():
    """The app as it runs: CSRF on; one site may frame the embed pages."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "GUIDE_EMBED_ORIGINS": HOST})


@pytest.fixture
def cookieless(app):
    """A browser that refuses every cookie: no request ever carries one."""
    return app.test_client(use_cookies=False)


def text(response) -> str:
    return response.get_data(as_text=True)


def notice(app, key: str, lang: str = "en") -> str:
    """The notice the start page shows for why the patient was sent back, in a language (state.NOTICES)."""
    with app.test_request_context(f"/?lang={lang}"):
        return str(state.NOTICES[key])


def steps(engine) -> list[tuple[str, tuple[str, ...]]]:
    return [(URGENT, URGENT_CHOICES), *((q.id, q.codes) for q in engine.questions)]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link(page: str, pattern: str, attribute: str = "<a [^>]*href") -> str:
    """The first link (or form address) of the page's body matching a pattern."""
    found = re.search(rf'{attribute}="({pattern}[^"]*)"', page)
    assert found, pattern
    return unescape(found.group(1))


def walk(client, combo, start="/", lang=None, headers=SAME_ORIGIN) -> str:
    """Follow the pages as a patient does (Start, each form, See the result); return the result page."""
    page = text(client.get(start + (f"?lang={lang}" if lang else "")))
    address = link(page, r'[^"]*/before-you-start')
    for step, code in zip((URGENT, *QUESTION_IDS), ("no", *combo), strict=True):
        page = text(client.get(address))
        action = link(page, r'[^"]*/(?:before-you-start|question/)', "<form [^>]*action")
        response = client.post(action, data={step: code}, headers=headers)
        assert response.status_code == 302, (step, text(response)[:300])
        address = path_of(response.location)
    page = text(client.get(address))
    assert re.search(r"<h1>[^<]+</h1>", page)
    return text(client.get(link(page, r'[^"]*/result')))


def outcome(page: str) -> tuple[str, str, list[str], str]:
    """What a result page says: category, rule, procedures in order, answer code."""
    category = re.search(r'data-category="([^"]+)" data-rule="([^"]+)"', page)
    code = re.search(r'class="code">([^<]+)<', page)
    assert category and code, page[:500]
    return category.group(1), category.group(2), re.findall(r'data-procedure="([^"]+)"', page), code.group(1)


def expected(engine, combo) -> tuple[str, str, list[str], str]:
    rec = engine.decide(combo)
    return rec.category.id, rec.rule.id, [p.id for p in rec.procedures], codes.encode(engine.questions, combo)


def some_combinations(engine, count=6):
    """A spread of combinations over the whole table (every category the table has among them)."""
    every = list(combinations(engine.table))
    return every[:: len(every) // count][:count]


@pytest.mark.parametrize("index", range(6))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_cookies_the_patient_reaches_the_same_result(engine, cookieless, index, lang):
    combo = some_combinations(engine)[index]
    assert outcome(walk(cookieless, combo, lang=lang)) == expected(engine, combo)


def test_without_cookies_every_category_is_reached(engine, cookieless):
    seen = {outcome(walk(cookieless, combo))[0] for combo in some_combinations(engine, 24)}
    assert seen == {c.id for c in engine.table.categories}


def test_without_cookies_the_language_stays_chosen(engine, cookieless):
    page = walk(cookieless, next(combinations(engine.table)), lang="es")
    assert '<html lang="es">' in page


def test_with_cookies_nothing_travels_in_the_address(engine, app):
    client = app.test_client()
    combo = next(combinations(engine.table))
    page = text(client.get("/before-you-start"))
    for step, code in zip((URGENT, *QUESTION_IDS), ("no", *combo), strict=True):
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        action = link(page, r"/(?:before-you-start|question/)", "<form [^>]*action")
        response = client.post(action, data={step: code, "csrf_token": token})
        assert response.status_code == 302
        assert "answers=" not in response.location
        page = text(client.get(response.location))
    assert "answers=" not in page
    assert outcome(text(client.get("/result"))) == expected(engine, combo)


def test_the_state_code_follows_every_link_of_a_page(engine, cookieless):
    walk_to = text(cookieless.get("/before-you-start"))
    action = link(walk_to, "/before-you-start", "<form [^>]*action")
    response = cookieless.post(action, data={URGENT: "no"}, headers=SAME_ORIGIN)
    page = text(cookieless.get(response.location))
    state = parse_qs(urlsplit(response.location).query)["answers"][0]
    assert codes.decode_state(steps(engine), state) == {URGENT: "no"}
    for address in re.findall(r'(?:href|action)="(/(?:before-you-start|question/)[^"]*)"', page):
        assert f"answers={state}" in address, address
    switch = re.findall(r'<a href="([^"]+)"[^>]*hreflang="\w+"', page)
    assert len(switch) == len(LANGUAGES)
    for address in switch:
        assert f"answers={state}" in unescape(address)


@pytest.mark.parametrize(
    "state",
    ["", "KGW9M", "KGW9MZZ", "KGW9M0", "KGW9MY", "<script>", "ZZZZZZ", "KGW9MZ" * 20],
    ids=["empty", "short", "long", "zero", "wrong check", "markup", "out of range", "huge"],
)
@pytest.mark.parametrize("path", ["/question/goal", "/check-answers", "/result"])
def test_a_damaged_state_code_is_a_clear_message_never_a_500(app, cookieless, state, path):
    response = cookieless.get(f"{path}?answers={state}", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/"
    assert notice(app, "unreadable") in unescape(text(response))
    assert "<script>" not in text(response)


def test_a_damaged_state_code_is_explained_in_spanish(app, cookieless):
    response = cookieless.get("/result?answers=KGW9MY&lang=es", follow_redirects=True)
    assert notice(app, "unreadable", "es") in unescape(text(response)) != notice(app, "unreadable")


def test_without_cookies_no_answers_at_all_is_explained_on_the_start_page(app, cookieless):
    response = cookieless.get("/result", follow_redirects=True)
    assert response.request.path == "/"
    assert notice(app, "lost") in unescape(text(response))


def test_every_partial_state_round_trips_and_a_wrong_character_is_caught(engine):
    table = steps(engine)
    given: dict[str, str] = {}
    for step, choices in table:
        for choice in choices:
            state = codes.encode_state(table, {**given, step: choice})
            assert codes.decode_state(table, state) == {**given, step: choice}
            for position in range(len(state)):
                for wrong in codes.ALPHABET.replace(state[position], ""):
                    with pytest.raises(codes.BadCode):
                        codes.decode_state(table, state[:position] + wrong + state[position + 1 :])
        given[step] = choices[-1]


def test_a_form_sent_from_another_site_without_a_session_is_refused(cookieless):
    response = cookieless.post("/before-you-start", data={URGENT: "no"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400
    assert "Please try that again" in text(response)
    old_browser = {"Origin": "http://elsewhere.example"}
    assert cookieless.post("/before-you-start", data={URGENT: "no"}, headers=old_browser).status_code == 400


@pytest.mark.parametrize("headers", [{"Origin": "null"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"}])
def test_a_form_from_an_opaque_origin_is_refused(cookieless, headers):
    # A sandboxed frame or a data: page sends `Origin: null`; the guide's own pages never do (Referrer-Policy).
    response = cookieless.post("/before-you-start", data={URGENT: "no"}, headers=headers)
    assert response.status_code == 400
    assert cookieless.get("/check-answers").status_code == 302  # nothing was answered


def test_a_form_from_the_guide_itself_without_a_session_is_taken(cookieless):
    for headers in (SAME_ORIGIN, {"Origin": "http://localhost"}, {}):
        assert cookieless.post("/before-you-start", data={URGENT: "no"}, headers=headers).status_code == 302


def test_with_a_session_the_csrf_token_is_still_required(app):
    client = app.test_client()
    client.get("/before-you-start")
    response = client.post("/before-you-start", data={URGENT: "no"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert "Please try that again" in text(response)


@pytest.mark.parametrize("base_url", ["http://localhost", "https://localhost"])
def test_with_a_session_a_form_with_its_token_is_taken_over_http_and_https(app, base_url):
    client = app.test_client()
    page = text(client.get("/before-you-start", base_url=base_url))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {URGENT: "no", "csrf_token": token}
    forged = client.post("/before-you-start", base_url=base_url, data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 400
    response = client.post("/before-you-start", base_url=base_url, data=data, headers=SAME_ORIGIN)
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/question/goal"


def test_start_again_without_cookies_forgets_the_answers(engine, cookieless):
    page = walk(cookieless, next(combinations(engine.table)))
    response = cookieless.post(link(page, "/start-again", "<form [^>]*action"), headers=SAME_ORIGIN)
    assert response.location == "/"
    assert "answers=" not in text(cookieless.get("/"))


def test_state_codes_are_masked_in_the_request_log(caplog):
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logger.info("%s", '"GET /embed/question/cause?answers=KQW9MJ&lang=es HTTP/1.1" 302 -')
        logger.info("%s", '"POST /question/area?lang=en&answers=KQCQMN HTTP/1.1" 302 -')
    assert "KQW9MJ" not in caplog.text and "KQCQMN" not in caplog.text
    assert "answers=*****" in caplog.text


# ---------------------------------------------------------------- /embed ----


@pytest.mark.parametrize("path", ["/", "/before-you-start", "/question/goal", "/code", "/nowhere"])
def test_only_embed_pages_may_be_framed_and_only_by_the_listed_sites(cookieless, path):
    outside = cookieless.get(path).headers
    assert outside["Content-Security-Policy"] == CSP
    assert outside["X-Frame-Options"] == "DENY"
    inside = cookieless.get("/embed" + path).headers
    assert inside["Content-Security-Policy"] == CSP.replace("frame-ancestors 'none'", f"frame-ancestors {HOST}")
    assert "X-Frame-Options" not in inside


def test_with_no_site_listed_embed_pages_refuse_framing_too():
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}).test_client()
    headers = client.get("/embed/").headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/embed/desk", "/embed/api/v1/questions"])
def test_the_desk_and_the_api_are_never_embedded(cookieless, path):
    response = cookieless.get(path)
    assert response.status_code == 404
    assert cookieless.get(path.removeprefix("/embed")).headers["Content-Security-Policy"] == CSP


def test_the_desk_refuses_framing_whatever_the_setting(cookieless):
    headers = cookieless.get("/desk").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("https://clinic.example", ("https://clinic.example",)),
        ("https://clinic.example/ http://LOCALHOST:8080", ("https://clinic.example", "http://localhost:8080")),
        ("https://a.example,https://b.example, ", ("https://a.example", "https://b.example")),
        (["https://a.example"], ("https://a.example",)),
        ("", ()),
    ],
)
def test_embed_origins_come_from_the_environment_as_a_list(monkeypatch, value, origins):
    if isinstance(value, str):
        monkeypatch.setenv("GUIDE_EMBED_ORIGINS", value)
        app = create_app({"SECRET_KEY": "test"})
    else:
        app = create_app({"SECRET_KEY": "test", "GUIDE_EMBED_ORIGINS": value})
    assert app.config["GUIDE_EMBED_ORIGINS"] == origins


@pytest.mark.parametrize("value", ["*", "clinic.example", "https://clinic.example/a", "https://*.example", "'self'"])
def test_anything_but_an_origin_refuses_to_start(value):
    with pytest.raises(ConfigurationError, match="GUIDE_EMBED_ORIGINS"):
        create_app({"SECRET_KEY": "test", "GUIDE_EMBED_ORIGINS": value})


def test_embed_pages_keep_the_switch_the_phone_and_the_emergency_line_without_the_site_chrome(cookieless):
    page = text(cookieless.get("/embed/before-you-start?lang=es"))
    assert 'class="brand"' not in page
    assert "Dr." not in page.split("<footer", 1)[1]
    assert "911" in page.split("<footer", 1)[1]
    switch = re.findall(r'<a href="([^"]+)"[^>]*hreflang="(\w+)"', page)
    assert {lang for _href, lang in switch} == set(LANGUAGES)
    assert all(href.startswith("/embed/") for href, _lang in switch)
    assert re.search(r'<script src="/embed/static/frame.js\?v=\w+"', page)
    assert 'data-embed-origins="http://localhost:8123"' in page
    for anchor in re.findall(r"<a [^>]*>", page):
        if 'href="tel:' in anchor:
            assert 'target="_top"' in anchor, anchor
        else:
            assert "target=" not in anchor, anchor


def test_every_phone_link_of_an_embed_result_opens_outside_the_frame(engine, cookieless):
    page = walk(cookieless, next(combinations(engine.table)), start="/embed/")
    phones = re.findall(r'<a [^>]*href="tel:[^"]*"[^>]*>', page)
    assert len(phones) >= 2
    assert all('target="_top"' in anchor for anchor in phones)
    assert all(address.startswith("/embed/") for address in re.findall(r'href="(/[^"]*)"', page))


def test_outside_the_embed_no_link_opens_elsewhere(client):
    assert "target=" not in text(client.get("/"))


@pytest.mark.parametrize(("browser_lang", "chosen"), [("es", "en"), ("en", "es")])
def test_start_again_without_cookies_keeps_the_language_chosen(engine, cookieless, browser_lang, chosen):
    header = {"Accept-Language": browser_lang}
    page = walk(cookieless, next(combinations(engine.table)))
    switched = text(cookieless.get(link(page, r"[^\"]*/result\?[^\"]*lang=" + chosen), headers=header))
    assert f'<html lang="{chosen}">' in switched
    response = cookieless.post(link(switched, "/start-again", "<form [^>]*action"), headers={**SAME_ORIGIN, **header})
    start = text(cookieless.get(response.location, headers=header))
    assert f'<html lang="{chosen}">' in start
    assert "answers=" not in start
