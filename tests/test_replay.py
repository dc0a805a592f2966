"""Replayed responses: the same bytes as Flask's, only to identical requests, never past what a view allowed."""

from __future__ import annotations

import io
import json
import re
import time

import pytest

from guide import codes, create_app, replay
from guide.engine import Answers, combinations
from tests.conftest import GUIDE

COMBO = Answers("appearance", "trauma", "male", "nose")
OTHER = Answers("function", "congenital", "female", "breast_chest")


@pytest.fixture
def app():
    """The app as served (CSRF on), with a count of the requests Flask itself handled."""
    app = create_app({"TESTING": True, "SECRET_KEY": "replay-tests"})
    app.extensions["handled"] = []
    app.before_request(lambda: app.extensions["handled"].append(1) and None)
    return app


def handled(app) -> int:
    """How many requests reached Flask."""
    return len(app.extensions["handled"])


def sent(response) -> tuple:
    """What a client receives: status, headers in order, body."""
    return response.status, response.headers.to_wsgi_list(), response.data


def assess(client, combo: Answers, **headers):
    return client.post("/api/v1/assess", json=combo._asdict(), headers=headers)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_api_answer_is_replayed_exactly_as_flask_sent_it(app, language):
    client = app.test_client()
    for count, combo in enumerate(combinations(GUIDE.table), start=1):
        first, second, third = (assess(client, combo, **{"Accept-Language": language}) for _ in range(3))
        assert first.status_code == 200
        assert sent(third) == sent(second) == sent(first)
        assert handled(app) == 2 * count  # kept when asked again, replayed from then on: the third never reached Flask


def test_a_replay_follows_the_language_asked_for(app):
    client = app.test_client()
    english = assess(client, COMBO, **{"Accept-Language": "en"}).get_json()
    spanish = assess(client, COMBO, **{"Accept-Language": "es"}).get_json()
    chosen = client.post("/api/v1/assess?lang=es", json=COMBO._asdict(), headers={"Accept-Language": "en"}).get_json()
    assert english["category"] == spanish["category"] == chosen["category"]
    assert english["consultation"]["message"] != spanish["consultation"]["message"]
    assert chosen == spanish
    assert handled(app) == 3


def test_other_answers_get_their_own_answer(app):
    client = app.test_client()
    assess(client, COMBO)
    other = assess(client, OTHER)
    assert other.get_json()["rule"] == GUIDE.engine.decide(OTHER).rule.id
    assert handled(app) == 2


def test_headers_the_guide_never_reads_do_not_matter(app):
    client = app.test_client()
    assess(client, COMBO, **{"User-Agent": "phone"})
    assess(client, COMBO, **{"User-Agent": "tablet"})
    assess(client, COMBO, **{"User-Agent": "desktop", "Accept-Encoding": "br"})
    assert handled(app) == 2


def test_an_error_is_never_replayed(app):
    client = app.test_client()
    for _ in range(3):
        response = client.post("/api/v1/assess", json={"goal": "appearance"})
        assert response.status_code == 400
    assert handled(app) == 3


def test_a_body_without_a_declared_length_always_reaches_flask(app):
    client = app.test_client()
    body = io.BytesIO(json.dumps(COMBO._asdict()).encode())
    answers = []
    for _ in range(3):
        body.seek(0)
        response = client.post(
            "/api/v1/assess",
            input_stream=body,
            headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        )
        answers.append(sent(response))
    assert answers[0] == answers[1] == answers[2]
    assert handled(app) == 3  # under gunicorn, which reads chunked bodies, it is answered: test_serving


def test_the_limits_apply_to_a_request_that_would_be_replayed(app):
    client = app.test_client()
    assert client.get("/").status_code == client.get("/").status_code == 200  # kept
    assert client.get("/", headers={"User-Agent": "x" * 5000}).status_code == 431
    assert client.get("/" + "x" * 3000).status_code == 414


def test_a_first_visit_is_replayed_but_a_returning_patient_is_not(app):
    client = app.test_client()
    first = client.get("/")
    assert sent(client.get("/")) == sent(client.get("/")) == sent(first)
    assert handled(app) == 2
    client.get("/r/" + codes.encode(GUIDE.engine.questions, COMBO))
    for _ in range(3):
        page = client.get("/").get_data(as_text=True)
        assert 'name="csrf_token"' in page  # Start again, with this patient's own token
    assert handled(app) == 6


def test_a_response_that_sets_a_cookie_is_never_replayed(app):
    client = app.test_client(use_cookies=False)
    for _ in range(3):
        response = client.get("/?lang=es")
        assert "lang=es" in response.headers["Set-Cookie"]
    assert handled(app) == 3


def patient(app, combo: Answers):
    client = app.test_client()
    client.get("/r/" + codes.encode(GUIDE.engine.questions, combo))
    return client


def test_a_result_is_replayed_only_to_the_same_patient(app):
    one, other = patient(app, COMBO), patient(app, OTHER)
    before = handled(app)
    first = one.get("/result")
    assert sent(one.get("/result")) == sent(one.get("/result")) == sent(first)
    assert handled(app) == before + 2
    theirs = other.get("/result").get_data(as_text=True)
    assert handled(app) == before + 3
    assert codes.encode(GUIDE.engine.questions, OTHER) in theirs
    assert codes.encode(GUIDE.engine.questions, COMBO) not in theirs


def test_a_result_is_worked_out_again_each_minute(app, monkeypatch):
    client = patient(app, COMBO)
    now = time.time()
    monkeypatch.setattr(replay.time, "time", lambda: now)
    for _ in range(3):
        client.get("/result")
    before = handled(app)
    monkeypatch.setattr(replay.time, "time", lambda: now + 61)
    client.get("/result")
    assert handled(app) == before + 1


def test_a_result_is_never_replayed_after_the_session_ended(app, monkeypatch):
    client = patient(app, COMBO)
    assert client.get("/result").status_code == client.get("/result").status_code == 200  # kept
    later = time.time() + 3600 + 5
    monkeypatch.setattr(time, "time", lambda: later)  # everyone's clock: the session has expired
    response = client.get("/result")
    assert response.status_code == 302  # sent back to the start, as without the replay
    assert response.headers["Location"].endswith("/")


def test_at_most_so_many_responses_are_kept(monkeypatch):
    monkeypatch.setattr(replay, "SIZE", 8)
    app = create_app({"TESTING": True, "SECRET_KEY": "replay-tests"})
    client = app.test_client()
    for weight in range(20):
        for _ in range(2):
            assess(client, COMBO, **{"Accept-Language": f"es;q=0.{weight:02d}"})
    assert len(kept(app)) == 8


def kept(app):
    """The responses the app's replay keeps."""
    layer = app.wsgi_app
    while not isinstance(layer, replay.Replay):
        layer = layer.wsgi_app
    return layer.kept


def test_what_is_asked_once_is_never_kept(app):
    patient(app, COMBO).get("/result")
    assess(app.test_client(), COMBO)
    assert len(kept(app)) == 0


def test_the_form_of_a_replayed_result_still_works(app):
    client = patient(app, COMBO)
    client.get("/result")
    client.get("/result")
    page = client.get("/result").get_data(as_text=True)  # replayed
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/start-again", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    assert client.get("/result").status_code == 302  # the answers are forgotten: back to the start
