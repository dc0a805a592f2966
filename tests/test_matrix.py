"""The committed decision matrix is what the table decides today."""

from __future__ import annotations

from click.testing import CliRunner

from guide.cli import guide_cli
from guide.matrix import markdown

from .conftest import ROOT, RULES


def test_the_committed_decision_matrix_is_current(engine):
    committed = (ROOT / "docs" / "decision-matrix.md").read_text(encoding="utf-8")
    assert committed == markdown(engine), (
        "docs/decision-matrix.md is stale: run `.venv/bin/flask --app app guide table > docs/decision-matrix.md`"
    )


def test_the_matrix_lists_every_combination_once_as_the_engine_decides_it(engine):
    rows = [line.split(" | ") for line in markdown(engine).splitlines() if line.startswith("| ") and line[2].isdigit()]
    decisions = engine.decide_all()
    assert len(rows) == len(decisions) == engine.table.combination_count
    for row, (combo, rec) in zip(rows, decisions.items(), strict=True):
        assert tuple(row[1:5]) == combo
        assert (row[5], row[7].rstrip(" |")) == (rec.category.id, rec.rule.id)
        assert [p.split(" (")[0] for p in row[6].split(", ") if p != "—"] == [p.id for p in rec.procedures]


def test_the_table_command_prints_the_matrix(engine):
    result = CliRunner().invoke(guide_cli, ["table", str(RULES)])
    assert result.exit_code == 0
    assert result.output == markdown(engine)
