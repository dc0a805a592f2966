"""`flask --app app guide staff add NAME [--password-stdin]`, `... staff remove NAME`, `... staff list`."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import with_appcontext

#: The shortest password accepted.
SHORTEST = 12


@click.group("staff")
def staff_cli() -> None:
    """Manage the staff accounts that may read /staff/insights."""


def valid_name(name: str) -> bool:
    """Tell whether a staff name is acceptable: 1 to 64 letters, digits, dots, dashes or underscores."""
    return 0 < len(name) <= 64 and all(c.isalnum() or c in "._-" for c in name)


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice (not shown)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Password again")
    if len(password) < SHORTEST:
        raise click.ClickException(f"The password must have at least {SHORTEST} characters.")
    return password


@staff_cli.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@with_appcontext
def add_command(name: str, password_stdin: bool) -> None:
    """Add a staff account NAME (asks for its password twice)."""
    from sqlalchemy import select

    from guide.insights.models import Staff, db
    from guide.insights.staff import hasher, normalized

    name = normalized(name)
    if not valid_name(name):
        raise click.ClickException("A name is 1 to 64 letters, digits, dots, dashes or underscores.")
    if db.session.scalar(select(Staff).where(Staff.name == name)) is not None:
        raise click.ClickException(f"{name} has an account already (remove it first to set a new password).")
    password = read_password(password_stdin)
    db.session.add(Staff(name=name, password_hash=hasher.hash(password), created=dt.date.today()))
    db.session.commit()
    click.echo(f"Added {name}.")


@staff_cli.command("remove")
@click.argument("name")
@with_appcontext
def remove_command(name: str) -> None:
    """Remove the staff account NAME (its sessions end at their next page)."""
    from sqlalchemy import delete

    from guide.insights.models import Staff, db
    from guide.insights.staff import normalized

    removed = db.session.execute(delete(Staff).where(Staff.name == normalized(name))).rowcount  # type: ignore[attr-defined]
    db.session.commit()
    if not removed:
        raise click.ClickException(f"No account named {normalized(name)}.")
    click.echo(f"Removed {normalized(name)}.")


@staff_cli.command("list")
@with_appcontext
def list_command() -> None:
    """List the staff accounts and when each was added."""
    from sqlalchemy import select

    from guide.insights.models import Staff, db

    for staff in db.session.scalars(select(Staff).order_by(Staff.name)):
        click.echo(f"{staff.name}\t{staff.created.isoformat()}")
