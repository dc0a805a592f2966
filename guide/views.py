"""The patient questionnaire: start, a screening question, one question per page, check, result.

Answers live only in the patient's browser, never on the server and never in logs: in the signed
session cookie, or, where no session cookie comes back (cookies refused, or a frame on another site),
in the pages' addresses as a state code (guide.codes), which every link and form of the questionnaire
carries. Both give the same pages and the same result.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_date, lazy_gettext, to_user_timezone
from flask_wtf.csrf import CSRFError

from guide import codes, embed, pages, present, replay
from guide.engine import Answers
from guide.forms import URGENT, URGENT_CHOICES, CodeForm, ConfirmForm, QuestionForm, form_class, urgent_form_class
from guide.insights import events as counts
from guide.locale import explicit_choice
from guide.rules import current_guide
from guide.table import QUESTION_IDS, UNSURE

bp = Blueprint("patient", __name__)

STEPS = (URGENT, *QUESTION_IDS)
CHECK = "check"
#: The query parameter that carries the answers where no session cookie comes back (masked in logs).
STATE = "answers"
#: Pages whose links need no answers: the answers are forgotten, or a code says them.
NOT_CARRIED = {"patient.start_again", "patient.by_code", "patient.enter_code"}
#: Why a patient was sent back to the start, by the `notice` a cookie-less address carries.
NOTICES = {
    "lost": lazy_gettext(
        "We could not find your earlier answers. This happens when the page was left open "
        "for a long time. Nothing important has been lost: please start again."
    ),
    "unreadable": lazy_gettext(
        "The answers in this page's address could not be read: it may have been cut short or changed. "
        "Nothing important has been lost: please start again."
    ),
    "changed": lazy_gettext(
        "The guide has changed since you answered, so your earlier answers no longer fit it. "
        "Please answer the questions again: it takes about two minutes."
    ),
}


def cookieless() -> bool:
    """Tell whether the request came without the session cookie (refused, blocked in a frame, or not set yet)."""
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


def state_steps() -> codes.Steps:
    """The steps a state code covers: the screening question, then the four questions."""
    return ((URGENT, URGENT_CHOICES), *((q.id, q.codes) for q in current_guide().engine.questions))


def known_answer(step: str, code: object) -> bool:
    """Tell whether the table (or the screening question) still has this answer for this step."""
    if step == URGENT:
        return code in URGENT_CHOICES
    return code in current_guide().engine.known.get(step, ())


def carried() -> dict[str, str]:
    """The answers the page's address carries; none if it carries none or an unreadable state code."""
    text = request.args.get(STATE)
    if text is None:
        return {}
    try:
        return codes.decode_state(state_steps(), text)
    except codes.BadCode:
        g.unreadable_state = True
        return {}


def travelling() -> bool:
    """Tell whether the answers travel in the addresses: no session cookie came back, or the address carries them."""
    return cookieless() or STATE in request.args


def answers() -> dict[str, str]:
    """The answers given so far, by step: from the page's address if it carries them, else from the session cookie."""
    if "answers" not in g:
        g.answers = carried() if STATE in request.args else kept_answers()
    return dict(g.answers)


def kept_answers() -> dict[str, str]:
    """The answers in the session cookie; none, and a notice, if the guide no longer knows one of them.

    A session outlives a change of the table (an answer renamed or removed, then a restart): its
    answers are dropped quietly, never decided, never logged, and the patient is asked again.
    """
    given = session.get("answers")
    if not given:
        return {}
    if not isinstance(given, dict) or not all(known_answer(step, code) for step, code in given.items()):
        session.pop("answers", None)
        g.guide_changed = True
        flash(str(NOTICES["changed"]), "restart")
        return {}
    return dict(given)


def keep(given: dict[str, str]) -> None:
    """Keep the answers for the pages that follow: in the session cookie, and in their addresses while travelling."""
    g.answers = dict(given)
    if given:
        session["answers"] = dict(given)
        session.permanent = True
    else:
        session.pop("answers", None)


def save(step: str, code: str) -> None:
    """Keep one more answer."""
    keep({**answers(), step: code})


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
    key = (resume, link_state())
    if resume is None:
        counts.started()
        replay.allow()  # a first visit's page: the same for everyone who asks the same way
    # The form (Start again) is only offered to a returning patient: a first visit gets no token, no cookie.
    return pages.cached("start.html", key, forms=resume is not None) or pages.render(
        "start.html", key, started=resume is not None, resume=resume, form=ConfirmForm() if resume else None
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
    engine = current_guide().engine
    key = (combo, link_state(), clinic_day())  # a printed result shows the date
    # The same for the same request until the date is worked out again, and no longer than the session lasts.
    replay.allow(until=(int(time.time()) // 60 + 1) * 60)
    return pages.cached("result.html", key, forms=True) or pages.render(
        "result.html",
        key,
        rec=present.recommendation(engine.decide(combo)),
        rows=answer_rows(dict(zip(QUESTION_IDS, combo, strict=True))),
        code=codes.encode(engine.questions, combo),
        form=ConfirmForm(),
        today=today(),
    )


def clinic_day() -> date:
    """Today's date where the clinic is, worked out at most once a minute."""
    minute = int(time.time()) // 60
    kept = current_app.extensions.get("clinic_day")
    if kept is None or kept[0] != minute:
        kept = current_app.extensions["clinic_day"] = (minute, to_user_timezone(datetime.now(UTC)).date())
    return kept[1]


def today() -> dict[str, str]:
    """Today's date where the clinic is (BABEL_DEFAULT_TIMEZONE), for a printed result: ISO and in words."""
    day = clinic_day()  # the same date the page is kept under
    return {"iso": day.isoformat(), "text": format_date(day, format="long")}


@bp.get("/r/<code>")
def by_code(code: str):
    """Open the result an answer code stands for, and keep its answers for Check and Change."""
    engine = current_guide().engine
    try:
        combo = codes.decode(engine.questions, code)
    except codes.BadCode as error:
        form = CodeForm(data={"code": code})
        form.code.errors = [present.code_error(error)]
        return render_template("code.html", form=form), 404
    keep({URGENT: "no", **dict(zip(QUESTION_IDS, combo, strict=True))})
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


def link_state() -> tuple[str | None, str | None]:
    """What every link of the questionnaire carries on this request: the state code and the language (or None)."""
    if not travelling():
        return (None, None)
    given = answers()
    return (codes.encode_state(state_steps(), given) if given else None, explicit_choice())


@bp.url_defaults
def carry_state(endpoint: str, values: dict) -> None:
    """While the answers travel, every link and form of the questionnaire carries them, and the language chosen."""
    if endpoint in NOT_CARRIED:
        return
    state, lang = link_state()
    if state:
        values.setdefault(STATE, state)
    if lang:
        values.setdefault("lang", lang)


@bp.before_request
def refuse_forgeries() -> None:
    """Check that a form was sent by the guide's own page (the README explains why this way).

    Every form: the browser's word (Sec-Fetch-Site, or else Origin) that it comes from the guide's own
    page. With the session cookie, Flask-WTF's token besides, as everywhere. Without it the request
    carries no credential, so there is nothing for another site to ride, and no token to compare.
    """
    if request.method != "POST" or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if sent_from_another_site():
        raise CSRFError("The form was sent from another site.")
    if not cookieless():
        current_app.extensions["csrf"].protect()
    g.csrf_valid = True  # tells the forms that this request's origin is checked


def sent_from_another_site() -> bool:
    """Tell whether the browser says the request came from a page that is not the guide's."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin not in (None, "null") and urlsplit(origin).netloc != request.host


def shows_answers_in_address() -> bool:
    """Tell whether the page's address itself says what someone answered (a state code or an answer code)."""
    return STATE in request.args or "code" in request.args or request.endpoint == "patient.by_code"


def search_links() -> dict:
    """How search engines should take a patient page: not at all if its address carries answers, else its
    own address as canonical and its alternates by language (absolute; the embed points at the full site)."""
    if request.blueprint != bp.name:
        return {}
    if shows_answers_in_address():
        return {"private": True}
    root = request.host_url.rstrip("/") + request.script_root.removesuffix(embed.PREFIX if embed.embedded() else "")
    address = root + request.path
    languages = current_app.config["LANGUAGES"]
    lang = explicit_choice()  # an address without `lang` serves the visitor's language: it is its own x-default
    return {
        "canonical": f"{address}?{urlencode({'lang': lang})}" if lang else address,
        "alternates": [(code, f"{address}?{urlencode({'lang': code})}") for code in languages]
        + [("x-default", address)],
    }


def init_app(app: Flask) -> None:
    """Register the questionnaire, and the clinic's facts and search engines' links for every page."""
    app.register_blueprint(bp)
    app.context_processor(lambda: {"clinic": present.clinic(), "search": search_links()})
