"""The decision matrix: every combination of answers and what the guide says, for review."""

from __future__ import annotations

from guide.engine import Engine, combinations
from guide.table import QUESTION_IDS


def markdown(engine: Engine) -> str:
    """Render the whole decision matrix as a Markdown document."""
    table = engine.table
    combos = list(combinations(table))
    lines = [
        "# Decision matrix",
        "",
        "Generated from `rules.yaml` by `flask --app app guide table`; do not edit by hand.",
        f"Every one of the {len(combos)} combinations of answers, with the category, the procedures",
        "listed (most relevant first) and the rule that decided. A test fails when this file is stale.",
        "",
        "| # | " + " | ".join(QUESTION_IDS) + " | category | procedures | rule |",
        "|---|" + "---|" * (len(QUESTION_IDS) + 3),
    ]
    for number, combo in enumerate(combos, start=1):
        rec = engine.decide(combo)
        procedures = ", ".join(p.id for p in rec.procedures) or "—"
        lines.append(f"| {number} | " + " | ".join(combo) + f" | {rec.category.id} | {procedures} | {rec.rule.id} |")
    return "\n".join(lines) + "\n"
