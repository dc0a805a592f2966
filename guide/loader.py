"""Reading `rules.yaml`: YAML with the line of every value, validated against the schema.

Pure Python, no Flask. `load_table(path)` returns a `Table` and its `Source`, or raises
`RuleTableError` with every problem found, each as `file:LINE: what is wrong`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from guide.table import Loc, RuleTableError, Table

# LibYAML's parser when PyYAML was built with it (several times faster), else the Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Source:
    """Where a table came from: the name shown in messages and the line of every value."""

    name: str
    lines: dict[Loc, int]

    def line(self, loc: Loc) -> int:
        """Return the line of the value at `loc`, or of its nearest parent that has one."""
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def problem(self, loc: Loc, message: str) -> str:
        """Format one problem as `file:LINE: message`."""
        return f"{self.name}:{self.line(loc)}: {message}"


def display_name(path: str | os.PathLike[str]) -> str:
    """Name a file as a person at the shell would: relative to here when below it, else in full."""
    path = Path(path).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def parse(text: str, name: str) -> tuple[Any, Source]:
    """Parse YAML text into plain data and the line of every key and item."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise RuleTableError([f"{name}:{line}: not valid YAML: {error.problem}"]) from None
    finally:
        loader.dispose()
    if node is None:
        raise RuleTableError([f"{name}:1: the file is empty"])
    walker = _Walker(name, loader)
    data = walker.plain(node, ())
    if walker.problems:
        raise RuleTableError(walker.problems)
    walker.lines[()] = node.start_mark.line + 1
    return data, Source(name, walker.lines)


class _Walker:
    """Turns YAML nodes into plain data, recording lines and rejecting duplicate keys."""

    def __init__(self, name: str, loader: Any) -> None:
        self.name = name
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.problems: list[str] = []

    def plain(self, node: yaml.Node, loc: Loc) -> Any:
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                if key in result:
                    self.problems.append(f"{self.name}:{key_node.start_mark.line + 1}: key {key!r} appears twice here")
                self.lines[loc + (key,)] = key_node.start_mark.line + 1
                result[key] = self.plain(value_node, loc + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[loc + (index,)] = item.start_mark.line + 1
                items.append(self.plain(item, loc + (index,)))
            return items
        return self.loader.construct_object(node)


def validate(data: Any, source: Source) -> Table:
    """Validate plain data against the schema, reporting every problem with its line."""
    try:
        return Table.model_validate(data)
    except ValidationError as error:
        raise RuleTableError([source.problem(err["loc"], _describe(err, data)) for err in error.errors()]) from None


def read_table(text: str, name: str) -> tuple[Table, Source]:
    """Parse and validate the text of a rule table (the schema only: `guide.check` does the rest)."""
    data, source = parse(text, name)
    return validate(data, source), source


def load_table(path: str | os.PathLike[str]) -> tuple[Table, Source]:
    """Read, parse and validate a rule table file (the schema only: `guide.check` does the rest)."""
    name = display_name(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleTableError([f"{name}:1: cannot be read: {error}"]) from None
    return read_table(text, name)


def owner(data: Any, loc: Loc) -> str:
    """Describe the item that holds `loc`, e.g. `rule "pain"` or `question "goal"`."""
    names = {"rules": "rule", "questions": "question", "procedures": "procedure", "categories": "category"}
    parts = []
    node = data
    for step, key in enumerate(loc):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(key, int) and step > 0 and isinstance(node, dict) and "id" in node:
            label = names.get(str(loc[step - 1]), "answer" if loc[step - 1] == "choices" else "item")
            parts.append(f"{label} {node['id']!r}".replace("'", '"'))
    return " of ".join(reversed(parts))


def _field(loc: Loc) -> str:
    """Name the field of a location: its last text step."""
    names = [str(step) for step in loc if isinstance(step, str)]
    return f'"{names[-1]}"' if names else "the file"


_EXPECTED = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}


def _describe(err: Any, data: Any) -> str:
    """Turn one pydantic error into a plain sentence."""
    loc: Loc = tuple(step for step in err["loc"] if step not in ("function-after", "literal"))
    kind = err["type"]
    field = _field(loc)
    messages = {
        "missing": lambda: f"{field} is missing",
        "extra_forbidden": lambda: f"unknown key {field}",
        "string_too_short": lambda: f"{field} is empty",
        "too_short": lambda: f"{field} needs at least {err['ctx']['min_length']} item(s)",
        "string_pattern_mismatch": lambda: f"{field} has the value {err['input']!r}, which is not in the expected form",
        "literal_error": lambda: f"{field} is {err['input']!r}; expected one of {err['ctx']['expected']}",
    }
    if kind in messages:
        message = messages[kind]()
    elif kind in ("string_type", "list_type", "dict_type", "model_type"):
        message = f"{field} should be {_EXPECTED.get(kind, 'a mapping')}, not {err['input']!r}"
    else:
        message = f"{field}: {err['msg']}"
    where = owner(data, loc)
    return f"{where}: {message}" if where else message
