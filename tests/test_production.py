"""Production behaviour without a server: the secret key, TLS, headers, limits, errors by blueprint,
a table changed under live sessions, honest recovery texts, and the pages served from the cache."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import stat
import time
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from guide import ConfigurationError, codes, create_app, read_or_create_key, state
from guide.engine import Answers
from guide.logs import mask

from .conftest import GUIDE, LANGUAGES
from .synthetic import tiny, write

ROUTE = {"urgent": "no", "goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"}
ANSWERS = {"goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"}


def walk(client, route=ROUTE):
    for step, code in route.items():
        path = "/before-you-start" if step == "urgent" else f"/question/{step}"
        assert client.post(path, data={step: code}).status_code == 302


# ---------------------------------------------------------------- the secret key ----


def test_without_a_key_one_is_created_once_owner_only_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    path = tmp_path / "instance" / "secret_key"
    first = create_app({"SECRET_KEY_FILE": str(path), "WTF_CSRF_ENABLED": False})
    second = create_app({"SECRET_KEY_FILE": str(path), "WTF_CSRF_ENABLED": False})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    client = first.test_client()
    walk(client)
    other = second.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/result").status_code == 200  # the other process reads the same session


def test_a_cookie_written_by_flasks_own_session_still_holds_the_answers_and_the_notice(app):
    # Sessions written before this release (Flask's tagged JSON: the flashed notice a tuple) stay readable.
    with app.test_request_context():
        notice = str(state.NOTICES["lost"])
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = flasks.dumps({"answers": ROUTE, "_flashes": [("restart", notice)]})
    assert '" t"' in flasks.serializer.dumps({"_flashes": [("restart", notice)]})  # a tagged value in the cookie
    client = app.test_client()
    client.set_cookie("session", cookie)
    page = client.get("/result")
    assert page.status_code == 200 and notice in unescape(page.get_data(as_text=True))
    assert client.get("/result").status_code == 200  # the cookie it wrote back holds the same answers
    # And the other way: Flask's own session reads the cookie the guide writes (a release rolled back keeps it).
    written = client.get_cookie("session")
    assert written is not None and not written.value.startswith(".")  # written uncompressed, read either way
    assert flasks.loads(written.value)["answers"] == ROUTE


def test_a_configured_key_wins_and_no_file_is_written(tmp_path):
    app = create_app({"SECRET_KEY": "configured-" + "c" * 30, "SECRET_KEY_FILE": str(tmp_path / "key")})
    assert app.secret_key.startswith("configured-")
    assert not (tmp_path / "key").exists()


@pytest.mark.parametrize(("mode", "content", "says"), [(0o644, "k" * 64, "chmod 600"), (0o600, "short", "too short")])
def test_an_unsafe_or_short_key_file_is_refused(tmp_path, mode, content, says):
    path = tmp_path / "secret_key"
    path.write_text(content)
    path.chmod(mode)
    with pytest.raises(ConfigurationError, match=says):
        read_or_create_key(path)


def test_a_key_that_cannot_be_kept_refuses_to_start_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(ConfigurationError) as refusal:
        create_app({"SECRET_KEY_FILE": str(blocked / "secret_key")})
    assert "FLASK_SECRET_KEY" in str(refusal.value) and "\n" not in str(refusal.value)


# ---------------------------------------------------------------- TLS and headers ----


def test_over_tls_hsts_and_every_cookie_is_secure():
    client = create_app({"SECRET_KEY": "tls-" + "t" * 30}).test_client()
    response = client.get("/before-you-start?lang=es", base_url="https://guide.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} == {"session", "lang"}
    assert all("Secure" in c for c in cookies)


def test_over_plain_http_no_hsts_and_no_secure_cookie(app):
    response = app.test_client().get("/before-you-start?lang=es")
    assert "Strict-Transport-Security" not in response.headers
    assert not any("Secure" in c for c in response.headers.getlist("Set-Cookie"))


def test_behind_a_trusted_proxy_its_scheme_counts(monkeypatch):
    monkeypatch.setenv("GUIDE_PROXIES", "1")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    untrusted = create_app({"TESTING": True, "SECRET_KEY": "test", "GUIDE_PROXIES": 0}).test_client()
    assert "Strict-Transport-Security" not in untrusted.get("/", headers={"X-Forwarded-Proto": "https"}).headers


@pytest.mark.parametrize(
    ("path", "policy"),
    [("/", "same-origin"), ("/api/v1/questions", "same-origin"), ("/static/guide.css", "same-origin")]
    + [("/static/embed.js", "cross-origin")],
)
def test_cross_origin_policies(client, path, policy):
    response = client.get(path)
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Resource-Policy"] == policy


# ---------------------------------------------------------------- limits and errors ----


@pytest.mark.parametrize(
    ("path", "method", "headers", "data", "status"),
    [
        ("/?q=" + "a" * 3000, "GET", {}, None, 414),
        ("/", "GET", {"X-Big": "b" * 5000}, None, 431),
        ("/", "GET", {f"X-{n}": "1" for n in range(70)}, None, 431),
        ("/before-you-start", "POST", {}, b"a" * 20000, 413),
        ("/api/v1/assess", "POST", {}, b"a" * 20000, 413),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_oversized_requests_get_a_page_in_the_visitors_language(client, path, method, headers, data, status, lang):
    response = client.open(path, method=method, data=data, headers={**headers, "Accept-Language": lang})
    assert response.status_code == status
    if path.startswith("/api/"):
        assert response.get_json()["errors"]["request"]
        return
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert "something went wrong on our side" not in page.lower() and "hubo un error" not in page.lower()


@pytest.mark.parametrize(
    "body",
    [b"[" * 5000 + b"]" * 5000, b'{"goal": "\xff\xfe"}', b'{"goal": ' * 1500, "{}".encode("utf-16") + b"\xff"],
)
def test_a_body_that_cannot_be_parsed_is_a_400_in_json(client, body):
    response = client.post("/api/v1/assess", data=body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"body"}


def test_unknown_fields_are_named_only_a_few_times(client):
    body = {**ANSWERS, **{f"field{n}": n for n in range(800)}}
    response = client.post("/api/v1/assess", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert len(errors) == 6 and "body" in errors
    assert "795" in errors["body"][0]
    assert len(response.get_data()) < 1500


def test_json_is_refused_by_the_forms(client):
    response = client.post("/before-you-start", data="false", content_type="application/json")
    assert response.status_code == 415
    assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    ("method", "path", "json_expected"),
    [
        ("GET", "/api/v1/nowhere", True),
        ("GET", "/api/v2/assess", True),
        ("GET", "/api", True),
        ("GET", "/api/v1/assess", True),  # 405: no route matched the method
        ("GET", "/apiary", False),
        ("GET", "/nowhere/api/v1", False),
        ("GET", "/embed/api/v1/questions", True),  # the API is not served in the embed, and says so in JSON
    ],
)
def test_errors_are_json_exactly_for_the_api(client, method, path, json_expected):
    response = client.open(path, method=method)
    assert response.status_code in (404, 405)
    assert (response.mimetype == "application/json") is json_expected


def test_the_api_ignores_the_language_cookie_and_the_pages_follow_it(client):
    client.set_cookie("lang", "es")
    assert client.get("/api/v1/questions").get_json()["lang"] == "en"
    assert client.get("/api/v1/nowhere").get_json()["errors"]["request"] == ["Page not found"]
    assert '<html lang="es">' in client.get("/").get_data(as_text=True)


# ---------------------------------------------------------------- a table changed under live sessions ----


def renamed(data):
    """The same table with the answer "trauma" renamed "injury"."""
    for question in data["questions"]:
        for choice in question["choices"]:
            if choice["id"] == "trauma":
                choice["id"] = "injury"
    for rule in data["rules"]:
        rule["when"] = {q: ["injury" if c == "trauma" else c for c in codes_] for q, codes_ in rule["when"].items()}
    return data


@pytest.mark.parametrize("path", ["/result", "/check-answers", "/question/area"])
def test_a_renamed_answer_in_a_live_session_asks_again_kindly_and_logs_nothing(tmp_path, caplog, path):
    config = {"SECRET_KEY": "restart-" + "r" * 30, "WTF_CSRF_ENABLED": False}
    before = create_app({**config, "GUIDE_RULES": str(write(tmp_path, tiny()))})
    client = before.test_client()
    walk(client, {"urgent": "no", "goal": "appearance", "cause": "trauma", "gender": "female", "area": "nose"})
    assert client.get("/result").status_code == 200
    after = create_app({**config, "GUIDE_RULES": str(write(tmp_path, renamed(tiny())))})
    client.application = after  # the same browser, after the restart
    with caplog.at_level(logging.DEBUG):
        response = client.get(path)
        landing = client.get(response.location) if response.status_code == 302 else response
    assert response.status_code in (200, 302)
    assert landing.status_code == 200
    page = unescape(landing.get_data(as_text=True))
    with after.test_request_context("/?lang=en"):
        assert str(state.NOTICES["changed"]) in page
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "trauma" not in caplog.text
    assert client.get("/result").location == "/"  # the old answers are gone for good


# ---------------------------------------------------------------- honest recovery texts ----


def csrf_client():
    app = create_app({"TESTING": True, "SECRET_KEY": "csrf-" + "c" * 30})
    return app.test_client()


def test_after_a_failed_check_the_page_says_the_answers_are_kept_only_when_they_are():
    client = csrf_client()
    client.get("/before-you-start")  # a session, with its token, but no answer yet
    page = client.post("/before-you-start", data={"urgent": "no", "csrf_token": "stale"}).get_data(as_text=True)
    assert "still kept" not in page and "no longer kept" in page

    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/before-you-start").get_data(as_text=True)
    )
    assert client.post("/before-you-start", data={"urgent": "no", "csrf_token": token.group(1)}).status_code == 302
    page = client.post("/question/goal", data={"goal": "appearance", "csrf_token": "stale"}).get_data(as_text=True)
    assert "still kept" in page and "no longer kept" not in page


def test_the_desks_failed_check_keeps_what_it_says_it_keeps():
    """The desk shows the posted form again with its answers, so its "the answers are kept" is true."""
    client = csrf_client()
    client.get("/desk")
    response = client.post("/desk", data={"goal": "function", "csrf_token": "stale"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'<input[^>]*value="function"[^>]*checked|<input[^>]*checked[^>]*value="function"', page)


# ---------------------------------------------------------------- masking ----


@pytest.mark.parametrize(
    "line",
    [
        '"GET /r/5GW9A HTTP/1.1" 200',
        '"GET /embed/r/5GW9A?lang=es HTTP/1.1" 200',
        '"GET /%72/5GW9A HTTP/1.1" 404',
        '"GET /desk?code=5GW9A&lang=es HTTP/1.1" 200',
        '"GET /result?lang=es&answers=5GW9AQ HTTP/1.1" 200',
        '"GET /result?%61nswers=5GW9AQ HTTP/1.1" 200',
        "Invalid request from ip=127.0.0.1: Invalid Request Line 'GET /r/5GW9A HTT'",
    ],
)
def test_codes_are_masked_whatever_their_spelling(line):
    masked = mask(line)
    assert "5GW9A" not in masked
    assert ("lang=es" in masked) is ("lang=es" in line)


def test_the_app_log_is_masked_too(app, caplog):
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        try:
            raise LookupError("/r/5GW9A")
        except LookupError:
            app.logger.exception("Exception on /r/5GW9A [GET]")
    assert "5GW9A" not in caplog.text


# ---------------------------------------------------------------- the result's markup, kept ----


def kept_bodies(app) -> dict:
    """The result bodies the app keeps (guide.present.once), by (language, answers)."""
    return {
        (lang, key): html for (kind, lang, key), html in app.extensions["presented"].items() if kind == "result_body"
    }


def forget_bodies(app) -> None:
    """Drop the kept result bodies (and nothing else the app keeps)."""
    for kind, lang, key in [entry for entry in app.extensions["presented"] if entry[0] == "result_body"]:
        del app.extensions["presented"][kind, lang, key]


@pytest.mark.parametrize("path", ["/result", "/result?lang=es", "/embed/result"])
def test_a_result_from_the_kept_markup_is_the_result_rendered_afresh(path):
    app = create_app({"SECRET_KEY": "kept-" + "k" * 30})
    client = app.test_client()
    client.get(f"/r/{codes.encode(GUIDE.engine.questions, tuple(ANSWERS.values()))}")
    forget_bodies(app)
    first = client.get(path).get_data(as_text=True)  # renders the markup, and keeps it
    assert len(kept_bodies(app)) == 1
    again = client.get(path).get_data(as_text=True)
    forget_bodies(app)
    afresh = client.get(path).get_data(as_text=True)
    assert first == again == afresh


def test_the_kept_markup_is_per_language():
    app = create_app({"SECRET_KEY": "kept-" + "k" * 30})
    client = app.test_client()
    client.get(f"/r/{codes.encode(GUIDE.engine.questions, tuple(ANSWERS.values()))}")
    english = client.get("/result?lang=en").get_data(as_text=True)
    spanish = client.get("/result?lang=es").get_data(as_text=True)
    kept = kept_bodies(app)
    assert sorted(lang for lang, _ in kept) == ["en", "es"]
    assert kept["en", Answers(**ANSWERS)] in english and kept["es", Answers(**ANSWERS)] in spanish
    assert kept["en", Answers(**ANSWERS)] != kept["es", Answers(**ANSWERS)]


@pytest.mark.parametrize("first", ["/", "/embed/"])
def test_static_addresses_carry_the_files_hash_under_each_pages_own_prefix(first):
    app = create_app({"SECRET_KEY": "kept-" + "k" * 30})
    client = app.test_client()
    digest = hashlib.sha256(Path(app.static_folder, "guide.css").read_bytes()).hexdigest()[:16]  # type: ignore[arg-type]
    pages = {path: client.get(path).get_data(as_text=True) for path in (first, *({"/", "/embed/"} - {first}))}
    assert f'href="/static/guide.css?v={digest}"' in pages["/"]
    assert f'href="/embed/static/guide.css?v={digest}"' in pages["/embed/"]
    for address in (f"/static/guide.css?v={digest}", f"/embed/static/guide.css?v={digest}"):
        assert client.get(address).headers["Cache-Control"] == "public, max-age=31536000, immutable", address


@pytest.mark.parametrize("debug", [True, False])
def test_an_edited_static_file_gets_a_new_address_at_once_in_debug_and_at_the_next_start_in_production(tmp_path, debug):
    app = create_app({"SECRET_KEY": "kept-" + "k" * 30, "DEBUG": debug})
    shutil.copytree(app.static_folder, tmp_path / "static")  # type: ignore[arg-type]
    app.static_folder = str(tmp_path / "static")
    client = app.test_client()

    def stylesheet() -> str:
        return re.search(r'href="(/static/guide\.css\?v=\w+)"', client.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]

    before = stylesheet()
    css = tmp_path / "static" / "guide.css"
    css.write_text(css.read_text() + "\n/* edited */\n")
    assert (stylesheet() != before) is debug


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_the_kept_body_holds_nothing_of_a_visitors_and_every_page_keeps_its_own_token_and_links():
    app = create_app({"SECRET_KEY": "kept-" + "k" * 30})
    code = codes.encode(GUIDE.engine.questions, tuple(ANSWERS.values()))
    pages = []
    for _ in range(2):  # two patients, each with a session (and a token) of their own
        client = app.test_client()
        client.get(f"/r/{code}")
        pages.append(client.get("/result").get_data(as_text=True))
    # A patient whose browser refuses cookies: the answers travel in the page's links.
    refusing = app.test_client(use_cookies=False)
    state_link = re.search(r'href="(/check-answers\?answers=[^"]+)"', refusing.get(f"/r/{code}").get_data(as_text=True))
    assert state_link, "a cookie-less result links to its answers with their state code"
    address = unescape(state_link.group(1)).replace("/check-answers", "/result")
    pages.append(refusing.get(address).get_data(as_text=True))

    (body,) = kept_bodies(app).values()  # one language, one combination: one body for all three
    tokens = [TOKEN.search(page).group(1) for page in pages]  # type: ignore[union-attr]
    assert len(set(tokens)) == 3
    for page, token in zip(pages, tokens, strict=True):
        assert body in page
        assert token not in body
    assert "answers=" not in body and "answers=" in pages[2].replace(body, "")
    assert 'name="csrf_token"' not in body and "/check-answers" not in body


def test_a_flashed_notice_is_shown_once_not_kept(client):
    page = client.get("/?notice=lost").get_data(as_text=True)
    assert "could not find your earlier answers" in page
    assert "could not find your earlier answers" not in client.get("/").get_data(as_text=True)


def test_http_errors_of_any_code_have_a_page(app):
    with app.test_request_context("/"):
        from guide.errors import http_error

        for code in (400, 404, 405, 413, 414, 416, 431, 500, 503):
            error = HTTPException()
            error.code = code
            body, status = http_error(error)
            assert status == code


def test_a_session_cookie_seen_before_still_expires_and_a_forged_one_never_passes(monkeypatch):
    now = [time.time()]  # the clock, set: a slow machine cannot let the one-second session run out early
    monkeypatch.setattr(time, "time", lambda: now[0])
    app = create_app({"SECRET_KEY": "expiry-" + "e" * 30, "WTF_CSRF_ENABLED": False})
    app.permanent_session_lifetime = timedelta(seconds=1)  # itsdangerous counts whole seconds
    client = app.test_client()
    walk(client)
    assert client.get("/result").status_code == 200  # verified now, and remembered
    assert client.get("/result").status_code == 200
    value = client.get_cookie("session").value
    middle = len(value) // 3  # inside the signed data (a signature's last characters may carry unused bits)
    client.set_cookie("session", value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :])
    assert client.get("/result").status_code == 302
    client.set_cookie("session", value)
    now[0] += 2.2
    assert client.get("/result").status_code == 302


def test_warming_presents_every_combination_in_every_language_as_requests_would(app, client):
    from guide import present

    assert present.warm(app) == app.extensions["guide"].table.combination_count * len(app.config["LANGUAGES"])
    kept = len(app.extensions["presented"])
    body = json.dumps(ANSWERS)
    for lang in app.config["LANGUAGES"]:
        assert client.post(f"/api/v1/assess?lang={lang}", data=body, content_type="application/json").status_code == 200
    assert len(app.extensions["presented"]) == kept  # nothing left to build
