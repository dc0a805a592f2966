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


def test_the_matrix_lists_every_combination_once(engine):
    rows = [line for line in markdown(engine).splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == 630
    assert len({tuple(row.split(" | ")[1:5]) for row in rows}) == 630
    assert "| appearance | none | male | nose | cosmetic | rhinoplasty | appearance |" in markdown(engine)


def test_the_table_command_prints_the_matrix(engine):
    result = CliRunner().invoke(guide_cli, ["table", str(RULES)])
    assert result.exit_code == 0
    assert result.output == markdown(engine)
