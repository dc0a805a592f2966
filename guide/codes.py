"""Answer codes: five characters that carry the four answers, read out over the phone.

One character per question (in the order of QUESTION_IDS), then a check character. The
alphabet leaves out characters that are easily confused (0/O, 1/I/L, 5/S, U/V) and has a
prime number of characters, 29, so the weighted check catches every single wrong
character and every swap of two neighbours. A code is the same in every language.
Codes follow the order of the answers in rules.yaml: reordering answers there changes them.
"""

from __future__ import annotations

import re
from enum import Enum

from guide.engine import Answers
from guide.table import Question

ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
BASE = len(ALPHABET)  # 29, a prime
LENGTH = 5
_STRIDE = 7  # spreads answers over the alphabet; invertible modulo BASE
_STRIDE_INVERSE = pow(_STRIDE, -1, BASE)
_WEIGHT_INVERSE = pow(LENGTH, -1, BASE)


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


def _check(values: list[int]) -> str:
    total = sum((weight + 1) * value for weight, value in enumerate(values))
    return ALPHABET[(-total * _WEIGHT_INVERSE) % BASE]


def encode(questions: tuple[Question, ...], answers: Answers) -> str:
    """Return the code of one combination of answers."""
    body = "".join(_char(p, q.codes.index(code)) for p, (q, code) in enumerate(zip(questions, answers, strict=True)))
    return body + _check([ALPHABET.index(c) for c in body])


def normalize(text: str) -> str:
    """Upper-case a typed code and drop spaces and dashes."""
    return re.sub(r"[\s\-.]", "", text or "").upper()


def decode(questions: tuple[Question, ...], text: str) -> Answers:
    """Return the answers a code stands for, or raise BadCode saying what is wrong."""
    code = normalize(text)
    if not code:
        raise BadCode(CodeError.EMPTY)
    if len(code) != LENGTH:
        raise BadCode(CodeError.LENGTH, str(len(code)))
    strangers = sorted({c for c in code if c not in ALPHABET})
    if strangers:
        raise BadCode(CodeError.CHARACTERS, " ".join(strangers))
    values = [ALPHABET.index(c) for c in code]
    if sum((weight + 1) * value for weight, value in enumerate(values)) % BASE:
        raise BadCode(CodeError.MISTAKE)
    indexes = [_index(p, c) for p, c in enumerate(code[:-1])]
    if any(i >= len(q.codes) for i, q in zip(indexes, questions, strict=True)):
        raise BadCode(CodeError.MISTAKE)
    return Answers(*(q.codes[i] for q, i in zip(questions, indexes, strict=True)))
