"""Choosing the language: query, then the switch's cookie, then Accept-Language, then English."""

from __future__ import annotations

import re

import pytest

from .conftest import CLINIC
from .test_questionnaire import ROUTE, text, walk


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)">', text(response)).group(1)


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("", None, None, "en"),
        ("", None, "es-MX,es;q=0.9", "es"),
        ("", None, "tlh-001,tlh;q=0.9", "en"),  # a language the guide does not speak
        ("", "es", "en-US", "es"),
        ("?lang=en", "es", "es", "en"),
        ("?lang=es", None, "en", "es"),
        ("?lang=de", None, "es", "es"),
        ("", "klingon", "en", "en"),
    ],
)
def test_the_language_is_chosen_in_order(client, query, cookie, accept, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": accept} if accept else {}
    assert html_lang(client.get("/" + query, headers=headers)) == expected


def test_an_explicit_choice_is_remembered(client):
    response = client.get("/?lang=es")
    assert "lang=es" in response.headers["Set-Cookie"]
    assert html_lang(client.get("/before-you-start")) == "es"


def test_every_page_links_its_other_languages(client):
    page = text(client.get("/?lang=es"))
    assert '<link rel="alternate" hreflang="en" href="http://localhost/?lang=en">' in page
    assert '<link rel="alternate" hreflang="es" href="http://localhost/?lang=es">' in page
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/">' in page
    assert ">English</a>" in page and ">Español</a>" in page


def test_the_switch_keeps_the_page_and_every_answer(client):
    walk(client, {"urgent": "no", "goal": "function", "cause": "pain"})
    page = text(client.get("/question/gender"))
    assert 'href="/question/gender?lang=es"' in page
    spanish = client.get("/question/gender?lang=es")
    assert html_lang(spanish) == "es"
    with client.session_transaction() as session:
        assert session["answers"] == {"urgent": "no", "goal": "function", "cause": "pain"}
    assert 'href="/question/cause"' in text(spanish)


def result_facts(page: str) -> tuple:
    category = re.search(r'data-category="(\w+)" data-rule="([\w-]+)"', page).groups()
    return category, re.findall(r'data-procedure="(\w+)"', page)


def test_the_result_in_the_other_language_is_identical_in_substance(client):
    walk(client, {**ROUTE, "cause": "unsure", "area": "breast_chest"})
    english = text(client.get("/result"))
    spanish = text(client.get("/result?lang=es"))
    assert result_facts(english) == result_facts(spanish)
    assert result_facts(english)[1]
    assert re.search(r'<span class="code">(\w+)</span>', english).group(1) == re.search(
        r'<span class="code">(\w+)</span>', spanish
    ).group(1)
    assert f'href="{CLINIC.tel}"' in spanish


def test_a_third_language_is_a_catalog_and_one_config_entry(tmp_path):
    """Adding French: a compiled catalog and "fr" in LANGUAGES; the switch names it from Babel's data."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from guide import LANGUAGES, create_app

    from .conftest import ROOT

    catalog = Catalog(locale="fr")
    catalog.add("Skip to main content", "Aller au contenu principal")
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "LANGUAGES": (*LANGUAGES, "fr"),
            "BABEL_TRANSLATION_DIRECTORIES": f"{ROOT / 'translations'};{tmp_path}",
        }
    )
    client = app.test_client()
    page = text(client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert '<html lang="fr">' in page
    assert "Aller au contenu principal" in page
    assert 'hreflang="fr">Français</a>' in page
    spanish = text(client.get("/?lang=es"))
    assert 'hreflang="fr">Français</a>' in spanish and '<html lang="es">' in spanish


def test_a_page_that_speaks_another_language_for_a_while_comes_back_to_its_own(app):
    """The catalog is looked up once per request, and again inside force_locale (the desk's other languages)."""
    from flask_babel import force_locale
    from flask_babel import gettext as babels_gettext

    from guide.translations import gettext

    text = "Your result"
    with app.test_request_context("/?lang=es"):
        own = babels_gettext(text)
        assert own != text  # the Spanish catalog has it
        assert gettext(text) == own
        with force_locale("en"):
            assert gettext(text) == text
            rendered = app.jinja_env.from_string('{{ _("Your result") }}').render()
            assert rendered == text
        assert gettext(text) == own
        assert app.jinja_env.from_string('{{ _("Your result") }}').render() == own
