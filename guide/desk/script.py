"""The script of a call and the desk's words: the lines asked before the four questions, every text
staff read on screen, in the current language.

The lines before the four questions are `CALL_LINES`, in the order they are asked. Each names its
answers, what the script and the call summary say for them, and everything else (the form, the state
code in the address, the data file, the page) follows from that list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask import current_app
from flask_babel import get_locale

from guide import codes, present
from guide.forms import URGENT, URGENT_CHOICES
from guide.rules import current_guide
from guide.translations import gettext

#: How many answers of a line get a digit key: 1 to 9, then 0 for the tenth.
KEYED = 10


@dataclass(frozen=True)
class CallLine:
    """A line of the script asked before the four questions."""

    id: str
    choices: tuple[str, ...]  # its answer codes, in the order of the state code and of the keys
    words: Callable[[], dict[str, Any]]  # label, script and the answers' labels, in the current language
    recorded: Callable[[], dict[str, str]]  # what the summary says for each answer, and for "" (not asked)


def urgent_words() -> dict[str, Any]:
    """Line 1: the emergency signs, read aloud, and what to do for the clinic's patients after surgery."""
    urgent = current_guide().table.urgent
    translate = present.translate
    return {
        "label": translate(urgent.desk_label),
        "script": translate(urgent.desk_script),
        "signs": [translate(sign) for sign in urgent.signs],
        "choices": {"yes": gettext("Yes, one applies"), "no": gettext("No, none applies")},
    }


def urgent_recorded() -> dict[str, str]:
    """What the summary says of line 1."""
    return {"": gettext("not asked"), "no": gettext("none"), "yes": gettext("yes: advised to get emergency care now")}


def about_words() -> dict[str, Any]:
    """Line 2: whom the call is about."""
    return {
        "label": gettext("Who is the call about?"),
        "script": gettext("Are you calling about yourself, or about someone else, such as a child or a relative?"),
        "choices": {"caller": gettext("The caller"), "other": gettext("Someone else: a child, a relative")},
    }


def about_recorded() -> dict[str, str]:
    """What the summary says of line 2."""
    return {
        "": gettext("not asked"),
        "caller": gettext("the caller"),
        "other": gettext("someone else (a child, a relative)"),
    }


ABOUT = "about"
OTHER = "other"  # the answer of line 2 that rewords the four questions for someone else
CALL_LINES = (
    CallLine(URGENT, URGENT_CHOICES, urgent_words, urgent_recorded),
    CallLine(ABOUT, ("caller", OTHER), about_words, about_recorded),
)
#: The lines before the four questions, as a state code carries them (the `answers` parameter).
CALL_STEPS: codes.Steps = tuple((line.id, line.choices) for line in CALL_LINES)


def line_choices() -> dict[str, tuple[str, ...]]:
    """Each line of the script and its answer codes, in order."""
    questions = current_guide().engine.questions
    return {line.id: line.choices for line in CALL_LINES} | {q.id: q.codes for q in questions}


def script_lines() -> list[dict[str, Any]]:
    """The lines in order: id, number, answer codes, and whether they are reworded for someone else."""
    lines = [{"id": line.id, "codes": line.choices, "reworded": False} for line in CALL_LINES]
    lines += [{"id": q.id, "codes": q.codes, "reworded": True} for q in current_guide().engine.questions]
    return [line | {"number": number} for number, line in enumerate(lines, start=1)]


def script_texts() -> dict[str, dict[str, Any]]:
    """Every line of the script, in the current language: label, line to read, answers."""
    translate = present.translate
    lines = {line.id: line.words() for line in CALL_LINES}
    for q in current_guide().table.questions:
        lines[q.id] = {
            "label": translate(q.desk_label),
            "label_other": translate(q.desk_label_other),
            "script": translate(q.desk_script),
            "script_other": translate(q.desk_script_other),
            "short": translate(q.short),
            "choices": {c.id: translate(c.label) for c in q.choices},
        }
    return lines


def summary_slots() -> dict[str, dict[str, str]]:
    """What the call summary says for each answer of the lines before the questions (by line id), and
    for each language the call can be held in (`language`)."""
    here = str(get_locale())
    languages = current_app.config["LANGUAGES"]
    return {line.id: line.recorded() for line in CALL_LINES} | {
        "language": {code: Locale.parse(code).get_display_name(here) or code for code in languages}
    }


def other_language(lang: str) -> str:
    """The language shown beside the page's in "Both languages", and offered by the switch."""
    languages = list(current_app.config["LANGUAGES"])
    return languages[(languages.index(lang) + 1) % len(languages)]


def ui_texts() -> dict[str, str]:
    """The desk's own words, in the current language."""
    facts = current_guide().table.clinic
    two = len(current_app.config["LANGUAGES"]) == 2  # "both" when there are two, "all" beyond
    return {
        "title": gettext("Front desk"),
        "intro": gettext("For staff, during a call. Nothing you enter is stored."),
        "skip": gettext("Skip to main content"),
        "language": gettext("Language"),
        "call_to_action": present.translate(facts.call_to_action),
        "switch_to": gettext("Switch to"),
        "both": gettext("Both languages") if two else gettext("All languages"),
        "one": gettext("One language"),
        "shortcuts": gettext("Single-key shortcuts"),
        "keys": gettext("Keys:"),
        "key_answer": gettext("answer the line in focus"),
        "key_line": gettext("otherwise, pick a line by its number, then answer"),
        "key_language": gettext("language"),
        "key_both": gettext("both languages") if two else gettext("all languages"),
        "key_code": gettext("answer code"),
        "key_new": gettext("new caller"),
        "key_copy": gettext("copy summary"),
        "code_label": gettext("Caller's answer code"),
        "code_hint": gettext("5 characters, for example 5QW7K. Spaces and dashes do not matter."),
        "code_open": gettext("Open"),
        "problem": gettext("There is a problem"),
        "error_prefix": gettext("Error:"),
        "say": gettext("Say:"),
        "line": gettext("Line"),
        "questions": gettext("The script of the call"),
        "show_result": gettext("Show result"),
        "result": gettext("Result"),
        "empty": gettext("Answer the lines of the script: the result appears here."),
        "urgent_missing": gettext("not asked yet"),
        "why": gettext("Why"),
        "procedures": gettext("Procedures that may fit"),
        "advice": gettext("Please note"),
        "about": gettext("About this result"),
        "consultation": gettext("Consultation"),
        "code": gettext("Answer code"),
        "emergency_title": gettext("Emergency: the script ends here"),
        "emergency_next": gettext(
            "Do not go on with the questions. Copy the summary, then press New caller. "
            "If line 1 was answered by mistake, change it."
        ),
        "disclaimer": gettext("This guide informs; it is not a diagnosis or medical advice."),
        "emergency": gettext("In an emergency, call %(number)s.", number=facts.emergency),
        "emergency_note": present.translate(facts.emergency_note),
        "footer_staff": gettext(
            "What you enter stays on this screen until you clear it, and the summary is only what you copy."
        ),
        "summary": gettext("Call summary"),
        "summary_hint": gettext("Plain text for the clinic's notes. It holds no name and no phone number."),
        "copy_summary": gettext("Copy summary"),
        "copied": gettext("Copied"),
        "copy_failed": gettext("Could not copy. The summary is selected: press Ctrl+C to copy it."),
        "nothing_to_copy": gettext("Answer the lines of the script first."),
        "new_caller": gettext("New caller"),
        "cleared": gettext("Cleared for a new caller."),
        "picked": gettext("Line %(number)s: press the number of the answer."),
        "no_line": gettext("There is no line %(number)s."),
        "no_answer": gettext("Line %(line)s has no answer %(number)s."),
        "ended": gettext("The script has ended: only line 1 can be changed."),
        "no_key": gettext("The key %(key)s does nothing here."),
    }


def desk_texts() -> dict[str, Any]:
    """Every word of the desk that does not depend on the answers, in the current language."""
    table = current_guide().table
    translate = present.translate
    return {
        "ui": ui_texts(),
        "lines": script_texts(),
        "emergency": {
            "heading": translate(table.urgent.heading),
            "advice": translate(table.urgent.advice),
            "postop": translate(table.urgent.desk_postop),
        },
        "consultation": translate(table.consultation.desk_prompt),
        "slots": summary_slots(),
    }
