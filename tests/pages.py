"""Every state of the patient pages, in one registry: the accessibility, translation and weight checks
all visit these, so a new page or state is added here once.

A state is an address, whether its form is sent empty (to show its errors), and the media it is
seen in (a printed result is the same address in print). Answers given
before a page travel in the address as a state code (`?answers=`), which the guide reads with or
without a cookie, so a test client and a browser reach exactly the same page. The results shown are
found in the engine's decisions (the first of each category, and the first with no procedure), not
written here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from guide import codes
from guide.engine import Answers
from guide.forms import URGENT, URGENT_CHOICES
from guide.table import QUESTION_IDS

from .conftest import GUIDE

#: The answers a patient walks through, one per step (the screening question first).
ROUTE = {URGENT: "no", "goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"}
ROUTE_ANSWERS = {q: ROUTE[q] for q in QUESTION_IDS}
STEPS = ((URGENT, URGENT_CHOICES), *((q.id, q.codes) for q in GUIDE.engine.questions))


@dataclass(frozen=True)
class State:
    """One page as a patient sees it: where it is, and whether its form was sent empty."""

    name: str
    path: str
    error: bool = False
    media: str = "screen"


def step_path(step: str) -> str:
    """The page of a step of the questionnaire."""
    return "/before-you-start" if step == URGENT else f"/question/{step}"


def carrying(path: str, given: Mapping[str, str]) -> str:
    """The page's address with the answers given before it."""
    if not given:
        return path
    return f"{path}?{urlencode({'answers': codes.encode_state(STEPS, dict(given))})}"


def results() -> dict[str, dict[str, str]]:
    """One combination of answers per kind of result the engine gives, by name."""
    found: dict[str, dict[str, str]] = {}
    for combo, rec in GUIDE.engine.decide_all().items():
        found.setdefault(f"result {rec.category.id}", combo._asdict())
        if not rec.procedures:
            found.setdefault("result with no procedure", combo._asdict())
    return found


def patient_states() -> Iterator[State]:
    """Every state of the patient pages, in the order a patient meets them."""
    yield State("start", "/")
    yield State("start with some answers", carrying("/", dict(list(ROUTE.items())[:2])))
    yield State("start with every answer", carrying("/", ROUTE))
    given: dict[str, str] = {}
    for step, code in ROUTE.items():
        yield State(step, carrying(step_path(step), given))
        yield State(f"{step} with error", carrying(step_path(step), given), error=True)
        given[step] = code
    yield State("check answers", carrying("/check-answers", given))
    for name, combo in results().items():
        yield State(name, carrying("/result", {URGENT: "no", **combo}))
        yield State(f"{name} printed", carrying("/result", {URGENT: "no", **combo}), media="print")
    yield State("result by its answer code", f"/r/{codes.encode(GUIDE.engine.questions, Answers(**ROUTE_ANSWERS))}")
    yield State("emergency", carrying("/get-help-now", {URGENT: "yes"}))
    yield State("code", "/code")
    yield State("code with error", "/code?code=OOPS")
    yield State("not found", "/nowhere")


PATIENT_STATES = tuple(patient_states())
assert len({state.name for state in PATIENT_STATES}) == len(PATIENT_STATES), "state names must be unique"
assert all(q in ROUTE for q in QUESTION_IDS)


def open_in_client(client, state: State, headers: Mapping[str, str] | None = None):
    """Request a state with the test client; return the response."""
    if state.error:
        return client.post(state.path, data={}, headers=headers)
    return client.get(state.path, headers=headers)


def open_in_browser(page, state: State) -> None:
    """Bring a Playwright page to a state (its form sent empty by its own button, if asked), in its media."""
    page.emulate_media(media=state.media)
    page.goto(state.path)
    if state.error:
        page.click("main button[type=submit]")
        page.wait_for_selector(".error-summary")
        page.wait_for_load_state()  # the page with the errors, its scripts run
