"""`flask guide check` and `flask guide table`: the clinic's tools for rules.yaml.

Registered as a Flask plugin command (see pyproject.toml), so it works even when the
table is too broken for the app to start.
"""

from __future__ import annotations

import sys

import click

from guide.matrix import markdown
from guide.rules import Guide, open_guide, rules_path
from guide.table import RuleTableError


def _open(path: str | None) -> Guide:
    """Open the table, or print every problem and exit with status 1."""
    try:
        guide = open_guide(path or rules_path())
    except RuleTableError as error:
        click.echo("\n".join(error.problems), err=True)
        sys.exit(1)
    return guide


@click.group("guide")
def guide_cli() -> None:
    """Check the rule table and print its decision matrix."""


@guide_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def check_command(path: str | None) -> None:
    """Check rules.yaml (or PATH, or $GUIDE_RULES): every problem as FILE:LINE: message."""
    guide = _open(path)
    for warning in guide.warnings:
        click.echo(warning, err=True)
    table = guide.table
    warned = f"; {len(guide.warnings)} warning(s)" if guide.warnings else ""
    click.echo(
        f"{guide.source.name}: OK: {len(table.rules)} rules decide all {table.combination_count} combinations; "
        f"{len(table.procedures)} procedures, each reachable{warned}."
    )


@guide_cli.command("table")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def table_command(path: str | None) -> None:
    """Print every combination of answers with its category, procedures and rule, as Markdown."""
    click.echo(markdown(_open(path).engine), nl=False)
