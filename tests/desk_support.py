"""Driving the front desk in Chromium: shared by the desk's browser tests and its benchmark."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from guide.engine import Engine
from guide.table import QUESTION_IDS

#: The lines of the script, in order: a line's number is its position plus one.
LINES = ("urgent", "about", *QUESTION_IDS)
#: Each line's answer codes, before the four questions (which come from the table).
CALL_CHOICES = {"urgent": ("yes", "no"), "about": ("caller", "other")}

RENDERED = """() => {
  const result = document.getElementById("desk-result");
  const outcome = result.querySelector("[data-desk-outcome]");
  const visible = (node) => Boolean(node) && !node.hidden && !node.closest("[hidden]");
  const shown = (selector) => {
    const node = outcome.querySelector(selector);
    return visible(node) ? node.querySelector("[data-main]").textContent : null;
  };
  const main = (node) => node.querySelector("[data-main]").textContent;
  const alt = (node) => node.querySelector("[data-alt]").textContent;
  const items = [...outcome.querySelectorAll(".procedures li")];
  const reasons = [...outcome.querySelectorAll(".reasons li")];
  const codeLine = result.querySelector("[data-desk-code-line]");
  const heading = outcome.querySelector("[data-fill=heading]");
  const none = outcome.querySelector("[data-fill-none]");
  return {
    category: result.dataset.category || null,
    rule: result.dataset.rule || null,
    code: result.dataset.code || null,
    urgent: result.hasAttribute("data-urgent"),
    emergency: !result.querySelector("[data-desk-emergency]").hidden,
    heading: visible(heading) ? main(heading) : null,
    heading_alt: visible(heading) ? alt(heading) : null,
    shown_code: visible(codeLine) ? result.querySelector("[data-desk-code]").textContent : null,
    category_summary: shown("[data-fill=category_summary]"),
    note: shown("[data-fill=category_note]"),
    procedures: items.map((li) => li.dataset.procedure),
    names: items.map((li) => main(li.querySelector("[data-fill=name]"))),
    names_alt: items.map((li) => alt(li.querySelector("[data-fill=name]"))),
    summaries: items.map((li) => main(li.querySelector("[data-fill=summary]"))),
    reasons: reasons.map(main),
    reasons_alt: reasons.map(alt),
    what_if: shown("[data-fill=what_if]"),
    none: visible(none) ? none.textContent : null,
    summary: document.getElementById("desk-summary").value,
  };
}"""


def open_desk(page: Any, path: str) -> Any:
    """Go to a desk address and wait until desk.js has loaded its data and taken over."""
    page.goto(path)
    page.wait_for_selector(".desk-js", state="attached")
    return page


def key_of(engine: Engine, line: str, code: str) -> str:
    """The digit that answers `code` on a line: 1 to 9, then 0."""
    choices = CALL_CHOICES.get(line) or engine.table.question(line).codes
    return str((choices.index(code) + 1) % 10)


def line_key(line: str) -> str:
    """The digit that picks a line."""
    return str(LINES.index(line) + 1)


def rendered(page: Any) -> dict:
    """The live result as the page shows it."""
    return page.evaluate(RENDERED)


CHECKED = (
    "() => Object.fromEntries([...document.querySelectorAll('#desk-form input:checked')]"
    ".map((radio) => [radio.name, radio.value]))"
)


def checked(page: Any) -> dict[str, str]:
    """The answers the page has checked, by line."""
    return page.evaluate(CHECKED)


def data(page: Any) -> dict:
    """The data file the page loaded."""
    return page.evaluate("() => fetch(document.querySelector('[data-desk]').dataset.src).then((r) => r.json())")


FOCUSED = """() => {
  const node = document.activeElement;
  if (node.type === "radio") { return `${node.name}=${node.value}`; }
  if (node.dataset.deskCopy !== undefined) { return "copy"; }
  if (node.dataset.deskNew !== undefined) { return "new"; }
  if (node.dataset.fill === "heading") { return "result"; }
  if (node.dataset.deskEmergencyTitle !== undefined) { return "emergency"; }
  return node.id || node.tagName;
}"""


def focused(page: Any) -> str:
    """What has the focus: a radio as `line=code`, else its id or data attribute."""
    return page.evaluate(FOCUSED)


#: Whether a value read in the page equals the one given, objects compared whatever the order of their keys.
_SAME = """([read, expected]) => {
  const canon = (value) => JSON.stringify(value, (key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v);
  return canon(read) === canon(expected);
}"""


def expect_read(page: Any, read: str, expected: Any, message: str = "") -> None:
    """Wait until the page's `read` script gives `expected`; if it never does, fail with what it gives."""
    try:
        page.wait_for_function(f"(expected) => ({_SAME})([({read})(), expected])", arg=expected)
    except PlaywrightTimeout:
        raise AssertionError(f"{message or 'the page'}: {page.evaluate(read)!r}, expected {expected!r}") from None


def expect_focus(page: Any, what: str, message: str = "") -> None:
    """Wait until `what` (as focused() names it) has the focus."""
    expect_read(page, FOCUSED, what, message or "focus")


def expect_checked(page: Any, answers: dict[str, str], message: str = "") -> None:
    """Wait until the answers checked on the page are exactly `answers`."""
    expect_read(page, CHECKED, answers, message or "answers checked")


def status(page: Any) -> Any:
    """The live region where the desk says what it did (a locator: expect(status(page)).to_have_text(...))."""
    return page.locator("[data-desk-status]")


def lowest_line(page: Any) -> float:
    """The bottom edge, in the page, of the lowest line of the script on show."""
    return page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('fieldset[data-line]:not([hidden])')]"
        ".map((line) => line.getBoundingClientRect().bottom + window.scrollY))"
    )
