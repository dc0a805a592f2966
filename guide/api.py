"""The JSON API, thin over the engine. Stateless: no session, no CSRF token."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask_babel import get_locale, gettext

from guide import present
from guide.rules import current_guide

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_errors(errors: dict[str, list[str]], status: int = 400):
    """Answer with `{"errors": {field: [messages]}}`."""
    return jsonify({"errors": errors}), status


@bp.get("/questions")
def questions():
    """List the questions and their answer codes, in the request's language."""
    guide = current_guide()
    return jsonify({"lang": str(get_locale()), "questions": [present.question(q) for q in guide.engine.questions]})


def read_answers(body: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Check a request body; return the answers and, per field, what is wrong."""
    engine = current_guide().engine
    if not isinstance(body, dict):
        return {}, {
            "body": [gettext("Send the answers as a JSON object with the fields goal, cause, gender and area.")]
        }
    answers: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for question in engine.questions:
        value = body.get(question.id)
        if value is None and question.default is not None:
            value = question.default
        if value is None:
            errors[question.id] = [present.translate(question.error)]
        elif not isinstance(value, str):
            errors[question.id] = [
                gettext('Give the answer as a code in quotes, such as "%(code)s".', code=question.codes[0])
            ]
        elif value not in question.codes:
            errors[question.id] = [
                gettext(
                    '"%(value)s" is not an answer to this question. Use one of: %(codes)s.',
                    value=value[:40],
                    codes=", ".join(question.codes),
                )
            ]
        else:
            answers[question.id] = value
    for field in body:
        if field not in {q.id for q in engine.questions}:
            errors[str(field)[:40]] = [gettext("There is no question with this name.")]
    return answers, errors


@bp.post("/assess")
def assess():
    """Decide one combination of answers."""
    answers, errors = read_answers(request.get_json(silent=True))
    if errors:
        return json_errors(errors)
    rec = present.recommendation(current_guide().engine.decide(answers))
    return jsonify(
        {
            "category": rec["category"],
            "procedures": [{"id": p["id"], "name": p["name"], "kind": p["kind"]} for p in rec["procedures"]],
            "reasons": rec["reasons"],
            "rule": rec["rule"],
            "consultation": rec["consultation"],
        }
    )


def init_app(app: Flask) -> None:
    """Register the API."""
    app.register_blueprint(bp)
