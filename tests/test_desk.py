"""The front-desk console without a browser: staff wording, the posted form (no JavaScript) against
the engine for every combination, answer codes, the embedded decision data, and staying private."""

from __future__ import annotations

import html
import json
import re

import pytest
from markupsafe import escape

from guide import codes, create_app
from guide.engine import combinations
from guide.rules import open_guide

from .conftest import RULES

ENGINE = open_guide(RULES).engine
COMBOS = list(combinations(ENGINE.table))


@pytest.fixture(scope="module")
def desk_client():
    """One app for the many requests of this module (building an app per request is slow)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}).test_client()


def shown(page: str) -> dict:
    """What the rendered result says, read from the attributes desk.js writes too."""
    section = re.search(r'<section class="desk-result"[^>]*>', page).group(0)
    attributes = dict(re.findall(r'data-(category|rule|code)="([^"]*)"', section))
    return {
        "category": attributes.get("category"),
        "rule": attributes.get("rule"),
        "code": attributes.get("code"),
        "procedures": re.findall(r'<li data-procedure="([^"]+)">', page),
        "summary": html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)),
    }


def checked(page: str) -> dict[str, str]:
    """The radio buttons the page has checked, by question."""
    return dict(re.findall(r'<input type="radio" name="(\w+)" id="[\w-]+" value="(\w+)" checked>', page))


def embedded(page: str) -> dict:
    """The decision data the page carries for desk.js."""
    block = re.search(r'<script type="application/json" id="desk-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(block)


def test_the_desk_shows_the_four_questions_worded_for_staff(desk_client):
    page = desk_client.get("/desk?lang=en").get_data(as_text=True)
    for question in ENGINE.questions:
        assert f'data-question="{question.id}"' in page
        assert str(escape(question.desk_label)) in page
        assert str(escape(question.desk_script)) in page
        for choice in question.choices:
            assert f'id="{question.id}-{choice.id}"' in page
            assert str(escape(choice.label)) in page
    assert page.count("<fieldset") == 4
    assert page.count("<legend") == 4
    assert "<kbd>0</kbd>" in page, "the tenth answer of the area has the key 0"
    assert shown(page)["category"] is None, "no result before the answers"


def test_the_keys_are_1_to_9_then_0(desk_client):
    page = desk_client.get("/desk").get_data(as_text=True)
    area = page[page.index('data-question="area"') :]
    area = area[: area.index("</fieldset>")]
    assert re.findall(r"<kbd>(\d)</kbd>", area) == [*"1234567890"]


@pytest.mark.parametrize("combo", COMBOS, ids=["-".join(c) for c in COMBOS])
def test_the_posted_form_gives_the_engines_result(desk_client, combo):
    response = desk_client.post("/desk", data=dict(zip(("goal", "cause", "gender", "area"), combo, strict=True)))
    assert response.status_code == 302, "redirect after a successful POST"
    page = desk_client.get(response.headers["Location"]).get_data(as_text=True)
    rec = ENGINE.decide(combo)
    result = shown(page)
    assert result["category"] == rec.category.id
    assert result["rule"] == rec.rule.id
    assert result["procedures"] == [p.id for p in rec.procedures]
    assert result["code"] == codes.encode(ENGINE.questions, combo)
    assert checked(page) == dict(zip(("goal", "cause", "gender", "area"), combo, strict=True))


def test_the_embedded_data_is_the_engines_for_every_combination(desk_client):
    data = embedded(desk_client.get("/desk").get_data(as_text=True))
    assert [q["id"] for q in data["questions"]] == [q.id for q in ENGINE.questions]
    assert len(data["combos"]) == len(COMBOS) == 630
    assert set(data["texts"]) == {"en", "es"}
    english = data["texts"]["en"]
    for combo, row in zip(COMBOS, data["combos"], strict=True):
        rec = ENGINE.decide(combo)
        entry = dict(zip(data["fields"], row, strict=True))
        assert entry["category"] == rec.category.id
        assert entry["rule"] == rec.rule.id
        assert entry["procedures"] == [p.id for p in rec.procedures]
        assert [english["reasons"][i] for i in entry["reasons"]] == list(rec.reasons)
        assert (entry["what_if"] is None) == (rec.what_if is None)
        assert entry["code"] == codes.encode(ENGINE.questions, combo)


def test_both_languages_have_every_text(desk_client):
    data = embedded(desk_client.get("/desk").get_data(as_text=True))
    english, spanish = data["texts"]["en"], data["texts"]["es"]

    def shape(tree):
        if isinstance(tree, dict):
            return {key: shape(value) for key, value in tree.items()}
        if isinstance(tree, list):
            return [shape(value) for value in tree]
        assert isinstance(tree, str) and tree.strip(), tree
        return "text"

    assert shape(english) == shape(spanish)


def test_a_missing_answer_is_explained_in_the_govuk_pattern(desk_client):
    response = desk_client.post("/desk?lang=en", data={"goal": "function", "gender": "male"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page
    assert 'class="error-summary"' in page
    for question in ("cause", "area"):
        first = ENGINE.table.question(question).codes[0]
        assert f'href="#{question}-{first}">{escape(ENGINE.table.question(question).error)}</a>' in page
    assert 'href="#goal-' not in page
    assert 'id="cause-error"' in page
    assert 'aria-describedby="cause-script cause-error"' in page
    assert checked(page) == {"goal": "function", "gender": "male"}, "the answers given are kept"
    assert shown(page)["category"] is None


def test_an_answer_that_is_no_answer_code_is_refused(desk_client):
    response = desk_client.post("/desk", data={"goal": "beauty", "cause": "none", "gender": "female", "area": "nose"})
    assert response.status_code == 200
    assert 'href="#goal-appearance"' in response.get_data(as_text=True)


def test_the_form_carries_a_csrf_token_and_needs_it():
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}).test_client()
    page = client.get("/desk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answers = {"goal": "appearance", "cause": "none", "gender": "female", "area": "nose"}
    assert client.post("/desk", data=answers).status_code == 400
    assert client.post("/desk", data={**answers, "csrf_token": token}).status_code == 302


def test_a_code_fills_the_answers_and_shows_the_same_result(desk_client):
    combo = ("unsure", "disease", "female", "breast_chest")
    code = codes.encode(ENGINE.questions, combo)
    page = desk_client.get(f"/desk?code={code[:2]} {code[2:].lower()}").get_data(as_text=True)
    assert checked(page) == dict(zip(("goal", "cause", "gender", "area"), combo, strict=True))
    rec = ENGINE.decide(combo)
    assert shown(page) | {"summary": None} == {
        "category": rec.category.id,
        "rule": rec.rule.id,
        "code": code,
        "procedures": [p.id for p in rec.procedures],
        "summary": None,
    }
    patient = desk_client.get(f"/r/{code}").get_data(as_text=True)
    for procedure in rec.procedures:
        assert str(escape(procedure.name)) in patient
        assert str(escape(procedure.name)) in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the answer code"),
        ("AB", "An answer code has 5 characters; this one has 2"),
        ("O0O0O", "An answer code never contains 0 O."),
        (codes.encode(ENGINE.questions, COMBOS[0])[::-1], "This code has a mistake in it."),
    ],
)
def test_a_wrong_code_is_explained_in_the_govuk_pattern(desk_client, typed, message):
    response = desk_client.get(f"/desk?code={typed}&lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert 'href="#code"' in summary and message in summary
    inline = re.search(r'<p class="error-message" id="code-error">.*?</p>', page, re.S).group(0)
    assert message in inline
    assert 'aria-describedby="code-hint code-error"' in page
    assert f'value="{escape(typed)}"' in page, "what was typed stays in the field"
    assert checked(page) == {}


def test_the_wrong_code_message_comes_in_every_language(desk_client):
    page = desk_client.get("/desk?code=AB&lang=en").get_data(as_text=True)
    texts = json.loads(html.unescape(re.search(r"data-texts='([^']+)'", page).group(1)))
    assert set(texts) == {"en", "es"}
    assert texts["en"] == "An answer code has 5 characters; this one has 2"
    assert "2" in texts["es"]


def test_the_summary_holds_the_answers_and_no_caller_details(desk_client):
    combo = ("appearance", "none", "female", "nose")
    code = codes.encode(ENGINE.questions, combo)
    rec = ENGINE.decide(combo)
    page = desk_client.get(f"/desk?lang=en&code={code}").get_data(as_text=True)
    summary = shown(page)["summary"]
    lines = summary.splitlines()
    assert lines[0] == f"Call summary – {ENGINE.table.clinic.name}"
    assert re.fullmatch(r"Date and time: \d{4}-\d\d-\d\d \d\d:\d\d UTC[+-]\d\d:\d\d", lines[1])
    assert lines[2:] == [
        *(f"{q.short}: {q.choice(answer).label}" for q, answer in zip(ENGINE.questions, combo, strict=True)),
        f"Result: Most likely: {rec.category.label.lower()}",
        "Procedures that may fit:",
        *(f"- {p.name}" for p in rec.procedures),
        f"Recommended: a consultation with {ENGINE.table.clinic.surgeon}.",
        f"Answer code: {code}",
    ]
    assert rec.category.id == "cosmetic" and rec.procedures
    assert not re.search(r"name|phone|\d{3}-\d{3}-\d{4}", summary, re.I)


def test_without_a_result_the_summary_is_empty(desk_client):
    assert shown(desk_client.get("/desk").get_data(as_text=True))["summary"] == ""


def test_the_desk_speaks_spanish(desk_client):
    response = desk_client.get("/desk?lang=es")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page
    data = embedded(page)
    assert f'<span data-t="ui.title">{escape(data["texts"]["es"]["ui"]["title"])}</span>' in page
    assert 'hreflang="en" data-desk-lang' in page, "the console offers the other language"


def test_both_languages_are_shown_side_by_side_on_request(desk_client):
    single = desk_client.get("/desk?lang=en").get_data(as_text=True)
    both = desk_client.get("/desk?lang=en&both=1").get_data(as_text=True)
    alt = re.findall(r'<span class="desk-alt" data-t-alt="([^"]+)" lang="es"( hidden)?>', both)
    assert len(alt) == 4 * 2 + sum(len(q.choices) for q in ENGINE.questions), "every question, script and answer"
    assert all(hidden == "" for _key, hidden in alt)
    assert all(hidden == " hidden" for _key, hidden in re.findall(r'data-t-alt="([^"]+)" lang="es"( hidden)?>', single))
    assert 'class="desk desk-both"' in both


def test_the_language_links_carry_the_answers_as_a_code(desk_client):
    code = codes.encode(ENGINE.questions, COMBOS[7])
    page = desk_client.get(f"/desk?code={code}&lang=en").get_data(as_text=True)
    assert f'href="/desk?code={code}&amp;lang=es"' in page, "the header's switch"
    assert f'href="/desk?code={code}&amp;lang=es" hreflang="es" data-desk-lang' in page, "the console's switch"
    spanish = desk_client.get(f"/desk?code={code}&lang=es").get_data(as_text=True)
    assert checked(spanish) == checked(page)
    assert shown(spanish)["procedures"] == shown(page)["procedures"]


def test_the_desk_asks_not_to_be_indexed(desk_client):
    for response in (desk_client.get("/desk"), desk_client.get("/desk?code=AB"), desk_client.post("/desk", data={})):
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    assert "X-Robots-Tag" not in desk_client.get("/").headers


def test_the_desks_header_link_leads_to_the_desk(desk_client):
    page = desk_client.get("/desk").get_data(as_text=True)
    assert re.search(r'<a class="brand" href="/desk">', page)


def test_the_desk_is_not_linked_from_patient_pages():
    client = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}).test_client()
    pages = [client.get("/"), client.get("/before-you-start"), client.get("/code")]
    client.post("/before-you-start", data={"urgent": "no"})
    for question, answer in zip(("goal", "cause", "gender", "area"), COMBOS[100], strict=True):
        pages.append(client.get(f"/question/{question}"))
        client.post(f"/question/{question}", data={question: answer})
    pages += [
        client.get("/check-answers"),
        client.get("/result"),
        client.get(f"/r/{codes.encode(ENGINE.questions, COMBOS[5])}"),
    ]
    assert [p.status_code for p in pages] == [200] * len(pages)
    assert "Procedures that may fit" in pages[-2].get_data(as_text=True), "the walk reached the result"
    for response in pages:
        assert "/desk" not in response.get_data(as_text=True)


def test_static_files_of_the_desk_are_served(desk_client):
    for name in ("desk.js", "desk.css"):
        response = desk_client.get(f"/static/{name}")
        assert response.status_code == 200
        response.close()


@pytest.mark.parametrize("query", ["", "?both=1", "?code=AB", "?lang=es&both=1"])
def test_every_id_on_the_page_is_unique(desk_client, query):
    page = desk_client.get(f"/desk{query}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in re.findall(r'(?:for|aria-describedby|aria-labelledby)="([^"]+)"', page):
        assert set(target.split()) <= set(ids), target
