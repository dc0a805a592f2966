"""The patient questionnaire: start, a screening question, one question per page, check, result.

Answers live only in the signed session cookie, never on the server and never in logs.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from guide import codes, present
from guide.engine import Answers
from guide.forms import URGENT, CodeForm, ConfirmForm, QuestionForm, form_class, urgent_form_class
from guide.rules import current_guide
from guide.table import QUESTION_IDS

bp = Blueprint("patient", __name__)

STEPS = (URGENT, *QUESTION_IDS)
CHECK = "check"


def answers() -> dict[str, str]:
    """The answers given so far, by step."""
    return dict(session.get("answers", {}))


def save(step: str, code: str) -> None:
    """Keep one answer in the session cookie."""
    given = answers()
    given[step] = code
    session["answers"] = given
    session.permanent = True


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
        flash(
            gettext(
                "We could not find your earlier answers. This happens when the page was left open "
                "for a long time. Nothing important has been lost: please start again."
            ),
            "restart",
        )
        return redirect(url_for("patient.start"))
    return redirect(step_url(missing))


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
        save(step, form.answer.data)
        return redirect(after_answer(step, form.answer.data))
    return render_template(
        template,
        form=form,
        back=back_url(step),
        action=request.full_path.rstrip("?"),
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
    return render_template("start.html", started=bool(answers()))


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
    return ask(question_id, form_class(q), "question.html", q=present.question_page(q), number=number)


@bp.get("/check-answers")
def check():
    """List every answer with a link to change it."""
    blocked = require_before(CHECK)
    if blocked:
        return blocked
    return render_template("check.html", rows=answer_rows(answers()))


def answer_rows(given: dict[str, str]) -> list[dict[str, str]]:
    """Each question with the answer given, for display."""
    table = current_guide().table
    rows = []
    for question_id in QUESTION_IDS:
        q = table.question(question_id)
        rows.append(
            {
                "id": q.id,
                "short": present.translate(q.short),
                "question": present.translate(q.label),
                "answer": present.translate(q.choice(given[q.id]).label),
                "change": step_url(q.id, change=1),
            }
        )
    return rows


@bp.get("/result")
def result():
    """Show the recommendation for the answers given."""
    blocked = require_before(CHECK)
    if blocked:
        return blocked
    given = answers()
    return show_result(Answers(*(given[q] for q in QUESTION_IDS)))


def show_result(combo: Answers):
    """Render the result page for one combination of answers."""
    engine = current_guide().engine
    return render_template(
        "result.html",
        rec=present.recommendation(engine.decide(combo)),
        rows=answer_rows(dict(zip(QUESTION_IDS, combo, strict=True))),
        code=codes.encode(engine.questions, combo),
        form=ConfirmForm(),
    )


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
    session["answers"] = {URGENT: "no", **dict(zip(QUESTION_IDS, combo, strict=True))}
    session.permanent = True
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
        session.pop("answers", None)
    return redirect(url_for("patient.start"))


def init_app(app: Flask) -> None:
    """Register the questionnaire, and the clinic's facts for every page."""
    app.register_blueprint(bp)
    app.context_processor(lambda: {"clinic": present.clinic()})
