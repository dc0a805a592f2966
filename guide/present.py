"""A recommendation as the reader sees it: every text translated into the request's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from guide.engine import Recommendation
from guide.rules import current_guide
from guide.table import Question

translate = gettext  # for texts of the rule table, which the rules.yaml extractor catalogs


def lower_first(text: str) -> str:
    """Make a label fit the middle of a sentence."""
    return text[:1].lower() + text[1:]


def what_if_sentence(rec: Recommendation) -> str | None:
    """Say which single answer would have changed the category, if one would."""
    if rec.what_if is None:
        return None
    return gettext(
        "Had %(condition)s, it would most likely have been %(category)s.",
        condition=translate(rec.what_if.condition),
        category=lower_first(translate(rec.what_if.category.label)),
    )


def consultation() -> dict[str, str]:
    """The consultation every result carries."""
    table = current_guide().table
    return {
        "message": translate(table.consultation.message),
        "phone": table.clinic.phone,
        "tel": table.clinic.tel,
    }


def recommendation(rec: Recommendation) -> dict[str, Any]:
    """Everything a result page, the desk or the API needs, in the current language."""
    return {
        "category": rec.category.id,
        "category_label": translate(rec.category.label),
        "category_summary": translate(rec.category.summary),
        "procedures": [
            {"id": p.id, "name": translate(p.name), "kind": p.kind, "summary": translate(p.summary)}
            for p in rec.procedures
        ],
        "reasons": [translate(reason) for reason in rec.reasons],
        "rule": rec.rule.id,
        "what_if": what_if_sentence(rec),
        "consultation": consultation(),
    }


def question(q: Question) -> dict[str, Any]:
    """A question and its answers, in the current language."""
    return {
        "id": q.id,
        "label": translate(q.label),
        "choices": [{"id": c.id, "label": translate(c.label)} for c in q.choices],
    }
