"""The front-desk console without a browser: the script worded for staff, the posted form (no JavaScript)
against the engine, the emergency and who lines, the call summary, answer codes, the data file desk.js
loads (versioned by its content, cached for good), and staying private."""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re

import pytest
import yaml
from markupsafe import escape

from guide import codes, create_app, desk, present
from guide.engine import combinations
from guide.rules import open_guide
from guide.table import QUESTION_IDS

from .conftest import LANGUAGES, RULES
from .synthetic import dump

ENGINE = open_guide(RULES).engine
TABLE = ENGINE.table
COMBOS = list(combinations(TABLE))
LINES = ("urgent", "about", *QUESTION_IDS)


@pytest.fixture(scope="module")
def desk_app():
    """One app for the many requests of this module (building an app per request is slow)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})


@pytest.fixture(scope="module")
def desk_client(desk_app):
    return desk_app.test_client(use_cookies=False)  # no language remembered from one test to the next


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def shown(page: str) -> dict:
    """What the rendered result says, read from the attributes desk.js writes too."""
    section = re.search(r'<section class="desk-result"[^>]*>', page).group(0)
    attributes = dict(re.findall(r'data-(category|rule|code)="([^"]*)"', section))
    return {
        "category": attributes.get("category"),
        "rule": attributes.get("rule"),
        "code": attributes.get("code"),
        "urgent": "data-urgent" in section,
        "procedures": re.findall(r'<li data-procedure="([^"]+)">', page),
        "summary": html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)),
    }


def checked(page: str) -> dict[str, str]:
    """The radio buttons the page has checked, by line."""
    radios = [radio for radio in re.findall(r"<input [^>]*>", page) if "radio" in radio and " checked" in radio]
    return dict(
        (re.search(r'name="(\w+)"', radio).group(1), re.search(r'value="(\w+)"', radio).group(1)) for radio in radios
    )


def hidden_lines(page: str) -> set[str]:
    return set(re.findall(r'<fieldset[^>]*data-line="(\w+)"[^>]*\shidden(?:="")?>', page))


def data_url(page: str) -> str:
    return re.search(r'data-src="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def data(desk_client) -> dict:
    """The data file desk.js loads."""
    return json.loads(desk_client.get(data_url(page_of(desk_client.get("/desk")))).get_data())


def answers_of(combo) -> dict[str, str]:
    return dict(zip(QUESTION_IDS, combo, strict=True))


def presented(app, lang: str, combo) -> dict:
    """The one presentation of a combination's recommendation, in a language."""
    from guide import present

    with app.test_request_context(f"/desk?lang={lang}"):
        return present.recommendation(ENGINE.decide(combo))


# ------------------------------------------------------------------ the script ----


def test_the_desk_shows_the_six_lines_of_the_script_worded_for_staff(desk_client):
    page = page_of(desk_client.get("/desk?lang=en"))
    assert re.findall(r'data-line="(\w+)" data-number="(\d)"', page) == [
        (line, str(n)) for n, line in enumerate(LINES, 1)
    ]
    for text in (TABLE.urgent.desk_label, TABLE.urgent.desk_script, *TABLE.urgent.signs):
        assert str(escape(text)) in page
    for question in ENGINE.questions:
        assert str(escape(question.desk_label)) in page
        assert str(escape(question.desk_script)) in page
        for choice in question.choices:
            assert f'id="{question.id}-{choice.id}"' in page
            assert str(escape(choice.label)) in page
    for code in ("urgent-yes", "urgent-no", "about-caller", "about-other"):
        assert f'id="{code}"' in page
    assert page.count("<fieldset") == 6
    assert shown(page)["category"] is None, "no result before the answers"
    assert shown(page)["summary"] == ""


def test_the_keys_are_1_to_9_then_0(desk_client):
    page = page_of(desk_client.get("/desk"))
    area = page[page.index('data-line="area"') :]
    area = area[: area.index("</fieldset>")]
    assert re.findall(r"<kbd>(\d)</kbd>", area) == [*"1234567890"]


def test_a_call_about_someone_else_rewords_the_questions(desk_client):
    state = codes.encode_state(desk.CALL_STEPS, {"urgent": "no", "about": "other"})
    page = page_of(desk_client.get(f"/desk?lang=en&answers={state}"))
    assert checked(page) == {"urgent": "no", "about": "other"}
    for question in ENGINE.questions:
        assert str(escape(question.desk_script_other)) in page
        assert str(escape(question.desk_label_other)) in page
        assert str(escape(question.desk_script)) not in page
    caller = page_of(desk_client.get("/desk?lang=en"))
    assert all(str(escape(q.desk_script_other)) not in caller for q in ENGINE.questions)


# ------------------------------------------------------------------ without JavaScript ----


def test_the_posted_form_gives_the_engines_result_and_summary_for_every_combination(desk_app, desk_client):
    for combo in COMBOS:
        response = desk_client.post("/desk?lang=en", data={"urgent": "no", "about": "caller", **answers_of(combo)})
        assert response.status_code == 302, "redirect after a successful POST"
        page = page_of(desk_client.get(response.headers["Location"]))
        rec, said = ENGINE.decide(combo), presented(desk_app, "en", combo)
        result = shown(page)
        code = codes.encode(ENGINE.questions, combo)
        assert (result["category"], result["rule"], result["code"]) == (rec.category.id, rec.rule.id, code), combo
        assert result["procedures"] == [p.id for p in rec.procedures], combo
        assert checked(page) == {"urgent": "no", "about": "caller", **answers_of(combo)}, combo
        lines = result["summary"].splitlines()
        assert lines[5:9] == [f"{q.short}: {q.choice(a).label}" for q, a in zip(ENGINE.questions, combo, strict=True)]
        assert lines[9].endswith(f": {said['heading']}"), combo
        assert [line[2:] for line in lines if line.startswith("- ")] == (
            [p["name"] for p in said["procedures"]] or ["None listed: the surgeon will advise at the consultation."]
        ), combo
        assert lines[-1].endswith(code), combo


@pytest.mark.parametrize("combo", [COMBOS[0], COMBOS[250], COMBOS[629]], ids=lambda c: "-".join(c))
def test_the_spanish_page_shows_the_spanish_presentation(desk_app, desk_client, combo):
    page = page_of(desk_client.get(f"/desk?lang=es&code={codes.encode(ENGINE.questions, combo)}"))
    said = presented(desk_app, "es", combo)
    for text in (said["heading"], said["category_summary"], *said["reasons"], *(p["name"] for p in said["procedures"])):
        assert f"<span data-main>{escape(text)}</span>" in page
    others = set(re.findall(r'<span class="desk-alt" lang="(\w+)" data-alt>', page))
    assert others and "es" not in others, "for Both languages"
    for other in others:
        alt = presented(desk_app, other, combo)
        for text in (alt["heading"], *alt["reasons"]):
            assert f'<span class="desk-alt" lang="{other}" data-alt>{escape(text)}</span>' in page, other
    assert shown(page)["summary"].splitlines()[9].endswith(said["heading"])


def test_a_missing_answer_is_explained_to_staff(desk_client):
    response = desk_client.post("/desk?lang=en", data={"urgent": "no", "goal": "function", "gender": "male"})
    page = page_of(response)
    assert "<title>Error:" in page
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    for question in ("cause", "area"):
        q = TABLE.question(question)
        assert f'href="#{question}-{q.codes[0]}"' in summary
        assert f"“{q.short}”" in html.unescape(summary), "names the line, for staff"
        assert str(escape(q.error)) not in page, "not the patient's message"
        assert f'id="{question}-error"' in page
    assert 'href="#goal-' not in summary
    assert 'aria-describedby="cause-hint cause-error"' in page
    assert checked(page) == {"urgent": "no", "goal": "function", "gender": "male"}, "the answers given are kept"
    assert shown(page)["category"] is None


def test_the_staff_message_comes_in_every_language(desk_client):
    page = page_of(desk_client.post("/desk?lang=es", data={"goal": "function"}))
    texts = [json.loads(html.unescape(t)) for t in re.findall(r'data-texts="([^"]+)"', page)]
    assert texts and all(set(t) == set(LANGUAGES) for t in texts)
    assert any("«" in t["es"] and "“" in t["en"] for t in texts)


def test_an_answer_that_is_no_answer_code_is_refused(desk_client):
    page = page_of(
        desk_client.post("/desk", data={"goal": "beauty", "cause": "none", "gender": "female", "area": "nose"})
    )
    assert 'href="#goal-appearance"' in page


def test_yes_to_the_emergency_line_ends_the_script(desk_app, desk_client):
    response = desk_client.post("/desk?lang=en", data={"urgent": "yes", "about": "other", "goal": "function"})
    assert response.status_code == 302, "no question is needed"
    assert "code=" not in response.headers["Location"]
    page = page_of(desk_client.get(response.headers["Location"]))
    assert checked(page) == {"urgent": "yes", "about": "other"}
    assert hidden_lines(page) == set(LINES[1:]), "the rest of the script is put away"
    result = shown(page)
    assert result["urgent"] and result["category"] is None
    assert re.search(r'<div class="desk-emergency" data-desk-emergency>', page), "the advice is shown"
    for text in (TABLE.urgent.heading, TABLE.urgent.advice, TABLE.clinic.emergency_note):
        assert str(escape(text)) in page
    lines = result["summary"].splitlines()
    with desk_app.test_request_context("/desk?lang=en"):
        said = desk.summary_slots()
    assert [line.split(": ", 1)[1] for line in lines[2:5]] == [
        said["language"]["en"],
        said["urgent"]["yes"],
        said["about"]["other"],
    ]
    assert TABLE.clinic.emergency in lines[5]
    assert not any(line.startswith(f"{q.short}:") for q in ENGINE.questions for line in lines)


def test_no_to_the_emergency_line_shows_no_advice(desk_client):
    state = codes.encode_state(desk.CALL_STEPS, {"urgent": "no"})
    page = page_of(desk_client.get(f"/desk?answers={state}"))
    assert re.search(r'<div class="desk-emergency" data-desk-emergency hidden>', page)
    assert hidden_lines(page) == set()


# ------------------------------------------------------------------ the call summary ----


@pytest.mark.parametrize(
    ("lang", "call"),
    [("en", {}), ("es", {"urgent": "no", "about": "other"}), ("en", {"urgent": "no", "about": "caller"})],
)
def test_the_summary_records_the_language_the_emergency_line_and_whom_the_call_is_about(
    desk_app, desk_client, lang, call
):
    combo = ("appearance", "none", "female", "nose")
    state = f"&answers={codes.encode_state(desk.CALL_STEPS, call)}" if call else ""
    page = page_of(desk_client.get(f"/desk?lang={lang}&code={codes.encode(ENGINE.questions, combo)}{state}"))
    with desk_app.test_request_context(f"/desk?lang={lang}"):
        said = desk.summary_slots()
    recorded = [line.split(": ", 1)[1] for line in shown(page)["summary"].splitlines()[2:5]]
    assert recorded == [
        said["language"][lang],
        said["urgent"][call.get("urgent", "")],
        said["about"][call.get("about", "")],
    ]
    assert len(set(said["urgent"].values())) == 3 and len(set(said["about"].values())) == 3, "each said apart"


def test_the_summary_holds_the_answers_and_no_caller_details(desk_client):
    combo = ("appearance", "none", "female", "nose")
    code = codes.encode(ENGINE.questions, combo)
    rec = ENGINE.decide(combo)
    summary = shown(page_of(desk_client.get(f"/desk?lang=en&code={code}")))["summary"]
    lines = summary.splitlines()
    assert lines[0] == f"Call summary – {TABLE.clinic.name}"
    assert re.fullmatch(r"Date and time: \d{4}-\d\d-\d\d \d\d:\d\d UTC[+-]\d\d:\d\d", lines[1])
    assert lines[5:] == [
        *(f"{q.short}: {q.choice(answer).label}" for q, answer in zip(ENGINE.questions, combo, strict=True)),
        f"Result: Most likely: {rec.category.label.lower()}",
        "Procedures that may fit:",
        *(f"- {p.name}" for p in rec.procedures),
        f"Recommended: a consultation with {TABLE.clinic.surgeon}.",
        f"Answer code: {code}",
    ]
    assert rec.category.id == "cosmetic" and rec.procedures
    assert not re.search(r"name|phone|\d{3}-\d{3}-\d{4}", summary, re.I)


def test_with_both_languages_the_summary_comes_in_both(desk_app, desk_client):
    code = codes.encode(ENGINE.questions, COMBOS[40])
    lang = LANGUAGES[1]
    page = page_of(desk_client.get(f"/desk?lang={lang}&both=1&code={code}"))
    alternates = re.findall(
        r'<div class="desk-summary-alt" lang="(\w+)" data-alt>.*?<textarea[^>]*>(.*?)</textarea>', page, re.S
    )
    assert alternates and all(other != lang for other, _summary in alternates)
    summaries = [(lang, shown(page)["summary"]), *((other, html.unescape(s)) for other, s in alternates)]
    for language, summary in summaries:
        with desk_app.test_request_context(f"/desk?lang={language}"):
            said = desk.summary_slots()
        assert f": {said['language'][lang]}\n" in summary, "the call's language, named in the summary's own"
        assert summary.splitlines()[-1].endswith(code)
    assert len({summary for _language, summary in summaries}) == len(summaries), "each in its own language"


# ------------------------------------------------------------------ the data file ----


def test_the_page_refers_to_a_versioned_data_file_and_carries_no_data(desk_client):
    response = desk_client.get("/desk")
    page = page_of(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "application/json" not in page and '"rows"' not in page
    url = data_url(page)
    assert re.fullmatch(r"/desk/data\.[0-9a-f]{16}\.json", url)
    file = desk_client.get(url)
    assert file.status_code == 200 and file.mimetype == "application/json"
    assert "immutable" in file.headers["Cache-Control"] and "max-age=31536000" in file.headers["Cache-Control"]
    assert url == f"/desk/data.{hashlib.sha256(file.get_data()).hexdigest()[:16]}.json", "named by its content"
    assert "default-src 'none'" in file.headers["Content-Security-Policy"]


def test_an_old_or_unknown_data_file_is_not_found(desk_client):
    assert desk_client.get("/desk/data.0123456789abcdef.json").status_code == 404
    assert desk_client.get("/desk/data.latest.json").status_code == 404


def test_the_data_file_changes_its_name_when_the_table_changes(tmp_path, desk_client):
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    data["procedures"][0]["summary"] += " Reworded."  # any text of the table
    text = dump(data)
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    edited = create_app({"TESTING": True, "SECRET_KEY": "test", "GUIDE_RULES": str(tmp_path / "rules.yaml")})
    before = data_url(page_of(desk_client.get("/desk")))
    after = data_url(page_of(edited.test_client().get("/desk")))
    assert before != after
    assert edited.test_client().get(before).status_code == 404


def test_the_data_is_the_engines_and_the_presentations_for_every_combination(desk_app, data):
    assert data["questions"] == list(QUESTION_IDS)
    assert data["call_lines"] == list(LINES[:2])
    assert len(data["results"]) == len(COMBOS) == TABLE.combination_count
    for combo in COMBOS:
        row = data["results"][".".join(combo)]  # looked up by the answers' codes
        rec = ENGINE.decide(combo)
        assert (row["category"], row["rule"], row["code"]) == (
            rec.category.id,
            rec.rule.id,
            codes.encode(ENGINE.questions, combo),
        )
        for lang in data["languages"]:
            said, shown_there = presented(desk_app, lang, combo), row["said"][lang]
            for field in ("heading", "category_summary", "category_note", "reasons", "what_if"):
                assert shown_there[field] == said[field], (lang, combo, field)
            assert shown_there["procedures"] == [
                {"id": p["id"], "name": p["name"], "summary": p["summary"]} for p in said["procedures"]
            ]


def test_the_data_holds_the_summary_the_server_writes(desk_app, data):
    """The data file's summaries, filled in, are the summary template's for the same call."""
    combo = ("function", "pain", "male", "breast_chest")
    row = data["results"][".".join(combo)]
    state = {"urgent": "no", "about": "other"}
    for lang in data["languages"]:
        slots = data["texts"][lang]["slots"]
        with desk_app.test_request_context(f"/desk?lang={lang}"):
            server = desk.summary_for(state, combo, [lang], "es").splitlines()
        filled = {
            "when": server[1].split(": ", 1)[1],
            "language": slots["language"]["es"],
            "urgent": slots["urgent"]["no"],
            "about": slots["about"]["other"],
            "code": row["code"],
        }
        text = row["summary"][lang]
        for slot, mark in data["marks"].items():
            text = text.replace(mark, filled[slot])
        assert text.splitlines() == server, lang


def test_the_data_file_is_sent_compressed_to_browsers_that_accept_it(desk_client, data):
    url = data_url(page_of(desk_client.get("/desk")))
    zipped = desk_client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert json.loads(gzip.decompress(zipped.get_data())) == data
    assert len(zipped.get_data()) < len(desk_client.get(url).get_data()) / 10


def test_both_languages_have_every_text(data):
    english, spanish = data["texts"]["en"], data["texts"]["es"]

    def shape(tree):
        if isinstance(tree, dict):
            return {key: shape(value) for key, value in tree.items()}
        if isinstance(tree, list):
            return [shape(value) for value in tree]
        if tree is None:
            return None
        assert isinstance(tree, str) and tree.strip(), tree
        return "text"

    assert shape(english) == shape(spanish)


# ------------------------------------------------------------------ answer codes ----


def test_a_code_fills_the_answers_and_shows_the_same_result(desk_client):
    combo = ("unsure", "disease", "female", "breast_chest")
    code = codes.encode(ENGINE.questions, combo)
    page = page_of(desk_client.get(f"/desk?code={code[:2]} {code[2:].lower()}"))
    assert checked(page) == answers_of(combo)
    rec = ENGINE.decide(combo)
    assert (shown(page)["category"], shown(page)["procedures"]) == (rec.category.id, [p.id for p in rec.procedures])
    patient = desk_client.get(f"/r/{code}").get_data(as_text=True)
    for procedure in rec.procedures:
        assert str(escape(procedure.name)) in patient
        assert str(escape(procedure.name)) in page


def test_a_code_keeps_the_lines_asked_before_it(desk_client):
    combo = COMBOS[77]
    state = codes.encode_state(desk.CALL_STEPS, {"urgent": "no", "about": "other"})
    page = page_of(desk_client.get(f"/desk?code={codes.encode(ENGINE.questions, combo)}&answers={state}"))
    assert checked(page) == {"urgent": "no", "about": "other", **answers_of(combo)}
    assert f'name="answers" value="{state}"' in page, "the code box carries them on"


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
    page = page_of(desk_client.get(f"/desk?code={typed}&lang=en"))
    assert "<title>Error:" in page
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert 'href="#code"' in summary and message in summary
    inline = re.search(r'<p class="error-message" id="code-error">.*?</p>', page, re.S).group(0)
    assert message in inline
    assert 'aria-describedby="code-hint code-error"' in page
    assert f'value="{escape(typed)}"' in page, "what was typed stays in the field"
    assert checked(page) == {}


def test_a_damaged_state_in_the_address_asks_the_lines_again(desk_client):
    page = page_of(desk_client.get("/desk?answers=ZZZ&lang=en"))
    assert "<title>Error:" in page and 'href="#urgent-yes"' in page
    assert checked(page) == {}


def test_the_wrong_code_message_comes_in_every_language(desk_app, desk_client):
    page = page_of(desk_client.get("/desk?code=AB&lang=en"))
    texts = json.loads(html.unescape(re.search(r'data-texts="([^"]+)"', page).group(1)))
    assert set(texts) == set(LANGUAGES)
    with pytest.raises(codes.BadCode) as refused:
        codes.decode(ENGINE.questions, "AB")
    for lang in LANGUAGES:
        with desk_app.test_request_context(f"/desk?lang={lang}"):
            assert texts[lang] == present.code_error(refused.value)


def test_the_language_links_carry_the_answers(desk_client):
    code = codes.encode(ENGINE.questions, COMBOS[7])
    state = codes.encode_state(desk.CALL_STEPS, {"about": "other"})
    page = page_of(desk_client.get(f"/desk?code={code}&answers={state}&lang=en"))
    assert f'href="/desk?code={code}&amp;answers={state}&amp;lang=es" hreflang="es" data-desk-lang' in page
    spanish = page_of(desk_client.get(f"/desk?code={code}&answers={state}&lang=es"))
    assert checked(spanish) == checked(page)
    assert shown(spanish)["procedures"] == shown(page)["procedures"]


# ------------------------------------------------------------------ for staff, and private ----


def test_the_form_carries_a_csrf_token_and_needs_it():
    client = create_app({"TESTING": True, "SECRET_KEY": "test"}).test_client()
    page = client.get("/desk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answers = {"urgent": "no", "goal": "appearance", "cause": "none", "gender": "female", "area": "nose"}
    refused = client.post("/desk?lang=en", data=answers)
    assert refused.status_code == 400
    again = refused.get_data(as_text=True)
    assert 'class="desk' in again and "send it again" in again, "the desk itself, worded for staff"
    assert checked(again) == answers, "nothing lost"
    assert client.post("/desk", data={**answers, "csrf_token": token}).status_code == 302


def test_the_page_is_worded_for_staff_around_the_console_too(desk_client):
    page = page_of(desk_client.get("/desk?lang=en"))
    footer = page[page.index('<footer class="site-footer">') :]
    assert "The clinic does not store your answers" not in footer, "not the patient's privacy text"
    assert "data-t=" in footer
    assert re.search(r'<a class="skip-link" href="#main"><span data-t="ui.skip">', page)
    assert re.search(r'<div class="wrap call-bar">\s*<span><span data-t="ui.call_to_action">', page)
    assert 'aria-label="Language" data-t-label="ui.language"' in page


def test_the_desk_asks_not_to_be_indexed(desk_client):
    for response in (desk_client.get("/desk"), desk_client.get("/desk?code=AB"), desk_client.post("/desk", data={})):
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    assert "X-Robots-Tag" not in desk_client.get("/").headers


def test_the_desks_header_link_leads_to_the_desk(desk_client):
    assert re.search(r'<a class="brand" href="/desk">', page_of(desk_client.get("/desk")))


def test_the_desk_is_not_linked_from_patient_pages():
    client = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}).test_client()
    pages = [client.get("/"), client.get("/before-you-start"), client.get("/code")]
    client.post("/before-you-start", data={"urgent": "no"})
    for question, answer in zip(QUESTION_IDS, COMBOS[100], strict=True):
        pages.append(client.get(f"/question/{question}"))
        client.post(f"/question/{question}", data={question: answer})
    pages += [
        client.get("/check-answers"),
        client.get("/result"),
        client.get(f"/r/{codes.encode(ENGINE.questions, COMBOS[5])}"),
        client.get("/get-help-now"),
    ]
    assert [p.status_code for p in pages] == [200] * len(pages)
    assert "Procedures that may fit" in pages[-3].get_data(as_text=True), "the walk reached the result"
    for response in pages:
        assert "/desk" not in response.get_data(as_text=True)


def test_static_files_of_the_desk_are_served(desk_client):
    for name in ("desk.js", "desk.css"):
        response = desk_client.get(f"/static/{name}")
        assert response.status_code == 200
        response.close()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?both=1",
        "?code=AB",
        "?lang=es&both=1",
        f"?answers={codes.encode_state(desk.CALL_STEPS, {'urgent': 'yes'})}",
    ],
)
def test_every_id_on_the_page_is_unique(desk_client, query):
    page = page_of(desk_client.get(f"/desk{query}"))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in re.findall(r'(?:for|aria-describedby|aria-labelledby)="([^"]+)"', page):
        assert set(target.split()) <= set(ids), target
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in ids, target


def test_the_data_file_is_built_when_a_worker_starts_not_by_the_first_caller(monkeypatch):
    from guide.desk import data as desk_data_module

    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    size = desk.warm(app)  # what gunicorn.conf.py's post_worker_init calls
    monkeypatch.setattr(desk_data_module, "build_data", lambda: pytest.fail("built again for a caller"))
    client = app.test_client()
    url = data_url(page_of(client.get("/desk")))
    assert len(client.get(url).get_data()) == size
