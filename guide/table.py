"""The rule table: its schema, and loading it from YAML with the line of every value.

Pure Python, no Flask. `load_table(path)` returns a validated `Table` or raises
`RuleTableError` with every problem found, each as `file:LINE: what is wrong`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

#: The questions, in the order the API and the answer codes use: a public contract.
QUESTION_IDS = ("goal", "cause", "gender", "area")
CATEGORY_IDS = ("cosmetic", "reconstructive", "undetermined")
KINDS = ("cosmetic", "reconstructive")
UNDETERMINED = "undetermined"  # the category when the answers leave it open
UNSURE = "unsure"  # the answer code for "I am not sure", where a question has it
UNSPECIFIED = "unspecified"  # the gender code for "I prefer not to say"

Loc = tuple[str | int, ...]


class _Translatable:
    """Marks a text field as an English source string that goes through the catalog."""


TRANSLATABLE = _Translatable()

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), TRANSLATABLE]
Plain = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
Kind = Literal["cosmetic", "reconstructive"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clinic(_Model):
    """The clinic's facts."""

    name: Plain
    surgeon: Plain
    city: Plain
    about: Text
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9][0-9 ()-]{6,}[0-9]$")]
    phone_e164: Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]
    call_to_action: Text
    languages: list[Code] = Field(min_length=1)
    emergency: Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
    emergency_note: Text

    @property
    def tel(self) -> str:
        """The phone number as a tap-to-call link."""
        return f"tel:{self.phone_e164}"


class Consultation(_Model):
    """The consultation every result recommends."""

    message: Text
    desk_prompt: Text


class Urgent(_Model):
    """The screening question asked before the four questions."""

    label: Text
    hint: Text
    signs: list[Text] = Field(min_length=1)
    choice_yes: Text
    choice_no: Text
    error: Text
    heading: Text
    advice: Text


class Category(_Model):
    """One possible outcome and the kinds of procedure it lists."""

    id: Literal["cosmetic", "reconstructive", "undetermined"]
    label: Text
    summary: Text
    offer: list[Kind]


class Choice(_Model):
    """One answer to a question."""

    id: Code
    label: Text
    hint: Text | None = None
    what_if: Text | None = None


class Question(_Model):
    """One question and its answers."""

    id: Code
    label: Text
    hint: Text
    short: Text
    error: Text
    desk_label: Text
    desk_script: Text
    default: Code | None = None
    choices: list[Choice] = Field(min_length=2)

    @property
    def codes(self) -> tuple[str, ...]:
        """The answer codes, in the table's order."""
        return tuple(choice.id for choice in self.choices)

    def choice(self, code: str) -> Choice:
        """Return the answer with this code."""
        return next(choice for choice in self.choices if choice.id == code)


class Procedure(_Model):
    """One of the clinic's procedure categories."""

    id: Code
    name: Text
    summary: Text
    kind: Kind
    areas: list[Code] = Field(min_length=1)
    causes: list[Code] = []
    common_for: list[Code] = []
    only_for: Code | None = None


class Rule(_Model):
    """Answers that decide a category, and the reason given for it."""

    id: RuleId
    when: dict[Code, list[Code]]
    category: Literal["cosmetic", "reconstructive", "undetermined"]
    reason: Text


class Notes(_Model):
    """Sentences the engine adds to a result's reasons."""

    no_procedure: Text
    area_unsure: Text


class Table(_Model):
    """The whole rule table."""

    clinic: Clinic
    consultation: Consultation
    urgent: Urgent
    categories: list[Category]
    questions: list[Question]
    procedures: list[Procedure] = Field(min_length=1)
    notes: Notes
    what_if: list[Code]
    rules: list[Rule] = Field(min_length=1)

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        return next(q for q in self.questions if q.id == question_id)

    def category(self, category_id: str) -> Category:
        """Return the category with this id."""
        return next(c for c in self.categories if c.id == category_id)


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


class RuleTableError(SystemExit):
    """The rule table is broken; `problems` lists every problem, one line each.

    A SystemExit, so that a process starting the app on a broken table prints the
    problems and stops with status 1 instead of a traceback.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def display_name(path: Path) -> str:
    """Name a file as a person at the shell would: relative to here when below it, else in full."""
    path = Path(path).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def parse(text: str, name: str) -> tuple[Any, Source]:
    """Parse YAML text into plain data and the line of every key and item."""
    loader = yaml.SafeLoader(text)
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
    lines: dict[Loc, int] = {(): node.start_mark.line + 1}
    problems: list[str] = []
    data = _plain(node, (), lines, problems, name, loader)
    if problems:
        raise RuleTableError(problems)
    return data, Source(name, lines)


def _plain(node, loc: Loc, lines, problems, name, loader) -> Any:
    """Turn a YAML node into plain data, recording the line of each key and item."""
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in result:
                problems.append(f"{name}:{key_node.start_mark.line + 1}: key {key!r} appears twice here")
            lines[loc + (key,)] = key_node.start_mark.line + 1
            result[key] = _plain(value_node, loc + (key,), lines, problems, name, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[loc + (index,)] = item.start_mark.line + 1
            items.append(_plain(item, loc + (index,), lines, problems, name, loader))
        return items
    return loader.construct_object(node)


def validate(data: Any, source: Source) -> Table:
    """Validate plain data against the schema, reporting every problem with its line."""
    try:
        return Table.model_validate(data)
    except ValidationError as error:
        raise RuleTableError([source.problem(err["loc"], _describe(err, data)) for err in error.errors()]) from None


def load_table(path: str | os.PathLike[str]) -> tuple[Table, Source]:
    """Read, parse and validate a rule table (the schema only: see `check` for the rest)."""
    path = Path(path)
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleTableError([f"{name}:1: cannot be read: {error}"]) from None
    data, source = parse(text, name)
    return validate(data, source), source


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
            label = names.get(loc[step - 1], "answer" if loc[step - 1] == "choices" else "item")
            parts.append(f"{label} {node['id']!r}".replace("'", '"'))
    return " of ".join(reversed(parts))


def _field(loc: Loc) -> str:
    """Name the field of a location: its last text step."""
    names = [str(step) for step in loc if isinstance(step, str)]
    return f'"{names[-1]}"' if names else "the file"


def _describe(err: dict, data: Any) -> str:
    """Turn one pydantic error into a plain sentence."""
    loc: Loc = tuple(step for step in err["loc"] if step not in ("function-after", "literal"))
    kind = err["type"]
    field = _field(loc)
    if kind == "missing":
        message = f"{field} is missing"
    elif kind == "extra_forbidden":
        message = f"unknown key {field}"
    elif kind == "string_too_short":
        message = f"{field} is empty"
    elif kind == "too_short":
        message = f"{field} needs at least {err['ctx']['min_length']} item(s)"
    elif kind == "string_pattern_mismatch":
        message = f"{field} has the value {err['input']!r}, which is not in the expected form"
    elif kind == "literal_error":
        message = f"{field} is {err['input']!r}; expected one of {err['ctx']['expected']}"
    elif kind in ("string_type", "list_type", "dict_type", "model_type"):
        expected = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}
        message = f"{field} should be {expected.get(kind, 'a mapping')}, not {err['input']!r}"
    else:
        message = f"{field}: {err['msg']}"
    where = owner(data, loc)
    return f"{where}: {message}" if where else message


def iter_texts(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Yield the location and value of every translatable text in a table, in file order."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = loc + (name,)
        translatable = TRANSLATABLE in info.metadata or _holds_translatable(info.annotation)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = here if index is None else here + (index,)
            if translatable and isinstance(item, str):
                yield where, item
            elif isinstance(item, BaseModel):
                yield from iter_texts(item, where)


def _holds_translatable(annotation: Any) -> bool:
    """Tell whether a type is `Text`, or a list or optional of it."""
    if annotation is None:
        return False
    if TRANSLATABLE in getattr(annotation, "__metadata__", ()):
        return True
    return any(_holds_translatable(arg) for arg in getattr(annotation, "__args__", ()))
