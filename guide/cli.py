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
@click.option("--summary", "summary", is_flag=True, help="Print only the summary: one screen, safety first.")
@click.option("--json", "json_output", is_flag=True, help="Print JSON instead of Markdown.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Write the report as one HTML page to FILE.")
@click.option("--lang", "language", default="en", help="Language of the report (en, or a language with a catalog).")
def diff_command(
    old: str, new: str | None, summary: bool, json_output: bool, html_file: str | None, language: str
) -> None:
    """What patients are told differently under NEW (default: the working table) than under OLD.

    OLD and NEW are paths of tables or git revisions of rules.yaml (HEAD, HEAD~3, main). The report
    opens with a summary (safety first), then goes situation by situation, in the patient's words.
    Exit status: 0 nothing changed, 1 something did, 2 a table is broken, 3 codes already given out open other
    answers (or none) under NEW.
    """
    from guide import diff, report  # only this command needs them: `guide check` starts without them

    if language not in diff.languages():
        raise click.BadParameter(f"{language!r} is not one of {', '.join(diff.languages())}", param_hint="'--lang'")
    if sum((summary, json_output, html_file is not None)) > 1:
        raise click.UsageError("Choose one of --summary, --json and --html.")
    form = "html" if html_file else "json" if json_output else "summary" if summary else "markdown"
    status, text, problems = report.run(old, new, language=language, form=form)
    if problems:
        click.echo(problems, err=True)
    if html_file and status != diff.BROKEN:
        try:
            with open(html_file, "w", encoding="utf-8") as page:
                page.write(text)
        except OSError as error:
            raise click.FileError(html_file, hint=error.strerror) from None
        click.echo(f"{html_file}: {len(text.encode('utf-8')) // 1024} KB", err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(status)
