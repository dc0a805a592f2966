"""What a rule table tells every combination of answers, as plain data (JSON when run as a script).

`guide diff` builds its records with `record()`. For a git revision whose table today's code can
no longer read (the schema changed since), it runs this file as a script against that revision's
own `guide` package: `python snapshot.py RULES` in the revision's tree prints the snapshot as JSON.
So this file imports only what every version of the package has, and tolerates what older ones lack.
Pure Python, no Flask.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def note_names(table: Any) -> dict[str, str]:
    """Every note the engine may add, by name: `no_procedure`, the answer it comes with (`cause=pain`),
    the rule whose advice it is (`rule=pain-breasts`) or the category whose note a rule shows."""
    names = {name: text for name, text in table.notes}
    for question in table.questions:
        names.update({f"{question.id}={c.id}": c.note for c in question.choices if getattr(c, "note", None)})
    names.update({f"rule={r.id}": r.advice for r in table.rules if getattr(r, "advice", None)})
    names.update({f"category={c.id}": c.note for c in table.categories if getattr(c, "note", None)})
    return names


def notes_by_text(table: Any) -> dict[str, str]:
    """The name of each note, by its text (the first name, when two notes share a text)."""
    by_text: dict[str, str] = {}
    for name, text in note_names(table).items():
        by_text.setdefault(text, name)
    return by_text


def record(rec: Any, by_text: dict[str, str]) -> dict[str, Any]:
    """What one recommendation tells: ids (the outcome) and the English sources of its texts, by key.

    `by_text` names the notes (see `notes_by_text`).
    """
    notes = [by_text.get(text, text) for text in rec.notes]
    texts: dict[tuple[str, ...], str] = {
        ("category", rec.category.id, "label"): rec.category.label,
        ("category", rec.category.id, "summary"): rec.category.summary,
        ("rule", rec.rule.id, "reason"): rec.rule.reason,
        ("consultation", "message"): rec.consultation.message,
    }
    if getattr(rec.category, "note", None):
        texts["category", rec.category.id, "note"] = rec.category.note
    for procedure in rec.procedures:
        texts["procedure", procedure.id, "name"] = procedure.name
        texts["procedure", procedure.id, "summary"] = procedure.summary
    for name, text in zip(notes, rec.notes, strict=True):
        texts["note", name] = text
    what_if = None
    if rec.what_if is not None:
        what_if = [rec.what_if.question.id, rec.what_if.code, rec.what_if.category.id]
        texts["what_if", rec.what_if.question.id, rec.what_if.code] = rec.what_if.condition
        texts["category", rec.what_if.category.id, "label"] = rec.what_if.category.label
    kinds = getattr(rec, "kinds", None) or [p.kind for p in rec.procedures]  # before a procedure had several
    return {
        "category": rec.category.id,
        "rule": rec.rule.id,
        "procedures": [p.id for p in rec.procedures],
        "kinds": list(kinds),
        "what_if": what_if,
        "notes": notes,
        "texts": texts,
    }


def labels(table: Any) -> list[list[Any]]:
    """The texts a change names things by: category labels, procedure names, notes, questions and answers."""
    found = [[["category", c.id, "label"], c.label] for c in table.categories]
    found += [[["procedure", p.id, "name"], p.name] for p in table.procedures]
    for question in table.questions:
        found.append([["question", question.id, "short"], getattr(question, "short", None) or question.id])
        found += [[["answer", question.id, c.id], c.label] for c in question.choices]
    return found + [[["note", name], text] for name, text in note_names(table).items()]


def _open(path: str) -> tuple[Any, dict]:
    """The table and every decision, through whichever loading functions this version has."""
    try:
        from guide.rules import open_guide  # since the engine decides everything once
    except ImportError:
        from guide.check import load_checked  # type: ignore[attr-defined]  # the older versions' loader
        from guide.engine import Engine, combinations

        table, _source = load_checked(path)
        engine = Engine(table)
        return table, {tuple(combo): engine.decide(combo) for combo in combinations(table)}
    guide = open_guide(path)
    return guide.table, dict(guide.engine.decide_all())


def snapshot(path: str) -> dict[str, Any]:
    """Everything `guide diff` compares, for the table at `path`."""
    table, decisions = _open(path)
    by_text = notes_by_text(table)
    told = []
    for combo, rec in decisions.items():
        told_here = record(rec, by_text)
        told_here["texts"] = [[list(key), text] for key, text in told_here["texts"].items()]  # JSON has no tuples
        told.append([list(combo), told_here])
    found = {"questions": [[q.id, list(q.codes)] for q in table.questions], "labels": labels(table), "told": told}
    if all(hasattr(c, "code") for q in table.questions for c in q.choices):  # answers with their own characters
        found["characters"] = [[q.id, {c.code: c.id for c in q.choices}] for q in table.questions]
    return found


if __name__ == "__main__":
    json.dump(snapshot(sys.argv[1]), sys.stdout)
