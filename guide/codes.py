"""Answer codes: five characters that carry the four answers, read out over the phone.

One character per question (in the order of QUESTION_IDS), then a check character. The
alphabet leaves out characters that are easily confused (0/O, 1/I/L, 5/S, U/V) and has a
prime number of characters, 29, so the weighted check catches every single wrong
character and every swap of two neighbours. A code is the same in every language.

Each answer's character is its own `code` in rules.yaml, never its position: reordering answers
changes no code. A question gives out characters in a fixed order of its own (`sequence`), so that
one that belongs to no answer and is not `retired` shows that an answer was removed; the check
(guide.check) refuses a character given twice, missing, retired or out of turn. A code printed
once keeps opening the same answers for as long as the table keeps them.

A state code carries the answers given so far, for browsers that keep no cookie: one character per
step (the screening question, then the questions), which stands for "not answered yet" or for one
answer, then a check character, from the same alphabet and with the same check. A question's answer
stands there for its place in the question's sequence, so state codes do not follow the order of
the answers either.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from guide.engine import Answers
from guide.table import QUESTION_IDS, Question

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
BASE = len(ALPHABET)  # 29, a prime
LENGTH = 5
_STRIDE = 7  # spreads answers over the alphabet; invertible modulo BASE
_STRIDE_INVERSE = pow(_STRIDE, -1, BASE)


class CodeError(Enum):
    """Why a typed code was refused."""

    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    MISTAKE = "mistake"


class BadCode(ValueError):
    """A code that does not stand for any answers."""

    def __init__(self, reason: CodeError, detail: str = "") -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.detail = detail


def _char(position: int, index: int) -> str:
    return ALPHABET[(index * _STRIDE + position * 11 + 3) % BASE]


def _index(position: int, char: str) -> int:
    return ((ALPHABET.index(char) - position * 11 - 3) * _STRIDE_INVERSE) % BASE


def sequence(position: int) -> tuple[str, ...]:
    """The characters the question at this position of QUESTION_IDS gives out, in the order it gives them.

    The last character of the alphabet's permutation is left out: in a state code it would read as
    "not answered yet".
    """
    return tuple(_char(position, index) for index in range(BASE - 1))


def _check(values: list[int]) -> str:
    """The character that makes the weighted sum of the whole code (the check's weight last) divisible by BASE."""
    total = sum((weight + 1) * value for weight, value in enumerate(values))
    return ALPHABET[(-total * pow(len(values) + 1, -1, BASE)) % BASE]


def encode(questions: tuple[Question, ...], answers: Answers) -> str:
    """Return the code of one combination of answers."""
    body = "".join(q.choice(code).code for q, code in zip(questions, answers, strict=True))
    return body + _check([ALPHABET.index(c) for c in body])


def normalize(text: str) -> str:
    """Upper-case a typed code and drop spaces and dashes."""
    return re.sub(r"[\s\-.]", "", text or "").upper()


def _checked(text: str, length: int) -> str:
    """Return a typed code normalized, or raise BadCode saying what is wrong with it."""
    code = normalize(text)
    if not code:
        raise BadCode(CodeError.EMPTY)
    if len(code) != length:
        raise BadCode(CodeError.LENGTH, str(len(code)))
    strangers = sorted({c for c in code if c not in ALPHABET})
    if strangers:
        raise BadCode(CodeError.CHARACTERS, " ".join(strangers))
    values = [ALPHABET.index(c) for c in code]
    if sum((weight + 1) * value for weight, value in enumerate(values)) % BASE:
        raise BadCode(CodeError.MISTAKE)
    return code


def decode(questions: tuple[Question, ...], text: str) -> Answers:
    """Return the answers a code stands for, or raise BadCode saying what is wrong."""
    code = _checked(text, LENGTH)
    found = [
        next((c.id for c in q.choices if c.code == char), None) for q, char in zip(questions, code[:-1], strict=True)
    ]
    if None in found:  # a retired character, or one not given out yet
        raise BadCode(CodeError.MISTAKE)
    return Answers(*(answer for answer in found if answer is not None))


#: The steps a state code covers, in order: each step's name and its answers, either as the codes of its
#: answers in a fixed order (the screening question) or as each answer's value (`question_steps`).
Steps = Sequence[tuple[str, Sequence[str] | Mapping[str, int]]]


def question_steps(questions: Sequence[Question]) -> list[tuple[str, dict[str, int]]]:
    """The steps of the questions (in the order of QUESTION_IDS): each answer stands for its character's turn."""
    return [
        (q.id, {choice.id: sequence(position).index(choice.code) + 1 for choice in q.choices})
        for position, q in enumerate(questions)
    ]


def _values(choices: Sequence[str] | Mapping[str, int]) -> Mapping[str, int]:
    """Each answer's value in a state code: its own, or its place in a fixed order (from 1; 0 is "not answered")."""
    return choices if isinstance(choices, Mapping) else {choice: index + 1 for index, choice in enumerate(choices)}


def encode_state(steps: Steps, given: Mapping[str, str]) -> str:
    """Return the state code of the answers given so far (steps not answered stay blank)."""
    values = [_values(choices)[given[step]] if step in given else 0 for step, choices in steps]
    body = "".join(_char(p, value) for p, value in enumerate(values))
    return body + _check([ALPHABET.index(c) for c in body])


def decode_state(steps: Steps, text: str) -> dict[str, str]:
    """Return the answers a state code stands for, by step, or raise BadCode."""
    code = _checked(text, len(steps) + 1)
    given = {}
    for position, (step, choices) in enumerate(steps):
        value = _index(position, code[position])
        if value:
            answer = next((choice for choice, own in _values(choices).items() if own == value), None)
            if answer is None:
                raise BadCode(CodeError.MISTAKE)
            given[step] = answer
    return given


# ------------------------------------------------------------ between two tables ----

#: A table's code characters: by question id, the answer each character stands for.
Characters = dict[str, dict[str, str]]


def characters(questions: Sequence[Question]) -> Characters:
    """Each question's characters and the answers they stand for."""
    return {q.id: {choice.code: choice.id for choice in q.choices} for q in questions}


def positional_characters(answers: Mapping[str, Sequence[str]]) -> Characters:
    """The characters of a table from before answers carried their own: each answer's from its place."""
    return {
        question: {_char(QUESTION_IDS.index(question), index): answer for index, answer in enumerate(codes)}
        for question, codes in answers.items()
        if question in QUESTION_IDS
    }


@dataclass(frozen=True)
class Repointed:
    """A code given out under one table that opens other answers under another (`after` None: none at all)."""

    code: str
    state: bool  # a state code (the `answers` parameter), else an answer code
    before: dict[str, str]
    after: dict[str, str] | None


def _turns(chars: Characters) -> list[tuple[str, dict[str, int]]]:
    """The questions' steps of a state code, from their characters."""
    return [
        (question, {answer: sequence(position).index(char) + 1 for char, answer in chars.get(question, {}).items()})
        for position, question in enumerate(QUESTION_IDS)
    ]


def meaning_changes(old: Characters, new: Characters, lead: Steps = ()) -> list[Repointed]:
    """Every answer code and state code of the old table that opens other answers, or none, under the new one.

    `lead` is the steps a state code has before the questions (the screening question), the same in both.
    """
    char_of = {q: {answer: char for char, answer in old.get(q, {}).items()} for q in QUESTION_IDS}
    moved = {q: {a for a, char in char_of[q].items() if new.get(q, {}).get(char) != a} for q in QUESTION_IDS}
    if not any(moved.values()):
        return []
    found = []
    for combo in itertools.product(*(char_of[q] for q in QUESTION_IDS)):
        before = dict(zip(QUESTION_IDS, combo, strict=True))
        if any(before[q] in moved[q] for q in QUESTION_IDS):
            body = "".join(char_of[q][a] for q, a in before.items())
            after = {q: new.get(q, {}).get(char_of[q][a]) for q, a in before.items()}
            opened = None if None in after.values() else {q: str(a) for q, a in after.items()}
            found.append(Repointed(body + _check([ALPHABET.index(c) for c in body]), False, before, opened))
    old_steps, new_steps = [*lead, *_turns(old)], [*lead, *_turns(new)]
    for picks in itertools.product(*([None, *_values(choices)] for _, choices in old_steps)):
        given = {step: a for (step, _), a in zip(old_steps, picks, strict=True) if a is not None}
        if any(a in moved.get(step, ()) for step, a in given.items()):
            code = encode_state(old_steps, given)
            try:
                found.append(Repointed(code, True, given, decode_state(new_steps, code)))
            except BadCode:
                found.append(Repointed(code, True, given, None))
    return found
