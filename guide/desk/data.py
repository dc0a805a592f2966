"""The desk's data file: what desk.js looks up, built once per worker before its first request.

For every combination of answers, keyed by its answer codes ("appearance.none.female.nose"): its
category, rule and answer code, its one presentation (`guide.present.recommendation`) and its call
summary (templates/summary.txt, with marks in the call's own blanks) in every language; then every
word of the desk. Plain JSON, named by a hash of its content; it is sent gzip-compressed to browsers
that accept it (the standard content coding, done once when the file is built).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from itertools import product
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale

from guide import codes, present
from guide.desk.script import ABOUT, CALL_LINES, CALL_STEPS, OTHER, desk_texts, other_language
from guide.desk.summary import MARKS, answer_lines, remembered_gettext, summary_text
from guide.forms import URGENT
from guide.locale import native_name
from guide.rules import current_guide
from guide.table import QUESTION_IDS

#: What desk.js shows of a presentation: the texts the result's markup (templates/recommendation.html) holds.
SHOWN = ("heading", "category_summary", "category_note", "reasons", "empty", "what_if")


@dataclass(frozen=True)
class DeskData:
    """What every desk page needs, built once per app."""

    body: bytes  # the data file desk.js loads
    gzipped: bytes  # the same, gzip-compressed, for browsers that accept it
    version: str  # a hash of `body`, part of the file's name
    texts: dict[str, dict[str, Any]]  # desk_texts() by language, for the page's words


def key_of(combo: tuple[str, ...]) -> str:
    """A combination's key in the data file: its answer codes, in the order of the questions."""
    return ".".join(combo)


def shown(result: dict[str, Any]) -> dict[str, Any]:
    """The texts of a presentation that the result's markup shows, procedures by id, name and summary."""
    procedures = [{key: p[key] for key in ("id", "name", "summary")} for p in result["procedures"]]
    return {key: result[key] for key in SHOWN} | {"procedures": procedures, "advice": result["advice"]}


def results() -> dict[str, dict[str, Any]]:
    """Every combination's result and summary in every language, by its answer codes."""
    engine = current_guide().engine
    table: dict[str, dict[str, Any]] = {
        key_of(combo): {
            "code": codes.encode(engine.questions, combo),
            "category": rec.category.id,
            "rule": rec.rule.id,
            "said": {},
            "summary": {},
        }
        for combo, rec in engine.decide_all().items()
    }
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            lines, words = desk_texts()["lines"], remembered_gettext()
            for combo, rec in engine.decide_all().items():
                result, entry = present.recommendation(rec), table[key_of(combo)]
                entry["said"][lang] = shown(result)
                entry["summary"][lang] = summary_text(answer_lines(combo, lines), result, False, MARKS, words)
    return table


def emergency_summaries() -> dict[str, str]:
    """The summary of a call that ended on line 1, in every language."""
    said = {}
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            said[lang] = summary_text([], None, True, MARKS)
    return said


def call_states() -> dict[str, str]:
    """The state code of every set of answers to the lines before the questions, keyed by those
    answers joined with "|" ("" for a line not answered), in the order of CALL_LINES."""
    states = {}
    for answers in product(*(("", *line.choices) for line in CALL_LINES)):
        given = {line.id: code for line, code in zip(CALL_LINES, answers, strict=True) if code}
        states["|".join(answers)] = codes.encode_state(CALL_STEPS, given)
    return states


def build_data() -> DeskData:
    """Present every combination in every language, with its summary, and every word of the desk."""
    languages = list(current_app.config["LANGUAGES"])
    texts = {}
    for lang in languages:
        with force_locale(lang):
            texts[lang] = desk_texts()
    data = {
        "languages": languages,
        "names": {lang: native_name(lang) for lang in languages},
        "other": {lang: other_language(lang) for lang in languages},
        "clinic": current_guide().table.clinic.name,
        "call_lines": [line.id for line in CALL_LINES],
        "ends": {"line": URGENT, "answer": "yes"},  # the answer that ends the script: an emergency sign
        "reworded": {"line": ABOUT, "answer": OTHER},  # the answer that rewords the questions for someone else
        "questions": list(QUESTION_IDS),
        "results": results(),
        "emergency_summary": emergency_summaries(),
        "marks": MARKS,
        "call_states": call_states(),
        "texts": texts,
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return DeskData(body, gzip.compress(body, mtime=0), hashlib.sha256(body).hexdigest()[:16], texts)


def desk_data() -> DeskData:
    """The desk's data, built the first time the app needs it (`warm` builds it when a worker starts)."""
    cached = current_app.extensions.get("desk")
    if cached is None:
        cached = current_app.extensions["desk"] = build_data()
    return cached


def warm(app: Flask) -> int:
    """Build the desk's data file now (a server's worker calls this before its first request); return its size."""
    with app.test_request_context("/"):
        return len(desk_data().body)
