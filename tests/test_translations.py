"""Translation gates: the Spanish catalog is current and complete, and Spanish pages hold no English."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from guide.engine import combinations

from .conftest import GUIDE, LANGUAGES, ROOT
from .pages import PATIENT_STATES, open_in_client
from .test_questionnaire import ROUTE, walk

PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|</?\w+[^>]*>")
FIX = "run `make translations`, then translate the new entries in translations/es/LC_MESSAGES/messages.po"


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def extracted() -> dict[str, str]:
    """Every string in the code, templates and rules.yaml, with where it is, as `pybabel extract` sees it."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    # Broader than the Makefile needs: a keyword the Makefile forgot shows up here as a missing string.
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
    found = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{line}")
    return found


def test_the_catalog_holds_every_string_of_the_code_templates_and_rules():
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog() if m.id}
    missing = {msgid: where for msgid, where in extracted().items() if msgid not in known}
    assert not missing, "\n".join(
        [f"{len(missing)} string(s) missing from messages.po ({FIX}):"]
        + [f"  {where}: {msgid!r}" for msgid, where in missing.items()]
    )


def test_the_extraction_finds_the_rule_table_at_its_real_lines():
    found = extracted()
    lines = (ROOT / "rules.yaml").read_text(encoding="utf-8").splitlines()
    label = GUIDE.table.question("goal").label  # a text of the table on one line
    where = found[label]
    assert where.startswith("rules.yaml:")
    assert label in lines[int(where.split(":")[1]) - 1]


def test_no_spanish_entry_is_empty_or_fuzzy():
    bad = [m.id for m in catalog() if m.id and (not m.string or m.fuzzy)]
    assert not bad, f"{len(bad)} Spanish entries are empty or fuzzy ({FIX}): {bad[:10]}"


def test_placeholders_and_markup_match_between_english_and_spanish():
    def joined(text: str | tuple[str, ...]) -> str:  # a plural entry holds one text per form
        return " ".join(text) if isinstance(text, tuple) else text

    bad = [
        (m.id, m.string)
        for m in catalog()
        if m.id and sorted(PLACEHOLDER.findall(joined(m.id))) != sorted(PLACEHOLDER.findall(joined(m.string)))
    ]
    assert not bad, bad


def test_all_combinations_give_the_same_outcome_in_both_languages(app, engine):
    from flask_babel import force_locale

    from guide import present

    with app.test_request_context():
        for combo in combinations(engine.table):
            rec = engine.decide(combo)
            outcomes = []
            for lang in LANGUAGES:
                with force_locale(lang):
                    shown = present.recommendation(rec)
                outcomes.append((shown["category"], [p["id"] for p in shown["procedures"]], shown["rule"]))
                assert shown["consultation"]["tel"] == engine.table.clinic.tel
            assert all(outcome == outcomes[0] for outcome in outcomes), combo


# ------------------------------------------------------- no English left in Spanish ---

#: Words that are English and never Spanish; a Spanish page must not contain any of them.
ENGLISH = set(
    [
        "the",
        "and",
        "you",
        "your",
        "what",
        "which",
        "with",
        "this",
        "that",
        "have",
        "has",
        "been",
        "would",
        "should",
        "could",
        "will",
        "from",
        "about",
        "answer",
        "answers",
        "question",
        "surgery",
        "start",
        "back",
        "change",
        "check",
        "select",
        "page",
        "please",
        "call",
        "free",
        "result",
        "results",
        "procedure",
        "procedures",
        "reason",
        "why",
        "body",
        "face",
        "nose",
        "ears",
        "eyes",
        "breast",
        "chest",
        "arms",
        "buttocks",
        "woman",
        "man",
        "unsure",
        "not",
        "sure",
        "none",
        "function",
        "appearance",
        "injury",
        "pain",
        "weight",
        "loss",
        "disease",
        "born",
        "emergency",
        "doctor",
        "clinic",
        "consultation",
        "book",
        "print",
        "again",
    ]
)
#: Proper names and fixed terms that may stand on a Spanish page.
ALLOWED = {"Lotus Med Group", "Dr. Campos León", "English", "Tijuana", "JSON"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The text a reader meets on a Spanish page, leaving out scripts, styles and whatever is
    marked as being in another language (`lang="en"`, such as the desk's side-by-side English)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._foreign = 0  # depth inside an element marked as another language

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        language = dict(attrs).get("lang") or "es"
        if tag not in VOID and tag != "html" and (self._foreign or not language.startswith("es")):
            self._foreign += 1
        if self._foreign:
            return
        for name, value in attrs:
            if name in ("title", "aria-label", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")
        if self._foreign and tag not in VOID:
            self._foreign -= 1

    def handle_data(self, data):
        if not self._skip and not self._foreign:
            self.parts.append(data)


def english_words(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    visible = " ".join(parser.parts)
    for name in ALLOWED:
        visible = visible.replace(name, " ")
    return sorted({word for word in re.findall(r"[A-Za-z]+", visible) if word.lower() in ENGLISH})


def spanish_pages(client):
    """Every page state of the patient guide and of the desk, requested in Spanish."""
    headers = {"Accept-Language": "es-MX,es;q=0.9"}
    pages = {state.name: open_in_client(client, state, headers) for state in PATIENT_STATES}
    pages["desk"] = client.get("/desk", headers=headers)
    pages["desk with error"] = client.post("/desk", data={"goal": "function"}, headers=headers)
    pages["desk with a wrong code"] = client.get("/desk?code=AB", headers=headers)
    walk(client, ROUTE)
    code = re.search(r'class="code">(\w+)<', client.get("/result", headers=headers).get_data(as_text=True)).group(1)
    pages["desk with a result"] = client.get(f"/desk?code={code}", headers=headers)
    pages["desk in both languages"] = client.get(f"/desk?code={code}&both=1", headers=headers)
    pages["method not allowed"] = client.delete("/", headers=headers)
    return pages


def test_spanish_pages_have_no_english_left(client):
    leftovers = {}
    for name, response in spanish_pages(client).items():
        html = response.get_data(as_text=True)
        assert '<html lang="es">' in html, name
        words = english_words(html)
        if words:
            leftovers[name] = words
    assert not leftovers, f"English words on Spanish pages: {leftovers}"


@pytest.mark.parametrize("html", ["<p>Seleccione una respuesta</p>", "<p>Lotus Med Group · English</p>"])
def test_the_english_check_passes_spanish_text(html):
    assert english_words(html) == []


def test_the_english_check_catches_english_text():
    assert english_words("<p>Seleccione <b>the</b> answer</p>") == ["answer", "the"]


def test_the_english_check_skips_only_what_is_marked_english():
    html = '<p>Diga: <span lang="en">the <b>answer</b></span> <input lang="en"> result</p>'
    assert english_words(html) == ["result"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Every procedure is performed by &lt;Dr. A &amp; B&gt;."), ("es", "&lt;Dr. A &amp; B&gt;")],
)
def test_a_pages_text_is_translated_in_its_language_and_fills_in_its_values_escaped(app, lang, expected):
    # A page's _() is bound to its language's catalog (guide.translations.page_gettext): translated, its
    # %(name)s filled in, the value escaped; a macro imported without the page's context translates alike.
    from flask import render_template_string

    text = '{{ _("Every procedure is performed by %(surgeon)s.", surgeon=name) }}'
    macro = '{% from "macros.html" import back_link %}{{ back_link("/x") }}'
    with app.test_request_context(f"/?lang={lang}"):
        page = render_template_string(text, name="<Dr. A & B>")
        back = render_template_string(macro)
    assert expected in page and "<Dr." not in page
    assert (page == "Every procedure is performed by &lt;Dr. A &amp; B&gt;.") is (lang == "en")
    assert (">Back<" in back) is (lang == "en")
