"""The decision: from four answer codes to a recommendation. Pure Python, no Flask.

Nothing clinical is decided here: the rules, the categories, the procedures and every
sentence come from the rule table. This module only applies them the same way for
every combination of answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from guide.table import (
    QUESTION_IDS,
    UNDETERMINED,
    UNSPECIFIED,
    UNSURE,
    Category,
    Consultation,
    Procedure,
    Question,
    Rule,
    Table,
)

Answers = tuple[str, str, str, str]  # goal, cause, gender, area: the order of QUESTION_IDS


@dataclass(frozen=True)
class WhatIf:
    """The single changed answer that would have changed the category."""

    question: Question
    code: str
    condition: str  # the English source text of the choice's `what_if`
    category: Category


@dataclass(frozen=True)
class Recommendation:
    """What the guide tells for one combination of answers. Texts are English sources."""

    answers: Answers
    category: Category
    rule: Rule
    procedures: tuple[Procedure, ...]
    notes: tuple[str, ...]
    consultation: Consultation
    what_if: WhatIf | None

    @property
    def reasons(self) -> tuple[str, ...]:
        """The rule's reason, then what the table says about the procedures listed."""
        return (self.rule.reason, *self.notes)

    def answer(self, question_id: str) -> str:
        """Return the answer code given to one question."""
        return self.answers[QUESTION_IDS.index(question_id)]


def matches(rule: Rule, answers: Answers) -> bool:
    """Tell whether a rule applies to these answers."""
    return all(answers[QUESTION_IDS.index(q)] in codes for q, codes in rule.when.items())


def fits(procedure: Procedure, category: Category, answers: Answers) -> bool:
    """Whether a result lists this procedure.

    It must not be limited to the other sex. For a known body area, it must concern the area,
    and either be of a kind the category offers or typically answer the cause whatever its kind
    (the reason decides the category, not the operation: a nose operation after an injury is
    reconstructive). When the area is unsure, it must be of a kind offered and answer the cause.
    """
    _goal, cause, gender, area = answers
    if procedure.only_for is not None and gender not in (procedure.only_for, UNSPECIFIED):
        return False
    offered, answers_cause = procedure.kind in category.offer, cause in procedure.causes
    if area == UNSURE:
        return offered and answers_cause
    return area in procedure.areas and (offered or answers_cause)


def combinations(table: Table) -> Iterator[Answers]:
    """Yield every combination of answers, in the table's order of questions and choices."""
    yield from itertools.product(*(table.question(q).codes for q in QUESTION_IDS))


class Engine:
    """Decides recommendations from a checked rule table."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.questions = tuple(table.question(q) for q in QUESTION_IDS)

    def normalize(self, answers: Mapping[str, str]) -> Answers:
        """Turn a mapping of answer codes into the ordered tuple, filling defaults."""
        values = []
        for question in self.questions:
            code = answers.get(question.id) or question.default
            if code not in question.codes:
                raise ValueError(f"{question.id}: {code!r} is not one of {question.codes}")
            values.append(code)
        return tuple(values)  # type: ignore[return-value]

    def rule_for(self, answers: Answers) -> Rule | None:
        """Return the rule that reports for these answers: the first that applies."""
        return next((rule for rule in self.table.rules if matches(rule, answers)), None)

    def decide(self, answers: Answers | Mapping[str, str]) -> Recommendation:
        """Return the recommendation for one combination of answers."""
        if isinstance(answers, Mapping):
            answers = self.normalize(answers)
        rule = self.rule_for(answers)
        if rule is None:
            raise LookupError(f"no rule decides {answers}: run the table check")
        category = self.table.category(rule.category)
        procedures = self.procedures(category, answers)
        return Recommendation(
            answers=answers,
            category=category,
            rule=rule,
            procedures=procedures,
            notes=self._notes(answers, procedures),
            consultation=self.table.consultation,
            what_if=self._what_if(answers, category),
        )

    def procedures(self, category: Category, answers: Answers) -> tuple[Procedure, ...]:
        """List the procedures that fit, most relevant first.

        Order: those that answer the cause; then, among the others, those not limited to one
        sex the patient has not named, those that name no cause before those meant for other
        causes; then common for the gender, the category's order of kinds, and the table's order.
        """
        _goal, cause, gender, _area = answers
        fitting = [p for p in self.table.procedures if fits(p, category, answers)]
        order = {p.id: i for i, p in enumerate(self.table.procedures)}
        return tuple(
            sorted(
                fitting,
                key=lambda p: (
                    cause not in p.causes,
                    p.only_for not in (None, gender),
                    bool(p.causes) and cause not in p.causes,
                    gender not in p.common_for,
                    category.offer.index(p.kind) if p.kind in category.offer else len(category.offer),
                    order[p.id],
                ),
            )
        )

    def _notes(self, answers: Answers, procedures: tuple[Procedure, ...]) -> tuple[str, ...]:
        if procedures:
            return ()
        notes = self.table.notes
        return (notes.area_unsure if answers[3] == UNSURE else notes.no_procedure,)

    def _what_if(self, answers: Answers, category: Category) -> WhatIf | None:
        """Find the first single changed answer, among those the table offers, that would decide
        the other category (a change that only leaves the question open is no help)."""
        for question_id in self.table.what_if:
            position = QUESTION_IDS.index(question_id)
            question = self.questions[position]
            for choice in question.choices:
                if choice.what_if is None or choice.id == answers[position]:
                    continue
                changed = answers[:position] + (choice.id,) + answers[position + 1 :]
                rule = self.rule_for(changed)  # type: ignore[arg-type]
                if rule is not None and rule.category not in (category.id, UNDETERMINED):
                    return WhatIf(question, choice.id, choice.what_if, self.table.category(rule.category))
        return None
