"""The desk's pages: the console, the posted form (without JavaScript), answer codes, and the data file."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from guide import codes, present
from guide.desk.data import SHOWN, desk_data
from guide.desk.script import ABOUT, CALL_LINES, CALL_STEPS, KEYED, OTHER, line_choices, other_language, script_lines
from guide.desk.summary import summary_for
from guide.engine import Answers
from guide.forms import URGENT, URGENT_CHOICES, CodeForm
from guide.insights import events as counts
from guide.locale import explicit_choice, native_name
from guide.rules import current_guide
from guide.table import QUESTION_IDS, Question
from guide.translations import gettext

bp = Blueprint("desk", __name__)

#: How long browsers keep the data file: it never changes under its name.
FOREVER = "public, max-age=31536000, immutable"
#: A result with every part of its markup and no text: what the page's <template> holds for desk.js.
BLANK: dict[str, Any] = {key: "" for key in SHOWN} | {
    "category": "none",
    "rule": "",
    "reasons": [""],
    "procedures": [{"id": "", "name": "", "summary": ""}],
    "advice": [{"id": "", "text": ""}],
}


def lookup(tree: Any, key: str) -> Any:
    """Find a text by its dotted key, such as `lines.goal.label` or `lines.urgent.signs.0`."""
    node = tree
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@bp.get("/desk/data.<version>.json")
def data_file(version: str) -> ResponseReturnValue:
    """Serve the data file under its hash (gzipped if the browser accepts it); an old or unknown hash is not found."""
    data = desk_data()
    if version != data.version:
        abort(404)
    zipped = "gzip" in request.accept_encodings
    response = Response(data.gzipped if zipped else data.body, mimetype="application/json")
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Cache-Control"] = FOREVER
    response.vary.add("Accept-Encoding")
    return response


def desk_form(state: Mapping[str, str] | None = None) -> FlaskForm:
    """The script as one form of radio fields (their words come from the desk's texts). Which answers
    are missing is told by `form_problems`: the lines before the questions may stay unasked."""
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


def presented_in(lang: str, combo: Answers) -> dict[str, Any]:
    """The one presentation of the combination's recommendation, in a language."""
    with force_locale(lang):
        return present.recommendation(current_guide().engine.decide(combo))


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
        blank=BLANK,
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


def state_from_address() -> tuple[dict[str, str], list[Problem]]:
    """The answers the address carries: the lines before the questions (`answers`), the four questions
    (`code`). A wrong code keeps the answers of the code on screen before it (`shown`)."""
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
            state |= shown_before()
    return state, problems


def shown_before() -> dict[str, str]:
    """The four answers of the code that was on screen when a wrong one was opened, if any."""
    try:
        combo = codes.decode(current_guide().engine.questions, request.args.get("shown", ""))
    except codes.BadCode:
        return {}
    return dict(zip(QUESTION_IDS, combo, strict=True))


def unreadable_state() -> str:
    """Say that the address's answers to the first lines could not be read."""
    return gettext("The address was damaged: ask line 1 and line 2 again.")


def redirect_to(state: Mapping[str, str], both: bool) -> ResponseReturnValue:
    """Show these answers at an address of their own (after a successful post)."""
    _combo, code, carried = in_address(state)
    return redirect(url_for("desk.desk", code=code, answers=carried, both=1 if both else None, lang=explicit_choice()))


def in_address(state: Mapping[str, str]) -> tuple[Answers | None, str | None, str | None]:
    """The four answers, if all are given, with their answer code; and the state code of the lines before them."""
    combo = code = None
    if all(state.get(q) for q in QUESTION_IDS):
        combo = Answers(*(state[q] for q in QUESTION_IDS))
        code = codes.encode(current_guide().engine.questions, combo)
    call_state = {line.id: state[line.id] for line in CALL_LINES if line.id in state}
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
