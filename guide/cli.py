"""`flask guide check` and `flask guide table`: the clinic's tools for rules.yaml.

Registered as a Flask plugin command (see pyproject.toml), so it works even when the
table is too broken for the app to start.
"""

from __future__ import annotations

import sys

import click

from guide import diff
from guide.check import default_rules_path, load_checked
from guide.engine import Engine
from guide.matrix import markdown
from guide.table import RuleTableError


def _load(path):
    try:
        return load_checked(path)
    except RuleTableError as error:
        click.echo("\n".join(error.problems), err=True)
        sys.exit(1)


@click.group("guide")
def guide_cli() -> None:
    """Check the rule table, print its decision matrix, compare two versions of it."""


@guide_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def check_command(path: str | None) -> None:
    """Check rules.yaml (or PATH, or $GUIDE_RULES): every problem as FILE:LINE: message."""
    table, source = _load(path or default_rules_path())
    combos = 1
    for question in table.questions:
        combos *= len(question.choices)
    click.echo(
        f"{source.name}: OK: {len(table.rules)} rules decide all {combos} combinations; "
        f"{len(table.procedures)} procedures, each reachable."
    )


@guide_cli.command("table")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def table_command(path: str | None) -> None:
    """Print every combination of answers with its category, procedures and rule, as Markdown."""
    table, _source = _load(path or default_rules_path())
    click.echo(markdown(Engine(table)), nl=False)


@guide_cli.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option("--json", "json_output", is_flag=True, help="Print JSON instead of Markdown.")
@click.option("--lang", "language", type=click.Choice(diff.languages()), default="en", help="Language of the report.")
def diff_command(old: str, new: str | None, json_output: bool, language: str) -> None:
    """What patients are told differently under NEW (default: the working table) than under OLD.

    OLD and NEW are paths of tables or git revisions of rules.yaml (HEAD, HEAD~3, main).
    Exit status: 0 nothing changed, 1 something did, 2 a table is broken.
    """
    status, report, problems = diff.run(old, new, language=language, json_output=json_output)
    if problems:
        click.echo(problems, err=True)
    click.echo(report, nl=False)
    sys.exit(status)
