"""The front-desk console: the script of a call on one screen, and the result as it is answered.

Staff use it while a caller is on the line. The script has six lines: the emergency line first
(`urgent`: any urgent sign right now ends the script with emergency advice), whom the call is about
(`about`: the caller or someone else; it rewords the lines that follow), then the four questions.
Nothing is stored: the answers travel in the form, or in the address as an answer code (`code`, the
four questions) and a state code (`answers`, the first two lines), both masked in the request log.

The one presentation of a recommendation (`guide.present.recommendation`) and the one call summary
(templates/summary.txt) serve both ways of using the desk:

- without JavaScript, the form is posted and the server renders them for the answers given;
- with it, static/desk.js loads the desk's data file once: every combination's presentation and
  summary in every language, and every word of the desk, built from the same two when the app first
  needs them. Its name holds a hash of its content (`/desk/data.<hash>.json`), so browsers keep it
  for good and fetch a new one only when the table or a catalog changes. desk.js looks things up in
  it and fills the page; it decides and words nothing itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel import Locale
from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale, gettext
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from guide import codes, present
from guide.engine import Answers
from guide.forms import URGENT, URGENT_CHOICES, CodeForm
from guide.insights import events as counts
from guide.locale import explicit_choice, native_name
from guide.rules import current_guide
from guide.table import QUESTION_IDS, Question

bp = Blueprint("desk", __name__)

#: The second line of the script: whom the call is about, and its answers.
ABOUT = "about"
ABOUT_CHOICES = ("caller", "other")
OTHER = "other"  # the answer that rewords the questions for someone else
#: The lines before the four questions, as a state code carries them (the `answers` parameter).
CALL_STEPS: codes.Steps = ((URGENT, URGENT_CHOICES), (ABOUT, ABOUT_CHOICES))
#: The columns of a combination's row in the data file, in order.
FIELDS = ("category", "rule", "procedures", "reasons", "what_if", "code", "summary")
#: Where the call summary leaves a blank that depends on the call rather than on the answers:
#: the data file's summaries keep these marks, and desk.js fills them (the server fills them itself).
SLOTS = ("when", "language", "emergency", "about", "code")
MARKS = {slot: f"\u27e6{slot}\u27e7" for slot in SLOTS}
#: How many answers of a line get a digit key: 1 to 9, then 0 for the tenth.
KEYED = 10
#: How long browsers keep the data file: it never changes under its name.
FOREVER = "public, max-age=31536000, immutable"


# ------------------------------------------------------------------ the desk's words ----


def ui_texts() -> dict[str, str]:
    """The desk's own words, in the current language."""
    facts = current_guide().table.clinic
    return {
        "title": gettext("Front desk"),
        "intro": gettext("For staff, during a call. Nothing you enter is stored."),
        "skip": gettext("Skip to main content"),
        "language": gettext("Language"),
        "call_to_action": present.translate(facts.call_to_action),
        "switch_to": gettext("Switch to"),
        "both": gettext("Both languages"),
        "one": gettext("One language"),
        "shortcuts": gettext("Single-key shortcuts"),
        "keys": gettext("Keys:"),
        "key_answer": gettext("answer the line in focus"),
        "key_line": gettext("otherwise, pick a line by its number, then answer"),
        "key_language": gettext("language"),
        "key_both": gettext("both languages"),
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
        "no_procedure": gettext("None listed: the surgeon will advise at the consultation."),
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


def script_texts() -> dict[str, dict[str, Any]]:
    """The six lines of the script, in the current language: label, line to read, answers."""
    table = current_guide().table
    translate = present.translate
    lines: dict[str, dict[str, Any]] = {
        URGENT: {
            "label": translate(table.urgent.desk_label),
            "script": translate(table.urgent.desk_script),
            "signs": [translate(sign) for sign in table.urgent.signs],
            "choices": {"yes": gettext("Yes, one applies"), "no": gettext("No, none applies")},
        },
        ABOUT: {
            "label": gettext("Who is the call about?"),
            "script": gettext("Are you calling about yourself, or about someone else, such as a child or a relative?"),
            "choices": {"caller": gettext("The caller"), "other": gettext("Someone else: a child, a relative")},
        },
    }
    for q in table.questions:
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
    """What the call summary says, in the current language, for each answer of the first two lines
    ("" when not asked) and for each language the call can be held in."""
    here = str(get_locale())
    return {
        "emergency": {
            "": gettext("not asked"),
            "no": gettext("none"),
            "yes": gettext("yes: advised to get emergency care now"),
        },
        "about": {
            "": gettext("not asked"),
            "caller": gettext("the caller"),
            "other": gettext("someone else (a child, a relative)"),
        },
        "language": {
            code: Locale.parse(code).get_display_name(here) or code for code in current_app.config["LANGUAGES"]
        },
    }


def desk_texts() -> dict[str, Any]:
    """Every word of the desk that does not depend on the answers, in the current language."""
    table = current_guide().table
    return {
        "ui": ui_texts(),
        "lines": script_texts(),
        "emergency": {
            "heading": present.translate(table.urgent.heading),
            "advice": present.translate(table.urgent.advice),
        },
        "consultation": present.translate(table.consultation.desk_prompt),
        "slots": summary_slots(),
    }


# ------------------------------------------------------------------ the call summary ----


def timestamp(moment: datetime) -> str:
    """Date, time and offset from UTC, as the call summary shows them (desk.js writes the same)."""
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
    slots: Mapping[str, str],
    words: Callable[..., str] | None = None,
) -> str:
    """The call summary in the current language, from templates/summary.txt: the emergency advice
    when `urgent`, else the answers and their result; `slots` fill the blanks of SLOTS. `words`, if
    given, stands in for the template's gettext (`remembered_gettext` when writing many)."""
    template = current_app.jinja_env.get_template("summary.txt")
    context: dict[str, Any] = {"clinic": current_guide().table.clinic, "urgent": urgent, "answers": answers}
    if words is not None:
        context["_"] = words
    return template.render(context, result=result, **slots).rstrip("\n")


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
    return {
        "when": timestamp(datetime.now().astimezone()),
        "language": said["language"][call_language],
        "emergency": said["emergency"][state.get(URGENT, "")],
        "about": said["about"][state.get(ABOUT, "")],
        "code": code or "",
    }


# ------------------------------------------------------------------ the data file ----


class Interned:
    """Distinct values, each given a number in order of first appearance."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}

    def add(self, value: Any) -> int:
        """Return the value's number, giving it the next one if it is new."""
        return self.index.setdefault(value, len(self.index))

    def column(self, position: int) -> list[Any]:
        """The `position`-th part of every value (a tuple), in order of number."""
        return [value[position] for value in self.index]


def lines_by_language(said: list[list[str]], lines: Interned) -> list[int]:
    """Number a summary's lines, each line in every language as one value. A summary whose languages
    do not have the same number of lines (a translation with a line break) becomes one value."""
    if len({len(text) for text in said}) != 1:
        said = [["\n".join(text)] for text in said]
    return [lines.add(line) for line in zip(*said, strict=True)]


def common_ends(lists: list[list[int]]) -> tuple[list[int], list[int]]:
    """The longest start and the longest end that every list has (not overlapping in any)."""
    shortest = min(len(items) for items in lists)
    start = 0
    while start < shortest and len({items[start] for items in lists}) == 1:
        start += 1
    end = 0
    while end < shortest - start and len({items[-1 - end] for items in lists}) == 1:
        end += 1
    return lists[0][:start], lists[0][len(lists[0]) - end :]


@dataclass(frozen=True)
class DeskData:
    """What every desk page needs, built once per app."""

    body: bytes  # the data file desk.js loads
    version: str  # a hash of `body`, part of the file's name
    texts: dict[str, dict[str, Any]]  # desk_texts() by language, for the page's words


def build_data() -> DeskData:
    """Present every combination in every language, with its summary, and tabulate it for desk.js."""
    engine = current_guide().engine
    languages = list(current_app.config["LANGUAGES"])
    decisions = engine.decide_all()
    texts: dict[str, dict[str, Any]] = {}
    presented: dict[str, list[dict[str, Any]]] = {}
    summaries: dict[str, list[list[str]]] = {}
    for lang in languages:
        with force_locale(lang):
            texts[lang] = desk_texts()
            presented[lang] = [present.recommendation(rec) for rec in decisions.values()]
            lines_said, words = texts[lang]["lines"], remembered_gettext()
            summaries[lang] = [
                summary_text(answer_lines(combo, lines_said), result, False, MARKS, words).split("\n")
                for combo, result in zip(decisions, presented[lang], strict=True)
            ]
            summaries[lang].append(summary_text([], None, True, MARKS, words).split("\n"))
    reasons, what_ifs, lines = Interned(), Interned(), Interned()
    rows = []
    for i, combo in enumerate(decisions):
        said = [presented[lang][i] for lang in languages]
        for lang, result in zip(languages, said, strict=True):
            keep_words(texts[lang], result)
        first = said[0]
        rows.append(
            [
                first["category"],
                first["rule"],
                [procedure["id"] for procedure in first["procedures"]],
                [reasons.add(reason) for reason in zip(*(result["reasons"] for result in said), strict=True)],
                None if first["what_if"] is None else what_ifs.add(tuple(result["what_if"] for result in said)),
                codes.encode(engine.questions, combo),
                lines_by_language([summaries[lang][i] for lang in languages], lines),
            ]
        )
    emergency = lines_by_language([summaries[lang][-1] for lang in languages], lines)
    head, tail = common_ends([row[-1] for row in rows])
    for row in rows:
        row[-1] = row[-1][len(head) : len(row[-1]) - len(tail)]
    for position, lang in enumerate(languages):
        texts[lang] |= {
            "reasons": reasons.column(position),
            "what_if": what_ifs.column(position),
            "summary": lines.column(position),
        }
    data = {
        "languages": languages,
        "names": {lang: native_name(lang) for lang in languages},
        "clinic": engine.table.clinic.name,
        "lines": [URGENT, ABOUT, *QUESTION_IDS],
        "questions": [{"id": q.id, "codes": list(q.codes)} for q in engine.questions],
        "fields": list(FIELDS),
        "rows": rows,
        "summary_head": head,  # the first lines of every row's summary,
        "summary_tail": tail,  # and the last: each row keeps only the lines between
        "emergency_summary": emergency,
        "marks": MARKS,
        "call_states": call_states(),
        "texts": texts,
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return DeskData(body, hashlib.sha256(body).hexdigest()[:16], texts)


def keep_words(texts: dict[str, Any], result: Mapping[str, Any]) -> None:
    """Keep a presented result's category and procedure texts among a language's texts, by id."""
    texts.setdefault("categories", {})[result["category"]] = {
        "heading": result["heading"],
        "summary": result["category_summary"],
        "note": result["category_note"],
    }
    procedures = texts.setdefault("procedures", {})
    for procedure in result["procedures"]:
        procedures[procedure["id"]] = {"name": procedure["name"], "summary": procedure["summary"]}


def call_states() -> dict[str, str]:
    """The state code of every pair of answers to the first two lines, keyed "urgent|about"."""
    states = {}
    for urgent in ("", *URGENT_CHOICES):
        for about in ("", *ABOUT_CHOICES):
            given = {step: code for step, code in ((URGENT, urgent), (ABOUT, about)) if code}
            states[f"{urgent}|{about}"] = codes.encode_state(CALL_STEPS, given)
    return states


def desk_data() -> DeskData:
    """Build (the first time the app needs it) and return the desk's data."""
    cached = current_app.extensions.get("desk")
    if cached is None:
        cached = current_app.extensions["desk"] = build_data()
    return cached


def lookup(tree: Any, key: str) -> Any:
    """Find a text by its dotted key, such as `lines.goal.label` or `lines.urgent.signs.0`."""
    node = tree
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@bp.get("/desk/data.<version>.json")
def data_file(version: str) -> ResponseReturnValue:
    """Serve the desk's data file under its hash; an old or unknown hash is not found."""
    data = desk_data()
    if version != data.version:
        abort(404)
    response = Response(data.body, mimetype="application/json")
    response.headers["Cache-Control"] = FOREVER
    return response


# ------------------------------------------------------------------ the page ----


def line_choices() -> dict[str, tuple[str, ...]]:
    """Each line of the script and its answer codes, in order."""
    return {URGENT: URGENT_CHOICES, ABOUT: ABOUT_CHOICES} | {q.id: q.codes for q in current_guide().engine.questions}


def desk_form(state: Mapping[str, str] | None = None) -> FlaskForm:
    """The script as one form of six radio fields (their words come from the desk's texts). Which
    answers are missing is told by `form_problems`: the first two lines may stay unasked."""
    fields = {
        line: RadioField(choices=[SelectChoice(code, code) for code in choices], validate_choice=False)
        for line, choices in line_choices().items()
    }
    return type("DeskForm", (FlaskForm,), fields)(data=dict(state or {}))


def missing_answer(q: Question) -> str:
    """Tell staff which line still needs an answer (the patient's page says it to the patient)."""
    return gettext("Choose the caller's answer for “%(question)s”.", question=present.translate(q.short))


def in_every_language(message: Callable[..., str], *args: Any) -> dict[str, str]:
    """Say a message (a function that calls gettext) in every language, for desk.js to switch."""
    said = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            said[language] = message(*args)
    return said


@dataclass(frozen=True)
class Problem:
    """An error the page lists at its top: the field it is about, and the message in every language."""

    target: str  # the id of the element the summary's link leads to
    field: str
    message: dict[str, str]


def posted(form: FlaskForm) -> dict[str, str]:
    """The answers in a posted form that are answers of their line."""
    return {line: form[line].data for line, choices in line_choices().items() if form[line].data in choices}


def form_problems(given: Mapping[str, str]) -> list[Problem]:
    """The four questions not answered (or answered with what is not an answer), worded for staff."""
    return [
        Problem(f"{q.id}-{q.codes[0]}", q.id, in_every_language(missing_answer, q))
        for q in current_guide().engine.questions
        if q.id not in given
    ]


def other_language(lang: str) -> str:
    """The language shown beside the page's in "Both languages", and offered by the switch."""
    languages = list(current_app.config["LANGUAGES"])
    return languages[(languages.index(lang) + 1) % len(languages)]


def presented_in(lang: str, combo: Answers) -> dict[str, Any]:
    """The one presentation of the combination's recommendation, in a language."""
    with force_locale(lang):
        return present.recommendation(current_guide().engine.decide(combo))


def summary_for(state: Mapping[str, str], combo: Answers | None, languages: Iterable[str], call_language: str) -> str:
    """The call summary of what is on screen, in each language asked for, one after the other."""
    urgent = state.get(URGENT) == "yes"
    if combo is None and not urgent:
        return ""
    code = None if combo is None else codes.encode(current_guide().engine.questions, combo)
    blocks = []
    for lang in languages:
        with force_locale(lang):
            result = None if combo is None else presented_in(lang, combo)
            answers = answer_lines(combo, desk_data().texts[lang]["lines"])
            blocks.append(summary_text(answers, result, urgent, call_slots(state, call_language, code)))
    return "\n\n".join(blocks)


def said_in_every_language(message: Mapping[str, str]) -> Markup:
    """A message in the page's language, carrying it in every language for desk.js to switch."""
    return Markup('<span data-texts="{}">{}</span>').format(
        json.dumps(message, ensure_ascii=False), message[str(get_locale())]
    )


def place_problems(form: FlaskForm, code_form: CodeForm, problems: list[Problem]) -> list[tuple[str, Markup]]:
    """Give each problem to its field, for the error summary and the inline message; return the
    problems of no field of the script as (anchor, message) for the summary."""
    elsewhere = []
    for problem in problems:
        message = said_in_every_language(problem.message)
        if problem.field in form:
            form[problem.field].errors = [message]
            continue
        if problem.field == "code":
            code_form.code.errors = [message]
        elsewhere.append((problem.target, message))
    return elsewhere


def render_desk(state: Mapping[str, str], form: FlaskForm, both: bool, problems: list[Problem]) -> str:
    """Render the console with these answers (the four questions give a result) in the request's language."""
    data = desk_data()
    lang = str(get_locale())
    other = other_language(lang)
    combo, code, carried = in_address(state)
    both_flag = 1 if both else None
    code_form = CodeForm(
        data={"code": request.args.get("code", "")} if any(p.field == "code" for p in problems) else {}
    )
    extra_errors = place_problems(form, code_form, problems)
    return render_template(
        "desk.html",
        t=lambda key: lookup(data.texts[lang], key),
        t_alt=lambda key: lookup(data.texts[other], key),
        lang=lang,
        other=other,
        names={language: native_name(language) for language in current_app.config["LANGUAGES"]},
        both=both,
        lines=script_lines(),
        state=state,
        someone_else=state.get(ABOUT) == OTHER,
        urgent=state.get(URGENT) == "yes",
        keyed=KEYED,
        result=None if combo is None else presented_in(lang, combo),
        result_alt=None if combo is None else presented_in(other, combo),
        code=code,
        summary=summary_for(state, combo, [lang], lang),
        summary_alt=summary_for(state, combo, [other], lang),
        form=form,
        code_form=code_form,
        problems=problems,
        extra_errors=extra_errors,
        carried=carried,
        lang_url=url_for("desk.desk", code=code, answers=carried, both=both_flag, lang=other),
        both_url=url_for("desk.desk", code=code, answers=carried, both=None if both else 1, lang=explicit_choice()),
        new_url=url_for("desk.desk", both=both_flag, lang=explicit_choice()),
        data_url=url_for("desk.data_file", version=data.version),
    )


def script_lines() -> list[dict[str, Any]]:
    """The six lines in order: id, number, answer codes, and whether they are reworded for someone else."""
    lines = [
        {"id": URGENT, "codes": URGENT_CHOICES, "reworded": False},
        {"id": ABOUT, "codes": ABOUT_CHOICES, "reworded": False},
    ]
    lines += [{"id": q.id, "codes": q.codes, "reworded": True} for q in current_guide().engine.questions]
    return [line | {"number": number} for number, line in enumerate(lines, start=1)]


def state_from_address() -> tuple[dict[str, str], list[Problem]]:
    """The answers the address carries: the first two lines (`answers`), the four questions (`code`)."""
    engine = current_guide().engine
    state: dict[str, str] = {}
    problems = []
    if "answers" in request.args:
        try:
            state |= codes.decode_state(CALL_STEPS, request.args["answers"])
        except codes.BadCode:
            problems.append(Problem(f"{URGENT}-{URGENT_CHOICES[0]}", URGENT, in_every_language(unreadable_state)))
    if "code" in request.args:
        try:
            state |= dict(zip(QUESTION_IDS, codes.decode(engine.questions, request.args["code"]), strict=True))
        except codes.BadCode as error:
            problems.append(Problem("code", "code", in_every_language(present.code_error, error)))
    return state, problems


def unreadable_state() -> str:
    """Say that the address's answers to the first two lines could not be read."""
    return gettext("The address was damaged: ask line 1 and line 2 again.")


def redirect_to(state: Mapping[str, str], both: bool) -> ResponseReturnValue:
    """Show these answers at an address of their own (after a successful post)."""
    _combo, code, carried = in_address(state)
    return redirect(url_for("desk.desk", code=code, answers=carried, both=1 if both else None, lang=explicit_choice()))


def in_address(state: Mapping[str, str]) -> tuple[Answers | None, str | None, str | None]:
    """The four answers, if all are given, with their answer code; and the state code of lines 1 and 2."""
    combo = code = None
    if all(state.get(q) for q in QUESTION_IDS):
        combo = Answers(*(state[q] for q in QUESTION_IDS))
        code = codes.encode(current_guide().engine.questions, combo)
    call_state = {line: state[line] for line in (URGENT, ABOUT) if line in state}
    return combo, code, codes.encode_state(CALL_STEPS, call_state) if call_state else None


@bp.route("/desk", methods=["GET", "POST"])
def desk() -> ResponseReturnValue:
    """Show the console; open an answer code (`?code=`); take posted answers when JavaScript is off."""
    both = request.values.get("both") == "1"
    if request.method == "POST":  # the token is checked before (CSRFProtect), the answers here
        form = desk_form()
        given = posted(form)
        problems = [] if given.get(URGENT) == "yes" else form_problems(given)
        if not problems:
            counts.desk_call(given)
            return redirect_to(given, both)
        return render_desk(given, form, both, problems)
    state, problems = state_from_address()
    return render_desk(state, desk_form(state), both, problems)


@bp.errorhandler(CSRFError)
def expired(error: CSRFError) -> ResponseReturnValue:
    """A posted form whose security token had expired: show it again with its answers, for staff."""
    form = desk_form()
    problem = Problem("desk-submit", "form", in_every_language(expired_message))
    return render_desk(posted(form), form, request.values.get("both") == "1", [problem]), 400


def expired_message() -> str:
    """Say that the form must be sent again."""
    return gettext("The page had been open too long for its form to be taken. The answers are kept: send it again.")


@bp.after_request
def keep_out_of_search_engines(response: Response) -> Response:
    """Ask search engines not to index the desk or follow its links."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def init_app(app: Flask) -> None:
    """Register the front-desk console."""
    app.register_blueprint(bp)
