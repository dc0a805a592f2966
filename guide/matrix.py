"""The decision matrix: every combination of answers and what the guide says, for review."""

from __future__ import annotations

from guide.engine import Engine
from guide.table import QUESTION_IDS


def markdown(engine: Engine) -> str:
    """Render the whole decision matrix as a Markdown document."""
    decisions = engine.decide_all()
    lines = [
        "# Decision matrix",
        "",
        "Generated from `rules.yaml` by `flask --app app guide table`; do not edit by hand.",
        f"Every one of the {len(decisions)} combinations of answers, with the category, the procedures",
        "listed (most relevant first; (c) cosmetic or (r) reconstructive, the kind it has in that result)",
        "and the rule that decided.",
        "A test fails when this file is stale.",
        "",
        "| # | " + " | ".join(QUESTION_IDS) + " | category | procedures | rule |",
        "|---|" + "---|" * (len(QUESTION_IDS) + 3),
    ]
    for number, (combo, rec) in enumerate(decisions.items(), start=1):
        listed = zip(rec.procedures, rec.kinds, strict=True)
        procedures = ", ".join(f"{p.id} ({kind[0]})" for p, kind in listed) or "—"
        lines.append(f"| {number} | " + " | ".join(combo) + f" | {rec.category.id} | {procedures} | {rec.rule.id} |")
    return "\n".join(lines) + "\n"
