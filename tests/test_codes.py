"""Answer codes: every combination round-trips, every misheard code is caught, and the pages that
open a code (/r/<code>, /code) accept good ones and explain bad ones."""

from __future__ import annotations

import re
from html import unescape

import pytest

from guide import codes, present
from guide.codes import ALPHABET, LENGTH, BadCode, CodeError
from guide.engine import combinations
from guide.rules import open_guide

from .conftest import LANGUAGES, RULES

ENGINE = open_guide(RULES).engine
QUESTIONS = ENGINE.questions
COMBOS = list(combinations(ENGINE.table))
CODES = [codes.encode(QUESTIONS, combo) for combo in COMBOS]
IDS = ["-".join(combo) for combo in COMBOS]


def test_every_combination_has_its_own_code():
    assert len(COMBOS) == ENGINE.table.combination_count
    assert len(set(CODES)) == len(COMBOS)


@pytest.mark.parametrize(("combo", "code"), list(zip(COMBOS, CODES, strict=True)), ids=IDS)
def test_every_combination_round_trips(combo, code):
    assert len(code) == LENGTH
    assert set(code) <= set(ALPHABET)
    assert codes.decode(QUESTIONS, code) == combo
    assert codes.decode(QUESTIONS, f" {code[:2].lower()}-{code[2:]} ") == combo, "case, spaces and dashes matter"


def mistakes(code: str):
    """Every code one wrong character away, and every code with two different neighbours swapped."""
    for position, right in enumerate(code):
        for wrong in ALPHABET:
            if wrong != right:
                yield code[:position] + wrong + code[position + 1 :]
    for position in range(LENGTH - 1):
        first, second = code[position], code[position + 1]
        if first != second:
            yield code[:position] + second + first + code[position + 2 :]


@pytest.mark.parametrize("code", CODES, ids=IDS)
def test_every_single_wrong_character_and_every_swap_of_neighbours_is_refused(code):
    tried = 0
    for mistake in mistakes(code):
        with pytest.raises(BadCode) as refused:
            codes.decode(QUESTIONS, mistake)
        assert refused.value.reason is CodeError.MISTAKE, mistake
        tried += 1
    assert tried >= LENGTH * (len(ALPHABET) - 1)


@pytest.mark.parametrize(
    ("typed", "reason", "detail"),
    [
        ("", CodeError.EMPTY, ""),
        ("   ", CodeError.EMPTY, ""),
        ("- -", CodeError.EMPTY, ""),
        (None, CodeError.EMPTY, ""),
        ("ABCD", CodeError.LENGTH, "4"),
        ("ABCDEF", CodeError.LENGTH, "6"),
        ("A", CodeError.LENGTH, "1"),
        ("5GW9A5GW9A", CodeError.LENGTH, "10"),
        ("OOOOO", CodeError.CHARACTERS, "O"),
        ("I2345", CodeError.CHARACTERS, "I"),
        ("12345", CodeError.CHARACTERS, "1"),
        ("0ABCD", CodeError.CHARACTERS, "0"),
        ("LSU23", CodeError.CHARACTERS, "L S U"),
        ("AB#CD", CodeError.CHARACTERS, "#"),
        ("ABCDÉ", CodeError.CHARACTERS, "É"),
    ],
)
def test_codes_that_cannot_be_read_say_why(typed, reason, detail):
    with pytest.raises(BadCode) as refused:
        codes.decode(QUESTIONS, typed)
    assert (refused.value.reason, refused.value.detail) == (reason, detail)


def test_a_well_formed_code_beyond_the_answers_is_a_mistake():
    """The check character can be right while a position stands for no answer (gender has only 3)."""
    valid = set(CODES)
    found = 0
    for a in ALPHABET:
        for b in ALPHABET:
            body = CODES[0][:2] + a + b
            total = sum((w + 1) * ALPHABET.index(c) for w, c in enumerate(body))
            check = next(c for c in ALPHABET if (total + LENGTH * ALPHABET.index(c)) % len(ALPHABET) == 0)
            if body + check not in valid:
                found += 1
                with pytest.raises(BadCode) as refused:
                    codes.decode(QUESTIONS, body + check)
                assert refused.value.reason is CodeError.MISTAKE
    assert found > 0


# ------------------------------------------------------------------ the pages ----

EXAMPLE = ("appearance", "trauma", "male", "nose")
#: The example's code with its last character misheard.
MISHEARD = codes.encode(QUESTIONS, EXAMPLE)[:4] + next(c for c in ALPHABET if c != codes.encode(QUESTIONS, EXAMPLE)[4])


def page_code(html: str) -> str:
    return re.search(r'<span class="code">([^<]+)</span>', html).group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_code_is_the_same_whatever_the_language(client, lang):
    code = codes.encode(QUESTIONS, EXAMPLE)
    response = client.get(f"/r/{code}?lang={lang}")
    assert response.status_code == 200
    assert f'lang="{lang}"' in response.get_data(as_text=True)
    assert page_code(response.get_data(as_text=True)) == code
    desk = client.get(f"/desk?code={code}&lang={lang}").get_data(as_text=True)
    assert f'data-code="{code}"' in desk


def test_r_opens_the_result_of_a_code(app, client):
    code = codes.encode(QUESTIONS, EXAMPLE)
    html = unescape(client.get(f"/r/{code.lower()}").get_data(as_text=True))
    with app.test_request_context("/?lang=en"):
        decided = present.recommendation(ENGINE.decide(EXAMPLE))
    assert f"<h1>{decided['heading']}</h1>" in html
    assert page_code(html) == code


def refusal(app, code: str) -> str:
    """What the presentation says of a refused code, in English."""
    with pytest.raises(BadCode) as refused:
        codes.decode(QUESTIONS, code)
    with app.test_request_context("/?lang=en"):
        return present.code_error(refused.value)


@pytest.mark.parametrize("code", ["BAD", "OOOOO", MISHEARD])
def test_r_refuses_a_bad_code_with_the_message_and_404(app, client, code):
    response = client.get(f"/r/{code}?lang=en")
    assert response.status_code == 404
    html = unescape(response.get_data(as_text=True))
    assert refusal(app, code) in html
    assert 'class="error-summary"' in html
    assert 'id="code-error"' in html


def test_the_code_form_opens_a_good_code(client):
    code = codes.encode(QUESTIONS, EXAMPLE)
    response = client.get(f"/code?code={code[:3]}-{code[3:].lower()}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/r/{code}"


@pytest.mark.parametrize("code", ["", "ABC", "I0I0I", MISHEARD])
def test_the_code_form_refuses_a_bad_code_with_the_message(app, client, code):
    response = client.get(f"/code?code={code}&lang=en")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    message = refusal(app, code)
    assert message in html
    assert html.count(message) == 2, "in the error summary and next to the field"
    assert "<title>Error:" in html
