"""The patient questionnaire: start, a screening question, one question per page, check, result.

Where the answers are kept between pages is guide.state; whether a form came from the guide's own
pages, guide.origin. The result's body (templates/result-body.html: the result, booking a
consultation, the answers and their code) depends only on the language and the combination of
answers: it is rendered once per (language, combination) and reused; the page around it, with its
token and links, is rendered for each request.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import dates
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from markupsafe import Markup

from guide import codes, embed, origin, present
from guide.engine import Answers, Recommendation
from guide.forms import URGENT, CodeForm, ConfirmForm, QuestionForm, form_class, urgent_form_class
from guide.insights import events as counts
from guide.locale import explicit_choice
from guide.rules import current_guide
from guide.state import (  # noqa: F401  (answers and the rest stay importable from here, as callers use them)
    NOTICES,
    STATE,
    answers,
    carry_state,
    cookieless,
    keep,
    link_state,
    save,
    show_only,
)
from guide.table import QUESTION_IDS, UNSURE

bp = Blueprint("patient", __name__)
bp.url_defaults(carry_state)
bp.before_request(origin.refuse_forgeries)

STEPS = (URGENT, *QUESTION_IDS)
CHECK = "check"


def step_url(step: str, **args) -> str:
    """The page of a step of the questionnaire."""
    if step == URGENT:
        return url_for("patient.urgent", **args)
    if step == CHECK:
        return url_for("patient.check")
    return url_for("patient.question", question_id=step, **args)


def first_unanswered() -> str | None:
    """The first step still to answer; the screening question counts only when answered "no"."""
    given = answers()
    for step in STEPS:
        if given.get(step) is None or (step == URGENT and given[step] != "no"):
            return step
    return None


def require_before(step: str):
    """Send the patient to the first unanswered step before `step`, or to the start if nothing is known."""
    missing = first_unanswered()
    if missing is None or STEPS.index(missing) >= (STEPS.index(step) if step in STEPS else len(STEPS)):
        return None
    if not answers():
        return restart()
    return redirect(step_url(missing))


def restart():
    """Send the patient to the start, saying why: flashed with a cookie, in the start page's address without."""
    notice = "unreadable" if g.get("unreadable_state") else "lost"
    if g.get("guide_changed"):
        return redirect(url_for("patient.start"))  # its notice is flashed already
    if cookieless():
        return redirect(url_for("patient.start", notice=notice))
    flash(str(NOTICES[notice]), "restart")
    return redirect(url_for("patient.start"))


def back_url(step: str) -> str:
    """The page before this one on the route taken."""
    if request.args.get("change"):
        return url_for("patient.check")
    index = STEPS.index(step)
    return url_for("patient.start") if index == 0 else step_url(STEPS[index - 1])


def next_url(step: str) -> str:
    """The page after a successful answer."""
    if request.args.get("change"):
        return url_for("patient.check")
    index = STEPS.index(step)
    return step_url(STEPS[index + 1]) if index + 1 < len(STEPS) else url_for("patient.check")


def ask(step: str, form_type: type[QuestionForm], template: str, **context):
    """Show a question; on a valid answer, keep it and redirect to the next page."""
    blocked = require_before(step)
    if blocked:
        return blocked
    form = form_type() if request.method == "POST" else form_type(data={step: answers().get(step)})
    if form.validate_on_submit():
        counts.answered(step, first=step not in answers())
        save(step, form.answer.data)
        return redirect(after_answer(step, form.answer.data))
    return render_template(
        template,
        form=form,
        back=back_url(step),
        action=request.script_root + request.full_path.rstrip("?"),
        **context,
    )


def after_answer(step: str, code: str) -> str:
    """Where an answer leads: emergency care when the screening says so, else the next page."""
    if step == URGENT and code == "yes":
        return url_for("patient.emergency")
    return next_url(step)


@bp.get("/")
def start():
    """Say what the guide does and offer to start."""
    notice = request.args.get("notice")
    if notice in NOTICES:
        flash(str(NOTICES[notice]), "restart")  # shown on this very page: no cookie needed
    resume = step_url(first_unanswered() or CHECK) if answers() else None
    if resume is None:
        counts.started()
    # The form (Start again) is only offered to a returning patient: a first visit gets no token, no cookie.
    return render_template(
        "start.html", started=resume is not None, resume=resume, form=ConfirmForm() if resume else None
    )


@bp.route("/before-you-start", methods=["GET", "POST"])
def urgent():
    """Ask first whether emergency care is needed."""
    urgent = current_guide().table.urgent
    return ask(
        URGENT,
        urgent_form_class(urgent),
        "urgent.html",
        urgent_label=present.translate(urgent.label),
        urgent_hint=present.translate(urgent.hint),
        urgent_signs=[present.translate(sign) for sign in urgent.signs],
    )


@bp.get("/get-help-now")
def emergency():
    """Send the patient to emergency care, then offer the clinic's number."""
    urgent = current_guide().table.urgent
    counts.emergency_shown()
    return render_template(
        "emergency.html",
        urgent_heading=present.translate(urgent.heading),
        urgent_advice=present.translate(urgent.advice),
    )


@bp.route("/question/<question_id>", methods=["GET", "POST"])
def question(question_id: str):
    """Ask one of the four questions."""
    if question_id not in QUESTION_IDS:
        abort(404)
    q = current_guide().table.question(question_id)
    number = QUESTION_IDS.index(question_id) + 1
    return ask(
        question_id,
        form_class(q),
        "question.html",
        q=present.question_page(q),
        number=number,
        total=len(QUESTION_IDS),
        unsure=UNSURE,
    )


@bp.get("/check-answers")
def check():
    """List every answer with a link to change it."""
    blocked = require_before(CHECK)
    if blocked:
        return blocked
    counts.checked()
    return render_template("check.html", rows=answer_rows(answers()), back=step_url(STEPS[-1]))


def answer_rows(given: dict[str, str]) -> list[dict[str, str]]:
    """Each question with the answer given, for display."""
    combo = Answers(*(given[q] for q in QUESTION_IDS))
    return [{**row, "change": step_url(row["id"], change=1)} for row in present.answer_rows(combo)]


@bp.get("/result")
def result():
    """Show the recommendation for the answers given."""
    blocked = require_before(CHECK)
    if blocked:
        return blocked
    given = answers()
    combo = Answers(*(given[q] for q in QUESTION_IDS))
    counts.result_shown(combo, via="questions")
    return show_result(combo)


def show_result(combo: Answers):
    """Render the result page for one combination of answers."""
    rec = current_guide().engine.decide(combo)
    return render_template(
        "result.html",
        rec=present.recommendation(rec),
        result_body=result_body(rec),
        today=today(),
    )


def result_body(rec: Recommendation) -> Markup:
    """The result page's body (templates/result-body.html), rendered once per language and combination.

    Jinja renders it alone, from the presentation, the answers, their code and the clinic's facts: no
    context processor, nothing of the request. So the same (language, combination) always gives the same
    markup, and nothing of a visitor's is in it; the page around it carries the token and the links.
    """

    def build() -> Markup:
        return Markup(
            current_app.jinja_env.get_template("result-body.html").render(
                rec=present.recommendation(rec),
                rows=present.answer_rows(rec.answers),
                code=codes.encode(current_guide().engine.questions, rec.answers),
                clinic=present.clinic(),
            )
        )

    return present.once("result_body", rec.answers, build)


def today() -> Markup:
    """Today's date where the clinic is (BABEL_DEFAULT_TIMEZONE), for a printed result: a <time> element, in words."""
    day = datetime.now(zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    return date_element(day, str(get_locale()))


@cache
def zone(name: str) -> ZoneInfo:
    """A time zone by its name, looked up once."""
    return ZoneInfo(name)


@lru_cache(maxsize=16)
def date_element(day: date, language: str) -> Markup:
    """A date in words, in a language, in its <time> element ("7 de diciembre de 2026"): the same all day, made once."""
    return Markup('<time datetime="{}">{}</time>').format(
        day.isoformat(), dates.format_date(day, format="long", locale=language)
    )


@bp.get("/r/<code>")
def by_code(code: str):
    """Open the result an answer code stands for, and keep its answers for Check and Change.

    Opened from another site, the result is shown and its answers travel in the page's links, but
    nothing is stored: a link elsewhere never changes what a patient answered here.
    """
    engine = current_guide().engine
    try:
        combo = codes.decode(engine.questions, code)
    except codes.BadCode as error:
        form = CodeForm(data={"code": code})
        form.code.errors = [present.code_error(error)]
        return render_template("code.html", form=form), 404
    given = {URGENT: "no", **dict(zip(QUESTION_IDS, combo, strict=True))}
    if origin.followed_from_another_site():
        show_only(given)
    else:
        keep(given)
    counts.code_opened()
    counts.result_shown(combo, via="code")
    return show_result(combo)


@bp.get("/code")
def enter_code():
    """Let someone type an answer code they were given."""
    form = CodeForm(request.args)
    if "code" in request.args:
        try:
            combo = codes.decode(current_guide().engine.questions, form.code.data)
        except codes.BadCode as error:
            form.code.errors = [present.code_error(error)]
        else:
            return redirect(url_for("patient.by_code", code=codes.encode(current_guide().engine.questions, combo)))
    return render_template("code.html", form=form)


@bp.post("/start-again")
def start_again():
    """Forget every answer and go back to the start."""
    if ConfirmForm().validate_on_submit():
        keep({})
    return redirect(url_for("patient.start"))


def shows_answers_in_address() -> bool:
    """Tell whether the page's address itself says what someone answered (a state code or an answer code)."""
    return STATE in request.args or "code" in request.args or request.endpoint == "patient.by_code"


def search_links() -> dict:
    """How search engines should take a patient page: not at all if its address carries answers, else its
    own address as canonical and its alternates by language (absolute; the embed points at the full site)."""
    if request.blueprint != bp.name:
        return {}
    if shows_answers_in_address() or g.get("error_page"):
        return {"private": True}
    root = request.host_url.rstrip("/") + request.script_root.removesuffix(embed.PREFIX if embed.embedded() else "")
    # An address without `lang` serves the visitor's language: it is its own x-default.
    return language_links(root + request.path, explicit_choice(), tuple(current_app.config["LANGUAGES"]))


@lru_cache(maxsize=256)
def language_links(address: str, lang: str | None, languages: tuple[str, ...]) -> dict:
    """A page's canonical address and its alternates by language (the same for every visitor of that page)."""
    return {
        "canonical": f"{address}?{urlencode({'lang': lang})}" if lang else address,
        "alternates": (
            *((code, f"{address}?{urlencode({'lang': code})}") for code in languages),
            ("x-default", address),
        ),
    }


def init_app(app: Flask) -> None:
    """Register the questionnaire, and the clinic's facts and search engines' links for every page."""
    app.register_blueprint(bp)
    app.context_processor(lambda: {"clinic": present.clinic(), "search": search_links()})
