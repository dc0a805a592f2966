"""The front-desk console: the four questions on one screen and the result as they are answered.

Staff use it while a caller is on the line. Nothing is stored: the answers travel in the form, or
as an answer code in the address. Every page carries, as a JSON data block, the engine's decision
for every combination of answers and every text in every language, so that static/desk.js only
looks things up and never decides. Without JavaScript the form is posted and the same data
renders the result on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale, gettext
from flask_wtf import FlaskForm
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from guide import codes, present
from guide.engine import Answers, Engine, Recommendation, combinations
from guide.forms import form_class
from guide.locale import explicit_choice, native_name
from guide.rules import current_guide
from guide.table import QUESTION_IDS

bp = Blueprint("desk", __name__)

#: The columns of a combination's row in the decision data, in order.
FIELDS = ("category", "rule", "procedures", "reasons", "what_if", "code")
#: How many answers of a question get a digit key: 1 to 9, then 0 for the tenth.
KEYED_ANSWERS = 10


@dataclass(frozen=True)
class Decisions:
    """The engine's recommendation for every combination, each text listed once."""

    rows: tuple[tuple[Any, ...], ...]  # one per combination, in the order of `combinations`; columns FIELDS
    index: dict[Answers, int]  # the row of each combination
    reasons: tuple[str, ...]  # English sources of the reasons, which rows point at by position
    what_ifs: tuple[Recommendation, ...]  # one recommendation per distinct what-if sentence


def decide_all(engine: Engine) -> Decisions:
    """Ask the engine about every combination of answers and tabulate what it says."""
    rows: list[tuple[Any, ...]] = []
    index: dict[Answers, int] = {}
    reasons: dict[str, int] = {}
    what_ifs: dict[tuple[str, str, str], int] = {}
    examples: list[Recommendation] = []
    for combo in combinations(engine.table):
        rec = engine.decide(combo)
        what_if = None
        if rec.what_if is not None:
            key = (rec.what_if.question.id, rec.what_if.code, rec.what_if.category.id)
            if key not in what_ifs:
                what_ifs[key] = len(examples)
                examples.append(rec)
            what_if = what_ifs[key]
        index[combo] = len(rows)
        rows.append(
            (
                rec.category.id,
                rec.rule.id,
                [p.id for p in rec.procedures],
                [reasons.setdefault(reason, len(reasons)) for reason in rec.reasons],
                what_if,
                codes.encode(engine.questions, combo),
            )
        )
    return Decisions(tuple(rows), index, tuple(reasons), tuple(examples))


def ui_texts() -> dict[str, str]:
    """The desk's own words, in the current language."""
    facts = current_guide().table.clinic
    return {
        "title": gettext("Front desk"),
        "brand": gettext("Front desk"),
        "intro": gettext("For staff, during a call. Nothing you enter is stored."),
        "switch_to": gettext("Switch to"),
        "both": gettext("Both languages"),
        "one": gettext("One language"),
        "shortcuts": gettext("Single-key shortcuts"),
        "keys": gettext("Keys:"),
        "key_answer": gettext("answer (the next question, or the one in focus)"),
        "key_language": gettext("language"),
        "key_both": gettext("both languages"),
        "key_new": gettext("new caller"),
        "key_copy": gettext("copy summary"),
        "code_label": gettext("Caller's answer code"),
        "code_hint": gettext("5 characters, for example 5GW9A. Spaces and dashes do not matter."),
        "code_open": gettext("Open"),
        "problem": gettext("There is a problem"),
        "error_prefix": gettext("Error:"),
        "say": gettext("Say:"),
        "questions": gettext("Questions for the caller"),
        "show_result": gettext("Show result"),
        "result": gettext("Result"),
        "empty": gettext("Choose an answer to each of the four questions: the result appears here."),
        "why": gettext("Why"),
        "procedures": gettext("Procedures that may fit"),
        "no_procedure": gettext("None listed: the surgeon will advise at the consultation."),
        "consultation": gettext("Consultation"),
        "call_to_action": present.translate(facts.call_to_action),
        "code": gettext("Answer code"),
        "disclaimer": gettext(
            "This guide informs; it is not a diagnosis or medical advice. "
            "Whether an insurer pays for a procedure is for the insurer to decide."
        ),
        "emergency": gettext("In an emergency call %(number)s.", number=facts.emergency),
        "summary": gettext("Call summary"),
        "summary_hint": gettext("Plain text for the clinic's notes. It holds no name and no phone number."),
        "summary_when": gettext("Date and time"),
        "summary_result": gettext("Result"),
        "summary_consultation": gettext("Recommended: a consultation with %(surgeon)s.", surgeon=facts.surgeon),
        "copy_summary": gettext("Copy summary"),
        "copied": gettext("Copied"),
        "copy_failed": gettext("Could not copy. The summary is selected: press Ctrl+C to copy it."),
        "nothing_to_copy": gettext("Answer the four questions first."),
        "new_caller": gettext("New caller"),
        "cleared": gettext("Cleared for a new caller."),
    }


def texts(decisions: Decisions) -> dict[str, Any]:
    """Every text the desk shows, in the current language."""
    table = current_guide().table
    translate = present.translate
    return {
        "ui": ui_texts(),
        "questions": {
            q.id: {
                "short": translate(q.short),
                "desk_label": translate(q.desk_label),
                "desk_script": translate(q.desk_script),
                "choices": {c.id: translate(c.label) for c in q.choices},
            }
            for q in table.questions
        },
        "categories": {
            c.id: {
                "label": translate(c.label),
                "summary": translate(c.summary),
                "heading": present.category_heading(c.id, translate(c.label)),
            }
            for c in table.categories
        },
        "procedures": {p.id: {"name": translate(p.name), "summary": translate(p.summary)} for p in table.procedures},
        "reasons": [translate(reason) for reason in decisions.reasons],
        "what_if": [present.what_if_sentence(rec) for rec in decisions.what_ifs],
        "consultation": translate(table.consultation.desk_prompt),
    }


@dataclass(frozen=True)
class DeskData:
    """What every desk page needs, built once per app: the decisions, the texts, the JSON block."""

    decisions: Decisions
    texts: dict[str, dict[str, Any]]
    json: Markup


def desk_data() -> DeskData:
    """Build (on the first request) and return the desk's data for the running app."""
    cached = current_app.extensions.get("desk")
    if cached is None:
        engine = current_guide().engine
        decisions = decide_all(engine)
        by_language = {}
        for language in current_app.config["LANGUAGES"]:
            with force_locale(language):
                by_language[language] = texts(decisions)
        block = {
            "languages": list(current_app.config["LANGUAGES"]),
            "names": {language: native_name(language) for language in by_language},
            "clinic": engine.table.clinic.name,
            "questions": [{"id": q.id, "codes": list(q.codes)} for q in engine.questions],
            "fields": list(FIELDS),
            "combos": decisions.rows,
            "texts": by_language,
        }
        json = htmlsafe_json_dumps(block, ensure_ascii=False, separators=(",", ":"))
        cached = current_app.extensions["desk"] = DeskData(decisions, by_language, json)
    return cached


def lookup(tree: dict[str, Any], key: str) -> Any:
    """Find a text by its dotted key, such as `questions.goal.desk_label` (desk.js does the same)."""
    node: Any = tree
    for part in key.split("."):
        node = node[part]
    return node


def result_view(row: tuple[Any, ...], t: dict[str, Any]) -> dict[str, Any]:
    """A combination's row of the decision data, with its texts in one language."""
    category, rule, procedures, reasons, what_if, code = row
    return {
        "category": category,
        "rule": rule,
        "heading": t["categories"][category]["heading"],
        "summary": t["categories"][category]["summary"],
        "reasons": [t["reasons"][i] for i in reasons],
        "what_if": None if what_if is None else t["what_if"][what_if],
        "procedures": [{"id": p, **t["procedures"][p]} for p in procedures],
        "code": code,
    }


def timestamp(moment: datetime) -> str:
    """Date, time and offset from UTC, as the call summary shows them (desk.js writes the same)."""
    offset = moment.strftime("%z") or "+0000"
    return f"{moment:%Y-%m-%d %H:%M} UTC{offset[:3]}:{offset[3:]}"


def summary_text(t: dict[str, Any], combo: Answers, result: dict[str, Any], moment: datetime) -> str:
    """The plain-text call summary for the clinic's notes (desk.js builds the same lines)."""
    ui = t["ui"]
    lines = [f"{ui['summary']} – {current_guide().table.clinic.name}", f"{ui['summary_when']}: {timestamp(moment)}"]
    for question_id, code in zip(QUESTION_IDS, combo, strict=True):
        question = t["questions"][question_id]
        lines.append(f"{question['short']}: {question['choices'][code]}")
    lines.append(f"{ui['summary_result']}: {result['heading']}")
    lines.append(f"{ui['procedures']}:")
    names = [p["name"] for p in result["procedures"]] or [ui["no_procedure"]]
    lines.extend(f"- {name}" for name in names)
    lines.append(ui["summary_consultation"])
    lines.append(f"{ui['code']}: {result['code']}")
    return "\n".join(lines)


def desk_form() -> FlaskForm:
    """The four questions as one form, each field as the patient's question form builds it."""
    questions = current_guide().engine.questions
    fields = {q.id: getattr(form_class(q), q.id) for q in questions}
    return type("DeskForm", (FlaskForm,), fields)()


def chosen(form: FlaskForm) -> dict[str, str]:
    """The answers in a posted form that are answer codes of their question."""
    questions = current_guide().engine.questions
    return {q.id: form[q.id].data for q in questions if form[q.id].data in q.codes}


def render_desk(answers: dict[str, str], form: FlaskForm, both: bool, code_error: dict[str, str] | None = None) -> str:
    """Render the console with these answers (all four give a result) in the request's language."""
    data = desk_data()
    languages = list(current_app.config["LANGUAGES"])
    lang = str(get_locale())
    other = languages[(languages.index(lang) + 1) % len(languages)]
    t, t_other = data.texts[lang], data.texts[other]
    result, summary, code = None, "", None
    if all(answers.get(q) for q in QUESTION_IDS):
        combo = Answers(*(answers[q] for q in QUESTION_IDS))
        result = result_view(data.decisions.rows[data.decisions.index[combo]], t)
        summary = summary_text(t, combo, result, datetime.now().astimezone())
        code = result["code"]
    both_flag = 1 if both else None
    return render_template(
        "desk.html",
        t=lambda key: lookup(t, key),
        t_other=lambda key: lookup(t_other, key),
        lang=lang,
        other=other,
        names={language: native_name(language) for language in languages},
        both=both,
        questions=current_guide().engine.questions,
        answers=answers,
        keyed=KEYED_ANSWERS,
        result=result,
        summary=summary,
        form=form,
        code_error=code_error,
        typed_code=request.args.get("code", "") if code_error else "",
        lang_url=url_for("desk.desk", code=code, both=both_flag, lang=other),
        both_url=url_for("desk.desk", code=code, both=None if both else 1),
        new_url=url_for("desk.desk", both=both_flag),
        data=data.json,
    )


def in_every_language(message: Callable[..., str], *args: Any) -> dict[str, str]:
    """Say a message (a function that calls gettext) in every language, for desk.js to switch."""
    said = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            said[language] = message(*args)
    return said


@bp.route("/desk", methods=["GET", "POST"])
def desk() -> ResponseReturnValue:
    """Show the console; open an answer code (`?code=`); take posted answers when JavaScript is off."""
    engine = current_guide().engine
    form = desk_form()
    both = request.values.get("both") == "1"
    if request.method == "POST":
        if form.validate_on_submit():
            combo: Answers = tuple(form[q].data for q in QUESTION_IDS)  # type: ignore[assignment]
            code = codes.encode(engine.questions, combo)
            return redirect(url_for("desk.desk", code=code, both=1 if both else None, lang=explicit_choice()))
        return render_desk(chosen(form), form, both)
    if "code" not in request.args:
        return render_desk({}, form, both)
    try:
        combo = codes.decode(engine.questions, request.args["code"])
    except codes.BadCode as error:
        return render_desk({}, form, both, code_error=in_every_language(present.code_error, error))
    return render_desk(dict(zip(QUESTION_IDS, combo, strict=True)), form, both)


@bp.after_request
def keep_out_of_search_engines(response: Response) -> Response:
    """Ask search engines not to index the desk or follow its links."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def init_app(app: Flask) -> None:
    """Register the front-desk console."""
    app.register_blueprint(bp)
