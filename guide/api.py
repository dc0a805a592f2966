"""The JSON API, thin over the engine. Stateless: no session, no CSRF token."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_babel import get_locale
from pydantic import BaseModel, ValidationError

from guide import openapi, present
from guide.rules import current_guide
from guide.table import QUESTION_IDS
from guide.translations import gettext

#: Every address under it belongs to the API (versions included): errors there are JSON.
ROOT = "/api"
bp = Blueprint("api", __name__, url_prefix=f"{ROOT}/v1")
#: At most this many fields that are not questions are named in an error; the rest are counted.
MAX_UNKNOWN = 5


def for_api() -> bool:
    """Tell whether the request is for the API: routed to its blueprint, or, where no route matched, under its root."""
    if request.url_rule is not None:
        return request.blueprint == bp.name
    return request.path == ROOT or request.path.startswith(ROOT + "/")


def json_errors(errors: dict[str, list[str]], status: int = 400):
    """Answer with `{"errors": {field: [messages]}}`."""
    return jsonify({"errors": errors}), status


@bp.get("/questions")
def questions():
    """List the questions and their answer codes, in the request's language."""
    guide = current_guide()
    return jsonify({"lang": str(get_locale()), "questions": [present.question(q) for q in guide.engine.questions]})


def answers_model() -> type[BaseModel]:
    """The pydantic model that validates an assessment's request, built from the table once per app."""
    guide = current_guide()
    kept = current_app.extensions.get("api_answers")
    if kept is None or kept[0] is not guide:
        kept = current_app.extensions["api_answers"] = (guide, openapi.answers_model(guide.engine.questions))
    return kept[1]


def read_answers(body: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Check a request body against the request model; return the answers and, per field, what is wrong."""
    if not isinstance(body, dict):
        return {}, {
            "body": [gettext("Send the answers as a JSON object with the fields goal, cause, gender and area.")]
        }
    try:
        answers = answers_model().model_validate(body)
    except ValidationError as error:
        return {}, describe(error, body)
    table = current_guide().table
    return {q: str(getattr(answers, q) or table.question(q).default) for q in QUESTION_IDS}, {}


def describe(error: ValidationError, body: dict[str, Any]) -> dict[str, list[str]]:
    """Say in the request's language what is wrong, one message per question, and name the unknown fields."""
    errors: dict[str, list[str]] = {}
    for question in current_guide().engine.questions:
        found = [e for e in error.errors() if e["loc"][:1] == (question.id,)]
        value = body.get(question.id)
        if not found:
            continue
        if found[0]["type"] == "missing":
            errors[question.id] = [present.translate(question.error)]
        elif not isinstance(value, str):
            errors[question.id] = [
                gettext('Give the answer as a code in quotes, such as "%(code)s".', code=question.codes[0])
            ]
        else:
            errors[question.id] = [
                gettext(
                    '"%(value)s" is not an answer to this question. Use one of: %(codes)s.',
                    value=value[:40],
                    codes=", ".join(question.codes),
                )
            ]
    errors.update(unknown_fields([field for field in body if field not in QUESTION_IDS]))
    return errors


def unknown_fields(fields: list[str]) -> dict[str, list[str]]:
    """Name the first few fields that are not questions, and count the others: an error stays small."""
    errors = {field[:40]: [gettext("There is no question with this name.")] for field in fields[:MAX_UNKNOWN]}
    if len(fields) > MAX_UNKNOWN:
        errors["body"] = [
            gettext(
                "And %(count)s more fields that are not questions. Send only goal, cause, gender and area.",
                count=len(fields) - MAX_UNKNOWN,
            )
        ]
    return errors


def request_body() -> Any:
    """The JSON the request carries, or None when it is not JSON (wrong type, bad encoding, nested too deep)."""
    if not request.is_json:
        return None
    try:
        return json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return None


@bp.post("/assess")
def assess():
    """Decide one combination of answers."""
    answers, errors = read_answers(request_body())
    if errors:
        return json_errors(errors)
    body = present.assessment(current_guide().engine.decide(answers))
    return Response(body, mimetype="application/json")


@bp.get("/openapi.json")
def openapi_document():
    """The API's contract as an OpenAPI 3.1 document, made from the models that validate its requests."""
    questions = current_guide().engine.questions
    languages = current_app.config["LANGUAGES"]
    return jsonify(openapi.document(questions, languages, f"{request.script_root}{bp.url_prefix}"))


def init_app(app: Flask) -> None:
    """Register the API."""
    app.register_blueprint(bp)
