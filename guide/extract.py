"""A Babel extractor for rules.yaml: every text of the rule table, at its real line.

babel.cfg maps `rules.yaml` to it, so `pybabel extract` catalogs the table's texts
with translator comments saying where each one is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from guide.loader import read_table
from guide.table import iter_texts

#: What translators are told about a field, by its name.
NOTES = {
    "what_if": 'Completes the sentence "If %(condition)s, this would most likely be %(category)s."',
    "desk_label": "A question the front desk reads, about the caller (third person).",
    "desk_script": "A line the front desk reads aloud to the caller.",
    "desk_postop": "Staff read it after an emergency sign: the clinic's own patients after surgery.",
    "desk_label_other": "The same question when the call is about someone else (a child, a relative).",
    "desk_script_other": "A line the front desk reads aloud to someone calling about another person (a child).",
    "short": "A short name for the question, in the list of answers.",
    "error": "An error message shown when the question was not answered.",
    "call_to_action": "The clinic's own tagline, shown next to its phone number.",
    "note": "Advice shown on a result apart from its reasons.",
    "advice": "Advice shown on a result apart from its reasons.",
}


def extract_rules(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict) -> Iterator[tuple]:
    """Yield `(line, None, text, comments)` for every translatable text of a rule table."""
    name = options.get("name", getattr(fileobj, "name", "rules.yaml"))
    table, source = read_table(fileobj.read().decode("utf-8"), str(name))
    for loc, text in iter_texts(table):
        field = next(step for step in reversed(loc) if isinstance(step, str))
        where = ".".join(str(step) for step in loc)
        comments = [f"rules.yaml {where}"] + ([NOTES[field]] if field in NOTES else [])
        yield source.line(loc), None, text, comments
