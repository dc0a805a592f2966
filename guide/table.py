"""The rule table's schema: what `rules.yaml` may contain. Pure Python, no Flask, no I/O.

`guide.loader` reads a file into a `Table`; `guide.check` finds what is wrong in one;
`guide.engine` decides from one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

#: The questions, in the order the API and the answer codes use: a public contract.
QUESTION_IDS = ("goal", "cause", "gender", "area")
CATEGORY_IDS = ("cosmetic", "reconstructive", "undetermined")
KINDS = ("cosmetic", "reconstructive")
UNDETERMINED = "undetermined"  # the category when the answers leave it open
UNSURE = "unsure"  # the answer code for "I am not sure", where a question has it
UNSPECIFIED = "unspecified"  # the gender code for "I prefer not to say"

Loc = tuple[str | int, ...]


class RuleTableError(Exception):
    """The rule table is broken; `problems` lists every problem, one `file:LINE: message` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Translatable:
    """Marks a text field as an English source string that goes through the catalog."""


TRANSLATABLE = _Translatable()

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), TRANSLATABLE]
Plain = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
#: One character of an answer code (guide.check tells whether it is one of the codes' alphabet): a digit
#: written without quotes is read as the character it is.
CodeChar = Annotated[
    str, BeforeValidator(lambda value: str(value) if type(value) is int else value), StringConstraints(min_length=1)
]
Kind = Literal["cosmetic", "reconstructive"]
CategoryId = Literal["cosmetic", "reconstructive", "undetermined"]


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
    desk_label: Text
    desk_script: Text
    desk_postop: Text  # staff only, after "yes": alert the surgeon on call for the clinic's patients


class Category(_Model):
    """One possible outcome, the kinds of procedure it lists, and what it always adds."""

    id: CategoryId
    label: Text
    summary: Text
    offer: list[Kind]
    note: Text | None = None


class Choice(_Model):
    """One answer to a question."""

    id: Code
    code: CodeChar  # its character in answer codes and state codes: never changes, never reused
    label: Text
    hint: Text | None = None
    what_if: Text | None = None
    note: Text | None = None
    order: list[Kind] | None = None


class Question(_Model):
    """One question and its answers."""

    id: Code
    label: Text
    hint: Text
    short: Text
    error: Text
    desk_label: Text
    desk_script: Text
    desk_label_other: Text
    desk_script_other: Text
    default: Code | None = None
    choices: list[Choice] = Field(min_length=2)
    retired: list[CodeChar] = []  # the characters of removed answers: never given to another answer

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
    kinds: list[Kind] = Field(min_length=1)
    areas: list[Code] = Field(min_length=1)
    causes: list[Code] = []
    common_for: list[Code] = []
    only_for: Code | None = None
    not_for: list[dict[Code, list[Code]]] = []

    @property
    def listed_as(self) -> Kind:
        """The kind the clinic files it under: the first of `kinds`."""
        return self.kinds[0]


class Rule(_Model):
    """Answers that decide a category, and the reason given for it."""

    id: RuleId
    when: dict[Code, list[Code]]
    category: CategoryId
    reason: Text
    offer: list[Kind] | None = None
    advice: Text | None = None
    show_note_of: CategoryId | None = None


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

    @property
    def combination_count(self) -> int:
        """How many combinations of answers there are."""
        count = 1
        for question_id in QUESTION_IDS:
            count *= len(self.question(question_id).choices)
        return count


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
