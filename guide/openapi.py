"""The API's contract as data: the pydantic models that validate its requests and describe its answers,
and the OpenAPI 3.1 document made from their JSON Schema (served at /api/v1/openapi.json).

Pure Python, no Flask. The request model is built from the rule table, so the answer codes are enums
read from the table: a new answer is in the document the moment the table has it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, create_model

from guide.table import CATEGORY_IDS, KINDS, Question


def answers_model(questions: Sequence[Question]) -> type[BaseModel]:
    """The model of an assessment's request: one answer code per question; a question with a default may be left out."""
    fields: dict[str, Any] = {}
    for q in questions:
        codes = cast(Any, Literal)[q.codes]  # the table's codes, as an enum
        if q.default is None:
            fields[q.id] = (codes, Field(description=q.label))
        else:
            description = f"{q.label} Left out or null: {q.default}."
            fields[q.id] = (codes | None, Field(default=q.default, description=description))
    return create_model("Answers", __config__=ConfigDict(extra="forbid"), **fields)


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(_Answer):
    """One answer to a question, in the request's language."""

    id: str
    label: str


class QuestionOut(_Answer):
    """A question and its answers, in the request's language."""

    id: str
    label: str
    choices: list[Choice]


class Questions(_Answer):
    """The questions, in the order the answer codes and the assessment use."""

    lang: str
    questions: list[QuestionOut]


class ProcedureOut(_Answer):
    """A procedure that may fit, with the kind it has in this result."""

    id: str
    name: str
    kind: Literal[KINDS]  # type: ignore[valid-type]


class ConsultationOut(_Answer):
    """The consultation every result recommends, and how to book it."""

    message: str
    phone: str
    tel: str = Field(pattern=r"^tel:\+[0-9]+$")


class AdviceOut(_Answer):
    """A sentence of advice shown apart from the reasons, and where it comes from (such as `cause=pain`)."""

    id: str
    text: str


class Assessment(_Answer):
    """What the guide tells for one combination of answers."""

    category: Literal[CATEGORY_IDS]  # type: ignore[valid-type]
    procedures: list[ProcedureOut]
    reasons: list[str] = Field(min_length=1)
    advice: list[AdviceOut]
    empty: str | None = Field(description="The one sentence said instead of the list when nothing is listed.")
    rule: str
    consultation: ConsultationOut


class Errors(_Answer):
    """What is wrong with a request: messages in the request's language, by field (or `body`, `request`)."""

    errors: dict[str, list[str]] = Field(min_length=1)


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def document(questions: Sequence[Question], languages: Sequence[str], prefix: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API under `prefix` (such as /api/v1)."""
    request = answers_model(questions)
    models: list[type[BaseModel]] = [request, Questions, Assessment, Errors]
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    lang = {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "The language of the texts; without it, the Accept-Language header, then English.",
        "schema": {"type": "string", "enum": list(languages)},
    }
    refused = {"description": "A request the API refuses (too large, unknown method, ...)", "content": _json(Errors)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "The guide: cosmetic or reconstructive?", "version": "1"},
        "servers": [{"url": prefix}],
        "paths": {
            "/questions": {
                "get": {
                    "operationId": "questions",
                    "summary": "List the questions and their answer codes",
                    "parameters": [lang],
                    "responses": {"200": {"description": "The questions", "content": _json(Questions)}, "4XX": refused},
                }
            },
            "/assess": {
                "post": {
                    "operationId": "assess",
                    "summary": "Decide one combination of answers",
                    "parameters": [lang],
                    "requestBody": {"required": True, "content": _json(request)},
                    "responses": {
                        "200": {"description": "What the guide tells", "content": _json(Assessment)},
                        "400": {"description": "The answers, by field, that are wrong", "content": _json(Errors)},
                        "4XX": refused,
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }
