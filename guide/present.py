"""A recommendation as the reader sees it: every text translated into the request's language.

This is the one presentation of a recommendation: the result page, the API, the desk and the
call summary all read it. It depends only on the language and the combination of answers, so
each is built once per app and then reused.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, current_app
from flask_babel import force_locale, get_locale

from guide.codes import BadCode, CodeError
from guide.engine import Answers, Recommendation, combinations
from guide.rules import current_guide
from guide.table import QUESTION_IDS, UNDETERMINED, Question
from guide.translations import gettext

T = TypeVar("T")

translate = gettext  # for texts of the rule table, which the rules.yaml extractor catalogs


def lower_first(text: str) -> str:
    """Make a label fit the middle of a sentence."""
    return text[:1].lower() + text[1:]


def what_if_sentence(rec: Recommendation) -> str | None:
    """Say which single answer would have changed the category, if one would."""
    if rec.what_if is None:
        return None
    return gettext(
        "If %(condition)s, this would most likely be %(category)s.",
        condition=translate(rec.what_if.condition),
        category=lower_first(translate(rec.what_if.category.label)),
    )


def category_heading(category_id: str, label: str) -> str:
    """A result's headline: "Most likely: …", or the label alone when the answers leave it open."""
    if category_id == UNDETERMINED:
        return label
    return gettext("Most likely: %(category)s", category=lower_first(label))


def consultation() -> dict[str, str]:
    """The consultation every result carries."""
    table = current_guide().table
    return {
        "message": translate(table.consultation.message),
        "phone": table.clinic.phone,
        "tel": table.clinic.tel,
    }


def once(kind: str, key: Hashable, build: Callable[[], T]) -> T:
    """Build something that depends only on the language and `key` once per app, then reuse it (kept in
    `app.extensions["presented"]` under (kind, language, key))."""
    cache: dict[tuple[str, str, Hashable], Any] = current_app.extensions.setdefault("presented", {})
    full_key = (kind, str(get_locale()), key)
    value = cache.get(full_key)
    if value is None:
        value = cache[full_key] = build()
    return value


def recommendation(rec: Recommendation) -> dict[str, Any]:
    """Everything a result page, the desk or the API needs, in the current language.

    Built once per language and combination, then shared: callers must not modify it.
    """
    return once("recommendation", rec.answers, lambda: _recommendation(rec))


def assessment(rec: Recommendation) -> bytes:
    """The API's answer for one combination, as the JSON it sends: built once per language and combination."""

    def build() -> bytes:
        presented = recommendation(rec)
        answer = {
            "category": presented["category"],
            "procedures": [{"id": p["id"], "name": p["name"], "kind": p["kind"]} for p in presented["procedures"]],
            "reasons": presented["reasons"],
            "advice": presented["advice"],
            "empty": presented["empty"],
            "rule": presented["rule"],
            "consultation": presented["consultation"],
        }
        return (current_app.json.dumps(answer) + "\n").encode()

    return once("assessment", rec.answers, build)


def answer_rows(combo: Answers) -> tuple[dict[str, str], ...]:
    """Each question with its answer in this combination, as a result and the check page list them (shared)."""

    def build() -> tuple[dict[str, str], ...]:
        table = current_guide().table
        rows = []
        for question_id, code in zip(QUESTION_IDS, combo, strict=True):
            q = table.question(question_id)
            rows.append(
                {
                    "id": q.id,
                    "short": translate(q.short),
                    "question": translate(q.label),
                    "answer": translate(q.choice(code).label),
                }
            )
        return tuple(rows)

    return once("answer_rows", combo, build)


def _recommendation(rec: Recommendation) -> dict[str, Any]:
    label = translate(rec.category.label)
    return {
        "category": rec.category.id,
        "category_label": label,
        "heading": category_heading(rec.category.id, label),
        "category_summary": translate(rec.category.summary),
        "category_note": translate(rec.category.note) if rec.category.note else None,
        "procedures": [
            {"id": p.id, "name": translate(p.name), "kind": kind, "summary": translate(p.summary)}
            for p, kind in zip(rec.procedures, rec.kinds, strict=True)
        ],
        "reasons": [translate(reason) for reason in rec.reasons],
        "advice": [{"id": advice.id, "text": translate(advice.text)} for advice in rec.advice],
        "empty": translate(rec.empty) if rec.empty else None,
        "rule": rec.rule.id,
        "what_if": what_if_sentence(rec),
        "consultation": consultation(),
    }


def warm(app: Flask) -> int:
    """Present every combination in every language now (a server's worker calls this before its first request).

    Returns how many combinations were presented.
    """
    engine = app.extensions["guide"].engine
    count = 0
    with app.test_request_context("/"):
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                for combo in combinations(engine.table):
                    rec = engine.decide(combo)
                    recommendation(rec)
                    assessment(rec)
                    answer_rows(combo)
                    count += 1
    return count


def question(q: Question) -> dict[str, Any]:
    """A question and its answers, in the current language."""
    return {
        "id": q.id,
        "label": translate(q.label),
        "choices": [{"id": c.id, "label": translate(c.label)} for c in q.choices],
    }


def question_page(q: Question) -> dict[str, Any]:
    """A question as its page shows it: label, hint and a hint per answer."""
    return {
        "id": q.id,
        "label": translate(q.label),
        "hint": translate(q.hint),
        "hints": {c.id: translate(c.hint) for c in q.choices if c.hint},
    }


def clinic() -> dict[str, str]:
    """The clinic's facts for every page (built once per language)."""
    return once("clinic", None, _clinic)


def _clinic() -> dict[str, str]:
    facts = current_guide().table.clinic
    return {
        "name": facts.name,
        "surgeon": facts.surgeon,
        "city": facts.city,
        "about": translate(facts.about),
        "phone": facts.phone,
        "tel": facts.tel,
        "call_to_action": translate(facts.call_to_action),
        "emergency": facts.emergency,
        "emergency_note": translate(facts.emergency_note),
    }


def code_error(error: BadCode) -> str:
    """Say plainly why a typed answer code was refused."""
    if error.reason is CodeError.EMPTY:
        return gettext("Enter the answer code")
    if error.reason is CodeError.LENGTH:
        return gettext("An answer code has 5 characters; this one has %(count)s", count=error.detail)
    if error.reason is CodeError.CHARACTERS:
        return gettext(
            "An answer code never contains %(characters)s. Check the code: it has no 0 or 1, and no O, I, L, S or U.",
            characters=error.detail,
        )
    return gettext("This code has a mistake in it. Check each character again")
