"""The error every part of the guide's start-up raises when it cannot start as configured."""

from __future__ import annotations

import click


class ConfigurationError(click.ClickException):
    """The guide cannot start as configured; the message says why, in one line or (a broken table) one per problem.

    `create_app` raises it. `app.py` and gunicorn's check (guide.serving) print `problems` and exit
    with status 1; under the `flask` command (`flask --app guide run`) click does the same, as for
    any of its own errors.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        self.problems = problems or (message,)
        super().__init__("\n".join(self.problems))
