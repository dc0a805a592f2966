"""The call summary: plain text for the clinic's notes, from the one template, templates/summary.txt.

Its blanks that depend on the call rather than on the answers (`SLOTS`) are filled by the server for
the page it renders; the data file keeps them as marks (`MARKS`), which desk.js fills.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale

from guide import codes, present
from guide.desk.script import CALL_LINES, script_texts, summary_slots
from guide.engine import Answers
from guide.forms import URGENT
from guide.rules import current_guide
from guide.table import QUESTION_IDS
from guide.translations import gettext

#: The blanks of the summary that depend on the call: its time, its language, the lines before the questions.
SLOTS = ("when", "language", *(line.id for line in CALL_LINES), "code")
MARKS = {slot: f"\u27e6{slot}\u27e7" for slot in SLOTS}


def timestamp(moment: datetime) -> str:
    """Date, time and offset from UTC, as the call summary shows them."""
    offset = moment.strftime("%z") or "+0000"
    return f"{moment:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"


def answer_lines(combo: Answers | None, said: Mapping[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Each question's short name and the answer given, from the script's words (`script_texts()`)."""
    if combo is None:
        return []
    return [(said[q]["short"], said[q]["choices"][code]) for q, code in zip(QUESTION_IDS, combo, strict=True)]


def summary_text(
    answers: list[tuple[str, str]],
    result: Mapping[str, Any] | None,
    urgent: bool,
    call: Mapping[str, str],
    words: Callable[..., str] | None = None,
) -> str:
    """The call summary in the current language: the emergency advice when `urgent`, else the answers
    and their result; `call` fills the blanks of SLOTS. `words`, if given, stands in for the template's
    gettext (`remembered_gettext` when writing many)."""
    template = current_app.jinja_env.get_template("summary.txt")
    context: dict[str, Any] = {"clinic": current_guide().table.clinic, "urgent": urgent, "answers": answers}
    if words is not None:
        context["_"] = words
    return template.render(context, result=result, call=call).rstrip("\n")


def remembered_gettext() -> Callable[..., str]:
    """Gettext for the current language that looks each text up once (the summary of every
    combination asks for the same few texts 630 times)."""
    said: dict[str, str] = {}

    def words(text: str, **variables: Any) -> str:
        if text not in said:
            said[text] = gettext(text)
        return said[text] % variables if variables else said[text]

    return words


def call_slots(state: Mapping[str, str], call_language: str, code: str | None) -> dict[str, str]:
    """The blanks of the summary filled for this call, in the current language."""
    said = summary_slots()
    lines = {line.id: said[line.id][state.get(line.id, "")] for line in CALL_LINES}
    when = timestamp(datetime.now().astimezone())
    return {"when": when, "language": said["language"][call_language], **lines, "code": code or ""}


def summary_for(state: Mapping[str, str], combo: Answers | None, languages: Iterable[str], call_language: str) -> str:
    """The call summary of what is on screen, in each language asked for, one after the other."""
    urgent = state.get(URGENT) == "yes"
    if combo is None and not urgent:
        return ""
    code = None if combo is None else codes.encode(current_guide().engine.questions, combo)
    blocks = []
    for lang in languages:
        with force_locale(lang):
            result = None if combo is None else present.recommendation(current_guide().engine.decide(combo))
            answers = answer_lines(combo, script_texts())
            blocks.append(summary_text(answers, result, urgent, call_slots(state, call_language, code)))
    return "\n\n".join(blocks)
