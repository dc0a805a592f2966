"""The JSON API: the contract, both languages, and bad input that never yields a 500."""

from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext

from guide.engine import combinations

from .conftest import GUIDE

QUESTIONS = ("goal", "cause", "gender", "area")


def translated(app, source: str, lang: str) -> str:
    """A text of the table in a language, as the catalog gives it."""
    with app.test_request_context(), force_locale(lang):
        return gettext(source)


def assess(client, body, **kwargs):
    return client.post("/api/v1/assess", json=body, **kwargs)


def test_questions_list_the_codes_in_english(client):
    response = client.get("/api/v1/questions")
    assert response.status_code == 200
    data = response.get_json()
    assert data["lang"] == "en"
    assert [q["id"] for q in data["questions"]] == list(QUESTIONS)
    goal = data["questions"][0]
    assert goal["label"] == GUIDE.table.question("goal").label
    assert [c["id"] for c in goal["choices"]] == list(GUIDE.table.question("goal").codes)


@pytest.mark.parametrize(
    ("kwargs", "lang"),
    [
        ({"query_string": {"lang": "es"}}, "es"),
        ({"headers": {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}}, "es"),
        ({"headers": {"Accept-Language": "xx"}}, "en"),
        ({"query_string": {"lang": "xx"}, "headers": {"Accept-Language": "es"}}, "es"),
    ],
)
def test_the_language_comes_from_the_query_or_accept_language(app, client, kwargs, lang):
    data = client.get("/api/v1/questions", **kwargs).get_json()
    assert data["lang"] == lang
    assert data["questions"][0]["label"] == translated(app, GUIDE.table.question("goal").label, lang)


def test_assess_answers_per_the_contract(client, engine):
    facts = engine.table.clinic
    response = assess(client, {"goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"})
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"category", "procedures", "reasons", "advice", "empty", "rule", "consultation"}
    rec = engine.decide(("appearance", "trauma", "male", "nose"))
    assert (data["category"], data["rule"]) == (rec.category.id, rec.rule.id)
    assert data["reasons"] == list(rec.reasons)
    assert data["consultation"] == {"message": rec.consultation.message, "phone": facts.phone, "tel": facts.tel}
    assert set(data["procedures"][0]) == {"id", "name", "kind"}


def test_a_procedures_kind_is_the_kind_it_has_in_that_result(client, engine):
    """Rhinoplasty, filed by the clinic as cosmetic, is reconstructive after an injury and cosmetic for looks alone."""
    for cause, kind in (("trauma", "reconstructive"), ("none", "cosmetic")):
        data = assess(client, {"goal": "appearance", "cause": cause, "gender": "female", "area": "nose"}).get_json()
        assert data["category"] == kind
        assert {p["id"]: p["kind"] for p in data["procedures"]}["rhinoplasty"] == kind


def test_assess_in_spanish(app, client, engine):
    body = {"goal": "appearance", "cause": "none", "gender": "male", "area": "breast_chest"}
    data = assess(client, body, query_string={"lang": "es"}).get_json()
    english = assess(client, body).get_json()
    assert data["category"] == english["category"]
    assert [p["id"] for p in data["procedures"]] == [p["id"] for p in english["procedures"]]
    assert all(es["name"] != en["name"] for es, en in zip(data["procedures"], english["procedures"], strict=True))
    assert data["consultation"]["tel"] == engine.table.clinic.tel
    rec = engine.decide(tuple(body.values()))
    assert data["reasons"] == [translated(app, reason, "es") for reason in rec.reasons] != english["reasons"]


def test_the_area_defaults_to_unsure(client, engine):
    data = assess(client, {"goal": "appearance", "cause": "weight_loss", "gender": "female"}).get_json()
    rec = engine.decide(("appearance", "weight_loss", "female", "unsure"))
    assert data["rule"] == rec.rule.id
    assert [p["id"] for p in data["procedures"]] == [p.id for p in rec.procedures]


def test_all_combinations_carry_the_consultation_and_agree_with_the_engine(client, engine):
    """Every language gives the same outcome: tests/test_translations.py; here, the API is the engine's word."""
    for combo in combinations(engine.table):
        data = assess(client, combo._asdict()).get_json()
        rec = engine.decide(combo)
        assert data["category"] == rec.category.id
        assert data["rule"] == rec.rule.id
        assert [(p["id"], p["kind"]) for p in data["procedures"]] == [
            (p.id, kind) for p, kind in zip(rec.procedures, rec.kinds, strict=True)
        ]
        assert data["consultation"]["tel"] == engine.table.clinic.tel
        assert data["consultation"]["phone"] == engine.table.clinic.phone
        assert data["consultation"]["message"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"cause": "none", "gender": "male"}, "goal", GUIDE.table.question("goal").error),
        ({"goal": "looks", "cause": "none", "gender": "male"}, "goal", '"looks" is not an answer to this question.'),
        ({"goal": 3, "cause": "none", "gender": "male"}, "goal", "Give the answer as a code in quotes"),
        ({"goal": ["appearance"], "cause": "none", "gender": "male"}, "goal", "Give the answer as a code in quotes"),
        ({"goal": "appearance", "cause": "none", "gender": "male", "colour": "red"}, "colour", "There is no question"),
        (["appearance", "none"], "body", "Send the answers as a JSON object"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, body, field, message):
    response = assess(client, body)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert errors[field][0].startswith(message)


def test_a_body_that_is_not_json_is_a_400(client):
    response = client.post("/api/v1/assess", data="goal=appearance", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "body" in response.get_json()["errors"]
    broken = client.post("/api/v1/assess", data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert "body" in broken.get_json()["errors"]


def test_errors_come_in_the_request_language(app, client, engine):
    from flask_babel import force_locale, gettext

    response = assess(client, {"goal": "looks"}, headers={"Accept-Language": "es"})
    errors = response.get_json()["errors"]
    assert errors["goal"][0].startswith("«looks» no es una respuesta")
    with app.test_request_context(), force_locale("es"):
        expected = gettext(engine.table.question("cause").error)
    assert expected != engine.table.question("cause").error
    assert errors["cause"] == [expected]


def test_the_api_needs_no_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = assess(app.test_client(), {"goal": "function", "cause": "none", "gender": "female"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"), [("get", "/api/v1/assess", 405), ("get", "/api/v1/nothing", 404)]
)
def test_api_errors_are_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert "errors" in response.get_json()
