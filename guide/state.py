"""Where a patient's answers are kept between pages: the signed session cookie, or the pages' addresses.

Answers live only in the patient's browser, never on the server and never in logs. Where no
session cookie comes back (cookies refused, or a frame on another site), every link and form of
the questionnaire carries them as a state code (guide.codes) in the `answers` query parameter; both
give the same pages and the same result. A result opened from another site is shown from its
address alone and stored nowhere (`show_only`), so a link cannot change what a patient answered.
"""

from __future__ import annotations

from flask import current_app, flash, g, request, session
from flask_babel import lazy_gettext

from guide import codes
from guide.forms import URGENT, URGENT_CHOICES
from guide.locale import explicit_choice
from guide.rules import current_guide

#: The query parameter that carries the answers where no session cookie comes back (masked in logs).
STATE = "answers"
#: Pages whose links need no answers (they still carry the language chosen): the answers are forgotten, or a code
#: says them.
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
    return ((URGENT, URGENT_CHOICES), *codes.question_steps(current_guide().engine.questions))


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
    """Tell whether the answers travel in the addresses: no session cookie came back, the address carries them,
    or they are shown only (`show_only`)."""
    return cookieless() or STATE in request.args or bool(g.get("shown_only"))


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
    g.pop("link_state", None)
    if given:
        session["answers"] = dict(given)
        session.permanent = True
    else:
        session.pop("answers", None)


def show_only(given: dict[str, str]) -> None:
    """Use these answers for this page and the links it shows, without storing them (a request from another site)."""
    g.answers = dict(given)
    g.shown_only = True
    g.pop("link_state", None)


def save(step: str, code: str) -> None:
    """Keep one more answer."""
    keep({**answers(), step: code})


def link_state() -> tuple[str | None, str | None]:
    """What every link of the questionnaire carries on this request: the state code and the language (or None).

    Worked out once per request (a page has a dozen links), and again after the answers change (`keep`, `show_only`).
    """
    found = g.get("link_state")
    if found is None:
        found = g.link_state = _link_state()
    return found


def _link_state() -> tuple[str | None, str | None]:
    if not travelling():
        return (None, None)
    given = answers()
    return (codes.encode_state(state_steps(), given) if given else None, explicit_choice())


def carry_state(endpoint: str, values: dict) -> None:
    """While the answers travel, every link and form of the questionnaire carries them, and the language chosen."""
    state, lang = link_state()
    if state and endpoint not in NOT_CARRIED:
        values.setdefault(STATE, state)
    if lang:
        values.setdefault("lang", lang)  # Start again too: without the cookie, nothing else remembers the choice
