"""The rule table in use: loaded, checked and decided once. Pure Python; Flask only wires it in.

`open_guide(path)` is what the CLI, the app and the tests call: it returns the table, where it
came from, the check's warnings and the engine with every decision made, or raises
`RuleTableError` listing every problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from guide.check import check
from guide.engine import Engine
from guide.loader import Source, load_table, read_table
from guide.table import RuleTableError, Table

if TYPE_CHECKING:
    from flask import Flask

#: The clinic's table, at the project's root.
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules.yaml"


def rules_path() -> Path:
    """The table to use: the `GUIDE_RULES` environment variable, else the clinic's `rules.yaml`."""
    return Path(os.environ.get("GUIDE_RULES") or DEFAULT_RULES)


@dataclass(frozen=True)
class Guide:
    """The checked table, where it came from, what the check warns about, and the engine over it."""

    table: Table
    source: Source
    engine: Engine
    warnings: tuple[str, ...] = ()


def open_guide(path: str | os.PathLike[str] = DEFAULT_RULES) -> Guide:
    """Load and check a rule table file; raise `RuleTableError` listing every problem."""
    return _checked(*load_table(path))


def open_guide_text(text: str, name: str) -> Guide:
    """Check a rule table given as text (such as a git revision of the file), named `name` in messages."""
    return _checked(*read_table(text, name))


def _checked(table: Table, source: Source) -> Guide:
    findings = check(table, source)
    if findings.errors or findings.engine is None:
        raise RuleTableError(findings.errors)
    return Guide(table, source, findings.engine, tuple(findings.warnings))


def init_app(app: Flask) -> None:
    """Load and check the table named by the `GUIDE_RULES` setting; a broken one raises `RuleTableError`."""
    app.extensions["guide"] = open_guide(app.config["GUIDE_RULES"])


def current_guide() -> Guide:
    """Return the guide of the running app."""
    from flask import current_app

    return current_app.extensions["guide"]
