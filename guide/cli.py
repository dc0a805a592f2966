"""`flask guide check`, `flask guide table` and `flask guide diff`: the clinic's tools for rules.yaml.

Registered as a Flask plugin command (see pyproject.toml), so it works even when the
table is too broken for the app to start.
"""

from __future__ import annotations

import sys

import click

from guide.insights.cli import staff_cli
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


guide_cli.add_command(staff_cli)


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


@guide_cli.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option("--json", "json_output", is_flag=True, help="Print JSON instead of Markdown.")
@click.option("--lang", "language", default="en", help="Language of the report (en, or a language with a catalog).")
def diff_command(old: str, new: str | None, json_output: bool, language: str) -> None:
    """What patients are told differently under NEW (default: the working table) than under OLD.

    OLD and NEW are paths of tables or git revisions of rules.yaml (HEAD, HEAD~3, main).
    Exit status: 0 nothing changed, 1 something did, 2 a table is broken.
    """
    from guide import diff  # only this command needs it: `guide check` starts without it

    if language not in diff.languages():
        raise click.BadParameter(f"{language!r} is not one of {', '.join(diff.languages())}", param_hint="'--lang'")
    status, report, problems = diff.run(old, new, language=language, json_output=json_output)
    if problems:
        click.echo(problems, err=True)
    click.echo(report, nl=False)
    sys.exit(status)
