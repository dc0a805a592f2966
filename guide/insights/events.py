"""What the pages count: one call from a view each, the beacon of a tap on the phone link, and the desk's calls.

The signed session (the patient's own cookie) remembers what was counted once per patient and when
the first answer was given; nothing of it reaches the server's storage. Without the cookie (the flow
whose answers travel in the addresses) nothing is remembered, so a reload may count again.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, current_app, request, session
from flask_babel import get_locale

from guide.engine import Answers
from guide.forms import URGENT
from guide.insights import counting
from guide.insights.counting import bucket, count
from guide.rules import current_guide
from guide.table import CATEGORY_IDS, QUESTION_IDS

bp = Blueprint("counting", __name__)

#: Where a tap on the phone link can come from (the beacon says; anything else is "other").
TAP_PAGES = ("result", "emergency", "other")


def language() -> str:
    """The language of the page."""
    return str(get_locale())


def on() -> bool:
    """Tell whether counting is on (GUIDE_COUNTING): when off, nothing is counted and the session is left alone."""
    return bool(current_app.extensions["guide_counts"].enabled)


def once(name: str) -> bool:
    """Tell whether `name` is counted for the first time for this patient (and remember that it is)."""
    if not on():
        return False
    counted = session.get("counted")
    counted = list(counted) if isinstance(counted, list) else []
    if name in counted:
        return False
    session["counted"] = [*counted, name]
    return True


def started() -> None:
    """The start page, opened by someone with no answers yet."""
    count("start", lang=language())


def answered(step: str, first: bool) -> None:
    """A step of the questionnaire answered (counted the first time only); the first answer starts the clock."""
    if on() and "began" not in session:
        session["began"] = int(counting.clock())
    if first:
        count("step", step=step)


def checked() -> None:
    """The page that lists the answers, shown (once per patient)."""
    if once("check"):
        count("step", step="check")


def result_shown(combo: Answers, via: str) -> None:
    """A result shown (once per patient): its language, category, aim, cause and area; and the time it took."""
    if not once("result"):
        return
    category = current_guide().engine.decide(combo).category.id
    count("result", lang=language(), category=category, goal=combo.goal, cause=combo.cause, area=combo.area, via=via)
    began = session.get("began")
    if via == "questions" and isinstance(began, int):
        count("finish", bucket=bucket(max(0, counting.clock() - began)))


def code_opened() -> None:
    """A result opened by its answer code."""
    count("code")


def emergency_shown() -> None:
    """The emergency advice, shown (once per patient)."""
    if once("emergency"):
        count("emergency", lang=language())


def desk_call(given: Mapping[str, str]) -> None:
    """A desk call sent without JavaScript: an emergency "yes", or the result it reached (each post counts)."""
    if given.get(URGENT) == "yes":
        count("desk_emergency")
    elif all(given.get(q) for q in QUESTION_IDS):
        combo = Answers(*(given[q] for q in QUESTION_IDS))
        count("desk_result", category=current_guide().engine.decide(combo).category.id, lang=language())


@bp.post("/count/desk")
def desk_beacon():
    """A desk call counted by the desk's script (once per call): a result (category, language) or an emergency."""
    if from_the_guide():
        said = request.form
        if said.get("event") == "emergency":
            count("desk_emergency")
        elif said.get("category") in CATEGORY_IDS and said.get("lang") in current_app.config["LANGUAGES"]:
            count("desk_result", category=said["category"], lang=said["lang"])
    return "", 204


@bp.post("/count/tap")
def tap():
    """A tap on the clinic's phone link, told by the page's script (navigator.sendBeacon); answers 204, always."""
    if from_the_guide():
        page = request.form.get("page", "other")
        page = page if page in TAP_PAGES else "other"
        count("tap", page=page, category=result_category() if page == "result" else "")
    return "", 204


def from_the_guide() -> bool:
    """Tell whether the browser says the beacon came from the guide's own page."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc == request.host


def result_category() -> str:
    """The category of the patient's result, from their session ("" without one)."""
    given = session.get("answers")
    if not isinstance(given, dict) or not all(isinstance(given.get(q), str) for q in QUESTION_IDS):
        return ""
    try:
        return current_guide().engine.decide(Answers(*(given[q] for q in QUESTION_IDS))).category.id
    except (KeyError, ValueError):
        return ""
