"""Small synthetic rule tables, for testing the engine's mechanics and the check without the clinic's table.

`tiny()` is a complete, valid table of a few lines: three aims, four causes, three genders and
three areas (108 combinations), two procedures and five rules. Tests change the parts they are
about, then build an engine (`engine_of`) or write the YAML (`write`) and read the problems.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from guide.check import check
from guide.codes import sequence
from guide.engine import Engine
from guide.loader import read_table
from guide.table import QUESTION_IDS

WHAT_IF = {"appearance": "the aim been looks", "function": "the aim been function"}


def _question(qid: str, codes: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "label": f"{qid}?",
        "hint": f"{qid} hint",
        "short": qid,
        "error": f"answer {qid}",
        "desk_label": f"desk {qid}?",
        "desk_script": f"say {qid}",
        "desk_label_other": f"desk {qid} of someone else?",
        "desk_script_other": f"say {qid} of someone else",
        **extra,
        "choices": [
            {"id": code, "code": char, "label": code, **({"what_if": WHAT_IF[code]} if code in WHAT_IF else {})}
            for code, char in zip(codes, sequence(QUESTION_IDS.index(qid)), strict=False)
        ],
    }


BASE: dict[str, Any] = {
    "clinic": {
        "name": "Clinic",
        "surgeon": "Dr. Who",
        "city": "Town",
        "about": "A clinic.",
        "phone": "555-010-0000",
        "phone_e164": "+15550100000",
        "call_to_action": "Call",
        "emergency": "911",
        "emergency_note": "Emergency note.",
    },
    "consultation": {"message": "Come and see us.", "desk_prompt": "Offer a visit."},
    "urgent": {
        "label": "Urgent?",
        "hint": "Hint.",
        "signs": ["A sign"],
        "choice_yes": "Yes",
        "choice_no": "No",
        "error": "Answer it",
        "heading": "Get help",
        "advice": "Call 911.",
        "desk_label": "Urgent, at the desk?",
        "desk_script": "Is it urgent?",
        "desk_postop": "Alert the surgeon.",
    },
    "categories": [
        {"id": "cosmetic", "label": "Cosmetic", "summary": "Looks.", "offer": ["cosmetic"]},
        {"id": "reconstructive", "label": "Reconstructive", "summary": "Repair.", "offer": ["reconstructive"]},
        {"id": "undetermined", "label": "Open", "summary": "Open.", "offer": ["reconstructive", "cosmetic"]},
    ],
    "questions": [
        _question("goal", ["appearance", "function", "unsure"]),
        _question("cause", ["none", "trauma", "disease", "unsure"]),
        _question("gender", ["female", "male", "unspecified"]),
        _question("area", ["nose", "chest", "unsure"], default="unsure"),
    ],
    "procedures": [
        {"id": "nose_job", "name": "Nose job", "summary": "Nose.", "kinds": ["cosmetic"], "areas": ["nose"]},
        {"id": "repair", "name": "Repair", "summary": "Fix.", "kinds": ["reconstructive"], "areas": ["nose", "chest"]},
    ],
    "notes": {"no_procedure": "Nothing fits.", "area_unsure": "Area unknown."},
    "what_if": ["goal"],
    "rules": [
        {"id": "hurt", "when": {"cause": ["trauma", "disease"]}, "category": "reconstructive", "reason": "Hurt."},
        {"id": "looks", "when": {"cause": ["none"], "goal": ["appearance"]}, "category": "cosmetic", "reason": "Look."},
        {
            "id": "works",
            "when": {"cause": ["none"], "goal": ["function"]},
            "category": "reconstructive",
            "reason": "Work.",
        },
        {"id": "open-aim", "when": {"cause": ["none"], "goal": ["unsure"]}, "category": "undetermined", "reason": "?"},
        {"id": "open-cause", "when": {"cause": ["unsure"]}, "category": "undetermined", "reason": "??"},
    ],
}


def tiny() -> dict[str, Any]:
    """A fresh copy of the small valid table, as plain data to change."""
    return copy.deepcopy(BASE)


def dump(data: dict[str, Any]) -> str:
    """The table as YAML text, one key or item a line."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def engine_of(data: dict[str, Any]) -> Engine:
    """The engine over a table given as data; fails the test if the table has a problem."""
    table, source = read_table(dump(data), "tiny.yaml")
    findings = check(table, source)
    assert not findings.errors, findings.errors
    assert findings.engine is not None
    return findings.engine


def write(tmp_path: Path, data: dict[str, Any] | str) -> Path:
    """Write a table (data or YAML text) as rules.yaml in `tmp_path`; return its path."""
    path = tmp_path / "rules.yaml"
    path.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` first stands in `text`."""
    return text[: text.index(needle)].count("\n") + 1
